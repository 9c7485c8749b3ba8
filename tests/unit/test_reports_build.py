"""Every report's `build()` without a kernel, on the hand-written mini input folder
(conftest.VALID), with answers counted by hand from those few rows."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
from support.inputs import write_inputs
from support.paths import TESTS
from support.workbooks import write_workbook

from analysis.engine.session import open_session
from analysis.presentation.model import Note, Summary, Table
from analysis.reports import (
    assessments,
    audit_agreement,
    board_summary,
    data_quality,
    front_door,
    improvement_plan,
    sickness_absence,
    workforce,
    young_children,
)
from analysis.sources.inputs import load_processed, prepare
from analysis.withheld import WITHHELD, withheld

BANDS = [["Under 1", "0d"], ["1 to 4", "1y"], ["5 and over", "5y"]]


@pytest.fixture(autouse=True)
def close_figures():
    """A model holds its charts until shown; these tests never show them."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    raw = write_inputs(tmp_path_factory.mktemp("raw"))
    processed = prepare(raw, tmp_path_factory.mktemp("processed"))

    def make(report, publication="restricted"):
        return open_session(report, "2017-03", str(processed), publication=publication)

    return make


def test_young_children(session, dfe):
    model = young_children.build(session("young_children"), 36, BANDS, str(dfe), "E08000015", "344")
    assert list(model.sections) == [
        "summary",
        "starts-by-age",
        "share-of-starts-under-1-under-2-and-under-5",
        "has-the-under-1-share-changed",
        "children-looked-after-at-the-end-of-the-period",
        "how-under-1-starters-come-into-care",
        "parents-age",
        "siblings-already-in-care",
        "how-we-compare",
    ]
    m = model.metrics
    # C1 (aged 5) started on 01/04/2016 and C2 at 3 days old on 28/12/2016; both still in care
    assert (m["starts_12m"], m["starts_under1_12m"], m["newborn_starts_12m"]) == (2, 1, 1)
    assert m["starts_under1_share_12m"] == 0.5
    assert (m["cla_at_period_end"], m["cla_under1_at_period_end"]) == (2, 1)
    assert m["starts_12m_prev"] == 0  # nobody started in the 12 months before
    assert isinstance(model["summary"][0], Summary)
    # the DfE file's first year is 2021 (no 2017 row): the comparison uses the nearest year
    assert m["benchmark_year"] == "2021"


def test_young_children_without_benchmark_files_says_so(session, tmp_path):
    model = young_children.build(session("young_children"), 36, BANDS, str(tmp_path / "none"))
    assert isinstance(model["how-we-compare"][0], Note)


def test_sickness_absence(session):
    model = sickness_absence.build(session("sickness_absence"))
    # E1 (1 FTE) off 02/01/2017 to 06/01/2017: 2 January 2017 was a bank holiday, so 4
    # working days; Team A had 10 FTE in the only staffing month -> 4 / 10
    assert model.metrics["fte_days_lost_per_fte_12m"] == pytest.approx(0.4)
    assert list(model.sections)[:3] == [
        "summary",
        "sickness-over-time",
        "long-term-and-short-term-absence",
    ]
    teams = model["teams"][0]
    assert isinstance(teams, Table) and teams.frame["FTE days lost"].sum() == pytest.approx(4)


def test_assessments(session, dfe):
    model = assessments.build(session("assessments"), benchmark_dir=str(dfe))
    m = model.metrics
    # C9 (aged 2) authorised 20/01/2017, no further action; C8 assessed before birth,
    # authorised 01/03/2017, child in need plan and strategy meeting
    assert (m["assessments_completed_age_0_2"], m["assessments_unborn"]) == (2, 1)
    assert m["outcomes_age_0_2"]["NFA"] == 1 and m["outcomes_age_0_2"]["CIN_PLAN"] == 1
    assert m["step_down_share_age_0_2"] == 0
    assert "outcomes-of-assessments-of-children-aged-unborn-to-2" in model.sections


