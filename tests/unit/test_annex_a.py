"""The Ofsted Annex A workbook: lists found by their header rows, coded values and three
kinds of dates read, outcomes derived, and every unusable workbook refused with one line.
The workbook is tests/support/workbooks.py's four hand-written children."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill
from support.inputs import write_inputs
from support.workbooks import LISTS, write_workbook

from analysis.errors import ERROR, WARNING, ValidationReport
from analysis.sources import annex_a
from analysis.sources.inputs import Locations, read_inputs

T = pd.Timestamp


@pytest.fixture
def book(tmp_path):
    return write_workbook(tmp_path / "Annex A March 2017.xlsx")


def load(path):
    report = ValidationReport()
    return annex_a.load(path, report), report


def test_lists_are_found_by_their_header_rows_whatever_the_sheets_are_called(book):
    tables, report = load(book)
    assert not report.has_errors, report.format()
    assert {name: len(frame) for name, frame in tables.items()} == {
        "contacts": 5,  # K1, K2, K3 and K4 twice; the blank row skipped
        "referrals": 3,
        "assessments": 3,
        "cin_cp": 4,  # three children in need, one protection plan
        "s47": 1,
    }


def test_dates_arrive_as_cells_serial_numbers_or_text(book):
    tables, _ = load(book)
    contacts = tables["contacts"].set_index("CHILD")
    assert contacts.loc["K1", "CONTACT_DATE"] == T("2017-01-03")  # a date cell
    assert contacts.loc["K2", "DOB"] == T("2016-01-01")  # Excel serial 42370
    assert contacts.loc["K2", "CONTACT_DATE"] == T("2017-01-05")  # dd/mm/yyyy text


def test_coded_values_lose_their_letter_and_yes_no_is_read(book):
    tables, _ = load(book)
    assert tables["contacts"].set_index("CHILD").loc["K1", "SOURCE"] == "Police"
    needs = tables["assessments"].set_index("CHILD")["REQUIRES_SUPPORT"]
    assert needs.to_dict() == {"K1": True, "K2": False, "K3": True}
    assert tables["referrals"]["NFA"].tolist() == [False, False, False]


def test_a_date_of_birth_missing_from_one_list_comes_from_another(book):
    tables, _ = load(book)
    periods = tables["cin_cp"].set_index(["CHILD", "TYPE"])
    assert periods.loc[("K3", "CIN"), "DOB"] == T("2017-03-01")
    # a referral's closure is the CIN Closure Date of the List 6 row starting that day
    closed = tables["referrals"].set_index("CHILD")["CLOSURE_DATE"]
    assert closed["K2"] == T("2017-01-16") and pd.isna(closed["K1"])


def test_the_pack_reads_the_workbook_in_place_of_the_csv_extracts(tmp_path, book):
    local = ("cin_cp.csv", "assessments.csv", "contacts.csv", "referrals.csv")
    folder = write_inputs(tmp_path / "raw", dict.fromkeys(local))
    shutil.copy(book, folder)
    inputs = read_inputs(folder)
    assert not inputs.report.has_errors, inputs.report.format()
    assert inputs.sources["cin_cp"] == "the Annex A workbook"
    assert inputs.sources["contacts"] == "the Annex A workbook"
    assert inputs.sources["assessment_outcomes"].startswith("derived from the Annex A workbook")
    outcomes = inputs["assessment_outcomes"].merge(inputs["assessments"], on="ASSESSMENT_ID")
    got = outcomes.groupby("CHILD")["CATEGORY"].agg(set).to_dict()
    assert got == {"K1": {"CIN_PLAN"}, "K2": {"NFA"}, "K3": {"CP", "S47"}}


def test_the_workbook_can_be_named_from_outside_the_data_folder(tmp_path, book):
    folder = write_inputs(tmp_path / "raw", {"cin_cp.csv": None, "assessments.csv": None})
    inputs = read_inputs(folder, where=Locations(folder, annex_a=book))
    assert not inputs.report.has_errors, inputs.report.format()
    assert len(inputs["assessments"]) == 3


def test_a_row_listed_twice_counts_once_with_a_warning(tmp_path):
    lists = dict(LISTS)
    lists["List_1"] = LISTS["List_1"] + [LISTS["List_1"][1]]
    tables, report = load(write_workbook(tmp_path / "a.xlsx", lists))
    assert len(tables["contacts"]) == 5
    assert report.lines(WARNING) == [
        "a.xlsx, sheet 'List_1' row 10, Child Unique ID 'K1': contact listed more than once "
        "(same child, date and source): counted once"
    ]


def test_formatting_only_rows_are_skipped(tmp_path, book):
    wb = load_workbook(book)
    wb["List 4"]["A20"].fill = PatternFill("solid", fgColor="FFFF00")
    wb["List 4"]["C21"].number_format = "dd/mm/yyyy"
    wb.save(book)
    tables, report = load(book)
    assert not report.has_errors and len(tables["assessments"]) == 3


# --- workbooks that cannot be used: one line each, nothing taken ----------------------------


def _lists_with(sheet: str, rows: list[list]) -> dict:
    return dict(LISTS) | {sheet: rows}


def _encrypted(path):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_workbook(path.with_suffix(".plain.xlsx"))
    with open(plain, "rb") as src, open(path, "wb") as out:
        OOXMLFile(src).encrypt("secret", out)
    plain.unlink()


def _legacy(path):
    # the first bytes of every Excel 97-2003 file (an OLE2 compound document)
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)


def _renamed_csv(path):
    path.write_text("Child Unique ID,Date of Contact\nK1,03/01/2017\n")


def _no_list(path):
    write_workbook(path, {"Notes": [["Prepared by", "Performance team"]]})


def _twice(path):
    write_workbook(path, dict(LISTS) | {"Contacts (copy)": LISTS["List_1"]})


def _missing_column(path):
    rows = [row[:3] + row[4:] for row in LISTS["List 4"]]  # no Date of Authorisation
    write_workbook(path, _lists_with("List 4", rows))


def _merged_header(path):
    write_workbook(path)
    wb = load_workbook(path)
    wb["List 4"].merge_cells("C3:D3")
    wb.save(path)


def _formulas(path):
    write_workbook(path)
    wb = load_workbook(path)
    wb["List 4"]["D4"] = "=C4+16"  # openpyxl saves formulas without a calculated value
    wb.save(path)


BAD = {
    "encrypted": (_encrypted, "x.xlsx: the workbook is password-protected (encrypted)"),
    "legacy": (_legacy, "x.xlsx: a legacy Excel 97-2003 (.xls) workbook: save it as .xlsx"),
    "csv": (_renamed_csv, "x.xlsx: not an Excel workbook (it looks like a text file"),
    "no list": (_no_list, "x.xlsx: no Annex A list found"),
    "twice": (
        _twice,
        "x.xlsx, sheet 'Contacts (copy)': the same list appears twice: List 1 (contacts) is in "
        "sheet 'List_1' and here; keep one",
    ),
    "missing column": (
        _missing_column,
        "x.xlsx, sheet 'List 4' row 3, Continuous Assessment Date of Authorisation: expected "
        "column not found: no header reads 'Continuous Assessment Date of Authorisation' or a "
        "variant of it in analysis/sources/annex_a.yaml (no header present is close)",
    ),
    "merged header": (
        _merged_header,
        "x.xlsx, sheet 'List 4' row 3: merged cells in the header row",
    ),
    "formulas": (_formulas, "x.xlsx, sheet 'List 4': formula cells with no saved value (D4)"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_an_unusable_workbook_is_one_clear_line(tmp_path, case):
    make, message = BAD[case]
    path = tmp_path / "x.xlsx"
    make(path)
    tables, report = load(path)
    lines = report.lines(ERROR)
    assert len(lines) == 1 and lines[0].startswith(message), lines
    assert tables == {}


def test_two_workbooks_in_the_data_folder_is_an_error(tmp_path, book):
    folder = write_inputs(tmp_path / "raw", {"cin_cp.csv": None, "assessments.csv": None})
    shutil.copy(book, folder / "a.xlsx")
    shutil.copy(book, folder / "b.xlsx")
    lines = read_inputs(folder).report.lines(ERROR)
    assert lines[0].startswith("a.xlsx, b.xlsx: more than one workbook in the data folder")


def test_an_empty_workbook_file_is_refused(tmp_path):
    path = tmp_path / "x.xlsx"
    Workbook().save(path)
    _, report = load(path)
    assert report.lines(ERROR)[0].startswith("x.xlsx: no Annex A list found")
