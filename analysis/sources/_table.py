"""Reading one CSV export into a typed DataFrame, recording every problem on the way.

Copes with what real exports do: a byte-order mark, Windows line endings, trailing blank
lines, extra columns, headers with stray spaces or other case, and codes written `1.0`.
Every data row keeps its spreadsheet row number (header = row 1) in the column `_ROW`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import ERROR, UNKNOWN, WARNING, ValidationReport

DATE_HINT = (
    "not a real date (expected dd/mm/yyyy; yyyy-mm-dd, dd-Mon-yyyy and Excel's date-times at "
    "midnight are also read)"
)
#: A time of day that is exactly midnight, as Excel writes dates it saved as date-times.
_MIDNIGHT = re.compile(r"[ T]00:00(:00(\.0+)?)?$")
ROW = "_ROW"
#: A code outside its list (a DfE list): a warning, and the cell counts as unknown (blank).
CODE_RULE = "code not in the DfE list"
#: Characters that print as nothing (zero-width space, joiners, word joiner, BOM): removed
#: from every cell, as white space is stripped from both ends (see sources/identifiers.py).
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_FLOAT_CODE = re.compile(r"^(-?\d+)\.0+$")


@dataclass(frozen=True)
class Column:
    """One column of an input file.

    kind: `text`, `code` (upper-cased, `1.0` read as `1`), `date` (dd/mm/yyyy or ISO),
    `number`, or `month` (yyyy-mm, read as the month's first day). `codes` names a list
    checked with a warning.
    """

    name: str
    kind: str = "text"
    required: bool = True
    blank_ok: bool = True
    codes: tuple[str, ...] | None = None
    #: a date that is not a date is a warning and counts as unknown (blank), not an error:
    #: for dates whose blank means nothing else (not a start, an end or a key)
    unknown_ok: bool = False


def read_text(path: Path) -> str:
    """File contents as text: UTF-8 (with or without BOM), falling back to Windows-1252."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_csv(
    path: Path, columns: list[Column], report: ValidationReport, label: str
) -> pd.DataFrame | None:
    """Read and type one CSV file; returns None when the file cannot be used at all.

    Blank rows carry no data and are skipped; every other row is kept, with problems
    recorded in `report` against `label` (the name the user knows the file by).
    """
    try:
        text = read_text(path)
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        report.error(label, "file is empty (expected a header row)", rows=[1])
        return None
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        report.error(label, f"could not be read as CSV: {_parser_reason(exc)}")
        return None

    frame.columns = [str(c).replace("\ufeff", "").strip().upper() for c in frame.columns]
    if frame.columns.duplicated().any():
        dupes = sorted(set(frame.columns[frame.columns.duplicated()]))
        report.error(label, "column appears more than once", rows=[1] * len(dupes), values=dupes)
        return None
    known = {c.name for c in columns}
    missing = [c.name for c in columns if c.required and c.name not in frame.columns]
    for name in missing:
        report.error(label, "required column missing", column=name, rows=[1])
    extra = [c for c in frame.columns if c not in known]
    if extra:
        report.warning(label, "column not used; ignored", rows=[1] * len(extra), values=extra)
    if missing:
        return None

    frame[ROW] = np.arange(2, len(frame) + 2)
    present = [c.name for c in columns if c.name in frame.columns]
    frame = frame[present + [ROW]]
    data = frame[present]
    if INVISIBLE.search(text):  # rare: the whole file is searched once first
        data = data.apply(lambda s: s.str.replace(INVISIBLE, "", regex=True))
    data = data.apply(lambda s: s.str.strip())
    blank_rows = (data == "").all(axis=1)
    frame = frame.loc[~blank_rows].reset_index(drop=True)
    data = data.loc[~blank_rows].reset_index(drop=True)

    out = pd.DataFrame({ROW: frame[ROW].to_numpy()})
    for col in columns:
        if col.name not in data.columns:
            out[col.name] = pd.Series([pd.NA] * len(out), dtype="string")
            continue
        out[col.name] = _typed(data[col.name], col, out[ROW], report, label)
    return out


def _parser_reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
    if match:
        want, line, saw = match.groups()
        return f"row {line} has {saw} fields but the header has {want}"
    return text


def _typed(
    raw: pd.Series, col: Column, rows: pd.Series, report: ValidationReport, label: str
) -> pd.Series:
    blank = raw == ""
    if not col.blank_ok and blank.any():
        report.error(label, "value required", column=col.name, rows=rows[blank], values=raw[blank])
    if col.kind == "date":
        return parse_dates(raw, col.name, rows, report, label, unknown_ok=col.unknown_ok)
    if col.kind == "number":
        values = pd.to_numeric(raw.where(~blank), errors="coerce")
        bad = ~blank & values.isna()
        report.error(label, "not a number", column=col.name, rows=rows[bad], values=raw[bad])
        return values.astype("float64")
    if col.kind == "month":
        values = pd.to_datetime(raw.where(~blank), format="%Y-%m", errors="coerce")
        bad = ~blank & values.isna()
        report.error(
            label,
            "not a month (expected yyyy-mm)",
            column=col.name,
            rows=rows[bad],
            values=raw[bad],
        )
        return values.astype("datetime64[ns]")
    if col.kind == "code":
        values = by_distinct(
            raw, lambda u: u.str.replace(_FLOAT_CODE, r"\1", regex=True).str.upper()
        )
        unknown = pd.Series(False, index=raw.index)
        if col.codes is not None:
            unknown = ~blank & ~values.isin(col.codes)
            if unknown.any():
                report.warning(
                    label,
                    f"{CODE_RULE}: {UNKNOWN}",
                    column=col.name,
                    rows=rows[unknown],
                    values=raw[unknown],
                )
        return values.where(~blank & ~unknown).astype("string")
    return raw.where(~blank).astype("string")


