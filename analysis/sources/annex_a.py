"""The Ofsted ILACS Annex A workbook (`.xlsx` or `.xlsm`, any name, at the top of the data
folder or given with `--annex-a`): contacts, referrals, assessments, Section 47 enquiries,
children in need and protection plans (Lists 1, 3-7).

Each list is found by its header row, anywhere in any sheet: real workbooks call the sheet
"List 1", "List_1" or "L1 Contacts", put merged title rows above the header and write headers
their own way. A header is compared after normalising (case, spaces and line breaks,
punctuation, straight or curly quotes) and through the variants in `annex_a.yaml`
(`Contact Date` for `Date of Contact`). A row is a list's header when it holds the list's
identifying column and another Annex A header; sheets with none (Guidance, Codes_used, a front
sheet) are named in a note and skipped; a list with a header and no rows is an empty table.
Coded values arrive as "b) Female", "Female" or a bare code; dates as date cells (with or
without a time of day), Excel serial numbers or dd/mm/yyyy text. Read with python-calamine.

One bad cell costs one cell: a value that fails its rule is a warning naming the workbook,
sheet, spreadsheet row, column header, value and rule, and is counted as unknown (when it is
a date the row needs to be placed in time - its own date, an authorisation or an end - the
row is left out). Errors are kept for what makes the workbook unusable: encrypted, legacy
.xls, not a workbook, damaged (calamine's, the zip's or the XML parser's complaint as one
line), larger than the limits below, a list without an expected column (named with the
closest header present), merged header cells, formulas with no saved value, no list, a list
twice; nothing is taken from such a workbook.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from lxml import etree
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from analysis.errors import UNKNOWN, ValidationReport
from analysis.sources.settings import Settings

SUFFIXES = (".xlsx", ".xlsm")
CHILD = "Child Unique ID"
DOB = "Date of Birth"
EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # serial 1 = 1 Jan 1900 (with Excel's leap-year bug)
HEADERS = Path(__file__).with_name("annex_a.yaml")

MiB = 1 << 20
#: Limits read from the zip directory before anything is decompressed. A workbook beyond any
#: of them is refused in one line. One part (a sheet's XML, the shared strings): 512 MiB
#: uncompressed; the whole package: 1 GiB. A part, or the package, over 16 MiB may expand at
#: most 100 times its compressed size (Apache POI's default minimum inflate ratio, 0.01):
#: sheet XML compresses 5-20 times, a zip bomb thousands. A read adds 1.5-1.7 times the
#: package's uncompressed size to memory, plus about 10 MiB (benchmarks/annex_a_memory.py),
#: so the limits hold any workbook's read under 2 GiB, and under 200 times its size on disk
#: plus 32 MiB.
MAX_PART_BYTES = 512 * MiB
MAX_BOOK_BYTES = 1024 * MiB
MAX_INFLATE_RATIO = 100
RATIO_FLOOR_BYTES = 16 * MiB
#: Dates earlier than this are warned (kept as written): a mistyped year, or an adult.
EARLIEST = pd.Timestamp("1990-01-01")


@dataclass(frozen=True)
class ListSpec:
    """One Annex A list: its number, the table it fills, the header that identifies it,
    and the columns read (internal name: published header). Every column is expected but
    `DOB` and `TEAM` (a child's Date of Birth may come from another list)."""

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
        {"CHILD": CHILD, "CONTACT_DATE": "Date of Contact", "SOURCE": "Contact Source"},
        {"DOB": DOB},
        dates=("CONTACT_DATE", "DOB"),
    ),
    ListSpec(
        3, "referrals", "Date of referral",
        {"CHILD": CHILD, "REFERRAL_DATE": "Date of referral", "SOURCE": "Referral Source",
         "NFA": "Referral NFA?"},
        {"DOB": DOB},
        dates=("REFERRAL_DATE", "DOB"), flags=("NFA",),
    ),
    ListSpec(
        4, "assessments", "Continuous Assessment Start Date",
        {"CHILD": CHILD, "ASSESSMENT_START": "Continuous Assessment Start Date",
         "ASSESSMENT_AUTHORISED": "Continuous Assessment Date of Authorisation",
         "REQUIRES_SUPPORT": "Was the child assessed as requiring LA children's social care "
                             "support?"},
        {"DOB": DOB, "TEAM": "Allocated Team"},
        dates=("ASSESSMENT_START", "ASSESSMENT_AUTHORISED", "DOB"), flags=("REQUIRES_SUPPORT",),
    ),
    ListSpec(
        5, "s47", "Strategy discussion initiating Section 47 Enquiry Start Date",
        {"CHILD": CHILD,
         "S47_START": "Strategy discussion initiating Section 47 Enquiry Start Date",
         "ICPC_DATE": "Date of Initial Child Protection Conference",
         "ICPC_PLAN": "Did the Initial Child Protection Conference Result in a Child "
                      "Protection Plan"},
        {},
        dates=("S47_START", "ICPC_DATE"), flags=("ICPC_PLAN",),
    ),
    ListSpec(
        6, "cin", "CIN Start Date",
        {"CHILD": CHILD, "START": "CIN Start Date", "END": "CIN Closure Date"},
        {"DOB": DOB},
        dates=("START", "END", "DOB"),
    ),
    ListSpec(
        7, "cp", "Child Protection Plan Start Date",
        {"CHILD": CHILD, "START": "Child Protection Plan Start Date",
         "END": "Child Protection Plan End Date"},
        {"DOB": DOB},
        dates=("START", "END", "DOB"),
    ),
]  # fmt: skip
#: Lists recognised but not read (said once, as a note): early help, children looked after
#: (SSDA903 is the source), care leavers, adoption, adopters.
IGNORED = {
    2: "Assessment completion date",
    8: "Date Started to be Looked After",
    9: "Eligibility Category",
    10: "Date of Decision that Child Should be Placed for Adoption",
    11: "Individual adopter identifier",
}
#: The order lists are tried in, most distinctive header first (an assessments list may also
#: hold a referral date, a referral list a contact date).
SEARCH_ORDER = [5, 4, 7, 6, 3, 1]
#: Columns every child list has: with the child's identifier, two of these make a row a
#: list's header even when no list's identifying column is found in it.
COMMON = {"Gender", "Ethnicity", DOB, "Age of Child (Years)"}
#: Dates that place a row in time: a row whose one of these cannot be read is left out.
PLACING = {"CONTACT_DATE", "REFERRAL_DATE", "ASSESSMENT_START", "ASSESSMENT_AUTHORISED",
           "S47_START", "START", "END"}  # fmt: skip
