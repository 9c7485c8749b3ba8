"""Workforce measures (report `workforce`), on the DfE Children's Social Work Workforce
(CSWW) definitions, whose published rates these formulas reproduce from the published parts:

- **Average caseload** (CSWW `caseload_fte`): cases held by case holders divided by the
  case holders' FTE. A case holder is a worker with one or more children allocated at the
  month end. A worker in two teams in a month is one worker: the rows' cases and FTE add up.
- **Caseload per FTE of a worker**: the worker's cases divided by the worker's FTE (a
  0.5 FTE worker with 8 children carries 16 per FTE); the report shows the median, the
  interquartile range and the share above `caseload_threshold` (params).
- **Agency rate** (CSWW `agency_rate_fte`): agency FTE / (agency FTE + FTE in post).
- **Vacancy rate** (CSWW `vacancy_rate_fte`): vacant FTE / (vacant FTE + FTE in post).
- **Turnover rate** (CSWW `turnover_rate_fte`): FTE leaving in the 12 months / FTE in post at
  the end. A starter and a leaver in the same month both count (one in, one out).
- **Appraisals**: employees appraised in the appraisal year (April to March) as a share of
  those listed, for managers and for staff; and how many of those not appraised had a
  long-term sickness spell (`long_term_threshold` working days or more) in that year,
  joined on EMPLOYEE_ID and only ever counted.

CSWW counts at 30 September; these figures are for the period's month, so the comparison
sets the LA's figure beside the published ones for the latest published year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.measures import sickness as sk
from analysis.measures.stats import wilson
from analysis.periods import period_end, window


def _rate(part: float | None, whole: float | None) -> float | None:
    return None if part is None or not whole else float(part) / float(whole)


def average_caseload(cases: float, case_holder_fte: float) -> float | None:
    """CSWW average caseload: cases / case-holding FTE."""
    return _rate(cases, case_holder_fte)


def agency_rate(agency_fte: float, inpost_fte: float) -> float | None:
    """CSWW agency rate: agency FTE / (agency FTE + FTE in post)."""
    return _rate(agency_fte, agency_fte + inpost_fte)


def vacancy_rate(vacant_fte: float, inpost_fte: float) -> float | None:
    """CSWW vacancy rate: vacant FTE / (vacant FTE + FTE in post)."""
    return _rate(vacant_fte, vacant_fte + inpost_fte)


def turnover_rate(leavers_fte: float, inpost_fte: float) -> float | None:
    """CSWW turnover rate: FTE leaving in the year / FTE in post at its end."""
    return _rate(leavers_fte, inpost_fte)


def workers(caseloads: pd.DataFrame, period) -> pd.DataFrame:
    """The period month's workers, one row each (two teams in a month add up): CASES, FTE,
    AGENCY (any row agency), TEAMS (how many), and PER_FTE (cases / FTE)."""
    month = caseloads[caseloads["MONTH"].dt.to_period("M") == pd.Period(period, "M")]
    grouped = month.assign(_AGENCY=month["AGENCY"] == "Y").groupby("WORKER_ID")
    out = pd.DataFrame(
        {
            "CASES": grouped["CASES"].sum(),
            "FTE": grouped["FTE"].sum(),
            "AGENCY": grouped["_AGENCY"].any(),
            "TEAMS": grouped["TEAM"].nunique(),
        }
    )
    out["PER_FTE"] = out["CASES"] / out["FTE"]
    return out


def caseload_summary(caseloads: pd.DataFrame, period, threshold: float = 20) -> dict:
    """The period month's caseload figures over case holders: average (CSWW), median, lower
    and upper quartile of caseload per FTE, and the share of case holders above
    `threshold` per FTE (Wilson interval)."""
    held = workers(caseloads, period)
    held = held[held["CASES"] > 0]
    if held.empty:
        return {"case_holders": 0, "average": None, "median": None, "q1": None, "q3": None,
                "above": wilson(0, 0)}  # fmt: skip
    per = held["PER_FTE"]
    return {
        "case_holders": len(held),
        "average": average_caseload(held["CASES"].sum(), held["FTE"].sum()),
        "median": float(per.median()),
        "q1": float(per.quantile(0.25)),
        "q3": float(per.quantile(0.75)),
        "above": wilson(int((per > threshold).sum()), len(held)),
    }


def by_team(caseloads: pd.DataFrame, period, threshold: float = 20) -> pd.DataFrame:
    """Per team, the period month: case holders, cases, case-holding FTE, average caseload
    and case holders above the threshold (a worker in two teams counts in each, with that
    team's share of cases and FTE)."""
    month = caseloads[
        (caseloads["MONTH"].dt.to_period("M") == pd.Period(period, "M")) & (caseloads["CASES"] > 0)
    ]
    rows = []
    for team, part in month.groupby("TEAM"):
        per = part["CASES"] / part["FTE"]
        rows.append(
            {
                "Team": team,
                "Case holders": part["WORKER_ID"].nunique(),
                "Cases": int(part["CASES"].sum()),
                "Case-holding FTE": float(part["FTE"].sum()),
                "Average caseload": average_caseload(part["CASES"].sum(), part["FTE"].sum()),
                f"Above {threshold:g} per FTE": int((per > threshold).sum()),
            }
        )
    return pd.DataFrame(rows)


def staffing_rates(staffing: pd.DataFrame, period) -> dict:
    """Agency, vacancy and turnover rates from staffing.csv's optional columns (None where a
    column is absent): FTE in post, agency and vacant FTE in the period month, leavers over
    the 12 months to it."""
    month = staffing[staffing["MONTH"].dt.to_period("M") == pd.Period(period, "M")]
    inpost = float(month["FTE"].sum()) if len(month) else None
    first, last = window(period, 12)
    year = staffing[(staffing["MONTH"] >= first) & (staffing["MONTH"] <= last)]

    def total(frame, col):
        return float(frame[col].sum()) if col in frame and frame[col].notna().any() else None

    agency, vacant = total(month, "AGENCY_FTE"), total(month, "VACANT_FTE")
    leavers, starters = total(year, "LEAVERS_FTE"), total(year, "STARTERS_FTE")
    return {
        "inpost_fte": inpost,
        "agency_rate": agency_rate(agency, inpost) if agency is not None and inpost else None,
        "vacancy_rate": vacancy_rate(vacant, inpost) if vacant is not None and inpost else None,
        "turnover_rate_12m": turnover_rate(leavers, inpost) if leavers is not None else None,
        "starters_fte_12m": starters,
        "leavers_fte_12m": leavers,
    }


def appraisal_year(period) -> pd.Timestamp:
    """The 1 April that starts the appraisal year containing the period's month."""
    end = period_end(period)
    return pd.Timestamp(year=end.year if end.month >= 4 else end.year - 1, month=4, day=1)


def appraisal_shares(
    appraisals: pd.DataFrame,
    absence: pd.DataFrame | None,
    period,
    long_term_threshold: int = 20,
) -> dict:
    """For the appraisal year containing the period: managers' and staff's appraisal shares
    (Wilson intervals), and how many of those not appraised had a long-term sickness spell
    overlapping the year."""
    start = appraisal_year(period)
    year = appraisals[appraisals["YEAR_START"] == start]
    out: dict = {"year": f"{start.year}-{str(start.year + 1)[2:]}"}
    for group in ("MANAGER", "STAFF"):
        part = year[year["GROUP"] == group]
        out[group] = wilson(int((part["APPRAISED"] == "Y").sum()), len(part))
    missed = set(year.loc[year["APPRAISED"] == "N", "EMPLOYEE_ID"])
    out["not_appraised"] = len(missed)
    out["not_appraised_long_term_sick"] = 0
    if absence is not None and missed:
        end = start + pd.DateOffset(years=1) - pd.Timedelta(days=1)
        spells = absence[
            (absence["START_DATE"] <= end) & (absence["END_DATE"].fillna(end) >= start)
        ]
        long = spells[sk.is_long_term(spells, end, long_term_threshold)]
        out["not_appraised_long_term_sick"] = len(missed & set(long["EMPLOYEE_ID"]))
    return out


def quartiles_row(summary: dict) -> pd.DataFrame:
    """The caseload summary as a one-row table."""
    return pd.DataFrame(
        [
            {
                "Case holders": summary["case_holders"],
                "Average caseload (CSWW)": summary["average"],
                "Median per FTE": summary["median"],
                "Lower quartile": summary["q1"],
                "Upper quartile": summary["q3"],
                "Share above threshold": summary["above"].share,
            }
        ]
    ).replace({np.nan: None})
