"""Publishing a period whole (engine.runner.Periods) and what a killed run leaves running
(engine.lifetime), without kernels: the states a kill can leave between two steps, made by
hand, and how the next run repairs them. The real kill -9 is in tests/e2e/test_kill.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from analysis.engine import lifetime
from analysis.engine.runner import Periods

RUN_A, RUN_B = "20170401T060000-aaaaaa", "20170501T060000-bbbbbb"


def version(periods: Periods, period: str, run: str, text: str) -> None:
    """A complete version of `period` built by `run` (one page saying `text`), published."""
    staged = periods.out / ".staging" / run / "pack" / period
    periods.seed(period, staged)
    (staged / "page.html").write_text(text)
    periods.switch(period, staged, run)


def test_a_switch_replaces_the_link_and_keeps_unreplaced_files(tmp_path):
    periods = Periods(tmp_path)
    version(periods, "2017-03", RUN_A, "first")
    (tmp_path / "2017-03" / "kept.html").write_text("kept")  # another report's page
    (tmp_path / "2017-03" / ".kept.html.123.tmp").write_text("half")  # a killed write's
    assert os.readlink(tmp_path / "2017-03") == f".periods/2017-03-{RUN_A}"
    version(periods, "2017-03", RUN_B, "second")
    assert os.readlink(tmp_path / "2017-03") == f".periods/2017-03-{RUN_B}"
    assert (tmp_path / "2017-03" / "page.html").read_text() == "second"
    assert (tmp_path / "2017-03" / "kept.html").read_text() == "kept"
    assert not (tmp_path / "2017-03" / ".kept.html.123.tmp").exists()
    periods.tidy()  # the old version is cleared once no link points to it
    assert [v.name for v in (tmp_path / ".periods").iterdir()] == [f"2017-03-{RUN_B}"]
    assert not (tmp_path / ".staging").exists()


def test_a_folder_published_before_links_is_replaced_and_a_kill_midway_repaired(tmp_path):
    legacy = tmp_path / "2017-03"
    legacy.mkdir()
    (legacy / "page.html").write_text("legacy")
    periods = Periods(tmp_path)
    version(periods, "2017-03", RUN_A, "new")
    assert (tmp_path / "2017-03").is_symlink()
    assert (tmp_path / "2017-03" / "page.html").read_text() == "new"
    # killed after the old folder was moved aside and before the link was made: the period
    # is missing, and the next run links the newest complete version
    os.unlink(tmp_path / "2017-03")
    periods.tidy()
    assert (tmp_path / "2017-03" / "page.html").read_text() == "new"
    assert sorted(p.name for p in (tmp_path / ".periods").iterdir()) == [f"2017-03-{RUN_A}"]


def test_what_a_killed_run_left_is_cleared_and_the_published_version_kept(tmp_path):
    periods = Periods(tmp_path)
    version(periods, "2017-03", RUN_A, "published")
    # a killed run: its staging, a version it renamed into place but never linked, and a
    # temporary link it never moved
    (tmp_path / ".staging" / RUN_B / "pack" / "2017-03").mkdir(parents=True)
    (tmp_path / ".periods" / f"2017-03-{RUN_B}").mkdir()
    os.symlink(f".periods/2017-03-{RUN_B}", tmp_path / f".2017-03.2017-03-{RUN_B}.link")
    periods.tidy()
    assert (tmp_path / "2017-03" / "page.html").read_text() == "published"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".periods", "2017-03"]
    assert [v.name for v in (tmp_path / ".periods").iterdir()] == [f"2017-03-{RUN_A}"]


def test_where_symbolic_links_are_refused_the_version_is_renamed_into_place(tmp_path, monkeypatch):
    periods = Periods(tmp_path)
    version(periods, "2017-03", RUN_A, "first")

    def refuse(*args, **kwargs):
        raise OSError("symbolic links are not permitted here")

    monkeypatch.setattr(os, "symlink", refuse)
    version(periods, "2017-03", RUN_B, "second")
    assert not (tmp_path / "2017-03").is_symlink()
    assert (tmp_path / "2017-03" / "page.html").read_text() == "second"
    periods.tidy()
    assert list((tmp_path / ".periods").iterdir()) == []


def test_processes_a_dead_run_recorded_are_killed_by_the_next(tmp_path):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lifetime.record(tmp_path, [sleeper.pid])
        assert lifetime.reap(tmp_path) == [sleeper.pid]
        assert sleeper.wait(timeout=10) == -9
        assert not (tmp_path / lifetime.PIDS).exists()
    finally:
        sleeper.kill()


def test_a_recycled_process_id_is_left_alone(tmp_path):
    """The same id with another start time is another process: never killed."""
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / lifetime.PIDS).write_text(f'{{"{sleeper.pid}": "1"}}')
        assert lifetime.reap(tmp_path) == []
        assert sleeper.poll() is None
    finally:
        sleeper.kill()


def test_a_child_dies_with_its_parent(tmp_path):
    """A child that asked (`die_with_parent`) is killed when its parent is, by SIGKILL."""
    pidfile = tmp_path / "child.pid"
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, subprocess, sys, time\n"
            "code = 'import os, sys, time; from analysis.engine.lifetime import die_with_parent;"
            " die_with_parent(int(sys.argv[1])); time.sleep(60)'\n"
            "child = subprocess.Popen([sys.executable, '-c', code, str(os.getpid())])\n"
            f"open({str(pidfile)!r}, 'w').write(str(child.pid))\n"
            "time.sleep(60)\n",
        ]
    )
    deadline = time.monotonic() + 30
    while not pidfile.exists() or not pidfile.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    child = int(pidfile.read_text())
    time.sleep(1)  # the child has imported and asked
    assert os.path.exists(f"/proc/{child}")
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    """Running (a zombie, reaped by init, counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
