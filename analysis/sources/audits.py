"""`audits.csv`: case audits, with auditor and moderator grades and NFA dip-sample findings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.config import codelists
from analysis.errors import ERROR, WARNING, ValidationReport
from analysis.sources._table import ROW, Column, load_file, report_rows

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


def load(data_dir: Path, report: ValidationReport) -> pd.DataFrame | None:
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
        _only(frame, col, lists["grades"], report)
    _only(frame, "NFA_APPROPRIATE", lists["NFA_APPROPRIATE"], report)
    for col in ("SUPPORT_BENEFICIAL", "REFERRED_BACK"):
        frame[col] = frame[col].replace({"YES": "Y", "NO": "N"})
        _only(frame, col, lists["yes_no"], report)
    dup = frame.duplicated("AUDIT_ID", keep=False)
    report_rows(report, WARNING, FILE, "AUDIT_ID appears more than once", frame, dup, "AUDIT_ID")
    return frame.drop(columns=[ROW])


def _only(frame: pd.DataFrame, col: str, allowed: list[str], report: ValidationReport) -> None:
    bad = frame[col].notna() & ~frame[col].isin(allowed)
    report_rows(
        report, ERROR, FILE, f"must be one of {', '.join(allowed)} or blank", frame, bad, col
    )
