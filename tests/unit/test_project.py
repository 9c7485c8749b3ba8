"""Project hygiene: dependencies agree, notebooks are committed clean and thin."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import yaml
from support.paths import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    # conda packages have no extras (conda-forge's psycopg is pip's psycopg[binary])
    runtime = {_name(r): re.sub(r"\[.*\]", "", r.replace(" ", "")) for r in project["dependencies"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    conda = {_name(d): d.split("#")[0].replace(" ", "") for d in env if isinstance(d, str)}
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


def test_notebooks_are_committed_as_the_git_filter_leaves_them():
    """`.gitattributes` runs nbstripout on every notebook staged (README's JupyterLab set-up):
    a committed notebook must be exactly what the filter makes of it, or an executed copy
    would show as modified."""
    import subprocess
    import sys

    assert "*.ipynb filter=nbstripout" in (ROOT / ".gitattributes").read_text()
    for path in NOTEBOOKS:
        cleaned = subprocess.run(
            [sys.executable, "-m", "nbstripout", "-t", "--extra-keys", "metadata.language_info",
             str(path)],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        assert cleaned == path.read_text(), f"{path.name}: run nbstripout on it"


def test_each_notebook_has_one_parameters_cell_and_a_title():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        assert nb.metadata["boardpack"]["title"], path.name


LOGIC = (
    ast.FunctionDef,
    ast.ClassDef,
    ast.For,
    ast.While,
    ast.Lambda,
    ast.If,
    ast.IfExp,
    ast.BoolOp,
    ast.comprehension,
)


def test_notebooks_are_parameters_build_and_show():
    """Parameters, one cell that builds the report model, then one `show(model[section])`
    per section, under the heading whose anchor is the section's name; short lines, no
    definitions, loops or branching: logic lives in tested code."""
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert "model = build(" in code[1].source, path.name
        heading = None
        for cell in nb.cells[2:]:
            if cell.cell_type == "markdown":
                found = re.search(r"^#+ (.+)$", cell.source, re.M)
                heading = slug(found.group(1)) if found else heading
                continue
            assert cell.source == f'show(model["{heading}"])', f"{path.name}: {cell.source}"
        for cell in code:
            assert max(len(line) for line in cell.source.splitlines()) <= 100, path.name
            for node in ast.walk(ast.parse(cell.source)):
                assert not isinstance(node, LOGIC), f"{path.name}: {ast.unparse(node)[:60]}"


def slug(heading: str) -> str:
    """A heading's anchor as the rendered page has it (engine.render)."""
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")


def test_no_data_or_reports_are_committed():
    tracked = subprocess.run(
        ["git", "ls-files", "data", "reports"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert [f for f in tracked if Path(f).name not in (".gitkeep", "README.md")] == []


def test_ruff_is_clean():
    for args in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "analysis", "tests", "benchmarks"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_every_rule_the_validator_can_print_is_in_the_data_dictionary():
    from support.messages import rule_messages

    dictionary = (ROOT / "docs" / "data_dictionary.md").read_text()
    assert len(rule_messages()) > 30
    assert sorted(m for m in rule_messages() if m not in dictionary) == []
