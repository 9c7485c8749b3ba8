"""`staffing.csv`: FTE in post per team per month, the denominator for absence rates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.errors import ERROR, ValidationReport
from analysis.sources._table import ROW, Column, load_file, report_rows

FILE = "staffing.csv"
COLUMNS = [
    Column("MONTH", "month", blank_ok=False),
    Column("TEAM", blank_ok=False),
    Column("FTE", "number", blank_ok=False),
    # optional, for the workforce report (CSWW definitions): older files stay valid
    Column("AGENCY_FTE", "number", required=False),
    Column("VACANT_FTE", "number", required=False),
    Column("STARTERS_FTE", "number", required=False),
    Column("LEAVERS_FTE", "number", required=False),
]


def load(data_dir: Path, report: ValidationReport) -> pd.DataFrame | None:
    """Monthly FTE in post by team (and, optionally, agency, vacant, starting and leaving
    FTE). A negative FTE and a team listed twice in a month are errors."""
    frame = load_file(data_dir, FILE, COLUMNS, report, required=True)
    if frame is None:
        return None
    for col in ("FTE", "AGENCY_FTE", "VACANT_FTE", "STARTERS_FTE", "LEAVERS_FTE"):
        negative = frame[col].notna() & (frame[col] < 0)
        report_rows(
            report,
            ERROR,
            FILE,
            f"{col} cannot be negative",
            frame,
            negative,
            col,
            shown=frame[col].map("{:g}".format),
        )
    dup = frame.duplicated(["MONTH", "TEAM"], keep=False)
    report_rows(report, ERROR, FILE, "team listed more than once for the month", frame, dup, "TEAM")
    return frame.drop(columns=[ROW])
