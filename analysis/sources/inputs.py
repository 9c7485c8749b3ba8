"""All inputs of a run: read and validate once, cache as Parquet, load from the cache.

The processed-data cache lives in `<processed_root>/<key>/`, where the key is a SHA-256 of
every input file, the label maps and the package version, so it is reused while nothing
changed and rebuilt as soon as anything did. Nothing under the data folder is ever written.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import __version__
from analysis.config import PARAMS_DIR, params_file
from analysis.errors import BoardpackError, InputError, ValidationReport
from analysis.sources import (
    absence,
    assessments,
    audits,
    cin_census,
    cin_cp,
    family,
    ssda903,
    staffing,
    teams,
)

MAP_FILES = ("outcome_map.yaml", "absence_reason_map.yaml", "team_map.yaml", "defaults.yaml")


@dataclass
class Inputs:
    """Validated, typed input tables plus the validation report and the files they came from."""

    tables: dict[str, pd.DataFrame]
    report: ValidationReport
    files: list[dict] = field(default_factory=list)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def get(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def inventory(data_dir: Path) -> list[dict]:
    """Every CSV under the data folder: relative path, SHA-256 and data-row count, from one
    read of each file."""
    files = []
    for path in sorted([*data_dir.rglob("*.csv"), *data_dir.glob("cin_census/*.xml")]):
        digest, lines = hashlib.sha256(), 0
        with open(path, "rb") as fh:
            for line in fh:
                digest.update(line)
                lines += bool(line.strip())
        files.append(
            {
                "file": str(path.relative_to(data_dir)),
                "sha256": digest.hexdigest(),
                "rows": max(lines - 1, 0),
            }
        )
    return files


def read_inputs(
    data_dir: Path,
    params_dir: Path | None = None,
    today: pd.Timestamp | None = None,
    files: list[dict] | None = None,
) -> Inputs:
    """Read and validate every input file in `data_dir`; problems go to the report. `files`
    is the folder's `inventory` when the caller has already taken it."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise BoardpackError(f"data folder {data_dir} does not exist")
    report = ValidationReport()
    tables: dict[str, pd.DataFrame] = {}
    tables.update(ssda903.load(data_dir, report, today))
    tables.update(assessments.load(data_dir, report, params_dir))
    for name, frame in (
        ("family", family.load(data_dir, report)),
        ("cin_cp", cin_cp.load(data_dir, report, required=not cin_census.present(data_dir))),
        ("audits", audits.load(data_dir, report)),
        ("absence", absence.load(data_dir, report, params_dir)),
        ("staffing", staffing.load(data_dir, report)),
    ):
        if frame is not None:
            tables[name] = frame
    if cin_census.present(data_dir):
        census = cin_census.load(data_dir, report)
        tables["referrals"] = census["referrals"]
        if "cin_cp" in tables:  # precedence: the local extract, then the census
            report.notes.append("children in need and protection plans: from cin_cp.csv")
        else:
            tables["cin_cp"] = census["cin_cp"]
            report.notes.append(
                "children in need and protection plans: from the CIN census (cin_census/)"
            )
    if "absence" in tables and "staffing" in tables:
        tables["absence"] = teams.reconcile(
            tables["absence"], tables["staffing"], report, params_dir
        )
    return Inputs(tables, report, files if files is not None else inventory(data_dir))


def cache_key(files: list[dict], params_dir: Path) -> str:
    digest = hashlib.sha256(__version__.encode())
    for item in files:
        digest.update(f"{item['file']}:{item['sha256']}".encode())
    for name in MAP_FILES:
        path = params_file(name, params_dir)
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


def prepare(data_dir: Path, processed_root: Path, params_dir: Path | None = None) -> Path:
    """Validate the inputs once and cache them as Parquet; returns the cache folder.

    Raises InputError (with the report) when the inputs have errors; nothing is cached then.
    """
    params_dir = Path(params_dir or PARAMS_DIR)
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise BoardpackError(f"data folder {data_dir} does not exist")
    files = inventory(data_dir)
    target = Path(processed_root) / cache_key(files, params_dir)
    if (target / "inputs.json").exists():
        return target
    inputs = read_inputs(data_dir, params_dir, files=files)
    if inputs.report.has_errors:
        raise InputError(inputs.report)
    Path(processed_root).mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=processed_root))
    try:
        for name, frame in inputs.tables.items():
            frame.to_parquet(staging / f"{name}.parquet", index=False)
        meta = {
            "data_dir": str(data_dir.resolve()),
            "files": inputs.files,
            "problems": inputs.report.to_records(),
            "notes": inputs.report.notes,
        }
        (staging / "inputs.json").write_text(json.dumps(meta, indent=1))
        try:
            os.replace(staging, target)
        except OSError:  # another process published the same key first
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def load_processed(folder: Path) -> Inputs:
    """The validated tables from a processed-data folder made by `prepare`."""
    folder = Path(folder)
    meta = json.loads((folder / "inputs.json").read_text())
    tables = {p.stem: pd.read_parquet(p) for p in sorted(folder.glob("*.parquet"))}
    report = ValidationReport.from_records(meta["problems"], meta["notes"])
    return Inputs(tables, report, meta["files"])