_CODE_PREFIX = re.compile(r"^[a-z0-9]{1,3}\)\s*", re.IGNORECASE)
_LIST_NUMBER = re.compile(r"^\s*(?:list|l)\s*_?\s*(\d{1,2})\b", re.IGNORECASE)
_QUOTES = str.maketrans("\u2018\u2019\u201a\u201b\u2032\u201c\u201d", "'''''\"\"")
_PUNCT = re.compile(r"[^\w\s]|_")
_TEXT_DATE = re.compile(
    r"^(?P<date>[^\sT]+)(?:[ T](?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?)?$"
)
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0"}
DATE_RULE = "not a date (expected a date cell, an Excel date number or dd/mm/yyyy text)"
FLAG_RULE = "expected Yes or No"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
#: What the libraries raise on a damaged package: calamine, the zip reader, zlib, the XML
#: parser and the codecs. Each becomes one line naming the workbook.
LIBRARY_ERRORS = (
    CalamineError, zipfile.BadZipFile, zlib.error, EOFError, etree.Error, UnicodeError, OSError,
)  # fmt: skip


def norm(header: object) -> str:
    """A header cell compared ignoring case, line breaks, repeated or stray spaces,
    punctuation and the kind of quotes: "Referral NFA?" and "referral  nfa" are one."""
    text = unicodedata.normalize("NFKC", str(header)).translate(_QUOTES).replace("'", "")
    return " ".join(_PUNCT.sub(" ", text).split()).casefold()


@cache
def _known() -> dict[str, str]:
    """Each normalised header written (published or a variant) -> its published header."""
    spec = yaml.safe_load(HEADERS.read_text(encoding="utf-8"))["headers"]
    out = {}
    for published, written in spec.items():
        for name in (published, *(written or ())):
            out[norm(name)] = published
    return out


def published(header: object) -> str | None:
    """The published Annex A header a header cell stands for, or None."""
    if not isinstance(header, str) or not header.strip():
        return None
    return _known().get(norm(header))


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


def _size(n: int) -> str:
    return f"{n / MiB:,.0f} MiB" if n >= MiB else f"{n / 1024:,.0f} KiB"


