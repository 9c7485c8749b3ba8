"""Annex A workbooks as LAs have them: the Ofsted template itself (tests/fixtures/annex_a/,
every list empty), the template filled in, headers written other ways, bad cells, date-times,
hidden sheets, damaged and expanding packages. Each broken input gives the figure right or
one line naming the place."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from support.cli import boardpack
from support.inputs import write_inputs
from support.paths import TESTS
from support.workbooks import LISTS, write_workbook

from analysis.errors import ERROR, WARNING, ValidationReport
from analysis.sources import annex_a
from analysis.sources.inputs import read_inputs

TEMPLATE = TESTS / "fixtures" / "annex_a" / "ofsted_annex_a_template_2016-01_sample.xlsx"
T = pd.Timestamp
D = dt.date
#: what each standard test workbook gives (tests/support/workbooks.py, counted there by hand)
COUNTS = {"contacts": 5, "referrals": 3, "assessments": 3, "cin_cp": 4, "s47": 1}


def load(path):
    report = ValidationReport()
    return annex_a.load(path, report), report


def counts(tables):
    return {name: len(frame) for name, frame in tables.items()}


# --- the Ofsted template -------------------------------------------------------------------


def test_the_blank_template_reads_as_empty_lists():
    tables, report = load(TEMPLATE)
    assert report.lines(ERROR) == [] and report.lines(WARNING) == []
    # openpyxl: each of List_1, List 3, List_4 ... List_7 holds its title row and its header
    # row, and nothing below: every list is an empty table
    assert counts(tables) == dict.fromkeys(COUNTS, 0)
    assert report.notes == [
        "ofsted_annex_a_template_2016-01_sample.xlsx: List 2, 8, 9, 10, 11 not read (boardpack "
        "reads Lists 1 and 3-7; children looked after come from the SSDA903 return)",
        "ofsted_annex_a_template_2016-01_sample.xlsx: sheets 'Front_Sheet', 'FAQ_and_changes', "
        "'Guidance', 'Codes_used' not read: no list header (guidance, code lists or notes)",
    ]


def _filled(path: Path) -> Path:
    """The template as an LA fills it: rows typed under the headers of Lists 1 and 3-7."""
    wb = load_workbook(TEMPLATE)

    def put(sheet, rows):
        header = [c.value for c in wb[sheet][2]]
        for r, row in enumerate(rows, start=3):
            for name, value in row.items():
                wb[sheet].cell(row=r, column=header.index(name) + 1, value=value)

    child = "Child Unique ID"
    put("List_1", [
        {child: "T1", "Date of Birth": D(2016, 5, 1), "Date of Contact": D(2017, 2, 1),
         "Contact Source": "q) 6: Police"},
        {child: "T2", "Date of Birth": D(2015, 1, 9), "Date of Contact": D(2017, 2, 3),
         "Contact Source": "e) 2A: Schools"},
        {child: "T1", "Date of Birth": D(2016, 5, 1), "Date of Contact": D(2017, 3, 6),
         "Contact Source": "q) 6: Police"},
    ])  # fmt: skip
    put("List 3", [
        {child: "T1", "Date of Birth": D(2016, 5, 1), "Date of referral": D(2017, 2, 1),
         "Referral Source": "q) 6: Police", "Referral NFA?": "b) No"},
        {child: "T2", "Date of Birth": D(2015, 1, 9), "Date of referral": D(2017, 2, 3),
         "Referral Source": "e) 2A: Schools", "Referral NFA?": "a) Yes"},
    ])  # fmt: skip
    support = "Was the child assessed as requiring LA children\u2019s social care support"
    put("List_4", [
        {child: "T1", "Date of Birth": D(2016, 5, 1),
         "Continuous Assessment Start Date": D(2017, 2, 2),
         "Continuous Assessment Date of Authorisation": D(2017, 2, 20), support: "a) Yes"},
    ])  # fmt: skip
    put("List_5", [
        {child: "T1", "Strategy discussion initiating Section 47 Enquiry Start Date":
         D(2017, 2, 10), "Date of Initial Child Protection Conference": D(2017, 2, 24),
         "Did the Initial Child Protection Conference Result in a Child Protection Plan":
         "a) Yes"},
    ])  # fmt: skip
    put("List_6", [
        {child: "T1", "Date of Birth": D(2016, 5, 1), "CIN Start Date": D(2017, 2, 1)},
        {child: "T3", "Date of Birth": D(2012, 8, 8), "CIN Start Date": D(2016, 6, 1),
         "CIN Closure Date": D(2016, 12, 1)},
    ])  # fmt: skip
    put("List_7", [
        {child: "T1", "Date of Birth": D(2016, 5, 1),
         "Child Protection Plan Start Date": D(2017, 2, 24)},
    ])  # fmt: skip
    wb.save(path)
    return path


def test_the_template_filled_in_reads_every_row_typed_under_its_headers(tmp_path):
    tables, report = load(_filled(tmp_path / "Annex A.xlsx"))
    assert report.lines(ERROR) == [] and report.lines(WARNING) == []
    # typed above: 3 contacts, 2 referrals, 1 assessment, 1 enquiry, 2 CIN + 1 CP
    assert counts(tables) == {
        "contacts": 3, "referrals": 2, "assessments": 1, "s47": 1, "cin_cp": 3,
    }  # fmt: skip
    # the support question, written with a curly apostrophe and no question mark, is read
    assert tables["assessments"]["REQUIRES_SUPPORT"].tolist() == [True]
    assert tables["referrals"].set_index("CHILD")["NFA"].to_dict() == {"T1": False, "T2": True}
    assert tables["contacts"]["SOURCE"].tolist() == ["6: Police", "2A: Schools", "6: Police"]


def test_the_blank_template_in_the_data_folder_validates_without_a_traceback(tmp_path):
    local = ("cin_cp.csv", "assessments.csv", "contacts.csv", "referrals.csv")
    folder = write_inputs(tmp_path / "raw", dict.fromkeys(local))
    shutil.copy(TEMPLATE, folder)
    inputs = read_inputs(folder)  # must not raise
    assert inputs.report.lines(ERROR) == []
    assert len(inputs["assessments"]) == 0 and len(inputs["assessment_outcomes"]) == 0
    assert inputs.sources["contacts"] == "the Annex A workbook"


# --- headers as people write them ----------------------------------------------------------


def _renamed(sheet: str, old: str, new: str) -> dict:
    rows = [list(r) for r in LISTS[sheet]]
    rows[0] = [new if str(c).strip() == old else c for c in rows[0]]
    return dict(LISTS) | {sheet: rows}


@pytest.mark.parametrize(
    ("sheet", "old", "new"),
    [
        ("List_1", "Date of Contact", "Contact Date"),
        ("List_1", "Date of Contact", "DATE_OF_CONTACT"),
        ("L3 Referrals", "Referral NFA?", "Referral NFA"),
        ("List 4", "Was the child assessed as requiring LA children's social care support?",
         "Was the child assessed as requiring LA children\u2019s social care support"),
        ("L6 CIN", "CIN Closure Date", "CIN  closure date:"),
    ],
)  # fmt: skip
def test_a_header_written_another_way_gives_the_same_figures(tmp_path, sheet, old, new):
    tables, report = load(write_workbook(tmp_path / "a.xlsx", _renamed(sheet, old, new)))
    assert not report.has_errors, report.format()
    assert counts(tables) == COUNTS
    assert tables["referrals"]["NFA"].tolist() == [False, False, False]
    needs = tables["assessments"].set_index("CHILD")["REQUIRES_SUPPORT"]
    assert needs.to_dict() == {"K1": True, "K2": False, "K3": True}
    closed = tables["cin_cp"].query("TYPE == 'CIN'").set_index("CHILD")["END"]
    assert closed["K2"] == T("2017-01-16")


def test_a_header_far_down_the_sheet_is_found(tmp_path):
    tables, report = load(write_workbook(tmp_path / "a.xlsx", titles=40))
    assert not report.has_errors and counts(tables) == COUNTS


def test_a_list_whose_own_date_column_is_misspelt_is_named_with_the_closest_header(tmp_path):
    lists = _renamed("List_1", "Date of Contact", "Contact Dt")
    _, report = load(write_workbook(tmp_path / "a.xlsx", lists))
    assert report.lines(ERROR) == [
        "a.xlsx, sheet 'List_1' row 3, Date of Contact: expected column not found: no header "
        "reads 'Date of Contact' or a variant of it in analysis/sources/annex_a.yaml (the "
        "closest header present is 'Contact Dt')"
    ]


def test_a_misspelt_nfa_column_is_an_error_not_a_false_zero(tmp_path):
    lists = _renamed("L3 Referrals", "Referral NFA?", "Referal NFA?")
    tables, report = load(write_workbook(tmp_path / "a.xlsx", lists))
    assert tables == {}
    assert report.lines(ERROR) == [
        "a.xlsx, sheet 'L3 Referrals' row 3, Referral NFA?: expected column not found: no "
        "header reads 'Referral NFA?' or a variant of it in analysis/sources/annex_a.yaml (the "
        "closest header present is 'Referal NFA?')"
    ]


def test_a_sheet_named_as_a_list_with_no_header_row_is_an_error(tmp_path):
    lists = dict(LISTS) | {"List 7 CP": [["Child ref", "Plan start"], ["K3", D(2017, 1, 24)]]}
    _, report = load(write_workbook(tmp_path / "a.xlsx", lists))
    assert report.lines(ERROR) == [
        "a.xlsx, sheet 'List 7 CP': named as List 7 but no row holds its header (expected "
        "'Child Unique ID' and 'Child Protection Plan Start Date' in one row)"
    ]


def test_every_header_read_is_in_the_variants_file():
    known = set(annex_a._known().values())
    for spec in annex_a.LISTS:
        assert set((spec.required | spec.optional).values()) <= known
    assert set(annex_a.IGNORED.values()) <= known


# --- one bad cell costs one cell -----------------------------------------------------------


def _cell(sheet: str, row: int, col: int, value) -> dict:
    rows = [list(r) for r in LISTS[sheet]]
    rows[row][col] = value
    return dict(LISTS) | {sheet: rows}


def test_a_bad_date_is_a_located_warning_and_only_its_row_is_unknown(tmp_path):
    lists = _cell("List 4", 1, 2, "31/02/2017")  # K1's assessment start
    tables, report = load(write_workbook(tmp_path / "x.xlsx", lists))
    assert report.lines(WARNING) == [
        "x.xlsx, sheet 'List 4' row 4, Continuous Assessment Start Date '31/02/2017': not a date "
        "(expected a date cell, an Excel date number or dd/mm/yyyy text), so the row is left "
        "out: counted as unknown"
    ]
    assert not report.has_errors
    # K1's assessment cannot be placed in time; K2's and K3's count; the other lists whole
    assert sorted(tables["assessments"]["CHILD"]) == ["K2", "K3"]
    assert counts(tables) == COUNTS | {"assessments": 2}


def test_a_bad_yes_no_is_a_located_warning_and_that_answer_unknown(tmp_path):
    lists = _cell("List 4", 2, 4, "Maybe")  # K2's support answer
    tables, report = load(write_workbook(tmp_path / "x.xlsx", lists))
    assert report.lines(WARNING) == [
        "x.xlsx, sheet 'List 4' row 5, Was the child assessed as requiring LA children's social "
        "care support? 'Maybe': expected Yes or No: counted as unknown"
    ]
    needs = tables["assessments"].set_index("CHILD")["REQUIRES_SUPPORT"]
    assert needs.to_dict() == {"K1": True, "K2": None, "K3": True}


def test_a_blank_child_is_a_warning_and_its_row_left_out(tmp_path):
    lists = _cell("List_1", 2, 0, None)  # K2's contact
    tables, report = load(write_workbook(tmp_path / "x.xlsx", lists))
    assert report.lines(WARNING) == [
        "x.xlsx, sheet 'List_1' row 5, Child Unique ID '': blank, so the row is left out: "
        "counted as unknown"
    ]
    assert len(tables["contacts"]) == 4


def test_a_closure_before_its_start_is_a_warning_and_its_row_left_out(tmp_path):
    lists = _cell("L6 CIN", 2, 2, "01/01/2017")  # K2 closed before starting 05/01/2017
    tables, report = load(write_workbook(tmp_path / "x.xlsx", lists))
    assert report.lines(WARNING) == [
        "x.xlsx, sheet 'L6 CIN' row 5, CIN Closure Date '01/01/2017': ends before it starts, so "
        "the row is left out: counted as unknown"
    ]
    assert len(tables["cin_cp"]) == 3


def test_the_data_quality_report_counts_the_values_each_list_does_without(tmp_path):
    from analysis.measures import data_quality as dq
    from analysis.sources.inputs import Inputs

    lists = _cell("List 4", 1, 2, "31/02/2017")  # K1's start: its row left out
    rows = lists["List 4"]
    rows[2][4], rows[3][4] = "Maybe", "Perhaps"  # K2's and K3's support answers unknown
    _, report = load(write_workbook(tmp_path / "x.xlsx", lists))
    table = dq.values_unknown(Inputs({}, report))
    # 1 start date (row left out) + 2 answers (unknown only where the answer is used)
    assert table.values.tolist() == [
        ["x.xlsx, sheet 'List 4'", "Continuous Assessment Start Date", 1, 1],
        ["x.xlsx, sheet 'List 4'",
         "Was the child assessed as requiring LA children's social care support?", 2, 0],
    ]  # fmt: skip


# --- Excel date-times and dates out of range -----------------------------------------------


def test_dates_with_a_time_of_day_are_read_as_their_dates_with_one_note(tmp_path):
    rows = [list(r) for r in LISTS["List_1"]]
    rows[1][3] = dt.datetime(2017, 1, 3, 14, 30)  # a date cell with a time
    rows[2][3] = "05/01/2017 09:15"  # text with a time
    rows[4][3] = 42745.75  # 10/01/2017 18:00 as an Excel number
    tables, report = load(write_workbook(tmp_path / "a.xlsx", dict(LISTS) | {"List_1": rows}))
    assert not report.has_errors and report.lines(WARNING) == []
    got = tables["contacts"].set_index("CHILD")["CONTACT_DATE"]
    assert got["K1"] == T("2017-01-03") and got["K2"] == T("2017-01-05")
    assert got["K3"] == T("2017-01-10")
    assert "a.xlsx: 3 date cells held a time of day as well (Date of Contact: 3); each is read " \
        "as its date" in report.notes  # fmt: skip


def test_a_date_before_1990_is_warned_and_kept(tmp_path):
    lists = _cell("List_1", 5, 3, D(1917, 1, 11))  # K4's first contact, a mistyped year
    tables, report = load(write_workbook(tmp_path / "a.xlsx", lists))
    assert report.lines(WARNING) == [
        "a.xlsx, sheet 'List_1' row 8, Date of Contact '11/01/1917': a date before 1990: read "
        "as written; check it"
    ]
    assert len(tables["contacts"]) == 5


def test_a_date_after_today_is_warned_and_kept(tmp_path):
    lists = _cell("L6 CIN", 2, 2, "16/01/2099")  # K2's closure, a mistyped year
    tables, report = load(write_workbook(tmp_path / "a.xlsx", lists))
    assert report.lines(WARNING) == [
        "a.xlsx, sheet 'L6 CIN' row 5, CIN Closure Date '16/01/2099': a date after today: read "
        "as written; check it"
    ]
    assert len(tables["cin_cp"]) == 4


# --- sheets, workbooks and messages --------------------------------------------------------


def test_a_hidden_sheet_is_called_hidden(tmp_path):
    path = write_workbook(tmp_path / "x.xlsx", dict(LISTS) | {"Old contacts": LISTS["List_1"]})
    wb = load_workbook(path)
    wb["Old contacts"].sheet_state = "hidden"
    wb.save(path)
    _, report = load(path)
    assert report.lines(ERROR) == [
        "x.xlsx, sheet 'Old contacts' (hidden): the same list appears twice: List 1 (contacts) "
        "is in sheet 'List_1' and here; keep one"
    ]


def test_a_list_read_from_a_hidden_sheet_is_said(tmp_path):
    path = write_workbook(tmp_path / "x.xlsx")
    wb = load_workbook(path)
    wb["L5"].sheet_state = "hidden"
    wb.save(path)
    tables, report = load(path)
    assert counts(tables) == COUNTS
    assert "x.xlsx, sheet 'L5' (hidden): List 5 (s47) read from a hidden sheet" in report.notes


def test_the_front_door_says_why_contacts_are_missing_from_the_sources_loaded():
    from analysis.reports.front_door import no_contacts

    assert no_contacts({"referrals": "the Annex A workbook"}) == (
        "Contacts are not in this data: the Annex A workbook has no List 1 (contacts). An Annex "
        "A workbook (List 1) or the local contacts extract gives this section."
    )
    assert no_contacts({}).startswith(
        "Contacts are not in this data: no source holding contacts was given."
    )


def test_two_workbooks_give_one_line(tmp_path):
    folder = write_inputs(tmp_path / "raw", {"cin_cp.csv": None, "assessments.csv": None})
    write_workbook(folder / "a.xlsx")
    write_workbook(folder / "b.xlsx")
    assert read_inputs(folder).report.lines(ERROR) == [
        "a.xlsx, b.xlsx: more than one workbook in the data folder: keep the one Annex A "
        "workbook (or name it with --annex-a)"
    ]


# --- damaged and expanding packages --------------------------------------------------------


def _rewrite(src: Path, dst: Path, part: str, change) -> Path:
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as b:
        for info in a.infolist():
            data = a.read(info.filename)
            b.writestr(info.filename, change(data) if info.filename == part else data)
    return dst


def _corrupt_member(path: Path) -> None:
    good = write_workbook(path.with_suffix(".good.xlsx"))
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for k in range(10, 40):  # scramble the deflated bytes of List_1
        data[start + k] ^= 0xFF
    path.write_bytes(bytes(data))


def _undefined_entity(path: Path) -> None:
    good = write_workbook(path.with_suffix(".good.xlsx"))
    _rewrite(good, path, "xl/worksheets/sheet1.xml", lambda d: d.replace(b">K1<", b">&nbsp;K1<"))


def _latin1_byte(path: Path) -> None:
    good = write_workbook(path.with_suffix(".good.xlsx"))
    _rewrite(good, path, "xl/worksheets/sheet1.xml", lambda d: d.replace(b">K1<", b">K\xe91<"))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_latin1_byte,
         "x.xlsx: sheet 'List_1' could not be read (cannot decode input using UTF-8: invalid "
         "utf-8 sequence of 1 bytes from index 1)"),
        (_corrupt_member,
         "x.xlsx: sheet 'List_1' could not be read (I/O error: corrupt deflate stream)"),
        (_undefined_entity,
         "x.xlsx: sheet 'List_1' could not be read (at 0..0: unrecognized entity `&nbsp;`)"),
    ],
)  # fmt: skip
def test_a_damaged_package_is_one_line(tmp_path, make, message):
    path = tmp_path / "x.xlsx"
    make(path)
    tables, report = load(path)
    assert report.lines(ERROR) == [message] and tables == {}


def expanding(path: Path, mebibytes: int = 40) -> Path:
    """A small workbook whose shared strings expand about a thousand times: one string of
    `mebibytes` MiB of the same letter (a zip bomb's shape)."""
    good = write_workbook(path.with_suffix(".good.xlsx"))
    with zipfile.ZipFile(good) as a, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as b:
        for info in a.infolist():
            b.writestr(info.filename, a.read(info.filename))
        with b.open("xl/sharedStrings.xml", "w") as out:
            out.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            out.write(b"<si><t>")
            for _ in range(mebibytes):
                out.write(b"A" * (1 << 20))
            out.write(b"</t></si></sst>")
    return path


def test_an_expanding_workbook_is_refused_before_it_is_read_in_little_memory(tmp_path):
    path = expanding(tmp_path / "x.xlsx")
    assert path.stat().st_size < 200_000  # 40 MiB of shared strings in under 200 KB
    # in a fresh process, its peak resident memory reset (Linux) just before the load
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from analysis.errors import ValidationReport
        from analysis.sources import annex_a

        def kib(field):
            for line in open("/proc/self/status"):
                if line.startswith(field):
                    return int(line.split()[1])

        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        before = kib("VmRSS:")
        report = ValidationReport()
        annex_a.load(Path({str(path)!r}), report)
        print(kib("VmHWM:") - before)
        print(report.format())
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    grew_kib, *lines = run.stdout.splitlines()
    assert int(grew_kib) < 10_000  # under 10 MB more than before the load (KiB)
    assert lines[0] == "Errors (1):"
    assert re.fullmatch(
        r"  x\.xlsx: its part xl/sharedStrings\.xml expands [\d,]+ times \(\d+ KiB to 40 MiB\), "
        r"beyond the limit of 100 times: refused before reading \(a real sheet compresses 5-20 "
        r"times\)",
        lines[1],
    ), lines


def test_many_small_expanding_parts_are_refused_together(tmp_path):
    good = write_workbook(tmp_path / "good.xlsx")
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(good) as a, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as b:
        for info in a.infolist():
            b.writestr(info.filename, a.read(info.filename))
        for n in range(3):  # each 8 MiB, under the 16 MiB a part is checked from; 24 together
            b.writestr(f"xl/media/padding{n}.xml", b"A" * (8 << 20))
    _, report = load(path)
    assert re.fullmatch(
        r"x\.xlsx: its parts expand [\d,]+ times \(\d+ KiB to 24 MiB\), beyond the limit of "
        r"100 times: refused before reading \(a real workbook compresses 5-20 times\)",
        *report.lines(ERROR),
    )


def test_a_part_beyond_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(annex_a, "MAX_PART_BYTES", 1 << 10)  # 1 KiB, to try the rule
    _, report = load(write_workbook(tmp_path / "x.xlsx"))
    assert re.fullmatch(
        r"x\.xlsx: its part \S+ expands to \d+ KiB, beyond the limit of 1 KiB for one part: "
        r"refused before reading",
        *report.lines(ERROR),
    )


def test_validate_says_a_damaged_workbook_in_one_line_and_exits_1(tmp_path):
    folder = write_inputs(tmp_path / "raw", {"cin_cp.csv": None, "assessments.csv": None})
    book = tmp_path / "Annex A.xlsx"
    _undefined_entity(book)
    result = boardpack("validate", "--data", str(folder), "--annex-a", str(book))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    assert errors[0] == (
        "  Annex A.xlsx: sheet 'List_1' could not be read (at 0..0: unrecognized entity `&nbsp;`)"
    )
    assert "required file missing" not in result.stdout
