"""Resolving a report's parameters: notebook defaults < params/defaults.yaml <
params/<report>.yaml < params/periods/<YYYY-MM>.yaml < command line."""

from __future__ import annotations

import ast
import datetime as dt
import json
from functools import cache
from pathlib import Path

from analysis.config import (
    NOTEBOOKS_DIR,
    PARAMS_DIR,
    SETTINGS,
    local_params,
    nearest,
    params_file,
    read_params,
    read_yaml,
)
from analysis.errors import BoardpackError


@cache
def notebook_parameters(path: Path) -> dict[str, dict]:
    """The notebook's parameters cell: name -> {default, type, help} (papermill's reading).
    papermill (and nbformat with it) is imported here, not with this module, so a report's
    kernel, which reads its settings through this module, does not import it (1.3 s)."""
    import papermill

    return {
        name: {"default": p["default"], "type": p["inferred_type_name"], "help": p["help"]}
        for name, p in papermill.inspect_notebook(str(path)).items()
    }


def report_info(name: str, notebooks_dir: Path = NOTEBOOKS_DIR) -> dict:
    """Title and one-line description from the notebook's metadata (`boardpack` key)."""
    path = notebooks_dir / f"{name}.ipynb"
    if not path.exists():
        raise BoardpackError(f"no report called '{name}' (expected {path})")
    meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("boardpack", {})
    return {
        "name": name,
        "path": path,
        "title": meta.get("title", name),
        "description": meta.get("description", ""),
        "layout": meta.get("layout", ""),
        "role": meta.get("role", "detail"),
    }


def defaults(params_dir: Path = PARAMS_DIR, notebooks_dir: Path = NOTEBOOKS_DIR) -> dict:
    """The shared settings (the tool's defaults.yaml with the LA's laid over it), every key
    known - a setting of SETTINGS or a parameter of some report, with its type - so that a
    misspelt key is refused rather than silently ignored."""
    shared = read_params("defaults.yaml", params_dir)
    declared = all_parameters(notebooks_dir)
    local = local_params()
    for path in (Path(params_dir) / "defaults.yaml", local and local / "defaults.yaml"):
        if path and path.exists():
            _known_keys(path, read_yaml(path), set(SETTINGS) | set(declared), "a setting")
            _typed(path, {k: v for k, v in read_yaml(path).items() if k not in SETTINGS},
                   declared)  # fmt: skip
    return shared


@cache
def all_parameters(notebooks_dir: Path = NOTEBOOKS_DIR) -> dict[str, dict]:
    """Every report parameter by name (the first notebook declaring it gives its type)."""
    found: dict[str, dict] = {}
    for path in sorted(Path(notebooks_dir).glob("*.ipynb")):
        for name, spec in notebook_parameters(path).items():
            found.setdefault(name, spec)
    return found


def _known_keys(path: Path, values: dict, known, what: str) -> None:
    """One line for the first key of `values` not in `known`, with the nearest known one."""
    for key in values:
        if key not in known:
            raise BoardpackError(f"{path}: {key} is not {what}{nearest(key, known)}")


#: The YAML values a parameter accepts, by the type of its notebook default.
_TYPES = {int: (int,), float: (int, float), str: (str,), bool: (bool,), list: (list,),
          dict: (dict,)}  # fmt: skip
_SAID = {int: "a whole number", float: "a number", str: "text", bool: "true or false",
         list: "a list", dict: "a mapping"}  # fmt: skip
#: Ranges of numeric report parameters (inclusive); other whole numbers must be 0 or more.
RANGES = {
    "lookback_months": (1, 240),
    "window_months": (1, 120),
    "trend_quarters": (1, 40),
    "max_age": (0, 17),
    "timeliness_standard": (1, 365),
    "referral_within_days": (0, 365),
    "other_share_warning": (0, 1),
    "min_pairs_per_theme": (1, 10_000),
    "min_spc_points": (2, 240),
    "suppression_threshold": (1, 100),
}


