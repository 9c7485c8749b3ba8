"""DfE Explore Education Statistics (EES) tidy CSV files, and the statistical-neighbour
grouping.

EES files share one layout: `time_period`, `time_identifier`, `geographic_level`,
`country_code`, `region_code`, `region_name`, `old_la_code`, `new_la_code`, `la_name`, then
filters and measures. Suppression and other symbols (`c`, `x`, `z`, `k`, `low`, `u`) are read
as missing - never as zero - with the symbol kept in a companion column `<measure>_symbol`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import BoardpackError
from analysis.sources._table import read_text

SYMBOLS = {"c", "x", "z", "k", "low", "u"}


def load(path: Path, measures: list[str]) -> pd.DataFrame:
    """An EES file with the given measure columns as numbers (symbols -> NaN plus
    `<measure>_symbol`), other columns as text. A missing key or measure column is an error."""
    path = Path(path)
    try:
        frame = pd.read_csv(io.StringIO(read_text(path)), dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise BoardpackError(f"{path.name}: could not be read as an EES CSV ({exc})") from None
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = [c for c in ["time_period", "geographic_level", *measures] if c not in frame]
    if missing:
        raise BoardpackError(
            f"{path.name}: missing column(s) {', '.join(missing)}; is this the right EES file?"
        )
    for col in frame.columns:
        frame[col] = frame[col].str.strip()
    for m in measures:
        raw = frame[m]
        symbol = raw.str.lower().where(raw.str.lower().isin(SYMBOLS))
        values = pd.to_numeric(raw.where(symbol.isna() & (raw != "")), errors="coerce")
        bad = values.isna() & symbol.isna() & (raw != "")
        if bad.any():
            raise BoardpackError(
                f"{path.name} row {int(np.flatnonzero(bad)[0]) + 2}, {m} "
                f"'{raw[bad].iloc[0]}': not a number or an EES symbol"
            )
        frame[m] = values
        frame[f"{m}_symbol"] = symbol
    frame["time_period"] = frame["time_period"].astype(str)
    return frame


def select(
    frame: pd.DataFrame,
    level: str | None = None,
    la: str | None = None,
    years: list[str] | None = None,
) -> pd.DataFrame:
    """Rows at a geographic level (National, Regional, Local authority), for one LA (matched
    on new_la_code, old_la_code or name, ignoring case) and/or for some years."""
    rows = frame
    if level:
        rows = rows[rows["geographic_level"].str.lower() == level.lower()]
    if la:
        key = str(la).strip().lower()
        rows = rows[
            (rows.get("new_la_code", "").str.lower() == key)
            | (rows.get("old_la_code", "").str.lower() == key)
            | (rows.get("la_name", "").str.lower() == key)
        ]
    if years:
        rows = rows[rows["time_period"].isin([str(y) for y in years])]
    return rows


def load_neighbours(path: Path) -> dict[str, list[str]]:
    """Each LA's ten statistical neighbours, by old LA number: {'344': ['343', ...]}."""
    path = Path(path)
    rows = list(csv.reader(io.StringIO(read_text(path))))
    if not rows:
        raise BoardpackError(f"{path.name}: empty file")
    header = [h.strip().lower() for h in rows[0]]
    try:
        la_col = header.index("la num")
        sn_cols = [header.index(f"sn{i}") for i in range(1, 11)]
    except ValueError:
        raise BoardpackError(f"{path.name}: expected columns 'LA num' and SN1 to SN10") from None
    groups = {}
    for row in rows[1:]:
        if len(row) <= max(sn_cols) or not row[la_col].strip():
            continue
        groups[row[la_col].strip()] = [row[c].strip() for c in sn_cols if row[c].strip()]
    return groups
