"""The `sickness_absence` report's headline figures and plain-English summary."""

from __future__ import annotations

import pandas as pd

from analysis.measures import sickness as sk
from analysis.measures.spc import WORDS, xmr
from analysis.periods import window
from analysis.withheld import withheld


def headline(spells, staffing, period, threshold=20, unit=sk.WORKING) -> dict:
    """Metrics for metrics.json (report key `sickness_absence`), except the SPC verdict."""
    cur, prev = window(period, 12), window(period, 12, offset=12)
    return {
        "fte_days_lost_per_fte_12m": sk.per_fte(spells, staffing, *cur),
        "fte_days_lost_per_fte_12m_prev": sk.per_fte(spells, staffing, *prev),
        "absence_rate_12m": sk.absence_rate(spells, staffing, *cur),
        "long_term_share_12m": sk.long_term_share(spells, *cur, threshold, unit),
        "mental_health_share_12m": sk.reason_share(spells, *cur, "MENTAL_HEALTH"),
        "mental_health_employees_12m": sk.reason_employees(spells, *cur, "MENTAL_HEALTH"),
    }


def spc(series: pd.DataFrame):
    """XmR chart of monthly FTE days lost per FTE (annualised); lower is better."""
    return xmr(series["Per FTE (annualised)"], improvement="decrease")


def direction(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "cannot be compared with the year before (no staffing data for it)"
    if abs(now - before) < 0.05 * before:
        return f"about the same as the year before ({before:.2f})"
    return (
        f"{'up' if now > before else 'down'} from {before:.2f} in the 12 months before "
        f"({'worse' if now > before else 'better'})"
    )


def summary(
    h: dict,
    reasons: pd.DataFrame,
    chart: pd.DataFrame,
    label: str,
    threshold: int = 20,
    unit: str = sk.WORKING,
) -> list[str]:
    """Sentences for the board, from figures shown in the report (`reasons` as published:
    reasons whose share is withheld are not named)."""
    top = reasons[~reasons["Share"].map(withheld)].head(3)
    tops = ", ".join(f"{r.Reason.lower()} ({100 * r.Share:.0f}%)" for r in top.itertuples())
    tops = (
        f"the main reasons were {tops}"
        if tops
        else "the reasons are not named because each rests on few employees"
    )
    now = h["fte_days_lost_per_fte_12m"]
    latest = chart["point_type"].iloc[-1]
    return [
        f"In the 12 months to {label}, {now:.2f} FTE working days were lost to sickness per FTE "
        f"employee: {direction(now, h['fte_days_lost_per_fte_12m_prev'])}."
        if now is not None
        else "No staffing figures cover the last 12 months.",
        f"{100 * h['long_term_share_12m']:.0f}% of the days lost were in long-term absences "
        f"({threshold} {unit.replace('_', ' ')} or more); {tops}."
        if h["long_term_share_12m"] is not None
        else "No days were lost in the last 12 months.",
        f"The latest month shows {WORDS[latest]}: "
        + (
            "the monthly figures are moving within their usual range, so a single month's rise "
            "or fall is not a signal on its own."
            if latest == "common_cause"
            else "something has changed beyond the usual month-to-month variation."
        ),
    ]


def headline_table(h: dict) -> pd.DataFrame:
    """The headline measures side by side with the year before where it exists."""
    return pd.DataFrame(
        [
            {
                "Measure": "FTE days lost per FTE",
                "Last 12 months": h["fte_days_lost_per_fte_12m"],
                "Previous 12 months": h["fte_days_lost_per_fte_12m_prev"],
            },
            {
                "Measure": "Absence rate (%)",
                "Last 12 months": _pct(h["absence_rate_12m"]),
                "Previous 12 months": None,
            },
            {
                "Measure": "Long-term share of days lost (%)",
                "Last 12 months": _pct(h["long_term_share_12m"]),
                "Previous 12 months": None,
            },
            {
                "Measure": "Mental health share of days lost (%)",
                "Last 12 months": _pct(h["mental_health_share_12m"]),
                "Previous 12 months": None,
            },
        ]
    )


def _pct(value: float | None) -> float | None:
    return None if value is None else 100 * value


def top_reasons(reasons: pd.DataFrame, n: int = 4) -> list[str]:
    """The `n` reasons with most days lost, mental health first where present."""
    codes = list(reasons["_code"])
    ordered = (["MENTAL_HEALTH"] if "MENTAL_HEALTH" in codes else []) + [
        c for c in codes if c != "MENTAL_HEALTH"
    ]
    return ordered[:n]
