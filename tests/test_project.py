"""Project hygiene: dependencies agree, notebooks are committed clean and thin."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r): r.replace(" ", "") for r in project["dependencies"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    conda = {_name(d): d.replace(" ", "") for d in env if isinstance(d, str)}
    conda.pop("python"), conda.pop("pip")
    assert conda == runtime


def test_there_are_notebooks():
    assert NOTEBOOKS


def test_notebooks_are_committed_without_outputs():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name


def test_each_notebook_has_one_parameters_cell_and_a_title():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        assert nb.metadata["boardpack"]["title"], path.name


def test_notebooks_are_thin():
    """No function or class definitions and no loops: logic lives in tested code."""
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            for node in ast.walk(ast.parse(cell.source)):
                assert not isinstance(
                    node, ast.FunctionDef | ast.ClassDef | ast.For | ast.While | ast.Lambda
                ), f"{path.name}: {cell.source[:60]}"


def test_no_data_files_are_committed_outside_tests():
    ignored = (ROOT / ".gitignore").read_text()
    for folder in ("data/raw", "data/processed", "reports"):
        assert f"{folder}/*" in ignored


def test_ruff_is_clean():
    import subprocess
    import sys

    for args in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "analysis", "tests", "benchmarks"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr
