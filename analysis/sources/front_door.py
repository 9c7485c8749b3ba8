"""`contacts.csv` and `referrals.csv` (both optional): the front door as a local extract, for
authorities whose returns do not hold it (the CIN census has no contacts).

contacts.csv: CHILD, DOB, CONTACT_DATE, SOURCE, OUTCOME - one row per contact.
referrals.csv: CHILD, DOB, REFERRAL_DATE, SOURCE, NFA (Y/N), CLOSURE_DATE, CLOSURE_REASON
(CIN census codes RC1-RC9) - one row per referral.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.errors import ERROR, WARNING, ValidationReport
from analysis.sources._table import ROW, Column, load_file, report_rows

CONTACTS, REFERRALS = "contacts.csv", "referrals.csv"
CONTACT_COLUMNS = [
    Column("CHILD", blank_ok=False),
    Column("DOB", "date"),
    Column("CONTACT_DATE", "date", blank_ok=False),
    Column("SOURCE", required=False),
    Column("OUTCOME", required=False),  # local words for what the contact led to; kept, not counted
]
REFERRAL_COLUMNS = [
    Column("CHILD", blank_ok=False),
    Column("DOB", "date"),
    Column("REFERRAL_DATE", "date", blank_ok=False),
    Column("SOURCE", required=False),
    Column("NFA", "code", required=False),
    Column("CLOSURE_DATE", "date", required=False),
    Column("CLOSURE_REASON", "code", required=False),
]


def _repeats(frame: pd.DataFrame, keys: list[str], what: str, file: str, report) -> pd.DataFrame:
    """Rows repeating an earlier row's keys are counted once, with a warning."""
    repeat = frame.duplicated(keys)
    report_rows(report, WARNING, file, f"{what} listed twice: counted once", frame, repeat,
                keys[0])  # fmt: skip
    return frame[~repeat]


def load_contacts(data_dir: Path, report: ValidationReport) -> pd.DataFrame | None:
    """One row per contact; the same child, day and source twice counts once."""
    frame = load_file(data_dir, CONTACTS, CONTACT_COLUMNS, report, required=False)
    if frame is None:
        return None
    frame = _repeats(frame, ["CHILD", "CONTACT_DATE", "SOURCE"], "contact", CONTACTS, report)
    return frame.drop(columns=[ROW]).reset_index(drop=True)


def load_referrals(data_dir: Path, report: ValidationReport) -> pd.DataFrame | None:
    """One row per referral (child and referral date); NFA read as Y/N (True/False)."""
    frame = load_file(data_dir, REFERRALS, REFERRAL_COLUMNS, report, required=False)
    if frame is None:
        return None
    frame = _repeats(frame, ["CHILD", "REFERRAL_DATE"], "referral", REFERRALS, report)
    nfa = frame["NFA"].fillna("")
    bad = ~nfa.isin(["Y", "N", ""])
    report_rows(report, ERROR, REFERRALS, "NFA must be Y or N", frame, bad, "NFA")
    frame["NFA"] = nfa.map({"Y": True, "N": False}).astype(object)
    back = frame["CLOSURE_DATE"].notna() & (frame["CLOSURE_DATE"] < frame["REFERRAL_DATE"])
    report_rows(report, ERROR, REFERRALS, "closed before the referral", frame, back,
                "CLOSURE_DATE")  # fmt: skip
    return frame.drop(columns=[ROW]).reset_index(drop=True)
