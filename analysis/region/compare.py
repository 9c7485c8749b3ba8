"""The region's comparison, from the LAs' tidy indicator rows alone: per measure, every LA's
value with its interval and its position against the region's funnel, and DfE's published
figure for the LA where DfE publishes one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.measures import funnel as fn
from analysis.region.indicators import (
    MEASURES,
    SUPPRESSED,
    Measure,
    numbers,
)

#: The columns of a funnel measure's regional table.
TABLE_COLUMNS = [
    "LA",
    "LA code",
    "Numerator",
    "Denominator",
    "Value",
    "95% interval low",
    "95% interval high",
    "Position",
    "Position (chance alone)",
    "DfE published",
]


@dataclass
class Comparison:
    """One measure across the region: its table (TABLE_COLUMNS) and its funnel (None with
    no LA to pool);
    `left_out`: LAs in the table but not in the funnel (figures not available or, in a public
    pack, withheld)."""

    measure: Measure
    table: pd.DataFrame
    funnel: fn.Funnel | None
    left_out: list[str]


def _scale(measure: Measure) -> float:
    """Denominators per unit of the funnel's exposure: a rate's `per` (10,000 children)."""
    return measure.per if measure.kind == fn.RATE else 1.0


def compare_measure(
    tidy: pd.DataFrame,
    measure: Measure,
    public: bool = False,
    threshold: int = 5,
    published: dict | None = None,
) -> Comparison:
    """The comparison of one measure over the tidy rows of one period.

    The funnel pools the LAs whose numerator and denominator are both numbers (denominator
    above 0); in a public pack an LA whose numerator or denominator is a count from 1 to
    `threshold`, or was already withheld (`c`), shows `c` for its counts and figures and is
    left out of the funnel (so the pooled target cannot reveal it); full-time equivalents
    are not counts of people and are shown as they are (a figure an LA's public pack
    withheld still shows `c`). `published`: DfE's
    figure by new LA code, as a share or value in the measure's own units."""
    published = published or {}
    names, codes = tidy["la_name"].tolist(), tidy["new_la_code"].tolist()
    dfe = [published.get(c) for c in codes]
    num_text = tidy[f"{measure.key}_numerator"].tolist()
    den_text = tidy[f"{measure.key}_denominator"].tolist()
    num, den = (
        numbers(tidy[f"{measure.key}_numerator"]),
        numbers(tidy[f"{measure.key}_denominator"]),
    )
    usable = num.notna() & den.notna() & (den > 0)
    if public:
        hidden = pd.Series(
            [SUPPRESSED in (a, b) for a, b in zip(num_text, den_text, strict=True)],
            index=tidy.index,
        )
        if not measure.fte:  # FTEs are published as they are (as DfE does)
            hidden |= num.between(1, threshold) | den.between(1, threshold)
        usable &= ~hidden
    else:
        hidden = pd.Series(False, index=tidy.index)
    exposure = den / _scale(measure)
    pooled = usable.to_numpy()
    funnel = fn.funnel(num[pooled], exposure[pooled], measure.kind) if pooled.any() else None
    rows = []
    for i in range(len(tidy)):
        if hidden.iloc[i]:
            rows.append(
                [
                    names[i],
                    codes[i],
                    SUPPRESSED,
                    SUPPRESSED,
                    SUPPRESSED,
                    SUPPRESSED,
                    SUPPRESSED,
                    SUPPRESSED,
                    SUPPRESSED,
                    dfe[i],
                ]
            )
            continue
        if not usable.iloc[i]:
            value = tidy[measure.key].iloc[i]
            rows.append(
                [
                    names[i],
                    codes[i],
                    _cell(num_text[i]),
                    _cell(den_text[i]),
                    _cell(value),
                    None,
                    None,
                    "not available",
                    "not available",
                    dfe[i],
                ]
            )
            continue
        r, n = float(num.iloc[i]), float(exposure.iloc[i])
        low, high = fn.interval(r, n, measure.kind)
        position = funnel.position(r / n, n) if funnel is not None else "not available"
        chance = funnel.unadjusted().position(r / n, n) if funnel is not None else position
        rows.append(
            [
                names[i],
                codes[i],
                r if measure.fte else int(r),  # FTEs are not whole
                _cell(den_text[i]),
                r / n,
                low,
                high,
                position,
                chance,
                dfe[i],
            ]
        )
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    left_out = [names[i] for i in range(len(tidy)) if not pooled[i]]
    return Comparison(measure, table, funnel, left_out)


def _cell(value):
    """A tidy cell for a table: a number, or the GSS symbol as it is."""
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return value if pd.isna(number) else float(number)


def region_comparisons(
    tidy: pd.DataFrame,
    public: bool = False,
    threshold: int = 5,
    benchmark_dir: str | Path | None = None,
) -> list[Comparison]:
    """Every measure's comparison over the tidy rows of one period (rows sorted by LA name),
    with DfE's published figures from `benchmark_dir` where it holds them."""
    tidy = tidy.sort_values("la_name", kind="stable").reset_index(drop=True)
    period = tidy["period"].iloc[0]
    return [
        compare_measure(
            tidy, m, public, threshold, published_figures(benchmark_dir, m, tidy, period)
        )
        for m in MEASURES
    ]


def published_figures(folder, measure: Measure, tidy: pd.DataFrame, period: str) -> dict:
    """DfE's published figure for each LA's new code: the latest published year that ends
    by the period's month (a year to 31 March, or the CSWW's 30 September: for March 2017
    the year to March 2017, and September 2016's workforce, not September 2017's),
    converted from a percentage to a share; {} without the file."""
    if folder is None or measure.dfe is None:
        return {}
    from analysis.sources import ees
    from analysis.sources.published import benchmark_folder, datasets

    table, column, ends = measure.dfe
    spec = datasets().get(table)
    path = benchmark_folder(folder) / spec["file"] if spec else None
    if path is None or not path.exists():
        return {}
    frame = ees.load(path, [column])
    month = pd.Period(period, "M")
    year = str(month.year if month.month >= ends else month.year - 1)
    out = {}
    for code in tidy["new_la_code"]:
        rows = ees.select(frame, "Local authority", code)
        rows = rows[rows["time_period"] <= year].sort_values("time_period")
        rows = rows[rows[column].notna()]
        if len(rows):
            out[code] = float(rows[column].iloc[-1]) / 100
    return out


def outliers(comparison: Comparison, column: str = "Position") -> dict[str, list[str]]:
    """The LAs beyond the 99.8% limits, above and below (names); `column` "Position (chance
    alone)" for the limits without the overdispersion adjustment."""
    table = comparison.table
    if column not in table:
        return {"above": [], "below": []}
    return {
        side: table.loc[table[column] == f"{side} 99.8%", "LA"].tolist()
        for side in ("above", "below")
    }


def figures(comparisons: list[Comparison]) -> dict:
    """The regional pack's metrics.json: per measure, the target, phi, whether the limits
    were widened, and each LA's value and position (by new LA code)."""
    out = {}
    for c in comparisons:
        entry = {
            "label": c.measure.label,
            "kind": c.measure.kind or "value",
            "las": {
                row["LA code"]: {
                    "value": _plain(row["Value"]),
                    "position": row.get("Position"),
                    "position_chance_alone": row.get("Position (chance alone)"),
                }
                for _, row in c.table.iterrows()
            },
        }
        if c.funnel is not None:
            entry |= {
                "target": c.funnel.target,
                "phi": c.funnel.phi,
                "overdispersion_adjusted": c.funnel.adjusted,
            }
        out[c.measure.key] = entry
    return out


def _plain(value):
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    return value
