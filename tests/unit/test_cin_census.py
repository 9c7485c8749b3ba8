"""The DfE children in need census XML: periods, plans and referrals from hand-written files
(tests/fixtures/cin_census, see its README), the later return winning, and bad files refused
with one clear line each."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from support.inputs import write_inputs
from support.paths import TESTS

from analysis.errors import ERROR, WARNING, ValidationReport
from analysis.measures import data_quality as dq
from analysis.sources import cin_census
from analysis.sources.inputs import Inputs, read_inputs

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
    assert not report.lines(ERROR)  # one bad cell costs one cell, not the file
    assert sorted(w for w in report.lines(WARNING) if cin_census.NO_DOB not in w) == [
        "cin_census/x.xml line 11, Child[2]/CINdetails[2]/ReferralNFA 'maybe': not a yes/no "
        "(expected 0/1 or true/false): counted as unknown",
        "cin_census/x.xml line 9, Child[2]/CINdetails[2]/Assessments[1]/"
        "AssessmentAuthorisationDate '2016-09-31': not a date (expected yyyy-mm-dd), so the "
        "row is left out: counted as unknown",
    ]
    # the unreadable authorisation leaves its one assessment out (an open one would be wrong);
    # both of A2's referrals are read, the second with its NFA flag unknown
    assert tables["assessments"].empty
    assert list(tables["referrals"]["REFERRAL_DATE"]) == [T("2016-05-10"), T("2016-09-10")]
    assert tables["referrals"]["NFA"].isna().all()


# --- the collection year and the file rules -----------------------------------------------

HEAD = (
    "<Message>\n<Header><CollectionDetails><Year>2017</Year>"
    "<ReferenceDate>2017-03-31</ReferenceDate></CollectionDetails></Header>\n"
)


def one_file(tmp_path, text: str, name: str = "x.xml", raw: bytes | None = None):
    (tmp_path / "cin_census").mkdir(exist_ok=True)
    path = tmp_path / "cin_census" / name
    path.write_bytes(raw) if raw is not None else path.write_text(text)
    report = ValidationReport()
    return cin_census.load(tmp_path, report), report


def test_the_files_cover_their_collection_years_from_the_header(census):
    """2016-17 and 2017-18 returns: 1 April 2016 to 31 March 2018, whatever the first and
    last records (A1's referral of 10/05/2016, U1's of 01/03/2017)."""
    tables = cin_census.load(census, ValidationReport())
    assert tables["_covers"] == (T("2016-04-01"), T("2018-03-31"))


def test_two_files_for_one_year_are_an_error_naming_both(census):
    shutil.copy(census / "cin_census" / "2016-17.xml", census / "cin_census" / "2016-17-final.xml")
    report = ValidationReport()
    cin_census.load(census, report)
    assert report.lines(ERROR) == [
        "cin_census/2016-17-final.xml, cin_census/2016-17.xml: two files for the collection "
        "year to 31/03/2017 (a draft and a final?): keep one"
    ]


def test_an_upper_case_extension_is_read(census):
    (census / "cin_census" / "2016-17.xml").rename(census / "cin_census" / "2016-17.XML")
    report = ValidationReport()
    tables = cin_census.load(census, report)
    assert not report.has_errors
    # U1 is only in the 2016-17 return
    assert "U1" in set(tables["referrals"]["CHILD"])


def test_a_missing_year_between_two_files_is_a_warning(census):
    (census / "cin_census" / "2017-18.xml").rename(census / "cin_census" / "2018-19.xml")
    text = (census / "cin_census" / "2018-19.xml").read_text()
    (census / "cin_census" / "2018-19.xml").write_text(
        text.replace("<Year>2018</Year>", "<Year>2019</Year>").replace("2018-03-31", "2019-03-31")
    )
    report = ValidationReport()
    cin_census.load(census, report)
    assert report.lines("warning") == [
        "cin_census: no file for the collection year 2017-18, between the first and the last: "
        "referrals, plans and assessments that began and ended in it are missing"
    ]


def test_a_renamed_children_element_is_an_error_naming_it(tmp_path):
    tables, report = one_file(tmp_path, HEAD + "<ChildrenList><Child/></ChildrenList></Message>")
    assert report.lines(ERROR) == [
        "cin_census/x.xml: required element <Children> missing in <Message> (found <Header>, "
        "<ChildrenList>)"
    ]
    assert tables["cin_cp"].empty


def test_a_missing_year_element_is_an_error_naming_it(tmp_path):
    _, report = one_file(
        tmp_path,
        "<Message><Header><CollectionDetails><Collection>CIN</Collection></CollectionDetails>"
        "</Header><Children/></Message>",
    )
    assert report.lines(ERROR) == [
        "cin_census/x.xml: required element <Year> missing in <Message/Header/"
        "CollectionDetails> (found <Collection>)"
    ]


def test_a_latin1_byte_in_a_utf8_file_is_one_line(tmp_path):
    text = HEAD + "<Children><Child><ChildIdentifiers><LAchildID>Ren\xe9</LAchildID>"
    raw = ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode("latin-1")
    raw += b"</ChildIdentifiers></Child></Children></Message>\n"
    _, report = one_file(tmp_path, "", raw=raw)
    # the header is lines 1-3, the child (with the 0xE9 of "René") line 4
    assert report.lines(ERROR) == [
        "cin_census/x.xml: not readable as UTF-8, the encoding it declares (line 4: byte 0xE9 "
        "is not UTF-8): save it again as UTF-8"
    ]


def test_a_child_twice_with_another_birth_date_is_a_located_error(tmp_path):
    ids = "<ChildIdentifiers><LAchildID>A1</LAchildID><PersonBirthDate>{}</PersonBirthDate>"
    tables, report = one_file(
        tmp_path,
        HEAD
        + "<Children>\n"
        + "<Child>" + ids.format("2015-02-01") + "</ChildIdentifiers></Child>\n"
        + "<Child>" + ids.format("2015-02-11") + "</ChildIdentifiers></Child>\n"
        + "</Children></Message>\n",
    )  # fmt: skip
    assert report.lines(ERROR) == [
        "cin_census/x.xml line 5, Child[2]/ChildIdentifiers/LAchildID (as Child[1], line 4) "
        "'2015-02-11': the same child twice in the file (one child, one <Child>), with another "
        "date of birth"
    ]


def test_no_birth_date_is_a_warning_and_a_closure_before_the_referral_an_error(tmp_path):
    tables, report = one_file(
        tmp_path,
        HEAD
        + "<Children>\n"
        + "<Child><ChildIdentifiers><LAchildID>B1</LAchildID></ChildIdentifiers>\n"
        + "<CINdetails><CINreferralDate>2016-05-10</CINreferralDate>\n"
        + "<CINclosureDate>2016-05-01</CINclosureDate></CINdetails>\n"
        + "</Child></Children></Message>\n",
    )  # fmt: skip
    assert report.lines("warning") == [
        "cin_census/x.xml line 4, Child[1]/ChildIdentifiers/PersonBirthDate: no date of birth "
        "(nor an expected one): the child's age is unknown"
    ]
    assert report.lines(ERROR) == [
        "cin_census/x.xml line 6, Child[1]/CINdetails[1]/CINclosureDate '2016-05-01': closed "
        "before the referral date"
    ]


def test_a_reference_date_outside_its_year_is_an_error(tmp_path):
    _, report = one_file(
        tmp_path,
        "<Message><Header><CollectionDetails><Year>2017</Year><ReferenceDate>2016-03-31"
        "</ReferenceDate></CollectionDetails></Header><Children/></Message>",
    )
    assert report.lines(ERROR) == [
        "cin_census/x.xml: Header/CollectionDetails/ReferenceDate '2016-03-31' is not in "
        "January to March 2017, the end of collection year 2017 (expected 2017-03-31)"
    ]


def test_an_unreadable_closure_date_leaves_its_referral_out_and_keeps_what_it_holds(tmp_path):
    """A2's second referral has closure date 2016-13-01: it is not read as still open (that
    would add one to the open caseload); it is left out (2 referrals -> 1), while its
    assessment, started 2016-09-11 and authorised 2016-09-20, is kept. The closure is on
    line 7 (Message, Header, Children, Child, two CINdetails lines before it)."""
    tables, report = one_file(
        tmp_path,
        HEAD + "<Children>\n"
        "<Child><ChildIdentifiers><LAchildID>A2</LAchildID></ChildIdentifiers>\n"
        "  <CINdetails><CINreferralDate>2016-05-10</CINreferralDate></CINdetails>\n"
        "  <CINdetails><CINreferralDate>2016-09-10</CINreferralDate>\n"
        "    <CINclosureDate>2016-13-01</CINclosureDate>\n"
        "    <Assessments><AssessmentActualStartDate>2016-09-11</AssessmentActualStartDate>\n"
        "      <AssessmentAuthorisationDate>2016-09-20</AssessmentAuthorisationDate>\n"
        "    </Assessments>\n"
        "  </CINdetails>\n"
        "</Child></Children></Message>\n",
    )
    assert not report.lines(ERROR)
    assert (
        "cin_census/x.xml line 7, Child[1]/CINdetails[2]/CINclosureDate '2016-13-01': not a "
        "date (expected yyyy-mm-dd), so the row is left out: counted as unknown"
    ) in report.lines(WARNING)
    assert list(tables["referrals"]["REFERRAL_DATE"]) == [T("2016-05-10")]
    assert list(tables["cin_cp"]["START"]) == [T("2016-05-10")]
    assert list(tables["assessments"]["ASSESSMENT_AUTHORISED"]) == [T("2016-09-20")]
    # the data quality report counts the cell, and the one row it leaves out
    unknown = dq.values_unknown(Inputs({}, report))
    assert unknown.to_dict("records") == [
        {"File": "cin_census/x.xml", "Column": "CINclosureDate", "Values unknown": 1,
         "Rows left out": 1}
    ]  # fmt: skip
