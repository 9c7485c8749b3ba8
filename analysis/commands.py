"""`boardpack run`, `boardpack index` and `boardpack list`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.config import PROJECT_ROOT
from analysis.errors import BoardpackError


def _run(args: argparse.Namespace) -> int:
    from analysis.engine.forkserver import kernel_mode, template
    from analysis.periods import parse_period, period_range

    if args.period and (args.from_ or args.to):
        raise BoardpackError("give either --period or --from/--to, not both")
    if args.from_ or args.to:
        if not (args.from_ and args.to):
            raise BoardpackError("a backfill needs both --from YYYY-MM and --to YYYY-MM")
        periods = [str(p) for p in period_range(args.from_, args.to)]
    else:
        periods = [str(parse_period(args.period or "latest"))]
    if kernel_mode(args.kernel) == "forked":
        template()  # started first, so its imports run while this process starts and validates
    from analysis.demo.generate import demo_folder
    from analysis.engine.log import configure
    from analysis.engine.params import available_reports, defaults
    from analysis.engine.runner import RunRequest, default_jobs, run

    shared = defaults()
    known = available_reports()
    reports = args.reports.split(",") if args.reports else known
    unknown = [r for r in reports if r not in known]
    if unknown:
        raise BoardpackError(
            f"unknown report(s): {', '.join(unknown)}; available: {', '.join(known)}"
        )
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    bad = [f for f in formats if f not in ("html", "pdf")]
    if bad or not formats:
        raise BoardpackError(f"--formats takes html and/or pdf, not {', '.join(bad) or 'nothing'}")
    # absolute paths: notebooks run with the notebooks folder as their working directory
    data_dir = (
        demo_folder(covering=max(periods))
        if args.demo
        else Path(args.data or shared.get("data_dir", "data/raw"))
    )
    data_dir = data_dir.resolve()
    out = Path(args.out or shared.get("out_dir", "reports")).resolve()
    processed = Path(
        args.processed or PROJECT_ROOT / shared.get("processed_dir", "data/processed")
    ).resolve()
    overrides = {}
    if args.la_name:
        overrides["la_name"] = args.la_name
    if args.benchmarks:
        overrides["benchmark_dir"] = str(Path(args.benchmarks).resolve())
    if args.publication:
        overrides["publication"] = args.publication
    if args.suppression_threshold is not None:
        overrides["suppression_threshold"] = args.suppression_threshold
    req = RunRequest(
        periods=periods,
        reports=[r for r in known if r in reports],
        data_dir=data_dir,
        out=out,
        processed_root=processed,
        formats=formats,
        jobs=args.jobs or default_jobs(),
        synthetic=args.demo,
        overrides=overrides,
        allow_partial=args.allow_partial,
        annex_a=args.annex_a,
        db=db_url(args),
        cin_census=args.cin_census,
        kernel=args.kernel,
    )
    log = configure(len(periods) * len(reports))
    log.info(
        f"running {len(req.reports)} report(s) for {len(periods)} period(s) "
        f"({periods[0]}{' to ' + periods[-1] if len(periods) > 1 else ''}) with {req.jobs} job(s)"
    )
    outcomes = run(req)
    failed = [o for o in outcomes if o.status != "published"]
    for o in failed:
        print(
            f"boardpack: {o.job.report} for {o.job.period} failed "
            f"{'at ' if o.error.startswith('cell ') else 'with '}{o.error}; "
            f"its executed notebook is in {req.out / '.failed' / o.job.period}",
            file=sys.stderr,
        )
    log.info(
        f"published {len(outcomes) - len(failed)} of {len(outcomes)} report(s); "
        f"landing page {req.out / 'index.html'}"
    )
    return 1 if failed else 0


def _index(args: argparse.Namespace) -> int:
    from analysis.engine.landing import write_index

    print(f"landing page written: {write_index(Path(args.out))}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from analysis.config import params_file, read_yaml
    from analysis.engine.params import available_reports, notebook_parameters, report_info

    engine_set = {"period", "processed_dir", "data_dir", "metrics_path", "out_dir"}
    engine_set |= {"publication", "suppression_threshold", "staged_metrics"}
    for name in available_reports():
        info = report_info(name)
        print(f"{name}: {info['title']}")
        if info["description"]:
            print(f"    {info['description']}")
        own = params_file(f"{name}.yaml")
        configured = read_yaml(own) if own.exists() else {}
        for pname, p in notebook_parameters(info["path"]).items():
            if pname in engine_set:
                continue
            value = str(configured.get(pname, p["default"]))
            value = value if len(value) <= 70 else value[:67] + "..."
            where = f"params/{name}.yaml" if pname in configured else "notebook default"
            helptext = f" - {p['help']}" if p["help"] else ""
            print(f"    {pname} = {value} ({where}){helptext}")
    return 0


def _benchmarks(args: argparse.Namespace) -> int:
    from analysis.engine.params import defaults
    from analysis.sources.published import check, fetch

    dest = args.dest or defaults().get("benchmark_dir", "data/reference")
    if args.action == "fetch":
        for line in fetch(dest):
            print(line)
        print(f"downloaded to {dest}")
        return 0
    lines, errors = check(dest)
    print("\n".join(lines))
    return 1 if errors else 0


def add_return_options(p) -> None:
    """--annex-a and --cin-census: the returns, when kept outside the data folder; --db:
    the SSD database."""
    add_db_option(p)
    p.add_argument(
        "--annex-a",
        metavar="FILE",
        help="the Ofsted Annex A workbook (default: the .xlsx/.xlsm in the data folder)",
    )
    p.add_argument(
        "--cin-census",
        metavar="DIR",
        help="folder of DfE CIN census XML files (default: cin_census/ in the data folder)",
    )


def add_db_option(p) -> None:
    p.add_argument(
        "--db",
        nargs="?",
        const="",
        metavar="URL",
        help="read the Standard Safeguarding Dataset from this database (a SQLAlchemy URL "
        "such as postgresql://host/ssd?schema=ssd); with no URL, from BOARDPACK_DB_URL. Keep "
        "the password out of it: PGPASSWORD or .pgpass, an ODBC DSN",
    )


def db_url(args: argparse.Namespace) -> str | None:
    """The --db URL ('' for BOARDPACK_DB_URL), or None when --db was not given; a password
    written into the command line is used but warned about (`warn_if_password`)."""
    if getattr(args, "db", None) is None:
        return None
    warn_if_password(args.db)
    return args.db or ""


def warn_if_password(given: str) -> None:
    """Warn when a URL given on the command line holds a password: the process list shows
    it to other users, and the shell keeps it in its history (BOARDPACK_DB_URL does not)."""
    from analysis.sources.database import target

    if given and target(given).url.password:
        print(
            "boardpack: warning: a password on the command line can be seen by other users "
            "(in the process list) and stays in shell history; use PGPASSWORD, .pgpass or "
            "BOARDPACK_DB_URL",
            file=sys.stderr,
        )


def _db(args: argparse.Namespace) -> int:
    from analysis.sources.database import check

    warn_if_password(args.url)
    for line in check(args.url):
        print(line)
    return 0


def add_commands(sub) -> None:
    """Register run / index / list on the `boardpack` parser."""
    p = sub.add_parser(
        "run",
        help="run reports for a period and publish HTML and PDF",
        description="Validate the inputs, run every requested report for the "
        "period(s) in fresh kernels, render HTML and A4 PDF, publish atomically.",
    )
    p.add_argument("--period", help="YYYY-MM, or 'latest' for the last complete month (default)")
    p.add_argument("--from", dest="from_", metavar="YYYY-MM", help="first month of a backfill")
    p.add_argument("--to", metavar="YYYY-MM", help="last month of a backfill")
    p.add_argument("--data", help="input folder (default from params/defaults.yaml: data/raw)")
    add_return_options(p)
    p.add_argument(
        "--kernel",
        choices=["forked", "standard"],
        default="",
        help="forked: each report's kernel is a fork of a pre-imported template (the default "
        "where the platform can fork); standard: an ordinary kernel started from nothing",
    )
    p.add_argument("--out", help="output folder (default: reports)")
    p.add_argument("--processed", help="processed-data cache folder (default: data/processed)")
    p.add_argument("--reports", help="comma-separated report names (default: all)")
    p.add_argument("--formats", default="html,pdf", help="html,pdf (default both)")
    p.add_argument("--jobs", type=int, default=0, help="parallel workers (default: CPU cores)")
    p.add_argument(
        "--demo",
        action="store_true",
        help="generate and use the synthetic demo data; reports are marked synthetic",
    )
    p.add_argument(
        "--allow-partial",
        action="store_true",
        help="publish even where the inputs stop before the period ends; every page then "
        "names the sources that stop early (without it such a run is refused)",
    )
    p.add_argument("--la-name", help="override the local authority name shown on reports")
    p.add_argument(
        "--benchmarks",
        metavar="DIR",
        help="folder of DfE benchmark files (default from params: data/reference)",
    )
    p.add_argument(
        "--publication",
        choices=["restricted", "public"],
        help="public: suppress small numbers for publication, output to <out>/public/ "
        "(default from params/defaults.yaml: restricted)",
    )
    p.add_argument(
        "--suppression-threshold",
        type=int,
        metavar="N",
        help="public mode: counts from 1 to N are suppressed (default from params: 5)",
    )
    p.set_defaults(func=_run)

    p = sub.add_parser(
        "db",
        help="check the connection to the SSD database and which tables it has",
        description="check: connect (read-only), list the SSD tables boardpack reads and "
        "whether each is there with its columns, and the SSD version.",
    )
    p.add_argument("action", choices=["check"])
    p.add_argument("url", nargs="?", default="", help="SQLAlchemy URL (default: BOARDPACK_DB_URL)")
    p.set_defaults(func=_db)

    p = sub.add_parser(
        "benchmarks",
        help="download or check the DfE published benchmark files",
        description="fetch: download the DfE datasets named in params/benchmarks.yaml; "
        "check: validate the files present.",
    )
    p.add_argument("action", choices=["fetch", "check"])
    p.add_argument("--dest", help="benchmark folder (default from params: data/reference)")
    p.set_defaults(func=_benchmarks)

    p = sub.add_parser(
        "index",
        help="rebuild the landing page from what is published",
        description="Rebuild <out>/index.html from the published periods.",
    )
    p.add_argument("--out", default="reports", help="output folder (default: reports)")
    p.set_defaults(func=_index)

    p = sub.add_parser(
        "list",
        help="list the reports, their descriptions and parameters",
        description="Available reports with descriptions and parameters.",
    )
    p.set_defaults(func=_list)
