"""The DfE children in need census XML: periods, plans and referrals from hand-written files
(tests/fixtures/cin_census, see its README), the later return winning, and bad files refused
with one clear line each."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from support.inputs import write_inputs
from support.paths import TESTS

from analysis.errors import ERROR, ValidationReport
from analysis.sources import cin_census
from analysis.sources.inputs import read_inputs

FIXTURES = TESTS / "fixtures" / "cin_census"
T = pd.Timestamp


@pytest.fixture
def census(tmp_path):
    folder = tmp_path / "raw"
    shutil.copytree(FIXTURES, folder / "cin_census")
    return folder


def test_periods_plans_and_referrals_with_the_later_return_winning(census):
    report = ValidationReport()
    tables = cin_census.load(census, report)
    assert not report.has_errors
    periods = tables["cin_cp"].set_index(["CHILD", "TYPE"])
    # A1's referral and plan, as the 2017-18 return closes them
    assert periods.loc[("A1", "CIN"), "START"] == T("2016-05-10")
    assert periods.loc[("A1", "CIN"), "END"] == T("2018-01-15")
    assert periods.loc[("A1", "CP"), ["START", "END"]].tolist() == [
        T("2016-07-01"),
        T("2017-12-01"),
    ]
    # the unborn child's date of birth is the expected one
    assert periods.loc[("U1", "CIN"), "DOB"] == T("2017-04-20")
    assert len(periods) == 3
    refs = tables["referrals"].set_index("CHILD")
    assert refs.loc["U1", "NFA"] and not refs.loc["A1", "NFA"]
    assert refs.loc["A1", "CLOSURE_REASON"] == "RC1" and refs.loc["U1", "SOURCE"] == "3A"


def test_the_census_supplies_children_in_need_when_there_is_no_cin_cp_csv(census):
    write_inputs(census, {"cin_cp.csv": None})
    inputs = read_inputs(census, today=T("2018-04-15"))
    assert not inputs.report.has_errors, inputs.report.format()
    assert set(inputs["cin_cp"]["CHILD"]) == {"A1", "U1"}
    assert "children in need and protection plans: from the CIN census" in inputs.report.notes
    assert "assessments: from assessments.csv (the CIN census also holds it)" in (
        inputs.report.notes
    )


BAD = {
    "broken.xml": ("<Message><Children>", "not well-formed XML"),
    "wrong.xml": ("<EXPSSDA903></EXPSSDA903>", "the root element is <EXPSSDA903>, not <Message>"),
    "old.xml": (
        "<Message><Header><CollectionDetails><Year>2009</Year></CollectionDetails></Header>"
        "<Children/></Message>",
        "unknown census year '2009'",
    ),
    "bomb.xml": (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        "<Message>&lol2;</Message>",
        "refused: the file declares a DTD or entities",
    ),
    "external.xml": (
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<Message>&x;</Message>",
        "refused: the file declares a DTD or entities",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_file_is_one_clear_line(tmp_path, name):
    text, rule = BAD[name]
    (tmp_path / "cin_census").mkdir()
    (tmp_path / "cin_census" / name).write_text(text)
    report = ValidationReport()
    tables = cin_census.load(tmp_path, report)
    lines = report.lines(ERROR)
    assert len(lines) == 1 and lines[0].startswith(f"cin_census/{name}: {rule}"), lines
    assert tables["cin_cp"].empty


def test_assessments_and_their_derived_outcomes(census):
    write_inputs(census, {"cin_cp.csv": None, "assessments.csv": None})
    inputs = read_inputs(census, today=T("2018-04-15"))
    assert not inputs.report.has_errors, inputs.report.format()
    a = inputs["assessments"]
    assert a[["CHILD", "ASSESSMENT_START", "ASSESSMENT_AUTHORISED"]].values.tolist() == [
        ["A1", T("2016-05-11"), T("2016-06-20")]
    ]
    assert set(inputs["assessment_outcomes"]["CATEGORY"]) == {"S47", "CP"}
    assert inputs.sources["assessments"] == "the CIN census"


def test_a_bad_value_names_the_line_and_the_element_path(tmp_path):
    (tmp_path / "cin_census").mkdir()
    (tmp_path / "cin_census" / "x.xml").write_text(
        "<Message>\n"
        "<Header><CollectionDetails><Year>2017</Year></CollectionDetails></Header>\n"
        "<Children>\n"
        "<Child><ChildIdentifiers><LAchildID>A1</LAchildID></ChildIdentifiers></Child>\n"
        "<Child><ChildIdentifiers><LAchildID>A2</LAchildID></ChildIdentifiers>\n"
        "  <CINdetails><CINreferralDate>2016-05-10</CINreferralDate></CINdetails>\n"
        "  <CINdetails><CINreferralDate>2016-09-10</CINreferralDate>\n"
        "    <Assessments><AssessmentActualStartDate>2016-09-11</AssessmentActualStartDate>\n"
        "      <AssessmentAuthorisationDate>2016-09-31</AssessmentAuthorisationDate>\n"
        "    </Assessments>\n"
        "    <ReferralNFA>maybe</ReferralNFA>\n"
        "  </CINdetails>\n"
        "</Child></Children></Message>\n"
    )
    report = ValidationReport()
    tables = cin_census.load(tmp_path, report)
    assert sorted(report.lines(ERROR)) == [
        "cin_census/x.xml line 11, Child[2]/CINdetails[2]/ReferralNFA 'maybe': not a yes/no "
        "(expected 0/1 or true/false)",
        "cin_census/x.xml line 9, Child[2]/CINdetails[2]/Assessments[1]/"
        "AssessmentAuthorisationDate '2016-09-31': not a date (expected yyyy-mm-dd)",
    ]
    assert tables["assessments"].empty  # nothing is taken from a file with an error