def test_audit_agreement(session):
    model = audit_agreement.build(session("audit_agreement"))
    m = model.metrics
    # one dip-sample audit in March 2017, closure appropriate, auditor and moderator GOOD
    assert (m["dip_sample_size"], m["dip_nfa_appropriate"], m["moderated_pairs"]) == (1, 1, 1)
    assert m["dip_nfa_appropriate_share"] == 1.0 and m["percent_agreement"] == 1.0


def test_data_quality(session):
    model = data_quality.build(session("data_quality"))
    assert model.metrics["files_loaded"] == 13 and model.metrics["warnings_total"] == 0
    assert [t.caption for t in model.tables()][:1] == ["Input files loaded"]


def test_board_summary_reads_the_published_metrics(tmp_path):
    folder = tmp_path / "2017-03"
    folder.mkdir()
    reports = {"young_children": {"starts_under1_share_12m": 0.25}}
    (folder / "metrics.json").write_text(json.dumps({"reports": reports}))
    measure = {"report": "young_children", "metric": "starts_under1_share_12m"}
    model = board_summary.build("2017-03", tmp_path, "", [measure])
    card = model["scorecard"][0].card
    assert card["value"].tolist() == [0.25]
    assert card["label"].tolist() == ["Under-1 share of children starting care (12 months)"]
    # nothing a year earlier, no series: nothing needs attention or improved, so the page
    # says so and the key point is the measure itself
    assert model["needs-the-board-s-attention"][0].text.startswith("Nothing in March 2017 needs")
    assert model.metrics["attention"] == model.metrics["improvements"] == []
    assert model.metrics["key_points"] == [
        "Under-1 share of children starting care (12 months): 25.0%."
    ]


def test_a_report_cannot_record_an_undeclared_figure(session):
    from analysis.errors import BoardpackError

    with pytest.raises(BoardpackError, match="data_quality: made_up not declared"):
        session("data_quality").record("made_up", 1)


def test_every_word_a_report_lists_has_a_plain_definition():
    from analysis.errors import BoardpackError
    from analysis.presentation.present import glossary_html

    for module in (young_children, sickness_absence, assessments, audit_agreement, data_quality):
        page = glossary_html(module.TERMS)
        assert page.count("<dt ") == len(module.TERMS), module.__name__
    kappa = re.sub(r' style="[^"]*"', "", glossary_html(["Cohen's kappa"]))
    assert "<dt>Cohen&#x27;s kappa</dt><dd>agreement between auditor and moderator" in kappa
    with pytest.raises(BoardpackError, match="no plain-English definition for: jargon"):
        glossary_html(["jargon"])


def test_data_quality_counts_incomplete_records_apart_from_validation(tmp_path):
    from analysis.measures import data_quality as dq

    raw = write_inputs(
        tmp_path / "raw",
        {
            # C2 has no family row; C1's has no mother's date of birth
            "family.csv": "CHILD,FAMILY_ID,MOTHER_DOB,FATHER_DOB\nC1,F1,,\n",
            # a second, open-ended spell (no END_DATE)
            "absence.csv": "EMPLOYEE_ID,TEAM,FTE,START_DATE,END_DATE,REASON\n"
            "E1,Team A,1,02/01/2017,06/01/2017,Cold / flu\nE2,Team A,1,01/03/2017,,Cold / flu\n",
        },
    )
    inputs = load_processed(prepare(raw, tmp_path / "processed"))
    table = dq.completeness(inputs, "2017-03").set_index("What is missing")
    counts = table[["Records", "Of"]].to_dict("index")
    assert counts == {
        "Starts to care in the 12 months with no family record": {"Records": 1, "Of": 2},
        "Family records with no mother's date of birth": {"Records": 1, "Of": 1},
        "Dip-sample audits in the 3 months with no NFA finding recorded": {"Records": 0, "Of": 1},
        "Absence spells with no end date (open-ended)": {"Records": 1, "Of": 2},
    }


