"""What the synthetic generators share: the spec of what to generate and date helpers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DAY = np.timedelta64(1, "D")
YEAR = 365.25


#: The demo world's calendar. It starts in April 2014 (with the history before it that the
#: extracts need), is calibrated to the board's papers for the three years to March 2017,
#: and goes on a year (April to March) at a time after that: each later year is generated
#: from its own random stream (the seed and the year), so what happened by a date never
#: depends on how far the extract reaches.
ORIGIN = "2014-04"
CALIBRATED_END = "2017-03"


def month_end(month: str) -> np.datetime64:
    return np.datetime64(pd.Period(month, "M").end_time.date(), "D")


#: Days the calibrated story is anchored to: the first day of the world, the last day of
#: the calibrated years.
FIRST_DAY = np.datetime64(pd.Period(ORIGIN, "M").start_time.date(), "D")
CALIBRATED_DAY = month_end(CALIBRATED_END)


@dataclass(frozen=True)
class DemoSpec:
    """What to generate: the extract's first and last months, random seed and population
    scale. The world is the same whatever the months: `end` is where the extract is cut
    (nothing after its last day is known), `start` the first month of the monthly extracts
    (staffing, caseloads; the world itself begins in April 2014, `ORIGIN`). `cut`, when
    given, is the extract's last month for a generator asked to run to `end`; `id_offset`
    is added to the numbers of the children it makes (a later year's are new children)."""

    start: str = ORIGIN
    end: str = CALIBRATED_END
    seed: int | tuple = 2017
    scale: float = 1.0
    cut: str | None = None
    id_offset: int = 0
    # practice, as multipliers of the calibrated chances (a regional demo's LAs differ):
    recontact: float = 1.0  # a contacted child being contacted again within two weeks
    rereferral: float = 1.0  # a closed episode being referred again within a year
    agency: float = 1.0  # agency social workers, beside the calibrated quarter of practitioners

    @property
    def first_day(self) -> np.datetime64:
        return np.datetime64(pd.Period(self.start, "M").start_time.date(), "D")

    @property
    def extract_day(self) -> np.datetime64:
        """The last day the generator runs to (its horizon)."""
        return month_end(self.end)

    @property
    def cut_day(self) -> np.datetime64:
        """The extract's last day: later dates are blank, later records left out."""
        return month_end(self.cut or self.end)


def progress(days, first=FIRST_DAY, last=CALIBRATED_DAY) -> np.ndarray:
    """How far each day is through the calibrated years (0 before, 1 after): the board's
    trends (agency cover falling, audit agreement improving) run over those years and hold
    after them."""
    return np.clip((np.asarray(days) - first) / (last - first), 0, 1)


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
