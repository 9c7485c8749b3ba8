"""`cin_cp.csv`: periods of child in need (TYPE=CIN) and child protection plans (TYPE=CP)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.config import codelists
from analysis.errors import ERROR, ValidationReport
from analysis.sources._table import ROW, Column, load_file, report_rows

FILE = "cin_cp.csv"


def columns() -> list[Column]:
    return [
        Column("CHILD", blank_ok=False),
        Column("DOB", "date", blank_ok=False),
        Column("TYPE", "code", blank_ok=False),
        Column("START", "date", blank_ok=False),
        Column("END", "date"),
    ]


def load(data_dir: Path, report: ValidationReport, required: bool = True) -> pd.DataFrame | None:
    """CIN and CP periods; END blank while open. Unknown TYPE and START after END are errors.
    Not `required` when a CIN census supplies the periods instead."""
    frame = load_file(data_dir, FILE, columns(), report, required=required)
    if frame is None:
        return None
    types = codelists()["cin_cp"]["TYPE"]
    bad_type = frame["TYPE"].notna() & ~frame["TYPE"].isin(types)
    report_rows(
        report, ERROR, FILE, f"TYPE must be one of {', '.join(types)}", frame, bad_type, "TYPE"
    )
    backwards = frame["END"].notna() & (frame["END"] < frame["START"])
    report_rows(report, ERROR, FILE, "END is before START", frame, backwards, "END")
    return frame.drop(columns=[ROW])
