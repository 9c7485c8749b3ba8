"""The synthetic front door and children in need world written as the returns every LA
holds: an Ofsted Annex A workbook and DfE CIN census XML (one file per collection year).

The workbook looks like a real one: sheets named like "L1 Contacts", a title row and a blank
row above each header, headers with a stray space or line break, coded values ("b) Female",
"a) Yes") and dates as date cells, except List 6, whose dates are dd/mm/yyyy text as some
systems export them. The census holds, for each year from April to March, every child with
an episode of need open at some time in the year, with what was known at 31 March.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree
from openpyxl import Workbook

from analysis.demo.cin import World
from analysis.sources.cin_census import YEARS

GENDER = np.array(["a) Male", "b) Female"], dtype=object)
YES_NO = {"Y": "a) Yes", "N": "b) No", True: "a) Yes", False: "b) No"}

#: sheet name, title, [(header as written, column of the world's table)]
SHEETS = [
    ("L1 Contacts", "List 1: Contacts", "contacts", [
        ("Child Unique ID", "CHILD"), ("Gender", "_GENDER"), ("Date of Birth", "DOB"),
        ("Date of Contact ", "CONTACT_DATE"), ("Contact Source", "SOURCE")]),
    ("L3 Referrals", "List 3: Referrals", "referrals", [
        ("Child Unique ID", "CHILD"), ("Gender", "_GENDER"), ("Date of Birth", "DOB"),
        ("Date of referral", "REFERRAL_DATE"), ("Referral Source", "SOURCE"),
        ("Referral NFA?", "_NFA")]),
    ("L4 Assessments", "List 4: Assessments", "assessments", [
        ("Child Unique ID", "CHILD"), ("Gender", "_GENDER"), ("Date of Birth", "DOB"),
        ("Continuous Assessment\nStart Date", "ASSESSMENT_START"),
        ("Continuous Assessment Date of Authorisation", "ASSESSMENT_AUTHORISED"),
        ("Was the child assessed as requiring LA children's social care support?",
         "_SUPPORT"),
        ("Allocated Team", "TEAM")]),
    ("L5 S47 ICPC", "List 5: Section 47 enquiries and ICPCs", "s47", [
        ("Child Unique ID", "CHILD"),
        ("Strategy discussion initiating Section 47 Enquiry Start Date", "S47_START"),
        ("Date of Initial Child Protection Conference", "ICPC_DATE"),
        ("Did the Initial Child Protection Conference Result in a Child Protection Plan",
         "_PLAN")]),
    ("L6 CIN", "List 6: Children in need", "cin", [
        ("Child Unique ID", "CHILD"), ("Gender", "_GENDER"), ("DATE OF BIRTH", "_DOB_TEXT"),
        ("CIN Start Date", "_START_TEXT"), ("CIN Closure Date", "_END_TEXT")]),
    ("L7 CP", "List 7: Child protection", "cp", [
        ("Child Unique ID", "CHILD"), ("Gender", "_GENDER"), ("Date of Birth", "DOB"),
        ("Child Protection Plan Start Date", "START"),
        ("Child Protection Plan End Date", "END")]),
    ("L8 CLA", "List 8: Children in care", None, [
        ("Child Unique ID", None), ("Date Started to be Looked After", None)]),
]  # fmt: skip


def _text_date(values: pd.Series) -> pd.Series:
    return values.dt.strftime("%d/%m/%Y").fillna("")


def _annex_tables(world: World) -> dict[str, pd.DataFrame]:
    children = pd.concat([world.contacts["CHILD"], world.referrals["CHILD"]]).unique()
    codes = np.array([int(c[1:]) % 2 for c in children])  # C00000001: odd, even
    gender = dict(zip(children, GENDER[codes], strict=True))
    cin = world.cin_cp[world.cin_cp["TYPE"] == "CIN"]
    cp = world.cin_cp[world.cin_cp["TYPE"] == "CP"]
    tables = {
        "contacts": world.contacts,
        "referrals": world.referrals.assign(_NFA=world.referrals["NFA"].map(YES_NO)),
        "assessments": world.assessments.assign(
            _SUPPORT=world.assessments["REQUIRES_SUPPORT"].map(YES_NO)
        ),
        "s47": world.s47.assign(_PLAN=world.s47["ICPC_PLAN"].map(YES_NO)),
        "cin": cin.assign(
            _DOB_TEXT=_text_date(cin["DOB"]),
            _START_TEXT=_text_date(cin["START"]),
            _END_TEXT=_text_date(cin["END"]),
        ),
        "cp": cp,
    }
    return {
        name: frame.assign(_GENDER=frame["CHILD"].map(gender)) for name, frame in tables.items()
    }


#: Contacts in the demo world per unit of scale (the default world's List 1), measured once.
CONTACTS_PER_SCALE = 56_500


def annex_a_of_size(path: Path, contacts: int, seed: int = 2017) -> Path:
    """An Annex A workbook of the demo world scaled so List 1 holds about `contacts` rows
    (for the benchmarks)."""
    from analysis.demo.cin import world
    from analysis.demo.common import DemoSpec

    write_annex_a(
        world(np.random.default_rng(seed), DemoSpec(scale=contacts / CONTACTS_PER_SCALE)), path
    )
    return path


def write_annex_a(world: World, path: Path, la_name: str = "Demo Council") -> None:
    """One workbook with Lists 1, 3-8 (List 8 header only: looked-after children come from
    the SSDA903 files)."""
    book = Workbook(write_only=True)
    tables = _annex_tables(world)
    for sheet_name, title, table, columns in SHEETS:
        sheet = book.create_sheet(sheet_name)
        sheet.append([f"{la_name} - Annex A {title}"])
        sheet.append([])
        sheet.append([header for header, _ in columns])
        if table is None:
            continue
        frame = tables[table]
        data = []
        for _, col in columns:
            values = frame[col]
            if pd.api.types.is_datetime64_any_dtype(values):
                values = values.dt.date.astype(object).where(values.notna(), None)
            else:
                values = values.astype(object).where(values.notna(), None)
            data.append(values.tolist())
        for row in zip(*data, strict=True):
            sheet.append(["" if v is None else v for v in row])
    book.save(path)


def _d(value) -> str | None:
    return None if pd.isna(value) else f"{value:%Y-%m-%d}"


def _add(parent, tag: str, text) -> None:
    if text is not None and text != "":
        etree.SubElement(parent, tag).text = str(text)


def census_years(world: World) -> list[int]:
    """Collection years (year of 31 March) the world's episodes touch, within YEARS."""
    refs = world.referrals["REFERRAL_DATE"]
    last = refs.max()
    last_year = last.year + (1 if last.month >= 4 else 0)
    return [y for y in YEARS if y <= last_year]


