"""Headline figures a report records for metrics.json, through one helper: `record`."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.fileio import write_json_atomic
from analysis.registry import SERIES
from analysis.withheld import Withheld


def plain(value):
    """A JSON-ready copy of a metric: numpy and pandas scalars to Python, NaN/NA to None, a
    figure withheld in a public report to "c"."""

    if isinstance(value, Withheld):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, pd.Timestamp | pd.Period):
        return str(value)
    return value


class Metrics:
    """The figures of one report run; written to `path` (atomically) after every record."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path else None
        self.values: dict = {}

    def record(self, name: str, value) -> None:
        self.record_all({name: value})

    def record_all(self, values: dict) -> None:
        self.values.update({name: plain(value) for name, value in values.items()})
        self._write()

    def record_series(
        self, name: str, frequency: str, points: pd.Series, kind: str = "", label: str = ""
    ) -> None:
        """A headline figure's per-period series under `series` (period labels `YYYY-MM`,
        for a quarter the month it ends), with its kind (flow, stock, rolling, cumulative)
        and, when each point is not the figure's own definition, what each point is."""
        entry = {"frequency": frequency, "kind": kind} | ({"label": label} if label else {})
        self.values.setdefault(SERIES, {})[name] = entry | {
            "points": [[str(period), plain(value)] for period, value in points.items()],
        }
        self._write()

    def _write(self) -> None:
        if self.path is not None:
            write_json_atomic(self.path, self.values)
