"""The `boardpack` command: validate inputs, make demo data, run and publish reports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.errors import BoardpackError, InputError


def _validate(args: argparse.Namespace) -> int:
    from analysis.sources.inputs import read_inputs

    inputs = read_inputs(Path(args.data))
    print(inputs.report.format())
    report = inputs.report
    print(
        f"{report.error_count:,} error(s), {report.warning_count:,} warning(s) "
        f"in {len(inputs.files)} file(s) under {args.data}"
    )
    return 1 if report.has_errors else 0


def _demo_data(args: argparse.Namespace) -> int:
    from analysis.sources.demo import DemoSpec, write_demo_data

    spec = DemoSpec(start=args.start, end=args.end, seed=args.seed, scale=args.scale)
    counts = write_demo_data(Path(args.out), spec)
    for name, rows in counts.items():
        print(f"{name}: {rows:,} rows")
    print(f"synthetic demo data written to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="boardpack",
        description="Monthly analysis and board reports for children's services.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "validate",
        help="check every input file and list the problems",
        description="Check every input file present; one line per problem.",
    )
    p.add_argument("--data", default="data/raw", help="input folder (default: data/raw)")
    p.set_defaults(func=_validate)

    p = sub.add_parser(
        "demo-data",
        help="write synthetic demo input data",
        description="Write a complete, valid, fully synthetic input folder.",
    )
    p.add_argument("--out", required=True, help="folder to write")
    p.add_argument("--seed", type=int, default=2017, help="random seed (default 2017)")
    p.add_argument("--start", default="2014-04", help="first month, YYYY-MM (default 2014-04)")
    p.add_argument("--end", default="2017-03", help="last month, YYYY-MM (default 2017-03)")
    p.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="population multiplier; 150 is roughly national scale (default 1)",
    )
    p.set_defaults(func=_demo_data)

    from analysis import commands as engine_cli

    engine_cli.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
