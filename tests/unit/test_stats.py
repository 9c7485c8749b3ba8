"""Intervals and comparisons against published worked examples (sources named in each test)."""

from __future__ import annotations

import pytest

from analysis.measures.stats import odds_ratio, ratio_of_shares, wilson


@pytest.mark.parametrize(
    ("count", "total", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),  # Newcombe (1998a) examples of the Wilson score interval
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
    ],
)
def test_wilson_matches_newcombe_1998a(count, total, low, high):
    share = wilson(count, total)
    assert share.low == pytest.approx(low, abs=1e-4)
    assert share.high == pytest.approx(high, abs=1e-4)
    assert share.share == pytest.approx(count / total)


def test_wilson_of_nothing_is_undefined():
    assert wilson(0, 0).share is None


def test_ratio_of_shares_brackets_the_estimate_and_tests_no_change():
    # 40/200 vs 20/200: the share doubled (ratio 2 exactly, by hand)
    r = ratio_of_shares(40, 200, 20, 200)
    assert r.estimate == pytest.approx(2.0)
    assert r.low < 2.0 < r.high and r.low > 1.0  # clearly more than chance
    assert r.p_value < 0.05
    same = ratio_of_shares(20, 200, 20, 200)
    assert same.estimate == pytest.approx(1.0) and same.p_value == pytest.approx(1.0)


def test_ratio_undefined_without_a_baseline():
    assert ratio_of_shares(3, 10, 0, 10).estimate is None


def test_odds_ratio_artstein_poesio_table():
    # [[20, 20], [10, 50]]: sample odds ratio (20*50)/(20*10) = 5 by hand; the conditional
    # MLE is close to it and the exact interval excludes 1.
    r = odds_ratio([[20, 20], [10, 50]])
    assert r.estimate == pytest.approx(5.0, rel=0.05)
    assert r.low > 1 and r.p_value < 0.01


def test_odds_ratio_undefined_for_an_empty_group():
    assert odds_ratio([[0, 0], [3, 4]]).estimate is None


def test_large_tables_use_woolf_and_agree_with_the_exact_method():
    table = [[600, 900], [1200, 3600]]
    # sample odds ratio (600 * 3600) / (900 * 1200) = 2.0 by hand
    woolf = odds_ratio(table)
    assert woolf.estimate == pytest.approx(2.0)
    # log OR SE = sqrt(1/600 + 1/900 + 1/1200 + 1/3600) = 0.0624; CI exp(ln 2 -+ 1.96 SE)
    assert woolf.low == pytest.approx(2.0 * 2.718281828 ** (-1.959964 * 0.062361), abs=1e-3)
    from scipy.stats import contingency

    exact = contingency.odds_ratio(table).confidence_interval()
    assert woolf.low == pytest.approx(exact.low, rel=0.01)
    assert woolf.high == pytest.approx(exact.high, rel=0.01)
