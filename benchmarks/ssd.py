"""Benchmark: load the Standard Safeguarding Dataset from a real PostgreSQL server against
loading the same data from its Parquet snapshot. Target (issue 21): at national scale (the
demo at --scale 150) the database load takes at most twice the Parquet load.

    python benchmarks/ssd.py [--scale 150]

Starts a throwaway PostgreSQL server (tests/support/postgres.py: Debian's postgresql package),
writes the synthetic world into it (boardpack demo-data --format ssd; set-up, not timed),
then times, best of --repeat:
  database: read every SSD table boardpack uses (database.snapshot: SQLAlchemy Core selects,
            streamed in chunks, written as the run's Parquet snapshot), then type, check and
            map them onto the internal tables (database.load_snapshot);
  parquet:  the same data from the snapshot (database.load_snapshot alone).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support import postgres as pg  # noqa: E402

from analysis.demo.common import DemoSpec  # noqa: E402
from analysis.demo.generate import write_demo_data  # noqa: E402
from analysis.errors import ValidationReport  # noqa: E402
from analysis.sources import database  # noqa: E402


def best(fn, repeat: int) -> tuple[object, float]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=150)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    server = pg.start()
    work = Path(tempfile.mkdtemp(prefix="bench-ssd-"))
    os.environ["PGPASSWORD"] = pg.PASSWORD
    try:
        start = time.perf_counter()
        counts = write_demo_data(work / "raw", DemoSpec(scale=args.scale), "ssd", db=server.url)
        rows = sum(n for name, n in counts.items() if name.startswith("ssd_"))
        print(f"set-up: {rows:,} SSD rows written in {time.perf_counter() - start:.1f} s")

        def from_database():
            folder = database.snapshot(server.url, None, work / "processed", [])
            tables, _ = database.load_snapshot(folder, ValidationReport())
            return folder, tables

        (folder, tables), db_seconds = best(from_database, args.repeat)
        report = ValidationReport()
        (tables2, _), pq_seconds = best(lambda: database.load_snapshot(folder, report), args.repeat)
        assert not report.has_errors, report.format()
        internal = sum(len(t) for k, t in tables2.items() if k != "_read")
        print(
            f"scale {args.scale:g}: {rows:,} SSD rows -> {internal:,} internal rows; "
            f"database {db_seconds:.1f} s, Parquet {pq_seconds:.1f} s: "
            f"{db_seconds / pq_seconds:.2f}x (target at most 2x)"
        )
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
