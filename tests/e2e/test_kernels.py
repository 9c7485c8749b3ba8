"""Forked kernels (issue 22): every report still runs in a fresh process with a clean
namespace - what one notebook changes never reaches the next - a crashed kernel is retried
once and reported, and the two kernel modes publish the same figures and pages."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import nbformat
from support.cli import boardpack
from support.paths import ROOT
from support.scan import page_text

from analysis.demo.generate import demo_folder

PERIOD = "2017-03"


def _notebook(path: Path, *cells: str) -> None:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('period = "2017-03"\nprocessed_dir = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


def _project(tmp_path: Path, notebooks: dict[str, list[str]]) -> dict:
    """A project root running the given notebooks in this order; the environment to use."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "params", root / "params")
    (root / "notebooks").mkdir(parents=True)
    for name, cells in notebooks.items():
        _notebook(root / "notebooks" / f"{name}.ipynb", *cells)
    text = (root / "params" / "defaults.yaml").read_text()
    text = re.sub(r"(?m)^reports: .*$", f"reports: [{', '.join(notebooks)}]", text)
    (root / "params" / "defaults.yaml").write_text(text)
    return dict(os.environ, BOARDPACK_HOME=str(root))


def _run(tmp_path, env, *extra):
    return boardpack(
        "run", "--period", PERIOD, "--data", str(demo_folder()), "--out",
        str(tmp_path / "reports"), "--formats", "html", *extra, env=env,
    )  # fmt: skip


def test_what_one_report_changes_never_reaches_the_next(tmp_path):
    change = [
        "import pandas as pd, matplotlib, analysis.periods as periods\n"
        "pd.set_option('display.max_rows', 3)\n"
        "matplotlib.rcParams['lines.linewidth'] = 9\n"
        "periods.LEAKED = True",
        # the validated tables the template preloaded: emptied here, in this kernel's copy
        "from analysis.sources.inputs import load_processed\n"
        "tables = load_processed(processed_dir).tables\n"
        "assert len(tables['episodes']) > 0\n"
        "tables['episodes'].drop(tables['episodes'].index, inplace=True)\n"
        "tables.clear()\n"
        "assert len(load_processed(processed_dir)['episodes']) > 0  # read again, not shared",
    ]
    check = [
        "import pandas as pd, matplotlib, analysis.periods as periods\n"
        "assert pd.get_option('display.max_rows') == 60\n"
        "assert matplotlib.rcParams['lines.linewidth'] == 1.5\n"
        "assert not hasattr(periods, 'LEAKED')",
        "from analysis.sources.inputs import load_processed\n"
        "assert len(load_processed(processed_dir)['episodes']) > 0",
    ]
    env = _project(tmp_path, {"first": change, "second": check, "third": check})
    # one process, one template, these notebooks in this order
    result = _run(tmp_path, env, "--jobs", "1", "--kernel", "forked")
    assert result.returncode == 0, result.stderr
    assert "kernels: forked from a pre-imported template" in result.stderr + result.stdout


def test_a_crashed_kernel_is_retried_once_and_reported(tmp_path):
    env = _project(tmp_path, {"crash": ["import os\nos._exit(1)"], "fine": ["x = 1"]})
    result = _run(tmp_path, env, "--jobs", "2")
    assert result.returncode == 1
    assert "crash for 2017-03 failed" in result.stderr and "(2 attempts)" in result.stderr
    assert (tmp_path / "reports" / PERIOD / "fine.html").exists()
    assert "Traceback" not in result.stderr


def test_both_kernel_modes_publish_the_same_pack(tmp_path, dfe):
    packs = {}
    for mode in ("forked", "standard"):
        out = tmp_path / mode
        result = boardpack(
            "run", "--demo", "--period", PERIOD, "--out", str(out), "--formats", "html",
            "--benchmarks", str(dfe), "--kernel", mode,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        manifest = json.loads((out / PERIOD / "manifest.json").read_text())
        assert manifest["kernel"] == mode
        packs[mode] = out / PERIOD
    forked, standard = packs["forked"], packs["standard"]
    assert json.loads((forked / "metrics.json").read_text()) == json.loads(
        (standard / "metrics.json").read_text()
    )
    pages = sorted(p.name for p in forked.glob("*.html"))
    assert len(pages) >= 9
    for name in pages:
        assert page_text((forked / name).read_text()) == page_text((standard / name).read_text()), (
            name
        )
