"""What the synthetic generators share: the spec of what to generate and date helpers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DAY = np.timedelta64(1, "D")
YEAR = 365.25


@dataclass(frozen=True)
class DemoSpec:
    """What to generate: months covered, random seed and population scale."""

    start: str = "2014-04"
    end: str = "2017-03"
    seed: int = 2017
    scale: float = 1.0
    # practice, as multipliers of the calibrated chances (a regional demo's LAs differ):
    recontact: float = 1.0  # a contacted child being contacted again within two weeks
    rereferral: float = 1.0  # a closed episode being referred again within a year

    @property
    def first_day(self) -> np.datetime64:
        return np.datetime64(pd.Period(self.start, "M").start_time.date(), "D")

    @property
    def extract_day(self) -> np.datetime64:
        return np.datetime64(pd.Period(self.end, "M").end_time.date(), "D")


def poisson_days(rng, rate_per_year: float, first, last) -> np.ndarray:
    """Event dates of a Poisson process with the given yearly rate between two days."""
    span = int((last - first) / DAY) + 1
    n = rng.poisson(rate_per_year * span / YEAR)
    return np.sort(first + rng.integers(0, span, n) * DAY)


def dates(values: np.ndarray, extract) -> pd.Series:
    """Days as pandas dates, blank (NaT) where after the extract day."""
    values = np.asarray(values, dtype="datetime64[D]")
    return pd.Series(
        np.where(values <= extract, values, np.datetime64("NaT")), dtype="datetime64[s]"
    )


def ids(prefix: str, start: int, n: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(start, start + n).astype(str), 8))


def id_strings(prefix: str, numbers: np.ndarray) -> pd.Series:
    """Numbers as zero-padded identifiers (`C00000001`), held as Arrow strings: millions of
    them at national scale cost a fraction of Python strings' memory."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.utf8_lpad(pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), 8, "0")
    joined = pc.binary_join_element_wise(prefix, text, "")
    return pd.Series(pd.arrays.ArrowStringArray(joined.cast(pa.large_string())))
