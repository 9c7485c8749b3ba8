"""Funnel plots for comparing units (Spiegelhalter 2005, "Funnel plots for comparing
institutional performance", Statistics in Medicine 24:1185-1202).

Each unit's value (a proportion r/n, or a rate r per `exposure`) is set against the target
(the pooled value of all units) with control limits that depend on the unit's denominator:
95% limits (2 standard deviations: upper-tail probability 0.975) and 99.8% limits (3 standard
deviations: 0.999). Exact limits invert the binomial or Poisson distribution, interpolated
between integers as in the paper's appendix A.1.1; the normal approximation is target plus or
minus z times the standard error at the target. Where the units vary more than chance allows
(overdispersion, section 5.2 of the paper), the multiplicative adjustment widens the normal
limits by the square root of phi, estimated from the 10% winsorised z-scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

#: Upper-tail probabilities of the two limits: 95% (about 2 SD) and 99.8% (about 3 SD).
P95, P998 = 0.975, 0.999
PROPORTION, RATE = "proportion", "rate"


def _interpolate(ppf, cdf, p: float) -> np.ndarray:
    """The paper's appendix A.1.1: r_p is the smallest integer with F(r_p) >= p; the limit is
    r_p - alpha with alpha = (F(r_p) - p) / (F(r_p) - F(r_p - 1)), a smooth funnel through
    the discrete quantiles."""
    r = np.asarray(ppf(p), dtype=float)
    upper, lower = cdf(r), cdf(r - 1)
    step = upper - lower
    alpha = np.divide(upper - p, step, out=np.zeros_like(step), where=step > 0)
    return r - alpha


def proportion_limit(target: float, n, p: float, exact: bool = True) -> np.ndarray:
    """The control limit, as a proportion, for units of denominator `n` at upper-tail
    probability `p` (0.975 or 0.999 above the target; 1 - p below it): the interpolated
    binomial quantile divided by n (exact), or target + z_p sqrt(target (1 - target) / n)
    (normal approximation); cut to [0, 1]. The binomial needs whole denominators: one that
    is not whole (full-time equivalents) is taken at the nearest whole number, at least 1."""
    n = np.asarray(n, dtype=float)
    if exact:
        n = np.maximum(np.rint(n), 1.0)
        value = _interpolate(
            lambda q: stats.binom.ppf(q, n, target), lambda r: stats.binom.cdf(r, n, target), p
        )
        return np.clip(value / n, 0.0, 1.0)
    se = np.sqrt(target * (1 - target) / n)
    return np.clip(target + stats.norm.ppf(p) * se, 0.0, 1.0)


def rate_limit(target: float, exposure, p: float, exact: bool = True) -> np.ndarray:
    """The control limit, as a rate per unit of exposure, for units of `exposure` at upper-
    tail probability `p`: the interpolated Poisson quantile of mean target x exposure divided
    by the exposure (exact), or target + z_p sqrt(target / exposure) (normal); at least 0."""
    exposure = np.asarray(exposure, dtype=float)
    mean = target * exposure
    if exact:
        value = _interpolate(
            lambda q: stats.poisson.ppf(q, mean), lambda r: stats.poisson.cdf(r, mean), p
        )
        return np.maximum(value / exposure, 0.0)
    return np.maximum(target + stats.norm.ppf(p) * np.sqrt(target / exposure), 0.0)


def z_scores(values, denominators, target: float, kind: str) -> np.ndarray:
    """Each unit's naive z-score at the target: (y - target) / sqrt(target (1 - target) / n)
    for a proportion, (y - target) / sqrt(target / exposure) for a rate; 0 for every unit
    when the target is 0 (or a proportion's is 1), since then each unit's value is it."""
    y, n = np.asarray(values, dtype=float), np.asarray(denominators, dtype=float)
    variance = target * (1 - target) if kind == PROPORTION else target
    if variance == 0:  # a pooled 0 (or 1 of a proportion): every unit is at the target
        return np.zeros_like(y)
    return (y - target) / np.sqrt(variance / n)


def phi(z, winsorise: float = 0.1) -> float:
    """The overdispersion factor (the paper's section 5.2): the mean of the squared z-scores
    after winsorising - z-scores below the 10th percentile set to it, above the 90th set to
    it (percentiles interpolated linearly, numpy's default, as R's quantile type 7 that
    FunnelPlotR's winsorisation uses) - so a few extreme units do not inflate it."""
    z = np.asarray(z, dtype=float)
    low, high = np.quantile(z, [winsorise, 1 - winsorise])
    return float(np.mean(np.clip(z, low, high) ** 2))


def overdispersed(phi_value: float, units: int, level: float = 0.95) -> bool:
    """Whether the data call for the adjustment: units x phi beyond the upper `level` point
    of chi-squared with units - 1 degrees of freedom (the target is estimated from the same
    units), the paper's test of no overdispersion."""
    return bool(units > 1 and units * phi_value > stats.chi2.ppf(level, units - 1))


@dataclass
class Funnel:
    """A funnel for one measure: the target, whether limits were widened and by what phi."""

    kind: str
    target: float
    phi: float
    adjusted: bool

    def limit(self, denominator, p: float) -> np.ndarray:
        """The limit at upper-tail probability `p` (below the target: 1 - p) for the
        denominators given: exact without overdispersion, normal widened by sqrt(phi) with."""
        n = np.asarray(denominator, dtype=float)
        if not self.adjusted:
            f = proportion_limit if self.kind == PROPORTION else rate_limit
            return f(self.target, n, p, exact=True)
        variance = self.target * (1 - self.target) if self.kind == PROPORTION else self.target
        value = self.target + stats.norm.ppf(p) * np.sqrt(self.phi * variance / n)
        return np.clip(value, 0.0, 1.0 if self.kind == PROPORTION else np.inf)

    def unadjusted(self) -> Funnel:
        """The same funnel without the overdispersion adjustment: chance alone."""
        return Funnel(self.kind, self.target, self.phi, adjusted=False)

    def position(self, value: float, denominator: float) -> str:
        """Where the unit lies: 'above 99.8%', 'above 95%', 'within', 'below 95%' or
        'below 99.8%' (beyond the outer limit, else beyond the inner one)."""
        if value > self.limit(denominator, P998):
            return "above 99.8%"
        if value > self.limit(denominator, P95):
            return "above 95%"
        if value < self.limit(denominator, 1 - P998):
            return "below 99.8%"
        if value < self.limit(denominator, 1 - P95):
            return "below 95%"
        return "within"


def funnel(numerators, denominators, kind: str, winsorise: float = 0.1) -> Funnel:
    """The funnel of a set of units: target = sum of numerators / sum of denominators (the
    pooled value), phi from the winsorised z-scores, adjusted when `overdispersed`."""
    r, n = np.asarray(numerators, dtype=float), np.asarray(denominators, dtype=float)
    target = float(r.sum() / n.sum())
    z = z_scores(r / n, n, target, kind)
    factor = phi(z, winsorise) if len(z) else 0.0
    return Funnel(kind, target, factor, overdispersed(factor, len(z)))


def interval(numerator: float, denominator: float, kind: str, alpha: float = 0.05):
    """A unit's own 95% interval: Wilson score for a proportion (statsmodels), the exact
    (Garwood) chi-squared interval for a Poisson count, divided by the exposure."""
    if kind == PROPORTION:
        from statsmodels.stats.proportion import proportion_confint

        low, high = proportion_confint(numerator, denominator, alpha, method="wilson")
        return float(low), float(high)
    low = stats.chi2.ppf(alpha / 2, 2 * numerator) / 2 if numerator > 0 else 0.0
    high = stats.chi2.ppf(1 - alpha / 2, 2 * (numerator + 1)) / 2
    return float(low / denominator), float(high / denominator)
