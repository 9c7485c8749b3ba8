"""The board summary: one page of headline measures, built only from this run's metrics.json
of the detail reports, so it can never disagree with them and needs no earlier pack.

For each headline measure in `params/board_summary.yaml`: this period's value, the value a
year earlier, the measure's own per-period series (month or quarter, as the metric registry
declares: never a rolling or overlapping window) as a sparkline, the SPC verdict from
`spc.xmr` on that series, and - where params give a target - the Making Data Count assurance.
A report that failed, or a metric it did not record, shows as not available.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.config import PROJECT_ROOT, read_params
from analysis.measures.spc import (
    CONCERN,
    IMPROVEMENT,
    IMPROVEMENT_OF,
    NEUTRAL,
    WORDS,
    assurance,
    xmr,
)
from analysis.periods import period_label
from analysis.presentation.formats import NOT_AVAILABLE, is_number, plural, shown
from analysis.presentation.model import Glossary, Note, Report, Scorecard, Summary
from analysis.presentation.present import terms_used
from analysis.registry import SERIES, metric, with_series
from analysis.withheld import WITHHELD, withheld

#: Fewest points of a series for SPC limits: NHSRplotthedots warns below 12 points
#: (`ptd_add_short_group_warnings`); Making Data Count prefers 15 to 20.
MIN_SPC_POINTS = 12


@dataclass(frozen=True)
class Measure:
    label: str
    report: str
    metric: str
    format: str = "decimal2"
    better: str = "neutral"
    section: str = ""
    year_earlier: str = ""
    test: tuple[str, ...] = ()
    target: float | None = None
    frequency: str = "month"
    theme: str = ""
    out_of: str = ""


def measure(declared, item: dict | None = None) -> Measure:
    """A board measure from its registry declaration, with the board's own settings
    (`item`: section, target and theme from params/board_summary.yaml)."""
    item = item or {}
    return Measure(
        declared.label,
        declared.report,
        declared.name,
        declared.format,
        declared.better,
        item.get("section", ""),
        declared.year_earlier,
        declared.test,
        item.get("target"),
        declared.frequency,
        item.get("theme", ""),
        declared.out_of,
    )


def measures(config: list[dict] | None = None) -> list[Measure]:
    """The measures from the board summary's parameters (by default those in
    `params/board_summary.yaml`: report, metric, section and an optional target), with
    label, format, direction, year-earlier figure and test from the metric registry; an
    undeclared metric, or one without a series, is a clear error."""
    if not config:
        config = read_params("board_summary.yaml").get("measures", [])
    return [measure(metric(item["report"], item["metric"]), item) for item in config]


def themes() -> list[str]:
    """The dashboard's groups of measures, in order (params/defaults.yaml)."""
    return list(read_params("defaults.yaml").get("dashboard_themes", []))


def this_run(period: str, history_dir: Path, staged: str | Path = "") -> dict[str, dict]:
    """The period's detail-report metrics from this run (`staged`, period -> report ->
    metrics, written by the engine); when the summary runs on its own, the period's
    published metrics.json instead. Never another period's pack."""
    if staged and Path(staged).is_file():
        reports = json.loads(Path(staged).read_text()).get(period, {})
        if reports:
            return reports
    path = Path(history_dir) / period / "metrics.json"
    try:
        return json.loads(path.read_text()).get("reports", {})
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _figure(v):
    """A recorded figure as a number, WITHHELD, or None."""
    if withheld(v):
        return WITHHELD
    return v if isinstance(v, int | float) and not isinstance(v, bool) else None


def value(reports: dict, m: Measure, name: str = ""):
    """The measure's figure (or another metric of its report) as recorded, None when the
    report or metric is missing, WITHHELD when a public report suppressed it."""
    return _figure(reports.get(m.report, {}).get(name or m.metric))


def series(reports: dict, m: Measure, period: str) -> pd.Series:
    """The measure's per-period series up to `period` (month periods; a quarter by the month
    it ends), withheld and missing points left out, oldest first."""
    recorded = reports.get(m.report, {}).get(SERIES, {}).get(m.metric, {})
    points = {
        pd.Period(label, "M"): v
        for label, v in recorded.get("points", [])
        if is_number(_figure(v)) and label <= period
    }
    s = pd.Series(points, dtype=float)
    s.index.name = "Period"
    return s.sort_index()


