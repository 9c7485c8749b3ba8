"""XmR charts against NHSRplotthedots and nhspy-plotthedots published results
(sources named in each test), plus each rule on its own."""

from __future__ import annotations

import pytest

from analysis.measures.spc import COMMON, CONCERN, IMPROVEMENT, NEUTRAL, assurance, describe, xmr

DEVIATIONS = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


def test_deviations_vignette_with_screening():
    chart = xmr(DEVIATIONS, improvement="increase")
    assert chart["mean"].iloc[0] == pytest.approx(1.94, abs=0.005)
    assert chart["upl"].iloc[0] == pytest.approx(4.6, abs=0.005)
    assert chart["lpl"].iloc[0] == pytest.approx(-0.72, abs=0.005)
    special = [i + 1 for i, t in enumerate(chart["point_type"]) if t != COMMON]
    assert special == [5]
    assert chart["point_type"].iloc[4] == IMPROVEMENT


def test_deviations_vignette_without_screening_matches_the_excel_tool():
    chart = xmr(DEVIATIONS, screen_outliers=False)
    assert chart["upl"].iloc[0] == pytest.approx(6.95, abs=0.005)
    assert chart["lpl"].iloc[0] == pytest.approx(-3.06, abs=0.005)


@pytest.mark.parametrize(
    ("values", "mean", "lpl", "upl"),
    [
        (list(range(1, 11)), 5.5, 2.84, 8.16),
        ([1, 2, 3, 4, 5, 4, 3, 2, 1, 2], 2.7, 0.04, 5.36),
        ([16, 9, 4, 2, 1], 6.4, -3.575, 16.375),
    ],
)
def test_nhspy_plotthedots_limits(values, mean, lpl, upl):
    chart = xmr(values)
    assert chart["mean"].iloc[0] == pytest.approx(mean)
    assert chart["lpl"].iloc[0] == pytest.approx(lpl)
    assert chart["upl"].iloc[0] == pytest.approx(upl)


def test_nhspy_near_limit_lines():
    chart = xmr(list(range(1, 11)))
    assert chart["near_lpl"].iloc[0] == pytest.approx(3.72667, abs=1e-5)
    assert chart["near_upl"].iloc[0] == pytest.approx(7.27333, abs=1e-5)


def test_two_in_three_needs_the_same_side():
    values = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    for screen in (True, False):
        chart = xmr(values, screen_outliers=screen)
        assert list(chart["point_type"].iloc[-2:]) == [COMMON, COMMON]


def test_seven_point_trend_flags_every_point_of_it():
    chart = xmr([2, 1, 2, 3, 4, 5, 6, 7, 3], improvement="increase")
    assert list(chart["point_type"]) == [COMMON] + [IMPROVEMENT] * 7 + [COMMON]


# Baselines fix the centre line and limits so each rule can be tested on its own:
# [0, 20, 0, 20] -> mean 10, average moving range 20, limits 10 +/- 53.2 (nothing outside).
# [11, 9, 11, 9] -> mean 10, average moving range 2, limits 4.68 to 15.32, 2/3 lines
# 6.45 and 13.55 (11s and 9s stay inside them).
WIDE = [0, 20, 0, 20]
NARROW = [11, 9, 11, 9]


def test_trend_of_seven_but_not_six_and_a_tie_breaks_it():
    six = WIDE + [7, 8, 9, 11, 12, 13, 0]
    seven = WIDE + [7, 8, 9, 11, 12, 13, 14, 0]
    tie = WIDE + [7, 8, 9, 9, 11, 12, 13, 14, 0]
    assert (xmr(six, fix_after_n_points=4)["point_type"] == COMMON).all()
    chart = xmr(seven, improvement="increase", fix_after_n_points=4)
    assert chart.index[chart["point_type"] == IMPROVEMENT].tolist() == list(range(4, 11))
    assert (xmr(tie, fix_after_n_points=4)["point_type"] == COMMON).all()


def test_shift_of_seven_but_not_six():
    six = NARROW + [11] * 6 + [9]
    seven = NARROW + [11] * 7 + [9]
    assert (xmr(six, fix_after_n_points=4)["point_type"] == COMMON).all()
    chart = xmr(seven, improvement="decrease", fix_after_n_points=4)
    assert chart.index[chart["point_type"] != COMMON].tolist() == list(range(4, 11))
    assert set(chart["point_type"].iloc[4:11]) == {CONCERN}


def test_a_point_on_the_mean_breaks_a_run():
    values = NARROW + [11, 11, 11, 10, 11, 11, 11]
    chart = xmr(values, fix_after_n_points=4)
    assert chart["mean"].iloc[0] == pytest.approx(10.0)
    assert (chart["point_type"] == COMMON).all()


def test_two_of_three_flags_only_the_points_beyond_the_line():
    values = NARROW + [14, 10.5, 14, 9]  # 14 is beyond the 13.55 line, 10.5 is not
    chart = xmr(values, improvement="increase", fix_after_n_points=4)
    assert list(chart["point_type"].iloc[4:]) == [IMPROVEMENT, COMMON, IMPROVEMENT, COMMON]


def test_outside_limits_beats_other_rules_and_neutral_wording():
    chart = xmr([5, 5, 5, 5, 5, 5, 5, 5, 30, 5], improvement="neutral")
    assert chart["point_type"].iloc[8] == NEUTRAL
    assert describe(xmr([1, 2, 1, 2, 1])) == "common cause variation"


def test_assurance_against_a_target():
    chart = xmr(list(range(1, 11)))  # limits 2.84 to 8.16
    assert assurance(chart, 2.0, "increase") == "consistently meets the target"
    assert assurance(chart, 9.0, "increase") == "consistently fails the target"
    assert assurance(chart, 5.0, "increase").startswith("sometimes")
    assert assurance(chart, None, "increase") is None
