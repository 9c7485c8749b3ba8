"""The same synthetic children written as an Ofsted Annex A workbook and as DfE CIN census XML
give the CSV world's metrics (the demo pack's) for everything each format can carry, and a
folder holding only the returns, the SSDA903 files and the local audit and HR extracts runs
the whole pack."""

from __future__ import annotations

import json
import shutil

import pytest
from support.cli import boardpack
from support.scan import differing

from analysis.demo.generate import CANNOT_CARRY, write_demo_data

PERIOD = "2017-03"


def run(raw, out, dfe):
    result = boardpack(
        "run", "--period", PERIOD, "--data", str(raw), "--out", str(out), "--formats", "html",
        "--benchmarks", str(dfe), "--jobs", "2",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads((out / PERIOD / "metrics.json").read_text())["reports"]


@pytest.fixture(scope="module")
def returns(tmp_path_factory, dfe):
    """Each return format's metrics for the demo period."""
    out = {}
    for fmt in ("annex-a", "cin-census"):
        folder = tmp_path_factory.mktemp(fmt)
        write_demo_data(folder / "raw", format=fmt)
        out[fmt] = (folder / "raw", run(folder / "raw", folder / "out", dfe))
    return out


@pytest.mark.parametrize("fmt", ["annex-a", "cin-census"])
def test_every_metric_a_format_can_carry_is_identical(returns, demo_pack, fmt):
    csv = json.loads((demo_pack.out / PERIOD / "metrics.json").read_text())["reports"]
    diff = differing(csv, returns[fmt][1])
    allowed = {
        report: set(names) | {f"series.{n}" for n in names}
        for report, names in CANNOT_CARRY[fmt].items()
    }
    beyond = {r: names - allowed.get(r, set()) for r, names in diff.items()}
    assert {r: n for r, n in beyond.items() if n} == {}
    # and the comparison is not empty: the caseload, counts and timeliness came through
    assessments = returns[fmt][1]["assessments"]
    assert (
        assessments["assessments_completed_age_0_2"]
        == csv["assessments"]["assessments_completed_age_0_2"]
        > 50
    )
    assert assessments["open_cin_total"] == csv["assessments"]["open_cin_total"] > 1000


def test_annex_a_cannot_show_stepping_across_and_says_so(returns):
    metrics = returns["annex-a"][1]
    assert metrics["assessments"]["step_down_share_age_0_2"] is None
    assert metrics["assessments"]["outcomes_age_0_2"]["STEP_DOWN"] is None
    html = (returns["annex-a"][0].parent / "out" / PERIOD / "assessments.html").read_text()
    assert "How these outcomes were found" in html
    assert "Stepping across to targeted services cannot be seen in this data" in html


def test_the_front_door_from_the_census_says_why_contacts_are_absent(returns):
    metrics = returns["cin-census"][1]["front_door"]
    assert metrics["contacts_month"] is None and metrics["referrals_12m"] > 2000
    html = (returns["cin-census"][0].parent / "out" / PERIOD / "front_door.html").read_text()
    assert (
        "Contacts are not in this data: referrals come from the CIN census, which does not "
        "collect contacts." in html
    )
    # from the workbook, the contacts come through (List 1)
    assert returns["annex-a"][1]["front_door"]["contacts_month"] > 500


def test_returns_and_the_local_audit_and_hr_extracts_run_the_whole_pack(tmp_path, returns, dfe):
    annex, census = returns["annex-a"][0], returns["cin-census"][0]
    raw = tmp_path / "raw"
    shutil.copytree(annex, raw)  # ssda903/, family, audits, absence, staffing, the workbook
    shutil.copytree(census / "cin_census", raw / "cin_census")
    assert not {"cin_cp.csv", "assessments.csv"} & {p.name for p in raw.iterdir()}
    metrics = run(raw, tmp_path / "out", dfe)
    assert set(metrics) >= {"young_children", "assessments", "board_summary", "data_quality"}
    # the census comes before the workbook for children in need and assessments
    assert metrics["assessments"] == returns["cin-census"][1]["assessments"]
    validate = boardpack("validate", "--data", str(raw))
    assert "children in need and protection plans: from the CIN census (the Annex A " in (
        validate.stdout
    )
    assert "contacts: from the Annex A workbook" in validate.stdout
