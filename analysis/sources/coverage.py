"""How far each input source reaches in time: the engine refuses (or, with --allow-partial,
marks) a period the inputs do not cover, before any report runs."""

from __future__ import annotations

import pandas as pd

from analysis.sources.inputs import Inputs

#: The dates that show how far each source reaches (the later of the two where there are two).
REACH_DATES = {
    "episodes": ("SSDA903 episodes", ["DECOM", "DEC"]),
    "contacts": ("contacts", ["CONTACT_DATE"]),
    "referrals": ("referrals", ["REFERRAL_DATE", "CLOSURE_DATE"]),
    "cin_cp": ("children in need and protection plans", ["START", "END"]),
    "assessments": ("assessments", ["ASSESSMENT_AUTHORISED"]),
    "audits": ("audits", ["AUDIT_DATE"]),
    "absence": ("absence spells", ["START_DATE", "END_DATE"]),
    "staffing": ("staffing", ["MONTH"]),
}


def reach(inputs: Inputs, tolerance: dict[str, int]) -> pd.DataFrame:
    """How far each supplied source covers: its last dated record and the last month it
    covers - that record's month plus the source's tolerance in months (params, because a
    quiet month is not a stale file; staffing states its months, so its tolerance is 0)."""
    rows = []
    for table, (label, cols) in REACH_DATES.items():
        frame = inputs.get(table)
        if frame is None or frame.empty:
            continue
        last = max(frame[c].max() for c in cols if c in frame and frame[c].notna().any())
        covers = pd.Period(last, "M") + int(tolerance.get(table, 0))
        rows.append({"Source": label, "Last record": last, "Covers to": covers})
    return pd.DataFrame(rows, columns=["Source", "Last record", "Covers to"])


def not_covering(reached: pd.DataFrame, period) -> list[str]:
    """One line per source that stops before the end of `period`."""
    late = reached[reached["Covers to"] < pd.Period(period, "M")]
    return [
        f"{row['Source']}: last record {row['Last record']:%d/%m/%Y}, covers to "
        f"{row['Covers to']:%B %Y}"
        for _, row in late.iterrows()
    ]
