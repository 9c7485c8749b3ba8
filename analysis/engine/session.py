"""What a report notebook opens first: its period, the validated inputs, and `record`.

In the engine the processed-data folder is passed in; in JupyterLab, with the notebook's
default parameters, the session makes (once) and uses the synthetic demo data. The session
also sets the publication mode: in `public` mode every figure recorded or written into a
sentence goes through `disclosure.disclose_metrics` first.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.config import PROJECT_ROOT, read_params
from analysis.demo.generate import DEMO_CACHE, demo_folder
from analysis.engine import MARKING_OUTPUT
from analysis.engine.metrics import Metrics
from analysis.errors import BoardpackError
from analysis.periods import parse_period
from analysis.presentation import present
from analysis.presentation.disclosure import disclose_metrics, protect_series
from analysis.registry import disclosure_rules, metric, undeclared
from analysis.sources.inputs import Inputs, load_processed, prepare


@dataclass
class Session:
    """One report run: the period, the inputs and the metrics being recorded."""

    report: str
    period: pd.Period
    inputs: Inputs
    metrics: Metrics = field(default_factory=Metrics)
    disclosure_rules: dict = field(default_factory=dict)

    @property
    def public(self) -> bool:
        return present.PUBLICATION.public

    def disclose(self, values: dict) -> dict:
        """The figures as this report may show them: unchanged in the restricted mode; in the
        public mode with small counts, and what would reveal them, withheld (printing `c`)."""
        return self._disclose(values)[0]

    def _disclose(self, values: dict) -> tuple[dict, int]:
        if not self.public:
            return values, 0
        return disclose_metrics(values, self.disclosure_rules, present.PUBLICATION.threshold)

    def record(self, name: str, value) -> None:
        """Record a headline figure for metrics.json (the board summary reads these)."""
        self.record_all({name: value})

    def record_all(self, values: dict) -> dict:
        """Record several headline figures at once (protected as `disclose` does); returns
        them as recorded, for the report's sentences. A figure the metric registry does not
        declare is refused (declare it in analysis/metrics.yaml first)."""
        unknown = undeclared(self.report, values)
        if unknown:
            raise BoardpackError(
                f"{self.report}: {', '.join(unknown)} not declared in analysis/metrics.yaml"
            )
        shown, n = self._disclose(values)
        if n:
            present.PUBLICATION.count(metrics_suppressed=n)
        self.metrics.record_all(shown)
        return shown

    def record_series(
        self, name: str, points: pd.Series, rests_on: pd.DataFrame | None = None
    ) -> pd.Series:
        """Record a headline figure's per-period series (indexed by month periods; a quarter
        by the month it ends) at the frequency the registry declares for it. In the public
        mode a point that is a small count, or rests on one (`rests_on`: the counts behind
        each point, same index), is withheld. Returns the series as recorded, for a verdict
        on the page to read the same points as the board's."""
        declared = metric(self.report, name)
        if not declared.frequency:
            raise BoardpackError(f"{self.report}.{name} declares no frequency for a series")
        if self.public:
            threshold = present.PUBLICATION.threshold
            points = protect_series(points, rests_on, threshold, declared.kind == "count")
        self.metrics.record_series(
            name, declared.frequency, points, declared.series, declared.series_label
        )
        return points


def open_session(
    report: str,
    period: str,
    processed_dir: str = "",
    data_dir: str = "",
    metrics_path: str = "",
    publication: str = "restricted",
    suppression_threshold: int = 5,
) -> Session:
    """Load the validated inputs for a report run (validating and caching them if needed)
    and set the publication mode (disclosure rules from the metric registry).

    The engine passes `processed_dir`, having checked the period and the inputs' coverage
    itself. Anywhere else (a notebook opened in JupyterLab, papermill by hand) the session
    makes the same checks as `boardpack run`: the period must be a month, the inputs (the
    `data_dir` folder, or the synthetic demo generated to cover the period) must cover it,
    and a problem is one short message (`BoardpackError`), not a traceback. The first thing
    the notebook shows is the page's protective marking (and the synthetic-data banner), so
    a rendering made outside the engine carries them too (the engine's pages, whose
    template carries them, leave that output out)."""
    month = parse_period(period)
    configure_publication(publication, suppression_threshold, metrics_path)
    if not processed_dir:
        processed_dir = str(check_inputs(report, str(month), data_dir))
    show_marking(synthetic=is_synthetic(data_dir))
    return Session(
        report,
        month,
        load_processed(Path(processed_dir)),
        Metrics(metrics_path or None),
        disclosure_rules(report),
    )


def is_synthetic(data_dir: str | Path = "") -> bool:
    """Whether a data folder is the synthetic demo: none given, or one in the demo cache."""
    return not data_dir or Path(data_dir).resolve().is_relative_to(DEMO_CACHE.resolve())


def check_inputs(reports: str | list[str], period: str, data_dir: str | Path = "") -> Path:
    """The validated inputs' folder for `reports` (one or several) in `period`, checked as
    `boardpack run` checks them: `data_dir` (blank: the demo, generated to cover the
    period), validated and cached, and refused with one message when the sources the
    reports read do not cover the period."""
    from analysis.engine.runner import coverage_gaps
    from analysis.periods import period_label

    reports = [reports] if isinstance(reports, str) else list(reports)
    source = Path(data_dir) if data_dir else demo_folder(covering=period)
    processed = prepare(source, PROJECT_ROOT / "data" / "processed")
    gaps = coverage_gaps(processed, [period], reports, read_params("defaults.yaml"))
    if gaps:
        lines = list(dict.fromkeys(line for ls in gaps[period].values() for line in ls))
        raise BoardpackError(
            f"the inputs do not cover {period_label(period)} for {', '.join(gaps[period])}:\n"
            + "\n".join(f"  {line}" for line in lines)
            + "\n  (choose another period in the parameters cell, or set data_dir to extracts "
            "that reach it)"
        )
    return processed


def show_marking(synthetic: bool) -> None:
    """Show the page's protective marking (that of the publication mode set), and for
    synthetic data the banner, as the notebook's first output."""
    from IPython.display import display

    shared = read_params("defaults.yaml")
    marking = (
        shared.get("classification_public", "OFFICIAL")
        if present.PUBLICATION.public
        else shared.get("classification", "")
    )
    parts = []
    if marking:
        parts.append(
            '<p class="marking" style="background:#0b0c0c;color:#fff;font-weight:bold;'
            f'padding:.3rem .75rem;margin:0 0 .3rem">{html.escape(marking)}</p>'
        )
    if synthetic:
        parts.append(
            '<p class="synthetic" style="background:#801650;color:#fff;font-weight:bold;'
            'padding:.3rem .75rem;margin:0 0 .3rem">Synthetic demonstration data – not real '
            "children or staff</p>"
        )
    if parts:
        display(present.Shown("".join(parts)), metadata={MARKING_OUTPUT: True})


def configure_publication(publication: str, threshold: int, metrics_path: str = ""):
    """Set the publication mode; what disclosure control does is counted in
    `disclosure.json` beside the metrics (the engine copies it into the manifest)."""
    audit = Path(metrics_path).with_name("disclosure.json") if metrics_path else None
    return present.configure(publication, threshold, audit)
