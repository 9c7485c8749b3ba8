"""The synthetic workforce and action tracker (`demo.py` writes them): caseloads, agency,
vacancy and turnover columns for staffing.csv, appraisals and the improvement plan's actions,
calibrated to the board's minutes for the year to March 2017.

- Caseloads: about 16 children per case-holding FTE (Wirral's published CSWW average for
  2017 is 16.2); a few workers split across two teams in a month (0.2 FTE and a few
  children in the second team, the rest in their own: the same FTE and cases as in one
  team); agency workers (about a fifth of social work FTE, falling) carry cases too.
- Appraisals 2016-17: every manager and about 94% of staff, most of those missed being on
  long-term sickness absence in the year ("the gap relates to staff that had long term
  sickness"); fewer in the years before.
- The action tracker: 25 actions, 23 complete and 5 with evidence of impact by the last
  month ("23 out of 25 actions have been completed ... 5 out of 25 actions show evidence of
  impact") by March 2017; an extract cut earlier shows the tracker as it then stood.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.demo.common import CALIBRATED_DAY, ORIGIN, DemoSpec, ids

#: April 2014 to March 2017: the months over which the calibrated trends run.
_CALIBRATED_MONTHS = 35
ROLES = ["SOCIAL_WORKER", "NEWLY_QUALIFIED", "SENIOR_PRACTITIONER", "ADVANCED_PRACTITIONER"]
MANAGER_ROLES = ["TEAM_MANAGER", "SERVICE_MANAGER"]


def roster_roles(rng, n: int) -> np.ndarray:
    """About one in eight employees manage; the rest practise."""
    manager = rng.random(n) < 0.125
    return np.where(manager, rng.choice(MANAGER_ROLES, n, p=[0.8, 0.2]),
                    rng.choice(ROLES, n, p=[0.55, 0.15, 0.22, 0.08]))  # fmt: skip


def caseloads(rng, spec: DemoSpec, roster: pd.DataFrame) -> pd.DataFrame:
    """Month-end caseloads of the practising employees and of agency workers."""
    months = pd.period_range(spec.start, spec.end, freq="M")
    practise = roster[roster["ROLE"].isin(ROLES)]
    n_agency = max(int(len(practise) * 0.25 * spec.agency), 2)
    agency = pd.DataFrame(
        {
            "WORKER_ID": ids("E", 80_000_001, n_agency),
            "TEAM": rng.choice(practise["TEAM"].unique(), n_agency),
            "ROLE": "SOCIAL_WORKER",
            "FTE": 1.0,
            "AGENCY": "Y",
        }
    )
    staff = practise.rename(columns={"EMPLOYEE_ID": "WORKER_ID"})[
        ["WORKER_ID", "TEAM", "ROLE", "FTE"]
    ].assign(AGENCY="N")
    rows = []
    for month in months:
        # agency cover falls over the calibrated years (April 2014 to March 2017), then holds
        i = min(max((month - pd.Period(ORIGIN, "M")).n, 0), _CALIBRATED_MONTHS)
        share = 1 - 0.35 * i / _CALIBRATED_MONTHS
        people = pd.concat([staff, agency.iloc[: max(int(n_agency * share), 1)]])
        cases = rng.poisson(17.7 * people["FTE"].to_numpy() * rng.normal(1, 0.04))
        newly = people["ROLE"].to_numpy() == "NEWLY_QUALIFIED"
        cases = np.where(newly, (cases * 0.7).astype(int), cases)  # protected caseloads
        frame = people.assign(MONTH=str(month), CASES=cases)
        frame = frame.reset_index(drop=True)
        split = rng.random(len(frame)) < 0.02  # a worker in two teams this month
        other = frame[split].assign(
            TEAM=rng.choice(staff["TEAM"].unique(), int(split.sum())), FTE=0.2
        )
        other = other[other["TEAM"] != frame.loc[split, "TEAM"].to_numpy()]
        # the second team takes 0.2 of the worker's FTE and a few of their children: the
        # worker's FTE and cases over both teams are what they would be in one
        home = other.index
        other["CASES"] = np.minimum(rng.poisson(3, len(other)), frame.loc[home, "CASES"])
        frame.loc[home, "FTE"] = (frame.loc[home, "FTE"] - 0.2).round(1)
        frame.loc[home, "CASES"] -= other["CASES"]
        rows += [frame, other]
    out = pd.concat(rows, ignore_index=True)
    return out[["MONTH", "WORKER_ID", "TEAM", "ROLE", "FTE", "AGENCY", "CASES"]]


def staffing_columns(rng, staffing: pd.DataFrame, spec: DemoSpec) -> pd.DataFrame:
    """AGENCY_FTE (about a third of in-post FTE falling to a fifth - an agency rate of a
    quarter falling to a sixth - times `spec.agency`), VACANT_FTE (about a fifth of
    establishment), STARTERS_FTE and LEAVERS_FTE (about 12% a year each)."""
    months = pd.PeriodIndex(staffing["MONTH"], freq="M")
    progress = (months - pd.Period(ORIGIN, "M")).map(lambda d: d.n).to_numpy()
    progress = np.clip(progress, 0, _CALIBRATED_MONTHS) / _CALIBRATED_MONTHS
    fte = staffing["FTE"].to_numpy()
    out = staffing.copy()
    cover = (0.33 - 0.13 * progress) * spec.agency  # a regional demo's LAs differ
    out["AGENCY_FTE"] = np.round(fte * cover * rng.normal(1, 0.05, len(fte)), 1)
    out["VACANT_FTE"] = np.round(fte * 0.22 * rng.normal(1, 0.08, len(fte)), 1)
    monthly = fte * 0.12 / 12
    out["STARTERS_FTE"] = np.round(rng.poisson(monthly * 2) / 2, 1)
    out["LEAVERS_FTE"] = np.round(rng.poisson(monthly * 2) / 2, 1)
    return out


def appraisals(rng, spec: DemoSpec, roster: pd.DataFrame, absence: pd.DataFrame) -> pd.DataFrame:
    """Each employee in each appraisal year the span covers; the last year calibrated to the
    minutes (every manager, about 94% of staff, most missed on long-term sickness)."""
    extract = pd.Timestamp(spec.extract_day)
    last_start = extract.year - (1 if extract.month < 4 else 0)
    years = [last_start - 2, last_start - 1, last_start]
    rows = []
    for y in years:
        begin, end = np.datetime64(f"{y}-04-01"), np.datetime64(f"{y + 1}-03-31")
        spells = absence[
            (absence["START_DATE"] <= end) & (absence["END_DATE"].fillna(end) >= begin)
        ]
        long_days = (spells["END_DATE"].fillna(end) - spells["START_DATE"]).dt.days
        long_sick = set(spells.loc[long_days >= 28, "EMPLOYEE_ID"])
        manager = roster["ROLE"].isin(MANAGER_ROLES).to_numpy()
        sick = roster["EMPLOYEE_ID"].isin(long_sick).to_numpy()
        final = y == last_start
        n_staff = int((~manager).sum())
        missed = np.zeros(len(roster), bool)
        target = round(n_staff * (0.06 if final else 0.15))
        pool_sick = np.flatnonzero(~manager & sick)
        pool_well = np.flatnonzero(~manager & ~sick)
        from_sick = min(len(pool_sick), round(target * (0.8 if final else 0.4)))
        missed[rng.choice(pool_sick, from_sick, replace=False)] = True
        missed[rng.choice(pool_well, max(target - from_sick, 0), replace=False)] = True
        if not final:
            missed |= manager & (rng.random(len(roster)) < 0.05)
        reasons = np.where(sick & missed, "Long-term sickness",
                           np.where(missed, "Not completed", ""))  # fmt: skip
        rows.append(
            pd.DataFrame(
                {
                    "YEAR": f"{y}-{str(y + 1)[2:]}",
                    "EMPLOYEE_ID": roster["EMPLOYEE_ID"].to_numpy(),
                    "GROUP": np.where(manager, "MANAGER", "STAFF"),
                    "APPRAISED": np.where(missed, "N", "Y"),
                    "REASON_NOT_APPRAISED": reasons,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


#: The tracker: (theme, source, action, months before the last month it was due, months
#: before it was completed or None, impact evidenced, impact note).
ACTIONS = [
    (
        "Practice",
        "Ofsted recommendation 1",
        "Strengthen management oversight of contacts at the front door",
        16,
        15,
        True,
        "Repeat contacts fell from 19% to 5% of children contacted in a month",
    ),
    (
        "Practice",
        "Ofsted recommendation 1",
        "Daily multi-agency screening of police notifications",
        15,
        14,
        True,
        "Police contacts screened within 24 hours in every sampled week",
    ),
    (
        "Practice",
        "Ofsted recommendation 2",
        "Pre-birth assessment pathway with midwifery",
        14,
        12,
        True,
        "Pre-birth assessments started before 24 weeks in 8 of 10 audited cases",
    ),
    (
        "Practice",
        "Ofsted recommendation 2",
        "Threshold guidance reissued to partners",
        18,
        17,
        False,
        "",
    ),
    (
        "Practice",
        "Ofsted recommendation 3",
        "Audit programme with independent moderation",
        13,
        12,
        True,
        "Auditor and moderator agreement rose to a kappa of 0.78",
    ),
    ("Practice", "Ofsted recommendation 3", "NFA dip sample each quarter", 12, 11, False, ""),
    (
        "Practice",
        "Improvement plan: early help",
        "Step-down protocol to early help",
        11,
        9,
        False,
        "",
    ),
    (
        "Practice",
        "Improvement plan: early help",
        "Early help assessment training",
        10,
        9,
        False,
        "",
    ),
    (
        "Practice",
        "Improvement plan: permanence",
        "Legal gateway panel for pre-proceedings",
        9,
        8,
        False,
        "",
    ),
    (
        "People",
        "Ofsted recommendation 4",
        "Caseload monitoring by team each month",
        17,
        16,
        True,
        "No social worker above 25 children for three months running",
    ),
    (
        "People",
        "Ofsted recommendation 4",
        "Recruitment campaign for permanent social workers",
        14,
        11,
        False,
        "",
    ),
    (
        "People",
        "Ofsted recommendation 5",
        "Appraisal for every manager and social worker",
        12,
        6,
        False,
        "",
    ),
    ("People", "Ofsted recommendation 5", "Supervision policy relaunched", 13, 12, False, ""),
    (
        "People",
        "Improvement plan: workforce",
        "Newly qualified social worker programme",
        10,
        7,
        False,
        "",
    ),
    (
        "People",
        "Improvement plan: workforce",
        "Exit interviews analysed each quarter",
        8,
        6,
        False,
        "",
    ),
    ("People", "Improvement plan: workforce", "Agency reduction plan", 2, None, False, ""),
    (
        "Performance",
        "Ofsted recommendation 6",
        "Monthly performance report to the board",
        18,
        17,
        False,
        "",
    ),
    (
        "Performance",
        "Ofsted recommendation 6",
        "Performance clinics for team managers",
        15,
        14,
        False,
        "",
    ),
    (
        "Performance",
        "Ofsted recommendation 7",
        "Data quality checks on case recording",
        12,
        10,
        False,
        "",
    ),
    ("Performance", "Ofsted recommendation 7", "Dashboard for partners", 9, 5, False, ""),
    (
        "Performance",
        "Ofsted recommendation 8",
        "Quality assurance framework agreed",
        11,
        10,
        False,
        "",
    ),
    (
        "Performance",
        "Ofsted recommendation 8",
        "Learning from audits shared with partners",
        7,
        4,
        False,
        "",
    ),
    (
        "Performance",
        "Improvement plan: governance",
        "Board terms of reference reviewed",
        6,
        5,
        False,
        "",
    ),
    (
        "Performance",
        "Improvement plan: governance",
        "Risk register reviewed each quarter",
        4,
        2,
        False,
        "",
    ),
    (
        "Performance",
        "Improvement plan: governance",
        "Independent review of progress",
        -3,
        None,
        False,
        "",
    ),
]


#: The measure (code list `actions.IMPACT_METRIC`) and the figure each claim of impact names,
#: by action number: the board's notes as written, so the improvement plan can check them.
IMPACT_LINKS = {
    1: ("multiple_contacts_children_share_month", 0.05),  # "fell ... to 5%"
    5: ("kappa", 0.78),  # "rose to a kappa of 0.78"
    10: ("largest_caseload", 25),  # "no social worker above 25 children"
}


def _status(done, due: int) -> str:
    if done is not None:
        return "COMPLETE"
    return "AT_RISK" if due > 0 else "ON_TRACK"


def actions(cut: pd.Timestamp) -> pd.DataFrame:
    """The 25 actions, dated back from March 2017, as the tracker stood on the cut day (an
    action completed after it still open: at risk once past its due date)."""
    last = pd.Period(CALIBRATED_DAY, "M")
    rows = []
    for i, (theme, source, text, due, done, impact, note) in enumerate(ACTIONS, start=1):
        completed = (
            (last - done).end_time.normalize() - pd.Timedelta(days=10)
            if done is not None
            else pd.NaT
        )
        due_date = (last - due).end_time.normalize()
        if not completed <= cut:  # not (yet) complete on the cut day
            done, completed, impact, note = None, pd.NaT, False, ""
            due = 1 if due_date < cut else 0
        elif impact and completed + pd.DateOffset(months=3) > cut:  # not yet reviewed
            impact, note = False, ""
        rows.append(
            {
                "ACTION_ID": f"IP{i:02d}",
                "THEME": theme,
                "SOURCE": source,
                "ACTION": text,
                "OWNER_ROLE": {
                    "People": "Head of workforce",
                    "Practice": "Head of service",
                    "Performance": "Head of performance",
                }[theme],
                "DUE_DATE": due_date,
                "STATUS": _status(done, due),
                "COMPLETED_DATE": completed,
                "IMPACT_EVIDENCED": ("Y" if impact else "N") if done is not None else "",
                "IMPACT_NOTE": note,
                "IMPACT_REVIEW_DATE": completed + pd.DateOffset(months=3) if impact else pd.NaT,
                "IMPACT_METRIC": IMPACT_LINKS.get(i, ("", None))[0],
                "IMPACT_TARGET": IMPACT_LINKS.get(i, ("", None))[1],
            }
        )
    return pd.DataFrame(rows)