def test_how_far_each_source_reaches(session):
    from analysis.sources import coverage

    s = session("data_quality")
    reached = coverage.reach(s.inputs, {"episodes": 2, "staffing": 0, "audits": 4}).set_index(
        "Source"
    )
    # episodes: latest DECOM 28/12/2016 (DEC 01/08/2016) -> December 2016 + 2 = February 2017
    assert reached.loc["SSDA903 episodes", "Covers to"] == pd.Period("2017-02", "M")
    # staffing states January 2017 and has no tolerance; the one audit is in March 2017
    assert reached.loc["staffing", "Covers to"] == pd.Period("2017-01", "M")
    assert reached.loc["audits", "Covers to"] == pd.Period("2017-07", "M")
    lines = coverage.not_covering(reached.reset_index(), "2017-03")
    assert lines[0] == "SSDA903 episodes: last record 28/12/2016, covers to February 2017"
    assert not any(line.startswith("audits") for line in lines)


def test_no_zero_for_months_before_the_hr_data_begin(tmp_path):
    """HR extracts that begin in April 2016, two years after the SSDA903 data: the months
    and 12-month windows before then are blank, never zero."""
    import shutil

    from analysis.demo.generate import demo_folder

    raw = tmp_path / "raw"
    shutil.copytree(demo_folder(), raw)
    for name, column in (("absence.csv", "START_DATE"), ("staffing.csv", "MONTH")):
        frame = pd.read_csv(raw / name, dtype=str)
        dates = pd.to_datetime(frame[column], format="%d/%m/%Y" if "DATE" in column else "%Y-%m")
        frame[dates >= "2016-04-01"].to_csv(raw / name, index=False)
    s = open_session("sickness_absence", "2017-03", str(prepare(raw, tmp_path / "processed")))
    model = sickness_absence.build(s)
    assert model.metrics["fte_days_lost_per_fte_12m"] > 0
    assert model.metrics["fte_days_lost_per_fte_12m_prev"] is None  # Apr 2015 - Mar 2016
    points = dict(model.metrics["series"]["fte_days_lost_per_fte_12m"]["points"])
    assert all(points[m] is None for m in points if m < "2016-04")
    assert all(points[m] is not None and points[m] > 0 for m in points if m >= "2016-04")
    notes = [b.text for b in model["sickness-over-time"] if isinstance(b, Note)]
    assert any("HR data begin in April 2016" in n for n in notes)


def test_a_thin_latest_month_is_noted():
    from analysis.errors import ValidationReport
    from analysis.measures import data_quality as dq
    from analysis.sources.inputs import Inputs

    def assessments(latest: int) -> pd.DataFrame:
        # 10 authorised in each of April 2016 to February 2017, `latest` in March 2017
        months = pd.period_range("2016-04", "2017-02", freq="M")
        dates = [m.start_time for m in months for _ in range(10)] + [
            pd.Timestamp("2017-03-15")
        ] * latest
        return pd.DataFrame({"ASSESSMENT_AUTHORISED": dates})

    # the 12 months before March 2017 average (11 x 10 + 0 for March 2016) / 12 = 9.2
    thin = dq.thin_latest_month(
        Inputs({"assessments": assessments(4)}, ValidationReport(), []), "2017-03"
    )
    assert thin == [
        "Only 4 assessments authorised in March 2017, against 9.2 a month in the 12 months "
        "before: the latest weeks may not all be recorded yet, so figures for this month may "
        "rise when the extract is refreshed."
    ]
    assert (
        dq.thin_latest_month(
            Inputs({"assessments": assessments(5)}, ValidationReport(), []), "2017-03"
        )
        == []
    )
    # 4 < half of 9.2 = 4.6: thin, and a report resting on assessments carries the caution;
    # 5 is not thin, and a report resting on contacts alone never does
    thin = Inputs({"assessments": assessments(4)}, ValidationReport(), [])
    assert dq.thin_months(thin, "2017-03") == {"assessments": (4, pytest.approx(110 / 12))}
    caution = dq.thin_caution(thin, "2017-03", ["contacts", "assessments"], "the shares")
    assert caution == [
        "Caution: assessments authorised in March 2017 are thinly recorded (see the data "
        "quality report), so the shares for March 2017 may change when the missing records "
        "are entered: a fall in the latest month may be records not yet entered, not a real "
        "fall."
    ]
    assert dq.thin_caution(thin, "2017-03", ["contacts"], "the shares") == []
    fuller = Inputs({"assessments": assessments(5)}, ValidationReport(), [])
    assert dq.thin_caution(fuller, "2017-03", ["assessments"], "the shares") == []


