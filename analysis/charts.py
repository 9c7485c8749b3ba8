"""House style for charts: one palette and one set of matplotlib settings for every report.

Colours are the UK Government Analysis Function's colour-blind-safe categorical palette.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

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
