"""`absence.csv`: one row per sickness spell, and `staffing.csv`'s FTE is its denominator."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.config import codelists
from analysis.errors import ERROR, WARNING, ValidationReport
from analysis.sources._table import ROW, Column, load_file, map_labels, report_rows
from analysis.sources.settings import Settings, settings_of

FILE = "absence.csv"
COLUMNS = [
    Column("EMPLOYEE_ID", blank_ok=False),
    Column("TEAM", blank_ok=False),
    Column("FTE", "number", blank_ok=False),
    Column("START_DATE", "date", blank_ok=False),
    Column("END_DATE", "date"),
    Column("REASON"),
]


def merge_overlaps(spells: pd.DataFrame) -> pd.DataFrame:
    """Each employee's overlapping spells as one spell: from the first start to the latest
    end (open-ended if any is), keeping the first spell's other columns. Spells that only
    touch end to start (one ends the day before the next starts) stay apart."""
    f = spells.sort_values(["EMPLOYEE_ID", "START_DATE"], kind="stable").reset_index(drop=True)
    end = f["END_DATE"].fillna(pd.Timestamp.max)
    reach = end.groupby(f["EMPLOYEE_ID"]).cummax()
    before = reach.groupby(f["EMPLOYEE_ID"]).shift()
    block = (before.isna() | (f["START_DATE"] > before)).cumsum()
    merged = f.groupby(block, sort=False).head(1).copy()
    last = reach.groupby(block).max().to_numpy()
    merged["END_DATE"] = pd.Series(last, index=merged.index).where(last != pd.Timestamp.max)
    return merged.reset_index(drop=True)


def load(
    data_dir: Path, report: ValidationReport, params: Settings | Path | None = None
) -> pd.DataFrame | None:
    """Sickness spells with REASON_CATEGORY mapped through `params/absence_reason_map.yaml`.

    FTE outside (0, 1] and START_DATE after END_DATE are errors. An exact duplicate of an
    earlier spell is dropped, and spells of one employee that overlap are merged into one
    (the first spell's team, FTE and reason; the latest end), so a day is never counted
    twice; both are warnings, counted in the data quality report.
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
    exact = frame.duplicated([c.name for c in COLUMNS], keep="first")
    report_rows(
        report, WARNING, FILE, "exact copy of an earlier spell; dropped", frame, exact, "START_DATE"
    )
    frame = frame.loc[~exact]
    ordered = frame.sort_values(["EMPLOYEE_ID", "START_DATE"], kind="stable")
    same = ordered["EMPLOYEE_ID"].shift(-1) == ordered["EMPLOYEE_ID"]
    nxt = ordered["START_DATE"].shift(-1)
    overlap = same & (ordered["END_DATE"].isna() | (ordered["END_DATE"] >= nxt))
    report_rows(
        report,
        WARNING,
        FILE,
        "spell overlaps the employee's next spell; merged so each day counts once",
        ordered,
        overlap,
        "START_DATE",
    )
    frame = merge_overlaps(frame)
    frame["REASON_CATEGORY"] = map_labels(
        frame["REASON"],
        settings_of(params).absence_reason_map,
        codelists()["absence_reasons"],
        report,
        FILE,
        "REASON",
        frame[ROW],
        "absence_reason_map.yaml",
    )
    frame["REASON_CATEGORY"] = frame["REASON_CATEGORY"].fillna("OTHER")
    return frame.drop(columns=[ROW])
