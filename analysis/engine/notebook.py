"""Working in a notebook: any report's model, built in this process with the parameters
`boardpack run` would give it (docs/notebooks.md).

`open_report` opens a session with the same guards as the command line (the period, the
inputs' coverage) and builds the report: its sections, tables (as DataFrames) and metrics
are then there to explore. `detail_figures` builds every detail report's headline figures
in-process, for the board summary when no pack has been published for the period.
"""

from __future__ import annotations

import atexit
import inspect
import json
import os
import tempfile
from importlib import import_module
from pathlib import Path

from analysis.config import NOTEBOOKS_DIR, PARAMS_DIR, PROJECT_ROOT
from analysis.engine.params import available_reports, resolve, summary_reports
from analysis.engine.session import Session, check_inputs, open_session
from analysis.presentation.model import Report


def build_args(report: str, params: dict) -> dict:
    """The resolved parameters that the report's `build(s, ...)` takes, by name."""
    build = import_module(f"analysis.reports.{report}").build
    names = list(inspect.signature(build).parameters)[1:]
    return {name: params[name] for name in names if name in params}


def open_report(
    report: str,
    period: str = "2017-03",
    data_dir: str = "",
    params_dir: Path = PARAMS_DIR,
    **overrides,
) -> tuple[Session, Report]:
    """The report's session and model for `period`, built here with the parameters
    `boardpack run` would resolve (notebook defaults < params files < `overrides`), from
    `data_dir` or, left blank, the synthetic demo generated to cover the period."""
    if report in summary_reports():
        raise ValueError(f"{report} reads the other reports' figures: use its notebook")
    params = resolve(report, period, overrides, Path(params_dir), NOTEBOOKS_DIR)
    return _built(report, period, check_inputs(report, period, data_dir), data_dir, params)


def _built(report: str, period: str, processed: Path, data_dir: str, params: dict):
    """The report's session and model from inputs already checked (`processed`)."""
    s = open_session(report, period, str(processed), data_dir)
    module = import_module(f"analysis.reports.{report}")
    return s, module.build(s, **build_args(report, params))


def published_figures(period: str, out_dir: str | Path = "") -> Path | None:
    """The period's published metrics.json in `out_dir` (default: the project's reports
    folder), or None when that period has not been published there."""
    path = Path(out_dir or PROJECT_ROOT / "reports") / period / "metrics.json"
    return path if path.is_file() else None


def detail_figures(period: str, data_dir: str = "") -> Path:
    """Every detail report's headline figures for `period`, built in this process (no
    pages), in the form the engine hands the board summary (period -> report -> metrics);
    returns the JSON file's path (a temporary file, removed when this process ends)."""
    reports = [r for r in available_reports() if r not in summary_reports()]
    processed = check_inputs(reports, period, data_dir)  # one message naming every report
    figures = {}
    for report in reports:
        params = resolve(report, period, {}, PARAMS_DIR, NOTEBOOKS_DIR)
        s, _ = _built(report, period, processed, data_dir, params)
        figures[report] = s.metrics.values
    handle, name = tempfile.mkstemp(prefix="boardpack-figures-", suffix=".json")
    with open(handle, "w") as f:
        json.dump({period: figures}, f)
    atexit.register(Path(name).unlink, missing_ok=True)  # gone with the kernel
    return Path(name)


def open_summary(
    period: str,
    out_dir: str = "",
    staged_metrics: str = "",
    data_dir: str = "",
    publication: str = "restricted",
    suppression_threshold: int = 5,
    metrics_path: str = "",
) -> tuple[str, str]:
    """Open the board summary's run: the publication mode, the marking shown first, and
    where its figures come from, returned as its `staged_metrics`: the engine's (when set),
    else the period's published metrics.json in `out_dir` or the project's reports folder,
    else - nothing published for the period - every detail report's figures built here from
    `data_dir` (blank: the synthetic demo), with a line saying so. Also returned: where its
    links go (`build`'s `links`): the pages beside it in the engine; from a notebook, the
    published pages, or the report notebooks when nothing is published."""
    from analysis.engine.session import configure_publication, is_synthetic, show_marking
    from analysis.periods import parse_period, period_label

    month = str(parse_period(period))
    configure_publication(publication, suppression_threshold, metrics_path)
    show_marking(synthetic=is_synthetic(data_dir))
    if staged_metrics:
        return staged_metrics, "{report}.html"
    published = published_figures(month, out_dir)
    if published:
        pages = os.path.relpath(published.parent, NOTEBOOKS_DIR)
        return staged_metrics, Path(pages).as_posix() + "/{report}.html"
    where = data_dir or "the synthetic demo data"
    print(
        f"No pack is published for {period_label(month)}: the detail reports' figures are "
        f"built here from {where} (as `boardpack run --period {month}` would)."
    )
    return str(detail_figures(month, data_dir)), "{report}.ipynb"
