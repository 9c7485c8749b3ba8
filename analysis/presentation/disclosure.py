"""Statistical disclosure control for the `public` publication mode.

Government Statistical Service / DfE convention: `c` marks a value suppressed for
confidentiality. `suppress` protects one table of counts; `protect_table` applies it to a
report table (counts, and the rates and percentages built on them); `disclose_metrics` does
the same for the headline figures a report records and writes into its sentences.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.errors import BoardpackError
from analysis.withheld import SUPPRESSED, WITHHELD, withheld

MODES = ("restricted", "public")
FOOTNOTE = (
    "c: suppressed to protect confidentiality - a count from 1 to {threshold}, a figure that "
    "would let one be worked out, or a rate or percentage built on one. 0 is a true zero."
)


def check_mode(mode, threshold) -> tuple[str, int]:
    """The publication mode and suppression threshold, or a clear error."""
    if mode not in MODES:
        raise BoardpackError(f"publication must be one of {', '.join(MODES)}, not {mode!r}")
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
        raise BoardpackError(
            f"suppression_threshold must be a whole number >= 1, not {threshold!r}"
        )
    return mode, threshold


def suppress(
    table: pd.DataFrame,
    threshold: int = 5,
    counts: list[str] | None = None,
    rates: dict[str, list[str]] | None = None,
    hidden: np.ndarray | None = None,
    lines: list[list[tuple[int, str]]] | None = None,
    known: np.ndarray | None = None,
) -> tuple[pd.DataFrame, int]:
    """Suppress small counts and whatever would let them be worked out again.

    - Primary: any count from 1 to `threshold` becomes `c`; zeros stay zeros.
    - Secondary: every row and every column of count cells is treated as adding up to a
      published total, shown or not. A line with exactly one suppressed cell has its smallest
      other non-zero count suppressed too (the total itself when nothing else is left),
      repeated until no line has exactly one - so no suppressed cell can be recovered from
      its row or column by subtraction. `lines` adds other groups of cells that add up to
      a total published elsewhere (each a list of (row position, count column)), such as
      the four quarters of a year shown in another table. A line whose other cells are all
      zero is left alone: only its total could give the cell away, and a total in the table
      is one of its cells.
    - Rates: `rates` maps a rate or percentage column to the count columns it is built on;
      it is suppressed in every row where one of those counts is.

    `counts` defaults to the integer columns; `hidden` (a boolean array shaped like the count
    cells) marks cells already suppressed for another reason, and `known` cells published
    elsewhere, which would not protect anything as cover. Returns the table (suppressed
    cells as `c`) and the number of cells suppressed.
    """
    counts = (
        counts
        if counts is not None
        else [c for c in table.columns if pd.api.types.is_integer_dtype(table[c])]
    )
    values = table[counts].to_numpy(dtype=float)
    present = ~np.isnan(values)
    mask = present & (values >= 1) & (values <= threshold)
    if hidden is not None:
        mask |= np.asarray(hidden, dtype=bool)
    nonzero = present & (values != 0)
    if known is not None:
        nonzero &= ~np.asarray(known, dtype=bool)
    rows, cols = values.shape
    groups = [[(i, j) for j in range(cols)] for i in range(rows)]
    groups += [[(i, j) for i in range(rows)] for j in range(cols)]
    groups += [[(i, counts.index(c)) for i, c in line if c in counts] for line in lines or []]
    changed = True
    while changed:
        changed = False
        for line in groups:
            if sum(mask[c] for c in line) != 1:
                continue
            candidates = [c for c in line if nonzero[c] and not mask[c]]
            if candidates:
                mask[min(candidates, key=lambda c: values[c])] = True
                changed = True
    out = table.astype(object).copy()
    for j, col in enumerate(counts):
        out.loc[mask[:, j], col] = SUPPRESSED
    row_hit = pd.DataFrame(mask, columns=counts, index=table.index)
    extra = 0
    for rate, based_on in (rates or {}).items():
        hit = row_hit[[c for c in based_on if c in counts]].any(axis=1)
        extra += int((hit & table[rate].notna()).sum())
        out.loc[hit, rate] = SUPPRESSED
    return out, int(mask.sum()) + extra


def count_columns(table: pd.DataFrame, formats: dict | None = None) -> list:
    """The columns of counts: integer columns and columns shown in the `count` format."""
    formats = formats or {}
    return [
        c
        for c in table.columns
        if formats.get(c) == "count"
        or (pd.api.types.is_integer_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c]))
    ]


def protect_table(
    table: pd.DataFrame,
    threshold: int,
    formats: dict | None = None,
    base: dict | None = None,
    lines: list | None = None,
    hidden: np.ndarray | None = None,
    known: np.ndarray | None = None,
) -> tuple[pd.DataFrame, int]:
    """A report table made safe to publish; returns it and the number of cells suppressed.

    Counts (see `count_columns`) get primary and secondary suppression (`suppress`). Every
    other number in a row where a count was suppressed is built on it and is suppressed too.
    `base` maps a percentage column whose numerator is not shown to its denominator (a count
    column's name, or a number): a percentage whose numerator (percentage x denominator)
    is from 1 to `threshold`, or whose denominator is suppressed, is suppressed as well.
    `lines`, `hidden`, `known`: as for `suppress` (shaped like the count columns).
    """
    counts = count_columns(table, formats)
    out, n = suppress(table, threshold, counts, lines=lines, hidden=hidden, known=known)
    numbers = [
        c for c in table.columns if c not in counts and pd.api.types.is_numeric_dtype(table[c])
    ]
    hit = (out[counts] == SUPPRESSED).any(axis=1) if counts else pd.Series(False, table.index)
    for col in numbers:
        cells = hit & table[col].notna()
        if col in (base or {}):
            of = base[col]
            denominator = table[of] if isinstance(of, str) else pd.Series(of, index=table.index)
            numerator = (table[col] * denominator.astype(float)).round()
            cells |= table[col].notna() & numerator.between(1, threshold)
            if isinstance(of, str):
                cells |= out[of].eq(SUPPRESSED)
        n += int(cells.sum())
        out.loc[cells, col] = SUPPRESSED
    return out, n


def disclose_metrics(values: dict, rules: dict, threshold: int) -> tuple[dict, int]:
    """Headline figures made safe to publish; returns them (suppressed ones `WITHHELD`) and
    how many were suppressed.

    Every whole-number figure from 1 to `threshold` is suppressed, including those inside a
    dict of counts. `rules` (from the metric registry, `registry.disclosure_rules`) adds:
    - `totals`: {total: [parts]} - the parts and total are protected together like a table
      row, so a suppressed part cannot be worked out by subtraction (a part naming a dict of
      counts stands for all its entries);
    - `shares`: {share: denominator} - suppressed when share x denominator is from 1 to
      `threshold` or the denominator is suppressed;
    - `derived`: {figure: [figures]} - suppressed when any figure it is built on is;
    - `differences`: {figure: other} - suppressed when the two differ by a small count
      (e.g. children against starts: the difference is the number who started twice).
    Figures the rules do not name and that are not whole numbers are published as they are:
    the registry declares those `published`, and a test checks every float is named somewhere.
    """
    flat = {}
    for name, value in values.items():
        if isinstance(value, dict):
            flat.update({f"{name}.{k}": v for k, v in value.items()})
        else:
            flat[name] = value
    hidden = {k for k, v in flat.items() if _count(v) and 1 <= v <= threshold}

    def expand(names):
        return [k for n in names for k in flat if k == n or k.startswith(f"{n}.")]

    changed = True
    while changed:  # a part hidden through one total may need cover in another
        changed = False
        for total, parts in (rules.get("totals") or {}).items():
            names = [k for k in expand(parts) + [total] if _count(flat.get(k))]
            if not names:
                continue
            row = pd.DataFrame([[flat[k] for k in names]], columns=names)
            protected, _ = suppress(row, threshold, names, hidden=[[k in hidden for k in names]])
            more = {k for k in names if protected.iloc[0][k] == SUPPRESSED} - hidden
            hidden |= more
            changed |= bool(more)
    for figure, other in (rules.get("differences") or {}).items():
        a, b = flat.get(figure), flat.get(other)
        if _count(a) and _count(b) and 1 <= abs(a - b) <= threshold:
            hidden.add(figure)  # the other figure less this one would be a small count
    for share, of in (rules.get("shares") or {}).items():
        value, denominator = flat.get(share), flat.get(of)
        if value is None:
            continue
        if of in hidden or (
            _count(denominator) and 1 <= round(float(value) * denominator) <= threshold
        ):
            hidden.add(share)
    changed = True
    while changed:
        changed = False
        for figure, based_on in (rules.get("derived") or {}).items():
            if figure in flat and figure not in hidden and set(expand(based_on)) & hidden:
                hidden.add(figure)
                changed = True
    shown = {}
    for name, value in values.items():
        if isinstance(value, dict):
            shown[name] = {k: WITHHELD if f"{name}.{k}" in hidden else v for k, v in value.items()}
        else:
            shown[name] = WITHHELD if name in hidden and value is not None else value
    return shown, len(hidden)


def _count(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def protect_series(
    points: pd.Series, rests_on: pd.DataFrame | None, threshold: int, is_count: bool
) -> pd.Series:
    """A headline figure's per-period series made safe to publish: a point is withheld when
    it is itself a count from 1 to `threshold` (`is_count`), or when any count it rests on
    (the row of `rests_on` with the same period) is from 1 to `threshold` or withheld."""

    def small(v) -> bool:
        return withheld(v) or (not pd.isna(v) and 1 <= v <= threshold)

    out = points.astype(object).copy()
    for period, value in points.items():
        hide = is_count and small(value)
        if rests_on is not None and period in rests_on.index:
            hide |= any(small(v) for v in rests_on.loc[period].tolist())
        if hide:
            out[period] = WITHHELD
    return out
