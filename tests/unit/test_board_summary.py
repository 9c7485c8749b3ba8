"""The board summary from one run's metrics (no notebooks run): values, a year earlier, SPC on
each measure's own per-period series, assurance, and key points worked out by hand."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import nbformat
import numpy as np
import pandas as pd
from support.paths import ROOT

from analysis import registry
from analysis.measures.spc import COMMON, CONCERN, xmr
from analysis.reports import board_summary as board
from analysis.withheld import withheld

SICKNESS = board.Measure(
    "FTE days lost per FTE",
    "sickness_absence",
    "fte_days_lost_per_fte_12m",
    "decimal2",
    "lower",
    "sickness-over-time",
    year_earlier="fte_days_lost_per_fte_12m_prev",
)
KAPPA = board.Measure("Kappa", "audit_agreement", "kappa", "decimal2", "higher")


def months(n, last="2017-03"):
    return [str(p) for p in pd.period_range(end=last, periods=n, freq="M")]


def quarters(n, last="2017-03"):
    return [str(pd.Period(last, "M") - 3 * k) for k in reversed(range(n))]


def series(labels, values, frequency="month"):
    return {"frequency": frequency, "points": [list(p) for p in zip(labels, values, strict=True)]}


def test_a_special_cause_concern_appears_with_its_words():
    # 12 steady months around 10, then a jump to 20: outside the upper limit; lower is better
    values = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 20]
    reports = {
        "sickness_absence": {
            "fte_days_lost_per_fte_12m": 12.5,
            "fte_days_lost_per_fte_12m_prev": 10.0,
            "series": {"fte_days_lost_per_fte_12m": series(months(13), values)},
        }
    }
    card = board.scorecard(reports, [SICKNESS], "2017-03")
    row = card.iloc[0]
    assert row["point_type"] == CONCERN
    assert row["verdict"] == "special-cause concern: this month above the upper process limit"
    assert row["value"] == 12.5 and row["year_earlier"] == 10.0
    assert len(row["trend"]) == 13
    assert row["link"] == "sickness_absence.html#sickness-over-time"
    assert board.headline(card)["special_cause_concerns"] == 1
    # a concern needs the board's attention and is the key point; nothing improved
    assert board.bullets(card, "March 2017") == [
        "FTE days lost per FTE rose from 10.00 to 12.50 in a year — special-cause concern: "
        "this month above the upper process limit."
    ]
    assert board.attention(card, {}) == board.bullets(card, "March 2017")


def test_the_year_earlier_comes_from_the_series_when_no_metric_is_named():
    points = quarters(12)
    values = [0.5, 0.6, 0.7, 0.6, 0.5, 0.6, 0.7, 0.55, 0.6, 0.65, 0.7, 0.8]
    reports = {"audit_agreement": {"kappa": 0.8, "series": {"kappa": series(points, values)}}}
    row = board.scorecard(reports, [KAPPA], "2017-03").iloc[0]
    assert row["year_earlier"] == 0.55  # the quarter ending March 2016
    assert row["point_type"] == COMMON
    lower = replace(KAPPA, better="lower")
    assert board.scorecard(reports, [lower], "2017-03").iloc[0]["point_type"] == COMMON


def test_spc_runs_on_the_per_period_series_not_a_rolling_one():
    # 24 months: the first year alternates 9 and 11, the second 9.5 and 11.5 (half a day up).
    monthly = np.array([9, 11] * 6 + [9.5, 11.5] * 6, dtype=float)
    # month by month this is ordinary variation: alternate points, no run of 7 on one side
    assert xmr(monthly, improvement="decrease")["point_type"].iloc[-1] == COMMON
    # the rolling 12-month mean of the same months climbs smoothly from 10 to 10.5: 13 rising
    # points, a trend signal (of concern) - the false signal the board must not be shown
    rolling = pd.Series(monthly).rolling(12).mean().dropna().to_numpy()
    assert xmr(rolling, improvement="decrease")["point_type"].iloc[-1] == CONCERN
    reports = {
        "sickness_absence": {
            "fte_days_lost_per_fte_12m": float(rolling[-1]),
            "series": {"fte_days_lost_per_fte_12m": series(months(24), monthly.tolist())},
        }
    }
    assert board.scorecard(reports, [SICKNESS], "2017-03").iloc[0]["point_type"] == COMMON


def test_a_short_series_gives_the_trend_but_no_verdict():
    reports = {
        "audit_agreement": {"kappa": 0.7, "series": {"kappa": series(quarters(8), [0.7] * 8)}}
    }
    row = board.scorecard(reports, [KAPPA], "2017-03").iloc[0]
    assert row["verdict"] == "trend only: 8 months, SPC needs 12" and len(row["trend"]) == 8
    assert row["chart"] is None


def test_assurance_only_with_a_target():
    values = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11]
    reports = {
        "sickness_absence": {
            "fte_days_lost_per_fte_12m": 10.5,
            "series": {"fte_days_lost_per_fte_12m": series(months(12), values)},
        }
    }
    # mean 10.5, moving range 1, limits 10.5 +/- 2.66: 7.84 to 13.16; lower is better
    assert board.scorecard(reports, [SICKNESS], "2017-03").iloc[0]["assurance"] is None
    row = lambda target: board.scorecard(reports, [replace(SICKNESS, target=target)], "2017-03")  # noqa: E731
    assert row(14).iloc[0]["assurance"] == "consistently meets the target"
    assert row(7).iloc[0]["assurance"] == "consistently fails the target"
    assert row(11).iloc[0]["assurance"].startswith("sometimes meets")


def test_a_missing_report_is_not_available_and_named_in_the_key_points():
    reports = {"young_children": {"starts_12m": 5}}  # the sickness report failed
    card = board.scorecard(reports, [SICKNESS, KAPPA], "2017-03")
    assert card["value"].isna().all()
    assert list(card["verdict"]) == ["not available", "not available"]
    assert board.headline(card) == {
        "measures_shown": 2,
        "measures_not_available": 2,
        "measures_withheld": 0,
        "special_cause_concerns": 0,
    }
    assert board.bullets(card, "March 2017") == [
        "Not available for March 2017: FTE days lost per FTE; Kappa."
    ]


def test_key_points_put_what_needs_attention_first_then_improvements_and_withheld():
    steady = [10, 11] * 6
    reports = {
        "sickness_absence": {  # a signal of improvement (lower is better): far below
            "fte_days_lost_per_fte_12m": 9.0,
            "fte_days_lost_per_fte_12m_prev": 10.0,
            "series": {"fte_days_lost_per_fte_12m": series(months(13), steady + [2])},
        },
        "audit_agreement": {"kappa": "c", "series": {"kappa": series(quarters(12), ["c"] * 12)}},
        "young_children": {  # the largest change on a year earlier: 0.1 -> 0.2 (+100%)
            "starts_under1_share_12m": 0.2,
            "starts_under1_share_12m_prev": 0.1,
            "under1_share_ratio": 2.0,
            "under1_share_ratio_ci_low": 1.5,
            "under1_share_ratio_ci_high": 2.7,
            "series": {"starts_under1_share_12m": series(quarters(12), [0.1, 0.12] * 6, "quarter")},
        },
        "assessments": {  # a smaller change: 100 -> 110 (+10%)
            "open_cin_under1": 110,
            "series": {"open_cin_under1": series(months(13), [100] + [105, 106] * 6)},
        },
    }
    ms = [m for m in board.measures() if m.metric in ("starts_under1_share_12m", "open_cin_under1")]
    card = board.scorecard(reports, [SICKNESS, KAPPA, *ms], "2017-03")
    kappa = card.iloc[1]
    assert withheld(kappa["value"]) and len(kappa["trend"]) == 0
    assert kappa["verdict"] == "withheld in the public version (small numbers)"
    assert board.headline(card)["measures_withheld"] == 1
    points = board.bullets(card, "March 2017")
    # the under-1 share doubled, beyond chance (its interval excludes 1): a change the board
    # must see though it is neither better nor worse - attention comes first
    assert points[0] == (
        "Under-1 share of children starting care (12 months) rose from 10.0% to 20.0% in a "
        "year (ratio 2.00, 95% CI 1.50 to 2.70: more than chance would explain) — common-cause "
        "variation: this quarter within the usual range."
    )
    # then the improvement: sickness far below the lower limit (lower is better)
    assert points[1] == (
        "FTE days lost per FTE fell from 10.00 to 9.00 in a year — special-cause improvement: "
        "this month below the lower process limit."
    )
    # children in need under 1 (neutral, 100 -> 110, no test, latest common cause) is in
    # neither list: it makes up the three points; the withheld kappa is named last. Its 13
    # months have mean (100 + 105 x 6 + 106 x 6) / 13 = 105.08 and moving ranges 5 and 1 x 11
    # (5 is screened out above 3.267 x 16 / 12), so the limits are 105.08 +/- 2.66: the
    # first month, 100, is below them
    assert points[2:] == [
        "Children in need under 1 or unborn at the period end rose from 100 to 110 in a year "
        "— common-cause variation: this month within the usual range, though 1 of the 13 "
        "months shows special cause elsewhere in the series.",
        "Withheld in this public version (small numbers): Kappa.",
    ]


def test_the_summary_reads_this_run_before_the_published_pack(tmp_path):
    (tmp_path / "2017-03").mkdir()
    published = {"reports": {"audit_agreement": {"kappa": 0.1}}}
    (tmp_path / "2017-03" / "metrics.json").write_text(json.dumps(published))
    assert board.this_run("2017-03", tmp_path)["audit_agreement"]["kappa"] == 0.1
    staged = tmp_path / "staged.json"
    staged.write_text(json.dumps({"2017-03": {"audit_agreement": {"kappa": 0.9}}}))
    assert board.this_run("2017-03", tmp_path, staged)["audit_agreement"]["kappa"] == 0.9
    assert board.this_run("2016-03", tmp_path) == {}  # never another period's pack


def test_configured_measures_are_recorded_metrics_with_series_linked_to_real_sections():
    root = ROOT
    for m in board.measures():
        declared = registry.metric(m.report, m.metric)
        assert declared.recorded and declared.frequency, m.metric
        cells = nbformat.read(root / "notebooks" / f"{m.report}.ipynb", as_version=4).cells
        anchors = {
            re.sub(r"[^a-z0-9]+", "-", line[line.index(" ") + 1 :].lower()).strip("-")
            for c in cells
            if c.cell_type == "markdown"
            for line in c.source.splitlines()
            if line.startswith("#")
        }
        assert m.section in anchors, (m.report, m.section)


def test_a_detail_report_names_its_signal_then_its_largest_change():
    steady = [0.6, 0.62] * 6
    metrics = {
        "kappa": 0.95,  # far above a steady 0.60/0.62 quarter to quarter: a signal
        "dip_nfa_appropriate_share": 0.5,  # 0.8 a year earlier: a 37.5% fall
        "series": {
            "kappa": series(quarters(13), steady + [0.95], "quarter"),
            "dip_nfa_appropriate_share": series(quarters(5), [0.8, 0.7, 0.6, 0.6, 0.5], "quarter"),
        },
    }
    points = board.report_changes("audit_agreement", metrics, "2017-03")
    # the fall needs attention first (5 quarters: no SPC yet; the year earlier is the
    # quarter ending March 2016, 0.8), then the improvement: kappa's 13 quarters have mean
    # 8.27 / 13 = 0.636 and moving ranges 0.02 (the jump of 0.33 is screened out), so the
    # upper limit is 0.636 + 2.66 x 0.02 = 0.689 and 0.95 is above it; a year earlier is
    # the 9th quarter, 0.60
    assert points == [
        "NFA dip sample closures found appropriate, of the whole sample (quarter) fell from "
        "80.0% to 50.0% in a year.",
        "Auditor–moderator agreement, Cohen's kappa (quarter) rose from 0.60 to 0.95 in a "
        "year — special-cause improvement: this quarter above the upper process limit.",
    ]


def test_a_count_is_shown_with_its_total_when_the_registry_says_so():
    from analysis.presentation.formats import shown_of

    # the minutes: "23 out of 25 actions have been completed"
    assert shown_of(23, 25, "count") == "23 of 25"
    assert shown_of(23, None, "count") == "23"
    assert shown_of(None, 25, "count") == "not available"
    actions = [m for m in board.measures() if m.metric == "actions_complete"]
    assert actions and actions[0].out_of == "actions_total"


def test_a_target_met_by_a_measure_no_better_than_a_year_earlier_is_on_target_not_improved():
    # alternating 10 and 11: mean 10.5, limits 7.84 to 13.16, all under a target of at most
    # 14 (consistently met); the year before was also 10.5 (the same): no improvement
    values = [10, 11] * 6
    reports = {
        "sickness_absence": {
            "fte_days_lost_per_fte_12m": 10.5,
            "fte_days_lost_per_fte_12m_prev": 10.5,
            "series": {"fte_days_lost_per_fte_12m": series(months(12), values)},
        }
    }
    card = board.scorecard(reports, [replace(SICKNESS, target=14)], "2017-03")
    [item] = board.improvements(card, True, labelled=True)
    assert item == "On target: FTE days lost per FTE: 10.50, the same as a year earlier."
    # 11.5 a year earlier, now 10.5: better, so improved
    reports["sickness_absence"]["fte_days_lost_per_fte_12m_prev"] = 11.5
    card = board.scorecard(reports, [replace(SICKNESS, target=14)], "2017-03")
    [item] = board.improvements(card, True, labelled=True)
    assert item == "Improved: FTE days lost per FTE: 10.50, down from 11.50 a year earlier."


def test_the_page_says_what_more_the_dashboard_lists():
    needs, better = ["a"] * 9, ["b"] * 4  # the page holds 5 and 1
    assert board._more(needs, better) == (
        "The board's dashboard lists 4 more needing attention and 3 more improved."
    )
    assert board._more(needs, better, 2) == (
        "The board's dashboard lists 4 more needing attention and 3 more improved, and 2 "
        "measures not on this page."
    )
    assert board._more([], [], 1) == "The board's dashboard lists 1 measure not on this page."
    assert board._more([], []) == ""
