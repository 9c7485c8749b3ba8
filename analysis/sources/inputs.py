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
from typing import Protocol

import numpy as np
import pandas as pd

from analysis import __version__
from analysis.config import PARAMS_DIR, codelists, params_file
from analysis.errors import BoardpackError, InputError, ValidationReport
from analysis.sources import (
    annex_a,
    cin_census,
    database,
    identifiers,
    local,
    next_steps,
    ssd,
    ssda903,
    teams,
)
from analysis.sources.settings import Settings

MAP_FILES = (
    "outcome_map.yaml",
    "absence_reason_map.yaml",
    "team_map.yaml",
    "defaults.yaml",
    "ssd.yaml",
)


class Reader(Protocol):
    """What every source format's reader is: the tables it holds at `location` (a folder or
    a file) by internal table name, with the problems it found recorded in `report`."""

    def __call__(
        self, location: Path, settings: Settings, report: ValidationReport
    ) -> dict[str, pd.DataFrame]: ...


#: One reader per format. Each returns the internal tables it found (a return may add
#: `_covers`, the span it states it covers; the SSD `_read`, the SSD tables there were).
READERS: dict[str, Reader] = {
    "ssda903": ssda903.read_source,  # the SSDA903 return's CSVs (ssda903/)
    "local": local.read_source,  # the LA's own CSV extracts
    "annex_a": annex_a.read_source,  # the Ofsted Annex A workbook
    "census": cin_census.read_source,  # the CIN census XML files
    "ssd": database.read_source,  # a snapshot of the Standard Safeguarding Dataset
}