def test_assessments_say_when_their_outcomes_were_derived(tmp_path, dfe):
    raw = write_inputs(tmp_path / "raw", {"cin_cp.csv": None, "assessments.csv": None})
    shutil.copytree(TESTS / "fixtures" / "cin_census", raw / "cin_census")
    processed = prepare(raw, tmp_path / "processed")
    s = open_session("assessments", "2016-06", processed_dir=str(processed))
    model = assessments.build(s, benchmark_dir=str(dfe))
    notes = [
        b.text
        for b in model.sections["outcomes-of-assessments-of-children-aged-unborn-to-2"]
        if isinstance(b, Note)
    ]
    assert any(n.startswith("How these outcomes were found") and "CIN census" in n for n in notes)
    # A1 (aged 1) assessed 11/05-20/06/2016: a Section 47 enquiry and a protection plan followed
    assert model.metrics["outcomes_age_0_2"]["CP"] == 1
    assert model.metrics["outcomes_age_0_2"]["S47"] == 1


def test_front_door(session, dfe):
    model = front_door.build(session("front_door"), 36, 7, str(dfe), "E08000015", "344")
    m = model.metrics
    # March 2017: C9 twice on 01/03 (police, school), C7 once on 15/03
    assert (m["contacts_month"], m["children_contacted_month"]) == (3, 2)
    assert m["multiple_contacts_children_share_month"] == 0.5
    assert m["repeat_contacts_30d_share_month"] == 1 / 3  # C9's second, 0 days after
    assert m["contact_to_referral_share_month"] == 2 / 3  # C9 referred the same day
    # C9 referred 01/03/2016 and 01/03/2017, 365 days apart: the 2017 one is a re-referral
    assert (m["referrals_12m"], m["rereferrals_12m"], m["rereferral_share_12m"]) == (1, 1, 1.0)
    assert m["referral_nfa_share_12m"] == 0.0
    # Wirral's ONS estimate for 2017: 66,834 children -> 1 / 66,834 x 10,000
    assert m["referrals_rate_per_10k_12m"] == pytest.approx(10_000 / 66_834)
    assert m["la_published_rereferral_share"] == pytest.approx(0.21)


def test_front_door_from_the_census_alone_says_why_contacts_are_missing(tmp_path, dfe):
    local = ("cin_cp.csv", "assessments.csv", "contacts.csv", "referrals.csv")
    raw = write_inputs(tmp_path / "raw", dict.fromkeys(local))
    shutil.copytree(TESTS / "fixtures" / "cin_census", raw / "cin_census")
    processed = prepare(raw, tmp_path / "processed")
    s = open_session("front_door", "2017-03", processed_dir=str(processed))
    model = front_door.build(s, benchmark_dir=str(dfe))
    m = model.metrics
    assert m["contacts_month"] is None and m["multiple_contacts_children_share_month"] is None
    # referrals: A1 on 10/05/2016 and U1 on 01/03/2017. The 2016-17 census covers from
    # 01/04/2016 (its collection year, not its first referral), so the 12 months to March
    # 2017 are covered: 2 referrals; the re-referrals' look-back to April 2015 is not, so
    # their share is not given, and the summary says why
    assert m["referrals_12m"] == 2 and m["rereferral_share_12m"] is None
    said = f"2 referrals in the 12 months to March 2017. {front_door.SHORT_LOOKBACK}"
    assert said in model["summary"][0].sentences
    notes = [b.text for b in model.sections["contacts"] if isinstance(b, Note)]
    assert notes == [
        "Contacts are not in this data: referrals come from the CIN census, which does not "
        "collect contacts. An Annex A workbook (List 1) or the local contacts extract gives "
        "this section."
    ]


