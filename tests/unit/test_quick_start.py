"""The README's quick start, checked for what a new user meets on a fresh machine: a virtual
environment made and used first (Linux/macOS and Windows), no npm anywhere, `.ci/run` running
the same lines, every file the README names there, and under CI no test may skip.

(Running the quick start itself in a fresh clone and a fresh virtual environment takes minutes:
that is `.ci/run`'s job.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib

import pytest
from support.paths import ROOT

README = (ROOT / "README.md").read_text()
CI_RUN = (ROOT / ".ci" / "run").read_text()
VENV = "python3 -m venv .venv && . .venv/bin/activate"
COMMANDS = (
    "pip install -e . && boardpack run --demo --period 2017-03",
    'pip install -e ".[test]" && pytest',
)


def quick_start() -> list[str]:
    """The lines of the README's first code block."""
    block = re.search(r"```bash\n(.*?)```", README, re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_the_quick_start_makes_and_uses_a_virtual_environment_first():
    lines = quick_start()
    commands = [line for line in lines if not line.startswith("#")]
    assert commands == [VENV, *COMMANDS]
    windows = next(line for line in lines if "Windows" in line)
    assert "py -m venv .venv" in windows and r".venv\Scripts\activate" in windows


def test_no_npm_anywhere_and_axe_core_comes_with_the_test_extra():
    assert not (ROOT / "package.json").exists() and not (ROOT / "package-lock.json").exists()
    assert "npm install" not in README and "npm" not in CI_RUN
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    test = {re.split(r"[<>=\[ ]", r)[0] for r in extra["optional-dependencies"]["test"]}
    assert {"playwright", "axe-playwright-python", "pytest"} <= test


def test_ci_runs_the_quick_start_lines_as_written():
    lines = [line.strip() for line in CI_RUN.splitlines()]
    assert VENV in lines and COMMANDS[1] in lines
    assert (
        lines.index(VENV)
        < lines.index(COMMANDS[1])
        == max(i for i, line in enumerate(lines) if line and not line.startswith("#"))
    )
    assert "export CI=true" in lines and "git clone" in CI_RUN


def cited_paths(text: str) -> set[str]:
    """Paths of the repository a text names in backticks or in a comment (templates such as
    `<period>` and the outputs under reports/ and data/ left out)."""
    roots = ("analysis/", "params/", "tests/", "docs/", "benchmarks/", "notebooks/", ".ci/")
    found = re.findall(r"(?<![\w/.])((?:\.ci|analysis|params|tests|docs|benchmarks|notebooks)/"
                       r"[\w./-]*\w)", text)  # fmt: skip
    return {p for p in found if p.startswith(roots) and "<" not in p}


def test_every_file_the_readme_and_the_params_comments_name_exists():
    texts = {"README.md": README}
    texts |= {str(p.relative_to(ROOT)): p.read_text() for p in (ROOT / "params").glob("*.yaml")}
    missing = {
        (where, path)
        for where, text in texts.items()
        for path in cited_paths(text)
        if not (ROOT / path).exists() and path != "tests/artifacts"  # made by the tests
    }
    assert missing == set()
    assert "params/disclosure.yaml" not in cited_paths(README)  # the comment that cited it


PROBE = "BOARDPACK_SKIP_PROBE"


def test_probe():
    """Skips only when the test below asks it to (never in a normal run)."""
    if os.environ.get(PROBE) == "1":
        pytest.skip("install the frobnicator (apt-get install frobnicator)")


@pytest.mark.parametrize("ci", ["true", ""])
def test_a_skip_says_what_to_install_and_fails_under_ci(ci):
    env = os.environ | {PROBE: "1", "CI": ci}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{__file__}::test_probe"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    summary = result.stdout.splitlines()
    if ci:
        assert result.returncode == 1
        assert any(
            line.startswith("FAILED") and "CI=true allows no skip" in line and "frobnicator" in line
            for line in summary
        ), result.stdout
    else:
        assert result.returncode == 0
        assert any(line.startswith("SKIPPED") and "apt-get install frobnicator" in line
                   for line in summary), result.stdout  # fmt: skip
