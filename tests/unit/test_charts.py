"""Charts: tick labels that never overlap, and p-values as a reader expects them."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis.measures.spc import xmr
from analysis.presentation import charts
from analysis.presentation.formats import p_value


def overlapping_labels(fig) -> list[tuple[str, str]]:
    fig.canvas.draw()
    ax = fig.axes[0]
    shown = [t for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
    boxes = [(t.get_text(), t.get_window_extent()) for t in shown]
    return [(a, b) for (a, x), (b, y) in zip(boxes, boxes[1:], strict=False) if x.overlaps(y)]


@pytest.mark.parametrize("n", [6, 13, 36, 37])
def test_monthly_charts_label_ticks_without_overlap_and_always_the_latest(n):
    months = pd.period_range(end="2017-03", periods=n, freq="M")
    frame = pd.DataFrame({"Long-term": range(n), "Short-term": range(n)}, index=months)
    values = pd.Series([float(i % 5) for i in range(n)], index=months)
    for fig, _ in (
        charts.stacked_bars(frame, "Days", "Days"),
        charts.line_with_interval(values, "Share", "%"),
        charts.spc_chart(xmr(values.to_numpy()).set_index(months), "SPC", "Days"),
    ):
        assert overlapping_labels(fig) == []
        labels = [t for t in fig.axes[0].get_xticklabels() if t.get_visible()]
        assert labels[-1].get_text() == "Mar 2017" and len(labels) <= 8
        # each label names the month plotted at its tick
        names = [f"{m:%b %Y}" for m in months]
        ticks = fig.axes[0].get_xticks()
        assert [names[round(t)] for t in ticks] == [t.get_text() for t in labels]
        plt.close(fig)


def test_p_values_below_one_in_a_thousand_are_not_printed_as_zero():
    assert p_value(0.0004) == "p < 0.001"
    assert p_value(0.001) == "p = 0.001"
    assert p_value(0.0234) == "p = 0.023"


def test_an_spc_chart_names_its_lines_and_its_latest_value():
    months = pd.period_range(end="2017-03", periods=12, freq="M")
    # alternating 8 and 12: mean 10, average moving range 4, limits 10 -/+ 2.66 x 4 = -0.64
    # and 20.64
    chart = xmr([8.0, 12.0] * 6).set_index(months)
    fig, _ = charts.spc_chart(chart, "Days", "Days", target=15)
    texts = {t.get_text() for t in fig.axes[0].texts}
    plt.close(fig)
    assert {"Upper limit 20.6", "Mean 10.0", "Lower limit -0.6", "Target 15"} <= texts
    assert "Mar 2017: 12.0" in texts


def test_a_line_and_bars_label_the_latest_value_and_a_missing_one_is_not_labelled():
    months = pd.period_range(end="2017-03", periods=3, freq="M")
    fig, _ = charts.line_with_interval(pd.Series([0.1, 0.2, 0.25], index=months), "S", "%")
    assert [t.get_text() for t in fig.axes[0].texts] == ["Mar 2017: 25.0%"]
    plt.close(fig)
    fig, _ = charts.line_with_interval(pd.Series([0.1, 0.2, None], index=months), "S", "%")
    assert len(fig.axes[0].texts) == 0
    plt.close(fig)
    # 3 + 4 = 7 in the latest bar
    frame = pd.DataFrame({"A": [1, 2, 3], "B": [1, 2, 4]}, index=months)
    fig, _ = charts.stacked_bars(frame, "Days", "Days")
    assert [t.get_text() for t in fig.axes[0].texts] == ["Mar 2017: 7"]
    plt.close(fig)
