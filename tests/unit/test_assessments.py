"""Assessments and caseload: hand-built edge cases, and the board's own figures end to end."""

from __future__ import annotations

import pandas as pd
import pytest
from support.board import write_board_fixture

from analysis.measures import assessments as oc
from analysis.measures import caseload as cl
from analysis.sources.inputs import read_inputs

T = pd.Timestamp
Q1 = (T("2017-01-01"), T("2017-03-31"))


def frame(rows):
    f = pd.DataFrame(
        rows, columns=["ASSESSMENT_ID", "CHILD", "DOB", "ASSESSMENT_START", "ASSESSMENT_AUTHORISED"]
    )
    for col in ("DOB", "ASSESSMENT_START", "ASSESSMENT_AUTHORISED"):
        f[col] = pd.to_datetime(f[col])
    return f


ASSESSMENTS = frame(
    [
        (1, "U", "2017-04-20", "2017-01-03", "2017-01-01"),  # unborn; authorised on the first day
        (2, "B", "2014-03-31", "2017-02-01", "2017-03-31"),  # turns 3 on the last day: not young
        (3, "C", "2014-04-01", "2017-02-01", "2017-03-31"),  # still 2 on the last day: young
        (4, "D", "2016-01-01", "2016-12-01", "2016-12-31"),  # authorised before the window
        (5, "E", "2016-01-01", "2017-03-01", None),  # not yet authorised
    ]
)
OUTCOMES = pd.DataFrame(
    {
        "ASSESSMENT_ID": [1, 1, 2, 3, 4],
        "LABEL": ["x"] * 5,
        "CATEGORY": ["CP", "UPDATE_CP", "NFA", "OTHER", "NFA"],
    }
)


def test_completed_window_boundaries_and_unborn():
    done = oc.completed(ASSESSMENTS, *Q1).set_index("CHILD")
    assert sorted(done.index) == ["B", "C", "U"]
    assert bool(done.loc["U", "UNBORN"]) and bool(done.loc["U", "YOUNG"])
    assert done.loc["B", "AGE"] == 3 and not bool(done.loc["B", "YOUNG"])
    assert done.loc["C", "AGE"] == 2 and bool(done.loc["C", "YOUNG"])


def test_several_outcomes_count_once_each_and_mentions_add_up():
    done = oc.completed(ASSESSMENTS, *Q1)
    young = done[done["YOUNG"]]  # U (CP + UPDATE_CP) and C (OTHER, from an unmapped label)
    counts = oc.outcome_counts(young, OUTCOMES)["Assessments"]
    assert counts["CP"] == 1 and counts["UPDATE_CP"] == 1 and counts["OTHER"] == 1
    assert counts["NFA"] == 0 and len(counts) == 11  # every category listed
    assert oc.mentions(young, OUTCOMES) == 3
    table = oc.board_layout(young, OUTCOMES).set_index("Outcome")
    assert table.loc["Assessments", "Assessments"] == 2
    assert table.loc["Outcome mentions (one assessment can have several)", "Assessments"] == 3
    assert table.loc["Child protection", "Unborn"] == 1


def test_timeliness_in_working_days():
    # started Tue 03/01/2017, authorised Tue 07/03/2017: 45 working days after the start
    # (Jan 4-31: 20, Feb: 20, Mar 1-7: 5), so within the standard; one day later is not
    done = frame(
        [
            (1, "A", "2016-01-01", "2017-01-03", "2017-03-07"),
            (2, "B", "2016-01-01", "2017-01-03", "2017-03-08"),
        ]
    )
    share = oc.timeliness(done, 45)
    assert (share.count, share.total) == (1, 2)


def cin_frame(rows):
    f = pd.DataFrame(rows, columns=["CHILD", "DOB", "TYPE", "START", "END"])
    for col in ("DOB", "START", "END"):
        f[col] = pd.to_datetime(f[col])
    return f


def test_caseload_counts_each_child_once():
    cin = cin_frame(
        [
            ("K1", "2016-10-01", "CP", "2017-01-01", None),  # CP and looked after: once in CIN
            ("K2", "2017-05-01", "CIN", "2017-01-01", None),  # unborn: under 1
            ("K3", "2010-01-01", "CP", "2017-01-01", "2017-03-31"),  # ends on the day: not open
        ]
    )
    episodes = pd.DataFrame(
        {"CHILD": ["K1"], "DECOM": [T("2017-02-01")], "RNE": ["S"], "LS": ["C2"], "DEC": [pd.NaT]}
    )
    header = pd.DataFrame({"CHILD": ["K1"], "DOB": [T("2016-10-01")]})
    h = cl.headline(cl.caseload(cin, episodes, header, T("2017-03-31")))
    assert h == {
        "open_cin_total": 2,
        "open_cin_under1": 2,
        "open_cp_total": 1,
        "open_cp_under1": 1,
        "cla_total": 1,
        "cla_under1": 1,
    }


