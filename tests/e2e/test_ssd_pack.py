"""The whole pack read straight from the Standard Safeguarding Dataset in a real PostgreSQL
server: the same synthetic children as the CSV extracts give the same figures for everything
the SSD carries (parents' ages and siblings in care from ssd_family and ssd_mother, with no
family.csv), no credential reaches any output, and the run's snapshot re-runs identically."""

from __future__ import annotations

import json
import os

import pytest
from support import postgres as pg
from support.cli import boardpack
from support.scan import differing, page_text

from analysis.demo.generate import CANNOT_CARRY

PERIOD = "2017-03"


@pytest.fixture(scope="module")
def from_db(postgres, tmp_path_factory, dfe):
    """The demo world written into the database, and the pack run from it with the password
    in the URL on the command line (the worst place for it), html only."""
    root = tmp_path_factory.mktemp("ssd-pack")
    raw, out, processed = root / "raw", root / "out", root / "processed"
    env = os.environ | {"PGPASSWORD": pg.PASSWORD}
    result = boardpack(
        "demo-data", "--format", "ssd", "--db", postgres.url, "--out", str(raw), env=env
    )
    assert result.returncode == 0, result.stderr
    result = boardpack(
        "run", "--db", postgres.url_with_password, "--data", str(raw), "--period", PERIOD,
        "--out", str(out), "--processed", str(processed), "--formats", "html",
        "--benchmarks", str(dfe), "--jobs", "2",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return raw, out, processed, result


def metrics(out) -> dict:
    return json.loads((out / PERIOD / "metrics.json").read_text())["reports"]


def test_every_metric_the_ssd_can_carry_is_identical(from_db, demo_pack):
    csv = metrics(demo_pack.out)
    ssd = metrics(from_db[1])
    allowed = {
        report: set(names) | {f"series.{n}" for n in names}
        for report, names in CANNOT_CARRY["ssd"].items()
    }
    beyond = {r: names - allowed.get(r, set()) for r, names in differing(csv, ssd).items()}
    assert {r: n for r, n in beyond.items() if n} == {}
    # and the comparison is not empty: the links to parents' age and siblings came through
    young = ssd["young_children"]
    assert young["under1_mothers_age_known"] == csv["young_children"]["under1_mothers_age_known"]
    assert young["under1_mothers_age_known"] > 20 and young["under1_sibling_known"] > 20
    assert ssd["assessments"]["assessments_completed_age_0_2"] > 50
    # the outcomes no SSD flag records are not available, never 0, and the page says why
    assert ssd["assessments"]["outcomes_age_0_2"]["CP"] is None
    page = page_text((from_db[1] / PERIOD / "assessments.html").read_text())
    assert "Not shown, because the dataset has no flag for them: child protection" in page


def test_the_data_folder_holds_only_the_local_hr_audit_and_action_files(from_db):
    raw = from_db[0]
    assert sorted(p.name for p in raw.iterdir()) == [
        "absence.csv", "actions.csv", "appraisals.csv", "audits.csv", "staffing.csv",
    ]  # fmt: skip


def test_no_credential_reaches_any_output_log_or_snapshot(from_db):
    raw, out, processed, result = from_db
    texts = [result.stdout, result.stderr]
    for folder in (out, processed):
        texts += [p.read_bytes().decode("latin-1") for p in folder.rglob("*") if p.is_file()]
    assert not [t for t in texts if pg.PASSWORD in t or f"{pg.USER}@" in t or pg.USER in t]
    manifest = json.loads((out / PERIOD / "manifest.json").read_text())
    database = manifest["inputs"]["database"]
    assert database["source"].startswith("postgresql+psycopg://127.0.0.1:")
    assert database["source"].endswith("/ssd")
    assert database["ssd_version"] == "1.0.0-synthetic"
    assert database["rows"]["ssd_cin_assessments"] > 10_000


def test_the_snapshot_re_runs_the_period_identically(from_db, tmp_path, dfe):
    _, out, processed, _ = from_db
    (snapshot,) = processed.glob("ssd-*")
    again = tmp_path / "again"
    result = boardpack(
        "run", "--data", str(snapshot), "--period", PERIOD, "--out", str(again),
        "--processed", str(tmp_path / "processed"), "--formats", "html", "--benchmarks",
        str(dfe), "--jobs", "2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert metrics(again) == metrics(out)
    for page in sorted((out / PERIOD).glob("*.html")):
        assert page_text((again / PERIOD / page.name).read_text()) == page_text(page.read_text())


def test_run_with_db_alone_reads_the_database_boardpack_db_url_names(
    from_db, postgres, tmp_path, dfe
):
    """`run --db` with no URL reads BOARDPACK_DB_URL, as `validate --db` and `db check` do."""
    raw = from_db[0]  # the local HR, audit and action files only: the rest must come from it
    out = tmp_path / "out"
    env = os.environ | {"PGPASSWORD": pg.PASSWORD, "BOARDPACK_DB_URL": postgres.url}
    result = boardpack(
        "run", "--db", "--data", str(raw), "--period", PERIOD, "--out", str(out),
        "--processed", str(tmp_path / "processed"), "--reports", "young_children",
        "--formats", "html", "--benchmarks", str(dfe), env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SSD read into" in result.stdout
    assert "password on the command line" not in result.stderr  # the URL was not on it
    manifest = json.loads((out / PERIOD / "manifest.json").read_text())
    assert manifest["inputs"]["database"]["ssd_version"] == "1.0.0-synthetic"
    assert metrics(out)["young_children"] == metrics(from_db[1])["young_children"]


def test_a_region_reads_an_la_from_its_database_on_dask(from_db, postgres, tmp_path, dfe):
    """A region.yaml LA given by `db:` (with the local HR files in `data:`) beside an LA of
    CSV extracts, on a real Dask LocalCluster: both packs publish, the database LA's regional
    figures are its own pack's, and the password written in region.yaml reaches no output."""
    raw = from_db[0]
    files = tmp_path / "files-la"
    result = boardpack("demo-data", "--scale", "0.5", "--seed", "7", "--out", str(files))
    assert result.returncode == 0, result.stderr
    config = tmp_path / "region.yaml"
    config.write_text(
        "name: Two LAs\n"
        "las:\n"
        "  - name: Database LA\n"
        "    new_la_code: E08000015\n"
        '    old_la_code: "344"\n'
        f"    db: {postgres.url_with_password}\n"
        f"    data: {raw}\n"
        "    population_0_17: 67000\n"
        "  - name: Files LA\n"
        "    new_la_code: E08000014\n"
        '    old_la_code: "343"\n'
        f"    data: {files}\n"
        "    population_0_17: 52000\n"
    )
    out, processed = tmp_path / "out", tmp_path / "processed"
    result = boardpack(
        "region", "run", "--config", str(config), "--period", PERIOD, "--out", str(out),
        "--processed", str(processed), "--workers", "1", "--reports", "young_children,workforce",
        "--formats", "html", "--benchmarks", str(dfe),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "published 2 of 2 LA pack(s)" in result.stdout
    regional = json.loads((out / "region" / PERIOD / "metrics.json").read_text())["measures"]
    own = metrics(out / "E08000015")
    assert own["young_children"] == metrics(from_db[1])["young_children"]  # the SSD's figures
    under1 = regional["under1_starts_share_12m"]["las"]
    assert under1["E08000015"]["value"] == own["young_children"]["starts_under1_share_12m"]
    assert regional["agency_rate"]["las"]["E08000015"]["value"] == own["workforce"]["agency_rate"]
    texts = [result.stdout, result.stderr]
    for folder in (out, processed):
        texts += [p.read_bytes().decode("latin-1") for p in folder.rglob("*") if p.is_file()]
    assert not [t for t in texts if pg.PASSWORD in t or f"{pg.USER}@" in t]
