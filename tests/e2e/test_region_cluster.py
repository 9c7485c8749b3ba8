"""`boardpack region run` on a real Dask scheduler with two workers started here on 127.0.0.1:
every LA's pack and the regional pack, a worker lost mid-run, an LA with broken inputs, and
the regional pack rebuilt from the LAs' shared tidy files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from support.cli import boardpack
from test_browser import ARTIFACTS, WIDTHS, axe, axe_violations, browser, open_page  # noqa: F401

PERIOD = "2017-03"
REPORTS = "front_door,young_children"
CODES = ["E08000015", "E08000014", "E08000013"]
BROKEN = "E08000010"


@dataclass
class Cluster:
    address: str
    workers: list[subprocess.Popen]


def _dask(*args: str, log: Path) -> subprocess.Popen:
    """A `dask` command in its own session, so it and its children can be stopped together."""
    dask = Path(sys.executable).parent / "dask"
    return subprocess.Popen(
        [str(dask), *args],
        stdout=subprocess.DEVNULL,
        stderr=open(log, "ab"),  # noqa: SIM115  (closed with the process)
        start_new_session=True,
        cwd=log.parent,
    )


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=30)


def _start_cluster(folder: Path, procs: list) -> Cluster:
    """A scheduler (`dask scheduler --host 127.0.0.1 --port 0`) and two one-thread workers."""
    folder.mkdir(parents=True, exist_ok=True)
    info = folder / "scheduler.json"
    procs.append(
        _dask(
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(info),
            log=folder / "scheduler.log",
        )
    )
    workers = []
    for name in ("w1", "w2"):
        worker = _dask(
            "worker",
            "--scheduler-file",
            str(info),
            "--nthreads",
            "1",
            "--nworkers",
            "1",
            "--name",
            name,
            "--host",
            "127.0.0.1",
            "--no-dashboard",
            log=folder / f"{name}.log",
        )
        procs.append(worker)
        workers.append(worker)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if info.exists():
            try:
                address = json.loads(info.read_text())["address"]
            except (json.JSONDecodeError, KeyError):
                address = ""
            if address:
                from distributed import Client

                with Client(address, timeout="30s") as client:
                    client.wait_for_workers(2, timeout=60)
                return Cluster(address, workers)
        time.sleep(0.2)
    raise AssertionError("the Dask scheduler did not start")


def _break(folder: Path) -> None:
    """An LA whose episodes file fails validation."""
    episodes = folder / "ssda903" / "episodes.csv"
    lines = episodes.read_text().splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[1], "31/02/2017", 1)
    episodes.write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    """Four demo LAs (the fourth's inputs broken), two runs on real clusters: one left
    alone, one with a worker killed mid-run."""
    root = tmp_path_factory.mktemp("region")
    result = boardpack("demo-data", "--region", "4", "--scale", "0.3", "--out", str(root))
    assert result.returncode == 0, result.stderr
    _break(root / "la4" / "data" / "raw")
    procs: list[subprocess.Popen] = []
    try:
        cluster = _start_cluster(root / "cluster", procs)
        common = ["region", "run", "--config", str(root / "region.yaml"), "--period", PERIOD]
        common += ["--reports", REPORTS, "--formats", "html"]
        common += ["--processed", str(root / "processed"), "--scheduler", cluster.address]
        run = boardpack(*common, "--out", str(root / "out"))
        # again on a new cluster, one worker killed as soon as the LAs' packs have started
        for proc in procs:
            _stop(proc)
        procs.clear()
        cluster = _start_cluster(root / "cluster2", procs)
        cmd = [sys.executable, "-m", "analysis", *common[:-1], cluster.address]
        cmd += ["--out", str(root / "killed")]
        running = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and running.poll() is None:
            started = list((root / "killed").glob("E*/.boardpack.lock"))
            if len(started) >= 2:
                break
            time.sleep(0.2)
        _stop(cluster.workers[0])
        out, err = running.communicate(timeout=900)
        killed = subprocess.CompletedProcess(cmd, running.returncode, out, err)
        yield root, run, killed
    finally:
        for proc in procs:
            _stop(proc)


def _metrics(path: Path) -> dict:
    return json.loads(path.read_text())


def _check_published(out: Path) -> None:
    for code in CODES:
        folder = out / code / PERIOD
        assert (folder / "front_door.html").is_file() and (folder / "young_children.html").is_file()
        assert (folder / "indicators.csv").is_file()
        assert (folder / "region.html").is_file()  # "How we compare in the region"
        assert f'href="{PERIOD}/region.html"' in (out / code / "index.html").read_text()
        assert not list(folder.glob(".region*"))  # no page left under its hidden name
    assert (out / "region" / PERIOD / "region.html").is_file()
    assert not (out / BROKEN / PERIOD / "metrics.json").exists()


def test_every_pack_and_the_regional_pack_are_published(region):
    root, run, _ = region
    _check_published(root / "out")
    # the broken LA is named, the others publish, the exit code says so
    assert run.returncode == 1
    assert "Demo LA 4 (synthetic) (E08000010) failed" in run.stderr
    assert "31/02/2017" in run.stderr or "not a real date" in run.stderr
    assert "Traceback" not in run.stderr
    assert "published 3 of 4 LA pack(s)" in run.stdout


def test_each_las_figure_in_the_regional_table_is_its_own_metrics(region):
    root = region[0]
    regional = _metrics(root / "out" / "region" / PERIOD / "metrics.json")["measures"]
    for code in CODES:
        own = _metrics(root / "out" / code / PERIOD / "metrics.json")["reports"]
        door, young = own["front_door"], own["young_children"]
        pairs = {
            "rereferrals_12m": door["rereferral_share_12m"],
            "multiple_contacts": door["multiple_contacts_children_share_month"],
            "repeat_contacts_30d": door["repeat_contacts_30d_share_month"],
            "under1_starts_share_12m": young["starts_under1_share_12m"],
        }
        for key, value in pairs.items():
            assert regional[key]["las"][code]["value"] == pytest.approx(value, rel=1e-12), key
    assert BROKEN not in regional["rereferrals_12m"]["las"]


def test_a_worker_lost_mid_run_still_publishes_everything(region):
    root, run, killed = region
    assert "Traceback" not in killed.stderr, killed.stderr[-3000:]
    _check_published(root / "killed")
    assert killed.returncode == 1 and "E08000010) failed" in killed.stderr
    # the same figures as the undisturbed run
    a = _metrics(root / "out" / "region" / PERIOD / "metrics.json")["measures"]
    b = _metrics(root / "killed" / "region" / PERIOD / "metrics.json")["measures"]
    assert a == b


def test_the_regional_pack_from_shared_tidy_files_equals_the_runs(region, tmp_path):
    root = region[0]
    sent = tmp_path / "sent"  # the packs as the LAs sent them
    for code in CODES:  # what each LA would send: its pack folder
        (sent / code / PERIOD).mkdir(parents=True)
        source = root / "out" / code / PERIOD / "indicators.csv"
        (sent / code / PERIOD / "indicators.csv").write_bytes(source.read_bytes())
    packs = [str(sent / code) for code in CODES]
    result = boardpack(
        "region", "compare", "--packs", *packs, "--period", PERIOD, "--out", str(tmp_path / "r"),
        "--name", "Demo region (synthetic)", "--formats", "html",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    built = tmp_path / "r" / PERIOD
    ran = root / "out" / "region" / PERIOD
    assert _metrics(built / "metrics.json") == _metrics(ran / "metrics.json")
    pd.testing.assert_frame_equal(
        pd.read_csv(built / "indicators.csv").sort_values("new_la_code", ignore_index=True),
        pd.read_csv(ran / "indicators.csv").sort_values("new_la_code", ignore_index=True),
    )
    assert (built / "region.html").is_file()


def test_boardpack_run_writes_the_tidy_indicators_of_its_own_metrics(demo_pack):
    """The README's demo pack (shared session fixture): its indicators.csv holds its own
    metrics.json's figures; the public one holds `c` wherever the public metrics do."""
    for folder in (demo_pack.out / PERIOD, demo_pack.out / "public" / PERIOD):
        reports = _metrics(folder / "metrics.json")["reports"]
        row = pd.read_csv(folder / "indicators.csv", dtype=str).iloc[0]
        assert (row["new_la_code"], row["old_la_code"]) == ("E08000015", "344")
        assert row["population_0_17"] == "x"  # not in the demo's params
        door = reports["front_door"]
        for column, value in (
            ("rereferrals_12m", door["rereferral_share_12m"]),
            ("rereferrals_12m_numerator", door["rereferrals_12m"]),
            ("multiple_contacts", door["multiple_contacts_children_share_month"]),
            ("agency_rate", reports["workforce"]["agency_rate"]),
        ):
            assert row[column] == "c" if value == "c" else float(row[column]) == value, column


def test_the_regional_pages_pass_axe_and_the_las_dashboard_links_its_page(
    region,
    browser,  # noqa: F811 (a fixture, from test_browser)
    axe,  # noqa: F811
):
    """The regional page and an LA's "How we compare in the region" page in Chromium at
    phone and desktop widths: axe-core (WCAG 2.2 AA), no console error, no request leaving
    the page, no sideways scroll; the LA's dashboard links its regional page."""
    out = region[0] / "out"
    la = out / CODES[0]
    ARTIFACTS.mkdir(exist_ok=True)
    failures = {}
    for width in sorted(WIDTHS):
        for path in (out / "region" / PERIOD / "region.html", la / PERIOD / "region.html"):
            page = open_page(browser, path, width)
            found = list(page.problems) + axe_violations(axe, page)
            if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                found.append("the page scrolls sideways")
            if found:
                failures[f"{path.relative_to(out)} ({width})"] = found
            name = "-".join(path.relative_to(out).with_suffix("").parts)
            page.screenshot(path=str(ARTIFACTS / f"region-{name}-{width}.png"), full_page=True)
            page.close()
    assert failures == {}
    page = open_page(browser, la / "index.html", "desktop")
    link = page.locator(f'a[href="{PERIOD}/region.html"]')
    assert link.count() >= 1 and "How we compare in the region" in link.first.text_content()
    page.close()


def test_a_page_that_fails_on_the_cluster_is_one_line_and_no_worker_traceback(tmp_path, capfd):
    """A regional page job that raises, on a real LocalCluster: the command's error is one
    line naming it, and neither the command nor the workers print a traceback."""
    from analysis.errors import BoardpackError
    from analysis.region.config import Region
    from analysis.region.run import RunOptions, run_region

    def broken_pack(results, on_cluster):
        return on_cluster([lambda: "a page", lambda: 1 / 0])

    options = RunOptions(periods=(PERIOD,), reports=("front_door",), out=str(tmp_path))
    region = Region("Empty", (), tmp_path / "region.yaml")
    with pytest.raises(BoardpackError) as raised:
        run_region(region, options, workers=1, then=broken_pack)
    assert str(raised.value) == "the regional pack failed: ZeroDivisionError: division by zero"
    assert "Traceback" not in capfd.readouterr().err
