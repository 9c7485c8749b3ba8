"""The DfE children in need census XML (one file per year in `cin_census/`): referrals,
children in need periods, assessments, CIN plans, Section 47 enquiries and protection plans,
from the return every English LA already makes.

Parsed safely with lxml, entities off and no network: a file that declares a DTD or
entities (an "XML bomb", an external entity) is refused with one clear line, never expanded
or followed. Problems name the file, the line, the element path (Child[3]/CINdetails[2]/
Assessments[1]/AssessmentAuthorisationDate), the value and the rule; nothing is taken from a
file with an error. A value that fails its rule (a date that is not a date, a flag that is not
yes/no) costs that value only: a warning, and the value counts as unknown; where the date
places its row in time (a start, an end, an authorisation) the row is left out. Several
years combine; where two returns hold the same referral (child and referral date),
assessment, plan or enquiry (child and start date), the later return wins.

A file covers its collection year, as its header states it (`Year`, and `ReferenceDate`
where given): 1 April to the reference date (31 March). Two files for one year (a draft and
a final, say) are an error naming both; so is a file without the elements every return has
(`Header/CollectionDetails/Year`, `Children`). A child twice in one file is an error when the
copies give different dates of birth, else a warning; a child with no date of birth (nor an
expected one) is a warning, and counts as age unknown; a referral closed before it began is
an error.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd
from lxml import etree

from analysis.errors import ERROR, UNKNOWN, WARNING, ValidationReport
from analysis.sources.identifiers import normalise
from analysis.sources.settings import Settings

FOLDER = "cin_census"
#: Collection years (the year of 31 March) this reader knows: 2013-14, when continuous
#: assessments (AssessmentActualStartDate) began, to 2025-26. The elements read here have the
#: same names throughout.
YEARS = range(2014, 2027)
TRUE, FALSE = {"1", "true"}, {"0", "false"}
_PARSER = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)

#: Tables this reader fills, with their columns (dates are the *_DATE, START, END columns).
TABLES = {
    "cin_cp": ["CHILD", "DOB", "TYPE", "START", "END"],
    "referrals": [
        "CHILD",
        "DOB",
        "REFERRAL_DATE",
        "SOURCE",
        "NFA",
        "CLOSURE_DATE",
        "CLOSURE_REASON",
    ],
    "assessments": [
        "CHILD",
        "DOB",
        "REFERRAL_DATE",
        "ASSESSMENT_START",
        "ASSESSMENT_AUTHORISED",
    ],
    "cin_plans": ["CHILD", "REFERRAL_DATE", "START", "END"],
    "s47": ["CHILD", "REFERRAL_DATE", "S47_START", "ICPC_DATE", "ICPC_NOT_REQUIRED"],
}
#: What makes a row the same row in two returns.
KEYS = {
    "cin_cp": ["CHILD", "TYPE", "START"],
    "referrals": ["CHILD", "REFERRAL_DATE"],
    "assessments": ["CHILD", "ASSESSMENT_START"],
    "cin_plans": ["CHILD", "START"],
    "s47": ["CHILD", "S47_START"],
}
DATES = {
    "DOB", "START", "END", "REFERRAL_DATE", "CLOSURE_DATE", "ASSESSMENT_START",
    "ASSESSMENT_AUTHORISED", "S47_START", "ICPC_DATE",
}  # fmt: skip


@lru_cache(maxsize=65536)
def _iso_date(text: str) -> datetime | None:
    """yyyy-mm-dd as a date-time, None when it is not a real date (each distinct text parsed
    once: a return repeats the same few thousand dates)."""
    try:
        return datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return None


def files(folder: Path) -> list[Path]:
    """The census files in `folder`: every `*.xml`, whatever the case of the extension."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".xml" and p.is_file())


def present(data_dir: Path) -> bool:
    return bool(files(Path(data_dir) / FOLDER))


DATE_RULE = "not a date (expected yyyy-mm-dd)"
FLAG_RULE = "not a yes/no (expected 0/1 or true/false)"
#: What `_File.date` gives for an unreadable date that places its row: the row is left out.
BAD = object()


