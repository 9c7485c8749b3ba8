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

The month's figures above are the board's running picture. DfE's CSWW collection counts on
one **reference date**, 30 September: FTE in post, agency FTE, vacancies and case holders at
30 September, leavers in the year to 30 September (1 October to 30 September). So the same
definitions are also worked out at the latest 30 September on or before the period's end
(`csww_reference_month`, `csww_on_reference_date`: the September rows of the monthly
extracts, taken as at its last day), and only those are compared with DfE's published
figures, for the same CSWW year where DfE has published it.
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
    """Per team, the period month: case holders, cases, case-holding FTE, average caseload,
    case holders above the threshold per FTE, and how many of the team's case holders also
    work in another team. A worker in two teams counts in each, with that team's share of
    cases and FTE (a team's case holders are those with children in it); the last row, "All
    teams", counts each case holder once with all their cases and FTE (as
    `caseload_summary`), so the teams' case holders add up to more than it by
    the number of workers in two teams (one more for each extra team)."""
    month = caseloads[
        (caseloads["MONTH"].dt.to_period("M") == pd.Period(period, "M")) & (caseloads["CASES"] > 0)
    ]
    teams_of = month.groupby("WORKER_ID")["TEAM"].nunique()
    above = f"Above {threshold:g} per FTE"

    def row(name, holders, cases, fte, per, shared) -> dict:
        return {
            "Team": name,
            "Case holders": holders,
            "Cases": int(cases),
            "Case-holding FTE": float(fte),
            "Average caseload": average_caseload(cases, fte),
            above: int((per > threshold).sum()),
            "Also in another team": shared,
        }

    rows = [
        row(team, part["WORKER_ID"].nunique(), part["CASES"].sum(), part["FTE"].sum(),
            part["CASES"] / part["FTE"],
            int((teams_of.reindex(part["WORKER_ID"].unique()) > 1).sum()))
        for team, part in month.groupby("TEAM")
    ]  # fmt: skip
    if rows:
        held = workers(caseloads, period)
        held = held[held["CASES"] > 0]
        rows.append(row("All teams", len(held), held["CASES"].sum(), held["FTE"].sum(),
                        held["PER_FTE"], int((teams_of > 1).sum())))  # fmt: skip
    return pd.DataFrame(rows)


def split_note(teams: pd.DataFrame) -> str | None:
    """What the team table's rows add up to against its "All teams" row, in words (None
    when no case holder works in two teams)."""
    if teams.empty:
        return None
    total = teams.iloc[-1]
    split = int(total["Also in another team"])
    if not split:
        return None
    summed = int(teams.iloc[:-1]["Case holders"].sum())
    who = "1 case holder works" if split == 1 else f"{split:,} case holders work"
    return (
        f"{who} in more than one team: counted in each team with that team's share of FTE "
        f"and children, so the teams' rows add up to {summed:,} case holders; the all-teams "
        f"row counts each person once ({int(total['Case holders']):,}) with their whole FTE "
        "and all their children."
    )


def staffing_rates(staffing: pd.DataFrame, period) -> dict:
    """Agency, vacancy and turnover rates from staffing.csv's optional columns (None where a
    column is absent): FTE in post, agency and vacant FTE in the period month, leavers over
    the 12 months to it; with the FTE in post and agency FTE they rest on."""
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
        "agency_fte": agency,
        "agency_rate": agency_rate(agency, inpost) if agency is not None and inpost else None,
        "vacancy_rate": vacancy_rate(vacant, inpost) if vacant is not None and inpost else None,
        "turnover_rate_12m": turnover_rate(leavers, inpost) if leavers is not None else None,
        "starters_fte_12m": starters,
        "leavers_fte_12m": leavers,
    }


def csww_reference_month(period) -> pd.Period:
    """DfE's CSWW reference date for a period, as its month: the latest 30 September on or
    before the period's last day (March 2017 -> September 2016; September 2017 -> itself)."""
    month = pd.Period(period, "M")
    return pd.Period(year=month.year if month.month >= 9 else month.year - 1, month=9, freq="M")


def csww_on_reference_date(
    caseloads: pd.DataFrame | None, staffing: pd.DataFrame | None, period, threshold: float = 20
) -> dict:
    """The CSWW figures on DfE's reference date for the period (`csww_reference_month`): the
    average caseload of case holders at 30 September (`caseload_summary` of September), the
    agency rate (agency FTE / (agency + in-post FTE)) and vacancy rate (vacant FTE / (vacant
    + in-post FTE)) at 30 September, and the turnover rate: FTE leaving in the year to 30
    September (October to September) / FTE in post at 30 September (`staffing_rates` of
    September). A figure is None where its extract does not reach that September."""
    ref = csww_reference_month(period)
    out = {
        "reference_date": ref.end_time.normalize(),
        "csww_year": str(ref.year),
        "case_holders": None,
        "caseload_average": None,
        "agency_rate": None,
        "vacancy_rate": None,
        "turnover_rate": None,
    }
    if caseloads is not None and caseloads["MONTH"].min() <= ref.start_time:
        held = caseload_summary(caseloads, ref, threshold)
        out |= {"case_holders": held["case_holders"], "caseload_average": held["average"]}
    if staffing is not None and staffing["MONTH"].min() <= ref.start_time:
        rates = staffing_rates(staffing, ref)
        out |= {k: rates[k] for k in ("agency_rate", "vacancy_rate")}
        # a whole year to 30 September is needed for turnover
        if staffing["MONTH"].min() <= (ref - 11).start_time:
            out["turnover_rate"] = rates["turnover_rate_12m"]
    return out


#: The CSWW measures compared on the reference date: (published column, row label, key in
#: `csww_on_reference_date`, times what to match DfE's published form).
CSWW_MEASURES = (
    ("caseload_fte", "Average caseload (children per case-holding FTE)", "caseload_average", 1),
    ("agency_rate_fte", "Agency rate (% of FTE)", "agency_rate", 100),
    ("vacancy_rate_fte", "Vacancy rate (% of FTE)", "vacancy_rate", 100),
    ("turnover_rate_fte", "Turnover rate (% of FTE in post)", "turnover_rate", 100),
)


def csww_comparison(own: dict, published: dict, la_label: str) -> pd.DataFrame:
    """One row per CSWW measure: this authority's figure on the reference date worked out
    from its own data (`csww_on_reference_date`; rates as percentages, as DfE publishes
    them) beside DfE's published figures for the same CSWW year (the authority, England,
    its statistical neighbours' median), blank where DfE's files have no such year.
    `published` maps each measure's published column to its `comparisons.workforce` table
    (or None)."""
    rows = []
    for column, label, key, times in CSWW_MEASURES:
        table = published.get(column)
        year = table[table["Year"] == own["csww_year"]] if table is not None else pd.DataFrame()
        found = year.iloc[0] if len(year) else {}
        value = own[key]
        rows.append(
            {
                "Measure": label,
                "This authority's data": None if value is None else value * times,
                f"{la_label} (DfE published)": found.get(la_label),
                "England (DfE published)": found.get("England"),
                "Neighbours median (DfE published)": found.get("Neighbours median"),
            }
        )
    return pd.DataFrame(rows).replace({np.nan: None})


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
