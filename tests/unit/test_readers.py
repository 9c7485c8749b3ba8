"""Sources as one house: one reader per format behind one interface, and the settings read
once per run and handed down (issue 29, item 1)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from support.inputs import write_inputs
from support.paths import TESTS

import analysis.config
import analysis.sources.settings
from analysis.config import PARAMS_DIR
from analysis.errors import ValidationReport
from analysis.sources import cin_census, database
from analysis.sources.inputs import READERS, cache_key, inventory, read_inputs
from analysis.sources.settings import Settings

T = pd.Timestamp
TODAY = T("2017-04-15")
WORKBOOK = TESTS / "fixtures" / "annex_a" / "ofsted_annex_a_template_2016-01_sample.xlsx"


def ssd_snapshot(folder: Path) -> Path:
    """A snapshot as `db snapshot` writes it, by hand: two people, three contacts, one of
    them with no date (left out: 2 contacts), and one assessment with an NFA flag."""
    (folder / database.SNAPSHOT_DIR).mkdir(parents=True)
    (folder / database.SNAPSHOT_META).write_text(json.dumps({"notes": []}))
    person = pd.DataFrame(
        {"pers_person_id": ["P1", "P2"], "pers_dob": [T("2010-01-05"), T("2015-03-01")]}
    )
    contacts = pd.DataFrame(
        {
            "cont_contact_id": ["K1", "K2", "K3"],
            "cont_person_id": ["P1", "P2", "P2"],
            "cont_contact_date": [T("2017-01-10"), T("2017-02-01"), pd.NaT],
        }
    )
    assessments = pd.DataFrame(
        {
            "cina_assessment_id": ["A1"],
            "cina_person_id": ["P1"],
            "cina_assessment_start_date": [T("2017-01-12")],
            "cina_assessment_auth_date": [T("2017-01-20")],
            "cina_assessment_outcome_json": ['{"NFA_FLAG": "Y"}'],
        }
    )
    for name, frame in (
        ("ssd_person", person),
        ("ssd_contacts", contacts),
        ("ssd_cin_assessments", assessments),
    ):
        path = folder / database.SNAPSHOT_DIR / f"{name}.parquet"
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    return folder


def test_every_reader_returns_tables_by_name_for_a_hand_built_source(tmp_path):
    """Each format's reader, given its location, the settings and a report, gives the
    internal tables it holds (DataFrames by table name) and records its problems."""
    data = write_inputs(tmp_path / "raw")
    census = tmp_path / "census"
    shutil.copytree(TESTS / "fixtures" / "cin_census", census)
    places = {
        "ssda903": data,
        "local": data,
        "annex_a": WORKBOOK,
        "census": census,
        "ssd": ssd_snapshot(tmp_path / "snapshot"),
    }
    assert set(READERS) == set(places)
    settings = Settings(PARAMS_DIR, TODAY)
    found = {}
    for name, reader in READERS.items():
        report = ValidationReport()
        tables = reader(places[name], settings, report)
        assert isinstance(tables, dict), name
        frames = {k: v for k, v in tables.items() if not k.startswith("_")}
        assert frames and all(isinstance(v, pd.DataFrame) for v in frames.values()), name
        assert not report.has_errors, (name, report.format())
        found[name] = tables
    # the mini extract: 2 children's headers and 3 episodes (tests/support/inputs.py)
    assert (len(found["ssda903"]["header"]), len(found["ssda903"]["episodes"])) == (2, 3)
    assert {"cin_cp", "assessments", "assessment_outcomes", "absence"} <= set(found["local"])
    assert {"contacts", "referrals", "assessments"} <= set(found["annex_a"])
    assert set(cin_census.TABLES) <= set(found["census"])
    assert list(found["ssd"]["contacts"]["CONTACT_DATE"]) == [T("2017-01-10"), T("2017-02-01")]


def test_the_settings_are_read_once_per_run(tmp_path, monkeypatch):
    """Assessments from a CIN census (outcomes derived with next_step_working_days from
    defaults.yaml) and audits (dip_sample, also from defaults.yaml): each params file is
    read at most once in the whole of read_inputs (the readers used to read defaults.yaml
    once each)."""
    data = write_inputs(tmp_path / "raw", {"cin_cp.csv": None, "assessments.csv": None})
    shutil.copytree(TESTS / "fixtures" / "cin_census", data / "cin_census")
    reads: Counter[str] = Counter()
    real = analysis.config.read_yaml

    def counted(path):
        reads[Path(path).name] += 1
        return real(path)

    monkeypatch.setattr(analysis.config, "read_yaml", counted)
    monkeypatch.setattr(analysis.sources.settings, "read_yaml", counted)
    inputs = read_inputs(data, PARAMS_DIR, today=TODAY)
    assert inputs.sources["assessments"] == "the CIN census"
    assert "assessment_outcomes" in inputs.tables
    assert reads["defaults.yaml"] == 1
    assert reads and max(reads.values()) == 1, reads
    # the SSD's mapping, params/ssd.yaml, was read for each table group and for what the
    # outcomes cannot show: now once, for a snapshot whose assessments come from the SSD
    reads.clear()
    ssd_snapshot(tmp_path / "ssd-only")
    write_inputs(tmp_path / "ssd-only", {"cin_cp.csv": None, "assessments.csv": None})
    inputs = read_inputs(tmp_path / "ssd-only", PARAMS_DIR, today=TODAY)
    assert inputs.sources["assessments"] == "the SSD database"
    assert list(inputs["assessment_outcomes"]["CATEGORY"]) == ["NFA"]
    assert reads["ssd.yaml"] == 1 and max(reads.values()) == 1, reads


def test_the_processed_cache_key_changes_when_the_params_do(tmp_path):
    data = write_inputs(tmp_path / "raw")
    params = tmp_path / "params"
    shutil.copytree(PARAMS_DIR, params)
    files = inventory(data)
    before = cache_key(files, params)
    path = params / "defaults.yaml"
    path.write_text(path.read_text() + "\n# changed\n")
    assert cache_key(files, params) != before