def year_earlier(reports: dict, m: Measure, period: str):
    """The same figure a year earlier: the metric the registry names, or else the series
    point twelve months before the period."""
    if m.year_earlier:
        return value(reports, m, m.year_earlier)
    recorded = reports.get(m.report, {}).get(SERIES, {}).get(m.metric, {})
    before = str(pd.Period(period, "M") - 12)
    return next((_figure(v) for label, v in recorded.get("points", []) if label == before), None)


def verdict(points: pd.Series, m: Measure, current, period: str, min_points: int):
    """(point type, words, XmR chart or None) for the period's point of the series, or why
    there is none."""
    if current is None:
        return "", NOT_AVAILABLE, None
    if withheld(current):
        return "", "withheld in the public version (small numbers)", None
    if len(points) < min_points or points.index[-1] != pd.Period(period, "M"):
        return "", f"trend only: {plural(len(points), 'point')}, SPC needs {min_points}", None
    chart = xmr(points.to_numpy(), improvement=IMPROVEMENT_OF[m.better])
    kind = chart["point_type"].iloc[-1]
    return kind, WORDS[kind], chart


def scorecard(
    reports: dict, ms: list[Measure], period: str, min_points: int = MIN_SPC_POINTS
) -> pd.DataFrame:
    """One row per measure: label, value, year-earlier value, series, point type, verdict,
    assurance (with a target only), the report's own test of the change, and link."""
    rows = []
    for m in ms:
        current = value(reports, m)
        points = series(reports, m, period)
        kind, words, chart = verdict(points, m, current, period, min_points)
        assured = None
        if chart is not None and m.target is not None:
            assured = assurance(chart, m.target, IMPROVEMENT_OF[m.better])
        rows.append(
            {
                "measure": m,
                "label": m.label,
                "value": current,
                "year_earlier": year_earlier(reports, m, period),
                "trend": points,
                "point_type": kind,
                "verdict": words,
                "assurance": assured,
                "test": tuple(value(reports, m, name) for name in m.test),
                "link": f"{m.report}.html" + (f"#{m.section}" if m.section else ""),
                "out_of": value(reports, m, m.out_of) if m.out_of else None,
            }
        )
    return pd.DataFrame(rows)


def headline(card: pd.DataFrame) -> dict:
    """Metrics the board summary records."""
    return {
        "measures_shown": len(card),
        "measures_not_available": int(card["value"].isna().sum()),
        "measures_withheld": int(card["value"].map(withheld).sum()),
        "special_cause_concerns": int((card["point_type"] == CONCERN).sum()),
    }


SIGNAL_ORDER = (CONCERN, IMPROVEMENT, NEUTRAL)


def change_sentence(row) -> str:
    """One key point: the measure, this value, a year earlier and the direction in words,
    the report's own test where it has one, and whether the latest point is a signal."""
    fmt = row.measure.format
    now, before = row.value, row.year_earlier
    if is_number(now) and is_number(before) and shown(now, fmt) == shown(before, fmt):
        text = f"{row.label} was {shown(now, fmt)}, the same as a year earlier"
    elif is_number(now) and is_number(before):
        moved = "rose" if now > before else "fell"
        text = f"{row.label} {moved} from {shown(before, fmt)} to {shown(now, fmt)} in a year"
    else:
        text = f"{row.label}: {shown(now, fmt)}"
    estimate, low, high = (row.test + (None, None, None))[:3]
    if all(is_number(v) for v in (estimate, low, high)):
        chance = (
            "more than chance would explain"
            if low > 1 or high < 1
            else "within what chance alone could produce"
        )
        text += f" (ratio {estimate:.2f}, 95% CI {low:.2f} to {high:.2f}: {chance})"
    if row.point_type in SIGNAL_ORDER:
        kind = {
            CONCERN: "of concern",
            IMPROVEMENT: "of improvement",
            NEUTRAL: "(a change beyond the usual variation, neither better nor worse in itself)",
        }
        text += f" — a special-cause signal {kind[row.point_type]}"
    elif row.point_type:
        text += " — within the usual variation"
    return text + "."


