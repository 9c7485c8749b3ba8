"""Working days: Monday to Friday, excluding England and Wales bank holidays.

Bank holidays come from the maintained `holidays` package (subdivision ENG), never a
hand-typed list.
"""

from __future__ import annotations

from functools import cache

import holidays
import numpy as np
import pandas as pd


@cache
def bank_holidays(first_year: int, last_year: int) -> np.ndarray:
    """England and Wales bank holidays in the years given, as numpy datetime64[D]."""
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


def _calendar(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Bank holidays from the year before the earliest date given to the year after the
    latest (numpy datetime64[D] arrays; NaT ignored)."""
    dates = np.concatenate([start, end])
    years = dates[~np.isnat(dates)].astype("datetime64[Y]").astype(int) + 1970
    first, last = (int(years.min()), int(years.max())) if len(years) else (2000, 2000)
    return bank_holidays(first - 1, last + 1)


def working_days(start, end) -> np.ndarray:
    """Working days from `start` to `end` inclusive (0 when end is before start).

    Accepts scalars or array-likes of dates; returns an integer array.
    """
    s = pd.to_datetime(pd.Series(np.atleast_1d(start))).to_numpy("datetime64[D]")
    e = pd.to_datetime(pd.Series(np.atleast_1d(end))).to_numpy("datetime64[D]")
    counts = np.busday_count(s, e + np.timedelta64(1, "D"), holidays=_calendar(s, e))
    return np.maximum(counts, 0)


def working_day_index(first: str, last: str) -> pd.DatetimeIndex:
    """Every working day from `first` to `last` inclusive."""
    hol = bank_holidays(pd.Timestamp(first).year, pd.Timestamp(last).year)
    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
    return pd.DatetimeIndex(days[np.is_busday(days, holidays=hol)])


def add_working_days(dates: pd.Series, days: int) -> pd.Series:
    """Each date moved on `days` working days (a date that is not a working day first rolls
    forward to the next one); missing dates stay missing."""
    known = dates.notna()
    out = pd.Series(pd.NaT, index=dates.index, dtype="datetime64[ns]")
    if known.any():
        start = dates[known].to_numpy("datetime64[D]")
        years = pd.DatetimeIndex(dates[known]).year
        hol = bank_holidays(int(years.min()), int(years.max()) + 1)
        out[known] = pd.to_datetime(np.busday_offset(start, days, roll="forward", holidays=hol))
    return out
