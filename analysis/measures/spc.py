"""XmR (individuals) statistical process control charts in the NHS England "Making Data Count"
style, following the R package NHSRplotthedots.

No maintained Python library implements these rules, so they are written here and tested
against NHSRplotthedots' published examples.

- Centre line: the mean of the values (or of the first `fix_after_n_points`).
- Moving ranges |x_i - x_(i-1)| are averaged; with `screen_outliers`, moving ranges above
  3.267 x that average are dropped and the average recomputed.
- Process limits: mean +/- 2.66 x average moving range.
- Special cause: a point outside the limits; a run of 7 or more points all above or all
  below the mean (a point on the mean breaks it); a trend of 7 or more points each strictly
  higher (or lower) than the one before; 2 of 3 consecutive points beyond 2/3 of the way to
  a limit on the same side (only the points beyond the line are flagged). Every point of a
  run or trend is flagged. Where rules disagree on direction, precedence is: outside
  limits, then trend, then 2-of-3 and run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MR_SCREEN = 3.267
LIMIT = 2.66
RUN = 7
TREND = 7

COMMON = "common_cause"
IMPROVEMENT = "special_cause_improvement"
CONCERN = "special_cause_concern"
NEUTRAL = "special_cause_neutral"

#: The rule behind a special-cause point (`xmr`'s `rule` column).
OUTSIDE = "outside_limits"
TREND_RULE = "trend"
TWO_OF_THREE = "two_of_three"
SHIFT = "shift"

#: A measure's better direction (the registry's `better`) as xmr's `improvement`.
IMPROVEMENT_OF = {"higher": "increase", "lower": "decrease", "neutral": "neutral"}

WORDS = {
    COMMON: "common cause variation",
    IMPROVEMENT: "special cause variation: improvement",
    CONCERN: "special cause variation: concern",
    NEUTRAL: "special cause variation (neither better nor worse)",
}


def _runs(flags: np.ndarray, length: int) -> np.ndarray:
    """Mark every element of a run of at least `length` consecutive True values."""
    out = np.zeros(len(flags), dtype=bool)
    start = None
    for i, flag in enumerate(np.append(flags, False)):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= length:
                out[start:i] = True
            start = None
    return out


def _trend(values: np.ndarray, rising: bool) -> np.ndarray:
    """Points in a sequence of `TREND` or more, each strictly higher (lower) than the last."""
    steps = np.diff(values) > 0 if rising else np.diff(values) < 0
    out = np.zeros(len(values), dtype=bool)
    in_steps = _runs(steps, TREND - 1)  # 6 consecutive steps link 7 points
    idx = np.flatnonzero(in_steps)
    out[idx] = True
    out[idx + 1] = True
    return out


def _two_of_three(beyond: np.ndarray) -> np.ndarray:
    """Points beyond the 2/3 line that sit in a window of 3 with at least 2 beyond it."""
    out = np.zeros(len(beyond), dtype=bool)
    for i in range(len(beyond) - 2):
        window = beyond[i : i + 3]
        if window.sum() >= 2:
            out[i : i + 3] |= window
    return out


def limits(values, screen_outliers: bool = True, fix_after_n_points: int | None = None):
    """Mean, average moving range, and lower/upper process limits."""
    x = np.asarray(values, dtype=float)
    base = x[:fix_after_n_points] if fix_after_n_points else x
    base = base[~np.isnan(base)]
    mean = float(base.mean())
    mr = np.abs(np.diff(base))
    mr_mean = float(mr.mean()) if len(mr) else np.nan
    if screen_outliers and len(mr):
        kept = mr[mr <= MR_SCREEN * mr_mean]
        mr_mean = float(kept.mean()) if len(kept) else mr_mean
    return mean, mr_mean, mean - LIMIT * mr_mean, mean + LIMIT * mr_mean


def xmr(
    values,
    *,
    improvement: str = "neutral",
    screen_outliers: bool = True,
    fix_after_n_points: int | None = None,
) -> pd.DataFrame:
    """An XmR chart's table: one row per point with `value`, `mean`, `lpl`, `upl`,
    `near_lpl`, `near_upl` (the 2/3 lines) and `point_type`.

    `improvement` is "increase", "decrease" or "neutral" (which direction is better).
    `rule` names the rule that gave a special-cause point its direction (OUTSIDE, TREND_RULE,
    TWO_OF_THREE or SHIFT, by the precedence above; "" for common cause) and `direction` is
    +1 (high), -1 (low) or 0.
    """
    if improvement not in ("increase", "decrease", "neutral"):
        raise ValueError("improvement must be 'increase', 'decrease' or 'neutral'")
    index = values.index if isinstance(values, pd.Series) else None
    x = np.asarray(values, dtype=float)
    mean, mr_mean, lpl, upl = limits(x, screen_outliers, fix_after_n_points)
    near_upl = mean + (upl - mean) * 2 / 3
    near_lpl = mean - (mean - lpl) * 2 / 3

    # direction per rule: +1 high, -1 low, 0 none
    outside = np.where(x > upl, 1, np.where(x < lpl, -1, 0))
    trend = np.where(_trend(x, True), 1, np.where(_trend(x, False), -1, 0))
    two3 = np.where(_two_of_three(x > near_upl), 1, np.where(_two_of_three(x < near_lpl), -1, 0))
    run = np.where(_runs(x > mean, RUN), 1, np.where(_runs(x < mean, RUN), -1, 0))
    direction = outside.copy()
    rule = np.where(outside != 0, OUTSIDE, "")
    for name, flags in ((TREND_RULE, trend), (TWO_OF_THREE, two3), (SHIFT, run)):
        rule = np.where((direction == 0) & (flags != 0), name, rule)
        direction = np.where(direction == 0, flags, direction)

    if improvement == "neutral":
        kinds = np.where(direction != 0, NEUTRAL, COMMON)
    else:
        better = 1 if improvement == "increase" else -1
        kinds = np.where(
            direction == 0, COMMON, np.where(direction == better, IMPROVEMENT, CONCERN)
        )
    return pd.DataFrame(
        {
            "value": x,
            "mean": mean,
            "lpl": lpl,
            "upl": upl,
            "near_lpl": near_lpl,
            "near_upl": near_upl,
            "mr_mean": mr_mean,
            "point_type": kinds,
            "rule": rule,
            "direction": direction,
        },
        index=index,
    )


def assurance(chart: pd.DataFrame, target: float | None, improvement: str) -> str | None:
    """Whether the process will consistently meet, fail, or sometimes meet a target."""
    if target is None or improvement == "neutral":
        return None
    lpl, upl = chart["lpl"].iloc[-1], chart["upl"].iloc[-1]
    good_above = improvement == "increase"
    if (good_above and lpl > target) or (not good_above and upl < target):
        return "consistently meets the target"
    if (good_above and upl < target) or (not good_above and lpl > target):
        return "consistently fails the target"
    return "sometimes meets and sometimes misses the target (it is within the limits)"


def describe(chart: pd.DataFrame) -> str:
    """The latest point's variation in words, as the Making Data Count icons say it."""
    return WORDS[chart["point_type"].iloc[-1]]
