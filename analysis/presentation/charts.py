"""House style for charts: one palette and one set of matplotlib settings for every report.

Colours are the UK Government Analysis Function's colour-blind-safe categorical palette.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from analysis.presentation.formats import fmt  # noqa: E402

PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
HIGHLIGHT = "#12436D"
MUTED = "#BFBFBF"
CONCERN = "#F46A25"
IMPROVEMENT = "#28A197"
NEUTRAL = "#A285D1"

STYLE = {
    "figure.figsize": (8, 4),
    "figure.dpi": 100,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#E6E6E6",
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "legend.frameon": False,
    "savefig.bbox": "tight",
}


def new_chart(title: str, ylabel: str, xlabel: str = "", size: tuple[float, float] | None = None):
    """A figure and axes in the house style, titled and with labelled axes."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=size or STYLE["figure.figsize"])
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.set_xlabel(xlabel)
    return fig, ax


def apply_style() -> None:
    """Use the house style for figures created afterwards."""
    plt.rcParams.update(STYLE)


apply_style()


def _label(value) -> str:
    return f"{value:%b %Y}" if hasattr(value, "strftime") else str(value)


def _value(value, percent: bool) -> str:
    """A value for alt text, in the house format (`formats.fmt`)."""
    if value is None or value != value:
        return "no value"
    kind = "percent" if percent else "count" if float(value).is_integer() else "decimal1"
    return fmt(value, kind)


