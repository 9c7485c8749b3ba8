"""Measures of children looked after from the SSDA903 return (report `young_children`).

Definitions follow DfE convention:
- episodes with legal status V3 or V4 (a series of short-term placements) are excluded from
  starts and from counts of children looked after;
- a child **starts to be looked after** on an episode with RNE = `S`;
- a child is **looked after on a date** when an episode has DECOM <= date and (DEC blank or
  DEC > date) - so a child whose episode ends on the date is not counted, and one whose next
  episode starts that day is (once);
- **age at start** is in completed years from DOB to DECOM; **newborn** = started before 7 days;
- a child with no date of birth (no header row) is **age unknown**: counted in all starts and
  children, in no age group (never as a newborn, never under 1 or aged 1 and over).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.ages import age_in_years
from analysis.config import codelists
from analysis.measures.stats import Comparison, Share, odds_ratio, ratio_of_shares, wilson
from analysis.periods import is_open, window

DEFAULT_BANDS = [
    ["Newborn (under 7 days)", "0d"],
    ["7 days to under 3 months", "7d"],
    ["3 to under 12 months", "3m"],
    ["1 to 4", "1y"],
    ["5 to 9", "5y"],
    ["10 to 15", "10y"],
    ["16 and over", "16y"],
]
#: The band of a child with no date of birth, after the age bands.
UNKNOWN = "Age unknown"
_BOUND = re.compile(r"^(\d+)([dmy])$")


def care_episodes(episodes: pd.DataFrame) -> pd.DataFrame:
    """Episodes that count as being looked after: all except legal status V3/V4."""
    short_breaks = codelists()["ssda903"]["short_break_ls"]
    return episodes[~episodes["LS"].isin(short_breaks)]


def _reached(dob: pd.Series, on: pd.Series, bound: str) -> pd.Series:
    """Whether the age on `on` is at least `bound` (e.g. `7d`, `3m`, `16y`)."""
    match = _BOUND.match(bound)
    if not match:
        raise ValueError(f"age band bound '{bound}' should look like 7d, 3m or 16y")
    n, unit = int(match.group(1)), match.group(2)
    if unit == "d":
        return (on - dob).dt.days >= n
    if unit == "y":
        return age_in_years(dob, on) >= n
    years_months = (on.dt.year - dob.dt.year) * 12 + (on.dt.month - dob.dt.month)
    return (years_months - (on.dt.day < dob.dt.day).astype(int)) >= n


def age_band(dob: pd.Series, on: pd.Series, bands: list[list[str]] = DEFAULT_BANDS) -> pd.Series:
    """The label of the band the age falls in; each band runs from its bound to the next.
    Without a date of birth the band is UNKNOWN ("Age unknown"), never the first band.

    Returned as an ordered categorical in band order, UNKNOWN last."""
    labels = [b[0] for b in bands]
    out = pd.Series(labels[0], index=dob.index, dtype=object)
    for label, bound in bands[1:]:
        out = out.mask(_reached(dob, on, bound), label)
    out = out.mask(dob.isna() | pd.Series(on, index=dob.index).isna(), UNKNOWN)
    return pd.Series(
        pd.Categorical(out, categories=[*labels, UNKNOWN], ordered=True), index=dob.index
    )


def age_group(age: pd.Series) -> np.ndarray:
    """Under 1, Aged 1 and over, or Age unknown (no date of birth), from completed years."""
    return np.select([age.isna(), age < 1], [UNKNOWN, "Under 1"], "Aged 1 and over")


def starts(
    episodes: pd.DataFrame,
    header: pd.DataFrame,
    first: pd.Timestamp,
    last: pd.Timestamp,
    bands: list[list[str]] = DEFAULT_BANDS,
) -> pd.DataFrame:
    """Starts to be looked after with DECOM from `first` to `last` inclusive (one row per
    start: a child starting twice counts twice), with age at start and band."""
    mask = (episodes["RNE"] == "S") & (episodes["DECOM"] >= first) & (episodes["DECOM"] <= last)
    s = care_episodes(episodes.loc[mask, ["CHILD", "DECOM", "LS", "CIN"]])
    s = s.merge(header[["CHILD", "DOB"]].drop_duplicates("CHILD"), on="CHILD", how="left")
    s["AGE"] = age_in_years(s["DOB"], s["DECOM"])
    s["AGE_DAYS"] = (s["DECOM"] - s["DOB"]).dt.days
    s["NEWBORN"] = s["AGE_DAYS"] < 7
    s["BAND"] = age_band(s["DOB"], s["DECOM"], bands)
    return s.reset_index(drop=True)


def looked_after_on(
    episodes: pd.DataFrame,
    header: pd.DataFrame,
    day: pd.Timestamp,
    bands: list[list[str]] = DEFAULT_BANDS,
) -> pd.DataFrame:
    """Children looked after on `day`: one row per child, with age and band on that day."""
    mask = is_open(episodes["DECOM"], episodes["DEC"], day)
    on = care_episodes(episodes.loc[mask, ["CHILD", "LS"]])
    kids = (
        on[["CHILD"]]
        .drop_duplicates()
        .merge(header[["CHILD", "DOB"]].drop_duplicates("CHILD"), on="CHILD", how="left")
    )
    on_day = pd.Series(day, index=kids.index)
    kids["AGE"] = age_in_years(kids["DOB"], on_day)
    kids["BAND"] = age_band(kids["DOB"], on_day, bands)
    return kids


def share_under(frame: pd.DataFrame, years: int) -> Share:
    """Share of rows (starts or children) aged under `years` completed years, Wilson 95% CI."""
    return wilson(int((frame["AGE"] < years).sum()), len(frame))


def share_table(frame: pd.DataFrame, under: tuple[int, ...] = (1, 2, 5)) -> pd.DataFrame:
    """Under-N shares with Wilson intervals, one row per N."""
    rows = []
    for years in under:
        s = share_under(frame, years)
        rows.append({"Age": f"Under {years}"} | s.row("Number", "Of"))
    return pd.DataFrame(rows)


def change_in_share(current: pd.DataFrame, previous: pd.DataFrame, years: int = 1) -> Comparison:
    """Ratio of the under-`years` share of starts this window to the previous window, with a
    95% score interval and the score test against 'no change'."""
    x1, n1 = int((current["AGE"] < years).sum()), len(current)
    x0, n0 = int((previous["AGE"] < years).sum()), len(previous)
    return ratio_of_shares(x1, n1, x0, n0)


def band_counts(frame: pd.DataFrame, by: pd.Series | None = None) -> pd.DataFrame:
    """Counts by age band (rows) and optionally by another grouping (columns); the Age
    unknown row only when some row is of age unknown."""
    if by is None:
        table = frame.groupby("BAND", observed=False).size().rename("Starts").to_frame()
    else:
        table = pd.crosstab(frame["BAND"], by).reindex(frame["BAND"].cat.categories, fill_value=0)
    return _unknown_if_any(table)


def _unknown_if_any(table: pd.DataFrame) -> pd.DataFrame:
    """A band table without its Age unknown row when that row is all zeros."""
    if UNKNOWN in table.index and not table.loc[UNKNOWN].any():
        return table.drop(index=UNKNOWN)
    return table


def starts_series(
    episodes: pd.DataFrame,
    header: pd.DataFrame,
    period,
    months: int,
    freq: str = "M",
) -> pd.DataFrame:
    """Starts per month ('M') or per quarter ending with the period ('Q'), over the `months`
    months ending with `period`: total, under 1, newborn, age unknown (no date of birth) and
    the under-1 share (of all starts); the age unknown column only when some start is."""
    last = pd.Period(period, "M")
    first = last - (months - 1)
    s = starts(episodes, header, first.start_time, last.end_time.normalize())
    month = s["DECOM"].dt.to_period("M")
    if freq == "Q":
        step = (s["DECOM"].dt.year * 12 + s["DECOM"].dt.month) - (first.year * 12 + first.month)
        index = [first + 3 * i + 2 for i in range(months // 3)]
        key = (step // 3).map(dict(enumerate(index)))
    else:
        key, index = month, list(pd.period_range(first, last, freq="M"))
    grouped = (
        pd.DataFrame(
            {
                "Starts": s.groupby(key).size(),
                "Under 1": s[s["AGE"] < 1].groupby(key[s["AGE"] < 1]).size(),
                "Newborn": s[s["NEWBORN"]].groupby(key[s["NEWBORN"]]).size(),
                UNKNOWN: s[s["AGE"].isna()].groupby(key[s["AGE"].isna()]).size(),
            }
        )
        .reindex(index, fill_value=0)
        .fillna(0)
        .astype(int)
    )
    if not grouped[UNKNOWN].any():  # shown only when some start has no date of birth
        grouped = grouped.drop(columns=UNKNOWN)
    grouped["Under-1 share"] = grouped["Under 1"] / grouped["Starts"].where(grouped["Starts"] > 0)
    grouped.index.name = "Month" if freq == "M" else "Quarter ending"
    return grouped


def status_on_entry(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Share of under-1 and older starters by `column` (LS or CIN): column percentages.
    Starts of age unknown are in neither column."""
    group = age_group(frame["AGE"])
    table = pd.crosstab(frame[column].fillna("not recorded"), group)
    for col in ("Under 1", "Aged 1 and over"):
        if col not in table:
            table[col] = 0
    table = table[["Under 1", "Aged 1 and over"]]
    shares = table / table.sum().where(table.sum() > 0)
    return pd.concat({"Number": table, "Share": shares}, axis=1)