class _File:
    """One return being read: typed values by element, problems as 'file line N, path'."""

    def __init__(self, path: Path, label: str, report: ValidationReport):
        self.path, self.label, self.report, self.ok = path, label, report, True

    def problem(self, node, place: str, rule: str, value: str | None = None) -> None:
        self.ok = False
        self._add(ERROR, node, place, rule, value)

    def warn(self, node, place: str, rule: str, value: str | None = None) -> None:
        self._add(WARNING, node, place, rule, value)

    def _add(self, severity: str, node, place: str, rule: str, value: str | None) -> None:
        """One problem at an element (its line and path)."""
        self.report.add(
            severity,
            self.label,
            rule,
            column=place.split("/")[-1],
            rows=[node.sourceline if node is not None else None],
            values=[value],
            places=[place],
            unit="line",
        )

    def text(self, node, name: str) -> str:
        found = node.find(name)
        return (found.text or "").strip() if found is not None else ""

    def date(
        self, node, name: str, where: str, required: bool = False, placing: bool = False
    ) -> datetime | None | object:
        """The element's date; None when blank. A value that is not a date is a warning and
        counts as unknown: None, or BAD when the date places its row in time (`required`, or
        `placing`: an end or authorisation date, whose absence would mean "still open"), so
        the caller leaves the row out."""
        found = node.find(name)
        text = (found.text or "").strip() if found is not None else ""
        if not text:
            if required:
                self.problem(node, f"{where}/{name}", "required")
            return None
        value = _iso_date(text)
        if value is None:
            left = required or placing
            rule = DATE_RULE + (", so the row is left out" if left else "")
            self.warn(found, f"{where}/{name}", f"{rule}: {UNKNOWN}", text)
            return BAD if placing else None
        return value

    def flag(self, node, name: str, where: str) -> bool | None:
        found = node.find(name)
        text = (found.text or "").strip().lower() if found is not None else ""
        if not text:
            return None
        if text not in TRUE | FALSE:
            self.warn(found, f"{where}/{name}", f"{FLAG_RULE}: {UNKNOWN}", text)
            return None
        return text in TRUE


def _undecodable(path: Path, encoding: str | None) -> str:
    """Where a file stops being text in its declared encoding (UTF-8 when none is declared):
    'line N: byte 0xE9 is not UTF-8'; empty when it decodes."""
    raw = path.read_bytes()
    codec = encoding or "utf-8"
    try:
        raw.decode(codec)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return f"line {line}: byte 0x{raw[exc.start]:02X} is not {codec.upper()}"
    except LookupError:
        return f"unknown encoding {codec!r}"
    return ""


def collection_year(root) -> tuple[pd.Timestamp, pd.Timestamp] | str:
    """The span a return covers, from its header: 1 April to its ReferenceDate (31 March of
    `Year` when no reference date is given); a message when the header does not say."""
    year = (root.findtext("Header/CollectionDetails/Year") or "").strip()
    if not year.isdigit() or int(year) not in YEARS:
        return (
            f"unknown census year {year!r} (this reader knows {YEARS[0] - 1}-"
            f"{str(YEARS[0])[2:]} to {YEARS[-1] - 1}-{str(YEARS[-1])[2:]})"
        )
    end = pd.Timestamp(f"{year}-03-31")
    stated = (root.findtext("Header/CollectionDetails/ReferenceDate") or "").strip()
    if stated:
        when = _iso_date(stated)
        if when is None or when.year != int(year) or when.month > 3:
            return (
                f"Header/CollectionDetails/ReferenceDate {stated!r} is not in January to March "
                f"{year}, the end of collection year {year} (expected {year}-03-31)"
            )
        end = pd.Timestamp(when)
    return pd.Timestamp(f"{int(year) - 1}-04-01"), end


NO_DOB = "no date of birth (nor an expected one): the child's age is unknown"
TWICE = "the same child twice in the file (one child, one <Child>)"
#: Elements every return has, as paths from <Message>.
REQUIRED = ("Header", "Header/CollectionDetails", "Header/CollectionDetails/Year", "Children")


