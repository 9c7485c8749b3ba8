"""The board summary's scorecard from metrics.json fixtures (no notebooks run)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import nbformat
import pandas as pd

from analysis import registry
from analysis.measures.spc import CONCERN, IMPROVEMENT
from analysis.reports import board_summary as board

SICKNESS = board.Measure(
    "FTE days lost per FTE",
    "sickness_absence",
    "fte_days_lost_per_fte_12m",
    "decimal2",
    "lower",
    "sickness-over-time",
)
KAPPA = board.Measure("Kappa", "audit_agreement", "kappa", "decimal2", "higher")


def write_history(out, values: dict[str, dict]):
    """values: period -> {report: {metric: value}}."""
    for period, reports in values.items():
        folder = out / period
        folder.mkdir(parents=True)
        (folder / "metrics.json").write_text(json.dumps({"period": period, "reports": reports}))


def months(n, last="2017-03"):
    return [str(p) for p in pd.period_range(end=last, periods=n, freq="M")]


def test_a_special_cause_concern_appears_with_its_words(tmp_path):
    # 12 steady months around 10, then a jump to 20: outside the upper limit; lower is better
    values = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 20]
    write_history(
        tmp_path,
        {
            p: {"sickness_absence": {"fte_days_lost_per_fte_12m": v}}
            for p, v in zip(months(13), values, strict=True)
        },
    )
    card = board.scorecard(board.history(tmp_path), [SICKNESS], "2017-03")
    row = card.iloc[0]
    assert row["point_type"] == CONCERN
    assert row["verdict"] == "special cause variation: concern"
    assert row["value"] == 20 and row["year_earlier"] == 10
    assert len(row["trend"]) == 13
    assert row["link"] == "sickness_absence.html#sickness-over-time"
    assert board.headline(card)["special_cause_concerns"] == 1
    points = board.bullets(card, "March 2017")
    assert points[0].startswith("FTE days lost per FTE: 20.00 is a signal of a concern")


def test_better_direction_comes_from_params(tmp_path):
    values = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 20]
    write_history(
        tmp_path,
        {p: {"audit_agreement": {"kappa": v}} for p, v in zip(months(13), values, strict=True)},
    )
    hist = board.history(tmp_path)
    assert board.scorecard(hist, [KAPPA], "2017-03").iloc[0]["point_type"] == IMPROVEMENT
    lower = replace(KAPPA, better="lower")
    assert board.scorecard(hist, [lower], "2017-03").iloc[0]["point_type"] == CONCERN


def test_a_missing_metric_is_not_available_never_last_months_value(tmp_path):
    write_history(
        tmp_path,
        {
            "2017-02": {"sickness_absence": {"fte_days_lost_per_fte_12m": 12.0}},
            "2017-03": {"young_children": {"starts_12m": 5}},  # sickness report failed
        },
    )
    card = board.scorecard(board.history(tmp_path), [SICKNESS, KAPPA], "2017-03")
    assert card["value"].isna().all()
    assert list(card["verdict"]) == ["not available", "not available"]
    assert board.headline(card) == {
        "measures_shown": 2,
        "measures_not_available": 2,
        "measures_withheld": 0,
        "special_cause_concerns": 0,
    }
    assert any("Not available for March 2017" in b for b in board.bullets(card, "March 2017"))


def test_later_periods_are_ignored(tmp_path):
    write_history(tmp_path, {p: {"audit_agreement": {"kappa": 0.5}} for p in months(3, "2017-05")})
    card = board.scorecard(board.history(tmp_path), [KAPPA], "2017-04")
    assert len(card.iloc[0]["trend"]) == 2


def test_configured_measures_are_recorded_metrics_linked_to_real_sections():
    root = Path(__file__).resolve().parents[2]
    for m in board.measures():
        assert registry.metric(m.report, m.metric).recorded, m.metric
        headings = nbformat.read(root / "notebooks" / f"{m.report}.ipynb", as_version=4).cells
        anchors = {
            re.sub(r"[^a-z0-9]+", "-", line[line.index(" ") + 1 :].lower()).strip("-")
            for c in headings
            if c.cell_type == "markdown"
            for line in c.source.splitlines()
            if line.startswith("#")
        }
        assert m.section in anchors, (m.report, m.section)


def test_a_figure_withheld_by_a_public_report_shows_as_c_and_leaves_the_trend(tmp_path):
    from analysis.withheld import withheld

    # a public pack: the latest kappa rests on too few pairs and was withheld ("c")
    values = {p: {"audit_agreement": {"kappa": 0.5}} for p in months(12, "2017-02")}
    values["2017-03"] = {"audit_agreement": {"kappa": "c"}}
    write_history(tmp_path, values)
    card = board.scorecard(board.history(tmp_path), [KAPPA], "2017-03")
    row = card.iloc[0]
    assert withheld(row["value"]) and board.shown(row["value"], "decimal2") == "c"
    assert row["verdict"] == "withheld in the public version (small numbers)"
    assert len(row["trend"]) == 12  # the withheld month is not drawn
    assert board.headline(card)["measures_withheld"] == 1
    assert board.headline(card)["measures_not_available"] == 0
    assert board.bullets(card, "March 2017") == [
        "Withheld in this public version (small numbers): Kappa."
    ]
