"""How far each input source reaches in time: the engine refuses (or, with --allow-partial,
marks) a period the inputs do not cover, at either end, before any report runs."""

from __future__ import annotations

import pandas as pd

from analysis.periods import period_end
from analysis.sources.inputs import Inputs

#: The dates that show how far each source reaches (the earliest and the latest of them).
REACH_DATES = {
    "episodes": ("SSDA903 episodes", ["DECOM", "DEC"]),
    "contacts": ("contacts", ["CONTACT_DATE"]),
    "referrals": ("referrals", ["REFERRAL_DATE", "CLOSURE_DATE"]),
    "cin_cp": ("children in need and protection plans", ["START", "END"]),
    "assessments": ("assessments", ["ASSESSMENT_START", "ASSESSMENT_AUTHORISED"]),
    "audits": ("audits", ["AUDIT_DATE"]),
    "absence": ("absence spells", ["START_DATE", "END_DATE"]),
    "staffing": ("staffing", ["MONTH"]),
}
#: The tables of REACH_DATES each report reads (a report not listed reads them all: the data
#: quality report shows every source, the board summary every report's measures).
USES = {
    "young_children": ("episodes",),
    "sickness_absence": ("absence", "staffing"),
    "workforce": ("absence", "staffing"),
    "assessments": ("assessments", "cin_cp", "episodes"),
    "front_door": ("contacts", "referrals"),
    "audit_agreement": ("audits",),
    "improvement_plan": ("contacts", "audits"),  # the impact checks read them
}
COLUMNS = ["Table", "Source", "First record", "Last record", "Covers from", "Covers to", "Stated"]


def stated(inputs: Inputs, table: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The span a return states it covers for `table` (a CIN census: its collection years,
    1 April to 31 March), or None when the table's coverage is read from its records."""
    span = inputs.covers.get(table)
    return (pd.Timestamp(span[0]), pd.Timestamp(span[1])) if span else None


def begins(inputs: Inputs, table: str, column: str) -> pd.Timestamp | None:
    """When `table` begins: the start of the span its return states (a census's first
    collection year), else its first `column` date; None without a table or a date."""
    span = stated(inputs, table)
    if span is not None:
        return span[0]
    frame = inputs.get(table)
    first = None if frame is None else frame[column].min()
    return None if first is None or pd.isna(first) else first


def reach(inputs: Inputs, tolerance: dict[str, int]) -> pd.DataFrame:
    """How far each supplied source covers, at both ends: from the month of its first dated
    record less the source's tolerance in months to the month of its last plus that tolerance
    (params, because a quiet month is not a stale file; staffing states its months, so its
    tolerance is 0). A return that states its span (a CIN census) covers that span: from its
    first collection year's 1 April to its last one's 31 March (plus the tolerance after).
    A table with no date at all (every assessment still open, say) is not listed."""
    rows = []
    for table, (label, cols) in REACH_DATES.items():
        frame = inputs.get(table)
        if frame is None or frame.empty:
            continue
        dates = [frame[c] for c in cols if c in frame and frame[c].notna().any()]
        span = stated(inputs, table)
        if not dates and span is None:
            continue
        first = min(d.min() for d in dates) if dates else span[0]
        last = max(d.max() for d in dates) if dates else span[1]
        months = int(tolerance.get(table, 0))
        start, end = pd.Period(first, "M") - months, pd.Period(last, "M") + months
        if span is not None:
            first, last = span
            start, end = pd.Period(first, "M"), pd.Period(last, "M") + months
        rows.append(
            {
                "Table": table,
                "Source": label,
                "First record": first,
                "Last record": last,
                "Covers from": start,
                "Covers to": end,
                "Stated": span is not None,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def used_by(report: str) -> tuple[str, ...]:
    """The tables whose coverage `report` depends on."""
    return USES.get(report, tuple(REACH_DATES))


def not_covering(reached: pd.DataFrame, period, tables=None) -> list[str]:
    """One line per source (of `tables`, default all) that begins after `period` or stops
    before its end."""
    month = pd.Period(period, "M")
    if tables is not None and "Table" in reached:
        reached = reached[reached["Table"].isin(tables)]
    lines = []
    for _, row in reached.iterrows():
        if row.get("Stated", False):
            said = (
                f"{row['Source']}: census years {row['First record']:%d/%m/%Y} to "
                f"{row['Last record']:%d/%m/%Y}"
            )
            last, first = said, said
        else:
            last = f"{row['Source']}: last record {row['Last record']:%d/%m/%Y}"
            first = f"{row['Source']}: first record {row['First record']:%d/%m/%Y}"
        if row["Covers to"] < month:
            lines.append(f"{last}, covers to {row['Covers to']:%B %Y}")
        elif "Covers from" in row and row["Covers from"] > month:
            lines.append(f"{first}, covers from {row['Covers from']:%B %Y}")
    return lines


def after_period(inputs: Inputs, period, tables=None) -> list[str]:
    """One line per source (of `tables`, default all) holding records dated after the last
    day of `period`, saying how many: a record counts once however many of its dates (those
    of REACH_DATES) fall after. The readers cannot know the period; this step does. Such
    records are read as written and are in no figure for the period."""
    end = period_end(period)
    lines = []
    for table, (label, cols) in REACH_DATES.items():
        frame = inputs.get(table)
        if frame is None or (tables is not None and table not in tables):
            continue
        later = pd.Series(False, index=frame.index)
        for col in cols:
            if col in frame:
                later |= frame[col].gt(end).fillna(False).astype(bool)
        if later.any():
            n, month = int(later.sum()), pd.Period(period, "M")
            lines.append(
                f"{label}: {n:,} record{'s' if n != 1 else ''} dated after the period end "
                f"({end:%d/%m/%Y}); check them: they are in no figure for {month:%B %Y}"
            )
    return lines
