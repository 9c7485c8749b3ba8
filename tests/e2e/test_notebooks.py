"""The consultant's notebooks outside the engine: papermill and nbconvert by hand, JupyterLab's
Run All and save, with the same guards and markings as `boardpack run`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError
from support.cli import boardpack
from support.paths import ROOT

NOTEBOOKS = ROOT / "notebooks"


def _execute(name: str, out: Path, **parameters) -> nbformat.NotebookNode:
    papermill.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(NOTEBOOKS),
    )
    return nbformat.read(out, as_version=4)


def _texts(nb) -> str:
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            parts.append(o.get("text", ""))
            parts.extend(str(v) for v in o.get("data", {}).values())
            parts.extend(o.get("traceback", []))
    return "\n".join(parts)


def test_a_period_the_given_folder_does_not_cover_stops_with_the_coverage_message(tmp_path):
    raw = tmp_path / "raw"
    assert boardpack("demo-data", "--out", str(raw)).returncode == 0  # to March 2017
    with pytest.raises(PapermillExecutionError) as failed:
        _execute("young_children", tmp_path / "yc.ipynb", period="2019-06", data_dir=str(raw))
    assert "the inputs do not cover June 2019" in str(failed.value)
    shown = _texts(nbformat.read(tmp_path / "yc.ipynb", as_version=4))
    assert "SSDA903 episodes: last record 31/03/2017, covers to May 2017" in shown
    assert "site-packages" not in shown and "analysis/engine" not in shown  # no traceback


def test_board_summary_on_its_defaults_shows_figures_and_a_rendering_carries_the_marking(
    tmp_path,
):
    empty = tmp_path / "no-pack"  # nothing published: it builds the figures itself
    empty.mkdir()
    nb = _execute("board_summary", tmp_path / "bs.ipynb", out_dir=str(empty))
    shown = _texts(nb)
    assert "No pack is published for March 2017" in shown
    assert "Not available for March 2017" not in shown
    assert re.search(r"Under-1 share of children starting care.*?23\.8%", shown, re.S)
    assert 'href="young_children.ipynb"' in shown  # the notebooks, inside JupyterLab
    # papermill, then nbconvert, as by hand: the marking and banner come first
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(tmp_path / "bs.ipynb")],
        check=True,
        capture_output=True,
    )
    page = (tmp_path / "bs.html").read_text()
    marking = page.index("OFFICIAL-SENSITIVE")
    assert marking < page.index("Synthetic demonstration data") < page.index("Needs the board")


def test_the_engine_pages_carry_the_marking_once(demo_pack):
    page = (demo_pack.out / "2017-03" / "young_children.html").read_text()
    assert page.count("Synthetic demonstration data – not real children or staff") == 1
    executed = nbformat.read(
        demo_pack.out / "2017-03" / "notebooks" / "young_children.ipynb", as_version=4
    )
    first = next(o for c in executed.cells for o in c.get("outputs", []))
    assert "OFFICIAL-SENSITIVE" in first["data"]["text/html"]


def test_a_notebook_run_and_saved_in_a_fresh_clone_leaves_git_clean(tmp_path):
    """The README's JupyterLab set-up, then a notebook executed in place (as Run All and
    save do): git finds no change to stage, so its outputs cannot be committed. (Until the
    next `git add`, `git status` may still list the file, because git compares file sizes
    before content; `git diff` shows nothing.)"""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    readme = (ROOT / "README.md").read_text()
    setup = re.search(r"^nbstripout --install.*$", readme, re.M)
    assert setup, "the README's JupyterLab set-up names the nbstripout step"
    bin_dir = Path(sys.executable).parent
    env = os.environ | {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(setup.group(0), shell=True, cwd=clone, check=True, env=env)
    notebook = clone / "notebooks" / "improvement_plan.ipynb"
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
         "--inplace", str(notebook)],
        check=True, capture_output=True, cwd=clone / "notebooks", env=env,
    )  # fmt: skip
    assert any(c.get("outputs") for c in nbformat.read(notebook, as_version=4).cells)

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=clone, capture_output=True, text=True, env=env, check=True
        ).stdout

    assert git("diff") == ""  # what would be staged is the committed notebook
    git("add", "-A")  # as `git commit -a` would: nothing is staged
    assert git("status", "--porcelain") == "" and git("diff", "--cached") == ""
    shutil.rmtree(clone)
