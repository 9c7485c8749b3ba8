"""Small Annex A workbooks written by the tests from the published Annex A column names
(Ofsted ILACS Annex A, Lists 1 and 3-7): four fictional children whose answers are counted
by hand in tests/unit/test_annex_a.py.

- K1, born 01/06/2016: contact and referral 03/01/2017; assessed 04/01-20/01/2017, needs
  support (a CIN plan); child in need from 03/01/2017, open.
- K2, born 01/01/2016 (its Date of Birth an Excel serial number, 42370): contact and
  referral 05/01/2017 (dates as dd/mm/yyyy text); assessed 06/01-13/01/2017, no support
  needed (NFA); child in need 05/01-16/01/2017.
- K3, unborn (expected 01/03/2017; no Date of Birth in List 6): contact and referral
  10/01/2017; assessed 11/01-25/01/2017; strategy discussion 12/01/2017 and a conference on
  24/01/2017 that made a protection plan (open); child in need from 10/01/2017.
- K4, born 15/03/2010: contacts on 11/01/2017 and 20/01/2017, no referral.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

D = date

LISTS = {
    "List_1": [
        ["Child Unique ID", "Gender", "Date of Birth", "Date of Contact ", "Contact Source"],
        ["K1", "b) Female", D(2016, 6, 1), D(2017, 1, 3), "6) Police"],
        ["K2", "a) Male", 42370, "05/01/2017", "2A"],
        [None, None, None, None, None],  # a blank row
        ["K3", "Female", D(2017, 3, 1), D(2017, 1, 10), "3B"],
        ["K4", "a) Male", D(2010, 3, 15), D(2017, 1, 11), "6"],
        ["K4", "a) Male", D(2010, 3, 15), D(2017, 1, 20), "6"],
    ],
    "L3 Referrals": [
        ["CHILD UNIQUE ID", "Date of Birth", "Date of\nreferral", "Referral Source",
         "Referral NFA?"],
        ["K1", D(2016, 6, 1), D(2017, 1, 3), "6", "b) No"],
        ["K2", 42370, "05/01/2017", "2A", "No"],
        ["K3", D(2017, 3, 1), D(2017, 1, 10), "3B", "N"],
    ],
    "List 4": [
        ["Child Unique ID", "Date of Birth", "Continuous Assessment Start Date",
         "Continuous Assessment Date of Authorisation",
         "Was the child assessed as requiring LA children's social care support?",
         "Allocated Team"],
        ["K1", D(2016, 6, 1), D(2017, 1, 4), D(2017, 1, 20), "a) Yes", "Assessment North"],
        ["K2", 42370, "06/01/2017", "13/01/2017", "b) No", "Assessment North"],
        ["K3", D(2017, 3, 1), D(2017, 1, 11), D(2017, 1, 25), "Yes", "Assessment South"],
    ],
    "L5": [
        ["Child Unique ID", "Strategy discussion initiating Section 47 Enquiry Start Date",
         "Date of Initial Child Protection Conference",
         "Did the Initial Child Protection Conference Result in a Child Protection Plan"],
        ["K3", D(2017, 1, 12), D(2017, 1, 24), "a) Yes"],
    ],
    "L6 CIN": [
        ["Child Unique ID", "CIN Start Date", "CIN Closure Date"],
        ["K1", D(2017, 1, 3), None],
        ["K2", "05/01/2017", "16/01/2017"],
        ["K3", D(2017, 1, 10), None],
    ],
    "List 7 CP": [
        ["Child Unique ID", "Date of Birth", "Child Protection Plan Start Date",
         "Child Protection Plan End Date"],
        ["K3", D(2017, 3, 1), D(2017, 1, 24), None],
    ],
}  # fmt: skip


def write_workbook(path: Path, lists: dict[str, list[list]] | None = None, titles: int = 2) -> Path:
    """A workbook with one sheet per list: `titles` title rows above each header row."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in (LISTS if lists is None else lists).items():
        sheet = book.create_sheet(name)
        for i in range(titles):
            sheet.append([f"Annex A - {name}" if i == 0 else None])
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path
