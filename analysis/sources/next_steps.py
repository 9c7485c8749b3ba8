"""Assessment outcomes derived from what happened next, for returns that hold no local outcome
labels (the CIN census, the Annex A workbook).

An assessment's **next steps** are what the return records from the day the assessment
started to N working days after it was authorised (N = `next_step_working_days` in params,
default 10), for the same child:

- UPDATE_CIN / UPDATE_CP: a CIN plan / child protection plan was already open when the
  assessment started (it started before the assessment and had not ended).
- CP: a child protection plan started in the window, or (Annex A) an initial child protection
  conference in the window resulted in a plan.
- S47: a Section 47 enquiry started in the window. Both returns record the strategy
  discussion that *initiated* an enquiry, so STRATEGY is not told apart: it counts as S47.
- CIN_PLAN: a CIN plan started in the window. Annex A holds no CIN plan dates: there, an
  assessment that found the child needs support ("Was the child assessed as requiring LA
  children's social care support?" = Yes) with none of the steps above is a CIN plan.
- STEP_DOWN: the referral was closed in the window with reason RC9 (closed after assessment,
  referred to early help), and nothing above followed.
- NFA: the referral was closed in the window with reason RC8 (closed after assessment, no
  further action), or the assessment found no need for support ("... requiring ... support?"
  = No), and nothing above followed.
- OTHER: an authorised assessment none of these rules places.

Assessments not yet authorised have no outcome. LEGAL and SHORT_BREAKS are never derived:
neither return records them.
"""

from __future__ import annotations

import pandas as pd

from analysis.workdays import add_working_days

DEFAULT_DAYS = 10
#: Categories a return cannot show, so a report leaves them out rather than print a false 0.
NOT_DERIVED = {
    "census": ("STRATEGY", "LEGAL", "SHORT_BREAKS"),
    "annex_a": ("STEP_DOWN", "STRATEGY", "LEGAL", "SHORT_BREAKS", "UPDATE_CIN"),
}
ORDER = ["UPDATE_CIN", "UPDATE_CP", "CP", "S47", "CIN_PLAN", "STEP_DOWN", "NFA", "OTHER"]
LABELS = {
    "UPDATE_CIN": "derived: a CIN plan was open when the assessment started",
    "UPDATE_CP": "derived: a protection plan was open when the assessment started",
    "CP": "derived: a protection plan followed",
    "S47": "derived: a Section 47 enquiry followed",
    "CIN_PLAN": "derived: a CIN plan followed",
    "STEP_DOWN": "derived: closed after assessment, to early help (RC9)",
    "NFA": "derived: closed after assessment, no further action",
    "OTHER": "derived: no next step found in the return",
}


def deadline(authorised: pd.Series, days: int) -> pd.Series:
    """The last day of the window: `days` working days after authorisation."""
    return add_working_days(authorised, days)


def _hits(frame: pd.DataFrame, events: pd.DataFrame | None, when: str, test) -> set:
    """ASSESSMENT_IDs with an event of the same child for which `test(merged)` holds."""
    if events is None or events.empty:
        return set()
    merged = frame.merge(events, on="CHILD", how="inner", suffixes=("", "_E"))
    merged = merged[merged[when].notna()]
    return set(merged.loc[test(merged), "ASSESSMENT_ID"])


def derive(
    assessments: pd.DataFrame,
    *,
    referrals: pd.DataFrame | None = None,
    cin_plans: pd.DataFrame | None = None,
    cp_plans: pd.DataFrame | None = None,
    s47: pd.DataFrame | None = None,
    days: int = DEFAULT_DAYS,
) -> pd.DataFrame:
    """Outcome rows (ASSESSMENT_ID, LABEL, CATEGORY) for the authorised assessments, by the
    rules above. `assessments` has ASSESSMENT_ID, CHILD, ASSESSMENT_START,
    ASSESSMENT_AUTHORISED and, from Annex A, REQUIRES_SUPPORT (True/False/None);
    `cin_plans` is None when the return holds no CIN plan dates (Annex A)."""
    done = assessments[assessments["ASSESSMENT_AUTHORISED"].notna()].copy()
    done["_UNTIL"] = deadline(done["ASSESSMENT_AUTHORISED"], days)
    a = done[["ASSESSMENT_ID", "CHILD", "ASSESSMENT_START", "ASSESSMENT_AUTHORISED", "_UNTIL"]]
    begin, until = "ASSESSMENT_START", "_UNTIL"

    def within(col):
        return lambda m: (m[col] >= m[begin]) & (m[col] <= m[until])

    def open_at_start(m):
        return (m["START"] < m[begin]) & (m["END"].isna() | (m["END"] >= m[begin]))

    found = {c: set() for c in ORDER}
    found["UPDATE_CIN"] = _hits(a, cin_plans, "START", open_at_start)
    found["UPDATE_CP"] = _hits(a, cp_plans, "START", open_at_start)
    found["CP"] = _hits(a, cp_plans, "START", within("START"))
    if s47 is not None and "ICPC_PLAN" in s47:
        icpc = s47[s47["ICPC_PLAN"].fillna(False).astype(bool)]
        found["CP"] |= _hits(a, icpc, "ICPC_DATE", within("ICPC_DATE"))
    found["S47"] = _hits(a, s47, "S47_START", within("S47_START"))
    earlier = set().union(*(found[c] for c in ("UPDATE_CIN", "UPDATE_CP", "CP", "S47")))
    if cin_plans is not None:
        found["CIN_PLAN"] = _hits(a, cin_plans, "START", within("START"))
    elif "REQUIRES_SUPPORT" in done:
        needs = done["REQUIRES_SUPPORT"].eq(True)
        found["CIN_PLAN"] = set(done.loc[needs, "ASSESSMENT_ID"]) - earlier
    taken = earlier | found["CIN_PLAN"]
    if referrals is not None:
        for category, reason in (("STEP_DOWN", "RC9"), ("NFA", "RC8")):
            closed = referrals[referrals["CLOSURE_REASON"] == reason]
            found[category] = _hits(a, closed, "CLOSURE_DATE", within("CLOSURE_DATE")) - taken
    if "REQUIRES_SUPPORT" in done:
        no_need = done["REQUIRES_SUPPORT"].eq(False)
        found["NFA"] |= set(done.loc[no_need, "ASSESSMENT_ID"]) - taken - found["STEP_DOWN"]
    found["NFA"] -= found["STEP_DOWN"]
    placed = set().union(*found.values())
    found["OTHER"] = set(done["ASSESSMENT_ID"]) - placed
    rows = [(i, LABELS[c], c) for c in ORDER for i in sorted(found[c])]
    return pd.DataFrame(rows, columns=["ASSESSMENT_ID", "LABEL", "CATEGORY"])