# --- family links ------------------------------------------------------------------------


def mothers_age(frame: pd.DataFrame, family: pd.DataFrame) -> pd.DataFrame:
    """Mother's age at the child's birth in years (DOB minus MOTHER_DOB, / 365.25) per start;
    NaN without a family row or mother's DOB (`mothers_age_summary` counts the known ones)."""
    m = frame.merge(family[["CHILD", "MOTHER_DOB"]], on="CHILD", how="left")
    m["MOTHER_AGE"] = (m["DOB"] - m["MOTHER_DOB"]).dt.days / 365.25
    m["GROUP"] = age_group(m["AGE"])
    return m


def mothers_age_summary(with_age: pd.DataFrame) -> pd.DataFrame:
    """Per group: starts, starts with a known mother's age, median age, shares under 20 and
    under 25 (of those known)."""
    rows = []
    for group in ("Under 1", "Aged 1 and over"):
        g = with_age[with_age["GROUP"] == group]
        known = g["MOTHER_AGE"].dropna()
        rows.append(
            {
                "Starters": group,
                "Starts": len(g),
                "Mother's age known": len(known),
                "Median age (years)": float(known.median()) if len(known) else None,
                "Mother under 20": (known < 20).mean() if len(known) else None,
                "Mother under 25": (known < 25).mean() if len(known) else None,
            }
        )
    return pd.DataFrame(rows)


