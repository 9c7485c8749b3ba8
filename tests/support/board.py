"""Build an input folder that reproduces the improvement board's own figures (period 2017-03)
from its published totals - not from this project's output.

- 121 assessments of children aged unborn to 2 completed January-March 2017, with outcomes
  32 no further action, 10 stepped across, 11 legal advice, 5 updates in line with the CIN
  plan, 4 section 47, 15 child protection, 32 child in need, 4 strategy meetings, 4 short
  breaks, 8 updates within the protection process (125 outcome mentions).
- An NFA dip sample of 26 in the quarter: 19 appropriate (7 with more support beneficial),
  4 unclear, 1 not appropriate and referred back, 2 not recorded.
- At 31 March 2017: 2,857 children in need including CP and CLA (339 under 1), 402 on child
  protection plans (63 under 1), 778 looked after (78 under 1).
"""

from __future__ import annotations

import csv
from pathlib import Path

BOARD_OUTCOMES = {
    "NFA": 32,
    "STEP_DOWN": 10,
    "LEGAL": 11,
    "UPDATE_CIN": 5,
    "S47": 4,
    "CP": 15,
    "CIN_PLAN": 32,
    "STRATEGY": 4,
    "SHORT_BREAKS": 4,
    "UPDATE_CP": 8,
}
# local labels as an LA's case management system would record them (see params/outcome_map.yaml)
LABELS = {
    "NFA": "No further action",
    "STEP_DOWN": "Step down to early help",
    "LEGAL": "Legal advice",
    "UPDATE_CIN": "Assessment updated - CIN plan",
    "S47": "Section 47 enquiry",
    "CP": "Child protection conference",
    "CIN_PLAN": "Child in need plan",
    "STRATEGY": "Strategy meeting",
    "SHORT_BREAKS": "Short breaks",
    "UPDATE_CP": "Assessment updated - CP plan",
}
BOARD_DIP = {
    "dip_sample_size": 26,
    "dip_nfa_appropriate": 19,
    "dip_nfa_unclear": 4,
    "dip_nfa_not_appropriate": 1,
    "dip_not_recorded": 2,
    "dip_support_beneficial": 7,
    "dip_referred_back": 1,
}
BOARD = {
    "open_cin_total": 2857,
    "open_cin_under1": 339,
    "open_cp_total": 402,
    "open_cp_under1": 63,
    "cla_total": 778,
    "cla_under1": 78,
    "assessments_completed_age_0_2": 121,
    "outcome_mentions_age_0_2": 125,
}


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def write_board_fixture(folder: Path) -> Path:
    # --- assessments: one primary outcome each for 121, then 4 second outcomes --------
    flat = [code for code, n in BOARD_OUTCOMES.items() for _ in range(n)]  # 125 mentions
    assert len(flat) == 125
    primary, extra = flat[:121], flat[121:]  # the last 4 are SHORT_BREAKS
    outcomes = [[LABELS[c]] for c in primary]
    for i, code in enumerate(extra):  # second outcome for 4 assessments that lack it
        outcomes[i].append(LABELS[code])  # the first four are NFA assessments
    rows = []
    for i, labels in enumerate(outcomes):
        unborn = i % 10 == 0  # 13 pre-birth assessments: DOB after the start
        dob = "15/04/2017" if unborn else "01/06/2015"
        rows.append(
            [
                f"A{i:04d}",
                dob,
                "02/01/2017",
                f"{1 + i % 28:02d}/02/2017",
                "; ".join(labels),
                "Team A",
            ]
        )
    # not counted: a 3-year-old in the quarter, and 0-2s authorised outside it
    rows.append(["A9001", "01/01/2014", "02/01/2017", "15/02/2017", "No further action", "Team A"])
    rows.append(["A9002", "01/06/2015", "01/12/2016", "31/12/2016", "No further action", "Team A"])
    rows.append(["A9003", "01/06/2015", "01/03/2017", "", "", "Team A"])  # still open
    _write(
        folder / "assessments.csv",
        ["CHILD", "DOB", "ASSESSMENT_START", "ASSESSMENT_AUTHORISED", "OUTCOME", "TEAM"],
        rows,
    )

    # --- looked after: 778 open on 31/03/2017, 78 under 1; 10 of them also on CP plans ----
    header, episodes = [], []
    cp_and_cla = [f"P{i:04d}" for i in range(392, 402)]  # ten older CP children
    cla = [f"L{i:04d}" for i in range(768)] + cp_and_cla
    for i, child in enumerate(cla):
        dob = "01/06/2016" if i < 78 else "01/01/2010"
        header.append([child, "1", dob, "WBRI", f"FAKE{i:09d}", "", ""])
        episodes.append([child, "01/12/2016", "S", "C2", "N1", "U1", "", "", ""])
    # not counted: an episode ending on the day, and short breaks only (V3)
    header.append(["X0001", "1", "01/06/2016", "WBRI", "FAKE900000001", "", ""])
    episodes.append(["X0001", "01/12/2016", "S", "C2", "N1", "U1", "31/03/2017", "E13", ""])
    header.append(["X0002", "1", "01/06/2016", "WBRI", "FAKE900000002", "", ""])
    episodes.append(["X0002", "30/03/2017", "S", "V3", "N1", "R1", "", "", ""])
    _write(
        folder / "ssda903" / "header.csv",
        ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
        header,
    )
    _write(
        folder / "ssda903" / "episodes.csv",
        ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "DEC", "REC", "REASON_PLACE_CHANGE"],
        episodes,
    )

    # --- CIN and CP periods ----------------------------------------------------------------
    periods = []
    for i in range(402):  # 402 on CP plans, 63 under 1; each inside an open CIN period
        child, dob = f"P{i:04d}", ("01/09/2016" if i < 63 else "01/01/2012")
        periods += [[child, dob, "CIN", "10/01/2017", ""], [child, dob, "CP", "15/01/2017", ""]]
    # children in need only: 2,857 - (778 + 402 - 10) = 1,687, under 1: 339 - 78 - 63 = 198
    for i in range(1687):
        dob = "01/05/2017" if i < 5 else "01/10/2016" if i < 198 else "01/01/2008"
        periods.append([f"N{i:04d}", dob, "CIN", "01/02/2017", ""])
    # not counted: a plan ending on the day, a period ended earlier, one starting after
    periods += [
        ["Z0001", "01/01/2012", "CP", "01/01/2017", "31/03/2017"],
        ["Z0002", "01/01/2012", "CIN", "01/01/2016", "01/02/2017"],
        ["Z0003", "01/01/2012", "CIN", "01/04/2017", ""],
    ]
    _write(folder / "cin_cp.csv", ["CHILD", "DOB", "TYPE", "START", "END"], periods)

    # --- the other required files, minimal -----------------------------------------------
    # --- audits: the board's NFA dip sample of 26 in the quarter ---------------------------
    # 19 appropriate (7 of them noting more support would have helped), 4 unclear,
    # 1 not appropriate and referred back, 2 with no finding recorded
    findings = (
        [("YES", "Y", "N")] * 7
        + [("YES", "N", "N")] * 12
        + [("UNCLEAR", "N", "N")] * 4
        + [("NO", "N", "Y")]
        + [("", "", "")] * 2
    )
    audit_rows = [
        [f"AU{i:03d}", f"N{i:04d}", "15/02/2017", "NFA dip sample", "Assessment", "AUD1", "GOOD"]
        + ["", "", *f]
        for i, f in enumerate(findings)
    ]
    audit_rows.append(
        ["AU900", "N0001", "01/03/2017", "Themed audit", "Risk", "AUD1", "GOOD", "MOD1", "GOOD"]
        + ["", "", ""]
    )
    audit_rows.append(  # the quarter before: not counted
        ["AU901", "N0002", "31/12/2016", "NFA dip sample", "Risk", "AUD1", "GOOD", "", ""]
        + ["YES", "N", "N"]
    )
    columns = "AUDIT_ID CHILD AUDIT_DATE SAMPLE THEME AUDITOR AUDITOR_GRADE MODERATOR"
    columns += " MODERATOR_GRADE NFA_APPROPRIATE SUPPORT_BENEFICIAL REFERRED_BACK"
    _write(folder / "audits.csv", columns.split(), audit_rows)
    _write(
        folder / "absence.csv",
        ["EMPLOYEE_ID", "TEAM", "FTE", "START_DATE", "END_DATE", "REASON"],
        [["E1", "Team A", "1", "06/03/2017", "07/03/2017", "Cold / flu"]],
    )
    _write(folder / "staffing.csv", ["MONTH", "TEAM", "FTE"], [["2017-03", "Team A", "10"]])
    return folder
