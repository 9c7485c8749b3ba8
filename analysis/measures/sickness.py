"""Sickness absence measures (report `sickness_absence`).

Definitions:
- **Working days**: Monday to Friday, excluding England and Wales bank holidays.
- **FTE days lost** for a spell = its working days inside the window x the employee's FTE.
  An ongoing spell (END_DATE blank) counts up to the window end.
- **FTE days lost per FTE** over a window = FTE days lost in the window / average FTE in post
  (mean of the monthly total FTE in staffing.csv over the window's months). This is the
  local-government indicator (LG Inform metric 3524, formerly BVPI 12).
- **Absence rate** = FTE days lost / (average FTE x working days in the window).
- **Long-term** spell: at least `threshold` working days (default 20) - or calendar days
  when the 28-calendar-day rule is chosen - judged on the whole spell, including days
  outside the window; an ongoing spell's length runs to the window end.
- **Bradford factor** S^2 x D per employee over the 52 weeks to the window end: S spells
  (touching those weeks) and D working days absent within them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.periods import quarter_ends, window
from analysis.workdays import working_days

WORKING = "working_days"
REASON_LABELS = {
    "MENTAL_HEALTH": "Mental health",
    "MUSCULOSKELETAL": "Musculoskeletal",
    "RESPIRATORY": "Respiratory (colds, flu)",
    "GASTROINTESTINAL": "Stomach and digestive",
    "HEADACHE_MIGRAINE": "Headache and migraine",
    "SURGERY_HOSPITAL": "Surgery and hospital",
    "PREGNANCY_RELATED": "Pregnancy related",
    "INJURY": "Injury",
    "OTHER": "Other",
}
#: Labels that belong to a time: from the date given, a category's label is this one (COVID-19
#: from the first confirmed cases in the UK, 31 January 2020).
LABELS_FROM = {"RESPIRATORY": (pd.Timestamp("2020-01-31"), "Respiratory (colds, flu, COVID-19)")}
CALENDAR = "calendar_days"


def reason_label(code: str, until=None) -> str:
    """Plain words for a standard absence reason category, for records up to the date
    `until` (a label that belongs to a later time is not used for an earlier window; no
    date: the label of today)."""
    since, later = LABELS_FROM.get(code, (None, None))
    if since is not None and (until is None or pd.Timestamp(until) >= since):
        return later
    return REASON_LABELS.get(code, code.replace("_", " ").capitalize())


def days_in_window(spells: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> np.ndarray:
    """Working days of each spell from `first` to `last` inclusive (0 if outside)."""
    start = spells["START_DATE"].clip(lower=first)
    end = spells["END_DATE"].fillna(last).clip(upper=last)
    inside = (end >= start).to_numpy()
    out = np.zeros(len(spells), dtype=int)
    if inside.any():
        out[inside] = working_days(start[inside], end[inside])
    return out


def spell_length(spells: pd.DataFrame, window_end: pd.Timestamp, unit: str = WORKING) -> np.ndarray:
    """Whole length of each spell in working or calendar days; ongoing spells run to
    `window_end`."""
    end = spells["END_DATE"].fillna(window_end)
    if unit == CALENDAR:
        return ((end - spells["START_DATE"]).dt.days + 1).to_numpy()
    if unit != WORKING:
        raise ValueError(f"long-term unit must be '{WORKING}' or '{CALENDAR}'")
    return working_days(spells["START_DATE"], end)


def is_long_term(
    spells: pd.DataFrame, window_end: pd.Timestamp, threshold: int = 20, unit: str = WORKING
) -> np.ndarray:
    """Spells at least `threshold` days long (working or calendar days, whole spell)."""
    return spell_length(spells, window_end, unit) >= threshold


def average_fte(
    staffing: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp, team: str | None = None
) -> float | None:
    """Mean over the window's months of the total FTE in post (or one team's); None when
    staffing has no month in the window."""
    s = staffing if team is None else staffing[staffing["TEAM"] == team]
    months = s[(s["MONTH"] >= first.to_period("M").start_time) & (s["MONTH"] <= last)]
    if months.empty:
        return None
    return float(months.groupby("MONTH")["FTE"].sum().mean())


def fte_days_lost(spells: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> float:
    """Sum over spells of working days inside the window x FTE."""
    return float((days_in_window(spells, first, last) * spells["FTE"].to_numpy()).sum())


def _ratio(num: float, den: float | None) -> float | None:
    return None if not den else num / den


def per_fte(spells, staffing, first, last) -> float | None:
    """FTE days lost per FTE over the window (LG Inform metric 3524)."""
    return _ratio(fte_days_lost(spells, first, last), average_fte(staffing, first, last))


def absence_rate(spells, staffing, first, last) -> float | None:
    """FTE days lost / (average FTE x working days in the window)."""
    fte = average_fte(staffing, first, last)
    days = int(working_days(first, last)[0])
    return _ratio(fte_days_lost(spells, first, last), None if fte is None else fte * days)


def long_term_share(spells, first, last, threshold=20, unit=WORKING) -> float | None:
    """Share of FTE days lost in the window that belong to long-term spells."""
    lost = days_in_window(spells, first, last) * spells["FTE"].to_numpy()
    long_ = is_long_term(spells, last, threshold, unit)
    return _ratio(float(lost[long_].sum()), float(lost.sum()))


def reason_share(spells, first, last, category: str) -> float | None:
    """Share of FTE days lost in the window whose reason maps to `category`."""
    lost = days_in_window(spells, first, last) * spells["FTE"].to_numpy()
    mask = (spells["REASON_CATEGORY"] == category).to_numpy()
    return _ratio(float(lost[mask].sum()), float(lost.sum()))


def reason_employees(spells, first, last, category: str) -> int:
    """Employees with at least one working day absent in the window for reasons mapped to
    `category`."""
    days = days_in_window(spells, first, last)
    mask = (days > 0) & (spells["REASON_CATEGORY"] == category).to_numpy()
    return int(spells.loc[mask, "EMPLOYEE_ID"].nunique())


def by_reason(spells, first, last) -> pd.DataFrame:
    """FTE days lost by reason category in the window, largest first, with shares and the
    number of employees absent for each reason (at least one working day in the window)."""
    days = days_in_window(spells, first, last)
    lost = pd.Series(days * spells["FTE"].to_numpy(), index=spells.index)
    reason = spells["REASON_CATEGORY"].fillna("OTHER")
    table = lost.groupby(reason).sum()
    table = table[table > 0].sort_values(ascending=False)
    absent = spells.loc[days > 0, "EMPLOYEE_ID"].groupby(reason[days > 0]).nunique()
    out = pd.DataFrame(
        {
            "Reason": [reason_label(r, last) for r in table.index],
            "Employees": absent.reindex(table.index, fill_value=0).astype("int64").to_numpy(),
            "FTE days lost": table.to_numpy(),
        }
    )
    out["Share"] = out["FTE days lost"] / out["FTE days lost"].sum()
    out.insert(0, "_code", table.index)
    return out


def hr_data_begins(spells: pd.DataFrame, staffing: pd.DataFrame) -> pd.Timestamp | None:
    """The first day both HR extracts cover: the first day of the later of the first
    staffing month and the first month in which a spell starts. A window that starts before
    it is not measured (its figure is blank, never a zero from missing data)."""
    firsts = [
        d.min().to_period("M").start_time
        for d in (staffing["MONTH"].dropna(), spells["START_DATE"].dropna())
        if len(d)
    ]
    return max(firsts) if firsts else None


def covered(first: pd.Timestamp, begins: pd.Timestamp | None) -> bool:
    """Whether a window starting on `first` lies wholly within the HR data."""
    return begins is not None and first >= begins


def annualised(per_fte: float | None, month_days: int, year_days: int) -> float | None:
    """A month's FTE days lost per FTE on the annual scale: per working day in the month,
    times the working days in the 12 months ending with it. A month with bank holidays has
    fewer days to lose, so it is not made to look better than it is (as x 12 would)."""
    if per_fte is None or not month_days:
        return None
    return per_fte / month_days * year_days


MONTHLY_COLUMNS = [
    "Long-term",
    "Short-term",
    "FTE in post",
    "Per FTE",
    "Per FTE (annualised)",
    "Short-term spells",
    "Short-term spells per FTE",
    "Rolling 12 months per FTE",
]


def monthly(spells, staffing, period, months: int, threshold=20, unit=WORKING) -> pd.DataFrame:
    """Per month over the look-back: FTE days lost (long-term and short-term), average FTE,
    FTE days lost per FTE, the same on the annual scale (`annualised`: per working day of the
    month, times the working days of the 12 months to it), short-term spells starting (number
    and per FTE), and the rolling 12-month FTE days lost per FTE ending that month."""
    last = pd.Period(period, "M")
    begins = hr_data_begins(spells, staffing)
    rows = {}
    for month in pd.period_range(last - (months - 1), last, freq="M"):
        first_day, last_day = month.start_time.normalize(), month.end_time.normalize()
        if not covered(first_day, begins):  # before the HR data begin: blank, not zero
            rows[month] = {}
            continue
        lost = days_in_window(spells, first_day, last_day) * spells["FTE"].to_numpy()
        long_ = is_long_term(spells, last_day, threshold, unit)
        fte = average_fte(staffing, first_day, last_day)
        starts_short = (
            (spells["START_DATE"] >= first_day) & (spells["START_DATE"] <= last_day)
        ).to_numpy() & ~long_
        roll_first = (month - 11).start_time.normalize()
        per = _ratio(float(lost.sum()), fte)
        month_days = int(working_days(first_day, last_day)[0])
        year_days = int(working_days(roll_first, last_day)[0])
        rows[month] = {
            "Long-term": float(lost[long_].sum()),
            "Short-term": float(lost[~long_].sum()),
            "FTE in post": fte,
            "Per FTE": per,
            "Per FTE (annualised)": annualised(per, month_days, year_days),
            "Short-term spells": int(starts_short.sum()),
            "Short-term spells per FTE": _ratio(float(starts_short.sum()), fte),
            "Rolling 12 months per FTE": per_fte(spells, staffing, roll_first, last_day)
            if covered(roll_first, begins)
            else None,
        }
    frame = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=MONTHLY_COLUMNS)
    frame.index.name = "Month"
    return frame


def reason_trend(spells, period, months: int, top: list[str], employees=False) -> pd.DataFrame:
    """FTE days lost per quarter for the given reason categories (quarters ending with the
    period month); with `employees`, the number of employees absent for each reason in each
    quarter instead (what those days rest on)."""
    rows = {}
    until = window(period, 1)[1]
    for q_last in quarter_ends(period, months // 3):
        days = days_in_window(spells, *window(q_last, 3))
        if employees:
            absent = spells[days > 0]
            sums = absent.groupby("REASON_CATEGORY")["EMPLOYEE_ID"].nunique()
            rows[q_last] = {reason_label(r, until): int(sums.get(r, 0)) for r in top}
            continue
        lost = pd.Series(days * spells["FTE"].to_numpy(), index=spells.index)
        sums = lost.groupby(spells["REASON_CATEGORY"]).sum()
        rows[q_last] = {reason_label(r, until): float(sums.get(r, 0.0)) for r in top}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "Quarter ending"
    return frame


OTHER_TEAMS = "Other teams"


def by_team(
    spells, staffing, first, last, small_fte: float = 10, merge_below: float = 0
) -> pd.DataFrame:
    """FTE days lost per FTE by team over the window, highest first; teams whose average
    FTE is below `small_fte` are flagged as too small for a reliable rate. Teams whose
    average FTE is below `merge_below` (or unknown) are merged into one "Other teams" row,
    always shown last (the public version, so a small team's figures cannot point to a
    person)."""
    lost = (
        pd.Series(
            days_in_window(spells, first, last) * spells["FTE"].to_numpy(), index=spells.index
        )
        .groupby(spells["TEAM"])
        .sum()
    )
    in_window = staffing[
        (staffing["MONTH"] >= first.to_period("M").start_time) & (staffing["MONTH"] <= last)
    ]
    fte = in_window.groupby("TEAM")["FTE"].mean()
    teams = sorted(set(fte.index) | set(lost.index))
    table = pd.DataFrame(
        {
            "Team": teams,
            "Average FTE": [fte.get(t) for t in teams],
            "FTE days lost": [float(lost.get(t, 0.0)) for t in teams],
        }
    )
    merged = table["Average FTE"].isna() | (table["Average FTE"] < merge_below)
    other = table[merged]
    table = table[~merged]
    if len(other):
        row = {
            "Team": OTHER_TEAMS,
            "Average FTE": other["Average FTE"].sum(),
            "FTE days lost": other["FTE days lost"].sum(),
        }
        table = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
    table["Per FTE"] = table["FTE days lost"] / table["Average FTE"].where(table["Average FTE"] > 0)
    table["Reliable"] = np.where(
        table["Average FTE"].fillna(0) >= small_fte, "yes", f"no: under {small_fte:g} FTE"
    )
    last_row = table["Team"] == OTHER_TEAMS
    table = pd.concat(
        [
            table[~last_row].sort_values("Per FTE", ascending=False, na_position="last"),
            table[last_row],
        ]
    )
    return table.reset_index(drop=True)


def bradford(spells: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Bradford factor per employee over the 52 weeks ending on `end`: S spells touching
    that time, D working days absent within it, score S^2 x D. For counting only: reports
    never show a row of it."""
    first = end - pd.Timedelta(weeks=52) + pd.Timedelta(days=1)
    d = days_in_window(spells, first, end)
    touching = d > 0
    per = (
        pd.DataFrame({"EMPLOYEE_ID": spells["EMPLOYEE_ID"].to_numpy()[touching], "D": d[touching]})
        .groupby("EMPLOYEE_ID")["D"]
        .agg(["count", "sum"])
    )
    return pd.DataFrame(
        {"S": per["count"], "D": per["sum"], "score": per["count"] ** 2 * per["sum"]}
    )


def bradford_counts(spells, end, triggers: list[int]) -> pd.DataFrame:
    """Number of employees at or above each Bradford trigger point (never per person)."""
    scores = bradford(spells, end)["score"]
    return pd.DataFrame(
        {
            "Trigger point": [f"{t:,} or more" for t in triggers],
            "Employees": [int((scores >= t).sum()) for t in triggers],
        }
    )
