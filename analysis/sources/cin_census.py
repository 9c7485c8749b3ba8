"""The DfE children in need census XML (one file per year in `cin_census/`): children in need
and protection-plan periods, and referrals, from the return every English LA already makes.

Parsed safely with defusedxml: a DTD, entity expansion or external reference is refused with
one clear line, never followed. Several years combine; where two returns hold the same
referral (child and referral date) or plan (child and start date), the later return wins.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse

from analysis.errors import ValidationReport

FOLDER = "cin_census"
#: Collection years (the year of 31 March) this reader knows: 2016-17 to 2025-26 (the
#: 2017-18 to 2025-26 schemas, and 2016-17, whose elements used here are the same).
YEARS = range(2017, 2027)
TRUE = {"1", "true", "y", "yes"}


def present(data_dir: Path) -> bool:
    return any((Path(data_dir) / FOLDER).glob("*.xml"))


def _date(text: str | None) -> pd.Timestamp | None:
    return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce") if text else None


class _Reader:
    """One file: values by element path, and problems as 'file, line, path: value: rule'."""

    def __init__(self, path: Path, report: ValidationReport):
        self.path, self.report, self.ok = path, report, True

    def problem(self, where: str, rule: str, value: str | None = None) -> None:
        self.ok = False
        self.report.error(f"{FOLDER}/{self.path.name}", rule, column=where, values=[value])

    def date(self, node: Element, name: str, where: str) -> pd.Timestamp | None:
        text = (node.findtext(name) or "").strip()
        value = _date(text)
        if text and (value is None or pd.isna(value)):
            self.problem(f"{where}/{name}", "not a date (expected yyyy-mm-dd)", text)
            return None
        return value


def _parse(path: Path, report: ValidationReport) -> Element | None:
    label = f"{FOLDER}/{path.name}"
    try:
        root = parse(path, forbid_dtd=True, forbid_entities=True, forbid_external=True).getroot()
    except DefusedXmlException as exc:
        report.error(label, f"refused: the file declares a DTD or entities ({type(exc).__name__})")
        return None
    except ParseError as exc:
        report.error(label, f"not well-formed XML ({exc})")
        return None
    if root.tag != "Message":
        report.error(label, f"the root element is <{root.tag}>, not <Message>: not a CIN census")
        return None
    year = (root.findtext("Header/CollectionDetails/Year") or "").strip()
    if not year.isdigit() or int(year) not in YEARS:
        report.error(
            label,
            f"unknown census year {year!r} (this reader knows {YEARS[0] - 1}-"
            f"{str(YEARS[0])[2:]} to {YEARS[-1] - 1}-{str(YEARS[-1])[2:]})",
        )
        return None
    return root


def _later_wins(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per key: the one from the latest file (files are read oldest first)."""
    latest = frame.sort_values("_ORDER", kind="stable").drop_duplicates(keys, keep="last")
    return latest.drop(columns="_ORDER").sort_values(keys).reset_index(drop=True)


def load(data_dir: Path, report: ValidationReport) -> dict[str, pd.DataFrame]:
    """The census files' children in need periods and protection plans (as `cin_cp`: CHILD,
    DOB, TYPE, START, END) and referrals (CHILD, DOB, REFERRAL_DATE, SOURCE, NFA,
    CLOSURE_DATE, CLOSURE_REASON). A child's DOB is PersonBirthDate, or for an unborn child
    ExpectedPersonBirthDate. Nothing is returned from a file with any error."""
    periods, referrals = [], []
    for order, path in enumerate(sorted((Path(data_dir) / FOLDER).glob("*.xml"))):
        root = _parse(path, report)
        if root is None:
            continue
        r = _Reader(path, report)
        rows_p, rows_r = [], []
        for i, child in enumerate(root.iterfind("Children/Child"), start=1):
            where = f"Child[{i}]"
            ids = child.find("ChildIdentifiers")
            if ids is None or not (ids.findtext("LAchildID") or "").strip():
                r.problem(f"{where}/ChildIdentifiers/LAchildID", "required")
                continue
            key = ids.findtext("LAchildID").strip()
            dob = r.date(ids, "PersonBirthDate", f"{where}/ChildIdentifiers")
            if dob is None:
                dob = r.date(ids, "ExpectedPersonBirthDate", f"{where}/ChildIdentifiers")
            for j, cin in enumerate(child.iterfind("CINdetails"), start=1):
                here = f"{where}/CINdetails[{j}]"
                start = r.date(cin, "CINreferralDate", here)
                if start is None:
                    r.problem(f"{here}/CINreferralDate", "required")
                    continue
                end = r.date(cin, "CINclosureDate", here)
                rows_p.append((key, dob, "CIN", start, end, order))
                rows_r.append(
                    (
                        key,
                        dob,
                        start,
                        (cin.findtext("ReferralSource") or "").strip() or None,
                        (cin.findtext("ReferralNFA") or "").strip().lower() in TRUE,
                        end,
                        (cin.findtext("ReasonForClosure") or "").strip() or None,
                        order,
                    )
                )
                for k, plan in enumerate(cin.iterfind("ChildProtectionPlans"), start=1):
                    at = f"{here}/ChildProtectionPlans[{k}]"
                    begun = r.date(plan, "CPPstartDate", at)
                    if begun is not None:
                        rows_p.append(
                            (key, dob, "CP", begun, r.date(plan, "CPPendDate", at), order)
                        )
        if r.ok:
            periods += rows_p
            referrals += rows_r
    cin_cp = pd.DataFrame(periods, columns=["CHILD", "DOB", "TYPE", "START", "END", "_ORDER"])
    refs = pd.DataFrame(
        referrals,
        columns=[
            "CHILD",
            "DOB",
            "REFERRAL_DATE",
            "SOURCE",
            "NFA",
            "CLOSURE_DATE",
            "CLOSURE_REASON",
            "_ORDER",
        ],
    )
    for frame in (cin_cp, refs):
        for col in frame.columns:
            if col in ("DOB", "START", "END", "REFERRAL_DATE", "CLOSURE_DATE"):
                frame[col] = pd.to_datetime(frame[col])
    return {
        "cin_cp": _later_wins(cin_cp, ["CHILD", "TYPE", "START"]),
        "referrals": _later_wins(refs, ["CHILD", "REFERRAL_DATE"]),
    }
