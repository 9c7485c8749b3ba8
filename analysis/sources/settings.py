"""The settings the readers use, read from the params folder at most once per run and handed
down (a reader given a params folder instead, as a test may, reads them itself)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

from analysis.config import label_map, params_file, read_params, read_yaml

#: The team map's file: absence team name -> staffing team name (optional).
TEAM_MAP = "team_map.yaml"


class Settings:
    """What the readers need from params/: the defaults, the SSD mapping, the local label
    maps and the team map, each read the first time a reader asks for it (a file no input
    needs is never read, as before) and kept; and the day the run takes as today."""

    def __init__(self, params_dir: Path | None = None, today: pd.Timestamp | None = None):
        self.params_dir = Path(params_dir) if params_dir is not None else None
        self.today = today

    @cached_property
    def defaults(self) -> dict:
        return read_params("defaults.yaml", self.params_dir)

    @cached_property
    def ssd(self) -> dict:
        """params/ssd.yaml: how an SSD build's values map onto the board's categories."""
        return read_params("ssd.yaml", self.params_dir) or {}

    @cached_property
    def outcome_map(self) -> dict[str, str]:
        """Local assessment outcome label -> category (keys upper-cased)."""
        return label_map("outcome_map", self.params_dir)

    @cached_property
    def absence_reason_map(self) -> dict[str, str]:
        """Local absence reason -> category (keys upper-cased)."""
        return label_map("absence_reason_map", self.params_dir)

    @cached_property
    def team_map(self) -> dict[str, str]:
        """Absence team name -> staffing team name; empty without the optional file."""
        path = params_file(TEAM_MAP, self.params_dir)
        return {str(k): str(v) for k, v in read_yaml(path).items()} if path.exists() else {}


def settings_of(given: Settings | Path | None) -> Settings:
    """`given` when it is the run's settings already, else those of the params folder
    `given` (None: the tool's params/, or the LA's own, see `config.params_file`)."""
    return given if isinstance(given, Settings) else Settings(given)