def report_changes(report: str, metrics: dict, period: str, limit: int = 2) -> list[str]:
    """A detail report's own opening points on what changed, by the key-point rule: of the
    figures it records a series for, first any whose latest point is a special-cause signal,
    then the largest relative change on a year earlier; at most `limit`."""
    ms = [measure(m) for m in with_series(report)]
    card = scorecard({report: metrics}, ms, period)
    card = card[card["value"].map(is_number)]
    signals = [r for r in card.itertuples() if r.point_type in SIGNAL_ORDER]
    changes = sorted(
        (
            r
            for r in card.itertuples()
            if r not in signals and is_number(r.year_earlier) and r.year_earlier
        ),
        key=lambda r: -abs(r.value / r.year_earlier - 1),
    )
    return [change_sentence(r) for r in (signals + changes)[:limit]]


def _named(labels: list[str]) -> str:
    """Measures by name when three or fewer, else how many (the scorecard lists them)."""
    if len(labels) <= 3:
        return "; ".join(labels)
    return f"{len(labels)} measures (marked in the scorecard)"


def bullets(card: pd.DataFrame, period_label: str, limit: int = 3) -> list[str]:
    """At most `limit` key points (three at least), by this rule: first every measure whose
    latest point is a special-cause signal (concerns, then improvements, then neutral
    signals); then the largest relative changes on a year earlier among the other measures;
    then, if fewer than three, the remaining measures in scorecard order. Measures not
    available or withheld get one closing point each (named when three or fewer, else
    counted: the scorecard names them). Only figures shown in the scorecard are used."""
    notes = []
    missing = [r.label for r in card.itertuples() if r.value is None or r.value != r.value]
    if missing:
        notes.append(f"Not available for {period_label}: {_named(missing)}.")
    hidden = [r.label for r in card.itertuples() if withheld(r.value)]
    if hidden:
        notes.append(f"Withheld in this public version (small numbers): {_named(hidden)}.")
    shown_rows = [r for r in card.itertuples() if is_number(r.value)]
    signals = sorted(
        (r for r in shown_rows if r.point_type in SIGNAL_ORDER),
        key=lambda r: SIGNAL_ORDER.index(r.point_type),
    )
    rest = [r for r in shown_rows if r.point_type not in SIGNAL_ORDER]
    changes = sorted(
        (r for r in rest if is_number(r.year_earlier) and r.year_earlier != 0),
        key=lambda r: -abs(r.value / r.year_earlier - 1),
    )
    ordered = signals + changes + [r for r in rest if r not in changes]
    room = max(limit - len(notes), 3 - len(notes), 0)
    picked = [r for r in ordered if r in signals + changes][:room]
    picked += [r for r in ordered if r not in picked][: max(0, 3 - len(notes) - len(picked))]
    return [change_sentence(r) for r in picked] + notes


LEGEND = (
    "Variation (NHS England's Making Data Count): ▲ special cause improvement, ▼ special cause "
    "concern, ◆ special cause neither better nor worse, ● common cause (the usual ups and "
    "downs). Assurance against a board target: ✔ consistently passing, ≈ hit and miss, ✖ "
    "consistently failing. Trend and variation use each measure's own monthly or quarterly "
    f"figures, never rolling 12-month ones; limits need at least {MIN_SPC_POINTS} points "
    "(fewer give unreliable limits). – : no figure a year earlier. Each figure comes from "
    "the detail report linked, for the same period."
)


def build(
    period: str,
    history_dir: str | Path = "",
    staged_metrics: str | Path = "",
    measures_config: list[dict] | None = None,
    min_spc_points: int = MIN_SPC_POINTS,
    metrics=None,
) -> Report:
    """The board summary for `period`, from this run's metrics of the detail reports
    (`staged_metrics`), or the period's published metrics.json in `history_dir` (default:
    the project's reports folder) when it runs alone. Its own figures are recorded in
    `metrics` (an `engine.metrics.Metrics`) when given."""
    reports = this_run(period, Path(history_dir or PROJECT_ROOT / "reports"), staged_metrics)
    card = scorecard(reports, measures(measures_config), period, min_spc_points)
    label = period_label(period)
    key_points = bullets(card, label)
    recorded = headline(card) | {"key_points": key_points}
    if metrics is not None:
        metrics.record_all(recorded)
    r = Report("board_summary", metrics=recorded)
    r.add("key-points", Summary(key_points))
    words = [*key_points, *card["label"], LEGEND, "Variation (SPC)"]
    r.add("scorecard", Scorecard(card, label), Note(LEGEND), Glossary(terms_used(words)))
    return r
