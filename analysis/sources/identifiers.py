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
    return _as_before(out.mask(out == ""), values)


def _as_before(out: pd.Series, values: pd.Series) -> pd.Series:
    """`out` in the dtype `values` had (an object column keeps None for missing)."""
    if values.dtype == object:
        return out.astype(object).where(out.notna(), None)
    return out.astype(values.dtype)


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
    frames = [
        pd.DataFrame({"SOURCE": sources.get(name, name),
                      "ID": pd.unique(frame["CHILD"].dropna().astype(str))})
        for name, frame in tables.items()
        if isinstance(frame, pd.DataFrame) and "CHILD" in frame and not frame.empty
    ]  # fmt: skip
    if not frames:
        return
    ids = pd.concat(frames, ignore_index=True).drop_duplicates()
    if not ids["ID"].str.startswith("0").any():  # most folders stop here
        return
    ids = ids[ids["ID"].str.fullmatch(r"\d+").to_numpy()].copy()
    ids["KEY"] = _unpadded(ids["ID"])
    forms = ids.groupby("KEY")["ID"].nunique()
    ids = ids[ids["KEY"].isin(forms.index[forms > 1])]
    if ids.empty:
        return
    per_source = ids.groupby(["SOURCE", "KEY"])["ID"].nunique()
    clash = sorted(per_source[per_source > 1].index.get_level_values("SOURCE").unique())
    pairs = ids.merge(ids, on="KEY", suffixes=("_A", "_B"))
    pairs = pairs[(pairs["SOURCE_A"] < pairs["SOURCE_B"]) & (pairs["ID_A"] != pairs["ID_B"])]
    for (a, b), found in pairs.groupby(["SOURCE_A", "SOURCE_B"], sort=True):
        count = found["KEY"].nunique()
        first = found.sort_values(["KEY", "ID_A", "ID_B"]).iloc[0]
        done = (
            f"not matched, as {' and '.join(clash)} itself holds identifiers that differ only "
            "by leading zeros"
            if clash
            else "matched as one child each"
        )
        report.warning(
            f"{a}, {b}",
            f"{count:,} {'child' if count == 1 else 'children'} whose identifiers differ only "
            f"by leading zeros between the two sources: {done}",
            column="CHILD",
            values=[f"{first['ID_A']} / {first['ID_B']}"],
        )
    if clash:
        return
    for frame in tables.values():
        if isinstance(frame, pd.DataFrame) and "CHILD" in frame:
            frame["CHILD"] = _as_before(_unpadded(frame["CHILD"].astype("string")), frame["CHILD"])
