"""The board summary's scorecard, built only from the metrics.json files the detail reports
published, so it can never disagree with them.

For each headline measure declared in `params/board_summary.yaml`: this period's value, the
value a year earlier, every period's value available (the trend), and the SPC verdict from
`analysis.measures.spc.xmr` on that trend. A report that failed, or a metric it did not record for
the period, shows as not available - never an earlier period's value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.config import PARAMS_DIR, PROJECT_ROOT, read_yaml
from analysis.measures.spc import COMMON, CONCERN, IMPROVEMENT, NEUTRAL, WORDS, xmr
from analysis.periods import is_period, period_label
from analysis.presentation.formats import NOT_AVAILABLE, is_number, shown
from analysis.presentation.model import Note, Report, Scorecard, Summary
from analysis.registry import metric
from analysis.withheld import WITHHELD, withheld

IMPROVEMENT_OF = {"higher": "increase", "lower": "decrease", "neutral": "neutral"}


@dataclass(frozen=True)
class Measure:
    label: str
    report: str
    metric: str
    format: str = "decimal2"
    better: str = "neutral"
    section: str = ""


def measures(config: list[dict] | None = None) -> list[Measure]:
    """The measures from the board summary's parameters (by default those in
    `params/board_summary.yaml`: report, metric and section), with label, format and
    direction from the metric registry; an undeclared metric is a clear error."""
    if not config:
        config = read_yaml(PARAMS_DIR / "board_summary.yaml").get("measures", [])
    out = []
    for item in config:
        m = metric(item["report"], item["metric"])
        out.append(Measure(m.label, m.report, m.name, m.format, m.better, item.get("section", "")))
    return out


def history(out_dir: Path, staged: str | Path = "") -> dict[str, dict]:
    """Every published period's metrics.json under `out_dir`: period -> reports dict, with
    the metrics of reports that the current run has executed (`staged`, a JSON file of
    period -> report -> metrics written by the engine) taking the place of earlier ones."""
    found = _published(out_dir)
    if staged and Path(staged).is_file():
        for period, reports in json.loads(Path(staged).read_text()).items():
            found[period] = found.get(period, {}) | reports
    return found


def _published(out_dir: Path) -> dict[str, dict]:
    found = {}
    root = Path(out_dir)
    if not root.is_dir():
        return found
    for folder in sorted(root.iterdir()):
        path = folder / "metrics.json"
        if is_period(folder.name) and path.is_file():
            try:
                found[folder.name] = json.loads(path.read_text()).get("reports", {})
            except json.JSONDecodeError:
                continue
    return found


def value(hist: dict, period: str, m: Measure):
    """The measure's value for the period, None when its report or metric is missing, or
    WITHHELD when a public report suppressed it."""
    v = hist.get(period, {}).get(m.report, {}).get(m.metric)
    if withheld(v):
        return WITHHELD
    return v if isinstance(v, int | float) and not isinstance(v, bool) else None


def trend(hist: dict, period: str, m: Measure) -> pd.Series:
    """Values of the measure in every period up to `period` that has one (and did not
    withhold it), oldest first."""
    points = {p: value(hist, p, m) for p in sorted(hist) if p <= period}
    s = pd.Series({pd.Period(p, "M"): v for p, v in points.items() if is_number(v)}, dtype=float)
    s.index.name = "Period"
    return s


def year_earlier(period: str) -> str:
    return str(pd.Period(period, "M") - 12)


def verdict(series: pd.Series, m: Measure, current, min_points: int) -> tuple[str, str]:
    """(point type, words) for the latest point, or why there is none."""
    if current is None:
        return "", NOT_AVAILABLE
    if withheld(current):
        return "", "withheld in the public version (small numbers)"
    if len(series) < min_points:
        return "", f"trend only: {len(series)} period(s), SPC needs {min_points}"
    kind = xmr(series.to_numpy(), improvement=IMPROVEMENT_OF[m.better])["point_type"].iloc[-1]
    return kind, WORDS[kind]


def scorecard(hist: dict, ms: list[Measure], period: str, min_points: int = 8) -> pd.DataFrame:
    """One row per measure: label, value, year-earlier value, trend, point type, verdict."""
    rows = []
    for m in ms:
        current = value(hist, period, m)
        series = trend(hist, period, m)
        kind, words = verdict(series, m, current, min_points)
        rows.append(
            {
                "measure": m,
                "label": m.label,
                "value": current,
                "year_earlier": value(hist, year_earlier(period), m),
                "trend": series,
                "point_type": kind,
                "verdict": words,
                "link": f"{m.report}.html" + (f"#{m.section}" if m.section else ""),
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


def bullets(card: pd.DataFrame, period_label: str, limit: int = 5) -> list[str]:
    """Three to five plain-English points: special-cause signals first, then the largest
    changes on a year earlier, then what could not be shown. Only figures in the scorecard."""
    out: list[str] = []
    for row in card.itertuples():
        if row.point_type in (CONCERN, IMPROVEMENT):
            kind = "a concern" if row.point_type == CONCERN else "an improvement"
            out.append(
                f"{row.label}: {shown(row.value, row.measure.format)} is a signal of "
                f"{kind}, beyond the usual variation from period to period."
            )
        elif row.point_type == NEUTRAL:
            out.append(
                f"{row.label}: {shown(row.value, row.measure.format)} is outside the "
                "usual variation (neither better nor worse in itself)."
            )
    changes = []
    for row in card.itertuples():
        if is_number(row.value) and is_number(row.year_earlier) and row.year_earlier != 0:
            changes.append((abs(row.value / row.year_earlier - 1), row))
    for _, row in sorted(changes, key=lambda c: -c[0]):
        if len(out) >= limit - 1:
            break
        direction = (
            "up"
            if row.value > row.year_earlier
            else "down"
            if row.value < row.year_earlier
            else "unchanged"
        )
        out.append(
            f"{row.label}: {shown(row.value, row.measure.format)}, {direction} from "
            f"{shown(row.year_earlier, row.measure.format)} a year earlier."
        )
    missing = [r.label for r in card.itertuples() if r.value is None or r.value != r.value]
    if missing:
        out.append(f"Not available for {period_label}: {'; '.join(missing)}.")
    hidden = [r.label for r in card.itertuples() if withheld(r.value)]
    if hidden:
        out.append(f"Withheld in this public version (small numbers): {'; '.join(hidden)}.")
    common = [r for r in card.itertuples() if r.point_type == COMMON]
    if len(out) < 3 and common:
        out.append(
            f"{len(common)} measure(s) show only common cause variation: no signal of "
            "change beyond the usual ups and downs."
        )
    mentioned = " ".join(out)
    for row in card.itertuples():
        if len(out) >= 3:
            break
        if is_number(row.value) and row.label not in mentioned:
            out.append(f"{row.label}: {shown(row.value, row.measure.format)} in {period_label}.")
    return out[:limit]


LEGEND = (
    "– no figure published a year earlier. Variation: ▲ special cause improvement, ▼ special "
    "cause concern, ◆ special cause (neither better nor worse), ● common cause (the usual ups "
    "and downs). SPC charts follow NHS England's Making Data Count method. Each figure is "
    "taken from the detail report named in the link, for the same period."
)


def build(
    period: str,
    history_dir: str | Path = "",
    staged_metrics: str | Path = "",
    measures_config: list[dict] | None = None,
    min_spc_points: int = 8,
    metrics=None,
) -> Report:
    """The board summary for `period`, from the metrics of the detail reports published in
    `history_dir` (default: the project's reports folder) and this run's `staged_metrics`.
    Its own figures are recorded in `metrics` (an `engine.metrics.Metrics`) when given."""
    hist = history(Path(history_dir or PROJECT_ROOT / "reports"), staged_metrics)
    card = scorecard(hist, measures(measures_config), period, min_spc_points)
    label = period_label(period)
    key_points = bullets(card, label)
    recorded = headline(card) | {"key_points": key_points}
    if metrics is not None:
        metrics.record_all(recorded)
    r = Report("board_summary", metrics=recorded)
    r.add("key-points", Summary(key_points))
    r.add("scorecard", Scorecard(card, label), Note(LEGEND))
    return r
