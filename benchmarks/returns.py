"""Benchmark: read the returns every LA holds, on one core. Targets (issue 18): an Annex A
workbook with 100,000 contact rows loads and validates in under 5 s; a CIN census file of
10,000 children parses in under 5 s.

    python benchmarks/returns.py [--contacts 100000] [--children 10000]

Writes the synthetic world (boardpack demo-data) as a workbook and as census XML, scaled so
List 1 holds about --contacts rows and the latest census file about --children children,
into a cache folder; then times the readers (annex_a.load: every list found, typed and
checked; cin_census.load on the one file).
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core

import numpy as np  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from analysis.demo import cin as demo_cin  # noqa: E402
from analysis.demo import returns as demo_returns  # noqa: E402
from analysis.demo.common import DemoSpec  # noqa: E402
from analysis.errors import ValidationReport  # noqa: E402
from analysis.sources import annex_a, cin_census  # noqa: E402

#: Census children per unit of scale (demo defaults), measured once.
CHILDREN_PER_SCALE = 4_500


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--children", type=int, default=10_000)
    args = parser.parse_args()
    folder = Path(".cache/bench-returns")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)

    book = demo_returns.annex_a_of_size(folder / "annex_a.xlsx", args.contacts)
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("L1 Contacts").height - 3
    report = ValidationReport()
    tables, seconds = timed(lambda: annex_a.load(book, report))
    assert not report.has_errors, report.format()
    print(
        f"Annex A: {rows:,} contact rows, {sum(len(t) for t in tables.values()):,} rows in "
        f"all lists: loaded and validated in {seconds:.2f} s (target: under 5 s)"
    )

    rng = np.random.default_rng(2017)
    world = demo_cin.world(rng, DemoSpec(scale=args.children / CHILDREN_PER_SCALE))
    written = demo_returns.write_census(world, folder / "census")
    latest = written[-1]
    one = folder / "one"
    one.mkdir()
    shutil.copy(latest, one / latest.name)
    children = sum(1 for line in latest.open() if "<Child>" in line)
    report = ValidationReport()
    tables, seconds = timed(lambda: cin_census.load(folder, report, one))
    assert not report.has_errors, report.format()
    print(
        f"CIN census: one file of {children:,} children ({latest.stat().st_size / 1e6:.1f} MB):"
        f" parsed in {seconds:.2f} s (target: under 5 s)"
    )


if __name__ == "__main__":
    main()