def check_sizes(path: Path) -> None:
    """Refuse a package whose parts would expand beyond the limits, from the sizes its zip
    directory records (nothing is decompressed)."""
    with zipfile.ZipFile(path) as z:
        parts = z.infolist()
    for part in parts:
        if part.file_size > MAX_PART_BYTES:
            raise Unreadable(
                f"its part {part.filename} expands to {_size(part.file_size)}, beyond the limit "
                f"of {_size(MAX_PART_BYTES)} for one part: refused before reading"
            )
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_FLOOR_BYTES and ratio > MAX_INFLATE_RATIO:
            raise Unreadable(
                f"its part {part.filename} expands {ratio:,.0f} times "
                f"({_size(part.compress_size)} to {_size(part.file_size)}), beyond the limit of "
                f"{MAX_INFLATE_RATIO} times: refused before reading (a real sheet compresses "
                "5-20 times)"
            )
    total = sum(p.file_size for p in parts)
    packed = sum(p.compress_size for p in parts)
    if total > RATIO_FLOOR_BYTES and total > MAX_INFLATE_RATIO * max(packed, 1):
        raise Unreadable(
            f"its parts expand {total / max(packed, 1):,.0f} times ({_size(packed)} to "
            f"{_size(total)}), beyond the limit of {MAX_INFLATE_RATIO} times: refused before "
            "reading (a real workbook compresses 5-20 times)"
        )
    if total > MAX_BOOK_BYTES:
        raise Unreadable(
            f"it expands to {_size(total)}, beyond the limit of {_size(MAX_BOOK_BYTES)} for a "
            "workbook: refused before reading"
        )


def _library_reason(exc: BaseException) -> str:
    """A library's complaint as one short line."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _sheet_xml(path: Path) -> dict[str, str]:
    """Sheet name -> its XML part in the workbook package."""
    with zipfile.ZipFile(path) as z:
        try:
            book = etree.fromstring(z.read("xl/workbook.xml"), _PARSER)
            rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"), _PARSER)
        except KeyError as exc:  # zipfile: no such member
            raise Unreadable(f"not an Excel workbook package ({_library_reason(exc)})") from exc
    targets = {r.get("Id"): r.get("Target") for r in rels}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    out = {}
    for sheet in book.iter("{*}sheet"):
        target = targets.get(sheet.get(rid)) or ""
        out[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out


def _holds_formula(z: zipfile.ZipFile, part: str) -> bool:
    """Whether a sheet's XML has a formula element, read in 1 MiB blocks."""
    tail = b""
    with z.open(part) as fh:
        for block in iter(lambda: fh.read(MiB), b""):
            if b"<f" in tail + block:
                return True
            tail = block[-8:]
    return False


def _uncached_formulas(path: Path, part: str | None) -> list[str]:
    """Cells of a sheet (its XML `part` in the package) holding a formula with no saved
    result (written by a program that does not calculate): their value is unknown until
    Excel opens and saves the file."""
    with zipfile.ZipFile(path) as z:
        if part not in z.namelist() or not _holds_formula(z, part):
            return []
        cells = []
        with z.open(part) as fh:
            for _, cell in etree.iterparse(fh, tag="{*}c", resolve_entities=False, no_network=True):
                formula = cell.find("{*}f")
                value = cell.find("{*}v")
                if formula is not None and (value is None or value.text is None):
                    cells.append(cell.get("r"))
                cell.clear()
    return cells


def _find_header(rows: list[list]) -> tuple[int, ListSpec | int | None] | None:
    """(row index, list) of the first row that is a list's header: the child's (or
    adopter's) identifier with a list's identifying column, or with two columns every list
    has. The list is the ListSpec of a list read, the number of one recognised and not read,
    or None when no list's identifying column is in the row."""
    for i, row in enumerate(rows):
        names = {published(c) for c in row} - {None}
        if len(names) < 2 or not names & {CHILD, IGNORED[11]}:
            continue
        for number, signature in IGNORED.items():
            if signature in names:
                return i, number
        for spec in sorted(LISTS, key=lambda s: SEARCH_ORDER.index(s.number)):
            if spec.signature in names:
                return i, spec
        if len(names & COMMON) >= 2:
            return i, None
    return None


def _list_number(sheet: str, above: list[list]) -> int | None:
    """The list a sheet holds by its name ("List_4", "L4 Assessments") or a title above its
    header ("List 4: Assessments")."""
    for text in (sheet, *(c for row in above for c in row if isinstance(c, str))):
        found = _LIST_NUMBER.search(text)
        if found:
            return int(found.group(1))
    return None


