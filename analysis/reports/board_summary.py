"""The board summary: one page of headline measures, built only from this run's metrics.json
of the detail reports, so it can never disagree with them and needs no earlier pack.

It opens with what needs the board's attention, ranked (special-cause concerns, measures worse
than a year earlier beyond chance, changes beyond chance that are neither better nor worse,
targets missed, overdue actions by name and owner, impact claims the data contradict or no
longer support, completed actions with no evidence of impact at their review, then other
measures worse than a year earlier), then the improvements, then the scorecard. For each
headline measure in `params/board_summary.yaml`: this period's value, the same figure a year
earlier, its own per-period series as a sparkline, and one verdict from
`analysis.measures.verdict.judge` (SPC only on flow and stock series, the report's own test,
the assurance against the board's target). A report that failed, or a metric it did not
record, shows as not available.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from analysis.config import PROJECT_ROOT, read_params
from analysis.measures.spc import COMMON, CONCERN, IMPROVEMENT, NEUTRAL
from analysis.measures.verdict import MIN_SPC_POINTS, Verdict, judge, variation_parts
from analysis.periods import period_label
from analysis.presentation.formats import is_number, shown, shown_of
from analysis.presentation.model import Glossary, Note, Report, Scorecard, Summary
from analysis.presentation.present import terms_used
from analysis.registry import SERIES, metric, with_series
from analysis.withheld import WITHHELD, withheld


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
    series_kind: str = "flow"
    series_label: str = ""


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
        declared.series,
        declared.series_label,
    )


def measures(config: list[dict] | None = None) -> list[Measure]:
    """The measures from the board summary's parameters (by default those in
    `params/board_summary.yaml`: report, metric, section, theme and an optional target), with
    label, format, direction, series kind, year-earlier figure and test from the metric
    registry; an undeclared metric is a clear error."""
    if not config:
        config = read_params("board_summary.yaml").get("measures", [])
    return [measure(metric(item["report"], item["metric"]), item) for item in config]


def dashboard_measures(config: list[dict] | None = None) -> list[Measure]:
    """The dashboard's measures: the board summary's (`measures`), then the
    `dashboard_measures` of `params/defaults.yaml` (or `config`), in the same form: the
    dashboard has no page limit, so a measure the one-page summary has no room for - with
    its target - still has a tile."""
    if config is None:
        config = read_params("defaults.yaml").get("dashboard_measures", []) or []
    return measures() + [measure(metric(i["report"], i["metric"]), i) for i in config]


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


def judged(reports: dict, m: Measure, period: str, min_points: int = MIN_SPC_POINTS) -> Verdict:
    """The one verdict on measure `m` for `period` (`verdict.judge`): its figure, the same
    figure a year earlier (the metric the registry names, else the series point a year back
    when each point is the measure's own definition), SPC where its series kind allows, the
    report's own test and the assurance against the board's target. Figures that show the
    same at the measure's format are the same: no change is claimed."""
    v = judge(
        series(reports, m, period),
        value(reports, m),
        period=period,
        series_kind=m.series_kind,
        better=m.better,
        frequency=m.frequency,
        year_earlier=value(reports, m, m.year_earlier) if m.year_earlier else None,
        same_definition=not m.series_label,
        test=tuple(value(reports, m, name) for name in m.test),
        target=m.target,
        min_points=min_points,
    )
    if v.change in ("up", "down") and shown(v.value, m.format) == shown(v.year_earlier, m.format):
        v = replace(v, same_as_shown=True)
    return v


#: A cumulative measure's progress note: the list its report records, and what it counts.
PROGRESS = {
    "actions_complete": ("overdue_actions", "overdue"),
    "actions_impact_evidenced": ("impact_contradicted_actions", "contradicted by the data"),
}


def progress(reports: dict, m: Measure, v: Verdict) -> str:
    """A cumulative count as progress against its total, with what is late or contradicted
    named, e.g. "23 of 25 complete; 1 overdue: IP25 ...". Empty for other series."""
    if m.series_kind != "cumulative" or not is_number(v.value):
        return ""
    total = value(reports, m, m.out_of) if m.out_of else None
    text = f"{shown_of(v.value, total, m.format)} so far (a running total: no SPC)"
    listed, what = PROGRESS.get(m.metric, ("", ""))
    names = reports.get(m.report, {}).get(listed) or []
    if names:
        text += f"; {len(names)} {what}: {'; '.join(n.split(' (')[0] for n in names[:2])}"
        text += "…" if len(names) > 2 else ""
    return text


def target_words(m: Measure, v: Verdict) -> str:
    """The board's target, and whether this period's figure meets it."""
    if m.target is None or m.better == "neutral":
        return ""
    bound = "at most" if m.better == "lower" else "at least"
    met = "missed" if v.target_missed else "met"
    return f"target {bound} {shown(m.target, m.format)}: {met} this period"


#: The scorecard's words beside each Making Data Count icon (the legend says the rest).
SHORT = {
    IMPROVEMENT: "improvement",
    CONCERN: "concern",
    NEUTRAL: "neutral",
    COMMON: "common cause",
}


def short_verdict(m: Measure, v: Verdict) -> str:
    """The scorecard's few words for the verdict."""
    if v.point_type:
        return SHORT[v.point_type]
    if m.series_kind == "cumulative" and is_number(v.value):
        return "running total"
    if withheld(v.value):
        return "withheld"  # the page's closing note says why
    return v.variation.split(":")[0]


def scorecard(
    reports: dict,
    ms: list[Measure],
    period: str,
    min_points: int = MIN_SPC_POINTS,
    links: str = "{report}.html",
) -> pd.DataFrame:
    """One row per measure: label, value, year-earlier value, series, point type, verdict
    words, assurance (with a target only), the report's own test of the change, link (to
    `links` with the report's name; a page's section anchor added), the verdict itself
    (`judged`) and its XmR chart (None where SPC does not apply)."""
    rows = []
    for m in ms:
        v = judged(reports, m, period, min_points)
        row_target = target_words(m, v)
        rows.append(
            {
                "measure": m,
                "label": m.label,
                "value": v.value,
                "year_earlier": v.year_earlier,
                "trend": series(reports, m, period),
                "point_type": v.point_type,
                "verdict": progress(reports, m, v) or v.variation,
                "assurance": v.assurance,
                "test": tuple(value(reports, m, name) for name in m.test),
                "link": _link(links, m),
                "out_of": value(reports, m, m.out_of) if m.out_of else None,
                "judged": v,
                "chart": v.chart,
                "target": row_target,
                "series_note": f"Chart: {m.series_label}." if m.series_label else "",
                "short": short_verdict(m, v),
                "target_short": (
                    f"{'≤' if m.better == 'lower' else '≥'} {shown(m.target, m.format)}"
                    + (" missed" if v.target_missed else "")
                    if row_target
                    else ""
                ),
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
    """One measure's sentence: this value against a year earlier in words, the report's own
    test where it has one, the SPC reading (what fired, and where the latest point is), how
    the two fit together when they point different ways, and the target."""
    fmt = row.measure.format
    v: Verdict = row.judged
    now, before = v.value, v.year_earlier
    if v.change == "same":
        text = f"{row.label} was {shown(now, fmt)}, the same as a year earlier"
    elif v.change:
        moved = "rose" if v.change == "up" else "fell"
        text = f"{row.label} {moved} from {shown(before, fmt)} to {shown(now, fmt)} in a year"
    else:
        text = f"{row.label}: {shown(now, fmt)}"
    reading = v.reading()
    if reading:
        text += f" {reading}"
    elif v.series_kind == "cumulative":
        text += f" — {row.verdict}"
    if row.target:
        text += f"; {row.target}"
    return text + "."


def line(row) -> str:
    """The same verdict as `change_sentence`, in one line for the printed page: the value,
    a year earlier, the test's outcome, the kind of variation and a missed target."""
    fmt = row.measure.format
    v: Verdict = row.judged
    text = f"{row.label}: {shown(v.value, fmt)}"
    if v.change in ("up", "down"):
        text += f", {v.change} from {shown(v.year_earlier, fmt)} a year earlier"
    elif v.change == "same":
        text += ", the same as a year earlier"
    if v.test is not None:
        chance = "beyond chance" if v.beyond_chance else "within chance"
        text += f" ({chance}{' as one change' if v.special and not v.beyond_chance else ''})"
    if v.special:
        text += f"; {variation_parts(v.chart, v.unit)[0]}"
    if v.target_missed:
        text += f"; target {row.target_short}"
    return text + "."


#: Attention ranks, most pressing first (`attention`): the board's order, with measures
#: worse than a year earlier but not shown to be beyond chance after the overdue actions,
#: and special-cause changes that are neither better nor worse (and have no test) last.
RANKS = (
    "special-cause concern",
    "worse beyond chance",
    "changed beyond chance",
    "target missed",
    "overdue action",
    "worse than a year earlier",
    "impact contradicted",
    "impact not sustained",
    "awaiting review",
    "special-cause change",
)


def _rank(v: Verdict) -> str:
    """Why a measure needs the board's attention, its highest rank; "" when it does not."""
    if v.point_type == CONCERN:
        return "special-cause concern"
    if v.direction == "worse" and v.beyond_chance:
        return "worse beyond chance"
    if v.better == "neutral" and v.beyond_chance:
        return "changed beyond chance"
    if v.target_missed or v.assurance == "consistently fails the target":
        return "target missed"
    if v.direction == "worse":
        return "worse than a year earlier"
    if v.point_type == NEUTRAL:
        return "special-cause change"
    return ""


def _improved(v: Verdict) -> int | None:
    """How strongly a measure has improved (0 strongest), None when it has not."""
    if v.point_type == IMPROVEMENT:
        return 0
    if v.direction == "better" and v.beyond_chance:
        return 1
    if v.assurance == "consistently meets the target":
        return 2
    if v.direction == "better":
        return 3
    return None


def _size(row) -> float:
    """The relative change on a year earlier (0 when there is none)."""
    v = row.judged
    if not v.change or not v.year_earlier:
        return 0.0
    return abs(v.value / v.year_earlier - 1)


def attention(card: pd.DataFrame, reports: dict, compact: bool = False) -> list[str]:
    """What needs the board's attention, ranked by `RANKS` (within a rank, the largest
    change on a year earlier first): each measure once, at its highest rank; then the
    improvement plan's overdue actions by name and owner, impact claims the data contradict
    or no longer support, and completed actions with no evidence of impact six months on.
    `compact`: one line each, for the printed page (`line`)."""
    say = line if compact else change_sentence
    items = []
    for row in card.itertuples():
        if not is_number(row.value):
            continue
        rank = _rank(row.judged)
        if rank:
            items.append((RANKS.index(rank), -_size(row), say(row)))
    plan = reports.get("improvement_plan", {})
    for name in plan.get("overdue_actions") or []:
        items.append((RANKS.index("overdue action"), 0, f"Overdue action: {name}."))
    for rank, listed, what in (
        ("impact contradicted", "impact_contradicted_actions", "the data contradict"),
        ("impact not sustained", "impact_not_sustained_actions", "the data no longer support"),
    ):
        names = plan.get(listed) or []
        if names:
            many = len(names) != 1
            listed_names = (
                ", ".join(n.split(" ")[0] for n in names) if compact else "; ".join(names)
            )
            items.append(
                (
                    RANKS.index(rank),
                    0,
                    f"{len(names)} {'claims' if many else 'claim'} of impact {what}, not "
                    f"counted as evidence: {listed_names}.",
                )
            )
    waiting = plan.get("awaiting_review_actions") or []
    if waiting:
        first = [n.split(" ")[0] for n in waiting[:2]] if compact else waiting[:2]
        oldest = "; ".join(first) + ("; …" if len(waiting) > 2 else "")
        many = len(waiting) != 1
        items.append(
            (
                RANKS.index("awaiting review"),
                0,
                f"{len(waiting)} completed {'actions show' if many else 'action shows'} no "
                f"evidence of impact and no impact review six months or more on (oldest: "
                f"{oldest}).",
            )
        )
    return [text for *_, text in sorted(items, key=lambda i: (i[0], i[1]))]


def improvements(card: pd.DataFrame, compact: bool = False, labelled: bool = False) -> list[str]:
    """The measures that improved: special-cause improvements, better than a year earlier
    beyond chance, targets consistently met, then others better than a year earlier; each
    once, a measure that needs attention never. `compact` as in `attention`; `labelled`:
    each begins "Improved: ", or "On target: " for a target consistently met by a measure
    no better than a year earlier."""
    say = line if compact else change_sentence
    items = []
    for row in card.itertuples():
        if not is_number(row.value) or _rank(row.judged):
            continue
        strength = _improved(row.judged)
        if strength is not None:
            text = say(row)
            if labelled:
                better = strength < 2 or row.judged.direction == "better"
                text = ("Improved: " if better else "On target: ") + text
            items.append((strength, -_size(row), text))
    return [text for *_, text in sorted(items, key=lambda i: (i[0], i[1]))]


def report_changes(report: str, metrics: dict, period: str, limit: int = 2) -> list[str]:
    """A detail report's own opening points on what changed, by the board's rule: of the
    figures it records a series for, what needs attention first, then improvements; at
    most `limit`, and never only good news when something got worse."""
    ms = [measure(m) for m in with_series(report)]
    card = scorecard({report: metrics}, ms, period)
    return key_points(attention(card, {}), improvements(card), limit)


def key_points(needs: list[str], better: list[str], limit: int = 5) -> list[str]:
    """At most `limit` points drawn from both lists: what needs attention first (up to all
    but one place when there are improvements too), then improvements. A period with
    anything needing attention never has only good news."""
    room_bad = limit - 1 if better else limit
    bad = needs[: max(room_bad, 0)]
    return bad + better[: limit - len(bad)]


def _named(labels: list[str]) -> str:
    """Measures by name when three or fewer, else how many (the scorecard lists them)."""
    if len(labels) <= 3:
        return "; ".join(labels)
    return f"{len(labels)} measures (marked in the scorecard)"


def notes(card: pd.DataFrame, period_label: str) -> list[str]:
    """One closing point each for measures not available or withheld (named when three or
    fewer, else counted: the scorecard names them)."""
    out = []
    missing = [r.label for r in card.itertuples() if r.value is None or r.value != r.value]
    if missing:
        out.append(f"Not available for {period_label}: {_named(missing)}.")
    hidden = [r.label for r in card.itertuples() if withheld(r.value)]
    if hidden:
        out.append(f"Withheld in this public version (small numbers): {_named(hidden)}.")
    return out


def bullets(card: pd.DataFrame, period_label: str, reports: dict | None = None) -> list[str]:
    """The key points: what needs attention, then improvements (`key_points`: at most four
    from the attention list and one improvement when there are both); fewer than three,
    then the other measures in scorecard order; then a note of measures not available or
    withheld. Only figures shown in the scorecard are used."""
    needs, better = attention(card, reports or {}), improvements(card)
    points = key_points(needs, better, 5)
    others = [change_sentence(r) for r in card.itertuples() if is_number(r.value)]
    points += [x for x in others if x not in needs + better][: max(0, 3 - len(points))]
    return points + notes(card, period_label)


#: Most items of each list on the one-page summary (the dashboard and metrics.json hold all).
PAGE_ITEMS = {"needs-attention": 5, "improvements": 1}


def _more(needs: list[str], better: list[str], own: int = 0) -> str:
    """How many more items the dashboard lists than the printed page, and how many measures
    it alone shows (`own`: `dashboard_measures` beyond this page's)."""
    extra = [
        f"{n} more {what}"
        for n, what in (
            (len(needs) - PAGE_ITEMS["needs-attention"], "needing attention"),
            (len(better) - PAGE_ITEMS["improvements"], "improved"),
        )
        if n > 0
    ]
    if own:
        extra.append(f"{own} {'measure' if own == 1 else 'measures'} not on this page")
    listed = ", and ".join([" and ".join(extra[:2]), *extra[2:]]) if extra else ""
    return f"The board's dashboard lists {listed}." if listed else ""


LEGEND = (
    "Variation (NHS England's Making Data Count), from each measure's own monthly or "
    "quarterly figures: ▲ special cause improvement, ▼ concern, ◆ neither better nor worse, ● "
    "common cause. Assurance against the board's target: ✔ consistently passing, ≈ hit and "
    "miss, ✖ consistently failing. A year earlier: the same definition then."
)


def _link(links: str, m: Measure) -> str:
    """The detail behind a measure: its report's page at the section, or its notebook."""
    target = links.format(report=m.report)
    return target + (f"#{m.section}" if m.section and target.endswith(".html") else "")


def build(
    period: str,
    history_dir: str | Path = "",
    staged_metrics: str | Path = "",
    measures_config: list[dict] | None = None,
    min_spc_points: int = MIN_SPC_POINTS,
    metrics=None,
    links: str = "{report}.html",
) -> Report:
    """The board summary for `period`, from this run's metrics of the detail reports
    (`staged_metrics`), or the period's published metrics.json in `history_dir` (default:
    the project's reports folder) when it runs alone. Its own figures are recorded in
    `metrics` (an `engine.metrics.Metrics`) when given; `links` says where each measure's
    detail is (`{report}` is the report's name): its page beside this one by default."""
    reports = this_run(period, Path(history_dir or PROJECT_ROOT / "reports"), staged_metrics)
    card = scorecard(reports, measures(measures_config), period, min_spc_points, links)
    label = period_label(period)
    needs, better = attention(card, reports), improvements(card)
    points = bullets(card, label, reports)
    recorded = headline(card) | {
        "attention": needs,
        "improvements": better,
        "key_points": points,
    }
    if metrics is not None:
        metrics.record_all(recorded)
    r = Report("board_summary", metrics=recorded)
    page_needs = attention(card, reports, True)[: PAGE_ITEMS["needs-attention"]]
    page_better = improvements(card, True, labelled=True)[: PAGE_ITEMS["improvements"]]
    own = len(read_params("defaults.yaml").get("dashboard_measures") or [])
    closing = [x for x in [_more(needs, better, own), *notes(card, label)] if x]
    r.add(
        "needs-the-board-s-attention",
        Summary(page_needs)
        if page_needs
        else Note(f"Nothing in {label} needs the board's attention by these rules."),
        Summary(page_better + closing)
        if page_better
        else Note(" ".join(["No measure improved on a year earlier.", *closing])),
    )
    words = [*page_needs, *page_better, *closing, *card["label"], LEGEND, "Variation (SPC)"]
    r.add("scorecard", Scorecard(card, label), Note(LEGEND), Glossary(terms_used(words)))
    return r
