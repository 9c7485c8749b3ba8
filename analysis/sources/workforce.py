"""The workforce extracts (optional): `caseloads.csv` (children allocated to each worker at
each month end) and `appraisals.csv` (who was appraised in each appraisal year).

caseloads.csv: MONTH (yyyy-mm), WORKER_ID, TEAM, ROLE (code list `roles`), FTE (0-1],
AGENCY (Y/N), CASES (children allocated at the month end). A worker in two teams in a month
has two rows, each with that team's share of their FTE; the same worker, month and team
twice is an error, and a worker whose rows in a month add up to more than 1 FTE a warning
(the shares of one person's FTE cannot exceed a whole post).
appraisals.csv: YEAR (the appraisal year, yyyy-yy: April to March), EMPLOYEE_ID, GROUP
(MANAGER or STAFF), APPRAISED (Y/N), REASON_NOT_APPRAISED (local words, blank allowed).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.config import codelists
from analysis.errors import ERROR, WARNING, ValidationReport
from analysis.sources._table import ROW, Column, load_file, one_of, report_rows, yes_no

CASELOADS, APPRAISALS = "caseloads.csv", "appraisals.csv"
CASELOAD_COLUMNS = [
    Column("MONTH", "month", blank_ok=False),
    Column("WORKER_ID", blank_ok=False),
    Column("TEAM", blank_ok=False),
    Column("ROLE", "code", blank_ok=False),
    Column("FTE", "number", blank_ok=False),
    Column("AGENCY", "code"),
    Column("CASES", "number", blank_ok=False),
]
APPRAISAL_COLUMNS = [
    Column("YEAR", blank_ok=False),
    Column("EMPLOYEE_ID", blank_ok=False),
    Column("GROUP", "code", blank_ok=False),
    Column("APPRAISED", "code", blank_ok=False),
    Column("REASON_NOT_APPRAISED", required=False),
]
_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def load_caseloads(data_dir: Path, report: ValidationReport) -> pd.DataFrame | None:
    """Worker-months; FTE outside (0, 1], negative or fractional CASES, an unknown ROLE and
    the same worker, month and team twice are errors; one worker's rows in a month adding
    up to more than 1 FTE is a warning (shown as their total)."""
    frame = load_file(data_dir, CASELOADS, CASELOAD_COLUMNS, report, required=False)
    if frame is None:
        return None
    one_of(frame, "ROLE", codelists()["workforce"]["roles"], report, CASELOADS)
    yes_no(frame, "AGENCY", report, CASELOADS)
    bad_fte = frame["FTE"].notna() & ~((frame["FTE"] > 0) & (frame["FTE"] <= 1))
    report_rows(report, ERROR, CASELOADS, "FTE must be more than 0 and at most 1", frame,
                bad_fte, "FTE", shown=frame["FTE"].map("{:g}".format))  # fmt: skip
    cases = frame["CASES"]
    bad_cases = cases.notna() & ((cases < 0) | (cases != cases.round()))
    report_rows(report, ERROR, CASELOADS, "CASES must be a whole number, 0 or more", frame,
                bad_cases, "CASES", shown=cases.map("{:g}".format))  # fmt: skip
    dup = frame.duplicated(["MONTH", "WORKER_ID", "TEAM"], keep=False)
    report_rows(report, ERROR, CASELOADS, "worker listed twice for the same month and team",
                frame, dup, "WORKER_ID")  # fmt: skip
    total = frame.groupby(["MONTH", "WORKER_ID"])["FTE"].transform("sum")
    over = (total > 1 + 1e-9) & frame.duplicated(["MONTH", "WORKER_ID"], keep=False)
    report_rows(report, WARNING, CASELOADS,
                "a worker's FTE over their teams in a month adds up to more than 1", frame,
                over, "FTE", shown=total.map("{:g}".format))  # fmt: skip
    return frame.drop(columns=[ROW])


def load_appraisals(data_dir: Path, report: ValidationReport) -> pd.DataFrame | None:
    """One row per employee and appraisal year; YEAR not yyyy-yy (consecutive years), a GROUP
    other than MANAGER/STAFF, APPRAISED other than Y/N, and an employee twice in a year are
    errors. YEAR_START is the 1 April the year begins."""
    frame = load_file(data_dir, APPRAISALS, APPRAISAL_COLUMNS, report, required=False)
    if frame is None:
        return None
    parts = frame["YEAR"].fillna("").str.extract(_YEAR)
    first = pd.to_numeric(parts[0], errors="coerce")
    ok = first.notna() & ((first + 1) % 100 == pd.to_numeric(parts[1], errors="coerce"))
    report_rows(report, ERROR, APPRAISALS, "YEAR must be an appraisal year like 2016-17",
                frame, frame["YEAR"].notna() & ~ok, "YEAR")  # fmt: skip
    frame["YEAR_START"] = pd.to_datetime(
        first.where(ok).astype("Int64").astype("string") + "-04-01"
    )
    one_of(frame, "GROUP", ["MANAGER", "STAFF"], report, APPRAISALS)
    yes_no(frame, "APPRAISED", report, APPRAISALS)
    dup = frame.duplicated(["YEAR", "EMPLOYEE_ID"], keep=False)
    report_rows(report, ERROR, APPRAISALS, "employee listed twice for the same year", frame,
                dup, "EMPLOYEE_ID")  # fmt: skip
    return frame.drop(columns=[ROW])
