"""The board's dashboard: a tile per headline measure with its value, change on a year
earlier, trend, Making Data Count variation and assurance icons, and an accessible chart of its
own series (SVG drawn here, no library) with a table view and a CSV download.

Everything is static: the page works from a file share or SharePoint with no server and no
request leaving it; `assets/dashboard.js` only switches periods, opens charts and tables, reads
points out on hover or arrow keys, and downloads the CSV text embedded beside each chart.
"""

from __future__ import annotations

import csv
import html
import io

import numpy as np
import pandas as pd

from analysis.measures.spc import WORDS
from analysis.presentation.formats import VARIATION_ICONS, is_number, shown

#: Characters that make a spreadsheet treat a text cell as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet opens as the text or number it is: numbers to 10 digits,
    text beginning with = + - @ tab or carriage return prefixed with an apostrophe."""
    if isinstance(value, int | float | np.number) and not isinstance(value, bool):
        return "" if pd.isna(value) else f"{value:.10g}"
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def chart_frame(points: pd.Series, chart: pd.DataFrame | None = None) -> pd.DataFrame:
    """The chart's data: per period the value and, where the board's verdict drew an XmR
    chart (`chart`: `measures.verdict.judge`'s, on these same points; None where SPC does not
    apply), that chart's mean, limits and Making Data Count point type. The dashboard never
    computes limits of its own, so its chart cannot disagree with the board summary."""
    frame = pd.DataFrame({"value": points.astype(float)})
    if chart is not None:
        if len(chart) != len(frame) or not np.allclose(chart["value"], frame["value"]):
            raise ValueError("the verdict's chart is not of these points")
        for col in ("mean", "lpl", "upl", "point_type"):
            frame[col] = chart[col].to_numpy()
    return frame


def csv_text(label: str, frame: pd.DataFrame, frequency: str, fmt: str) -> str:
    """Exactly what the chart shows, as CSV for Excel: UTF-8 with a byte-order mark, one row
    per period, text cells neutralised against formula injection."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    unit = "quarter ending" if frequency == "quarter" else "month"
    writer.writerow(["measure", unit, "value", "mean", "lower limit", "upper limit", "variation"])
    for period, row in frame.to_dict("index").items():  # plain dicts: iterrows is slow
        writer.writerow(
            [
                safe_cell(label),
                f"{period:%Y-%m}",
                safe_cell(row["value"]),
                *(safe_cell(row.get(c)) for c in ("mean", "lpl", "upl")),
                safe_cell(WORDS.get(row.get("point_type"), "")),
            ]
        )
    return "\ufeff" + out.getvalue()


def _scale(values, low, high, size, pad):
    span = (high - low) or 1.0
    return [pad + (size - 2 * pad) * (1 - (v - low) / span) for v in values]


#: The chart's frame (viewBox units): width, height and the margins that hold the axis text.
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 580, 280, 64, 136, 16, 44


