"""The `boardpack` command: validate inputs, make demo data, run and publish reports."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from analysis import commands as engine_commands
from analysis.config import LOCAL_PARAMS
from analysis.errors import BoardpackError, InputError
from analysis.region import commands as region_commands
from analysis.sources import DEMO_FORMATS


def _validate(args: argparse.Namespace) -> int:
    from analysis.sources.inputs import Locations, read_inputs

    data = Path(args.data)
    where = Locations(
        data,
        Path(args.annex_a) if args.annex_a else None,
        Path(args.cin_census) if args.cin_census else None,
    )
    for given in (where.annex_a, where.cin_census):
        if given is not None and not given.exists():
            raise BoardpackError(f"{given} does not exist")
    url = engine_commands.db_url(args)
    if url is not None:  # read the database into a snapshot that lives as long as the check
        import tempfile

        from analysis.sources.database import snapshot
        from analysis.sources.inputs import inventory

        scratch = tempfile.TemporaryDirectory(prefix="boardpack-validate-")
        files = [data / f["file"] for f in inventory(data, where)] if data.is_dir() else []
        data = snapshot(url, data, Path(scratch.name), [f for f in files if f.is_relative_to(data)])
        where = Locations(data, where.annex_a, where.cin_census)
    inputs = read_inputs(data, where=where)
    print(inputs.report.format())
    report = inputs.report
    print(
        f"{report.error_count:,} error(s), {report.warning_count:,} warning(s) "
        f"in {len(inputs.files)} file(s) under {args.data}"
    )
    return 1 if report.has_errors else 0


def _demo_data(args: argparse.Namespace) -> int:
    from analysis.demo.generate import DemoSpec, write_demo_data

    if args.region is not None:  # a synthetic region: N LAs and their region.yaml
        from analysis.region.demo import write_region_demo

        path = write_region_demo(
            Path(args.out), args.region, args.scale, args.seed, args.start, args.end
        )
        print(f"synthetic region of {args.region} LA(s) written: {path}")
        return 0
    spec = DemoSpec(start=args.start, end=args.end, seed=args.seed, scale=args.scale)
    url = engine_commands.db_url(args)
    if (args.format == "ssd") != (url is not None):
        raise BoardpackError("--format ssd writes into a database: give both, or neither")
    counts = write_demo_data(Path(args.out), spec, args.format, db=url)
    for name, rows in counts.items():
        if name.endswith(".csv") or name.startswith("ssd_"):
            print(f"{name}: {rows:,} rows{'' if name.endswith('.csv') else ' (database)'}")
        else:
            print(name)
    print(f"synthetic demo data ({args.format}) written to {args.out}")
    return 0


#: The last month of `boardpack demo-data` unless --end says otherwise.
DEMO_END = "2017-03"
#: What `boardpack init` copies into an LA's params folder.
STARTER_FILES = ("defaults.yaml", "outcome_map.yaml", "absence_reason_map.yaml")


def _init(args: argparse.Namespace) -> int:
    from analysis.config import PARAMS_DIR

    root = Path(args.dir)
    if root.exists() and any(root.iterdir()):
        raise BoardpackError(f"{root} is not empty; choose a new folder")
    for folder in ("params", "data/raw", "reports"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for name in STARTER_FILES:
        shutil.copyfile(PARAMS_DIR / name, root / "params" / name)
    (root / "params" / "team_map.yaml").write_text(
        "# Teams spelt differently in absence.csv and staffing.csv, or renamed:\n"
        "# absence.csv name: staffing.csv name\n{}\n"
    )
    raw, params, reports = root / "data" / "raw", root / "params", root / "reports"
    print(f"started {root}: edit params/defaults.yaml (la_name, codes, markings) and the maps,")
    print(f"put the extracts in {raw} (docs/data_dictionary.md), then:")
    print(f"  boardpack --params {params} run --data {raw} --out {reports} --period latest")
    print(f"To try it first on synthetic data (they end in {DEMO_END}, so run that month):")
    print(f"  boardpack demo-data --out {raw}")
    print(f"  boardpack --params {params} run --data {raw} --out {reports} --period {DEMO_END}")
    return 0


def _cache(args: argparse.Namespace) -> int:
    from analysis.config import PROJECT_ROOT, read_params
    from analysis.demo.generate import DEMO_CACHE

    processed = PROJECT_ROOT / read_params("defaults.yaml").get("processed_dir", "data/processed")
    removed = 0
    for folder in (processed, DEMO_CACHE):
        for entry in folder.iterdir() if folder.is_dir() else []:
            if entry.name == ".gitkeep":
                continue
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
            removed += 1
    print(f"cleared {removed} cached item(s) from {processed} and {DEMO_CACHE}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="boardpack",
        description="Monthly analysis and board reports for children's services.",
    )
    parser.add_argument(
        "--params",
        metavar="DIR",
        help="the LA's own params folder, laid over the tool's (files there replace the "
        "tool's; defaults.yaml is merged key by key); also BOARDPACK_PARAMS",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "init",
        help="write a starter folder for an LA: params to edit, data/raw, reports",
        description="Write DIR/params (the settings and label maps to edit), DIR/data/raw "
        "and DIR/reports; then run with --params DIR/params --data DIR/data/raw.",
    )
    p.add_argument("dir", help="the folder to create (must not exist or be empty)")
    p.set_defaults(func=_init)

    p = sub.add_parser(
        "cache",
        help="clear the cache of validated inputs (it holds child-level data)",
        description="Remove the Parquet cache of validated inputs (data/processed/, or "
        "processed_dir in params) and the generated demo data (.cache/).",
    )
    p.add_argument("action", choices=["clear"])
    p.set_defaults(func=_cache)

    p = sub.add_parser(
        "validate",
        help="check every input file and list the problems",
        description="Check every input file present; one line per problem.",
    )
    p.add_argument("--data", default="data/raw", help="input folder (default: data/raw)")
    engine_commands.add_return_options(p)
    p.set_defaults(func=_validate)

    p = sub.add_parser(
        "demo-data",
        help="write synthetic demo input data",
        description="Write a complete, valid, fully synthetic input folder.",
    )
    p.add_argument("--out", required=True, help="folder to write")
    p.add_argument("--seed", type=int, default=2017, help="random seed (default 2017)")
    p.add_argument(
        "--start",
        default="2014-04",
        help="first month of the monthly staffing and caseload files, YYYY-MM, from 2014-04 "
        "when the demo world begins (default 2014-04)",
    )
    p.add_argument(
        "--end",
        default=DEMO_END,
        help=f"last month, YYYY-MM (default {DEMO_END}): the same world cut there, whatever "
        "the month",
    )
    p.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="population multiplier; 150 is roughly national scale (default 1)",
    )
    p.add_argument(
        "--format",
        choices=DEMO_FORMATS,
        default="csv",
        help="children in need, assessments and the front door as local CSV extracts (csv, "
        "the default), an Ofsted Annex A workbook (annex-a) or DfE CIN census XML "
        "(cin-census), or the SSD's tables in the database --db names (ssd; the local HR, "
        "audit and action files go to --out); the same children in each",
    )
    p.add_argument(
        "--region",
        type=int,
        metavar="N",
        help="write N synthetic LAs of different sizes and practices (csv) and their "
        "region.yaml, for `boardpack region run`",
    )
    engine_commands.add_db_option(p)
    p.set_defaults(func=_demo_data)

    engine_commands.add_commands(sub)
    region_commands.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.params:  # read by every layer, and inherited by the report kernels
        if not Path(args.params).is_dir():
            print(f"boardpack: params folder {args.params} does not exist", file=sys.stderr)
            return 1
        os.environ[LOCAL_PARAMS] = str(Path(args.params).resolve())
    try:
        return args.func(args)
    except InputError as exc:
        print(exc.report.format(), file=sys.stderr)
        print(f"boardpack: stopped: {exc}", file=sys.stderr)
        return 1
    except BoardpackError as exc:
        print(f"boardpack: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("boardpack: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
