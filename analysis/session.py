"""What a report notebook opens first: its period, the validated inputs, and `record`.

In the engine the processed-data folder is passed in; in JupyterLab, with the notebook's
default parameters, the session makes (once) and uses the synthetic demo data.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.config import PROJECT_ROOT
from analysis.inputs import Inputs, load_processed, prepare
from analysis.metrics import Metrics
from analysis.periods import parse_period

DEMO_CACHE = PROJECT_ROOT / ".cache"


def demo_folder(seed: int = 2017, cache: Path = DEMO_CACHE) -> Path:
    """The synthetic demo input folder, generated on first use and kept in `.cache/`."""
    from analysis.demo import DemoSpec, write_demo_data

    target = Path(cache) / f"demo-seed{seed}"
    if (target / "staffing.csv").exists():
        return target
    Path(cache).mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".demo-", dir=cache))
    write_demo_data(staging, DemoSpec(seed=seed))
    try:
        os.replace(staging, target)
    except OSError:  # made by a parallel worker meanwhile
        shutil.rmtree(staging, ignore_errors=True)
    return target


@dataclass
class Session:
    """One report run: the period, the inputs and the metrics being recorded."""

    report: str
    period: pd.Period
    inputs: Inputs
    metrics: Metrics = field(default_factory=Metrics)

    def record(self, name: str, value) -> None:
        """Record a headline figure for metrics.json (the board summary reads these)."""
        self.metrics.record(name, value)

    def record_all(self, values: dict) -> None:
        """Record several headline figures at once."""
        self.metrics.record_all(values)


def open_session(
    report: str,
    period: str,
    processed_dir: str = "",
    data_dir: str = "",
    metrics_path: str = "",
) -> Session:
    """Load the validated inputs for a report run (validating and caching them if needed)."""
    if not processed_dir:
        source = Path(data_dir) if data_dir else demo_folder()
        processed_dir = str(prepare(source, PROJECT_ROOT / "data" / "processed"))
    return Session(
        report,
        parse_period(period),
        load_processed(Path(processed_dir)),
        Metrics(metrics_path or None),
    )
