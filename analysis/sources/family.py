"""`family.csv` (optional): links children to a family/household, with parents' dates of birth."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.errors import ERROR, ValidationReport
from analysis.sources._table import ROW, Column, load_file, report_rows

FILE = "family.csv"
COLUMNS = [
    Column("CHILD", blank_ok=False),
    Column("FAMILY_ID", blank_ok=False),
    Column("MOTHER_DOB", "date"),
    Column("FATHER_DOB", "date", required=False),
]


def load(data_dir: Path, report: ValidationReport) -> pd.DataFrame | None:
    """Family links, one row per child; None when the optional file is absent."""
    frame = load_file(data_dir, FILE, COLUMNS, report, required=False)
    if frame is None:
        return None
    dup = frame.duplicated("CHILD", keep=False)
    report_rows(
        report, ERROR, FILE, "child listed in more than one family row", frame, dup, "CHILD"
    )
    return frame.drop(columns=[ROW])
