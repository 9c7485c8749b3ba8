"""Fast membership tests on large string columns (pandas' own `isin` on Arrow-backed strings
builds a Python list and is slow at national scale)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def member(values: pd.Series, pool) -> np.ndarray:
    """Boolean array: whether each value is in `pool` (nulls are never members)."""
    pool = pd.Series(pool).dropna().unique()
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    found = pc.is_in(_arrow(values), value_set=_arrow(pd.Series(pool)))
    return found.fill_null(False).to_numpy(zero_copy_only=False)


def _arrow(values: pd.Series) -> pa.Array:
    try:
        array = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = pa.array(values.astype(object), from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.cast(pa.large_string()) if pa.types.is_string(array.type) else array
