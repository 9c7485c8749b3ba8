"""Funnel limits (analysis/measures/funnel.py) against published and hand-worked examples."""

from __future__ import annotations

import math

import pytest

from analysis.measures import funnel as fn


@pytest.mark.parametrize(
    "n, low95, high95, low998, high998",
    [
        # Published worked example: UKHSA/PHE PHEindicatormethods, test data for phe_funnels
        # (proportions, normal approximation), tests/testthat/testdata_funnel_prop_outputs.csv:
        # baseline 80.642448%, limits in percent by population.
        (50, 69.691035, 91.593861, 63.375595, 97.909301),
        (1008, 78.203374, 83.081521, 76.796814, 84.488082),
        (110000, 80.408963, 80.875933, 80.274317, 81.010578),
        (1, 3.204264, 100, 0, 100),  # cut to 0% and 100%
    ],
)
def test_normal_limits_match_the_phe_worked_example(n, low95, high95, low998, high998):
    target = 0.80642448
    got = [
        fn.proportion_limit(target, n, 1 - fn.P95, exact=False),
        fn.proportion_limit(target, n, fn.P95, exact=False),
        fn.proportion_limit(target, n, 1 - fn.P998, exact=False),
        fn.proportion_limit(target, n, fn.P998, exact=False),
    ]
    assert [float(g) * 100 for g in got] == pytest.approx(
        [low95, high95, low998, high998], abs=1e-5
    )


def test_exact_binomial_limit_interpolates_as_spiegelhalter_appendix():
    # n = 4, target 0.5: F(0..4) = 1/16, 5/16, 11/16, 15/16, 1.
    # p = 0.975: r_p = 4 (F(3) = 0.9375 < 0.975); alpha = (1 - 0.975) / (1 - 0.9375) = 0.4;
    # limit = (4 - 0.4) / 4 = 0.9.
    assert float(fn.proportion_limit(0.5, 4, 0.975)) == pytest.approx(0.9)
    # p = 0.1: r_p = 1; alpha = (5/16 - 0.1) / (5/16 - 1/16) = 0.2125 / 0.25 = 0.85;
    # limit = (1 - 0.85) / 4 = 0.0375.
    assert float(fn.proportion_limit(0.5, 4, 0.1)) == pytest.approx(0.0375)
    # a denominator that is not whole (full-time equivalents) is taken at the nearest whole
    # number: 4.3 FTE and 3.6 FTE both give n = 4's limit, 0.9; under 1 FTE, n = 1
    assert fn.proportion_limit(0.5, [4.3, 3.6], 0.975).tolist() == pytest.approx([0.9, 0.9])
    # n = 1, target 0.5: F(0) = 0.5, F(1) = 1; p = 0.975: r_p = 1, alpha = 0.025 / 0.5
    assert float(fn.proportion_limit(0.5, 0.4, 0.975)) == pytest.approx(1 - 0.05)


def test_exact_poisson_limit_interpolates():
    # target 0.5 per unit, exposure 2: Poisson mean 1. F(2) = e^-1 (1 + 1 + 1/2) = 0.91969860,
    # F(3) = e^-1 (8/3) = 0.98101184; r_p = 3 at p = 0.975;
    # alpha = (0.98101184 - 0.975) / (0.98101184 - 0.91969860) = 0.0980514;
    # limit = (3 - 0.0980514) / 2 = 1.4509743.
    assert float(fn.rate_limit(0.5, 2, 0.975)) == pytest.approx(1.4509743, abs=1e-6)


def test_phi_winsorises_at_the_10th_and_90th_percentiles():
    # sorted z: -3 -1 -1 0 0 0 0 1 1 4. 10th percentile (linear): position 0.9 between -3
    # and -1: -3 + 0.9 x 2 = -1.2; 90th: position 8.1 between 1 and 4: 1 + 0.1 x 3 = 1.3.
    # Winsorised: -1.2 -1 -1 0 0 0 0 1 1 1.3; squares 1.44 + 4 + 1.69 = 7.13; phi = 0.713.
    assert fn.phi([-3, -1, -1, 0, 0, 0, 0, 1, 1, 4]) == pytest.approx(0.713)


def test_overdispersion_test_uses_chi_squared_with_units_less_one():
    # chi-squared, 9 degrees of freedom, upper 5% point: 16.919 (statistical tables).
    assert fn.overdispersed(2.0, 10)  # 10 x 2.0 = 20 > 16.919
    assert not fn.overdispersed(1.5, 10)  # 15 < 16.919


def test_funnel_pools_the_target_and_widens_overdispersed_limits():
    # 10/100, 20/100, 30/100: target 60/300 = 0.2; z = -0.1 / sqrt(0.16/100) = -2.5, 0, 2.5;
    # 10th/90th percentiles: -2.5 + 0.2 x 2.5 = -2, and 2; winsorised z -2, 0, 2:
    # phi = (4 + 0 + 4) / 3 = 2.6667; 3 phi = 8 > 5.991 (chi-squared, 2 df, 5%): adjusted.
    # Upper 95% at n = 100: 0.2 + 1.959964 x sqrt(2.6667 x 0.16 / 100)
    # = 0.2 + 1.959964 x 0.0653197 = 0.328025.
    f = fn.funnel([10, 20, 30], [100, 100, 100], fn.PROPORTION)
    assert f.target == pytest.approx(0.2)
    assert f.phi == pytest.approx(8 / 3)
    assert f.adjusted
    assert float(f.limit(100, fn.P95)) == pytest.approx(0.328025, abs=1e-6)
    assert f.position(0.3, 100) == "within"
    assert f.unadjusted().position(0.3, 100) == "above 95%"
    # unadjusted, 0.3 would be above the normal 95% limit 0.2 + 1.96 x 0.04 = 0.278
    plain = fn.Funnel(fn.PROPORTION, 0.2, 1.0, adjusted=False)
    assert plain.position(0.3, 100) == "above 95%"
    assert plain.position(0.05, 100) == "below 99.8%"


@pytest.mark.filterwarnings("error")  # no "invalid value encountered in divide"
def test_a_funnel_of_units_all_at_zero_or_all_at_one_has_no_spread():
    # 0/12, 0/30: the pooled value is 0, so each unit is exactly at it: z = 0, phi = 0,
    # no widening; the limits at 0 (exact binomial with p = 0 is 0 everywhere).
    zero = fn.funnel([0, 0], [12, 30], fn.PROPORTION)
    assert (zero.target, zero.phi, zero.adjusted) == (0.0, 0.0, False)
    assert zero.position(0.0, 12) == "within"
    everyone = fn.funnel([12, 30], [12, 30], fn.PROPORTION)  # the pooled value is 1
    assert (everyone.target, everyone.phi) == (1.0, 0.0)
    assert fn.funnel([0, 0], [5.5, 9.0], fn.RATE).phi == 0.0  # no events in any exposure


def test_unit_intervals_match_published_values():
    # Newcombe (1998), Stat Med 17:857-872, Table I: 81/263, Wilson 0.2553 to 0.3662.
    low, high = fn.interval(81, 263, fn.PROPORTION)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    # exact Poisson 95% limits for 10 events (Garwood 1936; standard tables): 4.795, 18.39
    low, high = fn.interval(10, 1, fn.RATE)
    assert (round(low, 3), round(high, 2)) == (4.795, 18.39)
    assert not math.isnan(fn.interval(0, 5, fn.RATE)[1])