@dataclass
class Inputs:
    """Validated, typed input tables plus the validation report, the files they came from and
    which source supplied each table (see `docs/data_dictionary.md`, "Where each table
    comes from")."""

    tables: dict[str, pd.DataFrame]
    report: ValidationReport
    files: list[dict] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    #: The span (ISO first and last day) a table's return states it covers (a CIN census:
    #: its collection years); tables not listed cover what their records reach.
    covers: dict[str, list[str]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def get(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)


@dataclass(frozen=True)
class Locations:
    """Where the inputs are: the data folder, and the returns when given elsewhere
    (`--annex-a FILE`, `--cin-census DIR`)."""

    data_dir: Path
    annex_a: Path | None = None
    cin_census: Path | None = None

    @property
    def census_dir(self) -> Path:
        return Path(self.cin_census) if self.cin_census else self.data_dir / cin_census.FOLDER

    def workbooks(self) -> list[Path]:
        if self.annex_a:
            return [Path(self.annex_a)]
        return annex_a.workbooks(self.data_dir) if self.data_dir.is_dir() else []


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _digest(path: Path) -> tuple[str, int | None]:
    """SHA-256 and, for a CSV, its data-row count (non-blank lines less the header), from
    one read of the file; for a Parquet file of an SSD snapshot, its row count."""
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return sha256(path), pq.ParquetFile(path).metadata.num_rows
    if path.suffix.lower() != ".csv":
        return sha256(path), None
    digest, lines = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        for line in fh:
            digest.update(line)
            lines += bool(line.strip())
    return digest.hexdigest(), max(lines - 1, 0)


def inventory(data_dir: Path, where: Locations | None = None) -> list[dict]:
    """Every input file: its name (relative to the data folder when inside it), SHA-256 and,
    for a CSV, its data-row count."""
    data_dir = Path(data_dir)
    where = where or Locations(data_dir)
    paths = [*data_dir.rglob("*.csv"), *cin_census.files(where.census_dir), *where.workbooks()]
    if database.is_snapshot(data_dir):  # its ssd.json says when it was read: not content
        paths += list(data_dir.glob("ssd/*.parquet"))
    files = []
    for path in sorted(set(paths)):
        try:
            name = str(path.relative_to(data_dir))
        except ValueError:
            name = str(path)
        digest, rows = _digest(path)
        files.append({"file": name, "sha256": digest, "rows": rows})
    return files


#: Which source fills each table when several are present: the local extract first, then
#: the SSD database (its snapshot), then the CIN census, then the Annex A workbook.
PRECEDENCE = {
    "cin_cp": ("cin_cp.csv", "ssd", "census", "annex_a"),
    "assessments": ("assessments.csv", "ssd", "census", "annex_a"),
    "referrals": ("referrals.csv", "ssd", "census", "annex_a"),
    "contacts": ("contacts.csv", "ssd", "annex_a"),
}
SOURCE_NAMES = {
    "ssd": "the SSD database",
    "census": "the CIN census",
    "annex_a": "the Annex A workbook",
}
TABLE_NAMES = {
    "cin_cp": "children in need and protection plans",
    "assessments": "assessments",
    "referrals": "referrals",
    "contacts": "contacts",
}


def _returns(
    where: Locations, report: ValidationReport, settings: Settings
) -> dict[str, dict[str, pd.DataFrame]]:
    """The tables each return present supplies, by source ("ssd", "census", "annex_a")."""
    out = {}
    if database.is_snapshot(where.data_dir):
        out["ssd"] = READERS["ssd"](where.data_dir, settings, report)
    if cin_census.files(where.census_dir):
        out["census"] = READERS["census"](where.census_dir, settings, report)
    books = where.workbooks()
    if len(books) > 1:
        report.error(
            ", ".join(p.name for p in books),
            "more than one workbook in the data folder: keep the one Annex A workbook (or "
            "name it with --annex-a)",
        )
        out["annex_a"] = {}  # given but not read: said once, here
    elif books:
        out["annex_a"] = READERS["annex_a"](books[0], settings, report)
    return out


def _choose(
    data_dir: Path, returns: dict, own: dict, report: ValidationReport
) -> tuple[dict[str, pd.DataFrame], dict[str, str], dict[str, list[str]]]:
    """Each table from the first source in PRECEDENCE that has it; says which, and which
    were passed over, and the span a return states it covers (see `Inputs.covers`).
    Children in need and assessments must come from somewhere."""
    tables, sources, covers = {}, {}, {}
    for table, order in PRECEDENCE.items():
        have = [
            s for s in order
            if (s.endswith(".csv") and (data_dir / s).exists()) or table in returns.get(s, {})
        ]  # fmt: skip
        if not have:
            # a return that was given but could not be read has said so already
            unreadable = any(src in returns and not returns[src] for src in order)
            if table in ("cin_cp", "assessments") and "ssd" in returns:
                missing = [t for t in ssd.NEEDS[table] if t not in returns["ssd"].get("_read", ())]
                report.error(
                    ", ".join(missing) or ssd.NEEDS[table][0],
                    f"not in the SSD database, and no {table}.csv beside it: the "
                    f"{TABLE_NAMES[table]} are required",
                )
            elif table in ("cin_cp", "assessments") and not unreadable:
                report.error(
                    f"{table}.csv",
                    "required file missing (or give a CIN census in cin_census/ or an Annex A "
                    "workbook, which hold it)",
                )
            continue
        first = have[0]
        if first.endswith(".csv"):  # read already (`local.read`): None when unusable
            found = {t: own.get(t) for t in local.RETURN_FILES[first] if t in own}
            sources[table] = first
        else:
            found = {table: returns[first][table]}
            sources[table] = SOURCE_NAMES[first]
            span = returns[first].get("_covers")
            if span is not None:
                covers[table] = [f"{d:%Y-%m-%d}" for d in span]
        if any(v is None for v in found.values()):
            continue
        tables.update(found)
        others = [SOURCE_NAMES.get(s, s) for s in have[1:]]
        passed = f" ({' and '.join(others)} also hold{'s' if len(others) == 1 else ''} it)"
        report.notes.append(
            f"{TABLE_NAMES[table]}: from {sources[table]}{passed if others else ''}"
        )
    return tables, sources, covers


def _derive_outcomes(
    tables: dict, sources: dict, returns: dict, report: ValidationReport, settings: Settings
) -> None:
    """Outcomes for assessments from a return, derived from what the same return says
    happened next (analysis/sources/next_steps.py)."""
    source = next((s for s, n in SOURCE_NAMES.items() if n == sources.get("assessments")), None)
    if source is None:
        return
    days = int(settings.defaults.get("next_step_working_days", 10))
    found = returns[source]
    raw = found["assessments"].reset_index(drop=True)
    raw.insert(0, "ASSESSMENT_ID", np.arange(1, len(raw) + 1))
    periods = found.get("cin_cp")
    cp = None if periods is None else periods[periods["TYPE"] == "CP"]
    outcomes = next_steps.derive(
        raw,
        referrals=found.get("referrals"),
        cin_plans=found.get("cin_plans"),
        cp_plans=cp,
        s47=found.get("s47"),
        days=days,
    )
    if "TEAM" not in raw:
        raw["TEAM"] = None
    raw["OUTCOME"] = None
    tables["assessments"] = raw[
        ["ASSESSMENT_ID", "CHILD", "DOB", "ASSESSMENT_START", "ASSESSMENT_AUTHORISED",
         "OUTCOME", "TEAM"]
    ]  # fmt: skip
    tables["assessment_outcomes"] = outcomes
    sources["assessment_outcomes"] = (
        f"derived from {SOURCE_NAMES[source]} (what it shows happened from the start of each "
        f"assessment to {days} working days after its authorisation; no local outcome labels)"
    )
    sources["outcomes_not_derived"] = ",".join(next_steps.NOT_DERIVED[source])
    report.notes.append(f"assessment outcomes: {sources['assessment_outcomes']}")


def read_inputs(
    data_dir: Path,
    params_dir: Path | None = None,
    today: pd.Timestamp | None = None,
    files: list[dict] | None = None,
    where: Locations | None = None,
) -> Inputs:
    """Read and validate every input in `data_dir` (and the returns `where` names); problems
    go to the report. `files` is the inventory when the caller has already taken it. The
    settings are read from `params_dir` once, here, and handed to every reader."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise BoardpackError(f"data folder {data_dir} does not exist")
    where = where or Locations(data_dir)
    sources: dict[str, str] = {}
    report = ValidationReport()
    tables: dict[str, pd.DataFrame] = {}
    settings = Settings(params_dir, today)
    returns = _returns(where, report, settings)
    from_ssd = returns.get("ssd", {})
    if "ssd" in returns and not ssda903.return_folders(data_dir) and "episodes" not in from_ssd:
        missing = [t for t in ssd.NEEDS["episodes"] if t not in from_ssd.get("_read", ())]
        report.error(
            ", ".join(missing),
            "not in the SSD database, and no ssda903/ folder beside it: the children looked "
            "after are required",
        )
    elif ssda903.return_folders(data_dir) or "episodes" not in from_ssd:
        tables.update(READERS["ssda903"](data_dir, settings, report))
    else:
        tables.update({k: from_ssd[k] for k in ("header", "episodes")})
        sources["episodes"] = SOURCE_NAMES["ssd"]
        report.notes.append("children looked after: from the SSD database")
    own = READERS["local"](data_dir, settings, report)
    chosen, found, covers = _choose(data_dir, returns, own, report)
    tables.update(chosen)
    sources.update(found)
    if sources.get("assessments") == SOURCE_NAMES["ssd"]:
        tables["assessment_outcomes"] = from_ssd["assessment_outcomes"]
        sources["assessment_outcomes"] = (
            "the SSD's assessment outcome flags, through params/ssd.yaml"
        )
        missing = ssd.unavailable(settings)
        if not ssd.flags_recorded(tables["assessments"], tables["assessment_outcomes"]):
            missing = tuple(codelists()["assessment_outcomes"])
            report.notes.append(
                "ssd_cin_assessments: no completed assessment has an outcome flag; outcomes "
                "are shown as not available"
            )
        sources["outcomes_not_derived"] = ",".join(missing)
    elif "assessment_outcomes" in tables:
        sources["assessment_outcomes"] = "assessments.csv labels, through params/outcome_map.yaml"
    elif "assessments" in tables:
        _derive_outcomes(tables, sources, returns, report, settings)
    for name in local.OTHER_TABLES:
        frame = own.get(name)
        if frame is None and name in from_ssd:
            frame = from_ssd[name]
            sources[name] = SOURCE_NAMES["ssd"]
            absent = f"{name}.csv: optional file not present"
            report.notes[:] = [n for n in report.notes if not n.startswith(absent)]
            report.notes.append(f"{name}: from the SSD database")
        if frame is not None:
            tables[name] = frame
    if "absence" in tables and "staffing" in tables:
        tables["absence"] = teams.reconcile(tables["absence"], tables["staffing"], report, settings)
    identifiers.normalise_tables(tables)
    named = {t: sources.get(t, "SSDA903" if t in ("episodes", "header") else f"{t}.csv")
             for t in tables}  # fmt: skip
    identifiers.match_leading_zeros(tables, named, report)
    files = files if files is not None else inventory(data_dir, where)
    return Inputs(tables, report, files, sources, covers)


#: What the cached tables hold; changed whenever the readers read the same files differently
#: (3: identifiers normalised, the census's collection years kept; 4: a code outside its DfE
#: list and a census value failing its rule kept as unknown), so no older cache is used.
CACHE_FORMAT = "4"


def cache_key(files: list[dict], params_dir: Path) -> str:
    digest = hashlib.sha256(f"{__version__}/{CACHE_FORMAT}".encode())
    for item in files:
        digest.update(f"{item['file']}:{item['sha256']}".encode())
    for name in MAP_FILES:
        path = params_file(name, params_dir)
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


def prepare(
    data_dir: Path,
    processed_root: Path,
    params_dir: Path | None = None,
    where: Locations | None = None,
) -> Path:
    """Validate the inputs once and cache them as Parquet; returns the cache folder.

    Raises InputError (with the report) when the inputs have errors; nothing is cached then.
    """
    params_dir = Path(params_dir or PARAMS_DIR)
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise BoardpackError(f"data folder {data_dir} does not exist")
    where = where or Locations(data_dir)
    files = inventory(data_dir, where)
    target = Path(processed_root) / cache_key(files, params_dir)
    if (target / "inputs.json").exists():
        return target
    inputs = read_inputs(data_dir, params_dir, files=files, where=where)
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
            "sources": inputs.sources,
            "covers": inputs.covers,
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


#: Processed folders loaded ahead by `preload`, by resolved path.
_PRELOADED: dict[str, Inputs] = {}


def preload(folder: Path) -> None:
    """Load a processed-data folder ahead, for this process's next `load_processed` of it. The
    kernel template does this once per run: every kernel forked from it then has the tables
    in memory as its own copy (copy-on-write), without reading them again."""
    _PRELOADED.clear()
    _PRELOADED[str(Path(folder).resolve())] = load_processed(folder)


def load_processed(folder: Path) -> Inputs:
    """The validated tables from a processed-data folder made by `prepare` (taken, once, from
    what `preload` loaded in this process, if it did)."""
    ahead = _PRELOADED.pop(str(Path(folder).resolve()), None)
    if ahead is not None:
        return ahead
    folder = Path(folder)
    meta = json.loads((folder / "inputs.json").read_text())
    tables = {p.stem: pd.read_parquet(p) for p in sorted(folder.glob("*.parquet"))}
    report = ValidationReport.from_records(meta["problems"], meta["notes"])
    return Inputs(tables, report, meta["files"], meta.get("sources", {}), meta.get("covers", {}))
