"""The dashboard's pieces: CSV for Excel (byte-order mark, no formula injection), charts with
shapes as well as colours, and changes in words."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.measures.spc import COMMON, CONCERN
from analysis.measures.verdict import judge
from analysis.presentation import dashboard as dash


def framed(points: pd.Series, better: str, kind: str = "flow") -> pd.DataFrame:
    """The dashboard's chart data for `points` as the landing page builds it: from the
    board's one verdict (`verdict.judge`), here with SPC from two points."""
    v = judge(
        points,
        points.iloc[-1],
        period=f"{points.index[-1]:%Y-%m}",
        series_kind=kind,
        better=better,
        min_points=2,
    )
    return dash.chart_frame(points, v.chart)


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_neutralised():
    for text in ("=HYPERLINK(1)", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"):
        assert dash.safe_cell(text) == "'" + text
    assert dash.safe_cell("Children In Care Team") == "Children In Care Team"
    assert dash.safe_cell(-1.5) == "-1.5" and dash.safe_cell(-0.6600000000000001) == "-0.66"
    assert dash.safe_cell(None) == "" and dash.safe_cell(float("nan")) == ""


def test_the_csv_is_what_the_chart_shows_with_a_byte_order_mark():
    months = pd.period_range("2017-01", periods=3, freq="M")
    frame = framed(pd.Series([1.0, 2.0, 3.0], index=months), "lower")
    text = dash.csv_text("=Team A days", frame, "month", "decimal2")
    assert text.startswith("\ufeff")
    lines = text[1:].split("\r\n")
    assert lines[0] == "measure,month,value,mean,lower limit,upper limit,variation"
    # mean 2, average moving range 1, limits 2 -/+ 2.66
    assert lines[1] == "'=Team A days,2017-01,1,2,-0.66,4.66,common cause variation"
    assert len([line for line in lines if line]) == 4


def test_points_are_shaped_by_variation_and_the_chart_is_described():
    months = pd.period_range("2016-01", periods=13, freq="M")
    # alternating 8 and 12, then 30: mean 11.54, the 30's moving range is screened out, so
    # limits are 11.54 -/+ 2.66 x 4: only the last point is outside (lower is better)
    values = [8, 12] * 6 + [30]
    frame = framed(pd.Series(values, index=months, dtype=float), "lower")
    svg = dash.chart_svg("Days lost", frame, "decimal2", "month", "c1")
    assert svg.count('class="pt concern"') == 1 and svg.count('class="pt common"') == 12
    assert 'data-text="Jan 2017: 30.00, special cause variation: concern"' in svg
    assert 'role="img"' in svg and "13 monthly values, Jan 2016 to Jan 2017" in svg
    assert svg.count('class="limit"') == 2 and svg.count('class="mean"') == 1


def test_change_on_a_year_earlier_in_words():
    assert dash.change_words(0.238, 0.112, "percent") == "up from 11.2% a year earlier"
    assert dash.change_words(5, 5, "count") == "unchanged from 5 a year earlier"
    assert dash.change_words(5, None, "count") == "no figure a year earlier"


def test_the_chart_has_axes_dates_values_labelled_lines_and_the_target():
    months = pd.period_range("2016-01", periods=13, freq="M")
    # the same series as above: mean 11.54, limits 11.54 -/+ 2.66 x 4 = 0.90 and 22.18
    values = [8, 12] * 6 + [30]
    frame = framed(pd.Series(values, index=months, dtype=float), "lower")
    svg = dash.chart_svg("Days lost", frame, "decimal1", "month", "c1", target=10.0)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    # 13 months, one date label every 3rd counted back from the latest: Jan 2017, Oct, Jul,
    # Apr, Jan 2016
    assert [t for t in texts if re.fullmatch(r"[A-Z][a-z]{2} \d{4}", t)] == [
        "Jan 2016", "Apr 2016", "Jul 2016", "Oct 2016", "Jan 2017"
    ]  # fmt: skip
    # at least three y-axis values, spanning every value and line (0.90 to 30)
    ticks = [float(t) for t in re.findall(r'class="tick y"[^>]*>([^<]*)<', svg)]
    assert len(ticks) >= 3 and min(ticks) <= 0.9 and max(ticks) >= 30 and "Month" in texts
    assert {"Mean 11.5", "Upper limit 22.2", "Lower limit 0.9", "Target 10.0"} <= set(texts)
    assert "Latest 30.0" in texts and "Target 10.0." in svg  # the description names it too
    assert svg.count('class="target"') == 1


def test_labels_on_the_right_never_overlap():
    # 100, 105 and 200 with a 14-unit gap: 105 moves down to 114; 200 stays
    assert dash._spread([105.0, 100.0, 200.0]) == [114.0, 100.0, 200.0]
    # near the x axis (at 220) the labels move up instead, clear of the dates under it: the
    # target at 218 and the latest at 220 would push the latest to 232; it stays at 220 and
    # the target moves up to 220 - 14 = 206
    assert dash._spread([218.0, 220.0], bottom=220.0) == [206.0, 220.0]


def test_a_quarterly_chart_says_quarter_ending_and_percent_ticks():
    quarters = pd.period_range("2015-03", periods=9, freq="Q").asfreq("M")
    frame = framed(pd.Series([0.1] * 8 + [0.3], index=quarters), "neutral")
    svg = dash.chart_svg("Share", frame, "percent", "quarter", "c2")
    assert ">Quarter ending</text>" in svg and ">Latest 30.0%</text>" in svg
    assert re.search(r">\d+%</text>", svg)  # y ticks as percentages


def test_the_dashboard_chart_is_the_verdicts_chart_and_draws_no_limits_of_its_own():
    months = pd.period_range("2016-01", periods=13, freq="M")
    points = pd.Series([8, 12] * 6 + [30], index=months, dtype=float)
    v = judge(points, 30.0, period="2017-01", series_kind="flow", better="lower")
    frame = dash.chart_frame(points, v.chart)
    # the verdict's chart: mean (8 x 6 + 12 x 6 + 30) / 13 = 150 / 13 = 11.538; the 30's
    # moving range (18) is screened out, leaving moving ranges of 4: limits 11.538 -/+ 2.66 x
    # 4 = 0.898 and 22.178; only the latest point is outside, a concern (lower is better)
    assert frame["mean"].round(3).unique().tolist() == [11.538]
    assert frame["lpl"].round(3).unique().tolist() == [0.898]
    assert frame["upl"].round(3).unique().tolist() == [22.178]
    assert frame["point_type"].tolist() == [COMMON] * 12 + [CONCERN]
    for col in ("value", "mean", "lpl", "upl", "point_type"):
        assert frame[col].tolist() == v.chart[col].tolist()
    # a running total gets no XmR verdict, so its chart has no mean, limits or point types
    total = judge(points.cumsum(), 150.0, period="2017-01", series_kind="cumulative")
    assert total.chart is None
    assert dash.chart_frame(points.cumsum(), total.chart).columns.tolist() == ["value"]


def test_a_chart_of_other_points_is_refused():
    months = pd.period_range("2016-01", periods=13, freq="M")
    points = pd.Series([8, 12] * 6 + [30], index=months, dtype=float)
    v = judge(points, 30.0, period="2017-01", series_kind="flow", better="lower")
    with pytest.raises(ValueError, match="not of these points"):
        dash.chart_frame(points.iloc[1:], v.chart)
