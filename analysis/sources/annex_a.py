"""The Ofsted ILACS Annex A workbook (`.xlsx` or `.xlsm`, any name, at the top of the data
folder or given with `--annex-a`): contacts, referrals, assessments, Section 47 enquiries,
children in need and protection plans (Lists 1, 3-7).

Each list is found by its header row, not its sheet name: real workbooks call the sheet
"List 1", "List_1" or "L1 Contacts", put title rows above the header and write headers with
stray spaces, line breaks and other case. Headers are the published Annex A column names.
Coded values arrive as "b) Female", "Female" or a bare code; dates as date cells, Excel
serial numbers or dd/mm/yyyy text. Blank rows are skipped. Read with python-calamine (the
engine pandas uses for `engine="calamine"`), several times faster than openpyxl.

Problems name the workbook, sheet, spreadsheet row, column header, value and rule. A workbook
that cannot be read (encrypted, legacy .xls, not a workbook, merged header cells, formulas
with no saved value, no list, a list twice) is one clear line and nothing is taken from it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree
from python_calamine import CalamineWorkbook

from analysis.errors import ValidationReport
from analysis.sources._table import DATE_HINT, by_distinct

SUFFIXES = (".xlsx", ".xlsm")
CHILD = "Child Unique ID"
DOB = "Date of Birth"
EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # serial 1 = 1 Jan 1900 (with Excel's leap-year bug)
HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class ListSpec:
    """One Annex A list: its number, the table it fills, the header that identifies it,
    and the columns read (internal name: published header)."""

    number: int
    table: str
    signature: str
    required: dict[str, str]
    optional: dict[str, str]
    dates: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()


LISTS = [
    ListSpec(
        1, "contacts", "Date of Contact",
        {"CHILD": CHILD, "CONTACT_DATE": "Date of Contact"},
        {"DOB": DOB, "SOURCE": "Contact Source"},
        dates=("CONTACT_DATE", "DOB"),
    ),
    ListSpec(
        3, "referrals", "Date of referral",
        {"CHILD": CHILD, "REFERRAL_DATE": "Date of referral"},
        {"DOB": DOB, "SOURCE": "Referral Source", "NFA": "Referral NFA?"},
        dates=("REFERRAL_DATE", "DOB"), flags=("NFA",),
    ),
    ListSpec(
        4, "assessments", "Continuous Assessment Start Date",
        {"CHILD": CHILD, "ASSESSMENT_START": "Continuous Assessment Start Date",
         "ASSESSMENT_AUTHORISED": "Continuous Assessment Date of Authorisation"},
        {"DOB": DOB, "TEAM": "Allocated Team",
         "REQUIRES_SUPPORT": "Was the child assessed as requiring LA children's social care "
                             "support?"},
        dates=("ASSESSMENT_START", "ASSESSMENT_AUTHORISED", "DOB"), flags=("REQUIRES_SUPPORT",),
    ),
    ListSpec(
        5, "s47", "Strategy discussion initiating Section 47 Enquiry Start Date",
        {"CHILD": CHILD,
         "S47_START": "Strategy discussion initiating Section 47 Enquiry Start Date"},
        {"ICPC_DATE": "Date of Initial Child Protection Conference",
         "ICPC_PLAN": "Did the Initial Child Protection Conference Result in a Child "
                      "Protection Plan"},
        dates=("S47_START", "ICPC_DATE"), flags=("ICPC_PLAN",),
    ),
    ListSpec(
        6, "cin", "CIN Start Date",
        {"CHILD": CHILD, "START": "CIN Start Date"},
        {"DOB": DOB, "END": "CIN Closure Date"},
        dates=("START", "END", "DOB"),
    ),
    ListSpec(
        7, "cp", "Child Protection Plan Start Date",
        {"CHILD": CHILD, "START": "Child Protection Plan Start Date"},
        {"DOB": DOB, "END": "Child Protection Plan End Date"},
        dates=("START", "END", "DOB"),
    ),
]  # fmt: skip
#: Lists recognised but not read (said once, as a note): early help, children looked after
#: (SSDA903 is the source), care leavers, adoption, adopters.
IGNORED = {
    2: "Assessment completion date",
    8: "Date Started to be Looked After",
    10: "Date of Decision that Child Should be Placed for Adoption",
    11: "Individual adopter identifier",
}
#: The order lists are tried in, most distinctive header first (an assessments list may also
#: hold a referral date, a referral list a contact date).
SEARCH_ORDER = [5, 4, 7, 6, 3, 1]
_CODE_PREFIX = re.compile(r"^[a-z0-9]{1,3}\)\s*", re.IGNORECASE)
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0"}


def norm(header: object) -> str:
    """A header cell compared ignoring case, line breaks and repeated or stray spaces."""
    return " ".join(str(header).replace("\u00a0", " ").split()).casefold()


def uncoded(value: str) -> str:
    """'b) Female' -> 'Female': the letter or code in front of an Annex A coded value."""
    return _CODE_PREFIX.sub("", value).strip()


def workbooks(data_dir: Path) -> list[Path]:
    """Workbooks at the top of the data folder (Excel's lock files `~$...` left out)."""
    return sorted(
        p for p in Path(data_dir).iterdir()
        if p.suffix.lower() in SUFFIXES + (".xls",) and not p.name.startswith("~$")
    )  # fmt: skip


class Unreadable(Exception):
    """The workbook cannot be used at all; the message is the one line the user sees."""


def _check_container(path: Path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE compound file
        if "EncryptionInfo".encode("utf-16-le") in path.read_bytes():
            raise Unreadable(
                "the workbook is password-protected (encrypted): save a copy without a "
                "password to read it"
            )
        raise Unreadable("a legacy Excel 97-2003 (.xls) workbook: save it as .xlsx")
    if not head.startswith(b"PK"):
        raise Unreadable(
            "not an Excel workbook (it looks like a text file, such as a CSV renamed .xlsx): "
            "save it from Excel as .xlsx"
        )
    if path.suffix.lower() == ".xls":
        raise Unreadable("named .xls but saved as .xlsx: rename it .xlsx")


def _sheet_xml(path: Path) -> dict[str, str]:
    """Sheet name -> its XML part in the workbook package."""
    with zipfile.ZipFile(path) as z:
        book = etree.fromstring(z.read("xl/workbook.xml"))
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    out = {}
    for sheet in book.iter("{*}sheet"):
        target = targets.get(sheet.get(rid), "")
        out[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out


def _uncached_formulas(path: Path, part: str | None) -> list[str]:
    """Cells of a sheet (its XML `part` in the package) holding a formula with no saved
    result (written by a program that does not calculate): their value is unknown until
    Excel opens and saves the file."""
    with zipfile.ZipFile(path) as z:
        data = z.read(part) if part in z.namelist() else b""
    if b"<f" not in data:
        return []
    cells = []
    for _, cell in etree.iterparse(
        io.BytesIO(data), tag="{*}c", resolve_entities=False, no_network=True
    ):
        formula = cell.find("{*}f")
        value = cell.find("{*}v")
        if formula is not None and (value is None or value.text is None):
            cells.append(cell.get("r"))
        cell.clear()
    return cells


def _find_header(rows: list[list]) -> tuple[int, ListSpec | int] | None:
    """(row index, list) of the first row that holds a list's identifying header."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = {norm(c) for c in row if c not in ("", None)}
        for spec in sorted(LISTS, key=lambda s: SEARCH_ORDER.index(s.number)):
            if norm(spec.signature) in cells:
                return i, spec
        for number, signature in IGNORED.items():
            if norm(signature) in cells:
                return i, number
    return None


class _Sheet:
    def __init__(self, book: str, name: str, report: ValidationReport):
        self.label = f"{book}, sheet '{name}'"
        self.report = report
        self.ok = True

    def fault(self, rule: str, column: str | None = None, rows=(None,), values=None) -> None:
        rows = list(rows)
        if not rows:
            return
        self.ok = False
        self.report.error(self.label, rule, column=column, rows=rows, values=values)


def _dates(raw: pd.Series, header: str, rows: pd.Series, sheet: _Sheet) -> pd.Series:
    """Date cells, Excel serial numbers and dd/mm/yyyy (or ISO) text as dates."""
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    blank = raw.map(lambda v: v is None or (isinstance(v, str) and not v.strip()))
    is_date = raw.map(lambda v: hasattr(v, "year"))
    out[is_date] = pd.to_datetime(raw[is_date].map(lambda v: pd.Timestamp(v)))
    serial = raw.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool))
    numbers = raw[serial].astype(float)
    whole = (numbers == np.floor(numbers)) & (numbers >= 1) & (numbers < 2958466)
    out[numbers[whole].index] = EXCEL_EPOCH + pd.to_timedelta(numbers[whole], unit="D")
    text = raw[~blank & ~is_date & ~serial].astype(str).str.strip()

    def parse(distinct: pd.Series) -> pd.Series:
        cleaned = distinct.str.replace(r"[ T]00:00(:00)?$", "", regex=True)
        got = pd.to_datetime(cleaned, format="%d/%m/%Y", errors="coerce")
        for fmt in ("%Y-%m-%d", "%d-%b-%Y"):
            got = got.fillna(pd.to_datetime(cleaned, format=fmt, errors="coerce"))
        return got

    if len(text):
        out[text.index] = by_distinct(text, parse)
    bad = ~blank & out.isna()
    sheet.fault(DATE_HINT + " or an Excel date", header, rows[bad], raw[bad])
    return out


def _flags(raw: pd.Series, header: str, rows: pd.Series, sheet: _Sheet) -> pd.Series:
    text = raw.map(lambda v: "" if v is None else uncoded(str(v)).casefold())
    text = text.str.replace(r"\.0$", "", regex=True)
    out = pd.Series(None, index=raw.index, dtype=object)
    out[text.isin(YES)] = True
    out[text.isin(NO)] = False
    bad = (text != "") & out.isna()
    sheet.fault("expected Yes or No", header, rows[bad], raw[bad])
    return out


def _text(raw: pd.Series) -> pd.Series:
    def one(v):
        if v is None or v == "":
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return uncoded(str(v)) or None

    return raw.map(one)


def _read_list(spec: ListSpec, rows: list[list], at: int, sheet: _Sheet) -> pd.DataFrame | None:
    header = [norm(c) for c in rows[at]]
    where = {}
    wanted = spec.required | spec.optional
    for name, published in wanted.items():
        key = norm(published)
        if key in header:
            where[name] = header.index(key)
        elif name in spec.required:
            sheet.fault(f"required column missing (expected the header '{published}')",
                        published, rows=[at + 1])  # fmt: skip
    if not sheet.ok:
        return None
    body = rows[at + 1 :]
    numbers = pd.Series(np.arange(at + 2, at + 2 + len(body)))
    frame = pd.DataFrame(
        {name: [r[i] if i < len(r) else "" for r in body] for name, i in where.items()}
    )
    filled = frame.map(lambda v: v not in ("", None)).any(axis=1)
    frame, numbers = frame[filled].reset_index(drop=True), numbers[filled].reset_index(drop=True)
    out = pd.DataFrame(index=frame.index)
    for name in where:
        published = wanted[name]
        if name in spec.dates:
            out[name] = _dates(frame[name], published, numbers, sheet)
        elif name in spec.flags:
            out[name] = _flags(frame[name], published, numbers, sheet)
        else:
            out[name] = _text(frame[name])
    for name in ("CHILD", *spec.dates[:1]):  # the child and the list's own date
        missing = frame[name].map(lambda v: v is None or not str(v).strip())
        sheet.fault("required", wanted[name], numbers[missing], [""] * int(missing.sum()))
    for name in spec.optional:
        if name not in out:
            out[name] = None
    out["_ROW"] = numbers
    return out


def read(path: Path, report: ValidationReport, label: str | None = None) -> dict[str, pd.DataFrame]:
    """The workbook's lists as tables (contacts, referrals, assessments, s47, cin, cp), each
    with `_ROW`, the spreadsheet row; {} when the workbook has an error."""
    label = label or path.name
    try:
        _check_container(path)
        book = CalamineWorkbook.from_path(str(path))
    except Unreadable as exc:
        report.error(label, str(exc))
        return {}
    except Exception as exc:  # a damaged package: calamine's own words are the reason
        report.error(label, f"could not be read as an Excel workbook ({exc})")
        return {}
    parts = _sheet_xml(path)  # sheet name -> its XML, for the formula check
    found: dict[str, tuple[str, pd.DataFrame]] = {}
    ignored, ok = set(), True
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)
        hit = _find_header(rows)
        if hit is None:
            continue
        at, spec = hit
        if isinstance(spec, int):
            ignored.add(spec)
            continue
        s = _Sheet(label, name, report)
        merged = [r for r in (sheet.merged_cell_ranges or []) if r[0][0] <= at <= r[1][0]]
        if merged:
            s.fault(
                "merged cells in the header row: unmerge them so each column has its own header",
                rows=[at + 1],
            )
        formulas = _uncached_formulas(path, parts.get(name))
        if formulas:
            shown = ", ".join(formulas[:5]) + (" ..." if len(formulas) > 5 else "")
            s.fault(
                f"formula cells with no saved value ({shown}): open the workbook in Excel and "
                "save it, so each formula's result is stored"
            )
        if spec.table in found:
            s.fault(
                f"the same list appears twice: List {spec.number} ({spec.table}) is in sheet "
                f"'{found[spec.table][0]}' and here; keep one"
            )
        table = _read_list(spec, rows, at, s) if s.ok else None
        ok &= s.ok
        if table is not None:
            table.attrs["sheet"] = s.label
            found[spec.table] = (name, table)
    if not found and ok:
        report.error(
            label,
            "no Annex A list found: no sheet has a header row with "
            + ", ".join(f"'{s.signature}'" for s in LISTS),
        )
        return {}
    if ignored:
        report.notes.append(
            f"{label}: List {', '.join(map(str, sorted(ignored)))} not read (boardpack reads "
            "Lists 1 and 3-7; children looked after come from the SSDA903 return)"
        )
    return {table: frame for table, (_, frame) in found.items()} if ok else {}


def _dob_lookup(lists: dict[str, pd.DataFrame]) -> pd.Series:
    """Each child's date of birth from whichever list gives one (first found)."""
    known = [f[["CHILD", "DOB"]] for f in lists.values() if "DOB" in f]
    if not known:
        return pd.Series(dtype="datetime64[ns]")
    both = pd.concat(known).dropna()
    return both.drop_duplicates("CHILD").set_index("CHILD")["DOB"]


def _once(frame: pd.DataFrame, keys: list[str], what: str, report, label: str) -> pd.DataFrame:
    """Drop rows repeating an earlier row's key (the child and the list's date, and for
    contacts the source too), with a warning naming each."""
    repeat = frame.duplicated(keys)
    same = "child, date and source" if "SOURCE" in keys else "child and date"
    report.warning(
        label,
        f"{what} listed more than once (same {same}): counted once",
        column=CHILD,
        rows=frame.loc[repeat, "_ROW"],
        values=frame.loc[repeat, "CHILD"],
    )
    return frame[~repeat]


def load(path: Path, report: ValidationReport) -> dict[str, pd.DataFrame]:
    """The workbook as boardpack's tables: `contacts` (CHILD, DOB, CONTACT_DATE, SOURCE),
    `referrals` (as the CIN census's, closure from List 6), `assessments` (with TEAM and
    REQUIRES_SUPPORT), `cin_cp` (List 6 as CIN, List 7 as CP) and `s47`. A child's date of
    birth, when a list lacks it, comes from another list."""
    lists = read(path, report)
    if not lists:
        return {}
    label = path.name
    where = {table: frame.attrs.get("sheet", label) for table, frame in lists.items()}
    dob = _dob_lookup(lists)

    def with_dob(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        frame["DOB"] = (
            frame["DOB"].fillna(frame["CHILD"].map(dob))
            if "DOB" in frame
            else (frame["CHILD"].map(dob))
        )
        return frame

    out: dict[str, pd.DataFrame] = {}
    if "contacts" in lists:
        c = _once(with_dob(lists["contacts"]), ["CHILD", "CONTACT_DATE", "SOURCE"], "contact",
                  report, where["contacts"])  # fmt: skip
        out["contacts"] = c[["CHILD", "DOB", "CONTACT_DATE", "SOURCE"]].reset_index(drop=True)
    cin = lists.get("cin")
    if "referrals" in lists:
        r = _once(with_dob(lists["referrals"]), ["CHILD", "REFERRAL_DATE"], "referral", report,
                  where["referrals"])  # fmt: skip
        r["CLOSURE_DATE"], r["CLOSURE_REASON"] = pd.NaT, None
        if cin is not None:
            ends = cin.dropna(subset=["START"]).drop_duplicates(["CHILD", "START"])
            ends = ends.set_index(["CHILD", "START"])["END"]
            r["CLOSURE_DATE"] = pd.MultiIndex.from_frame(r[["CHILD", "REFERRAL_DATE"]]).map(
                ends.to_dict().get
            )
            r["CLOSURE_DATE"] = pd.to_datetime(r["CLOSURE_DATE"])
        cols = ["CHILD", "DOB", "REFERRAL_DATE", "SOURCE", "NFA", "CLOSURE_DATE", "CLOSURE_REASON"]
        out["referrals"] = r[cols].reset_index(drop=True)
    if "assessments" in lists:
        a = _once(with_dob(lists["assessments"]), ["CHILD", "ASSESSMENT_START"], "assessment",
                  report, where["assessments"])  # fmt: skip
        back = a["ASSESSMENT_AUTHORISED"].notna() & (
            a["ASSESSMENT_AUTHORISED"] < a["ASSESSMENT_START"]
        )
        report.error(
            where["assessments"],
            "authorised before the assessment started",
            column="Continuous Assessment Date of Authorisation",
            rows=a.loc[back, "_ROW"],
            values=a.loc[back, "ASSESSMENT_AUTHORISED"].dt.strftime("%d/%m/%Y"),
        )
        out["assessments"] = a.drop(columns="_ROW").reset_index(drop=True)
    periods = []
    for table, kind in (("cin", "CIN"), ("cp", "CP")):
        if table in lists:
            at = where[table]
            p = _once(with_dob(lists[table]), ["CHILD", "START"], f"{kind} period", report, at)
            back = p["END"].notna() & (p["END"] < p["START"])
            end = {"CIN": "CIN Closure Date", "CP": "Child Protection Plan End Date"}[kind]
            report.error(at, "ends before it starts", column=end, rows=p.loc[back, "_ROW"],
                         values=p.loc[back, "END"].dt.strftime("%d/%m/%Y"))  # fmt: skip
            unknown = p["DOB"].isna()
            report.error(at, "no Date of Birth for this child in any list (needed for ages)",
                         column=DOB, rows=p.loc[unknown, "_ROW"],
                         values=p.loc[unknown, "CHILD"])  # fmt: skip
            periods.append(p.assign(TYPE=kind)[["CHILD", "DOB", "TYPE", "START", "END"]])
    if periods:
        out["cin_cp"] = pd.concat(periods, ignore_index=True)
    if "s47" in lists:
        s = _once(lists["s47"], ["CHILD", "S47_START"], "Section 47 enquiry", report, where["s47"])
        out["s47"] = s.drop(columns="_ROW").reset_index(drop=True)
    return out