def _parse(path: Path, label: str, report: ValidationReport):
    try:
        tree = etree.parse(str(path), etree.XMLParser(**_PARSER))
    except etree.XMLSyntaxError as exc:
        line = f" at line {exc.lineno}" if exc.lineno else ""
        report.error(label, f"not well-formed XML{line} ({exc.msg})")
        return None
    except OSError:  # lxml's way of saying the bytes are not in the declared encoding
        declared = _declared_encoding(path)
        where = _undecodable(path, declared) or "unreadable"
        report.error(
            label,
            f"not readable as {(declared or 'UTF-8').upper()}, the encoding it declares ({where}): "
            "save it again as UTF-8",
        )
        return None
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        report.error(label, "refused: the file declares a DTD or entities (not read, for safety)")
        return None
    root = tree.getroot()
    if root.tag != "Message":
        report.error(label, f"the root element is <{root.tag}>, not <Message>: not a CIN census")
        return None
    for required in REQUIRED:
        if root.find(required) is None:
            inside, _, name = required.rpartition("/")
            node = root.find(inside) if inside else root
            found = [f"<{c.tag}>" for c in node if isinstance(c.tag, str)]
            others = f" (found {', '.join(found)})" if found else ""
            place = "/".join(["Message", inside] if inside else ["Message"])
            report.error(label, f"required element <{name}> missing in <{place}>{others}")
            return None
    span = collection_year(root)
    if isinstance(span, str):
        report.error(label, span)
        return None
    return root, span


def _declared_encoding(path: Path) -> str | None:
    with open(path, "rb") as fh:
        head = fh.read(200)
    match = re.match(rb"\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']", head)
    return match.group(1).decode("ascii") if match else None


def _read_file(f: _File, root) -> dict[str, list[tuple]]:
    rows: dict[str, list[tuple]] = {name: [] for name in TABLES}
    seen: dict[str, tuple[int, int | None, datetime | None]] = {}
    for i, child in enumerate(root.iterfind("Children/Child"), start=1):
        where = f"Child[{i}]"
        ids = child.find("ChildIdentifiers")
        key = normalise(f.text(ids, "LAchildID")) if ids is not None else ""
        if not key:
            f.problem(ids if ids is not None else child, f"{where}/ChildIdentifiers/LAchildID",
                      "required")  # fmt: skip
            continue
        here = f"{where}/ChildIdentifiers"
        dob = f.date(ids, "PersonBirthDate", here)
        if dob is None:  # an unborn child has an expected date of birth instead
            dob = f.date(ids, "ExpectedPersonBirthDate", here)
        if dob is None:
            f.warn(ids, f"{here}/PersonBirthDate", NO_DOB)
        if key in seen:
            first, line, before = seen[key]
            place = f"{here}/LAchildID (as Child[{first}], line {line})"
            if dob != before:
                shown = f"{dob:%Y-%m-%d}" if dob else ""
                f.problem(ids, place, TWICE + ", with another date of birth", shown)
            else:
                f.warn(ids, place, TWICE + ": both copies read", key)
        else:
            seen[key] = (i, child.sourceline, dob)
        for j, cin in enumerate(child.iterfind("CINdetails"), start=1):
            at = f"{where}/CINdetails[{j}]"
            referral = f.date(cin, "CINreferralDate", at, required=True)
            if referral is None:
                continue
            closure = f.date(cin, "CINclosureDate", at, placing=True)
            if closure is not None and closure is not BAD and closure < referral:
                f.problem(cin.find("CINclosureDate"), f"{at}/CINclosureDate",
                          "closed before the referral date", f"{closure:%Y-%m-%d}")  # fmt: skip
            nfa = f.flag(cin, "ReferralNFA", at)
            if closure is not BAD:  # else its episode is left out; what it holds is read
                rows["cin_cp"].append((key, dob, "CIN", referral, closure))
                rows["referrals"].append(
                    (
                        key,
                        dob,
                        referral,
                        f.text(cin, "ReferralSource") or None,
                        nfa,
                        closure,
                        f.text(cin, "ReasonForClosure") or None,
                    )
                )
            for k, node in enumerate(cin.iterfind("Assessments"), start=1):
                a = f"{at}/Assessments[{k}]"
                start = f.date(node, "AssessmentActualStartDate", a, required=True)
                done = f.date(node, "AssessmentAuthorisationDate", a, placing=True)
                if done is BAD:
                    continue
                if start is not None and done is not None and done < start:
                    f.problem(node.find("AssessmentAuthorisationDate"),
                              f"{a}/AssessmentAuthorisationDate",
                              "authorised before the assessment started",
                              f"{done:%Y-%m-%d}")  # fmt: skip
                if start is not None:
                    rows["assessments"].append((key, dob, referral, start, done))
            for k, node in enumerate(cin.iterfind("CINPlanDates"), start=1):
                p = f"{at}/CINPlanDates[{k}]"
                start = f.date(node, "CINPlanStartDate", p, required=True)
                end = f.date(node, "CINPlanEndDate", p, placing=True)
                if start is not None and end is not BAD:
                    rows["cin_plans"].append((key, referral, start, end))
            for k, node in enumerate(cin.iterfind("Section47"), start=1):
                s = f"{at}/Section47[{k}]"
                start = f.date(node, "S47ActualStartDate", s, required=True)
                if start is not None:
                    rows["s47"].append(
                        (key, referral, start, f.date(node, "DateOfInitialCPC", s),
                         f.flag(node, "ICPCnotRequired", s))
                    )  # fmt: skip
            for k, node in enumerate(cin.iterfind("ChildProtectionPlans"), start=1):
                p = f"{at}/ChildProtectionPlans[{k}]"
                start = f.date(node, "CPPstartDate", p, required=True)
                end = f.date(node, "CPPendDate", p, placing=True)
                if end is BAD:
                    continue
                if start is not None and end is not None and end < start:
                    f.problem(node.find("CPPendDate"), f"{p}/CPPendDate",
                              "the plan ends before it starts", f"{end:%Y-%m-%d}")  # fmt: skip
                if start is not None:
                    rows["cin_cp"].append((key, dob, "CP", start, end))
    return rows


