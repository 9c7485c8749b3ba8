"""Identifiers read the same way from every source: invisible characters and white space
removed, and leading-zero mismatches between sources reported and matched."""

from __future__ import annotations

import pandas as pd
from support.inputs import VALID, write_inputs

from analysis.errors import ValidationReport
from analysis.sources import identifiers
from analysis.sources.inputs import read_inputs


def test_invisible_characters_and_non_breaking_spaces_are_removed():
    assert identifiers.normalise("\u00a0C1\u200b ") == "C1"
    values = pd.Series(["C\u200d1", "\ufeffC2\u00a0", "\u2060", None], dtype="string")
    assert identifiers.normalise_series(values).tolist() == ["C1", "C2", pd.NA, pd.NA]


def test_children_written_with_invisible_characters_match_across_files(tmp_path):
    # C1 with a zero-width space in the header, a non-breaking space in the episodes, and a
    # word joiner in family.csv: one child throughout
    header = VALID["ssda903/header.csv"].replace("\nC1,", "\nC1\u200b,")
    episodes = VALID["ssda903/episodes.csv"].replace("\nC1,", "\n\u00a0C1,")
    family = VALID["family.csv"].replace("\nC1,", "\nC1\u2060,")
    data = write_inputs(
        tmp_path, {"ssda903/header.csv": header, "ssda903/episodes.csv": episodes,
                   "family.csv": family}
    )  # fmt: skip
    inputs = read_inputs(data, today=pd.Timestamp("2017-04-15"))
    assert not inputs.report.has_errors, inputs.report.format()
    for table in ("header", "episodes", "family"):
        assert set(inputs[table]["CHILD"]) == {"C1", "C2"}, table
    assert not any("header row" in line for line in inputs.report.lines("warning"))


def _numbered(text: str, old: str, new: str) -> str:
    return text.replace(f"\n{old},", f"\n{new},")


def test_a_leading_zero_mismatch_between_sources_is_reported_and_matched(tmp_path):
    # the SSDA903 return writes C1 as 050000001, family.csv (saved from Excel) as 50000001
    changes = {
        "ssda903/header.csv": _numbered(VALID["ssda903/header.csv"], "C1", "050000001"),
        "ssda903/episodes.csv": _numbered(VALID["ssda903/episodes.csv"], "C1", "050000001"),
        "family.csv": _numbered(VALID["family.csv"], "C1", "50000001"),
    }
    inputs = read_inputs(write_inputs(tmp_path, changes), today=pd.Timestamp("2017-04-15"))
    said = (
        "SSDA903, family.csv, CHILD '050000001 / 50000001': 1 child whose identifiers differ "
        "only by leading zeros between the two sources: matched as one child each"
    )
    assert said in inputs.report.lines("warning")
    assert set(inputs["episodes"]["CHILD"]) == {"50000001", "C2"}
    assert set(inputs["family"]["CHILD"]) == {"50000001", "C2"}


def test_leading_zeros_are_not_matched_when_a_source_holds_both_forms():
    tables = {
        "header": pd.DataFrame({"CHILD": ["007", "7"]}, dtype="string"),
        "family": pd.DataFrame({"CHILD": ["0007"]}, dtype="string"),
    }
    report = ValidationReport()
    identifiers.match_leading_zeros(tables, {"header": "SSDA903", "family": "family.csv"}, report)
    # 007 and 7 in the SSDA903 are two children: nothing is rewritten
    assert report.lines("warning") == [
        "SSDA903, family.csv, CHILD '007 / 0007': 1 child whose identifiers differ only by "
        "leading zeros between the two sources: not matched, as SSDA903 itself holds "
        "identifiers that differ only by leading zeros"
    ]
    assert tables["family"]["CHILD"].tolist() == ["0007"]
