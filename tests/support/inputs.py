"""A tiny, valid, hand-written input folder that tests then break."""

from __future__ import annotations

from pathlib import Path

VALID = {
    "ssda903/header.csv": (
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
        "C1,1,01/06/2010,WBRI,FAKE000000001,,\n"
        "C2,2,2016-12-25,WBRI,FAKE000000002,,\n"
    ),
    "ssda903/episodes.csv": (
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
        "PL_POST,URN\n"
        "C1,01/04/2016,S,C2,N1,U1,PR1,01/08/2016,X1,CARPL,,,\n"
        "C1,01/08/2016,P,C2,N1,U3,PR1,,,,,,\n"
        "C2,28/12/2016,S,C1,N1,U4,PR1,,,,,,\n"
    ),
    "family.csv": "CHILD,FAMILY_ID,MOTHER_DOB,FATHER_DOB\nC1,F1,01/01/1990,\nC2,F1,01/01/1990,\n",
    "cin_cp.csv": "CHILD,DOB,TYPE,START,END\nC9,01/01/2015,CIN,01/01/2017,\nC9,01/01/2015,CP,"
    "01/02/2017,\n",
    "assessments.csv": (
        "CHILD,DOB,ASSESSMENT_START,ASSESSMENT_AUTHORISED,OUTCOME,TEAM\n"
        "C9,01/01/2015,01/01/2017,20/01/2017,No further action,Team A\n"
        "C8,01/05/2017,01/02/2017,01/03/2017,Child in need plan; Strategy meeting,Team A\n"
    ),
    "contacts.csv": (
        "CHILD,DOB,CONTACT_DATE,SOURCE,OUTCOME\n"
        "C9,01/01/2015,01/03/2017,6,Referral\n"
        "C9,01/01/2015,01/03/2017,2A,No further action\n"
        "C7,,15/03/2017,3B,Advice given\n"
    ),
    "referrals.csv": (
        "CHILD,DOB,REFERRAL_DATE,SOURCE,NFA,CLOSURE_DATE,CLOSURE_REASON\n"
        "C6,,01/04/2015,8,N,01/05/2015,RC8\n"
        "C9,01/01/2015,01/03/2016,6,N,01/06/2016,RC7\n"
        "C9,01/01/2015,01/03/2017,6,N,,\n"
    ),
    "audits.csv": (
        "AUDIT_ID,CHILD,AUDIT_DATE,SAMPLE,THEME,AUDITOR,AUDITOR_GRADE,MODERATOR,MODERATOR_GRADE,"
        "NFA_APPROPRIATE,SUPPORT_BENEFICIAL,REFERRED_BACK\n"
        "A1,C9,01/03/2017,NFA dip sample,Risk,AUD1,GOOD,MOD1,GOOD,YES,Y,N\n"
    ),
    "absence.csv": (
        "EMPLOYEE_ID,TEAM,FTE,START_DATE,END_DATE,REASON\n"
        "E1,Team A,1,02/01/2017,06/01/2017,Cold / flu\n"
    ),
    "staffing.csv": (
        "MONTH,TEAM,FTE,AGENCY_FTE,VACANT_FTE,STARTERS_FTE,LEAVERS_FTE\n"
        "2017-01,Team A,10,2.5,1,0,1\n"
    ),
    "caseloads.csv": (
        "MONTH,WORKER_ID,TEAM,ROLE,FTE,AGENCY,CASES\n"
        "2017-01,E1,Team A,SOCIAL_WORKER,1,N,18\n"
        "2017-01,E2,Team A,SOCIAL_WORKER,0.5,Y,12\n"
    ),
    "appraisals.csv": (
        "YEAR,EMPLOYEE_ID,GROUP,APPRAISED,REASON_NOT_APPRAISED\n"
        "2016-17,E1,STAFF,Y,\n"
        "2016-17,E3,MANAGER,Y,\n"
        "2016-17,E4,STAFF,N,Long-term sickness\n"
    ),
    "actions.csv": (
        "ACTION_ID,THEME,SOURCE,ACTION,OWNER_ROLE,DUE_DATE,STATUS,COMPLETED_DATE,IMPACT_EVIDENCED,"
        "IMPACT_NOTE,IMPACT_REVIEW_DATE\n"
        "IP1,Practice,Ofsted 1,Screen police contacts daily,Head of service,31/12/2016,COMPLETE,"
        "15/12/2016,Y,Screened within 24 hours,\n"
        "IP2,People,Ofsted 2,Appraise every worker,Head of workforce,31/01/2017,On track,,,,\n"
    ),
}


def write_inputs(folder: Path, changes: dict[str, str | None] | None = None) -> Path:
    """Write the valid mini dataset, with some files replaced (text) or removed (None)."""
    files = dict(VALID) | (changes or {})
    for name, text in files.items():
        if text is None:
            continue
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return folder
