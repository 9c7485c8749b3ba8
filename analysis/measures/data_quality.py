"""Measures for the `data_quality` report: what was loaded, what validation found, and gaps."""

from __future__ import annotations

import pandas as pd

from analysis.errors import UNKNOWN, WARNING
from analysis.measures import looked_after as la
from analysis.names import same
from analysis.periods import months_back, window
from analysis.sources.coverage import stated
from analysis.sources.inputs import Inputs

#: The date that places each table's records in time (never a date of birth).
ACTIVITY_DATES = {
    "episodes": ("ssda903 episodes", "DECOM"),
    "contacts": ("contacts", "CONTACT_DATE"),
    "referrals": ("referrals", "REFERRAL_DATE"),
    "cin_cp": ("children in need and protection plans", "START"),
    "assessments": ("assessments", "ASSESSMENT_AUTHORISED"),
    "audits": ("audits", "AUDIT_DATE"),
    "absence": ("sickness absence spells", "START_DATE"),
    "staffing": ("monthly staffing", "MONTH"),
}


def files_loaded(inputs: Inputs) -> pd.DataFrame:
    """One row per input file: name, data rows (CSV files and the Parquet tables of an SSD
    snapshot; a workbook or XML file shows none: its records are counted per source), and
    the first 12 characters of its SHA-256."""
    return pd.DataFrame(
        [(f["file"], f["rows"], f["sha256"][:12]) for f in inputs.files],
        columns=["File", "Rows", "SHA-256 (first 12)"],
    ).astype({"Rows": "Int64"})


def _labelled(inputs: Inputs, table: str, label: str) -> str:
    """A source's label, with the file it came from when a return could supply it."""
    source = inputs.sources.get(table)
    return f"{label} ({source.removeprefix('the ')})" if source else label


def coverage(inputs: Inputs) -> pd.DataFrame:
    """Per source, the first and last month with a record, by its activity date - or, for a
    return that states the span it covers (a CIN census: its collection years), the first
    and last month of that span, as the coverage check reads it."""
    rows = []
    for table, (label, col) in ACTIVITY_DATES.items():
        frame = inputs.get(table)
        label = _labelled(inputs, table, label)
        if frame is None:
            rows.append((label, 0, "not supplied", "not supplied"))
            continue
        dates = frame[col].dropna()
        span = stated(inputs, table)
        if span is not None:
            dates = pd.Series(span)
        first = f"{dates.min():%b %Y}" if len(dates) else "–"
        last = f"{dates.max():%b %Y}" if len(dates) else "–"
        rows.append((label, len(frame), first, last))
    return pd.DataFrame(rows, columns=["Source", "Records", "First month", "Last month"])


def coverage_gaps(inputs: Inputs, period, months: int = 36) -> pd.DataFrame:
    """Months in the look-back (ending with `period`) in which a source has no records at all.

    A gap usually means a missing extract rather than a quiet month."""
    window = months_back(period, months)
    rows = []
    for table, (label, col) in ACTIVITY_DATES.items():
        frame = inputs.get(table)
        if frame is None:
            continue
        seen = set(frame[col].dropna().dt.to_period("M"))
        missing = [m for m in window if m not in seen]
        rows.append(
            (
                label,
                len(missing),
                ", ".join(f"{m:%b %Y}" for m in missing[:12]) + (" …" if len(missing) > 12 else ""),
            )
        )
    return pd.DataFrame(rows, columns=["Source", "Months with no records", "Which months"])


def problems(inputs: Inputs) -> pd.DataFrame:
    """Validation findings grouped by rule: severity, file, column, rule and count.

    Row numbers and values are left out: they can carry identifiers."""
    records = [
        (g.severity, g.file, g.column or "", g.rule, g.count) for g in inputs.report.groups.values()
    ]
    return pd.DataFrame(records, columns=["Severity", "File", "Column", "Rule", "Rows"])


def values_unknown(inputs: Inputs) -> pd.DataFrame:
    """Values that failed their rule and were kept as unknown, by file (and sheet) and column:
    how many cells the figures from that list do without. `Rows left out` counts those whose
    row could not be placed in time without the value (its own date, an authorisation or an
    end date) and so is in no figure; the rest are unknown only in the figures using that
    column (an unknown Referral NFA? is left out of the NFA share's denominator)."""
    rows = [
        (g.file, g.column or "", g.count, g.count if "row is left out" in g.rule else 0)
        for g in inputs.report.groups.values()
        if g.severity == WARNING and UNKNOWN in g.rule
    ]
    frame = pd.DataFrame(rows, columns=["File", "Column", "Values unknown", "Rows left out"])
    return frame.groupby(["File", "Column"], as_index=False, sort=False).sum()


def headline(inputs: Inputs) -> dict:
    """The metrics this report records: files_loaded, rows_total, warnings_total."""
    return {
        "files_loaded": len(inputs.files),
        "rows_total": int(sum(f["rows"] or 0 for f in inputs.files)),
        "warnings_total": inputs.report.warning_count,
    }


