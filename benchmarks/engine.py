"""Benchmark: `boardpack run` against the naive notebook chain, and backfill scaling.

    python benchmarks/engine.py [--skip-backfill]

1. One period (2017-03), every report, HTML + PDF, on demo data:
   - the engine: `boardpack run --demo --period 2017-03` (default --jobs = CPU cores), with
     forked kernels (the default on Linux) and with `--kernel standard`;
   - the naive chain on the same notebooks, one report after another: `papermill` CLI, then
     `jupyter nbconvert --to html --no-input`, then the `weasyprint` CLI.
   All start from an empty processed-data cache. Targets: engine at least 2.5x faster
   (issue 22: 5x with forked kernels).
   Also the per-report kernel overhead in each mode: from asking for a kernel to the first
   cell's result, median of 5.
2. A 12-month backfill (2016-04 to 2017-03) with --jobs 2 against --jobs 1.
   Target: at least 1.7x faster.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PERIOD = "2017-03"
FIRST_CELL = (
    "from analysis.engine.session import open_session\n"
    "from analysis.presentation.present import show\n"
    "from analysis.reports.sickness_absence import build"
)


def timed(args: list[str], **kw) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - start


def fresh_cache() -> None:
    """Empty the processed-data cache (its folders only; the folder and .gitkeep stay)."""
    for entry in (ROOT / "data" / "processed").glob("*"):
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


def boardpack(*args: str) -> list[str]:
    return [sys.executable, "-m", "analysis", *args]


def naive_chain(reports: list[str], demo: Path, work: Path) -> float:
    start = time.perf_counter()
    for name in reports:
        executed = work / f"{name}.ipynb"
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(ROOT / "notebooks" / f"{name}.ipynb"),
                str(executed),
                "-p",
                "period",
                PERIOD,
                "-p",
                "data_dir",
                str(demo),
                "-p",
                "out_dir",
                str(work),
                "--cwd",
                str(ROOT / "notebooks"),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        subprocess.run(
            [str(BIN / "weasyprint"), str(work / f"{name}.html"), str(work / f"{name}.pdf")],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return time.perf_counter() - start


def kernel_overhead(mode: str, tmp: Path, runs: int = 5) -> float:
    """Median seconds from asking for a kernel to the end of a report's first cell (its
    imports)."""
    import asyncio
    import statistics

    from analysis.engine import runner
    from analysis.engine.forkserver import template

    server = template() if mode == "forked" else None
    runner.QuietKernelManager.fork_server = server
    runner.QuietKernelManager.log_path = str(tmp / f"kernel-{mode}.log")

    async def once() -> float:
        start = time.perf_counter()
        km = runner.QuietKernelManager(kernel_name="python3")
        await km.start_kernel(cwd=str(ROOT / "notebooks"))
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=60)
        # what a report's first cell does: import the package, pandas and the plotting stack
        await kc.execute_interactive(FIRST_CELL, timeout=60, output_hook=lambda msg: None)
        took = time.perf_counter() - start
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
        return took

    return statistics.median(asyncio.run(once()) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-backfill", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from analysis.demo.generate import demo_folder
    from analysis.engine.params import available_reports

    demo = demo_folder()
    reports = available_reports()
    print(f"{len(reports)} reports, {os.cpu_count()} CPU cores, period {PERIOD}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        fresh_cache()
        engine = timed(boardpack("run", "--demo", "--period", PERIOD, "--out", str(tmp / "a")))
        fresh_cache()
        standard = timed(
            boardpack("run", "--demo", "--period", PERIOD, "--out", str(tmp / "s"), "--kernel",
                      "standard")
        )  # fmt: skip
        fresh_cache()
        (tmp / "naive").mkdir()
        naive = naive_chain(reports, demo, tmp / "naive")
        print(f"engine, forked kernels (boardpack run, HTML + PDF): {engine:6.1f} s")
        print(f"engine, standard kernels (--kernel standard):      {standard:6.1f} s")
        print(f"naive chain (papermill, nbconvert, weasyprint CLIs): {naive:6.1f} s")
        print(f"ratio: {naive / engine:.2f}x forked, {naive / standard:.2f}x standard "
              "(targets: 2.5x; issue 22: 5x)")  # fmt: skip
        for mode in ("forked", "standard"):
            print(f"kernel overhead, {mode}: {kernel_overhead(mode, tmp):.2f} s per report")
        if args.skip_backfill:
            return
        times = {}
        for jobs in (1, 2):
            fresh_cache()
            times[jobs] = timed(
                boardpack(
                    "run",
                    "--demo",
                    "--from",
                    "2016-04",
                    "--to",
                    PERIOD,
                    "--jobs",
                    str(jobs),
                    "--out",
                    str(tmp / f"b{jobs}"),
                )
            )
            print(f"12-month backfill, --jobs {jobs}: {times[jobs]:6.1f} s")
        print(f"ratio: {times[1] / times[2]:.2f}x (target at least 1.7x)")


if __name__ == "__main__":
    main()
