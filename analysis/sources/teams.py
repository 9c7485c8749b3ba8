"""Teams agree across absence.csv and staffing.csv: the FTE that is each team's denominator
must be there for every month its days are counted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import ValidationReport
from analysis.names import key
from analysis.sources.settings import TEAM_MAP, Settings, settings_of

FILE = "absence.csv"


def reconcile(
    absence: pd.DataFrame,
    staffing: pd.DataFrame,
    report: ValidationReport,
    params: Settings | Path | None = None,
) -> pd.DataFrame:
    """Absence spells with TEAM spelt as staffing.csv spells it.

    Names are compared ignoring case and spaces (`names.key`), after the optional
    params/team_map.yaml (absence name: staffing name) for teams renamed or spelt
    differently. A team with days lost in a month that staffing.csv covers, but with no FTE
    for that team that month, is an error naming the team and the months: its days would be
    counted with no staff to divide them by."""
    mapping = settings_of(params).team_map
    # rows whose month or team could not be read were reported by the loaders already
    staffing = staffing.dropna(subset=["MONTH", "TEAM"])
    named = absence["TEAM"].astype(object).map(lambda t: mapping.get(t, t))
    spelling = dict(zip(key(staffing["TEAM"]), staffing["TEAM"], strict=True))
    out = absence.assign(TEAM=key(named).map(spelling).astype(object).fillna(named))
    if staffing.empty:
        return out
    gaps = _unstaffed_months(out, staffing)
    for team, months in gaps.groupby("TEAM")["MONTH"]:
        listed = ", ".join(f"{m:%b %Y}" for m in sorted(months))
        report.error(
            FILE,
            f"team has days lost in {listed} but no FTE in staffing.csv then (add the team to "
            f"staffing.csv, or map its name to a staffing team in params/{TEAM_MAP})",
            column="TEAM",
            values=[team],
        )
    return out


def _month_index(dates: pd.Series) -> np.ndarray:
    return (dates.dt.year * 12 + dates.dt.month - 1).to_numpy()


def _unstaffed_months(spells: pd.DataFrame, staffing: pd.DataFrame) -> pd.DataFrame:
    """(TEAM, MONTH) pairs, within the months staffing.csv covers, where a team has a spell
    on some day of the month but no FTE that month (vectorised: one row per spell-month)."""
    dated = spells[spells["START_DATE"].notna()]  # an unread date was reported already
    first, last = _month_index(staffing["MONTH"]).min(), _month_index(staffing["MONTH"]).max()
    start = np.maximum(_month_index(dated["START_DATE"]), first)
    end = dated["END_DATE"].fillna(staffing["MONTH"].max())
    stop = np.minimum(_month_index(end), last)
    length = np.clip(stop - start + 1, 0, None)
    offsets = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    pairs = pd.DataFrame(
        {
            "TEAM": np.repeat(dated["TEAM"].to_numpy(), length),
            "M": np.repeat(start, length) + offsets,
        }
    ).drop_duplicates()
    staffed = staffing[staffing["FTE"] > 0]
    have = pd.DataFrame({"TEAM": staffed["TEAM"].to_numpy(), "M": _month_index(staffed["MONTH"])})
    missing = pairs.merge(have, how="left", indicator=True).query("_merge == 'left_only'")
    months = pd.PeriodIndex.from_ordinals(missing["M"].to_numpy() - (1970 * 12), freq="M")
    return pd.DataFrame({"TEAM": missing["TEAM"].to_numpy(), "MONTH": months})