def _thin_ticks(ax, labels: list[str], most: int = 8) -> None:
    """Tick and label at most `most` of the categories along the x axis (every k-th, counted
    back from the latest, which is always labelled), rotated when there are more than six,
    so labels never overlap. Only those ticks are made (each month is a marker or a bar
    already): a tick per category, most of them hidden, took longer to draw than the chart."""
    n = len(labels)
    ax.tick_params(axis="x", rotation=45 if n > 6 else 0)
    if not n:
        return
    step = -(-n // most)
    keep = [i for i in range(n) if (n - 1 - i) % step == 0]
    ax.set_xticks(keep, [labels[i] for i in keep])


def _latest(ax, x, y: float, text: str) -> None:
    """Write the latest value beside the last point, so the chart reads without hovering."""
    ax.annotate(
        text,
        (x, y),
        xytext=(4, 8),
        textcoords="offset points",
        ha="right",
        fontsize=9,
        fontweight="bold",
        color="#0b0c0c",
    )


def _line_labels(ax, items: list[tuple[float, str]]) -> None:
    """Name horizontal lines (mean, limits, target) with their values at the right edge,
    moved apart just enough (7% of the axis) that no two labels overlap."""
    low, high = ax.get_ylim()
    gap = 0.07 * (high - low)
    placed: list[float] = []
    for y, text in sorted(items, key=lambda item: item[0]):
        at = max(y, placed[-1] + gap) if placed else y
        placed.append(at)
        ax.annotate(
            text,
            (1, at),
            xycoords=("axes fraction", "data"),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color="#3D3D3D",
        )


def stacked_bars(frame, title: str, ylabel: str):
    """Stacked bar chart of a table (index along the x axis, columns stacked); returns the
    figure and alt text describing it."""
    fig, ax = new_chart(title, ylabel)
    labels = [_label(i) for i in frame.index]
    bottom = None
    for i, col in enumerate(frame.columns):
        values = frame[col].astype(float).to_numpy()
        ax.bar(labels, values, bottom=bottom, label=str(col), color=PALETTE[i % len(PALETTE)])
        bottom = values if bottom is None else bottom + values
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    _thin_ticks(ax, labels)
    if len(labels) and bottom is not None and bottom[-1] == bottom[-1]:
        _latest(ax, labels[-1], float(bottom[-1]), f"{labels[-1]}: {_value(bottom[-1], False)}")
    last = frame.iloc[-1]
    parts = ", ".join(f"{c} {_value(last[c], False)}" for c in frame.columns)
    alt = (
        f"Stacked bar chart: {title}. {len(labels)} bars from {labels[0]} to {labels[-1]}; "
        f"the latest ({labels[-1]}) is made up of {parts}."
    )
    return fig, alt


def line_with_interval(
    series,
    title: str,
    ylabel: str,
    low=None,
    high=None,
    percent: bool = True,
    reference: float | None = None,
):
    """A line over time, optionally with a shaded 95% interval and a reference line; returns
    the figure and alt text."""
    fig, ax = new_chart(title, ylabel)
    x = [_label(i) for i in series.index]
    scale = 100 if percent else 1
    ax.plot(x, series.astype(float) * scale, color=HIGHLIGHT, marker="o", markersize=3)
    if low is not None and high is not None:
        ax.fill_between(
            x,
            low.astype(float) * scale,
            high.astype(float) * scale,
            color=HIGHLIGHT,
            alpha=0.15,
            label="95% interval",
        )
        ax.legend(loc="upper left")
    if reference is not None:
        ax.axhline(reference * scale, color=MUTED, linestyle="--")
    _thin_ticks(ax, x)
    if len(x) and _value(series.iloc[-1], percent) != "no value":
        _latest(
            ax,
            x[-1],
            float(series.iloc[-1]) * scale,
            f"{x[-1]}: {_value(series.iloc[-1], percent)}",
        )
    alt = (
        f"Line chart: {title}. From {_value(series.iloc[0], percent)} in {x[0]} to "
        f"{_value(series.iloc[-1], percent)} in {x[-1]}; highest "
        f"{_value(series.max(), percent)}, lowest {_value(series.min(), percent)}."
    )
    return fig, alt


def grouped_bars(frame, title: str, ylabel: str, percent: bool = False):
    """Side-by-side bars: one group per row of the table, one bar per column."""
    import numpy as np

    fig, ax = new_chart(title, ylabel)
    n = len(frame.columns)
    x = np.arange(len(frame.index))
    width = 0.8 / max(n, 1)
    scale = 100 if percent else 1
    for i, col in enumerate(frame.columns):
        ax.bar(
            x + i * width - 0.4 + width / 2,
            frame[col].astype(float) * scale,
            width,
            label=str(col),
            color=PALETTE[i % len(PALETTE)],
        )
    ax.set_xticks(
        x, [_label(i) for i in frame.index], rotation=30 if len(frame.index) > 4 else 0, ha="right"
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, frameon=False)
    parts = "; ".join(
        f"{_label(idx)}: "
        + ", ".join(f"{c} {_value(frame.loc[idx, c], percent)}" for c in frame.columns)
        for idx in frame.index[:8]
    )
    return fig, f"Bar chart: {title}. {parts}."


SPC_COLOURS = {
    "common_cause": "#7F7F7F",
    "special_cause_improvement": "#12436D",
    "special_cause_concern": CONCERN,
    "special_cause_neutral": NEUTRAL,
}
SPC_MARKERS = {
    "common_cause": "o",
    "special_cause_improvement": "^",
    "special_cause_concern": "v",
    "special_cause_neutral": "s",
}


def spc_chart(chart, title: str, ylabel: str, target: float | None = None):
    """An XmR chart from `spc.xmr` output: values, mean, process limits, and points
    coloured and shaped by variation type (so colour is never the only cue)."""
    from analysis.measures.spc import WORDS, describe

    fig, ax = new_chart(title, ylabel, size=(8, 4.2))
    x = [_label(i) for i in chart.index]
    ax.plot(x, chart["value"], color="#3D3D3D", linewidth=1)
    ax.plot(x, chart["mean"], color="#3D3D3D", linestyle="-", linewidth=0.8, label="Mean")
    ax.plot(x, chart["upl"], color="#3D3D3D", linestyle="--", linewidth=0.8, label="Process limits")
    ax.plot(x, chart["lpl"], color="#3D3D3D", linestyle="--", linewidth=0.8)
    if target is not None:
        ax.axhline(target, color=PALETTE[2], linestyle=":", label="Target")
    for kind, colour in SPC_COLOURS.items():
        mask = (chart["point_type"] == kind).to_numpy()
        if mask.any():
            ax.scatter(
                [v for v, m in zip(x, mask, strict=True) if m],
                chart["value"][mask],
                color=colour,
                marker=SPC_MARKERS[kind],
                s=36,
                zorder=3,
                label=WORDS[kind].capitalize(),
            )
    _thin_ticks(ax, x)
    lines = [
        (chart["upl"].iloc[-1], f"Upper limit {chart['upl'].iloc[-1]:.1f}"),
        (chart["mean"].iloc[-1], f"Mean {chart['mean'].iloc[-1]:.1f}"),
        (chart["lpl"].iloc[-1], f"Lower limit {chart['lpl'].iloc[-1]:.1f}"),
    ] + ([(target, f"Target {target:g}")] if target is not None else [])
    _line_labels(ax, lines)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=3, fontsize=9)
    _latest(ax, x[-1], float(chart["value"].iloc[-1]), f"{x[-1]}: {chart['value'].iloc[-1]:.1f}")
    special = int((chart["point_type"] != "common_cause").sum())
    alt = (
        f"Statistical process control chart: {title}, {x[0]} to {x[-1]}. Mean "
        f"{chart['mean'].iloc[0]:.1f}, process limits {chart['lpl'].iloc[0]:.1f} to "
        f"{chart['upl'].iloc[0]:.1f}. {special} {'point shows' if special == 1 else 'points show'} "
        "special cause variation; the "
        f"latest ({x[-1]}, {chart['value'].iloc[-1]:.1f}) shows {describe(chart)}."
    )
    return fig, alt


