"""Identifiers (child, mother, family, employee) read the same way from every source, and
children whose identifier differs between sources only by leading zeros found and matched.

An identifier is compared as written, less what cannot be seen: white space at either end
(spaces, tabs, non-breaking spaces) and zero-width characters anywhere (zero-width space,
joiners, word joiner, byte-order mark). Case and leading zeros are kept: `C1` and `c1`, or
`050000001` and `50000001`, are different strings. A spreadsheet that drops the leading zero
of every identifier is common, though, so where the children of two sources differ only that
way the match is reported and made (see `match_leading_zeros`).
"""

from __future__ import annotations

import pandas as pd

from analysis.errors import ValidationReport
from analysis.sources._table import INVISIBLE as _INVISIBLE

#: The identifier columns of the internal tables.
ID_COLUMNS = ("CHILD", "FAMILY_ID", "EMPLOYEE_ID", "WORKER_ID")


def normalise(text: str) -> str:
    """One identifier as boardpack compares it: zero-width characters removed, white space
    (including non-breaking spaces) stripped from both ends."""
    return _INVISIBLE.sub("", text).strip()


def normalise_series(values: pd.Series) -> pd.Series:
    """`normalise` over a column of identifiers (missing values stay missing; a value left
    empty becomes missing)."""
    if values.empty or not (
        pd.api.types.is_string_dtype(values) or pd.api.types.is_object_dtype(values)
    ):
        return values
    text = values.astype("string")
    out = text.str.replace(_INVISIBLE, "", regex=True).str.strip()
    return out.mask(out == "").astype(values.dtype if values.dtype != object else "string")


def normalise_tables(tables: dict[str, pd.DataFrame]) -> None:
    """Normalise the identifier columns of every table, in place."""
    for frame in tables.values():
        if not isinstance(frame, pd.DataFrame):
            continue
        for col in ID_COLUMNS:
            if col in frame:
                frame[col] = normalise_series(frame[col])


def _unpadded(values: pd.Series) -> pd.Series:
    """All-digit identifiers without their leading zeros (others unchanged)."""
    digits = values.str.fullmatch(r"\d+").fillna(False)
    return values.mask(digits, values.str.lstrip("0").replace("", "0"))


def match_leading_zeros(
    tables: dict[str, pd.DataFrame], sources: dict[str, str], report: ValidationReport
) -> None:
    """Children written with leading zeros in one source and without in another
    (`050000001` and `50000001`): a warning naming both sources and how many children, and
    the identifiers matched - every all-digit CHILD in every table written without its
    leading zeros - so that a child counts as one child. When one source itself holds two
    identifiers that differ only by leading zeros (two children, then), nothing is changed
    and the warning says so. `sources` names the source of each table."""
    by_source: dict[str, set[str]] = {}
    for name, frame in tables.items():
        if isinstance(frame, pd.DataFrame) and "CHILD" in frame and not frame.empty:
            ids = set(frame["CHILD"].dropna().astype(str))
            by_source.setdefault(sources.get(name, name), set()).update(ids)
    names = sorted(by_source)
    pairs = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            only_a = pd.Series(sorted(by_source[a] - by_source[b]), dtype="string")
            only_b = pd.Series(sorted(by_source[b] - by_source[a]), dtype="string")
            both = set(_unpadded(only_a)) & set(_unpadded(only_b))
            both.discard(pd.NA)
            if both:
                example = only_a[_unpadded(only_a) == min(both)].iloc[0]
                other = only_b[_unpadded(only_b) == min(both)].iloc[0]
                pairs.append((a, b, len(both), example, other))
    if not pairs:
        return
    clash = [
        s for s, ids in by_source.items()
        if _unpadded(pd.Series(sorted(ids), dtype="string")).duplicated().any()
    ]  # fmt: skip
    for a, b, count, example, other in pairs:
        done = (
            f"not matched, as {' and '.join(sorted(clash))} itself holds identifiers that "
            "differ only by leading zeros"
            if clash
            else "matched as one child each"
        )
        report.warning(
            f"{a}, {b}",
            f"{count:,} {'child' if count == 1 else 'children'} whose identifiers differ only "
            f"by leading zeros between the two sources: {done}",
            column="CHILD",
            values=[f"{example} / {other}"],
        )
    if clash:
        return
    for frame in tables.values():
        if isinstance(frame, pd.DataFrame) and "CHILD" in frame:
            frame["CHILD"] = _unpadded(frame["CHILD"].astype("string")).astype(
                frame["CHILD"].dtype if frame["CHILD"].dtype != object else "string"
            )