def test_workforce(session, dfe, tmp_path):
    model = workforce.build(session("workforce"), 20, 20, 36, str(dfe), "E08000015", "344")
    m = model.metrics
    # the mini folder is for January 2017: the session's period (March) has no caseloads
    assert m["case_holders"] == 0 and m["caseload_average"] is None
    processed = prepare(write_inputs(tmp_path / "raw"), tmp_path / "processed")
    s = open_session("workforce", "2017-01", str(processed))
    m = workforce.build(s, 20, 20, 36, str(dfe), "E08000015", "344").metrics
    # E1: 18 on 1.0 FTE; E2: 12 on 0.5 FTE (24 per FTE): 30 / 1.5 = 20; median (18 + 24) / 2
    assert (m["case_holders"], m["caseload_average"], m["caseload_median"]) == (2, 20.0, 21.0)
    assert m["caseload_above_threshold_share"] == 0.5
    # staffing January 2017: 10 FTE in post, 2.5 agency, 1 vacant, 1 leaver
    assert m["agency_rate"] == 2.5 / 12.5 and m["vacancy_rate"] == 1 / 11
    assert m["turnover_rate_12m"] == 1 / 10
    # appraisals 2016-17: the manager appraised; staff 1 of 2
    assert (m["appraisals_managers_share"], m["appraisals_staff_share"]) == (1.0, 0.5)
    assert m["la_published_caseload"] == 16.2
    # DfE's reference date, 30 September 2016, is before the mini extracts begin: no figure
    assert m["csww_year"] == "2016" and m["agency_rate_30sep"] is None
    assert m["case_holders_30sep"] is None and m["turnover_rate_30sep"] is None


def test_improvement_plan(session):
    m = improvement_plan.build(session("improvement_plan")).metrics
    # IP1 complete 15/12/2016 with evidence of impact; IP2 on track, due 31/01/2017: overdue
    assert (m["actions_total"], m["actions_complete"], m["actions_impact_evidenced"]) == (2, 1, 1)
    assert m["actions_overdue"] == 1 and m["actions_complete_no_impact_6m"] == 0


def test_assessments_from_a_six_month_workbook_show_no_false_zeros(tmp_path, dfe):
    local = ("cin_cp.csv", "assessments.csv", "contacts.csv", "referrals.csv")
    raw = write_inputs(tmp_path / "raw", dict.fromkeys(local))
    write_workbook(raw / "Annex A.xlsx")  # assessments authorised in January 2017 only
    processed = prepare(raw, tmp_path / "processed")
    s = open_session("assessments", "2017-03", processed_dir=str(processed))
    model = assessments.build(s, benchmark_dir=str(dfe))
    sentences = model["summary"][0].sentences
    assert any("with no figure for the same months a year earlier" in x for x in sentences)
    series = model.metrics["series"]["assessments_completed_age_0_2"]["points"]
    # quarters before January 2017 are blank, not 0; the quarter to March 2017 holds all 3
    assert [v for _, v in series][-1] == 3
    assert all(v is None for _, v in series[:-1])


def test_a_recorded_series_is_returned_as_published_for_the_pages_own_verdict(session):
    """The audit page judges kappa on the series its metrics record: in the public version,
    a quarter resting on 5 or fewer moderated pairs is withheld there too."""
    quarters = pd.PeriodIndex(["2016-12", "2017-03"], freq="M")
    kappas = pd.Series([0.5, 0.7], index=quarters)
    pairs = pd.DataFrame({"Pairs": [3, 20]}, index=quarters)
    try:
        public = session("audit_agreement", "public")
        recorded = public.record_series("kappa", kappas, pairs)
        # 3 pairs is at or under the threshold of 5: withheld; 20 pairs: shown
        assert withheld(recorded.iloc[0]) and recorded.iloc[1] == 0.7
        points = public.metrics.values["series"]["kappa"]["points"]
        assert points == [["2016-12", str(WITHHELD)], ["2017-03", 0.7]]
    finally:
        restricted = session("audit_agreement")  # the publication mode is process-wide
    # the restricted version records and returns every point
    assert restricted.record_series("kappa", kappas, pairs).tolist() == [0.5, 0.7]
