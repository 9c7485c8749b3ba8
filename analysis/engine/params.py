"""Resolving a report's parameters: notebook defaults < params/defaults.yaml <
params/<report>.yaml < params/periods/<YYYY-MM>.yaml < command line."""

from __future__ import annotations

import ast
import datetime as dt
import json
from functools import cache
from pathlib import Path

import nbformat
import papermill

from analysis.config import NOTEBOOKS_DIR, PARAMS_DIR, params_file, read_params, read_yaml
from analysis.errors import BoardpackError


@cache
def notebook_parameters(path: Path) -> dict[str, dict]:
    """The notebook's parameters cell: name -> {default, type, help} (papermill's reading)."""
    return {
        name: {"default": p["default"], "type": p["inferred_type_name"], "help": p["help"]}
        for name, p in papermill.inspect_notebook(str(path)).items()
    }


def report_info(name: str, notebooks_dir: Path = NOTEBOOKS_DIR) -> dict:
    """Title and one-line description from the notebook's metadata (`boardpack` key)."""
    path = notebooks_dir / f"{name}.ipynb"
    if not path.exists():
        raise BoardpackError(f"no report called '{name}' (expected {path})")
    meta = nbformat.read(path, as_version=4).metadata.get("boardpack", {})
    return {
        "name": name,
        "path": path,
        "title": meta.get("title", name),
        "description": meta.get("description", ""),
        "layout": meta.get("layout", ""),
        "role": meta.get("role", "detail"),
    }


def defaults(params_dir: Path = PARAMS_DIR) -> dict:
    return read_params("defaults.yaml", params_dir)


def available_reports(params_dir: Path = PARAMS_DIR, notebooks_dir: Path = NOTEBOOKS_DIR):
    """Report names in run order: those listed in defaults.yaml, then the summary reports
    (notebook metadata `boardpack.role: summary`), which read the others' metrics."""
    listed = list(defaults(params_dir).get("reports", []))
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
    shared = defaults(params_dir)
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
            )
    resolved = {k: _literal(v["default"]) for k, v in declared.items()}
    for layer in (shared, own, per, per_own, overrides or {}):
        resolved.update({k: v for k, v in layer.items() if k in declared})
    resolved["period"] = period
    resolved = _plain(resolved)
    json.dumps(resolved)  # plain JSON values only
    return resolved