def _spread(ys: list[float], gap: float = 14.0, bottom: float | None = None) -> list[float]:
    """Label positions at `ys` moved apart just enough that no two overlap (order kept), and
    none below `bottom` (the x axis, whose dates sit under it): labels pushed past it move
    back up together."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = list(ys)
    for a, b in zip(order, order[1:], strict=False):
        out[b] = max(out[b], out[a] + gap)
    if bottom is not None and order and out[order[-1]] > bottom:
        out[order[-1]] = bottom
        for a, b in zip(reversed(order[:-1]), reversed(order[1:]), strict=True):
            out[a] = min(out[a], out[b] - gap)
    return out


def chart_svg(
    label: str,
    frame: pd.DataFrame,
    fmt: str,
    frequency: str,
    chart_id: str,
    target: float | None = None,
) -> str:
    """An XmR chart as SVG that reads without a mouse: dates along the x axis, values up the
    y axis (`MaxNLocator` ticks), the values joined by a line, the mean (solid) and process
    limits (dashed) each labelled with its value, the board's `target` (dotted) when there
    is one, the latest point labelled with its period and value, and each point shaped by
    its variation type. The SVG is one focusable image whose description names the range;
    arrow keys read out each point (dashboard.js)."""
    from matplotlib.ticker import MaxNLocator

    values = frame["value"].to_numpy(dtype=float)
    lines = [c for c in ("upl", "mean", "lpl") if c in frame]
    every = np.concatenate(
        [values] + [frame[c].to_numpy(dtype=float) for c in lines] + [np.array([target or np.nan])]
    )
    low, high = float(np.nanmin(every)), float(np.nanmax(every))
    ticks = [t for t in MaxNLocator(nbins=4).tick_values(low, high)]
    low, high = min(low, ticks[0]), max(high, ticks[-1])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(values)
    xs = [LEFT + i * plot_w / max(n - 1, 1) for i in range(n)]

    def y_of(v: float) -> float:
        return TOP + plot_h * (1 - (v - low) / ((high - low) or 1.0))

    ys = [y_of(v) for v in values]
    parts = [
        f'<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}"/>',
        f'<line class="axis" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{TOP + plot_h}" '
        f'y2="{TOP + plot_h}"/>',
    ]
    for t in ticks:
        y = y_of(t)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick y" x="{LEFT - 6}" y="{y + 4:.1f}">{html.escape(_tick(t, fmt))}'
            "</text>"
        )
    step = -(-n // 5)
    for i in range(n):
        if (n - 1 - i) % step == 0:
            parts.append(
                f'<text class="tick x" x="{xs[i]:.1f}" y="{TOP + plot_h + 18}">'
                f"{frame.index[i]:%b %Y}</text>"
            )
    unit = "Quarter ending" if frequency == "quarter" else "Month"
    parts.append(
        f'<text class="axis-title" x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 4}">{unit}</text>'
    )
    parts.append(f'<polyline class="series" points="{_points(xs, ys)}"/>')
    marked = []
    for col in lines:
        value = float(frame[col].iloc[-1])
        cls = "mean" if col == "mean" else "limit"
        name = {"upl": "Upper limit", "mean": "Mean", "lpl": "Lower limit"}[col]
        marked.append((y_of(value), cls, f"{name} {shown(value, fmt)}"))
    if target is not None:
        marked.append((y_of(target), "target", f"Target {shown(target, fmt)}"))
    latest = shown(values[-1], fmt)
    marked.append((ys[-1], "latest", f"Latest {latest}"))
    spread = _spread([m[0] for m in marked], bottom=TOP + plot_h)
    for (y, cls, text), at in zip(marked, spread, strict=True):
        if cls != "latest":
            parts.append(
                f'<line class="{cls}" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
            )
        parts.append(
            f'<text class="line-label {cls}" x="{LEFT + plot_w + 8}" y="{at + 4:.1f}">'
            f"{html.escape(text)}</text>"
        )
    for i, (period, row) in enumerate(frame.to_dict("index").items()):
        kind = row.get("point_type", "common_cause")
        kind = kind if isinstance(kind, str) else "common_cause"
        shape = VARIATION_ICONS.get(kind, VARIATION_ICONS["common_cause"])[1]
        words = WORDS.get(kind, "")
        text = f"{_period(period, frequency)}: {shown(row['value'], fmt)}" + (
            f", {words}" if words else ""
        )
        x, y = xs[i], ys[i]
        mark = {
            "improvement": f'<path d="M{x:.1f},{y - 6:.1f} l6,10 h-12 z"',
            "concern": f'<path d="M{x:.1f},{y + 6:.1f} l6,-10 h-12 z"',
            "neutral": f'<path d="M{x:.1f},{y - 6:.1f} l6,6 l-6,6 l-6,-6 z"',
        }.get(shape, f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4"')
        parts.append(f'{mark} class="pt {shape}" data-i="{i}" data-text="{html.escape(text)}"/>')
    first, last = frame.index[0], frame.index[-1]
    desc = (
        f"{label}: {len(frame)} {frequency}ly values, {_period(first, frequency)} to "
        f"{_period(last, frequency)}; latest {latest}."
        + (f" Target {shown(target, fmt)}." if target is not None else "")
        + " Use the left and right arrow keys to read each point."
    )
    return (
        f'<svg id="{chart_id}" class="spc" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'tabindex="0" aria-label="{html.escape(desc)}" focusable="true">'
        + "".join(parts)
        + "</svg>"
    )


def _tick(value: float, fmt: str) -> str:
    """An axis value: percentages and counts as the tiles show them, other numbers with no
    more decimals than the tick needs."""
    if fmt in ("percent", "count"):
        return shown(value, fmt) if fmt == "count" else f"{100 * value:g}%"
    return f"{value:,.10g}"


def sparkline_svg(points: pd.Series) -> str:
    """A small decorative trend line (the tile states the figures in words)."""
    if len(points) < 2:
        return ""
    values = points.to_numpy(dtype=float)
    ys = _scale(values, float(values.min()), float(values.max()), 32, 3)
    xs = [3 + i * 114 / (len(values) - 1) for i in range(len(values))]
    return (
        f'<svg class="spark" viewBox="0 0 120 32" aria-hidden="true" focusable="false">'
        f'<polyline points="{_points(xs, ys)}"/>'
        f'<circle cx="{xs[-1]:.1f}" cy="{ys[-1]:.1f}" r="2.5"/></svg>'
    )


def _points(xs, ys) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))


def _period(period: pd.Period, frequency: str) -> str:
    return ("quarter ending " if frequency == "quarter" else "") + f"{period:%b %Y}"


def change_words(value, before, fmt: str) -> str:
    """This value against a year earlier, in words."""
    if not is_number(value) or not is_number(before):
        return "no figure a year earlier" if is_number(value) else ""
    if shown(value, fmt) == shown(before, fmt):
        return f"unchanged from {shown(before, fmt)} a year earlier"
    return f"{'up' if value > before else 'down'} from {shown(before, fmt)} a year earlier"


def table_html(label: str, frame: pd.DataFrame, fmt: str, frequency: str) -> str:
    """The chart's data as a table (the "view as table" switch)."""
    head = "Quarter ending" if frequency == "quarter" else "Month"
    rows = "".join(
        f'<tr><th scope="row">{p:%b %Y}</th><td class="num">{html.escape(shown(r["value"], fmt))}'
        f'</td><td class="num">{html.escape(shown(r.get("mean"), fmt, "–"))}</td>'
        f'<td class="num">{html.escape(shown(r.get("lpl"), fmt, "–"))} to '
        f"{html.escape(shown(r.get('upl'), fmt, '–'))}</td>"
        f"<td>{html.escape(WORDS.get(r.get('point_type'), '–'))}</td></tr>"
        for p, r in frame.to_dict("index").items()
    )
    return (
        f"<table><caption>{html.escape(label)}</caption><thead><tr>"
        f'<th scope="col">{head}</th><th scope="col" class="num">Value</th>'
        '<th scope="col" class="num">Mean</th><th scope="col" class="num">Process limits</th>'
        f'<th scope="col">Variation</th></tr></thead><tbody>{rows}</tbody></table>'
    )