def write_census(world: World, folder: Path) -> list[Path]:
    """One XML per collection year: every episode open at some time from 1 April to 31 March,
    dates after 31 March left out (as they were unknown then)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    refs = world.referrals
    by_episode = {
        name: frame.groupby(["CHILD", "REFERRAL_DATE"])
        for name, frame in (
            ("assessments", world.assessments),
            ("plans", world.cin_plans),
            ("s47", world.s47),
            ("cp", world.cp_plans),
        )
    }
    groups = {name: g.groups for name, g in by_episode.items()}
    frames = {
        "assessments": world.assessments,
        "plans": world.cin_plans,
        "s47": world.s47,
        "cp": world.cp_plans,
    }
    for year in census_years(world):
        begin, end = pd.Timestamp(f"{year - 1}-04-01"), pd.Timestamp(f"{year}-03-31")

        def known(value, end=end):
            return None if pd.isna(value) or value > end else value

        live = refs[
            (refs["REFERRAL_DATE"] <= end)
            & (refs["CLOSURE_DATE"].isna() | (refs["CLOSURE_DATE"] >= begin))
        ]
        root = etree.Element("Message")
        header = etree.SubElement(etree.SubElement(root, "Header"), "CollectionDetails")
        _add(header, "Collection", "CIN")
        _add(header, "Year", year)
        _add(header, "ReferenceDate", f"{end:%Y-%m-%d}")
        children = etree.SubElement(root, "Children")
        for child, episodes in live.groupby("CHILD", sort=True):
            node = etree.SubElement(children, "Child")
            ids = etree.SubElement(node, "ChildIdentifiers")
            _add(ids, "LAchildID", child)
            dob = episodes["DOB"].iloc[0]
            _add(ids, "PersonBirthDate" if dob <= end else "ExpectedPersonBirthDate", _d(dob))
            for _, ep in episodes.iterrows():
                cin = etree.SubElement(node, "CINdetails")
                _add(cin, "CINreferralDate", _d(ep["REFERRAL_DATE"]))
                _add(cin, "ReferralSource", ep["SOURCE"])
                _add(cin, "PrimaryNeedCode", "N1")
                closed = known(ep["CLOSURE_DATE"])
                _add(cin, "CINclosureDate", _d(closed))
                _add(cin, "ReasonForClosure", ep["CLOSURE_REASON"] if closed is not None else None)
                _add(cin, "ReferralNFA", "true" if ep["NFA"] == "Y" else "false")
                key = (child, ep["REFERRAL_DATE"])
                for name, tag, fields in (
                    ("assessments", "Assessments", (
                        ("AssessmentActualStartDate", "ASSESSMENT_START"),
                        ("AssessmentAuthorisationDate", "ASSESSMENT_AUTHORISED"))),
                    ("plans", "CINPlanDates", (
                        ("CINPlanStartDate", "START"), ("CINPlanEndDate", "END"))),
                    ("s47", "Section47", (
                        ("S47ActualStartDate", "S47_START"), ("DateOfInitialCPC", "ICPC_DATE"))),
                    ("cp", "ChildProtectionPlans", (
                        ("CPPstartDate", "START"), ("CPPendDate", "END"))),
                ):  # fmt: skip
                    for i in groups[name].get(key, []):
                        row = frames[name].loc[i]
                        if known(row[fields[0][1]]) is None:
                            continue
                        item = etree.SubElement(cin, tag)
                        for element, col in fields:
                            _add(item, element, _d(known(row[col])))
                        if name == "s47":
                            _add(item, "ICPCnotRequired",
                                 "false" if row["ICPC_PLAN"] == "Y" else "true")  # fmt: skip
        path = folder / f"{year - 1}-{str(year)[2:]}.xml"
        etree.ElementTree(root).write(str(path), xml_declaration=True, encoding="UTF-8",
                                      pretty_print=True)  # fmt: skip
        written.append(path)
    return written