def heatmap(table, title: str, xlabel: str, ylabel: str):
    """A cross-table as a heatmap with the count written in every cell."""
    import numpy as np

    fig, ax = new_chart(title, ylabel, xlabel, size=(6.5, 5))
    values = table.to_numpy(dtype=float)
    ax.grid(False)
    ax.imshow(values, cmap="Blues")
    rows = [str(i).replace("_", " ").capitalize() for i in table.index]
    cols = [str(c).replace("_", " ").capitalize() for c in table.columns]
    ax.set_xticks(range(len(cols)), cols, rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), rows)
    top = values.max() if values.size else 0
    for (i, j), v in np.ndenumerate(values):
        ax.text(
            j,
            i,
            f"{v:.0f}",
            ha="center",
            va="center",
            color="white" if top and v > top / 2 else "#0b0c0c",
        )
    diagonal = int(np.trace(values)) if values.shape[0] == values.shape[1] else 0
    alt = (
        f"Heatmap: {title}. {int(values.sum())} pairs; {diagonal} on the diagonal where both "
        f"gave the same grade. Rows are {ylabel.lower()}, columns {xlabel.lower()}."
    )
    return fig, alt


def sparkline(series, label: str, frequency: str = "month"):
    """A small trend line (no axes) for the board summary; alt text gives the values' range
    (`frequency`: month or quarter, each point's period)."""
    fig, ax = plt.subplots(figsize=(1.6, 0.45))
    values = series.to_numpy(dtype=float)
    ax.plot(range(len(values)), values, color=HIGHLIGHT, linewidth=1.2)
    if len(values):
        ax.plot(len(values) - 1, values[-1], "o", color=HIGHLIGHT, markersize=3)
    ax.axis("off")
    fig.subplots_adjust(0, 0, 1, 1)
    if len(values):
        alt = (
            f"Trend of {label}: {len(values)} {frequency}ly values from "
            f"{'the quarter ending ' if frequency == 'quarter' else ''}{_label(series.index[0])} "
            f"to {_label(series.index[-1])}, lowest {values.min():.3g}, highest "
            f"{values.max():.3g}, latest {values[-1]:.3g}."
        )
    else:
        alt = f"Trend of {label}: no values yet."
    return fig, alt


def comparison_chart(table, neighbours, la: str, title: str, ylabel: str):
    """The LA's published figure by year (highlighted) against each statistical neighbour
    (grey) and England (dashed reference line); None when there is nothing to draw."""
    if table is None or table.empty:
        return None
    fig, ax = new_chart(title, ylabel)
    years = list(table["Year"])
    if neighbours is not None:
        for i, name in enumerate(neighbours.columns):
            ax.plot(
                list(neighbours.index),
                neighbours[name],
                color=MUTED,
                linewidth=1,
                label="Statistical neighbours" if i == 0 else None,
            )
    ax.plot(years, table["England"], color="#0b0c0c", linestyle="--", label="England")
    ax.plot(years, table[la], color=HIGHLIGHT, linewidth=2.5, marker="o", label=la)
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    last = table.iloc[-1]
    alt = (
        f"Line chart: {title}, {years[0]} to {years[-1]}. In {last['Year']}: {la} "
        f"{_value(last[la], False)}, England {_value(last['England'], False)}, "
        f"statistical neighbours' median {_value(last['Neighbours median'], False)}."
    )
    return fig, alt
