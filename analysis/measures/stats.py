"""Shared statistics: proportions with intervals and comparisons of two proportions.

Thin, documented wrappers over statsmodels and scipy so every report states its method the
same way; nothing here re-derives a formula the libraries already provide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2_contingency, contingency, fisher_exact, mannwhitneyu
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    test_proportions_2indep,
)

#: Method notes as a board paper gives them: the method's name, never the library function
#: (the functions are named in each function's docstring).
WILSON = "Wilson score interval"
RATIO = "score interval and score test for the ratio of two independent proportions"
DIFFERENCE = "Newcombe hybrid score interval"
LARGE_CELL = 500
ODDS = (
    "Fisher's exact test with the conditional maximum-likelihood odds ratio and its exact "
    "interval; with 500 or more in every cell, Woolf's logit interval"
)


@dataclass(frozen=True)
class Share:
    """count / total with a 95% Wilson interval; `share` and bounds are None when total is 0."""

    count: int
    total: int
    share: float | None
    low: float | None
    high: float | None

    def row(self, count: str, total: str, share: str = "Share", total_first=False) -> dict:
        """The share as a table row under the given column labels: count and total (total
        first if asked), the share, and its 95% interval."""
        counts = {count: self.count, total: self.total}
        if total_first:
            counts = {total: self.total, count: self.count}
        return counts | {share: self.share, "95% CI low": self.low, "95% CI high": self.high}


def wilson(count: int, total: int, alpha: float = 0.05) -> Share:
    """The share count/total with its Wilson score interval (Newcombe 1998a, method 3)."""
    count, total = int(count), int(total)
    if total == 0:
        return Share(count, total, None, None, None)
    low, high = proportion_confint(count, total, alpha=alpha, method="wilson")
    return Share(count, total, count / total, float(low), float(high))


@dataclass(frozen=True)
class Comparison:
    """A comparison of two proportions (1 = this period, 0 = the one before)."""

    estimate: float | None
    low: float | None
    high: float | None
    p_value: float | None


def ratio_of_shares(x1: int, n1: int, x0: int, n0: int, alpha: float = 0.05) -> Comparison:
    """(x1/n1) / (x0/n0) with a score interval and the score test of 'no change' (ratio 1)."""
    if min(n1, n0) == 0 or x0 == 0:
        return Comparison(None, None, None, None)
    low, high = confint_proportions_2indep(
        x1, n1, x0, n0, method="score", compare="ratio", alpha=alpha
    )
    test = test_proportions_2indep(x1, n1, x0, n0, method="score", compare="ratio")
    return Comparison((x1 / n1) / (x0 / n0), float(low), float(high), float(test.pvalue))


def odds_ratio(table: list[list[int]], alpha: float = 0.05) -> Comparison:
    """Odds ratio of a 2x2 table [[a, b], [c, d]] (rows: group, columns: yes/no), with
    Fisher's exact p-value and the exact conditional interval; when every cell has at least
    LARGE_CELL counts (national-scale data), the sample odds ratio with Woolf's logit interval
    and its Wald test (statsmodels Table2x2), which agree closely there. None where
    undefined."""
    if (
        any(sum(row) == 0 for row in table)
        or sum(r[0] for r in table) == 0
        or sum(r[1] for r in table) == 0
    ):
        return Comparison(None, None, None, None)
    if min(min(row) for row in table) >= LARGE_CELL:
        t = Table2x2(np.asarray(table, dtype=float))
        low, high = t.oddsratio_confint(alpha=alpha)
        return Comparison(float(t.oddsratio), float(low), float(high), float(t.oddsratio_pvalue()))
    result = contingency.odds_ratio(table, kind="conditional")
    ci = result.confidence_interval(confidence_level=1 - alpha)
    _, p_value = fisher_exact(table)
    est = float(result.statistic)
    return Comparison(
        est if math.isfinite(est) else None,
        float(ci.low),
        float(ci.high) if math.isfinite(ci.high) else None,
        float(p_value),
    )


def profile_p_value(counts) -> float | None:
    """p-value of the chi-square test that two or more groups (columns) share one profile
    across categories (rows): Pearson's test of independence, without continuity
    correction; rows with no one in them are left out. None when fewer than two rows or a
    group is empty."""
    table = np.asarray(counts, dtype=float)
    table = table[table.sum(axis=1) > 0]
    if table.shape[0] < 2 or (table.sum(axis=0) == 0).any():
        return None
    return float(chi2_contingency(table, correction=False).pvalue)


def compare_distributions(a, b) -> float | None:
    """Two-sided Mann-Whitney U p-value for two samples; None if either is empty."""
    if len(a) == 0 or len(b) == 0:
        return None
    return float(mannwhitneyu(a, b, alternative="two-sided").pvalue)