def completeness(
    inputs: Inputs, period, dip_sample: str = "NFA dip sample", window_months: int = 3
) -> pd.DataFrame:
    """What the figures could not use, separate from validation warnings: one row per gap,
    with the records missing something, the records it was looked for in, and the share.

    - starts in the 12 months to the period with no family record (left out of parents'
      age and siblings);
    - family records with no mother's date of birth (left out of mother's age);
    - dip-sample audits (SAMPLE `dip_sample`) in the `window_months` to the period with no
      NFA finding recorded;
    - absence spells with no end date (open-ended: counted to the period end)."""
    rows = []

    def add(what, missing, of):
        rows.append({"What is missing": what, "Records": int(missing), "Of": int(of)})

    first, last = window(period, 12)
    if "episodes" in inputs.tables and "family" in inputs.tables:
        starts = la.starts(inputs["episodes"], inputs["header"], first, last)
        add(
            "Starts to care in the 12 months with no family record",
            (~starts["CHILD"].isin(inputs["family"]["CHILD"])).sum(),
            len(starts),
        )
    if "family" in inputs.tables:
        family = inputs["family"]
        add(
            "Family records with no mother's date of birth",
            family["MOTHER_DOB"].isna().sum(),
            len(family),
        )
    if "audits" in inputs.tables:
        audits = inputs["audits"]
        audits = audits[same(audits["SAMPLE"], dip_sample)]
        recent = audits[audits["AUDIT_DATE"].between(*window(period, window_months))]
        add(
            f"Dip-sample audits in the {window_months} months with no NFA finding recorded",
            recent["NFA_APPROPRIATE"].isna().sum(),
            len(recent),
        )
    if "absence" in inputs.tables:
        spells = inputs["absence"]
        add(
            "Absence spells with no end date (open-ended)",
            spells["END_DATE"].isna().sum(),
            len(spells),
        )
    table = pd.DataFrame(rows, columns=["What is missing", "Records", "Of"])
    table["Share"] = table["Records"] / table["Of"].where(table["Of"] > 0)
    return table


#: Event lists whose latest weeks fill in late (the date an event is recorded by).
LATE_FILLING = {
    "contacts": ("contacts", "CONTACT_DATE"),
    "referrals": ("referrals", "REFERRAL_DATE"),
    "assessments": ("assessments authorised", "ASSESSMENT_AUTHORISED"),
    "audits": ("audits", "AUDIT_DATE"),
    "absence": ("absence spells starting", "START_DATE"),
}


def thin_months(inputs: Inputs, period, share: float = 0.5) -> dict[str, tuple[int, float]]:
    """{table: (records in the period's month, average a month over the 12 months before)}
    for each source of `LATE_FILLING` whose count in the period's month is below `share` of
    that average (and the average is at least 4): the latest month thinly recorded, often
    records not yet entered or authorised rather than a quiet month."""
    month = pd.Period(period, "M")
    out = {}
    for table, (_, col) in LATE_FILLING.items():
        frame = inputs.get(table)
        if frame is None:
            continue
        months = frame[col].dropna().dt.to_period("M")
        before = months[(months >= month - 12) & (months < month)].value_counts()
        average = before.reindex(
            pd.period_range(month - 12, month - 1, freq="M"), fill_value=0
        ).mean()
        now = int((months == month).sum())
        if average >= 4 and now < share * average:
            out[table] = (now, float(average))
    return out


def thin_latest_month(inputs: Inputs, period, share: float = 0.5) -> list[str]:
    """One sentence for each source `thin_months` finds thinly recorded in the period's
    month."""
    month = pd.Period(period, "M")
    return [
        f"Only {now:,} {LATE_FILLING[table][0]} in {month:%B %Y}, against {average:,.1f} a month "
        "in the 12 months before: the latest weeks may not all be recorded yet, so figures for "
        "this month may rise when the extract is refreshed."
        for table, (now, average) in thin_months(inputs, period, share).items()
    ]


def thin_caution(inputs: Inputs, period, tables: list[str], what: str) -> list[str]:
    """A caution for a report whose latest-month figures (`what`, e.g. "the repeat-contact
    share") rest on `tables`, when the data quality report finds any of them thinly recorded
    in the period's month (`thin_months`); none otherwise."""
    thin = [t for t in tables if t in thin_months(inputs, period)]
    if not thin:
        return []
    month = pd.Period(period, "M")
    names = " and ".join(LATE_FILLING[t][0] for t in thin)
    return [
        f"Caution: {names} in {month:%B %Y} are thinly recorded (see the data quality "
        f"report), so {what} for {month:%B %Y} may change when the missing records are "
        "entered: a fall in the latest month may be records not yet entered, not a real fall."
    ]
