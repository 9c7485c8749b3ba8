"""One verdict per measure, decided in one place: the figure, the same figure a year earlier,
the Making Data Count variation of its series, the report's own test of the change, the
assurance against a target, and the words - derived together by `judge`, so no page can say
"within chance" of a change and "special-cause improvement" of the same measure without the
words saying how the two fit together.

A measure's series is of one kind (the metric registry's `series`):

- `flow`: each period's own figure (a month's or a quarter's count or share): SPC applies.
- `stock`: a figure at each period end (a caseload, a rate in the month): SPC applies.
- `rolling`: each point a 12-month figure: never SPC (consecutive points share 11 months,
  so runs and trends appear by construction).
- `cumulative`: a running count that can only rise: never SPC; read as progress against its
  total or target.

"A year earlier" is always the same definition for the period a year before: the metric the
registry names, or the series point twelve months back only when each point of the series is
the measure's own definition (a 12-month figure whose series holds single months declares a
`series_label` and must name its year-earlier metric).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.measures.spc import (
    COMMON,
    CONCERN,
    IMPROVEMENT,
    IMPROVEMENT_OF,
    NEUTRAL,
    OUTSIDE,
    SHIFT,
    TREND_RULE,
    TWO_OF_THREE,
    assurance,
    xmr,
)
from analysis.withheld import withheld

SERIES_KINDS = ("flow", "stock", "rolling", "cumulative")
#: Series on which an XmR chart is read.
SPC_KINDS = ("flow", "stock")
#: Fewest points for process limits (NHS England's Making Data Count: at least 12, ideally
#: 15 to 20).
MIN_SPC_POINTS = 12
#: A test's significance level (two-sided).
ALPHA = 0.05

BEYOND = "beyond_chance"
WITHIN = "within_chance"

#: Words for a point type on its own.
KIND_WORDS = {
    IMPROVEMENT: "special-cause improvement",
    CONCERN: "special-cause concern",
    NEUTRAL: "special-cause change (neither better nor worse)",
    COMMON: "common-cause variation",
}


def _number(v) -> bool:
    return v is not None and not withheld(v) and isinstance(v, int | float) and v == v


def latest_signal(chart: pd.DataFrame) -> tuple[str, int, int]:
    """(rule, direction, length) of the latest point of an `spc.xmr` chart: the rule behind
    its special cause ("" for common cause), +1 high / -1 low, and how many points the
    signal spans ending at the latest one (the run above or below the mean, the rising or
    falling sequence, or 1 for a point outside the limits)."""
    last = chart.iloc[-1]
    rule, direction = str(last["rule"]), int(last["direction"])
    if not rule:
        return "", 0, 0
    values = chart["value"].to_numpy(dtype=float)
    if rule == SHIFT:
        side = np.sign(values - chart["mean"].to_numpy(dtype=float)) == direction
        length = len(side) - np.flatnonzero(~side)[-1] - 1 if (~side).any() else len(side)
    elif rule == TREND_RULE:
        steps = np.sign(np.diff(values)) == direction
        length = (len(steps) - np.flatnonzero(~steps)[-1] - 1 if (~steps).any() else len(steps)) + 1
    elif rule == TWO_OF_THREE:
        length = 3
    else:
        length = 1
    return rule, direction, int(length)


def collapsed(chart: pd.DataFrame) -> bool:
    """More than half the points outside the limits: the series climbs or falls steadily,
    and limits drawn from it collapse around a level it never holds."""
    return int((chart["rule"] == OUTSIDE).sum()) > len(chart) / 2


def variation_parts(chart: pd.DataFrame, unit: str) -> tuple[str, str]:
    """(what kind, what fired) for the latest point of an XmR chart, e.g. ("special-cause
    improvement", "above its average for 7 quarters; this quarter within the usual range"):
    where a run, trend or 2-of-3 rule fires but the latest point is inside the limits, the
    words say so; a common-cause latest point in a series with earlier signals says that
    too; a `collapsed` chart says there is no stable level to judge against."""
    units = f"{unit}s"
    if collapsed(chart):
        values = chart["value"].to_numpy(dtype=float)
        way = "rising" if values[-1] > values[0] else "falling"
        outside = int((chart["rule"] == OUTSIDE).sum())
        return (
            "no stable level for SPC",
            f"{way} steadily, {outside} of {len(chart)} {units} outside limits drawn from the "
            "whole series; trend only",
        )
    kind = KIND_WORDS[chart["point_type"].iloc[-1]]
    rule, direction, length = latest_signal(chart)
    side = "above" if direction > 0 else "below"
    limit = "upper" if direction > 0 else "lower"
    inside = f"this {unit} within the usual range"
    if rule == OUTSIDE:
        return kind, f"this {unit} {side} the {limit} process limit"
    if rule == SHIFT:
        return kind, f"{side} its average for {length} {units}; {inside}"
    if rule == TREND_RULE:
        way = "rising" if direction > 0 else "falling"
        return kind, f"{way} for {length} {units} running; {inside}"
    if rule == TWO_OF_THREE:
        return kind, f"2 of the last 3 {units} close to the {limit} process limit"
    earlier = int((chart["point_type"] != COMMON).sum())
    if earlier:
        return kind, (
            f"{inside}, though {earlier} of the {len(chart)} {units} "
            f"{'shows' if earlier == 1 else 'show'} special cause elsewhere in the series"
        )
    return kind, inside


def variation_words(chart: pd.DataFrame, unit: str) -> str:
    """`variation_parts` as one phrase: "what kind: what fired"."""
    return ": ".join(variation_parts(chart, unit))


@dataclass(frozen=True)
class Test:
    """The report's own test of the change on a year earlier: a ratio with its 95% interval
    (`estimate`, `low`, `high`), or a p-value (`p`)."""

    estimate: float | None = None
    low: float | None = None
    high: float | None = None
    p: float | None = None

    @classmethod
    def of(cls, figures: tuple) -> Test | None:
        """From the registry's `test` figures: [estimate, low, high] or [p-value]; None when
        any is missing or withheld."""
        if not figures or not all(_number(v) for v in figures):
            return None
        if len(figures) == 1:
            return cls(p=float(figures[0]))
        return cls(*(float(v) for v in figures[:3]))

    @property
    def outcome(self) -> str:
        if self.p is not None:
            return BEYOND if self.p < ALPHA else WITHIN
        return BEYOND if self.low > 1 or self.high < 1 else WITHIN

    def words(self) -> str:
        chance = (
            "more than chance would explain"
            if self.outcome == BEYOND
            else "within what chance alone could produce"
        )
        if self.p is not None:
            shown = "p < 0.001" if self.p < 0.001 else f"p = {self.p:.3f}"
            return f"{shown}: {chance}"
        return f"ratio {self.estimate:.2f}, 95% CI {self.low:.2f} to {self.high:.2f}: {chance}"


@dataclass(frozen=True)
class Verdict:
    """Everything the board reads about one measure for one period (see `judge`)."""

    series_kind: str
    better: str
    unit: str
    value: object = None
    year_earlier: object = None
    chart: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    point_type: str = ""
    variation: str = ""
    test: Test | None = None
    target: float | None = None
    assurance: str | None = None
    #: The two figures show the same at the measure's format (16.04 and 15.96 both "16.0"):
    #: no change is claimed, in words or in the attention list.
    same_as_shown: bool = False

    @property
    def change(self) -> str:
        """The change on a year earlier: up, down, same, or "" (no comparable figure)."""
        if not (_number(self.value) and _number(self.year_earlier)):
            return ""
        if self.value == self.year_earlier or self.same_as_shown:
            return "same"
        return "up" if self.value > self.year_earlier else "down"

    @property
    def direction(self) -> str:
        """The change on a year earlier as "better", "worse", "neutral" or ""."""
        if self.change in ("", "same"):
            return ""
        if self.better == "neutral":
            return "neutral"
        up_is_better = self.better == "higher"
        return "better" if (self.change == "up") == up_is_better else "worse"

    @property
    def beyond_chance(self) -> bool | None:
        """Whether the report's test finds the change on a year earlier beyond chance."""
        return None if self.test is None else self.test.outcome == BEYOND

    @property
    def target_missed(self) -> bool:
        """The figure is on the wrong side of the board's target this period."""
        if self.target is None or not _number(self.value) or self.better == "neutral":
            return False
        if self.better == "higher":
            return self.value < self.target
        return self.value > self.target

    @property
    def special(self) -> bool:
        """The latest point is special cause (improvement, concern or neutral)."""
        return self.point_type in (IMPROVEMENT, CONCERN, NEUTRAL)

    def reading(self) -> str:
        """The test and the chart in one phrase, reconciled where they point different ways:
        a change within chance on a series whose run or trend is special cause says "within
        chance as one change, but above its average for 7 quarters ... - special-cause
        improvement"; a change beyond chance with an ordinary latest point says this period
        on its own is within the usual range. Empty when there is neither."""
        test = self.test.words() if self.test is not None else ""
        if self.chart is None:
            return f"({test})" if test else ""
        head, detail = variation_parts(self.chart, self.unit)
        if self.beyond_chance is False and self.special:
            return f"({test} as one change), but {detail} — {head}"
        return (f"({test}) — " if test else "— ") + f"{head}: {detail}"


def series_year_earlier(points: pd.Series, period: str):
    """The series point twelve months before `period` (None when there is none)."""
    before = pd.Period(period, "M") - 12
    return float(points[before]) if before in points.index else None


def judge(
    points: pd.Series,
    value,
    *,
    period: str,
    series_kind: str,
    better: str = "neutral",
    frequency: str = "month",
    year_earlier=None,
    same_definition: bool = True,
    test: tuple = (),
    target: float | None = None,
    min_points: int = MIN_SPC_POINTS,
) -> Verdict:
    """The verdict on one measure for `period`.

    `points`: its per-period series (month periods, a quarter by the month it ends), oldest
    first, withheld and missing points left out; `value`: the figure (number, WITHHELD or
    None); `year_earlier`: the registry's year-earlier figure, or None to take the series
    point a year back - only when `same_definition` (each point is the measure's own
    definition); `test`: the report's test figures ([estimate, low, high] or [p-value]).

    SPC runs only on a flow or stock series with at least `min_points` points ending at the
    period; a rolling or cumulative series never gets an XmR verdict, and nor does a series
    with more than half its points outside its own limits (a steady climb or fall: the
    limits collapse around a level the series never holds).
    """
    if series_kind not in ("", *SERIES_KINDS):
        raise ValueError(f"series kind must be one of {', '.join(SERIES_KINDS)} or empty")
    unit = "quarter" if frequency == "quarter" else "month"
    if year_earlier is None and same_definition:
        year_earlier = series_year_earlier(points, period)
    base = {
        "series_kind": series_kind,
        "better": better,
        "unit": unit,
        "value": value,
        "year_earlier": year_earlier,
        "test": Test.of(tuple(test)),
        "target": target,
    }
    if value is None:
        return Verdict(**base, variation="not available")
    if withheld(value):
        return Verdict(**base, variation="withheld in the public version (small numbers)")
    if series_kind == "cumulative":
        return Verdict(**base, variation="a running total: read as progress, not SPC")
    if series_kind == "rolling":
        return Verdict(**base, variation="a rolling 12-month figure: trend only, no SPC")
    if not series_kind:
        return Verdict(**base, variation="one figure for the period: no series to chart")
    if len(points) < min_points or points.index[-1] != pd.Period(period, "M"):
        return Verdict(
            **base,
            variation=f"trend only: {len(points)} {unit}{'' if len(points) == 1 else 's'}, "
            f"SPC needs {min_points}",
        )
    improvement = IMPROVEMENT_OF[better]
    chart = xmr(points, improvement=improvement)
    if collapsed(chart):
        return Verdict(**base, variation=variation_words(chart, unit))
    assured = assurance(chart, target, improvement) if target is not None else None
    return Verdict(
        **base,
        chart=chart,
        point_type=str(chart["point_type"].iloc[-1]),
        variation=variation_words(chart, unit),
        assurance=assured,
    )
