"""Sickness absence measures on hand-built spells; answers worked out in the comments.

January 2017 has 22 weekdays; Monday 2 January is the New Year bank holiday, so 21 working
days. 27 December 2016 was the Christmas Day substitute holiday."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.measures import sickness as sk
from analysis.workdays import working_days

T = pd.Timestamp
JAN = (T("2017-01-01"), T("2017-01-31"))


def spells(rows):
    frame = pd.DataFrame(
        rows, columns=["EMPLOYEE_ID", "TEAM", "FTE", "START_DATE", "END_DATE", "REASON_CATEGORY"]
    )
    frame["START_DATE"] = pd.to_datetime(frame["START_DATE"])
    frame["END_DATE"] = pd.to_datetime(frame["END_DATE"])
    return frame


SPELLS = spells(
    [
        # 28/12/2016-04/01/2017: 28, 29, 30 Dec + 3, 4 Jan = 5 working days, 2 in January
        ("E1", "Team A", 1.0, "2016-12-28", "2017-01-04", "RESPIRATORY"),
        # ongoing from 16/01/2017: 12 working days to 31/01/2017, x 0.5 FTE = 6.0
        ("E2", "Team A", 0.5, "2017-01-16", None, "MENTAL_HEALTH"),
        # 09/01-17/02/2017: 17 working days in January (x 0.8 = 13.6), 30 in all: long-term
        ("E3", "Team B", 0.8, "2017-01-09", "2017-02-17", "MUSCULOSKELETAL"),
    ]
)
STAFFING = pd.DataFrame(
    {
        "MONTH": pd.to_datetime(["2017-01-01", "2017-01-01", "2016-12-01"]),
        "TEAM": ["Team A", "Team B", "Team A"],
        "FTE": [6.0, 4.0, 99.0],
    }
)


def test_working_days_skip_weekends_and_bank_holidays():
    assert working_days(T("2017-01-01"), T("2017-01-31"))[0] == 21
    assert working_days(T("2016-12-23"), T("2017-01-03"))[0] == 5  # 23, 28, 29, 30 Dec, 3 Jan
    assert working_days(T("2017-01-07"), T("2017-01-08"))[0] == 0  # a weekend


def test_days_inside_the_window_boundary_and_ongoing():
    assert list(sk.days_in_window(SPELLS, *JAN)) == [2, 12, 17]


def test_fte_days_lost_and_per_fte():
    assert sk.fte_days_lost(SPELLS, *JAN) == pytest.approx(2 + 6 + 13.6)
    assert sk.average_fte(STAFFING, *JAN) == pytest.approx(10.0)  # December not counted
    assert sk.per_fte(SPELLS, STAFFING, *JAN) == pytest.approx(2.16)
    assert sk.absence_rate(SPELLS, STAFFING, *JAN) == pytest.approx(21.6 / (10 * 21))


def test_long_term_is_judged_on_the_whole_spell():
    # whole lengths: 5, 12 (to the window end), 30 working days
    assert list(sk.spell_length(SPELLS, JAN[1])) == [5, 12, 30]
    assert list(sk.is_long_term(SPELLS, JAN[1])) == [False, False, True]
    assert sk.long_term_share(SPELLS, *JAN) == pytest.approx(13.6 / 21.6)


def test_calendar_day_rule_can_be_chosen():
    # calendar days: 8, 16 (16-31 Jan), 40 -> only the last reaches 28
    assert list(sk.spell_length(SPELLS, JAN[1], sk.CALENDAR)) == [8, 16, 40]
    assert list(sk.is_long_term(SPELLS, JAN[1], 28, sk.CALENDAR)) == [False, False, True]


def test_mental_health_share():
    assert sk.reason_share(SPELLS, *JAN, "MENTAL_HEALTH") == pytest.approx(6 / 21.6)


def test_by_team_flags_small_teams():
    table = sk.by_team(SPELLS, STAFFING, *JAN, small_fte=5).set_index("Team")
    assert table.loc["Team A", "Per FTE"] == pytest.approx(8 / 6)
    assert table.loc["Team B", "Per FTE"] == pytest.approx(13.6 / 4)
    assert table.loc["Team B", "Reliable"].startswith("no")
    assert table.index[0] == "Team B"  # highest rate first


def test_bradford_factor_published_examples():
    mondays = pd.date_range("2017-01-23", periods=10, freq="7D")
    rows = [("E1", "T", 1.0, "2017-03-06", "2017-03-17", "OTHER")]  # one 10-day spell: 10
    rows += [
        ("E2", "T", 1.0, d, d + pd.Timedelta(days=1), "OTHER")  # 5 x 2 days: 250
        for d in pd.date_range("2017-02-06", periods=5, freq="7D")
    ]
    rows += [("E3", "T", 1.0, d, d, "OTHER") for d in mondays]  # 10 x 1 day: 1000
    rows += [
        ("E4", "T", 1.0, "2017-02-06", "2017-02-07", "OTHER"),  # 2 + 2 + 3 = 7 days: 63
        ("E4", "T", 1.0, "2017-02-13", "2017-02-14", "OTHER"),
        ("E4", "T", 1.0, "2017-02-20", "2017-02-22", "OTHER"),
    ]
    frame = spells(rows)
    scores = sk.bradford(frame, T("2017-03-31"))["score"].to_dict()
    assert scores == {"E1": 10, "E2": 250, "E3": 1000, "E4": 63}
    counts = sk.bradford_counts(frame, T("2017-03-31"), [51, 201, 501])
    assert list(counts["Employees"]) == [3, 2, 1]


def test_monthly_series_by_hand():
    frame = sk.monthly(SPELLS, STAFFING, "2017-01", 1)
    row = frame.iloc[0]
    assert row["Long-term"] == pytest.approx(13.6)
    assert row["Short-term"] == pytest.approx(8.0)
    assert row["Per FTE"] == pytest.approx(2.16)
    # January 2017: 22 weekdays less the 2 January bank holiday = 21 working days; the 12
    # months to it have 254 (below): 2.16 / 21 x 254, not 2.16 x 12
    assert row["Per FTE (annualised)"] == pytest.approx(2.16 / 21 * 254)
    # short-term spells starting in January: E2 only -> 1 / 10 FTE
    assert row["Short-term spells per FTE"] == pytest.approx(0.1)


def test_headline_metrics_against_a_hand_calculation():
    from analysis.reports import sickness_absence as sa

    h = sa.headline(SPELLS, STAFFING, "2017-01")
    # 12 months Feb 2016-Jan 2017: days lost 5 x 1.0 + 12 x 0.5 + 17 x 0.8 = 24.6;
    # staffing months in the window: Dec 2016 (99 FTE) and Jan 2017 (10 FTE) -> mean 54.5
    assert h["fte_days_lost_per_fte_12m"] == pytest.approx(24.6 / 54.5)
    assert h["fte_days_lost_12m"] == pytest.approx(24.6)  # its numerator and denominator
    assert h["average_fte_12m"] == pytest.approx(54.5)
    assert h["fte_days_lost_per_fte_12m_prev"] is None  # no staffing in the year before
    assert h["long_term_share_12m"] == pytest.approx(13.6 / 24.6)
    assert h["mental_health_share_12m"] == pytest.approx(6 / 24.6)
    # working days Feb 2016-Jan 2017: 262 weekdays less 8 bank holidays = 254
    assert working_days(T("2016-02-01"), T("2017-01-31"))[0] == 254
    assert h["absence_rate_12m"] == pytest.approx(24.6 / (54.5 * 254))


def test_small_teams_merge_into_other_teams_for_publication():
    table = sk.by_team(SPELLS, STAFFING, *JAN, small_fte=5, merge_below=5).set_index("Team")
    # Team B (4 FTE) goes into "Other teams": 13.6 days over 4 FTE; Team A (6 FTE) stays
    assert list(table.index) == ["Team A", sk.OTHER_TEAMS]
    assert table.loc[sk.OTHER_TEAMS, "Per FTE"] == pytest.approx(13.6 / 4)
    assert table.loc["Team A", "Per FTE"] == pytest.approx(8 / 6)


def test_reasons_count_the_employees_absent_for_each():
    table = sk.by_reason(SPELLS, *JAN).set_index("_code")
    # January: E1 respiratory (2 days), E2 mental health, E3 musculoskeletal - one each
    assert table["Employees"].to_dict() == {
        "MUSCULOSKELETAL": 1,
        "MENTAL_HEALTH": 1,
        "RESPIRATORY": 1,
    }
    assert sk.reason_employees(SPELLS, *JAN, "MENTAL_HEALTH") == 1


def test_summary_names_only_reasons_whose_share_is_published():
    from analysis.reports import sickness_absence as sa

    h = {
        "fte_days_lost_per_fte_12m": 10.0,
        "fte_days_lost_per_fte_12m_prev": 10.1,
        "long_term_share_12m": 0.5,
    }
    from analysis.measures.spc import xmr

    chart = xmr([10.0, 11.0] * 6, improvement="decrease")  # alternating: common cause
    shown = pd.DataFrame({"Reason": ["Mental health", "Injury"], "Share": [0.6, "c"]})
    line = sa.summary(h, shown, chart, "March 2017")[1]
    assert line.endswith("the main reasons were mental health (60%).")
    hidden = shown.assign(Share=["c", "c"])
    line = sa.summary(h, hidden, chart, "March 2017")[1]
    assert "reasons are not named because each rests on few employees" in line
    assert sa.summary(h, shown, chart, "March 2017")[2] == (
        "Month by month (each month's days lost per FTE, annualised): common-cause variation: "
        "this month within the usual range."
    )


def test_reason_trend_days_and_employees_per_quarter():
    resp, msk = "Respiratory (colds, flu)", "Musculoskeletal"  # no COVID-19 before 2020
    days = sk.reason_trend(SPELLS, "2017-03", 6, ["RESPIRATORY", "MUSCULOSKELETAL"])
    dec, mar = pd.Period("2016-12", "M"), pd.Period("2017-03", "M")
    # E1: 28, 29, 30 Dec (26 and 27 Dec are bank holidays) then 3, 4 Jan, at 1.0 FTE;
    # E3: 30 working days 09/01-17/02 at 0.8 FTE = 24.0
    assert days.loc[dec, resp] == pytest.approx(3.0) and days.loc[dec, msk] == 0
    assert days.loc[mar, resp] == pytest.approx(2.0) and days.loc[mar, msk] == pytest.approx(24.0)
    people = sk.reason_trend(SPELLS, "2017-03", 6, ["RESPIRATORY", "MUSCULOSKELETAL"], True)
    assert people.loc[dec].tolist() == [1, 0] and people.loc[mar].tolist() == [1, 1]


def test_a_month_is_put_on_the_annual_scale_by_its_working_days():
    # 0.2 days lost per FTE in a month of 20 working days, in a year of 253: 0.01 a working
    # day, 2.53 a year; in a month of 18 working days (two bank holidays) the same days lost
    # are a higher rate, 2.81 - where x 12 would give 2.4 for both
    assert sk.annualised(0.2, 20, 253) == pytest.approx(2.53)
    assert sk.annualised(0.2, 18, 253) == pytest.approx(2.8111, abs=1e-4)
    assert sk.annualised(None, 20, 253) is None and sk.annualised(0.2, 0, 253) is None


def test_the_monthly_series_uses_the_months_working_days():
    # March 2017 has 23 working days; April 2016 to March 2017 has 261 weekdays less six bank
    # holidays (2 and 30 May, 29 August, 26 and 27 December, 2 January) = 255
    spells = pd.DataFrame(
        {
            "EMPLOYEE_ID": ["E1"],
            "TEAM": ["A"],
            "FTE": [1.0],
            "START_DATE": pd.to_datetime(["2017-03-01"]),
            "END_DATE": pd.to_datetime(["2017-03-02"]),
            "REASON_CATEGORY": ["OTHER"],
        }
    )
    staffing = pd.DataFrame({"MONTH": pd.to_datetime(["2017-03-01"]), "TEAM": ["A"], "FTE": [10.0]})
    row = sk.monthly(spells, staffing, "2017-03", 1).iloc[-1]
    assert row["Per FTE"] == pytest.approx(0.2)
    assert row["Per FTE (annualised)"] == pytest.approx(0.2 / 23 * 255)


def test_a_label_that_belongs_to_a_time_is_used_only_from_then():
    # COVID-19 from 31/01/2020: a window to March 2017 or to 30/01/2020 is colds and flu only
    assert sk.reason_label("RESPIRATORY", "2017-03-31") == "Respiratory (colds, flu)"
    assert sk.reason_label("RESPIRATORY", "2020-01-30") == "Respiratory (colds, flu)"
    assert sk.reason_label("RESPIRATORY", "2020-01-31") == "Respiratory (colds, flu, COVID-19)"
    assert sk.reason_label("MUSCULOSKELETAL", "2017-03-31") == "Musculoskeletal"
