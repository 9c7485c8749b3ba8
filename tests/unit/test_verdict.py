"""One verdict per measure (`analysis.measures.verdict`), the board's attention list and the
improvement plan's impact checks, on hand-built series and actions worked out by hand."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from support.inputs import VALID, write_inputs

from analysis.errors import ERROR, BoardpackError
from analysis.measures import improvement_plan as ip
from analysis.measures.spc import COMMON, IMPROVEMENT, xmr
from analysis.measures.verdict import judge, variation_words
from analysis.registry import registry
from analysis.reports import board_summary as board
from analysis.reports import improvement_plan as plan_report
from analysis.sources.inputs import read_inputs


def months(n, last="2017-03"):
    return pd.period_range(end=last, periods=n, freq="M")


def quarters(n, last="2017-03"):
    return pd.PeriodIndex([pd.Period(last, "M") - 3 * k for k in reversed(range(n))])


def recorded(index, values, frequency="month"):
    return {
        "frequency": frequency,
        "points": [[str(p), v] for p, v in zip(index, values, strict=True)],
    }


# A shift: five alternating quarters (1, 3), then seven around 2.3, all above the mean.
# Mean (9 + 2.4 x 4 + 2.2 x 3) / 12 = 25.2 / 12 = 2.1; moving ranges 2, 2, 2, 2, 1.4 and six of
# 0.2: (8 + 1.4 + 1.2) / 11 = 0.9636 (none above 3.267 x that); limits 2.1 +/- 2.66 x 0.9636 =
# -0.463 to 4.663; the 2/3 lines 0.391 and 3.809 (1 and 3 are inside them); no 7 steps one way.
SHIFT = [1, 3, 1, 3, 1, 2.4, 2.2, 2.4, 2.2, 2.4, 2.2, 2.4]


def test_a_cumulative_count_never_gets_an_xmr_verdict():
    running = pd.Series(range(1, 37), index=months(36), dtype=float)
    # XmR on a running total would flag it: 36 rising points, a trend throughout
    assert xmr(running, improvement="increase")["point_type"].iloc[-1] == IMPROVEMENT
    v = judge(running, 36, period="2017-03", series_kind="cumulative", better="higher")
    assert v.chart is None and v.point_type == "" and v.assurance is None
    assert v.variation == "a running total: read as progress, not SPC"
    # the board's own running totals: progress against the total, the overdue action named
    reports = {
        "improvement_plan": {
            "actions_complete": 23,
            "actions_total": 25,
            "overdue_actions": [
                "IP25 Independent review (owner: Head of performance; due Dec 2016)"
            ],
            "series": {"actions_complete": recorded(months(36), list(range(36)))},
        }
    }
    ms = [m for m in board.measures() if m.metric == "actions_complete"]
    row = board.scorecard(reports, ms, "2017-03").iloc[0]
    assert row["point_type"] == "" and row["chart"] is None
    assert row["verdict"] == (
        "23 of 25 so far (a running total: no SPC); 1 overdue: IP25 Independent review"
    )


def test_a_rolling_series_never_gets_an_xmr_verdict():
    # the rolling 12-month mean of alternating months climbs smoothly: XmR would call it a
    # trend; as a rolling series it gets none
    monthly = pd.Series([9, 11] * 6 + [9.5, 11.5] * 6, index=months(24), dtype=float)
    rolling = monthly.rolling(12).mean().dropna()
    assert xmr(rolling, improvement="decrease")["point_type"].iloc[-1] != COMMON
    v = judge(rolling, 10.5, period="2017-03", series_kind="rolling", better="lower")
    assert v.chart is None and v.point_type == ""
    assert v.variation == "a rolling 12-month figure: trend only, no SPC"


def test_the_registry_declares_each_series_kind_and_refuses_a_monthly_series_named_12m(tmp_path):
    declared = {(r, m.name): m.series for r, ms in registry().items() for m in ms.values()}
    assert declared[("improvement_plan", "actions_complete")] == "cumulative"
    assert declared[("workforce", "agency_rate")] == "stock"
    assert declared[("sickness_absence", "fte_days_lost_per_fte_12m")] == "flow"
    base = "kind: share\n    format: percent\n    better: lower\n    frequency: month\n"
    for body, rule in (
        (base, "needs both frequency and series"),
        (base + "    series: flow\n", "series_label"),
        (base + "    series: moving\n", "series must be one of"),
    ):
        path = tmp_path / "metrics.yaml"
        path.write_text(f"r:\n  share_12m:\n    label: x\n    definition: x\n    {body}")
        with pytest.raises(BoardpackError, match=rule):
            registry.__wrapped__(path)


def test_a_shift_with_an_ordinary_latest_point_says_exactly_that():
    points = pd.Series(SHIFT, index=quarters(12), dtype=float)
    chart = xmr(points, improvement="increase")
    assert chart["lpl"].iloc[0] < 2.4 < chart["upl"].iloc[0]  # the latest point is ordinary
    assert variation_words(chart, "quarter") == (
        "special-cause improvement: above its average for 7 quarters; this quarter within the "
        "usual range"
    )
    # with a test that finds the change on a year earlier within chance, the words say how
    # the two fit together rather than contradicting each other
    v = judge(
        points,
        2.4,
        period="2017-03",
        series_kind="flow",
        better="higher",
        frequency="quarter",
        year_earlier=2.2,
        test=(0.211,),
    )
    assert v.point_type == IMPROVEMENT and v.beyond_chance is False
    assert v.reading() == (
        "(p = 0.211: within what chance alone could produce as one change), but above its "
        "average for 7 quarters; this quarter within the usual range — special-cause "
        "improvement"
    )


def test_a_year_earlier_is_the_same_definition():
    # a 12-month share whose series holds single months: March 2016's month was 0.201, the
    # 12 months to March 2016 were 0.203 - the board compares with 0.203
    rereferrals = next(m for m in board.measures() if m.metric == "rereferral_share_12m")
    monthly = [0.2] * 24
    monthly[11] = 0.201  # the 24 months run April 2015 to March 2017: the 12th is March 2016
    reports = {
        "front_door": {
            "rereferral_share_12m": 0.214,
            "rereferral_share_12m_prev": 0.203,
            "series": {"rereferral_share_12m": recorded(months(25)[1:], monthly)},
        }
    }
    assert board.scorecard(reports, [rereferrals], "2017-03").iloc[0]["year_earlier"] == 0.203
    # without its year-earlier figure it has none: never the single month
    del reports["front_door"]["rereferral_share_12m_prev"]
    assert board.scorecard(reports, [rereferrals], "2017-03").iloc[0]["year_earlier"] is None
    # a series of the measure's own definition gives its point a year back
    own = replace(rereferrals, year_earlier="", series_label="")
    assert board.scorecard(reports, [own], "2017-03").iloc[0]["year_earlier"] == 0.201


def test_a_worsening_measure_and_an_overdue_action_lead_the_key_points_and_attention():
    steady = [10, 11] * 6
    sickness = next(m for m in board.measures() if m.report == "sickness_absence")
    kappa = next(m for m in board.measures() if m.metric == "kappa")
    overdue = "IP16 Agency reduction plan (owner: Head of workforce; due Jan 2017)"
    reports = {
        # 12 months alternating 10 and 11, then 20: above the upper limit of 10.5 + 2.66 x 1
        "sickness_absence": {
            "fte_days_lost_per_fte_12m": 14.0,
            "fte_days_lost_per_fte_12m_prev": 10.5,
            "series": {"fte_days_lost_per_fte_12m": recorded(months(13), steady + [20])},
        },
        # kappa far above its steady quarters: an improvement
        "audit_agreement": {
            "kappa": 0.95,
            "series": {"kappa": recorded(quarters(13), [0.6, 0.62] * 6 + [0.95], "quarter")},
        },
        "improvement_plan": {"overdue_actions": [overdue]},
    }
    card = board.scorecard(reports, [sickness, kappa], "2017-03")
    needs = board.attention(card, reports)
    assert needs[0].startswith(
        "FTE days lost to sickness per FTE (12 months) rose from 10.50 to 14.00 in a year — "
        "special-cause concern"
    )
    assert needs[1] == f"Overdue action: {overdue}."
    points = board.bullets(card, "March 2017", reports)
    assert points[:2] == needs  # bad news first, named
    assert points[2].startswith("Auditor–moderator agreement")  # then the good news
    built = board.key_points(needs, board.improvements(card))
    assert built == points


CASELOADS = pd.DataFrame(
    {
        "MONTH": pd.to_datetime(["2016-06-01"] * 3 + ["2017-03-01"] * 2),
        "WORKER_ID": ["W1", "W1", "W2", "W1", "W2"],
        "TEAM": ["A", "B", "A", "A", "A"],
        "CASES": [15, 12, 20, 18, 22],
        "FTE": [0.5, 0.5, 1.0, 1.0, 1.0],
        "AGENCY": ["N"] * 5,
    }
)


def test_the_largest_caseload_adds_a_workers_teams():
    # June 2016: W1 has 15 + 12 = 27 children across two teams, W2 20 -> 27; March 2017: 22
    got = ip.largest_caseload(CASELOADS, pd.PeriodIndex(["2016-06", "2017-03"], freq="M"))
    assert got.tolist() == [27.0, 22.0]


def actions(**claims):
    """Completed actions claiming impact: id -> (metric, target, review date)."""
    return pd.DataFrame(
        [
            {
                "ACTION_ID": key,
                "THEME": "People",
                "ACTION": f"Action {key}",
                "OWNER_ROLE": "Head of workforce",
                "DUE_DATE": pd.Timestamp("2016-05-31"),
                "STATUS": "COMPLETE",
                "COMPLETED_DATE": pd.Timestamp("2016-03-20"),
                "IMPACT_EVIDENCED": "Y",
                "IMPACT_NOTE": "No social worker above 25 children",
                "IMPACT_REVIEW_DATE": pd.Timestamp(reviewed),
                "IMPACT_METRIC": name,
                "IMPACT_TARGET": target,
            }
            for key, (name, target, reviewed) in claims.items()
        ]
    )


def test_an_impact_claim_the_data_contradict_is_shown_as_contradicted_and_not_counted():
    as_at = pd.Timestamp("2017-03-31")
    largest = pd.Series(
        [27.0, 22.0, 24.0], index=pd.PeriodIndex(["2016-06", "2016-09", "2017-03"], freq="M")
    )
    tracker = actions(
        IP1=("largest_caseload", 25, "2016-06-20"),  # 27 at the review: contradicted
        IP2=("largest_caseload", 25, "2016-09-20"),  # 22 then, 24 now: supported
        IP3=("largest_caseload", 23, "2016-09-20"),  # 22 then, 24 now: not sustained
    )
    checks = ip.impact_checks(
        tracker, as_at, {"largest_caseload": largest}, {"largest_caseload": "lower"}
    )
    assert checks.set_index("ACTION_ID")["FINDING"].to_dict() == {
        "IP1": ip.CONTRADICTED,
        "IP2": ip.SUPPORTED,
        "IP3": ip.NOT_SUSTAINED,
    }
    assert checks.set_index("ACTION_ID").loc["IP1", ["AT_REVIEW", "NOW"]].tolist() == [27.0, 24.0]
    contradicted = frozenset(checks.loc[checks["FINDING"] == ip.CONTRADICTED, "ACTION_ID"])
    h = ip.headline(tracker, as_at, contradicted)
    # three claims, one contradicted: two count as evidence of impact
    assert (h["actions_impact_evidenced"], h["actions_impact_contradicted"]) == (2, 1)
    assert "IP1" not in ip.with_impact(tracker, as_at, contradicted)["Action"].str[:3].tolist()
    shown = plan_report.impact_table(checks)
    first = shown.iloc[0]
    assert first["What the data say"].startswith("contradicted: the target was not met")
    assert (first["Target"], first["At the review"], first["Now"]) == (
        "at most 25",
        "27 (Jun 2016)",
        "24",
    )
    line = plan_report.checks_named(checks, ip.CONTRADICTED)
    assert line == [
        'IP1 Action IP1 (owner: Head of workforce): claimed "No social worker above 25 '
        'children"; Largest caseload (children): 27 at the review (Jun 2016) and 24 now, '
        "against at most 25"
    ]
    # the board's attention list names it and does not call it evidence
    needs = board.attention(
        pd.DataFrame(columns=["value"]), {"improvement_plan": {"impact_contradicted_actions": line}}
    )
    assert needs == [f"1 claim of impact the data contradict, not counted as evidence: {line[0]}."]


def test_an_impact_metric_must_be_known_and_come_with_a_target(tmp_path):
    header = VALID["actions.csv"].splitlines()[0] + ",IMPACT_METRIC,IMPACT_TARGET\n"
    rows = (
        "IP1,Practice,Ofsted 1,Screen,Head,31/12/2016,COMPLETE,15/12/2016,Y,Done,,kappa,0.7\n"
        "IP2,People,Ofsted 2,Appraise,Head,31/01/2017,On track,,,,,caseload_max,25\n"
        "IP3,People,Ofsted 2,Recruit,Head,31/01/2017,On track,,,,,largest_caseload,\n"
    )
    raw = write_inputs(tmp_path / "raw", {"actions.csv": header + rows})
    errors = read_inputs(raw, today=pd.Timestamp("2017-04-05")).report.lines(ERROR)
    assert any("row 3" in e and "IMPACT_METRIC" in e and "must be one of" in e for e in errors)
    assert any("row 4" in e and "IMPACT_METRIC and IMPACT_TARGET go together" in e for e in errors)
    assert not any("row 2" in e for e in errors)


def test_a_steady_fall_has_no_stable_level_for_spc():
    # 36, 35, ... 1: mean 18.5, every moving range 1, limits 18.5 +/- 2.66 = 15.84 to 21.16;
    # 22 to 36 and 1 to 15 are outside: 30 of 36 points, so the limits describe no level the
    # series holds (the demo's agency rate) and there is no XmR verdict
    falling = pd.Series(range(36, 0, -1), index=months(36), dtype=float)
    v = judge(falling, 1.0, period="2017-03", series_kind="stock", better="lower")
    assert v.chart is None and v.point_type == ""
    assert v.variation == (
        "no stable level for SPC: falling steadily, 30 of 36 months outside limits drawn from "
        "the whole series; trend only"
    )
    single = judge(pd.Series(dtype=float), 0.94, period="2017-03", series_kind="", target=1.0,
                   better="higher")  # fmt: skip
    assert single.chart is None and single.target_missed  # 94% against at least 100%


def test_the_dashboard_draws_no_process_limits_on_a_running_total():
    from analysis.engine.landing import _tile

    reports = {
        "improvement_plan": {
            "actions_complete": 23,
            "actions_total": 25,
            "series": {"actions_complete": recorded(months(36), list(range(36)))},
        }
    }
    ms = [m for m in board.measures() if m.metric == "actions_complete"]
    row = next(board.scorecard(reports, ms, "2017-03").itertuples())
    tile = _tile("2017-03", row, 0)
    assert 'class="mean"' not in tile["chart"] and 'class="limit"' not in tile["chart"]
    assert tile["verdict"].startswith("23 of 25 so far (a running total: no SPC)")


def test_the_dashboard_tile_draws_the_verdicts_chart_and_the_summary_reads_the_same():
    from analysis.engine.landing import _tile

    sickness = next(m for m in board.measures() if m.report == "sickness_absence")
    # 12 months alternating 10 and 11, then 20: mean (10 x 6 + 11 x 6 + 20) / 13 = 146 / 13 =
    # 11.23; the 20's moving range (9) is screened out (above 3.267 x the average 1.75), the
    # rest are 1: limits 11.23 -/+ 2.66 = 8.57 and 13.89; the 20 is above: a concern
    reports = {
        "sickness_absence": {
            "fte_days_lost_per_fte_12m": 14.0,
            "fte_days_lost_per_fte_12m_prev": 10.5,
            "series": {"fte_days_lost_per_fte_12m": recorded(months(13), [10, 11] * 6 + [20])},
        }
    }
    row = next(board.scorecard(reports, [sickness], "2017-03").itertuples())
    tile = _tile("2017-03", row, 0)
    rows = [line.split(",") for line in tile["csv"].lstrip("\ufeff").split("\r\n")[1:] if line]
    # the CSV is exactly what the chart shows: mean, limits and variation as the verdict has them
    assert {(r[3], r[4], r[5]) for r in rows} == {("11.23076923", "8.570769231", "13.89076923")}
    # the first 12 all lie below the mean of 11.23: a run of 12 below (lower is better)
    assert [r[6] for r in rows] == ["special cause variation: improvement"] * 12 + [
        "special cause variation: concern"
    ]
    chart = row.judged.chart
    assert chart["mean"].iloc[-1] == pytest.approx(146 / 13) and rows[-1][3] == "11.23076923"
    assert "Mean 11.23" in tile["chart"] and "Upper limit 13.89" in tile["chart"]
    assert tile["verdict"].startswith("special-cause concern: this month above the upper")
    # the tile says what each point of the chart is, since the figure is a 12-month one
    assert tile["series_note"] == "Chart: each month's days lost per FTE, annualised."


def test_the_dashboard_has_the_appraisals_with_their_target_of_100_percent():
    from analysis.engine.landing import _tile

    extra = [m for m in board.dashboard_measures() if m not in board.measures()]
    staff = next(m for m in extra if m.metric == "appraisals_staff_share")
    assert staff.target == 1.0 and staff.better == "higher"
    # 47 of 50 staff appraised: 94%, short of at least 100%
    reports = {"workforce": {"appraisals_staff_share": 0.94, "appraisals_staff_listed": 50}}
    card = board.scorecard(reports, [staff], "2017-03")
    tile = _tile("2017-03", next(card.itertuples()), 0)
    assert (
        tile["value"] == "94.0%" and tile["target"] == "Target at least 100.0%: missed this period"
    )
    assert tile["chart"] == ""  # one figure for the year: no series to chart
    # by the board's rules it needs attention, on the dashboard's list
    assert board.attention(card, {}) == [
        "Staff appraised (year): 94.0%; target at least 100.0%: missed this period."
    ]