def sibling_in_care(frame: pd.DataFrame, episodes: pd.DataFrame, family: pd.DataFrame) -> pd.Series:
    """For each start: whether another child of the same FAMILY_ID had been looked after at
    or before the start date (any non-V3/V4 episode with DECOM on or before it). Starts of
    children with no family row are NA."""
    first_care = care_episodes(episodes[["CHILD", "DECOM", "LS"]]).groupby("CHILD")["DECOM"].min()
    fam = family[["CHILD", "FAMILY_ID"]].assign(FIRST=family["CHILD"].map(first_care))
    fam = fam.dropna(subset=["FIRST"]).sort_values(["FAMILY_ID", "FIRST", "CHILD"])
    rank = fam.groupby("FAMILY_ID").cumcount()
    info = fam[rank == 0].set_index("FAMILY_ID").rename(columns={"CHILD": "C1", "FIRST": "E1"})
    info["E2"] = fam[rank == 1].set_index("FAMILY_ID")["FIRST"]
    m = frame[["CHILD", "DECOM"]].merge(family[["CHILD", "FAMILY_ID"]], on="CHILD", how="left")
    m = m.join(info, on="FAMILY_ID")
    other_first = m["E1"].where(m["C1"] != m["CHILD"], m["E2"])
    result = (other_first.notna() & (other_first <= m["DECOM"])).astype("boolean")
    return result.mask(m["FAMILY_ID"].isna()).set_axis(frame.index)


def sibling_in_care_on_start(
    frame: pd.DataFrame, episodes: pd.DataFrame, family: pd.DataFrame
) -> pd.Series:
    """For each start: whether another child of the same FAMILY_ID was looked after on the
    start date itself (a non-V3/V4 episode open that day: started on or before it, not ended
    on or before it). Starts of children with no family row are NA."""
    starts = frame[["CHILD", "DECOM"]].reset_index(drop=True)
    starts["_row"] = np.arange(len(starts))
    starts = starts.merge(
        family[["CHILD", "FAMILY_ID"]].drop_duplicates("CHILD"), on="CHILD", how="left"
    ).sort_values("_row")
    members = family[["CHILD", "FAMILY_ID"]].rename(columns={"CHILD": "SIBLING"})
    care = care_episodes(episodes[["CHILD", "DECOM", "DEC", "LS"]]).rename(
        columns={"CHILD": "SIBLING", "DECOM": "SIB_DECOM", "DEC": "SIB_DEC"}
    )
    pairs = starts.dropna(subset=["FAMILY_ID"]).merge(members, on="FAMILY_ID")
    pairs = pairs[pairs["SIBLING"] != pairs["CHILD"]].merge(care, on="SIBLING")
    open_then = pairs[is_open(pairs["SIB_DECOM"], pairs["SIB_DEC"], pairs["DECOM"])]
    result = pd.Series(np.arange(len(frame))).isin(open_then["_row"]).astype("boolean")
    return result.mask(starts["FAMILY_ID"].isna().to_numpy()).set_axis(frame.index)


