"""One number formatter for tables, sentences and the board view."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.withheld import SUPPRESSED, withheld

NOT_AVAILABLE = "not available"
#: Making Data Count variation icons by point type: (symbol, name). Shape and symbol differ,
#: so colour is never the only cue.
VARIATION_ICONS = {
    "special_cause_improvement": ("▲", "improvement"),
    "special_cause_concern": ("▼", "concern"),
    "special_cause_neutral": ("◆", "neutral"),
    "common_cause": ("●", "common"),
}
#: The scorecard's words beside each variation icon (the legend under it says the rest).
VARIATION_SHORT = {
    "special_cause_improvement": "improvement",
    "special_cause_concern": "concern",
    "special_cause_neutral": "special cause, neutral",
    "common_cause": "common cause",
}
#: Making Data Count assurance icons by `spc.assurance` words: (symbol, short words).
ASSURANCE_ICONS = {
    "consistently meets the target": ("✔", "consistently passing"),
    "consistently fails the target": ("✖", "consistently failing"),
    "sometimes meets and sometimes misses the target (it is within the limits)": (
        "≈",
        "hit and miss",
    ),
}
#: Formats of a table of shares with 95% intervals (`stats.Share.row`).
INTERVAL_FORMATS = {"Share": "percent", "95% CI low": "percent", "95% CI high": "percent"}


def fmt(value, kind: str = "auto") -> str:
    """One value in the house format: counts with thousands separators, shares as percentages
    to one decimal place, other numbers to `decimalN` places; missing values as an en dash."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "–"
    if isinstance(value, pd.Period):
        return value.strftime("%b %Y")
    if kind == "text" or not isinstance(value, int | float | np.number) or isinstance(value, bool):
        return str(value)
    if kind == "percent":
        return f"{100 * float(value):.1f}%"
    if kind.startswith("decimal"):
        return f"{float(value):,.{int(kind[7:] or 1)}f}"
    if kind == "count" or isinstance(value, int | np.integer):
        return f"{int(round(float(value))):,}"
    return f"{float(value):,.1f}"


def is_number(v) -> bool:
    """True for a figure that can be shown: not missing, not NaN, not withheld."""
    return v is not None and not withheld(v) and v == v


def shown(v, kind: str, missing: str = NOT_AVAILABLE) -> str:
    """A headline figure as the board view shows it: `fmt`, with a withheld figure as `c`
    and a missing one as `missing` ("not available")."""
    if withheld(v):
        return SUPPRESSED
    if v is None or v != v:
        return missing
    declared = kind in ("percent", "count") or kind.startswith("decimal")
    return fmt(v, kind if declared else "decimal2")


def shown_of(value, total, kind: str) -> str:
    """A board figure with its total when it has one ("23 of 25"), else as `shown`."""
    text = shown(value, kind)
    if is_number(value) and is_number(total):
        text += f" of {shown(total, kind)}"
    return text


def p_value(p: float) -> str:
    """A p-value as a sentence gives it: "p < 0.001" below 0.001, else "p = 0.023"."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def plural(n: int, word: str, words: str = "") -> str:
    """A count with its noun in the right number: "1 action", "2 actions", "0 actions"
    (`words`: the plural when it is not `word` + "s", e.g. "children")."""
    return f"{fmt(n, 'count')} {word if n == 1 else words or word + 's'}"
