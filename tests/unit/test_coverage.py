"""Coverage of the period by the inputs: at both ends, per report, with a census covering its
collection years, and no crash when a table's dates are all blank. Dates are those of the
mini dataset in tests/support/inputs.py, worked out in the comments."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from support.inputs import VALID, write_inputs
from support.paths import ROOT, TESTS

from analysis.config import COVERAGE_TABLES
from analysis.engine.runner import _check_coverage
from analysis.errors import BoardpackError
from analysis.sources import coverage
from analysis.sources.inputs import prepare, read_inputs

T = pd.Timestamp
SHARED = {"coverage_tolerance_months": dict.fromkeys(COVERAGE_TABLES, 2) | {"staffing": 0}}


def processed(tmp_path, changes=None):
    data = write_inputs(tmp_path / "raw", changes)
    return prepare(data, tmp_path / "processed")


def test_a_period_before_the_data_begin_is_refused_like_one_after_they_end(tmp_path):
    folder = processed(tmp_path)
    # episodes: first DECOM 01/04/2016, less 2 months' tolerance: covers from February 2016
    with pytest.raises(BoardpackError) as refused:
        _check_coverage(folder, ["2014-01"], ["young_children"], SHARED, allow=False)
    assert str(refused.value).splitlines()[:2] == [
        "the inputs do not cover January 2014 for young_children; nothing was published:",
        "  SSDA903 episodes: first record 01/04/2016, covers from February 2016",
    ]
    allowed = _check_coverage(folder, ["2014-01"], ["young_children"], SHARED, allow=True)
    assert allowed == {
        "2014-01": {"young_children": ["SSDA903 episodes: first record 01/04/2016, covers "
                                       "from February 2016"]}
    }  # fmt: skip
    # February 2016 itself is covered
    assert _check_coverage(folder, ["2016-02"], ["young_children"], SHARED, allow=False) == {}


def test_a_report_is_refused_only_for_the_sources_it_uses(tmp_path):
    changes = {
        # the last contact 15/01/2017: covers to March 2017
        "contacts.csv": VALID["contacts.csv"]
        .replace("15/03/2017", "15/01/2017")
        .replace("01/03/2017", "01/01/2017"),
        # the last start 28/03/2017: episodes cover to May 2017
        "ssda903/episodes.csv": VALID["ssda903/episodes.csv"].replace("28/12/2016", "28/03/2017"),
    }
    folder = processed(tmp_path, changes)
    # assessments (to May 2017), children in need (01/02/2017: April 2017), episodes (May)
    assert _check_coverage(folder, ["2017-04"], ["assessments"], SHARED, allow=False) == {}
    with pytest.raises(BoardpackError) as refused:
        _check_coverage(folder, ["2017-04"], ["assessments", "front_door"], SHARED, allow=False)
    assert str(refused.value).splitlines()[:2] == [
        "the inputs do not cover April 2017 for front_door; nothing was published:",
        "  contacts: last record 15/01/2017, covers to March 2017",
    ]


def test_records_dated_after_the_period_end_are_one_warning_per_source(tmp_path, caplog):
    """Mini episodes: C1 01/04/2016-01/08/2016, C1 from 01/08/2016, C2 from 28/12/2016.
    To July 2016 (ends 31/07/2016): C1's first ends 01/08 and the other two begin after, so
    3 records; to August 2016: C2's start alone, 1; to March 2017: none."""
    folder = processed(tmp_path)
    inputs = read_inputs(write_inputs(tmp_path / "again"))
    assert coverage.after_period(inputs, "2016-07", ["episodes"]) == [
        "SSDA903 episodes: 3 records dated after the period end (31/07/2016); check them: "
        "they are in no figure for July 2016"
    ]
    assert coverage.after_period(inputs, "2016-08", ["episodes"]) == [
        "SSDA903 episodes: 1 record dated after the period end (31/08/2016); check them: "
        "they are in no figure for August 2016"
    ]
    assert coverage.after_period(inputs, "2017-03", ["episodes"]) == []
    # the run's coverage step says it for its latest period, for the sources its reports read
    with caplog.at_level("WARNING", logger="boardpack"):
        _check_coverage(folder, ["2016-06", "2016-08"], ["young_children"], SHARED, allow=True)
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
        "SSDA903 episodes: 1 record dated after the period end (31/08/2016); check them: "
        "they are in no figure for August 2016"
    ]


def test_every_assessment_still_open_is_no_crash(tmp_path):
    """No assessment authorised: the assessments reach as far as their starts (latest
    01/02/2017 + 2 months = April 2017); a table with no date at all is simply not listed."""
    open_only = VALID["assessments.csv"].replace("20/01/2017", "").replace("01/03/2017", "")
    inputs = read_inputs(write_inputs(tmp_path / "raw", {"assessments.csv": open_only}))
    reached = coverage.reach(inputs, SHARED["coverage_tolerance_months"]).set_index("Table")
    assert reached.loc["assessments", "Covers to"] == pd.Period("2017-04", "M")
    inputs.tables["audits"]["AUDIT_DATE"] = pd.NaT
    assert "audits" not in coverage.reach(inputs, {}).set_index("Table").index


def test_a_census_covers_its_collection_years(tmp_path):
    data = tmp_path / "raw"
    write_inputs(data, {"cin_cp.csv": None})
    shutil.copytree(TESTS / "fixtures" / "cin_census", data / "cin_census")
    inputs = read_inputs(data)
    assert inputs.covers["cin_cp"] == ["2016-04-01", "2018-03-31"]
    reached = coverage.reach(inputs, SHARED["coverage_tolerance_months"])
    row = reached.set_index("Table").loc["cin_cp"]
    # 1 April 2016 to 31 March 2018 (+2 months after): April 2016 to May 2018
    assert (row["Covers from"], row["Covers to"]) == (pd.Period("2016-04"), pd.Period("2018-05"))
    assert coverage.not_covering(reached, "2016-03", ["cin_cp"]) == [
        "children in need and protection plans: census years 01/04/2016 to 31/03/2018, covers "
        "from April 2016"
    ]
    assert coverage.begins(inputs, "cin_cp", "START") == T("2016-04-01")


def test_each_report_lists_the_sources_it_reads():
    """coverage.USES against what each report module reads from s.inputs."""
    assert set(coverage.REACH_DATES) == set(COVERAGE_TABLES)
    for path in sorted((ROOT / "analysis" / "reports").glob("*.py")):
        if path.stem not in coverage.USES:
            continue
        text = path.read_text()
        read = set(re.findall(r"inputs(?:\.get\(|\[)\"(\w+)\"", text))
        assert read & set(coverage.REACH_DATES) <= set(coverage.USES[path.stem]), path.stem


def test_the_data_quality_report_shows_the_census_years_as_covered(tmp_path):
    from analysis.measures import data_quality as dq

    data = tmp_path / "raw"
    write_inputs(data, {"cin_cp.csv": None})
    shutil.copytree(TESTS / "fixtures" / "cin_census", data / "cin_census")
    table = dq.coverage(read_inputs(data)).set_index("Source")
    # the 2016-17 and 2017-18 returns: April 2016 to March 2018 (first START 10/05/2016)
    row = table.loc["children in need and protection plans (CIN census)"]
    assert (row["First month"], row["Last month"]) == ("Apr 2016", "Mar 2018")
