"""An analyst's own files, end to end: the silent cases of issue 17 run through `boardpack run`
on a copy of the demo folder changed as analysts change files."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
from support.cli import boardpack
from support.paths import TESTS

from analysis.demo.generate import demo_folder

PERIOD = "2017-03"


@pytest.fixture
def folder(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(demo_folder(), raw)
    return raw


def run(raw, out, *reports, extra=()):
    result = boardpack(
        "run",
        "--period",
        PERIOD,
        "--data",
        str(raw),
        "--out",
        str(out),
        "--formats",
        "html",
        "--reports",
        ",".join(reports),
        *extra,
    )
    metrics = out / PERIOD / "metrics.json"
    return result, json.loads(metrics.read_text())["reports"] if metrics.exists() else {}


def test_a_dip_sample_spelt_another_way_is_found(folder, demo_pack):
    audits = pd.read_csv(folder / "audits.csv", dtype=str, keep_default_na=False)
    audits["SAMPLE"] = audits["SAMPLE"].str.replace("NFA dip sample", " NFA Dip  Sample ")
    audits.to_csv(folder / "audits.csv", index=False)
    result, metrics = run(folder, folder.parent / "out", "audit_agreement")
    # a folder given with --data is the LA's own: the demo's LA name is warned about
    assert "the pages will be titled 'Demo Borough Council (synthetic)'" in (
        result.stdout + result.stderr
    )
    assert result.returncode == 0, result.stderr
    demo = json.loads((demo_pack.out / PERIOD / "metrics.json").read_text())["reports"]
    assert (
        metrics["audit_agreement"]["dip_sample_size"] == demo["audit_agreement"]["dip_sample_size"]
    )


def test_a_copied_and_an_overlapping_spell_do_not_change_days_lost(folder, demo_pack):
    spells = pd.read_csv(folder / "absence.csv", dtype=str, keep_default_na=False)
    first = spells.iloc[[0]]
    overlap = first.assign(REASON="Other")  # the same days again, under another reason
    pd.concat([spells, first, overlap]).to_csv(folder / "absence.csv", index=False)
    result, metrics = run(folder, folder.parent / "out", "sickness_absence")
    assert result.returncode == 0, result.stderr
    demo = json.loads((demo_pack.out / PERIOD / "metrics.json").read_text())["reports"]
    got, want = metrics["sickness_absence"], demo["sickness_absence"]
    assert got["fte_days_lost_per_fte_12m"] == pytest.approx(want["fte_days_lost_per_fte_12m"])


def test_a_team_missing_from_staffing_stops_the_run_unless_mapped(folder, tmp_path):
    spells = pd.read_csv(folder / "absence.csv", dtype=str, keep_default_na=False)
    team = spells["TEAM"].iloc[0]
    spells.loc[spells["TEAM"] == team, "TEAM"] = "Renamed Team"
    spells.to_csv(folder / "absence.csv", index=False)
    result, _ = run(folder, tmp_path / "a", "sickness_absence")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(
        r"absence\.csv, TEAM 'Renamed Team': team has days lost in .* but no FTE", result.stderr
    )
    assert not (tmp_path / "a" / PERIOD).exists()

    params = tmp_path / "la-params"
    params.mkdir()
    (params / "team_map.yaml").write_text(f"Renamed Team: {team}\n")
    mapped = boardpack(
        "--params",
        str(params),
        "run",
        "--period",
        PERIOD,
        "--data",
        str(folder),
        "--out",
        str(tmp_path / "b"),
        "--formats",
        "html",
        "--reports",
        "sickness_absence",
    )
    assert mapped.returncode == 0, mapped.stderr


def test_dates_saved_by_excel_give_identical_metrics(folder, demo_pack, dfe):
    dmy = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
    for path in folder.rglob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in frame.columns:
            frame[col] = frame[col].str.replace(dmy, r"\3-\2-\1 00:00:00", regex=True)
        frame.to_csv(path, index=False)
    reports = ("young_children", "sickness_absence", "assessments", "audit_agreement")
    result, metrics = run(folder, folder.parent / "out", *reports, extra=("--benchmarks", str(dfe)))
    assert result.returncode == 0, result.stderr
    demo = json.loads((demo_pack.out / PERIOD / "metrics.json").read_text())["reports"]
    for name in reports:
        assert metrics[name] == demo[name], name


def test_the_pack_runs_with_a_cin_census_instead_of_cin_cp_csv(folder):

    (folder / "cin_cp.csv").unlink()
    fixtures = TESTS / "fixtures" / "cin_census"
    (folder / "cin_census").mkdir()
    shutil.copy(fixtures / "2016-17.xml", folder / "cin_census")
    result, metrics = run(folder, folder.parent / "out", "assessments")
    assert result.returncode == 0, result.stderr
    # the census's two children in need at 31 March 2017 (A1 open, on a plan; U1 closed on
    # 01/03/2017), plus the demo's looked-after children, each once
    looked_after = metrics["assessments"]["cla_total"]
    assert metrics["assessments"]["open_cp_total"] == 1
    assert metrics["assessments"]["open_cin_total"] == looked_after + 1
