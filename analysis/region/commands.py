"""`boardpack region run` and `boardpack region compare`."""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from analysis.errors import BoardpackError

REGION_FOLDER = "region"


def _periods(args) -> list[str]:
    from analysis.periods import parse_period, period_range

    if args.period and (args.from_ or args.to):
        raise BoardpackError("give either --period or --from/--to, not both")
    if args.from_ or args.to:
        if not (args.from_ and args.to):
            raise BoardpackError("a backfill needs both --from YYYY-MM and --to YYYY-MM")
        return [str(p) for p in period_range(args.from_, args.to)]
    return [str(parse_period(args.period or "latest"))]


def _formats(text: str) -> tuple[str, ...]:
    formats = tuple(f.strip() for f in text.split(",") if f.strip())
    bad = [f for f in formats if f not in ("html", "pdf")]
    if bad or not formats:
        raise BoardpackError(f"--formats takes html and/or pdf, not {', '.join(bad) or 'nothing'}")
    return formats


def _shared(args) -> dict:
    from analysis.engine.params import defaults

    shared = defaults()
    if args.publication:
        shared["publication"] = args.publication
    if args.suppression_threshold is not None:
        shared["suppression_threshold"] = args.suppression_threshold
    return shared


def _publish_region(
    files, out: Path, name: str, args, synthetic: bool, la_folders=None, run_jobs=None, missing=()
) -> list[Path]:
    from analysis.engine.runner import marking, publication
    from analysis.region.pack import build_region_pack, serial

    shared = _shared(args)
    mode, threshold = publication(shared)
    benchmarks = args.benchmarks or shared.get("benchmark_dir", "data/reference")
    try:
        return build_region_pack(
            files,
            out,
            name,
            public=mode == "public",
            threshold=threshold,
            formats=_formats(args.formats),
            benchmark_dir=benchmarks,
            synthetic=synthetic,
            classification=marking(shared),
            la_folders=la_folders,
            run_jobs=run_jobs or serial,
            missing=tuple(missing),
        )
    except BoardpackError:
        raise
    except Exception as exc:  # a page, a disk, a bug: said in one line, not a traceback
        detail = traceback.format_exception_only(exc)[-1].strip()
        raise BoardpackError(f"the regional pack failed: {detail}") from None


def _run(args: argparse.Namespace) -> int:
    from analysis.engine.params import available_reports
    from analysis.region.config import load_region
    from analysis.region.run import RunOptions, run_region

    region = load_region(args.config)
    periods = _periods(args)
    known = available_reports()
    reports = args.reports.split(",") if args.reports else known
    unknown = [r for r in reports if r not in known]
    if unknown:
        raise BoardpackError(
            f"unknown report(s): {', '.join(unknown)}; available: {', '.join(known)}"
        )
    if args.workers < 1:
        raise BoardpackError("--workers must be at least 1")
    out = Path(args.out).resolve()
    for folder in (out, out / REGION_FOLDER):  # said now, not after every LA has run
        if folder.exists() and not folder.is_dir():
            raise BoardpackError(f"{folder} is a file: --out needs a folder there")
    options = RunOptions(
        periods=tuple(periods),
        reports=tuple(r for r in known if r in reports),
        out=str(out),
        formats=_formats(args.formats),
        processed=str(Path(args.processed).resolve()) if args.processed else "",
        publication=args.publication or "",
        suppression_threshold=args.suppression_threshold,
        benchmarks=str(Path(args.benchmarks).resolve()) if args.benchmarks else "",
        synthetic=region.synthetic,
        allow_partial=args.allow_partial,
        kernel=args.kernel,
    )
    where = args.scheduler or f"a local cluster of {args.workers} worker(s)"
    print(f"{region.name}: {len(region.las)} LA(s), {len(periods)} period(s), on {where}")

    def regional_pack(results, run_jobs):
        files = [Path(f) / "indicators.csv" for r in results for f in r.folders]
        if not files:
            return None
        packs = {r.code: Path(r.folders[0]).parent for r in results if r.folders}
        missing = [r.la for r in results if not r.folders]
        where = out / REGION_FOLDER
        return _publish_region(
            files, where, region.name, args, region.synthetic, packs, run_jobs, missing
        )

    results, folders = run_region(region, options, args.scheduler, args.workers, then=regional_pack)
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(
            f"boardpack: {r.la} ({r.code}) failed: {r.error or '; '.join(r.failed)}",
            file=sys.stderr,
        )
    if folders is None:
        print("boardpack: no LA published, so no regional pack", file=sys.stderr)
        return 1
    print(
        f"published {len(results) - len(failed)} of {len(results)} LA pack(s) under {out}; "
        f"regional pack: {', '.join(str(f) for f in folders)}"
    )
    return 1 if failed else 0