def load(
    data_dir: Path, report: ValidationReport, folder: Path | None = None
) -> dict[str, pd.DataFrame]:
    """The returns' tables (see TABLES), one row per key with the latest return winning,
    and `_covers`: the span the files cover (the first collection year's 1 April to the last
    one's reference date). A child's DOB is PersonBirthDate, or for an unborn child
    ExpectedPersonBirthDate. `folder` overrides `data_dir/cin_census`."""
    folder = Path(folder) if folder else Path(data_dir) / FOLDER
    collected: dict[str, list[tuple]] = {name: [] for name in TABLES}
    years: dict[pd.Timestamp, str] = {}
    spans, unread = [], False
    for order, path in enumerate(files(folder)):
        label = f"{FOLDER}/{path.name}"
        parsed = _parse(path, label, report)
        if parsed is None:
            unread = True  # its year is unknown: the error says so
            continue
        root, span = parsed
        if span[1] in years:
            report.error(
                f"{FOLDER}/{years[span[1]]}, {FOLDER}/{path.name}",
                f"two files for the collection year to {span[1]:%d/%m/%Y} (a draft and a "
                "final?): keep one",
            )
            continue
        years[span[1]] = path.name
        f = _File(path, label, report)
        rows = _read_file(f, root)
        if f.ok:
            spans.append(span)
            for name, found in rows.items():
                collected[name] += [(*row, order) for row in found]
    if not unread:
        _say_missing_years(sorted(years), report)
    tables = {name: _later_wins(collected[name], name) for name in TABLES}
    if spans:
        tables["_covers"] = (min(s[0] for s in spans), max(s[1] for s in spans))
    return tables


def read_source(
    folder: Path, settings: Settings, report: ValidationReport
) -> dict[str, pd.DataFrame]:
    """The format's reader (the interface every source has): the returns in `folder` (the
    data folder's cin_census/, or --cin-census), as `load` gives them."""
    return load(folder, report, folder)


def _say_missing_years(ends: list[pd.Timestamp], report: ValidationReport) -> None:
    """A warning for each collection year missing between the first file's and the last's."""
    have = {end.year for end in ends}
    for year in range(min(have, default=0) + 1, max(have, default=0)):
        if year not in have:
            report.warning(
                FOLDER,
                f"no file for the collection year {year - 1}-{str(year)[2:]}, between the "
                "first and the last: referrals, plans and assessments that began and ended in "
                "it are missing",
            )


def _later_wins(rows: list[tuple], name: str) -> pd.DataFrame:
    """One row per key: the one from the latest file (files are read oldest first)."""
    frame = pd.DataFrame(rows, columns=[*TABLES[name], "_ORDER"])
    for col in frame.columns:
        if col in DATES:
            frame[col] = pd.to_datetime(frame[col])
    keys = KEYS[name]
    latest = frame.sort_values("_ORDER", kind="stable").drop_duplicates(keys, keep="last")
    return latest.drop(columns="_ORDER").sort_values(keys).reset_index(drop=True)
