"""Names matched as people write them: one rule for sample names, team names and labels."""

from __future__ import annotations

import pandas as pd


def key(values: pd.Series) -> pd.Series:
    """Names compared as people mean them: case, surrounding spaces and runs of inner
    spaces ignored ("NFA Dip  Sample " and "nfa dip sample" are one name)."""
    return values.astype("string").str.strip().str.replace(r"\s+", " ", regex=True).str.casefold()


def same(values: pd.Series, name: str) -> pd.Series:
    """Which of `values` are `name`, compared by `key`."""
    return key(values) == key(pd.Series([name])).iloc[0]
