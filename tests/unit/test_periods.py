"""Periods, quarters ending in the report's month, and 'open on a date'."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import BoardpackError
from analysis.periods import is_open, is_period, parse_period, period_label, quarter_ends, window


def test_a_period_is_a_real_month():
    assert is_period("2017-03") and is_period("2017-12")
    assert not is_period("2017-13") and not is_period("2017-00") and not is_period("17-03")
    with pytest.raises(BoardpackError, match="not a month"):
        parse_period("2017-13")
    assert period_label("2017-03") == "March 2017"


def test_quarters_end_in_the_report_month():
    ends = quarter_ends("2017-02", 3)
    assert [str(q) for q in ends] == ["2016-08", "2016-11", "2017-02"]
    # the last quarter is December 2016 to February 2017
    assert window(ends[-1], 3) == (pd.Timestamp("2016-12-01"), pd.Timestamp("2017-02-28"))


def test_open_on_a_date():
    start = pd.Series(pd.to_datetime(["2017-01-01", "2017-01-01", "2017-03-31", "2017-04-01"]))
    end = pd.Series(pd.to_datetime(["2017-03-31", None, None, None]))
    # ends on the day: closed; open-ended: open; starts on the day: open; starts after: not
    assert is_open(start, end, pd.Timestamp("2017-03-31")).tolist() == [False, True, True, False]
