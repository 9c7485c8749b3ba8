"""Comparisons with England, the region and statistical neighbours, on DfE's published
definitions (never the LA's own local measures).

Every report finds its benchmark tables through `open_benchmarks`; when the benchmark folder
holds no files it returns None and the report says so in one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.config import PARAMS_DIR
from analysis.sources import ees
from analysis.sources.published import benchmark_folder, datasets


@dataclass
class Benchmarks:
    """Loaded benchmark tables for one LA."""

    new_la_code: str
    old_la_code: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    neighbours: list[str] = field(default_factory=list)
    la_name: str = ""
    region_code: str = ""

    def has(self, name: str) -> bool:
        return name in self.tables


def open_benchmarks(
    folder: str | Path, new_la_code: str, old_la_code: str, params_dir: Path = PARAMS_DIR
) -> Benchmarks | None:
    """Whatever benchmark files are present in `folder`, for the LA given; None if none are."""
    folder = benchmark_folder(folder)
    if not folder.is_dir():
        return None
    bm = Benchmarks(str(new_la_code), str(old_la_code))
    for name, spec in datasets(params_dir).items():
        path = folder / spec["file"]
        if not path.exists():
            continue
        if name == "neighbours":
            bm.neighbours = ees.load_neighbours(path).get(bm.old_la_code, [])
        else:
            bm.tables[name] = ees.load(path, spec.get("measures", []))
    if not bm.tables:
        return None
    for frame in bm.tables.values():
        rows = ees.select(frame, "Local authority", bm.new_la_code)
        if len(rows):
            bm.la_name = rows["la_name"].iloc[0]
            bm.region_code = rows["region_code"].iloc[0]
            break
    return bm


def compare(bm: Benchmarks, frame: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Per published year: the LA, England, its region, and its statistical neighbours'
    median, lowest and highest (neighbours with a published value only)."""
    rows = []
    for year in sorted(frame["time_period"].unique()):
        y = frame[frame["time_period"] == year]

        def one(sub):
            return (
                float(sub[measure].iloc[0]) if len(sub) and pd.notna(sub[measure].iloc[0]) else None
            )

        la_rows = ees.select(y, "Local authority", bm.new_la_code)
        region = y[(y["geographic_level"] == "Regional") & (y["region_code"] == bm.region_code)]
        near = y[
            (y["geographic_level"] == "Local authority") & (y["old_la_code"].isin(bm.neighbours))
        ][measure].dropna()
        rows.append(
            {
                "Year": year,
                bm.la_name or "This LA": one(la_rows),
                "England": one(ees.select(y, "National")),
                "Region": one(region),
                "Neighbours median": float(near.median()) if len(near) else None,
                "Neighbours lowest": float(near.min()) if len(near) else None,
                "Neighbours highest": float(near.max()) if len(near) else None,
                "Neighbours with data": len(near),
            }
        )
    return pd.DataFrame(rows)


def neighbour_values(
    bm: Benchmarks, name: str, measure: str, population_type: str | None = None
) -> pd.DataFrame | None:
    """Year x neighbour table of a measure from table `name` (for the comparison chart)."""
    if not bm.has(name):
        return None
    frame = bm.tables[name]
    if population_type:
        frame = frame[frame["population_type"] == population_type]
    near = frame[
        (frame["geographic_level"] == "Local authority")
        & (frame["old_la_code"].isin(bm.neighbours))
    ]
    return near.pivot_table(index="time_period", columns="la_name", values=measure)


# --- the comparisons each report shows -----------------------------------------------------


def absence(bm: Benchmarks) -> pd.DataFrame | None:
    """Social worker absence rate (%) from the DfE children's social work workforce data."""
    if not bm.has("csww"):
        return None
    return compare(bm, bm.tables["csww"], "absence_rate_fte")


def workforce(bm: Benchmarks, measure: str) -> pd.DataFrame | None:
    """A CSWW workforce measure: caseload_fte, agency_rate_fte, vacancy_rate_fte or
    turnover_rate_fte (rates published as percentages)."""
    if not bm.has("csww"):
        return None
    return compare(bm, bm.tables["csww"], measure)


def days_lost_per_fte(bm: Benchmarks) -> pd.DataFrame | None:
    """Social workers' FTE days lost per FTE in post: published working_days_lost_fte divided
    by published inpost_fte, for each area."""
    if not bm.has("csww"):
        return None
    frame = bm.tables["csww"].copy()
    frame["days_lost_per_fte"] = frame["working_days_lost_fte"] / frame["inpost_fte"]
    return compare(bm, frame, "days_lost_per_fte")


def cla_rates(bm: Benchmarks, population_type: str) -> pd.DataFrame | None:
    """Rate per 10,000 children for one CLA population type, e.g. 'Children starting to be
    looked after each year' or 'Children looked after on 31 March each year'."""
    if not bm.has("cla"):
        return None
    frame = bm.tables["cla"]
    return compare(bm, frame[frame["population_type"] == population_type], "rate_per_10000")


CLA_STARTS = "Children starting to be looked after each year"
CLA_31_MARCH = "Children looked after on 31 March each year"


def children_in_need_rate(bm: Benchmarks) -> pd.DataFrame | None:
    """Children in need at 31 March per 10,000 children aged 0-17: published at31 episodes
    divided by the ONS mid-year population estimate of the same area and year."""
    if not (bm.has("cin") and bm.has("population")):
        return None
    cin = bm.tables["cin"]
    pop = bm.tables["population"][
        ["time_period", "geographic_level", "region_code", "new_la_code", "population_estimate"]
    ]
    merged = cin.merge(
        pop, on=["time_period", "geographic_level", "region_code", "new_la_code"], how="left"
    )
    merged["rate"] = merged["at31_episodes"] / merged["population_estimate"] * 10_000
    return compare(bm, merged, "rate")


def referrals(bm: Benchmarks, measure: str) -> pd.DataFrame | None:
    """A referrals measure (referral_count, rereferral_percent, no_further_action_percent)."""
    if not bm.has("referrals"):
        return None
    return compare(bm, bm.tables["referrals"], measure)


def year_row(table: pd.DataFrame | None, period) -> pd.Series | None:
    """The comparison row for the latest published year up to the period's year."""
    if table is None or table.empty:
        return None
    years = [y for y in table["Year"] if y <= str(pd.Period(period, "M").year)]
    year = years[-1] if years else table["Year"].iloc[0]
    return table[table["Year"] == year].iloc[0]


def metrics(row: pd.Series | None, suffix: str, la_label: str) -> dict:
    """Metrics named like `la_<suffix>`, `england_<suffix>`, `neighbour_median_<suffix>`."""
    if row is None:
        return {}
    return {
        "benchmark_year": row["Year"],
        f"la_{suffix}": row[la_label],
        f"england_{suffix}": row["England"],
        f"neighbour_median_{suffix}": row["Neighbours median"],
    }


def la_label(bm: Benchmarks | None) -> str:
    return bm.la_name if bm and bm.la_name else "This LA"


def section_metrics(table: pd.DataFrame | None, period, suffix: str, bm: Benchmarks | None) -> dict:
    """The benchmark metrics a report records, or nothing when there is no benchmark data."""
    if bm is None or table is None:
        return {}
    return metrics(year_row(table, period), suffix, la_label(bm))


#: What a board page says when the DfE files are absent (the how-to is in the run log).
MISSING = "Comparison with other authorities is not available for this period."
