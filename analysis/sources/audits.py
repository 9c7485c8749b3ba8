"""`audits.csv`: case audits, with auditor and moderator grades and NFA dip-sample findings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.config import codelists
from analysis.errors import WARNING, ValidationReport
from analysis.names import same
from analysis.sources._table import ROW, Column, load_file, one_of, report_rows, yes_no
from analysis.sources.settings import Settings, settings_of

FILE = "audits.csv"
COLUMNS = [
    Column("AUDIT_ID", blank_ok=False),
    Column("CHILD"),
    Column("AUDIT_DATE", "date", blank_ok=False),
    Column("SAMPLE"),
    Column("THEME", required=False),
    Column("AUDITOR", required=False),
    Column("AUDITOR_GRADE", "code"),
    Column("MODERATOR", required=False),
    Column("MODERATOR_GRADE", "code"),
    Column("NFA_APPROPRIATE", "code"),
    Column("SUPPORT_BENEFICIAL", "code"),
    Column("REFERRED_BACK", "code"),
]


def load(
    data_dir: Path, report: ValidationReport, params: Settings | Path | None = None
) -> pd.DataFrame | None:
    """Audits; grades are OUTSTANDING/GOOD/REQUIRES_IMPROVEMENT/INADEQUATE (blank = none).

    Grades are normalised to upper case with underscores (`Requires improvement` is read
    as REQUIRES_IMPROVEMENT); any other value is an error, as are NFA_APPROPRIATE values
    other than YES/NO/UNCLEAR and Y/N fields other than Y/N. Duplicate AUDIT_ID warns.
    """
    frame = load_file(data_dir, FILE, COLUMNS, report, required=True)
    if frame is None:
        return None
    lists = codelists()["audits"]
    for col in ("AUDITOR_GRADE", "MODERATOR_GRADE"):
        frame[col] = frame[col].str.replace(r"[\s-]+", "_", regex=True)
        one_of(frame, col, lists["grades"], report, FILE)
    one_of(frame, "NFA_APPROPRIATE", lists["NFA_APPROPRIATE"], report, FILE)
    for col in ("SUPPORT_BENEFICIAL", "REFERRED_BACK"):
        yes_no(frame, col, report, FILE)
    dup = frame.duplicated("AUDIT_ID", keep=False)
    report_rows(report, WARNING, FILE, "AUDIT_ID appears more than once", frame, dup, "AUDIT_ID")
    _dip_sample_found(frame, report, settings_of(params).defaults.get("dip_sample"))
    return frame.drop(columns=[ROW])


def _dip_sample_found(frame: pd.DataFrame, report: ValidationReport, dip: str | None) -> None:
    """Warn when no audit belongs to the dip sample named in params/defaults.yaml although
    SAMPLE values exist, naming the values seen with their counts (an empty dip sample is
    otherwise reported to the board as 'no dip-sample audits')."""
    samples = frame["SAMPLE"].dropna()
    if not dip or samples.empty or same(samples, dip).any():
        return
    seen = ", ".join(f"'{v}' ({n:,})" for v, n in samples.value_counts().head(5).items())
    report.warning(
        FILE,
        f"no audit has SAMPLE '{dip}' (dip_sample in params/defaults.yaml, compared ignoring "
        f"case and spaces); SAMPLE values seen: {seen}",
        column="SAMPLE",
    )
