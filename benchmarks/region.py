"""Benchmark: a 12-LA demo region on Dask, against 12 separate `boardpack run` commands.

    python benchmarks/region.py [--las 12] [--scale 1] [--reports ...] [--formats html,pdf]

1. `boardpack demo-data --region 12` (sizes from a third to one and a half times the
   calibrated LA), once.
2. `boardpack region run` on a LocalCluster of 1 worker, then of 2 workers (one thread
   each), every report, for 2017-03. Goal: 2 workers at least 1.8x faster than 1.
3. The 12 LAs one after another, each `boardpack --params la<i>/params run --data ...`
   (default --jobs: CPU cores). Goal: the region's cost per LA (2-worker wall time / 12) at
   most 0.6x a separate run's (their wall time / 12).
Every configuration starts from an empty processed-data cache of its own (validation is
part of each LA's cost). On paper: the workers that run 153 LAs' monthly packs in 10
minutes, from the 1-worker time per LA (each worker runs one LA at a time).
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PERIOD = "2017-03"


def boardpack(*args: str) -> list[str]:
    return [sys.executable, "-m", "analysis", *args]


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{result.stderr[-2000:]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--las", type=int, default=12)
    parser.add_argument("--scale", default="1")
    parser.add_argument("--reports", default="", help="comma-separated (default: all)")
    parser.add_argument("--formats", default="html,pdf")
    args = parser.parse_args()
    extra = ["--formats", args.formats] + (["--reports", args.reports] if args.reports else [])
    with tempfile.TemporaryDirectory(prefix="boardpack-region-bench-") as tmp:
        root = Path(tmp)
        demo = boardpack("demo-data", "--region", str(args.las), "--scale", args.scale)
        print(f"demo region of {args.las} LAs: {timed(demo + ['--out', str(root)]):.1f}s")
        config = str(root / "region.yaml")
        walls = {}
        for workers in (1, 2):
            run = boardpack("region", "run", "--config", config, "--period", PERIOD)
            run += ["--workers", str(workers), "--out", str(root / f"out{workers}")]
            run += ["--processed", str(root / f"processed{workers}"), *extra]
            walls[workers] = timed(run)
            print(f"region run, {workers} worker(s): {walls[workers]:.1f}s")
        separate = 0.0
        for i in range(1, args.las + 1):
            la = root / f"la{i}"
            run = boardpack("--params", str(la / "params"), "run", "--period", PERIOD)
            run += ["--data", str(la / "data" / "raw"), "--out", str(root / "sep" / f"la{i}")]
            run += ["--processed", str(root / "processed-sep"), *extra]
            separate += timed(run)
        print(f"{args.las} separate boardpack run commands: {separate:.1f}s")
        per_la = {w: t / args.las for w, t in walls.items()}
        print(f"2 workers vs 1: {walls[1] / walls[2]:.2f}x faster (goal: at least 1.8x)")
        print(
            f"cost per LA: region (2 workers) {per_la[2]:.1f}s vs separate "
            f"{separate / args.las:.1f}s: {per_la[2] / (separate / args.las):.2f}x "
            "(goal: at most 0.6x)"
        )
        workers = math.ceil(153 * per_la[1] / 600)
        print(
            f"on paper: 153 LAs x {per_la[1]:.1f} worker-seconds each = "
            f"{153 * per_la[1] / 60:.0f} worker-minutes; in 10 minutes: {workers} one-thread "
            "workers (a core each, with memory for one LA's inputs and kernels)"
        )


if __name__ == "__main__":
    main()