def _synthetic(period_folder: Path) -> bool:
    """Whether a shared pack says its data are synthetic (its manifest.json), so the
    regional pack built from it carries the banner too."""
    import json

    try:
        return bool(json.loads((period_folder / "manifest.json").read_text()).get("synthetic"))
    except (OSError, ValueError, AttributeError):
        return False


def _compare(args: argparse.Namespace) -> int:
    from analysis.engine.runner import publication
    from analysis.region.indicators import find_indicator_files

    periods = _periods(args)
    public = publication(_shared(args))[0] == "public"
    files = [f for period in periods for f in find_indicator_files(args.packs, period, public)]
    out = Path(args.out).resolve()
    synthetic = args.synthetic or any(_synthetic(f.parent) for f in files)
    folders = _publish_region(files, out, args.name, args, synthetic)
    print(f"regional pack of {len(files)} LA file(s): {', '.join(str(f) for f in folders)}")
    return 0


def _common(p) -> None:
    p.add_argument("--period", help="YYYY-MM, or 'latest' for the last complete month (default)")
    p.add_argument("--from", dest="from_", metavar="YYYY-MM", help="first month of a backfill")
    p.add_argument("--to", metavar="YYYY-MM", help="last month of a backfill")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--formats", default="html,pdf", help="html,pdf (default both)")
    p.add_argument(
        "--publication",
        choices=["restricted", "public"],
        help="public: small numbers suppressed, to <out>/.../public/ (default from params)",
    )
    p.add_argument("--suppression-threshold", type=int, metavar="N", help="public: counts 1 to N")
    p.add_argument("--benchmarks", metavar="DIR", help="folder of DfE benchmark files")


def add_commands(sub) -> None:
    """Register `boardpack region run|compare`."""
    p = sub.add_parser(
        "region",
        help="every LA's pack of a region on Dask, and the regional comparison",
        description="run: every LA's pack (Dask distributed) and the regional pack; "
        "compare: the regional pack from packs the LAs ran and shared.",
    )
    region = p.add_subparsers(dest="region_command", required=True, metavar="ACTION")
    r = region.add_parser(
        "run",
        help="publish every LA's pack and the regional pack",
        description="Publish every LA's pack under OUT/<new_la_code>/ as `boardpack run` "
        "would, one Dask task per LA, then the regional pack under OUT/region/.",
    )
    r.add_argument("--config", required=True, help="the region file, region.yaml")
    _common(r)
    r.add_argument(
        "--scheduler",
        default="",
        metavar="ADDRESS",
        help="tcp://host:port of a running Dask scheduler (default: a local cluster)",
    )
    r.add_argument("--workers", type=int, default=2, help="local cluster: worker processes (2)")
    r.add_argument("--reports", help="comma-separated report names (default: all)")
    r.add_argument("--processed", help="processed-data cache folder (default: data/processed)")
    r.add_argument("--kernel", choices=["forked", "standard"], default="", help="as for run")
    r.add_argument("--allow-partial", action="store_true", help="as for run")
    r.set_defaults(func=_run)
    c = region.add_parser(
        "compare",
        help="the regional pack from LAs' shared packs (their indicators.csv files only)",
        description="Build the regional pack from the indicators.csv files of packs the "
        "LAs ran themselves: each --packs folder is one LA's output folder, or a folder "
        "holding several.",
    )
    c.add_argument("--packs", nargs="+", required=True, metavar="DIR", help="pack folders")
    c.add_argument("--name", default="Regional comparison", help="the region's name on the page")
    c.add_argument(
        "--synthetic",
        action="store_true",
        help="mark the pages synthetic (also when any pack's manifest says so)",
    )
    _common(c)
    c.set_defaults(func=_compare)
