"""`assessments.csv`: children and families assessments, with one or more outcomes each.

OUTCOME holds local labels separated by `;`. They are mapped through
`params/outcome_map.yaml` to the standard categories, giving a second, tidy table
`assessment_outcomes` (one row per assessment and category; a category named twice in one
assessment counts once).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import codelists
from analysis.errors import ERROR, WARNING, ValidationReport
from analysis.sources._table import ROW, Column, load_file, map_labels, report_rows
from analysis.sources.settings import Settings, settings_of

FILE = "assessments.csv"
COLUMNS = [
    Column("CHILD", blank_ok=False),
    Column("DOB", "date"),
    Column("ASSESSMENT_START", "date", blank_ok=False),
    Column("ASSESSMENT_AUTHORISED", "date"),
    Column("OUTCOME"),
    Column("TEAM", required=False),
]


def load(
    data_dir: Path, report: ValidationReport, params: Settings | Path | None = None
) -> dict[str, pd.DataFrame]:
    """Keys: `assessments` (with ASSESSMENT_ID) and `assessment_outcomes` (ASSESSMENT_ID,
    LABEL, CATEGORY). `params`: the run's settings (or a params folder)."""
    frame = load_file(data_dir, FILE, COLUMNS, report, required=True)
    if frame is None:
        return {}
    frame.insert(0, "ASSESSMENT_ID", np.arange(1, len(frame) + 1))
    backwards = frame["ASSESSMENT_AUTHORISED"].notna() & (
        frame["ASSESSMENT_AUTHORISED"] < frame["ASSESSMENT_START"]
    )
    report_rows(
        report,
        ERROR,
        FILE,
        "authorised before the assessment started",
        frame,
        backwards,
        "ASSESSMENT_AUTHORISED",
    )
    no_outcome = frame["ASSESSMENT_AUTHORISED"].notna() & frame["OUTCOME"].isna()
    report_rows(
        report,
        WARNING,
        FILE,
        "completed assessment has no outcome recorded",
        frame,
        no_outcome,
        "OUTCOME",
    )

    labels = frame[["ASSESSMENT_ID", ROW, "OUTCOME"]].dropna(subset=["OUTCOME"])
    labels = labels.assign(LABEL=labels["OUTCOME"].str.split(";")).explode("LABEL")
    labels["LABEL"] = labels["LABEL"].str.strip()
    labels = labels[labels["LABEL"] != ""]
    labels["CATEGORY"] = map_labels(
        labels["LABEL"],
        settings_of(params).outcome_map,
        codelists()["assessment_outcomes"],
        report,
        FILE,
        "OUTCOME",
        labels[ROW],
        "outcome_map.yaml",
    )
    outcomes = labels.drop_duplicates(["ASSESSMENT_ID", "CATEGORY"])[
        ["ASSESSMENT_ID", "LABEL", "CATEGORY"]
    ].reset_index(drop=True)
    return {"assessments": frame.drop(columns=[ROW]), "assessment_outcomes": outcomes}
