"""The `sickness_absence` report's headline figures and plain-English summary."""

from __future__ import annotations

import pandas as pd

from analysis.measures import comparisons as cmp
from analysis.measures import data_quality as dq
from analysis.measures import sickness as sk
from analysis.measures.spc import assurance, xmr
from analysis.measures.verdict import variation_words
from analysis.periods import period_end, period_label, window
from analysis.presentation import charts
from analysis.presentation.model import (
    Figure,
    Glossary,
    Note,
    Report,
    Restricted,
    Summary,
    Table,
    published_table,
)
from analysis.presentation.present import NO_COUNTS, as_published
from analysis.reports.board_summary import report_changes
from analysis.withheld import withheld


def headline(spells, staffing, period, threshold=20, unit=sk.WORKING) -> dict:
    """Metrics for metrics.json (report key `sickness_absence`), except the SPC verdict. A
    12-month window that starts before the HR data begin has no figure (None)."""
    cur, prev = window(period, 12), window(period, 12, offset=12)
    begins = sk.hr_data_begins(spells, staffing)
    before = sk.per_fte(spells, staffing, *prev) if sk.covered(prev[0], begins) else None
    return {
        "fte_days_lost_per_fte_12m": sk.per_fte(spells, staffing, *cur),
        "fte_days_lost_12m": sk.fte_days_lost(spells, *cur),
        "average_fte_12m": sk.average_fte(staffing, *cur),
        "fte_days_lost_per_fte_12m_prev": before,
        "absence_rate_12m": sk.absence_rate(spells, staffing, *cur),
        "long_term_share_12m": sk.long_term_share(spells, *cur, threshold, unit),
        "mental_health_share_12m": sk.reason_share(spells, *cur, "MENTAL_HEALTH"),
        "mental_health_employees_12m": sk.reason_employees(spells, *cur, "MENTAL_HEALTH"),
    }


def rolling_chart(rolling: pd.Series) -> Figure | Note:
    """The rolling 12-month line, shown only once 12 months of HR data exist."""
    if rolling.empty:
        return Note("The rolling 12-month figure appears once 12 months of HR data exist.")
    chart = charts.line_with_interval(
        rolling, "Rolling 12-month FTE days lost per FTE", "Days per FTE", percent=False
    )
    return Figure(chart, rests_on=NO_COUNTS)


def spc(series: pd.DataFrame):
    """XmR chart of monthly FTE days lost per FTE (annualised), months with no figure left
    out (as the board summary reads the same series); lower is better."""
    return xmr(series["Per FTE (annualised)"].dropna(), improvement="decrease")


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
    latest = variation(chart)
    return [
        f"In the 12 months to {label}, {now:.2f} FTE working days were lost to sickness per FTE "
        f"employee: {direction(now, h['fte_days_lost_per_fte_12m_prev'])}."
        if now is not None
        else "No staffing figures cover the last 12 months.",
        f"{100 * h['long_term_share_12m']:.0f}% of the days lost were in long-term absences "
        f"({threshold} {unit.replace('_', ' ')} or more); {tops}."
        if h["long_term_share_12m"] is not None
        else "No days were lost in the last 12 months.",
        f"Month by month (each month's days lost per FTE, annualised): {latest}.",
    ]


def variation(chart: pd.DataFrame) -> str:
    """The monthly chart's reading in the board's words (`verdict.variation_words`: what
    fired, and where the latest month is)."""
    return variation_words(chart, "month")


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


TEAM_FORMATS = {"Average FTE": "decimal1", "FTE days lost": "decimal1", "Per FTE": "decimal2"}


#: Words this report uses, defined in its "Words used in this report" box.
TERMS = [
    "FTE",
    "FTE days lost per FTE",
    "SPC (statistical process control)",
    "common cause variation",
    "special cause variation",
    "Bradford factor",
    "DfE",
    "HR",
]