def sibling_comparison(frame: pd.DataFrame, sibling: pd.Series) -> dict:
    """Shares with a sibling in care for under-1 and older starters, and the odds ratio
    (Fisher's exact test) of under-1 starters having one."""
    known = sibling.notna()
    young = (frame["AGE"] < 1) & known
    old = (frame["AGE"] >= 1) & known
    a, b = int(sibling[young].sum()), int((~sibling[young].astype(bool)).sum())
    c, d = int(sibling[old].sum()), int((~sibling[old].astype(bool)).sum())
    return {
        "under1": wilson(a, a + b),
        "older": wilson(c, c + d),
        "odds": odds_ratio([[a, b], [c, d]]),
        "unknown": int((~known).sum()),
    }


def band_counts_by_year(
    episodes: pd.DataFrame,
    header: pd.DataFrame,
    period,
    years: int = 3,
    bands: list[list[str]] = DEFAULT_BANDS,
) -> pd.DataFrame:
    """Starts by age band in each of the `years` 12-month windows ending with the period
    month (e.g. years to March 2015, 2016, 2017), with a total row."""

    columns = {}
    for k in reversed(range(years)):
        first, last = window(period, 12, offset=12 * k)
        s = starts(episodes, header, first, last, bands)
        columns[f"Year to {last:%b %Y}"] = s.groupby("BAND", observed=False).size()
    table = _unknown_if_any(pd.DataFrame(columns))
    table.loc["All ages"] = table.sum()
    table.index.name = "Age at start"
    return table


def looked_after_series(
    episodes: pd.DataFrame, header: pd.DataFrame, period, months: int
) -> pd.DataFrame:
    """Children looked after at each month end over the `months` months to `period` (the
    `looked_after_on` rule at each month end): total, under 1, and the under-1 share."""
    eps = care_episodes(episodes[["CHILD", "DECOM", "DEC", "LS"]])
    codes, children = pd.factorize(eps["CHILD"])
    dob = pd.Series(
        header.drop_duplicates("CHILD").set_index("CHILD")["DOB"].reindex(children).to_numpy()
    )
    decom = eps["DECOM"].to_numpy()
    dec = eps["DEC"].to_numpy()
    rows = {}
    for month in pd.period_range(pd.Period(period, "M") - (months - 1), period, freq="M"):
        day = month.end_time.normalize()
        on = (decom <= day.to_datetime64()) & (np.isnat(dec) | (dec > day.to_datetime64()))
        kids = np.unique(codes[on])
        ages = age_in_years(dob.iloc[kids].reset_index(drop=True), day)
        under = int((ages < 1).sum())
        rows[month] = {
            "Looked after": len(kids),
            "Under 1": under,
            "Under-1 share": under / len(kids) if len(kids) else None,
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "Month end"
    return frame


MOTHER_AGE_GROUPS = [
    (0, 20, "Under 20"),
    (20, 25, "20 to 24"),
    (25, 30, "25 to 29"),
    (30, 35, "30 to 34"),
    (35, 200, "35 and over"),
]


def mothers_age_distribution(with_age: pd.DataFrame) -> pd.DataFrame:
    """Starts (with a known mother's age) in each mother's-age group, per group: the number
    ('Under 1: number') and the share of the group's starts ('Under 1: share')."""
    known = with_age.dropna(subset=["MOTHER_AGE"])
    labels = [g[2] for g in MOTHER_AGE_GROUPS]
    bins = [g[0] for g in MOTHER_AGE_GROUPS] + [MOTHER_AGE_GROUPS[-1][1]]
    cut = pd.cut(known["MOTHER_AGE"], bins=bins, right=False, labels=labels)
    counts = pd.crosstab(cut, known["GROUP"]).reindex(labels, fill_value=0)
    counts = counts.reindex(columns=["Under 1", "Aged 1 and over"], fill_value=0)
    shares = counts / counts.sum().where(counts.sum() > 0)
    table = pd.DataFrame(index=pd.Index(labels, name="Mother's age at birth"))
    for group in counts.columns:
        table[f"{group}: number"] = counts[group].astype("int64")
        table[f"{group}: share"] = shares[group]
    return table


def years_of_quarters(
    series: pd.DataFrame, columns=("Starts", "Under 1", "Newborn", UNKNOWN)
) -> list:
    """For a quarterly `starts_series`: each run of four quarters ending with the period
    month, per count column, as (row position, column) cells - their totals are the yearly
    figures `band_counts_by_year` publishes, so disclosure control protects them together."""
    n = len(series)
    return [
        [(i, col) for i in range(end - 4, end)]
        for end in range(n, 3, -4)
        for col in columns
        if col in series.columns
    ]


def under1_and_older(series: pd.DataFrame) -> pd.DataFrame:
    """From a starts series (Starts, Under 1, Age unknown): starts under 1 and starts aged 1
    and over (neither holds a start of age unknown)."""
    unknown = series[UNKNOWN] if UNKNOWN in series else 0
    return pd.DataFrame(
        {
            "Under 1": series["Under 1"],
            "Aged 1 and over": series["Starts"] - series["Under 1"] - unknown,
        }
    )
