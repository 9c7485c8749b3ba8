"""What a report notebook opens first: its period, the validated inputs, and `record`.

In the engine the processed-data folder is passed in; in JupyterLab, with the notebook's
default parameters, the session makes (once) and uses the synthetic demo data. The session
also sets the publication mode: in `public` mode every figure recorded or written into a
sentence goes through `disclosure.disclose_metrics` first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.config import PROJECT_ROOT
from analysis.engine.metrics import Metrics
from analysis.errors import BoardpackError
from analysis.periods import parse_period
from analysis.presentation import present
from analysis.presentation.disclosure import disclose_metrics, protect_series
from analysis.registry import disclosure_rules, metric, undeclared
from analysis.sources.demo import demo_folder
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
    ) -> None:
        """Record a headline figure's per-period series (indexed by month periods; a quarter
        by the month it ends) at the frequency the registry declares for it. In the public
        mode a point that is a small count, or rests on one (`rests_on`: the counts behind
        each point, same index), is withheld."""
        declared = metric(self.report, name)
        if not declared.frequency:
            raise BoardpackError(f"{self.report}.{name} declares no frequency for a series")
        if self.public:
            threshold = present.PUBLICATION.threshold
            points = protect_series(points, rests_on, threshold, declared.kind == "count")
        self.metrics.record_series(
            name, declared.frequency, points, declared.series, declared.series_label
        )


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
    and set the publication mode (disclosure rules from the metric registry)."""
    configure_publication(publication, suppression_threshold, metrics_path)
    if not processed_dir:
        source = Path(data_dir) if data_dir else demo_folder()
        processed_dir = str(prepare(source, PROJECT_ROOT / "data" / "processed"))
    return Session(
        report,
        parse_period(period),
        load_processed(Path(processed_dir)),
        Metrics(metrics_path or None),
        disclosure_rules(report),
    )


def configure_publication(publication: str, threshold: int, metrics_path: str = ""):
    """Set the publication mode; what disclosure control does is counted in
    `disclosure.json` beside the metrics (the engine copies it into the manifest)."""
    audit = Path(metrics_path).with_name("disclosure.json") if metrics_path else None
    return present.configure(publication, threshold, audit)
