"""`kill -9` of a `boardpack run` at several moments, over a pack published before: every
period is afterwards either the earlier pack's, byte for byte, or the killed run's complete
new version - never a mixture - no process the run started is left, and a re-run succeeds
and clears what the killed run left behind.

Economical: two periods of three cheap reports, HTML only, one earlier pack copied for each
moment. The earlier pack is run with another LA name, so every page, notebook and manifest
of a new version differs from the earlier one."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from support.cli import boardpack

from analysis.engine.forkserver import kernel_mode

PERIODS = ("2017-02", "2017-03")
REPORTS = "young_children,data_quality,board_summary"
ARGS = ["run", "--demo", "--from", PERIODS[0], "--to", PERIODS[-1], "--reports", REPORTS]
ARGS += ["--formats", "html", "--jobs", "2"]
MARKER = "BOARDPACK_KILL_TEST"


def files(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder` (a period: its link is followed)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def survivors(token: str) -> list[int]:
    """Processes whose environment carries the run's marker (every process it started
    inherits it: the template, the workers, the kernels)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"{MARKER}={token}".encode() in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def earlier(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("earlier") / "reports"
    result = boardpack(*ARGS, "--out", str(out), "--la-name", "Earlier Council")
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _switched(out: Path, before: dict[str, str]) -> bool:
    return any(os.readlink(out / p) != before[p] for p in PERIODS)


MOMENTS = {
    # the lock is held and the new versions are being seeded: no report has run yet
    "before the first report": lambda out, log, links: (out / ".staging").is_dir(),
    # two of the six reports have been staged
    "after two reports": lambda out, log, links: "[2/6]" in log.read_text(),
    # a period has been switched: the other periods' switches and the landing page follow
    "during the switches and the landing page": lambda out, log, links: _switched(out, links),
}


@pytest.mark.parametrize("moment", sorted(MOMENTS))
def test_a_killed_run_leaves_each_period_whole_and_nothing_running(earlier, tmp_path, moment):
    out = tmp_path / "reports"
    shutil.copytree(earlier, out, symlinks=True)
    before = {p: files(out / p) for p in PERIODS}
    links = {p: os.readlink(out / p) for p in PERIODS}
    earlier_run = json.loads((out / PERIODS[0] / "manifest.json").read_text())["run_id"]
    token = uuid.uuid4().hex
    log = tmp_path / "run.log"
    t0 = time.monotonic()
    with open(log, "w") as sink:
        engine = subprocess.Popen(
            [sys.executable, "-m", "analysis", *ARGS, "--out", str(out)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=os.environ | {MARKER: token},
            start_new_session=True,
        )
    try:
        reached = MOMENTS[moment]
        deadline = time.monotonic() + 300
        while not reached(out, log, links) and engine.poll() is None:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.002)
        started = survivors(token)
        os.kill(engine.pid, signal.SIGKILL)  # the engine alone, as `kill -9 <pid>` would
        engine.wait()
        # nothing the run started outlives it (they are told to die with their parent)
        deadline = time.monotonic() + 10
        while survivors(token) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert survivors(token) == [], log.read_text()
        # the engine, two workers and, forked, the kernel template (and any kernels) ran
        assert len(started) >= 3 + (kernel_mode() == "forked"), started
    finally:
        for pid in survivors(token):
            os.kill(pid, signal.SIGKILL)
    killed_after = time.monotonic() - t0

    # each period: the earlier pack's, byte for byte, or the killed run's complete version
    mixed, states = 0, {}
    for period in PERIODS:
        now = files(out / period)
        if now == before[period]:
            states[period] = "earlier"
            continue
        states[period] = "new"
        manifest = json.loads((out / period / "manifest.json").read_text())
        killed_run = manifest["run_id"]
        assert killed_run != earlier_run
        assert set(now) == set(before[period])  # the same reports, the same files
        for report, entry in manifest["reports"].items():
            assert entry["status"] == "published" and entry["run_id"] == killed_run, report
            assert set(entry["files"].values()) == {killed_run}
        # every page, notebook and the manifest are the new run's (metrics.json carries no
        # LA name: the same figures either way)
        mixed += sum(now[f] == before[period][f] for f in now if f != "metrics.json")
    assert mixed == 0, states
    print(f"killed {moment} after {killed_after:.1f}s: {states}, {mixed} file(s) mixed")

    # a re-run succeeds and leaves one version per period, no staging, no recorded processes
    result = boardpack(*ARGS, "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (out / ".staging").exists() and not (out / ".boardpack.pids").exists()
    versions = sorted(v.name[:7] for v in (out / ".periods").iterdir())
    assert versions == list(PERIODS)
    for period in PERIODS:
        assert "Earlier Council" not in (out / period / "young_children.html").read_text()
