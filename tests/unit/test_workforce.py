"""Workforce and improvement-plan definitions on hand-built frames (answers worked out in the
comments), and the CSWW formulas against DfE's published rows (tests/fixtures/dfe)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.measures import comparisons as cmp
from analysis.measures import improvement_plan as ip
from analysis.measures import workforce as wf
from analysis.sources import ees

T = pd.Timestamp


def caseloads(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["MONTH", "WORKER_ID", "TEAM", "ROLE", "FTE", "AGENCY", "CASES"]
    )
    frame["MONTH"] = pd.to_datetime(frame["MONTH"], format="%Y-%m")
    return frame


CASES = caseloads(
    ("2017-03", "W1", "North", "SOCIAL_WORKER", 0.8, "N", 14),  # W1 in two teams this month:
    ("2017-03", "W1", "South", "SOCIAL_WORKER", 0.2, "N", 4),  # 18 children on 1.0 FTE
    ("2017-03", "W2", "North", "SOCIAL_WORKER", 0.5, "N", 12),  # part-time: 24 per FTE
    ("2017-03", "W3", "South", "SOCIAL_WORKER", 1.0, "Y", 20),  # agency: 20 per FTE
    ("2017-03", "W4", "South", "TEAM_MANAGER", 1.0, "N", 0),  # holds no cases
    ("2017-02", "W1", "North", "SOCIAL_WORKER", 1.0, "N", 30),  # another month
)


def test_a_worker_in_two_teams_is_one_case_holder():
    held = wf.workers(CASES, "2017-03")
    assert held.loc["W1", "CASES"] == 18 and held.loc["W1", "FTE"] == 1.0
    assert held.loc["W1", "TEAMS"] == 2 and bool(held.loc["W3", "AGENCY"])


def test_caseload_average_median_and_share_above_the_threshold():
    s = wf.caseload_summary(CASES, "2017-03", threshold=20)
    # case holders W1, W2, W3: 18 + 12 + 20 = 50 children on 1.0 + 0.5 + 1.0 = 2.5 FTE
    assert s["case_holders"] == 3 and s["average"] == 50 / 2.5
    # per FTE: 18, 24, 20 -> median 20; above 20: only W2 (24)
    assert s["median"] == 20 and (s["above"].count, s["above"].total) == (1, 3)


def test_by_team_counts_each_team_its_own_rows():
    teams = wf.by_team(CASES, "2017-03", 20).set_index("Team")
    # North: W1 (0.8, 14) and W2 (0.5, 12) -> 26 / 1.3 = 20; South: W1 (0.2, 4), W3 (1.0, 20)
    assert teams.loc["North", "Average caseload"] == pytest.approx(20)
    assert teams.loc["South", "Cases"] == 24 and teams.loc["South", "Case holders"] == 2


def test_a_worker_in_two_teams_is_counted_once_in_the_all_teams_row():
    teams = wf.by_team(CASES, "2017-03", 20).set_index("Team")
    # each team counts W1 with its share: North W1 (0.8 FTE, 14) + W2; South W1 (0.2, 4) + W3
    assert teams.loc["North", "Case-holding FTE"] == pytest.approx(1.3)  # 0.8 + 0.5
    assert teams.loc["South", "Case-holding FTE"] == pytest.approx(1.2)  # 0.2 + 1.0
    assert teams.loc[["North", "South"], "Also in another team"].tolist() == [1, 1]
    # all teams: W1 once with 1.0 FTE and 18 children, W2, W3 (W4 holds none): 3 case
    # holders, 50 children on 2.5 FTE, as the headline; the teams' rows add up to 2 + 2 = 4
    every = teams.loc["All teams"]
    assert (every["Case holders"], every["Cases"]) == (3, 50)
    assert every["Case-holding FTE"] == pytest.approx(2.5) and every["Average caseload"] == 20
    assert every["Also in another team"] == 1 and every["Above 20 per FTE"] == 1  # W2: 24
    note = wf.split_note(wf.by_team(CASES, "2017-03", 20))
    assert "1 case holder works in more than one team" in note
    assert "add up to 4 case holders" in note and "counts each person once (3)" in note
    alone = CASES[CASES["TEAM"] == "North"]  # nobody in two teams: no note
    assert wf.split_note(wf.by_team(alone, "2017-03", 20)) is None


def test_the_csww_reference_date_is_the_latest_30_september():
    assert wf.csww_reference_month("2017-03") == pd.Period("2016-09", "M")
    assert wf.csww_reference_month("2016-09") == pd.Period("2016-09", "M")  # on the day
    assert wf.csww_reference_month("2016-08") == pd.Period("2015-09", "M")


def staffing_frame(months, **columns) -> pd.DataFrame:
    return pd.DataFrame({"MONTH": pd.period_range(*months, freq="M").to_timestamp(),
                         "TEAM": "North"} | columns)  # fmt: skip


def test_csww_rates_on_30_september_beside_the_latest_month():
    # October 2015 to March 2017 (18 months); September 2016 (row 11) differs from the rest
    fte = [20.0] * 18
    agency = [5.0 if i == 11 else 9.0 for i in range(18)]
    vacant = [2.5 if i == 11 else 0.0 for i in range(18)]
    leavers = [0.0] * 18
    leavers[0], leavers[11], leavers[12] = 1.0, 2.0, 4.0  # Oct 2015, Sep 2016, Oct 2016
    fte[17] = 30.0  # March 2017
    staffing = staffing_frame(("2015-10", "2017-03"), FTE=fte, AGENCY_FTE=agency,
                              VACANT_FTE=vacant, LEAVERS_FTE=leavers)  # fmt: skip
    cases = caseloads(
        ("2016-09", "W1", "North", "SOCIAL_WORKER", 0.8, "N", 12),  # W1 in two teams:
        ("2016-09", "W1", "South", "SOCIAL_WORKER", 0.2, "N", 3),  # 15 children on 1.0 FTE
        ("2016-09", "W2", "North", "SOCIAL_WORKER", 0.5, "N", 10),
        ("2017-03", "W2", "North", "SOCIAL_WORKER", 1.0, "N", 30),  # the latest month
    )
    on = wf.csww_on_reference_date(cases, staffing, "2017-03")
    assert on["csww_year"] == "2016" and on["reference_date"] == T("2016-09-30")
    assert on["agency_rate"] == 5 / 25  # 5 agency / (5 + 20 in post) at 30 September
    assert on["vacancy_rate"] == 2.5 / 22.5  # 2.5 vacant / (2.5 + 20)
    # leavers in October 2015 to September 2016: 1 + 2 (October 2016's 4 come after) / 20
    assert on["turnover_rate"] == 3 / 20
    # case holders at 30 September: W1 once (15 on 1.0) and W2 (10 on 0.5): 25 / 1.5
    assert on["case_holders"] == 2 and on["caseload_average"] == pytest.approx(25 / 1.5)
    latest = wf.staffing_rates(staffing, "2017-03")  # the month: 9 / (9 + 30)
    assert latest["agency_rate"] == 9 / 39
    # metrics.json records the FTEs the rate rests on (the regional funnel's counts)
    from analysis.reports.workforce import headline

    h = headline(None, latest, None)
    assert (h["agency_fte"], h["social_work_fte"]) == (9, 39)
    assert headline(None, None, None)["social_work_fte"] is None
    # a year to 30 September the extract does not wholly cover gives no turnover
    short = wf.csww_on_reference_date(cases.iloc[3:], staffing.iloc[6:], "2017-03")
    assert short["agency_rate"] == 5 / 25 and short["turnover_rate"] is None  # from April
    assert short["case_holders"] is None and short["caseload_average"] is None  # not 0
    early = wf.csww_on_reference_date(None, staffing, "2016-08")  # September 2015: none
    assert early["agency_rate"] is None and early["csww_year"] == "2015"


def test_the_csww_comparison_sets_30_september_beside_the_same_published_year():
    own = {"csww_year": "2017", "caseload_average": 16.0, "agency_rate": 0.25,
           "vacancy_rate": None, "turnover_rate": 0.1}  # fmt: skip
    published = {
        "caseload_fte": pd.DataFrame(
            {
                "Year": ["2017", "2018"],
                "Wirral": [16.2, 15.0],
                "England": [17.7, 17.4],
                "Neighbours median": [17.0, 16.0],
            }  # fmt: skip
        ),
        "agency_rate_fte": pd.DataFrame(
            {"Year": ["2018"], "Wirral": [20.0], "England": [15.0], "Neighbours median": [14.0]}
        ),
    }
    table = wf.csww_comparison(own, published, "Wirral").set_index("Measure")
    caseload = table.loc["Average caseload (children per case-holding FTE)"]
    assert caseload["This authority's data"] == 16.0 and caseload["Wirral (DfE published)"] == 16.2
    assert caseload["England (DfE published)"] == 17.7  # 2017's, not 2018's
    agency = table.loc["Agency rate (% of FTE)"]
    assert agency["This authority's data"] == 25.0  # 0.25 as DfE's percentage
    assert agency["Wirral (DfE published)"] is None  # no 2017 row: blank, not 2018's
    assert table.loc["Vacancy rate (% of FTE)", "This authority's data"] is None
    assert table.loc["Turnover rate (% of FTE in post)", "England (DfE published)"] is None


def test_rates_from_staffing_with_a_starter_and_a_leaver_in_the_same_month():
    months = pd.period_range("2016-04", "2017-03", freq="M")
    staffing = pd.DataFrame(
        {
            "MONTH": months.to_timestamp(),
            "TEAM": "North",
            "FTE": 20.0,
            "AGENCY_FTE": 5.0,
            "VACANT_FTE": 2.0,
            "STARTERS_FTE": [1.0] + [0.0] * 11,  # April 2016: one starter and
            "LEAVERS_FTE": [1.0] + [0.0] * 10 + [2.0],  # one leaver; two more in March
        }
    )
    rates = wf.staffing_rates(staffing, "2017-03")
    assert rates["agency_rate"] == 5 / 25  # 5 / (5 + 20)
    assert rates["vacancy_rate"] == 2 / 22  # 2 / (2 + 20)
    assert rates["turnover_rate_12m"] == 3 / 20  # (1 + 2) leavers / 20 in post
    assert rates["starters_fte_12m"] == 1.0


def test_the_csww_formulas_reproduce_dfe_published_rates(dfe):
    frame = ees.load(dfe / "csww_indicators_2017_to_2025.csv", [])
    rows = frame[frame["time_period"] == "2017"]
    checked = 0
    for _, row in rows.iterrows():
        if pd.isna(row["caseload_fte"]) or str(row["caseload_fte"]) in ("x", "z", "c"):
            continue
        names = ("inpost_fte", "agency_fte", "vacancy_fte", "leavers_fte", "cases",
                 "case_holders_fte")  # fmt: skip
        parts = {k: float(row[k]) for k in names}
        # DfE publishes the rates to one decimal place, computed from unrounded FTE; the
        # parts are published rounded to 0.1 FTE, so ours agree to within 0.1
        ours = {
            "agency_rate_fte": wf.agency_rate(parts["agency_fte"], parts["inpost_fte"]) * 100,
            "vacancy_rate_fte": wf.vacancy_rate(parts["vacancy_fte"], parts["inpost_fte"]) * 100,
            "turnover_rate_fte": wf.turnover_rate(parts["leavers_fte"], parts["inpost_fte"]) * 100,
            "caseload_fte": wf.average_caseload(parts["cases"], parts["case_holders_fte"]),
        }
        for name, value in ours.items():
            assert abs(value - float(row[name])) <= 0.1, (row["la_name"], name)
        checked += 1
    assert checked >= 10  # England, the region and the LAs


def test_the_csww_comparison_shows_the_published_rows(dfe):
    bm = cmp.open_benchmarks(dfe, "E08000015", "344")
    table = cmp.workforce(bm, "caseload_fte").set_index("Year")
    # DfE CSWW 2017: Wirral 16.2, England 17.7 (caseload_fte as published)
    assert table.loc["2017", "Wirral"] == 16.2 and table.loc["2017", "England"] == 17.7
    # agency 29.1, vacancy 23.3, turnover 11.4 (%), as the file publishes them
    for measure, published in (("agency_rate_fte", 29.1), ("vacancy_rate_fte", 23.3),
                               ("turnover_rate_fte", 11.4)):  # fmt: skip
        assert cmp.workforce(bm, measure).set_index("Year").loc["2017", "Wirral"] == published


def appraisal_rows(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["YEAR", "EMPLOYEE_ID", "GROUP", "APPRAISED"])
    frame["YEAR_START"] = pd.to_datetime(frame["YEAR"].str[:4] + "-04-01")
    return frame


def test_appraisals_and_the_long_term_sick_among_those_missed():
    rows = appraisal_rows(
        ("2016-17", "E1", "MANAGER", "Y"),
        ("2016-17", "E2", "STAFF", "Y"),
        ("2016-17", "E3", "STAFF", "N"),  # off sick 30 working days in the year
        ("2016-17", "E4", "STAFF", "N"),  # off sick 3 days only
        ("2015-16", "E3", "STAFF", "Y"),  # another year
    )
    absence = pd.DataFrame(
        {
            "EMPLOYEE_ID": ["E3", "E4"],
            "START_DATE": [T("2016-09-01"), T("2016-10-03")],
            "END_DATE": [T("2016-10-12"), T("2016-10-05")],
        }
    )
    got = wf.appraisal_shares(rows, absence, "2017-03", long_term_threshold=20)
    assert got["year"] == "2016-17"
    assert (got["MANAGER"].count, got["MANAGER"].total) == (1, 1)
    assert (got["STAFF"].count, got["STAFF"].total) == (1, 3)
    assert got["not_appraised"] == 2 and got["not_appraised_long_term_sick"] == 1


def actions(*rows) -> pd.DataFrame:
    cols = ["ACTION_ID", "THEME", "SOURCE", "ACTION", "DUE_DATE", "STATUS", "COMPLETED_DATE",
            "IMPACT_EVIDENCED", "IMPACT_NOTE", "IMPACT_REVIEW_DATE"]  # fmt: skip
    frame = pd.DataFrame(rows, columns=cols)
    for c in ("DUE_DATE", "COMPLETED_DATE", "IMPACT_REVIEW_DATE"):
        frame[c] = pd.to_datetime(frame[c])
    return frame


def test_the_action_tracker_as_at_the_period_end():
    a = actions(
        ("A1", "People", "R1", "x", "2016-06-30", "COMPLETE", "2016-09-30", "N", "", None),
        ("A2", "People", "R1", "x", "2016-06-30", "COMPLETE", "2016-10-01", "N", "", None),
        ("A3", "Practice", "R2", "x", "2016-06-30", "COMPLETE", "2016-05-01", "Y", "ok", None),
        ("A4", "Practice", "R2", "x", "2017-02-28", "ON_TRACK", None, "", "", None),
        ("A5", "Practice", "R2", "x", "2017-06-30", "ON_TRACK", None, "", "", None),
        ("A6", "Practice", "R2", "x", "2016-06-30", "COMPLETE", "2016-06-01", "N", "",
         "2017-01-10"),
        ("A7", "Practice", "R2", "x", "2017-03-31", "COMPLETE", "2017-04-15", "N", "", None),
    )  # fmt: skip
    h = ip.headline(a, T("2017-03-31"))
    # complete by 31 March 2017: A1, A2, A3, A6 (A7 completes after the period)
    assert h["actions_total"] == 7 and h["actions_complete"] == 4
    assert h["actions_impact_evidenced"] == 1  # A3
    # overdue: A4 only (due in February, not done); A7 is not complete at the period end but
    # is due on its last day, not before it
    assert h["actions_overdue"] == 1


def test_an_action_completed_exactly_six_months_ago_is_due_a_review():
    a = actions(
        ("A1", "People", "R1", "x", "2016-06-30", "COMPLETE", "2016-09-30", "N", "", None),
        ("A2", "People", "R1", "x", "2016-06-30", "COMPLETE", "2016-10-01", "N", "", None),
        ("A3", "People", "R1", "x", "2016-06-30", "COMPLETE", "2016-06-01", "N", "", "2017-01-10"),
    )  # fmt: skip
    flags = ip.status_at(a, T("2017-03-31")).set_index("ACTION_ID")["AWAITING_REVIEW"]
    # 31 March 2017 less six months is 30 September 2016: A1 (exactly) yes; A2 a day later
    # no; A3 reviewed in January, no
    assert flags.to_dict() == {"A1": True, "A2": False, "A3": False}
