"""`absence.csv`: one row per sickness spell, and `staffing.csv`'s FTE is its denominator."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.config import codelists, label_map
from analysis.errors import ERROR, WARNING, ValidationReport
from analysis.sources._table import ROW, Column, load_file, map_labels, report_rows

FILE = "absence.csv"
COLUMNS = [
    Column("EMPLOYEE_ID", blank_ok=False),
    Column("TEAM", blank_ok=False),
    Column("FTE", "number", blank_ok=False),
    Column("START_DATE", "date", blank_ok=False),
    Column("END_DATE", "date"),
    Column("REASON"),
]


def load(
    data_dir: Path, report: ValidationReport, params_dir: Path | None = None
) -> pd.DataFrame | None:
    """Sickness spells with REASON_CATEGORY mapped through `params/absence_reason_map.yaml`.

    FTE outside (0, 1] and START_DATE after END_DATE are errors; spells of one employee
    that overlap are warnings.
    """
    frame = load_file(data_dir, FILE, COLUMNS, report, required=True)
    if frame is None:
        return None
    bad_fte = frame["FTE"].notna() & ~((frame["FTE"] > 0) & (frame["FTE"] <= 1))
    report_rows(
        report,
        ERROR,
        FILE,
        "FTE must be more than 0 and at most 1",
        frame,
        bad_fte,
        "FTE",
        shown=frame["FTE"].map("{:g}".format),
    )
    backwards = frame["END_DATE"].notna() & (frame["END_DATE"] < frame["START_DATE"])
    report_rows(report, ERROR, FILE, "START_DATE is after END_DATE", frame, backwards, "END_DATE")
    ordered = frame.sort_values(["EMPLOYEE_ID", "START_DATE"], kind="stable")
    same = ordered["EMPLOYEE_ID"].shift(-1) == ordered["EMPLOYEE_ID"]
    nxt = ordered["START_DATE"].shift(-1)
    overlap = same & (ordered["END_DATE"].isna() | (ordered["END_DATE"] >= nxt))
    report_rows(
        report,
        WARNING,
        FILE,
        "spell overlaps the employee's next spell",
        ordered,
        overlap,
        "START_DATE",
    )
    frame["REASON_CATEGORY"] = map_labels(
        frame["REASON"],
        label_map("absence_reason_map", params_dir),
        codelists()["absence_reasons"],
        report,
        FILE,
        "REASON",
        frame[ROW],
    )
    frame["REASON_CATEGORY"] = frame["REASON_CATEGORY"].fillna("OTHER")
    return frame.drop(columns=[ROW])