def by_distinct(raw: pd.Series, convert) -> pd.Series:
    """Apply `convert` (a Series -> Series function) to each distinct value once and spread
    the results back: extracts repeat the same few codes and dates millions of times."""
    codes, distinct = pd.factorize(raw, use_na_sentinel=True)
    if len(distinct) == 0:  # every value missing: convert one missing value for the dtype
        distinct = pd.Series([None], dtype=raw.dtype)
    converted = convert(pd.Series(distinct)).to_numpy()
    out = converted.take(np.where(codes >= 0, codes, 0))
    result = pd.Series(out, index=raw.index)
    return result.where(codes >= 0)


def parse_dates(
    raw: pd.Series,
    name: str,
    rows: pd.Series,
    report: ValidationReport,
    label: str,
    unknown_ok: bool = False,
) -> pd.Series:
    """Dates as dd/mm/yyyy (DfE), ISO yyyy-mm-dd or dd-Mon-yyyy (20-May-2017), each also with
    a time of exactly midnight as Excel saves dates ("2017-03-31 00:00:00", "31/03/2017
    00:00"). Anything else - a time that is not midnight, a two-digit year, mm/dd order - is
    an error, never a guess (with `unknown_ok`, a warning: the date counts as unknown)."""
    blank = raw == ""

    def parse(distinct: pd.Series) -> pd.Series:
        text = distinct.str.replace(_MIDNIGHT, "", regex=True)
        out = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
        for fmt in ("%Y-%m-%d", "%d-%b-%Y"):
            out = out.fillna(pd.to_datetime(text, format=fmt, errors="coerce"))
        return out

    values = by_distinct(raw.where(~blank), parse)
    bad = ~blank & values.isna()
    if unknown_ok:
        report.add(WARNING, label, f"{DATE_HINT}: {UNKNOWN}", column=name, rows=rows[bad],
                   values=raw[bad])  # fmt: skip
    else:
        report.error(label, DATE_HINT, column=name, rows=rows[bad], values=raw[bad])
    return values.astype("datetime64[ns]")


def shown_dates(values: pd.Series) -> pd.Series:
    """Dates as the user typed them in a DfE return (dd/mm/yyyy); blank when missing."""
    return values.dt.strftime("%d/%m/%Y").fillna("")


def load_file(
    data_dir: Path, name: str, columns: list[Column], report: ValidationReport, *, required: bool
) -> pd.DataFrame | None:
    """Read `data_dir/name`; a missing required file is an error, a missing optional one a note."""
    path = data_dir / name
    if not path.exists():
        if required:
            report.error(name, "required file missing")
        else:
            report.notes.append(f"{name}: optional file not present; reports that use it say so")
        return None
    return read_csv(path, columns, report, name)


def report_rows(
    report: ValidationReport,
    severity: str,
    label: str,
    rule: str,
    frame: pd.DataFrame,
    mask: pd.Series,
    column: str,
    shown: pd.Series | None = None,
) -> None:
    """Record `rule` for every row of `frame` where `mask` holds, showing `column`'s value."""
    if not mask.any():
        return
    values = (frame[column] if shown is None else shown)[mask]
    if pd.api.types.is_datetime64_any_dtype(values):
        values = shown_dates(values)
    report.add(severity, label, rule, column=column, rows=frame.loc[mask, ROW], values=values)


def one_of(
    frame: pd.DataFrame, col: str, allowed: list[str], report: ValidationReport, label: str
) -> None:
    """An error for every row whose `col` is neither blank nor one of `allowed`."""
    bad = frame[col].notna() & ~frame[col].isin(allowed)
    report_rows(
        report, ERROR, label, f"must be one of {', '.join(allowed)} or blank", frame, bad, col
    )


def yes_no(frame: pd.DataFrame, col: str, report: ValidationReport, label: str) -> None:
    """A Y/N column read as people write it (Yes/No too), in place; anything else an error."""
    frame[col] = frame[col].replace({"YES": "Y", "NO": "N"})
    one_of(frame, col, ["Y", "N"], report, label)


def map_labels(
    values: pd.Series,
    mapping: dict[str, str],
    categories: list[str],
    report: ValidationReport,
    label: str,
    column: str,
    rows: pd.Series,
    map_file: str,
) -> pd.Series:
    """Map local labels to standard categories, ignoring case and surrounding spaces.

    Category codes themselves are always accepted. An unmapped label is a warning naming the
    label, how many rows carry it and the map file to edit (`map_file`), and maps to OTHER.
    Blank stays blank.
    """
    key = values.astype("string").str.strip().str.upper()
    lookup = {c: c for c in categories} | mapping
    mapped = key.map(lookup)
    unmapped = key.notna() & (key != "") & mapped.isna()
    for text, count in values[unmapped].str.strip().value_counts().items():
        first = rows[unmapped & (values.str.strip() == text)].iloc[0]
        report.warning(
            label,
            f"label not in params/{map_file}; counted as OTHER ({count:,} rows) - add it to "
            "that file with its category",
            column=column,
            rows=[first],
            values=[text],
        )
    return mapped.mask(unmapped, "OTHER").astype("string")