def _typed(path: Path, values: dict, declared: dict[str, dict]) -> None:
    """Each value of `values` of the type of its notebook default (a whole number for a
    whole-number default, text for text...) and in its range (RANGES; a whole number 0 or
    more); a default of None accepts anything."""
    for key, value in values.items():
        if key not in declared:
            continue
        kind = type(_literal(declared[key]["default"]))
        accepted = _TYPES.get(kind)
        if accepted is None:
            continue
        wrong = not isinstance(value, accepted) or (kind is not bool and isinstance(value, bool))
        low, high = RANGES.get(key, (0, None) if kind is int else (None, None))
        if not wrong and kind in (int, float) and low is not None:
            wrong = value < low or (high is not None and value > high)
        if wrong:
            span = ""
            if kind in (int, float) and low is not None:
                span = f" from {low} to {high}" if high is not None else f", {low} or more"
            raise BoardpackError(f"{path}: {key} must be {_SAID[kind]}{span}, not {value!r}")


def available_reports(params_dir: Path = PARAMS_DIR, notebooks_dir: Path = NOTEBOOKS_DIR):
    """Report names in run order: those listed in defaults.yaml, then the summary reports
    (notebook metadata `boardpack.role: summary`), which read the others' metrics."""
    # the list alone, as the defaults files give it (`defaults` also checks every key
    # against every notebook's parameters, which is the run's to do and needs papermill)
    listed = list(read_params("defaults.yaml", params_dir).get("reports", []))
    summaries = summary_reports(notebooks_dir)
    return [n for n in listed if n not in summaries] + summaries


def summary_reports(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[str]:
    """The reports whose notebook is marked `boardpack.role: summary`."""
    return [
        path.stem
        for path in sorted(notebooks_dir.glob("*.ipynb"))
        if report_info(path.stem, notebooks_dir)["role"] == "summary"
    ]


def _literal(text: str):
    """A notebook default as a value (papermill reports defaults as source text)."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _plain(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def resolve(
    report: str,
    period: str,
    overrides: dict | None = None,
    params_dir: Path = PARAMS_DIR,
    notebooks_dir: Path = NOTEBOOKS_DIR,
) -> dict:
    """Every parameter the report's notebook declares, resolved, as plain JSON values.

    A key in `params/<report>.yaml` (or under the report in a period file) that the notebook
    does not declare is an error, so a typo never silently falls back to a default.
    """
    declared = notebook_parameters(notebooks_dir / f"{report}.ipynb")
    shared = defaults(params_dir, notebooks_dir)
    own_file = params_file(f"{report}.yaml", params_dir)
    own = read_yaml(own_file) if own_file.exists() else {}
    period_file = params_file(f"periods/{period}.yaml", params_dir)
    per = read_yaml(period_file) if period_file.exists() else {}
    per_own = per.pop(report, {}) if isinstance(per.get(report), dict) else {}
    for source, values in ((own_file, own), (period_file, per_own)):
        unknown = sorted(set(values) - set(declared))
        if unknown:
            raise BoardpackError(
                f"{source}: {', '.join(unknown)} not a parameter of notebooks/{report}.ipynb"
                + nearest(unknown[0], declared)
            )
        _typed(source, values, declared)
    if per:
        reports = {p.stem for p in Path(notebooks_dir).glob("*.ipynb")}
        settings = set(SETTINGS) | set(all_parameters(notebooks_dir))
        _known_keys(period_file, per, settings | reports, "a setting or a report")
        _typed(period_file, {k: v for k, v in per.items() if k not in reports}, declared)
    resolved = {k: _literal(v["default"]) for k, v in declared.items()}
    for layer in (shared, own, per, per_own, overrides or {}):
        resolved.update({k: v for k, v in layer.items() if k in declared})
    resolved["period"] = period
    resolved = _plain(resolved)
    json.dumps(resolved)  # plain JSON values only
    return resolved
