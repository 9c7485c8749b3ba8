"""DfE published statistics: loaders against values read from the published files, suppression
symbols, neighbours, and reports with and without benchmark files."""

from __future__ import annotations

import math

import pytest

from analysis.measures import comparisons as bmk
from analysis.sources import ees


def test_published_values_for_a_named_la_and_england(dfe):
    csww = ees.load(
        dfe / "csww_indicators_2017_to_2025.csv",
        ["inpost_fte", "working_days_lost_fte", "absence_rate_fte"],
    )
    wirral = ees.select(csww, "Local authority", "E08000015", ["2023"])
    assert wirral["absence_rate_fte"].iloc[0] == 4.6  # the CSV row: ...,2587,4.6
    assert ees.select(csww, "Local authority", "344", ["2025"])["absence_rate_fte"].iloc[0] == 3.8
    assert ees.select(csww, "Local authority", "wirral", ["2024"])["inpost_fte"].iloc[0] == 227.9
    england = ees.select(csww, "National", years=["2025"]).iloc[0]
    # oracles.md: England, year to 30 September 2025
    assert england["working_days_lost_fte"] == 322786.3
    assert england["inpost_fte"] == 36186.3 and england["absence_rate_fte"] == 3.5


def test_cla_rates_for_wirral(dfe):
    cla = ees.load(
        dfe / "cla_number_and_rate_per_10k_children.csv", ["children_count", "rate_per_10000"]
    )
    rows = ees.select(cla, "Local authority", "E08000015", ["2025"]).set_index("population_type")
    assert rows.loc[bmk.CLA_STARTS, "children_count"] == 160
    assert rows.loc[bmk.CLA_STARTS, "rate_per_10000"] == 24
    assert rows.loc[bmk.CLA_31_MARCH, "rate_per_10000"] == 103


def test_suppression_symbols_are_missing_never_zero(dfe):
    csww = ees.load(
        dfe / "csww_indicators_2017_to_2025.csv", ["agency_fte", "agency_cover_rate_fte"]
    )
    sunderland = ees.select(csww, "Local authority", "Sunderland", ["2025"]).iloc[0]
    assert math.isnan(sunderland["agency_fte"]) and sunderland["agency_fte_symbol"] == "low"
    kirklees = ees.select(csww, "Local authority", "Kirklees", ["2025"]).iloc[0]
    assert math.isnan(kirklees["agency_cover_rate_fte"])
    assert kirklees["agency_cover_rate_fte_symbol"] == "z"
    assert kirklees["agency_fte"] == 0  # a real zero stays zero


def test_neighbours_of_wirral(dfe):
    groups = ees.load_neighbours(dfe / "New_Statistical_Neighbour_Groupings_April_2021.csv")
    assert len(groups["344"]) == 10
    assert groups["344"][:3] == ["343", "841", "808"]  # Sefton first, as in the file


def test_comparison_for_wirral(dfe):
    bm = bmk.open_benchmarks(dfe, "E08000015", "344")
    table = bmk.absence(bm).set_index("Year")
    assert bm.la_name == "Wirral" and bm.region_code == "E12000002"
    assert table.loc["2023", "Wirral"] == 4.6 and table.loc["2025", "England"] == 3.5
    assert table.loc["2025", "Neighbours with data"] == 10
    days = bmk.days_lost_per_fte(bm).set_index("Year")
    assert days.loc["2025", "England"] == pytest.approx(322786.3 / 36186.3)


def test_no_benchmark_files_means_none(tmp_path):
    assert bmk.open_benchmarks(tmp_path, "E08000015", "344") is None
    assert bmk.open_benchmarks(tmp_path / "absent", "E08000015", "344") is None
