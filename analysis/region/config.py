"""The region file, `region.yaml`: the region's name and its LAs (codes, data, params,
children's population). Paths are relative to the file; every problem is one line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from analysis.config import read_yaml
from analysis.errors import BoardpackError

NEW_CODE = re.compile(r"^E0[6-9]\d{6}$|^E10\d{6}$")
OLD_CODE = re.compile(r"^\d{3}$")
LA_KEYS = {"name", "new_la_code", "old_la_code", "data", "db", "params", "population_0_17"}


@dataclass(frozen=True)
class LA:
    """One LA of the region, with absolute paths."""

    name: str
    new_la_code: str
    old_la_code: str
    data: Path | None = None
    db: str | None = None
    params: Path | None = None
    population_0_17: int | None = None


@dataclass(frozen=True)
class Region:
    name: str
    las: tuple[LA, ...]
    path: Path
    synthetic: bool = False  # synthetic demo data: every page says so


def load_region(path: str | Path) -> Region:
    """Read and check `region.yaml`: a name, a list `las` of LAs each with a name, a GSS
    `new_la_code` (E06-E10 and 6 digits), a 3-digit `old_la_code`, `data` (a folder) or `db`
    (a SQLAlchemy URL), optional `params` (a folder) and `population_0_17` (a positive
    whole number); codes and names unique."""
    path = Path(path).resolve()
    raw = read_yaml(path)
    where = str(path)
    unknown = sorted(set(raw) - {"name", "las", "synthetic"})
    if unknown:  # first, so a misspelt 'name' is named as such
        raise BoardpackError(
            f"{where}: unknown key(s) {', '.join(map(str, unknown))} (expected name, las, "
            "synthetic)"
        )
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise BoardpackError(f"{where}: 'name' must be the region's name (text)")
    synthetic = raw.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise BoardpackError(f"{where}: 'synthetic' must be true or false")
    items = raw.get("las")
    if not isinstance(items, list) or not items:
        raise BoardpackError(f"{where}: 'las' must be a list of at least one LA")
    las = [_la(item, i + 1, path) for i, item in enumerate(items)]
    for key in ("name", "new_la_code", "old_la_code"):
        values = [getattr(la, key) for la in las]
        twice = sorted({v for v in values if values.count(v) > 1})
        if twice:
            raise BoardpackError(f"{where}: {key} {', '.join(twice)} appears more than once")
    return Region(name.strip(), tuple(las), path, synthetic)


def _la(item, number: int, path: Path) -> LA:
    where = f"{path}: las item {number}"
    if not isinstance(item, dict):
        raise BoardpackError(f"{where}: expected a mapping (name, new_la_code, ...)")
    unknown = sorted(set(item) - LA_KEYS)
    if unknown:
        named = item.get("name")
        if isinstance(named, str) and named.strip():
            where = f"{path}: LA '{named.strip()}'"
        raise BoardpackError(
            f"{where}: unknown key(s) {', '.join(map(str, unknown))} (expected "
            f"{', '.join(sorted(LA_KEYS))})"
        )
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise BoardpackError(f"{where}: 'name' is missing")
    where = f"{path}: LA '{name}'"
    new, old = str(item.get("new_la_code", "")), str(item.get("old_la_code", ""))
    if not NEW_CODE.match(new):
        raise BoardpackError(
            f"{where}: new_la_code '{new}' is not a 9-character LA code (E08000015)"
        )
    if not OLD_CODE.match(old):
        raise BoardpackError(
            f"{where}: old_la_code '{old}' is not a 3-digit code (quote it: \"344\")"
        )
    data, db = item.get("data"), item.get("db")
    if data is None and db is None:
        raise BoardpackError(f"{where}: give 'data' (a folder) or 'db' (a database URL)")
    folders = {}
    for key in ("data", "params"):
        if item.get(key) is None:
            continue
        folder = (path.parent / str(item[key])).resolve()
        if not folder.is_dir():
            raise BoardpackError(f"{where}: {key} folder {folder} does not exist")
        folders[key] = folder
    population = item.get("population_0_17")
    if population is not None and (
        isinstance(population, bool) or not isinstance(population, int) or population <= 0
    ):
        raise BoardpackError(
            f"{where}: population_0_17 '{population}' must be a positive whole number"
        )
    return LA(
        name.strip(),
        new,
        old,
        folders.get("data"),
        str(db) if db is not None else None,
        folders.get("params"),
        population,
    )