def closest(expected: str, header: list) -> str | None:
    """The header cell most like `expected` (difflib, on normalised text) among those that
    are not another Annex A column, or None."""
    cells = {
        norm(c): str(c).strip()
        for c in header
        if isinstance(c, str) and c.strip() and published(c) is None
    }
    match = difflib.get_close_matches(norm(expected), list(cells), n=1, cutoff=0.5)
    return cells[match[0]] if match else None


def _not_found(expected: str, header: list) -> str:
    near = closest(expected, header)
    hint = f"the closest header present is '{near}'" if near else "no header present is close"
    return (
        f"expected column not found: no header reads '{expected}' or a variant of it in "
        f"analysis/sources/annex_a.yaml ({hint})"
    )


class _Sheet:
    def __init__(self, book: str, name: str, report: ValidationReport, hidden: bool = False):
        self.label = f"{book}, sheet '{name}'" + (" (hidden)" if hidden else "")
        self.report = report
        self.ok = True

    def fault(self, rule: str, column: str | None = None, rows=(None,), values=None) -> None:
        rows = list(rows)
        if not rows:
            return
        self.ok = False
        self.report.error(self.label, rule, column=column, rows=rows, values=values)

    def unknown(self, rule: str, column: str, rows: pd.Series, values: pd.Series) -> None:
        """A warning for each cell that failed `rule`, counted as unknown."""
        self.report.warning(self.label, f"{rule}: {UNKNOWN}", column=column, rows=rows,
                            values=values.map(lambda v: "" if v is None else str(v)))  # fmt: skip


def _date_of(value) -> tuple[pd.Timestamp, bool]:
    """(the date, whether a time of day came with it) of one cell; NaT when it is not a
    date. A date-time is read as its date."""
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value.date()), value.time() != dt.time()
    if isinstance(value, dt.date):
        return pd.Timestamp(value), False
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:  # Excel's dates: 1 Jan 1900 to 31 Dec 9999
            return pd.NaT, False
        days = math.floor(value)
        return EXCEL_EPOCH + pd.Timedelta(days=days), value != days
    if not isinstance(value, str):
        return pd.NaT, False
    found = _TEXT_DATE.match(value.strip())
    if not found:
        return pd.NaT, False
    h, m, s = (int(found.group(k) or 0) for k in ("h", "m", "s"))
    if h > 23 or m > 59 or s > 59:
        return pd.NaT, False
    timed = (h, m, s) != (0, 0, 0)
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%b-%Y"):
        try:
            return pd.Timestamp(dt.datetime.strptime(found.group("date"), fmt)), timed
        except ValueError:
            continue
    return pd.NaT, False


def _distinct(raw: pd.Series, convert) -> tuple[np.ndarray, list]:
    """(codes, converted): `convert` applied to each distinct cell of `raw` once (lists repeat
    the same dates and codes many times); `converted[codes[i]]` is row i's, code -1 a
    missing cell."""
    codes, distinct = pd.factorize(raw.to_numpy(dtype=object))
    return codes, [convert(value) for value in distinct]


def _dates(raw: pd.Series) -> tuple[pd.Series, pd.Series, int]:
    """(dates, which cells could not be read, how many held a time of day) of a column;
    blank cells are NaT and not bad."""

    def one(value) -> tuple[pd.Timestamp, bool, bool]:  # (date, a time of day, blank)
        if isinstance(value, str) and not value.strip():
            return pd.NaT, False, True
        return (*_date_of(value), False)

    codes, done = _distinct(raw, one)
    done.append((pd.NaT, False, True))  # code -1: a missing cell
    dates = pd.DatetimeIndex([d for d, _, _ in done]).to_numpy(dtype="datetime64[ns]")[codes]
    timed = np.array([t for _, t, _ in done], dtype=bool)[codes]
    blank = np.array([b for _, _, b in done], dtype=bool)[codes]
    out = pd.Series(dates, index=raw.index)
    return out, pd.Series(~blank & np.isnat(dates), index=raw.index), int(timed.sum())


