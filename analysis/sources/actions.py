"""`actions.csv` (optional): the improvement plan's action tracker.

ACTION_ID, THEME, SOURCE (the recommendation or plan the action answers), ACTION (short
text), OWNER_ROLE (a role, never a person's name), DUE_DATE, STATUS (code list
`actions.STATUS`), COMPLETED_DATE, IMPACT_EVIDENCED (Y/N/blank), IMPACT_NOTE,
IMPACT_REVIEW_DATE, and optionally IMPACT_METRIC (a measure the claimed impact can be checked
on: code list `actions.IMPACT_METRIC`) with IMPACT_TARGET (the figure the claim says it reached,
in the measure's units: shares as fractions). COMPLETE needs a COMPLETED_DATE; a completed
date after the day the data are read is an error; an ACTION_ID twice is an error; a target
without a metric, or a metric without a target, is an error.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.config import codelists
from analysis.errors import ERROR, ValidationReport
from analysis.sources._table import ROW, Column, load_file, one_of, report_rows, yes_no

FILE = "actions.csv"
COLUMNS = [
    Column("ACTION_ID", blank_ok=False),
    Column("THEME", blank_ok=False),
    Column("SOURCE"),
    Column("ACTION", blank_ok=False),
    Column("OWNER_ROLE"),
    Column("DUE_DATE", "date"),
    Column("STATUS", "code", blank_ok=False),
    Column("COMPLETED_DATE", "date"),
    Column("IMPACT_EVIDENCED", "code"),
    Column("IMPACT_NOTE"),
    Column("IMPACT_REVIEW_DATE", "date", required=False),
    Column("IMPACT_METRIC", required=False),
    Column("IMPACT_TARGET", "number", required=False),
]


def load(
    data_dir: Path, report: ValidationReport, today: pd.Timestamp | None = None
) -> pd.DataFrame | None:
    """The actions, checked as the module says; STATUS spelt with spaces is read
    (`On track` is ON_TRACK)."""
    frame = load_file(data_dir, FILE, COLUMNS, report, required=False)
    if frame is None:
        return None
    frame["STATUS"] = frame["STATUS"].str.replace(r"[\s-]+", "_", regex=True)
    one_of(frame, "STATUS", codelists()["actions"]["STATUS"], report, FILE)
    yes_no(frame, "IMPACT_EVIDENCED", report, FILE)
    undated = (frame["STATUS"] == "COMPLETE") & frame["COMPLETED_DATE"].isna()
    report_rows(report, ERROR, FILE, "COMPLETE needs a COMPLETED_DATE", frame, undated,
                "COMPLETED_DATE")  # fmt: skip
    today = pd.Timestamp(today or pd.Timestamp.today()).normalize()
    future = frame["COMPLETED_DATE"] > today
    report_rows(report, ERROR, FILE, "COMPLETED_DATE is in the future", frame, future,
                "COMPLETED_DATE")  # fmt: skip
    for col in ("IMPACT_METRIC", "IMPACT_TARGET"):
        if col not in frame:
            frame[col] = None if col == "IMPACT_METRIC" else float("nan")
    one_of(frame, "IMPACT_METRIC", codelists()["actions"]["IMPACT_METRIC"], report, FILE)
    unpaired = frame["IMPACT_METRIC"].isna() != frame["IMPACT_TARGET"].isna()
    report_rows(report, ERROR, FILE, "IMPACT_METRIC and IMPACT_TARGET go together", frame,
                unpaired, "IMPACT_METRIC")  # fmt: skip
    dup = frame.duplicated("ACTION_ID", keep=False)
    report_rows(report, ERROR, FILE, "ACTION_ID appears more than once", frame, dup, "ACTION_ID")
    return frame.drop(columns=[ROW])