def test_children_in_need_under_1_at_each_month_end():
    cin = cin_frame(
        [
            ("K1", "2016-03-15", "CIN", "2016-01-01", None),  # first birthday 15/03/2017
            ("K4", "2016-06-01", "CP", "2016-11-01", "2017-02-28"),  # closed on 28/02
            ("K5", "2015-01-01", "CIN", "2017-01-01", None),  # this date of birth wins
            ("K6", "2017-05-01", "CIN", "2017-02-01", None),  # unborn: under 1
            ("K7", "2007-01-01", "CIN", "2016-01-01", None),
        ]
    )
    episodes = pd.DataFrame(
        {
            "CHILD": ["K2", "K3", "K5"],
            "DECOM": [T("2017-02-20"), T("2017-01-05"), T("2017-01-10")],
            "RNE": ["S", "S", "S"],
            "LS": ["C2", "V3", "C2"],  # K3: short breaks only, not looked after
            "DEC": [pd.NaT, pd.NaT, pd.NaT],
        }
    )
    header = pd.DataFrame(
        {
            "CHILD": ["K2", "K3", "K5"],
            "DOB": [T(d) for d in ("2017-02-10", "2017-01-01", "2016-12-01")],
        }
    )
    series = cl.under1_series(cin, episodes, header, pd.Period("2017-03", "M"), 3)
    # 31/01: K1 (10 months), K4; 28/02: K1, K2, K6 (K4 closed that day); 31/03: K2, K6 (K1 is 1)
    assert series.to_dict() == {
        pd.Period("2017-01", "M"): 2,
        pd.Period("2017-02", "M"): 3,
        pd.Period("2017-03", "M"): 2,
    }
    # the same count as the caseload on each of those days
    for month, count in series.items():
        kids = cl.caseload(cin, episodes, header, month.end_time.normalize())[cl.GROUPS[0]]
        assert int((kids["AGE"] < 1).sum()) == count


@pytest.mark.parametrize("label", ["Mystery step"])
def test_unmapped_outcome_label_counts_as_other(tmp_path, label):
    data = write_board_fixture(tmp_path / "raw")
    path = data / "assessments.csv"
    path.write_text(path.read_text().replace("Strategy meeting", label))
    inputs = read_inputs(data)
    assert any(label in line for line in inputs.report.lines("warning"))
    done = oc.completed(inputs["assessments"], *Q1)
    counts = oc.outcome_counts(done[done["YOUNG"]], inputs["assessment_outcomes"])
    assert counts.loc["OTHER", "Assessments"] == 4 and counts.loc["STRATEGY", "Assessments"] == 0


def test_step_down_share_counts_assessments_not_mentions():
    # 4 assessments: A1 stepped down (and also NFA), A2 stepped down twice over, A3 NFA,
    # A4 no outcome -> 2 of 4 assessments stepped across = 0.5
    done = pd.DataFrame({"ASSESSMENT_ID": ["A1", "A2", "A3", "A4"]})
    outcomes = pd.DataFrame(
        {
            "ASSESSMENT_ID": ["A1", "A1", "A2", "A2", "A3"],
            "CATEGORY": ["STEP_DOWN", "NFA", "STEP_DOWN", "STEP_DOWN", "NFA"],
        }
    )
    assert oc.step_down_share(done, outcomes) == 0.5
    assert oc.step_down_share(done.iloc[:0], outcomes) is None
    # data that cannot show stepping across (an Annex A workbook) gives no share, not 0
    assert oc.step_down_share(done, outcomes, ("STEP_DOWN",)) is None


def test_outcomes_the_data_cannot_show_are_left_out_not_zero():
    done = oc.completed(ASSESSMENTS, *Q1)
    young = done[done["YOUNG"]]
    counts = oc.outcome_counts(young, OUTCOMES, ("LEGAL", "SHORT_BREAKS"))["Assessments"]
    assert len(counts) == 9 and "LEGAL" not in counts.index
    table = oc.board_layout(young, OUTCOMES, ("LEGAL",)).set_index("Outcome")
    assert oc.CATEGORY_LABELS["LEGAL"] not in table.index
    mix = oc.quarterly_mix(ASSESSMENTS, OUTCOMES, "2017-03", 1, unavailable=("STEP_DOWN",))
    assert oc.CATEGORY_LABELS["STEP_DOWN"] not in mix.columns


def test_updated_assessments_count_protection_plan_starts_not_child_in_need_periods():
    # U's protection plan started in the quarter and U's assessment records UPDATE_CP; C's
    # child-in-need period started in the quarter (a referral, not a plan): 1 of 1, not 1 of 2
    cin_cp = cin_frame(
        [
            ("U", "2017-04-20", "CP", "2017-01-10", None),
            ("C", "2014-04-01", "CIN", "2017-02-01", None),
        ]
    )
    share = oc.plan_starts_with_update(cin_cp, ASSESSMENTS, OUTCOMES, *Q1)
    assert (share.count, share.total) == (1, 1)


def test_the_share_of_next_steps_that_are_other():
    # assessments 1 to 3: mentions CP, UPDATE_CP, NFA, OTHER -> 1 of 4 is OTHER
    done = ASSESSMENTS[ASSESSMENTS["ASSESSMENT_ID"].isin([1, 2, 3])]
    assert oc.other_share(done, OUTCOMES) == 0.25
    assert oc.other_share(done.iloc[:0], OUTCOMES) is None