def build(
    s,
    lookback_months: int = 36,
    long_term_threshold: int = 20,
    long_term_unit: str = sk.WORKING,
    small_team_fte: float = 10,
    public_min_team_fte: float = 10,
    bradford_triggers=(51, 201, 501),
    target_per_fte: float | None = None,
    benchmark_dir: str = "data/reference",
    new_la_code: str = "",
    old_la_code: str = "",
) -> Report:
    """The `sickness_absence` report for the session's period (sections keyed by anchor)."""
    spells, staffing = s.inputs["absence"], s.inputs["staffing"]
    h = s.record_all(headline(spells, staffing, s.period, long_term_threshold, long_term_unit))
    series = sk.monthly(
        spells, staffing, s.period, lookback_months, long_term_threshold, long_term_unit
    )
    chart = spc(series)
    s.record_series("fte_days_lost_per_fte_12m", series["Per FTE (annualised)"])
    s.record("latest_month_point_type", chart["point_type"].iloc[-1])
    reasons = sk.by_reason(spells, *window(s.period, 12))
    top = top_reasons(reasons)
    label = period_label(s.period)
    r = Report("sickness_absence")
    r.add(
        "summary",
        Summary(
            summary(h, as_published(reasons), chart, label, long_term_threshold, long_term_unit)
        ),
        Table(
            headline_table(h),
            f"Headline measures, 12 months to {label}",
            {"Last 12 months": "decimal2", "Previous 12 months": "decimal2"},
        ),
    )
    r.add("summary", Glossary(TERMS))
    latest = f"Month by month: {variation(chart)}."
    begins = sk.hr_data_begins(spells, staffing)
    if begins is not None and begins > series.index[0].start_time:
        latest += (
            f" HR data begin in {begins:%B %Y}: earlier months, and 12-month windows that "
            "reach back before then, are left blank, not shown as zero."
        )
    if target_per_fte is not None:
        latest += f" Against the target the process {assurance(chart, target_per_fte, 'decrease')}."
    r.add(
        "sickness-over-time",
        Figure(
            charts.spc_chart(
                chart,
                "FTE days lost per FTE per month (annualised)",
                "Days per FTE (annualised)",
                target_per_fte,
            ),
            rests_on=NO_COUNTS,
        ),
        Note(latest),
        rolling_chart(series["Rolling 12 months per FTE"].dropna()),
    )
    r.add(
        "long-term-and-short-term-absence",
        Figure(
            charts.stacked_bars(
                series[["Long-term", "Short-term"]],
                "FTE days lost per month: long-term and short-term",
                "FTE days lost",
            ),
            rests_on=NO_COUNTS,
        ),
        Figure(
            charts.line_with_interval(
                series["Short-term spells per FTE"],
                "Short-term spells starting per FTE, per month",
                "Spells per FTE",
                percent=False,
            ),
            rests_on=series[["Short-term spells"]],
        ),
    )
    r.add(
        "reasons",
        Table(
            reasons.drop(columns="_code"),
            f"FTE days lost by reason, 12 months to {label}",
            {"Share": "percent", "FTE days lost": "decimal1"},
        ),
        Figure(
            charts.stacked_bars(
                sk.reason_trend(spells, s.period, lookback_months, top),
                "FTE days lost per quarter, main reasons",
                "FTE days lost",
            ),
            rests_on=sk.reason_trend(spells, s.period, lookback_months, top, employees=True),
        ),
    )
    merge_below = public_min_team_fte if s.public else 0
    teams = sk.by_team(spells, staffing, *window(s.period, 12), small_team_fte, merge_below)
    r.add(
        "teams",
        Table(teams, f"FTE days lost per FTE by team, 12 months to {label}", TEAM_FORMATS),
    )
    r.add(
        "frequent-short-absences-bradford-factor",
        Restricted(
            Table(
                sk.bradford_counts(spells, period_end(s.period), bradford_triggers),
                "Employees at or above each Bradford factor trigger point, last 52 weeks",
            ),
            "Bradford-factor counts are not published in the public version: they describe "
            "individual employees' patterns of absence.",
        ),
    )
    bm = cmp.open_benchmarks(benchmark_dir, new_la_code, old_la_code)
    absence_bm = cmp.absence(bm) if bm else None
    s.record_all(cmp.section_metrics(absence_bm, s.period, "absence_rate", bm))
    r.add(
        "how-we-compare",
        published_table(
            absence_bm,
            "Social worker absence rate (%), DfE published",
            cmp.MISSING,
        ),
        Figure(
            charts.comparison_chart(
                absence_bm,
                cmp.neighbour_values(bm, "csww", "absence_rate_fte"),
                cmp.la_label(bm),
                "Social worker absence rate, DfE published",
                "Absence rate (%)",
            )
            if bm
            else None,
            rests_on=NO_COUNTS,
        ),
        published_table(
            cmp.days_lost_per_fte(bm) if bm else None,
            "Social workers' FTE days lost per FTE in post, from DfE published figures",
        ),
    )
    r.metrics = dict(s.metrics.values)
    r["summary"][0].sentences += report_changes("sickness_absence", r.metrics, str(s.period))
    r["summary"][0].sentences += dq.thin_caution(
        s.inputs, s.period, ["absence"], "the month's days lost"
    )
    return r
