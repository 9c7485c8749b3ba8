"""Fixtures shared by the unit tests (tests/unit: fast, no kernels) and the end-to-end tests
(tests/e2e: real notebooks in real kernels, marked `slow`). Helpers live in tests/support."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.cli import boardpack
from support.inputs import write_inputs
from support.scan import digest

TESTS = Path(__file__).resolve().parent
#: Trimmed copies of DfE published files (source and licence in their README).
DFE_FIXTURES = TESTS / "fixtures" / "dfe"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI (CI=true, as .ci/run sets) every test must run: a skip is a failure, with
    the skip's reason (what to install)."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped, and CI=true allows no skip: {reason}"


def pytest_collection_modifyitems(items):
    """Everything under tests/e2e runs notebooks in kernels: mark it `slow`."""
    for item in items:
        if (TESTS / "e2e") in Path(item.fspath).parents:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def inputs_dir(tmp_path: Path) -> Path:
    return write_inputs(tmp_path / "raw")


@pytest.fixture(scope="session")
def dfe() -> Path:
    """The trimmed DfE published files in tests/fixtures/dfe."""
    return DFE_FIXTURES


@dataclass
class DemoPack:
    out: Path  # <out>/2017-03 restricted, <out>/public/2017-03 public
    restricted_digest: dict  # the restricted files before the public run


@pytest.fixture(scope="session")
def demo_pack(tmp_path_factory, dfe) -> DemoPack:
    """The README's demo pack for March 2017 with the DfE files, run once for every e2e test
    that only reads it: restricted, then public into the same output folder."""
    out = tmp_path_factory.mktemp("demo-pack")
    common = ["run", "--demo", "--period", "2017-03", "--out", str(out), "--jobs", "2"]
    common += ["--benchmarks", str(dfe)]
    result = boardpack(*common)
    assert result.returncode == 0, result.stdout + result.stderr
    before = digest(out)
    result = boardpack(*common, "--publication", "public")
    assert result.returncode == 0, result.stdout + result.stderr
    return DemoPack(out, before)


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for the session (tests/support/postgres.py), stopped at the
    end. Without the PostgreSQL binaries the tests that need it skip with one reason (under
    CI=true a skip fails: `pytest_runtest_makereport`)."""
    from support import postgres as pg

    if pg.binaries() is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql): no real server")
    server = pg.start()
    try:
        yield server
    finally:  # on failure or Ctrl-C too (and pg.start registered it for exit as well)
        server.stop()
