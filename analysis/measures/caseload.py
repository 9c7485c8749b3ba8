"""The open caseload on a date: children in need, on child protection plans, looked after.

A CIN period or CP plan is **open on a date** when START <= date and (END blank or
END > date) - the same rule as SSDA903 episodes - so a plan ending on the day is not counted.
**Children in need** counts every child with an open CIN period, CP plan or looked-after
episode (not V3/V4), each child once. Age is in completed years on the date; an unborn
child (DOB after the date) counts as under 1.
"""

from __future__ import annotations

import pandas as pd

from analysis.ages import age_in_years
from analysis.measures.looked_after import care_episodes, looked_after_on
from analysis.measures.stats import wilson
from analysis.periods import is_open, months_back, period_end

BANDS = [
    (-100, 1, "Under 1"),
    (1, 3, "1 to 2"),
    (3, 5, "3 to 4"),
    (5, 10, "5 to 9"),
    (10, 16, "10 to 15"),
    (16, 200, "16 and over"),
]
GROUPS = ("Children in need (all)", "Child protection plans", "Looked after")


def open_on(cin_cp: pd.DataFrame, day: pd.Timestamp, kind: str | None = None) -> pd.DataFrame:
    """CIN/CP periods open on `day` (optionally of one TYPE)."""
    rows = cin_cp if kind is None else cin_cp[cin_cp["TYPE"] == kind]
    return rows[is_open(rows["START"], rows["END"], day)]


def involvements(
    cin_cp: pd.DataFrame, episodes: pd.DataFrame, header: pd.DataFrame
) -> pd.DataFrame:
    """Every CIN period, CP plan and care episode (not V3/V4) as CHILD, DOB, START, END: the
    CIN/CP rows first with their own date of birth, then the episodes with the SSDA903
    header's, so a child's first open row gives its date of birth on a day."""
    dob = header[["CHILD", "DOB"]].drop_duplicates("CHILD")
    care = care_episodes(episodes)[["CHILD", "DECOM", "DEC"]].merge(dob, on="CHILD", how="left")
    return pd.concat(
        [
            cin_cp[["CHILD", "DOB", "START", "END"]],
            care.rename(columns={"DECOM": "START", "DEC": "END"}),
        ],
        ignore_index=True,
    )


def caseload(
    cin_cp: pd.DataFrame, episodes: pd.DataFrame, header: pd.DataFrame, day: pd.Timestamp
) -> dict[str, pd.DataFrame]:
    """Children (one row each, with AGE) in each group on `day`."""

    def kids(frame):
        out = frame[["CHILD", "DOB"]].drop_duplicates("CHILD").reset_index(drop=True)
        out["AGE"] = age_in_years(out["DOB"], pd.Series(day, index=out.index))
        return out

    cla = looked_after_on(episodes, header, day)[["CHILD", "DOB"]]
    cp = kids(open_on(cin_cp, day, "CP"))
    rows = involvements(cin_cp, episodes, header)
    everyone = kids(rows[is_open(rows["START"], rows["END"], day)])
    return {GROUPS[0]: everyone, GROUPS[1]: cp, GROUPS[2]: kids(cla)}


def under1_series(
    cin_cp: pd.DataFrame, episodes: pd.DataFrame, header: pd.DataFrame, period, months: int
) -> pd.Series:
    """Children in need (all three groups, each child once) aged under 1 (unborn included) on
    the last day of each of the `months` months ending with `period`: a point-in-time count
    per month, so consecutive points share no window.

    The same count as `caseload(...)["Children in need (all)"]` with AGE < 1 on each month end
    (both from `involvements`), worked out in one pass: only children with a birth date late
    enough to be under 1 on some month end are looked at, and no age bands are computed."""
    points = months_back(period, months)
    ends = [period_end(m) for m in points]
    rows = involvements(cin_cp, episodes, header)
    # under 1 on a day means born less than a year before it: no earlier than a year (and a
    # day, for 29 February) before the first month end
    young = rows["DOB"] > ends[0] - pd.DateOffset(years=1, days=1)
    rows = rows[rows["CHILD"].isin(rows.loc[young, "CHILD"])]
    counts = {}
    for month, day in zip(points, ends, strict=True):
        kids = rows[is_open(rows["START"], rows["END"], day)].drop_duplicates("CHILD")
        counts[month] = int((age_in_years(kids["DOB"], day) < 1).sum())
    return pd.Series(counts, name="Children in need under 1", dtype=int)


def under1_table(groups: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per group: children, under 1 (unborn included) and the share with a Wilson interval."""
    rows = []
    for name, kids in groups.items():
        s = wilson(int((kids["AGE"] < 1).sum()), len(kids))
        rows.append({"Group": name} | s.row("Under 1", "Children", "Share under 1", True))
    return pd.DataFrame(rows)


def band_table(groups: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Children by age band (rows) and group (columns)."""
    labels = [b[2] for b in BANDS]
    cols = {}
    for name, kids in groups.items():
        band = pd.cut(
            kids["AGE"], [b[0] for b in BANDS] + [BANDS[-1][1]], right=False, labels=labels
        )
        cols[name] = band.value_counts().reindex(labels, fill_value=0)
    table = pd.DataFrame(cols)
    table.loc["All ages"] = table.sum()
    table.index.name = "Age"
    return table.reset_index()


def headline(groups: dict[str, pd.DataFrame]) -> dict:
    """Caseload metrics for metrics.json."""

    def n(name, under=False):
        kids = groups[name]
        return int((kids["AGE"] < 1).sum()) if under else len(kids)

    return {
        "open_cin_total": n(GROUPS[0]),
        "open_cin_under1": n(GROUPS[0], True),
        "open_cp_total": n(GROUPS[1]),
        "open_cp_under1": n(GROUPS[1], True),
        "cla_total": n(GROUPS[2]),
        "cla_under1": n(GROUPS[2], True),
    }