def _flag(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    text = re.sub(r"\.0$", "", uncoded(str(value)).casefold())
    return True if text in YES else False if text in NO else "?"


def _text(raw: pd.Series) -> pd.Series:
    def one(v):
        if v is None or v == "":
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return uncoded(str(v)) or None

    return pd.Series([one(v) for v in raw], index=raw.index, dtype=object)


def _read_list(
    spec: ListSpec, rows: list[list], at: int, sheet: _Sheet, times: dict[str, int]
) -> pd.DataFrame | None:
    header = rows[at]
    names = [published(c) for c in header]
    where = {}
    wanted = spec.required | spec.optional
    for name, heading in wanted.items():
        columns = [i for i, n in enumerate(names) if n == heading]
        if len(columns) > 1:
            shown = " and ".join(f"'{str(header[i]).strip()}'" for i in columns)
            sheet.fault(f"more than one column is read as this one ({shown}): keep one",
                        heading, rows=[at + 1])  # fmt: skip
        elif columns:
            where[name] = columns[0]
        elif name in spec.required:
            sheet.fault(_not_found(heading, header), heading, rows=[at + 1])
    if not sheet.ok:
        return None
    body = rows[at + 1 :]
    numbers = pd.Series(np.arange(at + 2, at + 2 + len(body)))
    frame = pd.DataFrame(
        {name: [r[i] if i < len(r) else "" for r in body] for name, i in where.items()},
        index=numbers.index,
        dtype=object,
    )
    filled = frame.map(lambda v: v not in ("", None)).any(axis=1)
    frame, numbers = frame[filled].reset_index(drop=True), numbers[filled].reset_index(drop=True)
    out = pd.DataFrame(index=frame.index)
    leave = pd.Series(False, index=frame.index)
    today = pd.Timestamp.today().normalize()
    for name in where:
        heading, raw = wanted[name], frame[name]
        if name in spec.dates:
            values, bad, timed = _dates(raw)
            if timed:
                times[heading] = times.get(heading, 0) + timed
            rule = DATE_RULE + (", so the row is left out" if name in PLACING else "")
            sheet.unknown(rule, heading, numbers[bad], raw[bad])
            leave |= bad & (name in PLACING)
            early = values < EARLIEST
            sheet.report.warning(sheet.label, "a date before 1990: read as written; check it",
                                 column=heading, rows=numbers[early],
                                 values=values[early].dt.strftime("%d/%m/%Y"))  # fmt: skip
            if name != "DOB":  # an unborn child's expected date of birth may be ahead
                late = values > today
                sheet.report.warning(sheet.label, "a date after today: read as written; check it",
                                     column=heading, rows=numbers[late],
                                     values=values[late].dt.strftime("%d/%m/%Y"))  # fmt: skip
            out[name] = values
        elif name in spec.flags:
            codes, done = _distinct(raw, _flag)
            flags = pd.Series(np.array([*done, None], dtype=object)[codes], index=raw.index)
            bad = flags.eq("?")
            sheet.unknown(FLAG_RULE, heading, numbers[bad], raw[bad])
            out[name] = flags.mask(bad, None)
        else:
            out[name] = _text(raw)
    for name in ("CHILD", spec.dates[0]):  # the child and the list's own date
        blank = frame[name].map(lambda v: v is None or not str(v).strip()) & ~leave
        sheet.unknown("blank, so the row is left out", wanted[name], numbers[blank],
                      frame[name][blank])  # fmt: skip
        leave |= blank
    for name in spec.optional:
        if name not in out:
            out[name] = None
    out["_ROW"] = numbers
    return out[~leave].reset_index(drop=True)


def read(path: Path, report: ValidationReport, label: str | None = None) -> dict[str, pd.DataFrame]:
    """The workbook's lists as tables (contacts, referrals, assessments, s47, cin, cp), each
    with `_ROW`, the spreadsheet row; {} when the workbook has an error. A list with a header
    and no rows is an empty table."""
    label = label or path.name
    try:
        _check_container(path)
        check_sizes(path)
        return _read_book(path, report, label)
    except Unreadable as exc:
        report.error(label, str(exc))
    except LIBRARY_ERRORS as exc:  # a damaged package: the library's own words are the reason
        report.error(label, f"could not be read as an Excel workbook ({_library_reason(exc)})")
    return {}


def _read_book(path: Path, report: ValidationReport, label: str) -> dict[str, pd.DataFrame]:
    book = CalamineWorkbook.from_path(str(path))
    hidden = {m.name for m in book.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
    parts = _sheet_xml(path)  # sheet name -> its XML, for the formula check
    found: dict[str, tuple[str, pd.DataFrame]] = {}
    ignored, skipped, ok = set(), [], True
    times: dict[str, int] = {}
    for name in book.sheet_names:
        try:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
        except CalamineError as exc:
            raise Unreadable(f"sheet '{name}' could not be read ({_library_reason(exc)})") from exc
        hit = _find_header(rows)
        s = _Sheet(label, name, report, hidden=name in hidden)
        if hit is None:
            number = _list_number(name, [])
            if number in {one.number for one in LISTS}:
                s.fault(
                    f"named as List {number} but no row holds its header (expected '{CHILD}' "
                    f"and '{next(one.signature for one in LISTS if one.number == number)}' in "
                    "one row)"
                )
                ok = False
            else:
                skipped.append(f"'{name}'" + (" (hidden)" if name in hidden else ""))
            continue
        at, spec = hit
        if spec is None:
            spec = _list_number(name, rows[:at])
            known = {one.number: one for one in LISTS}
            if spec in known:
                s.fault(_not_found(known[spec].signature, rows[at]), known[spec].signature,
                        rows=[at + 1])  # fmt: skip
            elif spec not in IGNORED:
                s.fault(
                    "a list's header row with no column saying which list it is (expected one "
                    "of " + ", ".join(f"'{one.signature}'" for one in LISTS) + ")",
                    rows=[at + 1],
                )
            ok &= s.ok
            if s.ok:
                ignored.add(spec)
            continue
        if isinstance(spec, int):
            ignored.add(spec)
            continue
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
        table = _read_list(spec, rows, at, s, times) if s.ok else None
        ok &= s.ok
        if table is not None:
            table.attrs["sheet"] = s.label
            found[spec.table] = (name, table)
            if name in hidden:
                report.notes.append(
                    f"{s.label}: List {spec.number} ({spec.table}) read from a hidden sheet"
                )
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
    if skipped:
        report.notes.append(
            f"{label}: sheet{'s' if len(skipped) > 1 else ''} {', '.join(skipped)} not read: "
            "no list header (guidance, code lists or notes)"
        )
    if times:
        report.notes.append(
            f"{label}: {sum(times.values()):,} date cells held a time of day as well ("
            + ", ".join(f"{h}: {n:,}" for h, n in times.items())
            + "); each is read as its date"
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


def read_source(
    path: Path, settings: Settings, report: ValidationReport
) -> dict[str, pd.DataFrame]:
    """The format's reader (the interface every source has): the workbook at `path`, as
    `load` gives it."""
    return load(path, report)


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
        other = (
            frame["CHILD"].map(dob).astype("datetime64[ns]")
            if len(dob)
            else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        )
        frame["DOB"] = frame["DOB"].fillna(other) if "DOB" in frame else other
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
            r["CLOSURE_DATE"] = pd.to_datetime(r["CLOSURE_DATE"]).astype("datetime64[ns]")
        cols = ["CHILD", "DOB", "REFERRAL_DATE", "SOURCE", "NFA", "CLOSURE_DATE", "CLOSURE_REASON"]
        out["referrals"] = r[cols].reset_index(drop=True)
    if "assessments" in lists:
        a = _once(with_dob(lists["assessments"]), ["CHILD", "ASSESSMENT_START"], "assessment",
                  report, where["assessments"])  # fmt: skip
        back = a["ASSESSMENT_AUTHORISED"].notna() & (
            a["ASSESSMENT_AUTHORISED"] < a["ASSESSMENT_START"]
        )
        report.warning(
            where["assessments"],
            f"authorised before the assessment started, so the row is left out: {UNKNOWN}",
            column="Continuous Assessment Date of Authorisation",
            rows=a.loc[back, "_ROW"],
            values=a.loc[back, "ASSESSMENT_AUTHORISED"].dt.strftime("%d/%m/%Y"),
        )
        out["assessments"] = a[~back].drop(columns="_ROW").reset_index(drop=True)
    periods = []
    for table, kind in (("cin", "CIN"), ("cp", "CP")):
        if table in lists:
            at = where[table]
            p = _once(with_dob(lists[table]), ["CHILD", "START"], f"{kind} period", report, at)
            back = p["END"].notna() & (p["END"] < p["START"])
            end = {"CIN": "CIN Closure Date", "CP": "Child Protection Plan End Date"}[kind]
            report.warning(at, f"ends before it starts, so the row is left out: {UNKNOWN}",
                           column=end, rows=p.loc[back, "_ROW"],
                           values=p.loc[back, "END"].dt.strftime("%d/%m/%Y"))  # fmt: skip
            p = p[~back]
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
