"""Report periods (`YYYY-MM`) and the windows measured from them."""

from __future__ import annotations

import re

import pandas as pd

from analysis.errors import BoardpackError

_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def is_period(text: str) -> bool:
    """True for a month written `YYYY-MM` (month 01 to 12)."""
    return bool(_PERIOD.match(str(text)))


def period_label(period: pd.Period | str) -> str:
    """A month as the reports name it: "March 2017"."""
    return f"{pd.Period(period, 'M'):%B %Y}"


def parse_period(text: str, today: pd.Timestamp | None = None) -> pd.Period:
    """`YYYY-MM`, or `latest` for the last complete calendar month before `today`."""
    if text == "latest":
        today = today or pd.Timestamp.today()
        return pd.Period(today, "M") - 1
    if not is_period(text):
        raise BoardpackError(f"period '{text}' is not a month (expected YYYY-MM or 'latest')")
    return pd.Period(text, "M")


def period_range(first: str, last: str) -> list[pd.Period]:
    """Every month from `first` to `last` inclusive (a backfill)."""
    a, b = parse_period(first), parse_period(last)
    if b < a:
        raise BoardpackError(f"--to {last} is before --from {first}")
    return list(pd.period_range(a, b, freq="M"))


def period_end(period: pd.Period | str) -> pd.Timestamp:
    """The last day of the period (midnight)."""
    return pd.Period(period, "M").end_time.normalize()


def window(
    period: pd.Period | str, months: int, offset: int = 0
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the `months` months ending with `period` shifted back by `offset`
    months. `window("2017-03", 12)` is 1 April 2016 to 31 March 2017; with `offset=12` it is
    the 12 months before that."""
    last = pd.Period(period, "M") - offset
    first = last - (months - 1)
    return first.start_time.normalize(), last.end_time.normalize()


def months_back(period: pd.Period | str, months: int) -> pd.PeriodIndex:
    """The `months` months ending with `period`, oldest first."""
    last = pd.Period(period, "M")
    return pd.period_range(last - (months - 1), last, freq="M")


def quarter_ends(period: pd.Period | str, quarters: int) -> list[pd.Period]:
    """The last months of the `quarters` three-month windows ending with `period`, oldest
    first. Quarters end in the report's month (not calendar quarters): for March 2017,
    ..., December 2016, March 2017. `window(q, 3)` gives a quarter's first and last day."""
    last = pd.Period(period, "M")
    return [last - 3 * k for k in reversed(range(quarters))]


def is_open(start: pd.Series, end: pd.Series, day: pd.Timestamp) -> pd.Series:
    """Whether each period of involvement (an episode, a plan) is open on `day`: it started
    on or before `day` and has not ended on or before it. One that ends on `day` is closed
    that day."""
    return (start <= day) & (end.isna() | (end > day))


def first_month(dates: pd.Series) -> pd.Period:
    """The first month with a record (a period far in the future when there is none)."""
    first = dates.min()
    return pd.Period(first, "M") if pd.notna(first) else pd.Period("2999-12", "M")


def covers(dates: pd.Series, first: pd.Timestamp) -> bool:
    """Whether the records reach back to `first` (their first month is not after its month),
    so a figure over a window starting then counts every record it should."""
    return first_month(dates) <= pd.Period(first, "M")
