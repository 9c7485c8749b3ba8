"""The regional pack: a funnel plot and a table per measure, built from the LAs' tidy
indicator files alone, published as one page (HTML, and A4 PDF) with its metrics.json,
the indicators it read and a manifest, into `<out>/<period>/` all at once."""

from __future__ import annotations

import hashlib
import html
import os
import shutil
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

from analysis.engine.landing import write_index
from analysis.fileio import write_json_atomic
from analysis.measures import funnel as fn
from analysis.periods import period_label
from analysis.presentation import charts
from analysis.presentation.formats import fmt
from analysis.region import LA_PAGE, LA_PAGE_TITLE
from analysis.region.compare import Comparison, figures, outliers, region_comparisons
from analysis.region.indicators import INDICATORS_FILE, SUPPRESSED, read_indicators

TITLE = "How the region's LAs compare"
LA_TITLE = LA_PAGE_TITLE
METHOD = (
    "Each LA's figures are read from the tidy indicators file its own pack wrote (no "
    "child-level record leaves an LA's pack). The centre line is the region's overall value "
    "(all the LAs' numerators over all their denominators). Limits at 95% and 99.8% follow "
    "Spiegelhalter (2005), *Funnel plots for comparing institutional performance*: exact "
    "binomial (proportions) or Poisson (rates per 10,000 children, days per FTE) limits, "
    "interpolated. "
    "Where the LAs vary more than chance allows (the number of LAs times the mean squared "
    "z-score, winsorised at the 10th and 90th percentiles, beyond the 95% point of "
    "chi-squared), the limits are the normal ones widened by the square root of that mean "
    "square, and the limits of chance alone are drawn beside them. With few LAs that "
    "estimate is rough. Each LA's own 95% interval is Wilson's (proportions) or the exact "
    "Poisson interval (rates). The agency rate and days lost per FTE rest on full-time "
    "equivalents (FTE: two half-time staff are one FTE), not counts of people or events: "
    "their limits count each FTE as a person (the agency rate's binomial limits at the "
    "nearest whole FTE) and each FTE day lost as an event, while days are lost in spells "
    "and staff come and go in teams, so chance alone can understate their spread: where "
    "their limits are widened, read the widened ones. DfE published figures are DfE's own, "
    "on DfE's definitions and years."
)
PAGE = LA_PAGE  # the regional page's name, in the region's folder and each LA's
#: Below this many LAs in a funnel, the sentences warn that phi is a rough estimate.
FEW_LAS = 10
#: The funnels' x axes: what each denominator counts.
DENOMINATORS = {
    "children_contacted_month": "Children contacted in the month",
    "contacts_month": "Contacts in the month",
    "referrals_12m": "Referrals in the 12 months",
    "starts_12m": "Starts to care in the 12 months",
    "appraisals_staff_listed": "Staff due an appraisal",
    "population_0_17": "Children aged 0-17",
    "social_work_fte": "Social work FTE, in post and agency",
    "average_fte_12m": "Average FTE in post over the 12 months",
}


def _value_format(c: Comparison) -> str:
    if c.measure.kind == fn.RATE:
        return "decimal1" if c.measure.per > 1 else "decimal2"
    if c.measure.kind == fn.PROPORTION:
        return "percent"
    return "decimal2"


def _shown(value, kind: str) -> str:
    return value if isinstance(value, str) else fmt(value, kind)


#: The funnel plot's drawing: its size and the plot area's margins (SVG user units, px).
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 340, 58, 178, 34, 46
INK, LIMITS, OTHERS = "#0b0c0c", "#505a5f", "#8a8f91"
FONT = 'font-family="Arial, Helvetica, sans-serif"'


def funnel_svg(c: Comparison, highlight: str = "") -> tuple[str, str]:
    """The funnel plot of one measure as SVG, and its alt text: each LA's value against its
    denominator, the pooled target, the 95% (dashed) and 99.8% (solid) limits, and chance
    alone's 99.8% limits (dotted) when they were widened; the LAs beyond the 99.8% limits
    named beside their points (`named_in_chart`). `highlight`: an LA's name, drawn larger in
    the highlight colour and named, the others muted. Drawn here rather than by matplotlib:
    an LA's regional page has a funnel per measure, a region of 153 LAs 153 such pages, and
    SVG costs milliseconds a chart where a rendered image cost a tenth of a second."""
    from matplotlib.ticker import MaxNLocator

    table = c.table[c.table["LA"].isin(set(c.table["LA"]) - set(c.left_out))]
    kind, f = c.measure.kind, c.funnel
    scale = c.measure.per if kind == fn.RATE else 1
    percent = kind == fn.PROPORTION
    show = 100 if percent else 1
    den = pd.to_numeric(table["Denominator"]).to_numpy(dtype=float)
    value = pd.to_numeric(table["Value"]).to_numpy(dtype=float) * show
    exposure = np.linspace(max(den.min() * 0.5, 1.0), den.max() * 1.2, 160) / scale
    if kind == fn.PROPORTION:  # binomial limits exist at whole denominators only
        exposure = np.unique(np.maximum(np.round(exposure), 1))
    curves = [(fn.P95, "6 4", LIMITS), (fn.P998, "", LIMITS)]
    lines = [(p, dash, colour, f) for p, dash, colour in curves]
    if f.adjusted:
        lines.append((fn.P998, "2 3", charts.NEUTRAL, f.unadjusted()))
    drawn = [
        (dash, colour, funnel.limit(exposure, q) * show)
        for p, dash, colour, funnel in lines
        for q in (p, 1 - p)
    ]
    every = np.concatenate([value, [f.target * show]] + [ys for _, _, ys in drawn])
    yticks = _ticks(float(np.nanmin(every)), float(np.nanmax(every)), 100.0 if percent else None)
    low, high = float(yticks[0]), float(yticks[-1])
    xs = exposure * scale
    x0, x1 = float(xs[0]), float(xs[-1])
    xticks = [t for t in MaxNLocator(nbins=5).tick_values(x0, x1) if x0 <= t <= x1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(x):
        return LEFT + plot_w * (np.asarray(x, dtype=float) - x0) / ((x1 - x0) or 1.0)

    def y_of(y):
        return TOP + plot_h * (1 - (np.asarray(y, dtype=float) - low) / ((high - low) or 1.0))

    def text(x, y, words, anchor="start", size=11, extra=""):
        return (
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'fill="{INK}" {FONT}{extra}>{html.escape(words)}</text>'
        )

    bottom = TOP + plot_h
    parts = [text(LEFT, 20, c.measure.label, size=13, extra=' font-weight="bold"')]
    for t in yticks:
        y = float(y_of(t))
        tick = f"{t:g}%" if percent else f"{t:g}"
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#e6e6e6"/>' + text(LEFT - 6, y + 4, tick, "end")
        )
    for t in xticks:
        parts.append(text(float(x_of(t)), bottom + 16, f"{t:,.0f}", "middle"))
    parts += [
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{bottom}" stroke="{INK}"/>',
        f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{bottom}" y2="{bottom}" stroke="{INK}"/>',
        text(
            LEFT + plot_w / 2,
            HEIGHT - 6,
            DENOMINATORS.get(c.measure.denominator, "Denominator"),
            "middle",
        ),  # fmt: skip
        text(
            14,
            TOP + plot_h / 2,
            "%" if percent else c.measure.unit,
            "middle",
            extra=f' transform="rotate(-90 14 {TOP + plot_h / 2:.1f})"',
        ),  # fmt: skip
    ]
    clip = f"clip-{c.measure.key}"  # one funnel per measure on a page
    parts.append(
        f'<clipPath id="{clip}"><rect x="{LEFT}" y="{TOP}" width="{plot_w}" '
        f'height="{plot_h}"/></clipPath>'
    )
    for dash, colour, ys in drawn:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(x_of(xs), y_of(ys), strict=True))
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.5"'
            f'{dashes} clip-path="url(#{clip})"/>'
        )
    target = float(y_of(f.target * show))
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{target:.1f}" y2="{target:.1f}" '
        f'stroke="{INK}" stroke-width="1.5"/>'
    )
    named = {highlight} if highlight else set(named_in_chart(c))
    points = sorted(
        zip(table["LA"], x_of(den), y_of(value), strict=True), key=lambda p: p[0] == highlight
    )  # the highlighted LA drawn last, on top
    for name, x, y in points:
        mine = name == highlight
        colour = charts.PALETTE[2] if mine else OTHERS if highlight else charts.HIGHLIGHT
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{6 if mine else 4.5}" fill="{colour}" '
            'stroke="#ffffff" stroke-width="1"/>'
        )
    for name, x, y in points:  # the names after every point, so no point hides one
        mine = name == highlight
        if name in named:
            anchor = "end" if x > LEFT + plot_w * 0.7 else "start"
            parts.append(
                text(
                    x + (-8 if anchor == "end" else 8),
                    y - 8,
                    name,
                    anchor,
                    extra=' font-weight="bold"' if mine else "",
                )  # fmt: skip
            )
    legend = [("6 4", LIMITS, "95% limits"), ("", LIMITS, "99.8% limits")]
    if f.adjusted:
        legend.append(("2 3", charts.NEUTRAL, "99.8% limits, chance alone"))
    legend.append(("", INK, "Region overall"))
    lx = LEFT + plot_w + 14
    for i, (dash, colour, words) in enumerate(legend):
        y = TOP + 8 + 20 * i
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{lx}" x2="{lx + 22}" y1="{y}" y2="{y}" stroke="{colour}" '
            f'stroke-width="1.5"{dashes}/>' + text(lx + 28, y + 4, words)
        )
    out = outliers(c)
    alt = (
        f"Funnel plot: {c.measure.label}. Each of {len(table)} LAs' value against its "
        f"denominator, with the region's overall value {_shown(f.target, _value_format(c))} and "
        f"95% and 99.8% limits{' widened for overdispersion' if f.adjusted else ''}. "
        f"Above the 99.8% limits: {', '.join(out['above']) or 'none'}; "
        f"below: {', '.join(out['below']) or 'none'}."
    )
    if f.adjusted:
        alone = outliers(c, "Position (chance alone)")
        alt += (
            f" Beyond the 99.8% limits of chance alone: above {', '.join(alone['above']) or 'none'}"
            f"; below {', '.join(alone['below']) or 'none'}."
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" direction="ltr" role="img" '
        f'aria-label="{html.escape(alt)}">'
        f"{''.join(parts)}</svg>"
    )
    return svg, alt


def _ticks(low: float, high: float, top: float | None = None) -> np.ndarray:
    """Round axis ticks covering low to high (about five); with `top` (a share's 100%), the
    first such set that stays within 0 and `top`, so no axis runs to a share of 102%."""
    from matplotlib.ticker import MaxNLocator

    first = MaxNLocator(nbins=5).tick_values(low, high)
    if top is None:
        return first
    for bins in (5, 6, 4, 7, 3, 8):
        ticks = MaxNLocator(nbins=bins).tick_values(low, high)
        if ticks[0] >= 0 and ticks[-1] <= top:
            return ticks
    return np.clip(first, 0, top)


def _caption(c: Comparison) -> str:
    """What the chart's lines are, where a reader could mistake them."""
    if c.funnel is not None and c.funnel.adjusted:
        return (
            "The dashed and solid lines are the 95% and 99.8% limits widened for how much the "
            "LAs usually differ; the dotted lines, chance alone's 99.8% limits. Every LA is in "
            "the table, with its position against both."
        )
    return "Every LA is in the table."


def _figure(svg: str, caption: str = "") -> str:
    """A funnel's SVG in the report's chart frame, with its caption."""
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="chart funnel" tabindex="0">{svg}{cap}</figure>'


def named_in_chart(c: Comparison) -> list[str]:
    """The LAs a regional funnel names beside their points: those beyond the 99.8% limits
    (widened, or of chance alone), whom its sentences name; the rest are in the table (with
    many LAs, every name on the chart would overlap)."""
    named = []
    for column in ("Position", "Position (chance alone)"):
        for names in outliers(c, column).values():
            named += [n for n in names if n not in named]
    return named


def _in_sentence(label: str) -> str:
    """A measure's label inside a sentence: its first letter lower case, unless it starts
    with an abbreviation ("FTE days lost", not "fte days lost")."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _names(names: list[str]) -> str:
    return f"{', '.join(names)} {'is' if len(names) == 1 else 'are'}"


#: Which way is better, in words, after a measure's overall value.
BETTER = {"lower": "lower is better", "higher": "higher is better"}


def _better(c: Comparison) -> str:
    """' (lower is better)', ' (higher is better)', or nothing for a neutral measure."""
    return f" ({BETTER[c.measure.better]})" if c.measure.better in BETTER else ""


def _why_none(c: Comparison) -> str:
    """Why no LA's figure of a measure could be compared, from the values its table holds."""
    values = set(c.table["Value"].astype(str))
    if values <= {"x"}:
        return "not available for any LA: its report was not run, or not for this period"
    if SUPPRESSED in values:
        return "withheld as small numbers, or not available"
    return "none has a count to compare"


def sentences(c: Comparison) -> list[str]:
    """What a measure's funnel says, in words: the overall value (and which way is better);
    who lies beyond the 99.8% limits; when the LAs vary more than chance allows, who lies
    beyond chance alone's limits and who still stands out once the limits allow for the LAs'
    usual spread; who was left out."""
    if c.funnel is None:
        return [f"{c.measure.label}: no LA's figures to compare ({_why_none(c)})."]
    kind = _value_format(c)
    out = outliers(c)
    said = [
        f"{c.measure.label}: the region's overall value (all its LAs together) is "
        f"{_shown(c.funnel.target, kind)}{_better(c)}."
    ]
    if c.measure.fte:
        said.append("FTE: full-time equivalent staff (two half-time staff are one FTE).")
    if c.funnel.adjusted:
        alone = outliers(c, "Position (chance alone)")
        said.append(
            "The LAs differ more than chance alone would make them (about "
            f"{c.funnel.phi:.1f} times the variation chance gives). On identical "
            "definitions, that points to differences in practice, population or how the "
            "figures are recorded, not in what is counted."
        )
        for side in ("above", "below"):
            if alone[side]:
                said.append(f"Against chance alone, {_names(alone[side])} {side} the 99.8% limits.")
        for side in ("above", "below"):
            if out[side]:
                said.append(
                    f"{_names(out[side])} {side} the 99.8% limits even allowing for how much the "
                    "LAs usually differ (the widened limits): "
                    + ("it stands out." if len(out[side]) == 1 else "they stand out.")
                )
        if not out["above"] and not out["below"]:
            pooled = len(c.table) - len(c.left_out)
            said.append(
                "Allowing for how much the LAs usually differ (the widened 99.8% limits), no LA "
                "stands out"
                + (
                    f": with only {pooled} LAs, one far from the others can widen the limits by "
                    "itself."
                    if pooled < FEW_LAS
                    else "."
                )
            )
    else:
        for side in ("above", "below"):
            if out[side]:
                said.append(
                    f"{_names(out[side])} {side} the 99.8% limits: a difference chance alone "
                    "very rarely produces, so worth asking why (practice, population, or how "
                    "the figure is recorded)."
                )
        if not out["above"] and not out["below"]:
            said.append("No LA is beyond the 99.8% limits: the differences are within chance.")
    if c.left_out:
        said.append(
            f"Not in the funnel (figures not available or withheld): {', '.join(c.left_out)}."
        )
    return said


#: A position against a funnel's limits (compare.py's values), as a table and a sentence say it.
WHERE = {
    "within": "within the limits",
    "above 95%": "above the 95% limit",
    "above 99.8%": "above the 99.8% limit",
    "below 95%": "below the 95% limit",
    "below 99.8%": "below the 99.8% limit",
}


def la_sentence(c: Comparison, code: str) -> str:
    """One LA's place in a measure: its value against the region's overall value (and which
    way is better) and where
    it lies (chance alone's limits; the widened ones when the LAs are overdispersed), or,
    when no LA's counts can be pooled into a funnel, against the region's range."""
    rows = c.table[c.table["LA code"] == code]
    label = c.measure.label
    kind = _value_format(c)
    if rows.empty:
        return f"{label}: not available for this LA."
    row = rows.iloc[0]
    value = row["Value"]
    if isinstance(value, str):
        why = "withheld (small numbers)" if value == SUPPRESSED else "not available"
        return f"{label}: {why} for this LA."
    if c.funnel is None:
        values = pd.to_numeric(c.table["Value"], errors="coerce").dropna()
        return (
            f"{label}: {_shown(value, kind)}; the region's LAs range from "
            f"{_shown(values.min(), kind)} to {_shown(values.max(), kind)}."
        )
    target = _shown(c.funnel.target, kind)
    said = f"{label}: {_shown(value, kind)} against the region's {target}{_better(c)}"
    chance = row["Position (chance alone)"]
    if chance == "within":
        return f"{said}, within what chance alone gives."
    said = f"{said}, {WHERE.get(chance, chance)} of chance alone"
    if c.funnel.adjusted:
        where = row["Position"]
        widened = "within them" if where == "within" else WHERE.get(where, where)
        said += f"; allowing for how much the LAs usually differ, {widened}"
    return said + "."


def build_la_notebook(code: str, la_name: str, comparisons: list[Comparison]):
    """An LA's "How we compare in the region" page: its sentence, the funnel with it
    highlighted, and the table, per measure (the regional pack's figures)."""
    md = nbformat.v4.new_markdown_cell
    opening = (
        f"{la_name} against the other LAs of the region, every figure on the same "
        "definitions, computed from each LA's own returns."
    )
    cells = [
        md("## Summary"),
        _bullets([opening] + [la_sentence(c, code) for c in comparisons]),
    ]
    for c in comparisons:
        if c.funnel is None:
            continue
        cells.append(md(f"## {c.measure.label}"))
        cells.append(_cell(_figure(funnel_svg(c, la_name)[0], _caption(c))))
        frame, formats = table_frame(c)
        cells.append(_cell(_html_table(frame, f"{c.measure.label}, by LA", formats, la_name)))
    cells += [md("## Method notes"), md(METHOD)]
    return nbformat.v4.new_notebook(cells=cells)


def table_frame(c: Comparison) -> tuple[pd.DataFrame, dict]:
    """The table as shown, with its formats."""
    kind = _value_format(c)
    table = c.table.drop(columns=["LA code"]).copy()
    formats = {"Value": kind, "DfE published": kind}
    if "Numerator" in table:
        counts = "decimal1" if c.measure.fte else "count"  # FTEs are not whole
        formats |= {
            "Numerator": counts,
            "Denominator": counts,
            "95% interval low": kind,
            "95% interval high": kind,
        }
    if table["DfE published"].isna().all():
        table = table.drop(columns=["DfE published"])
    for column in ("Position", "Position (chance alone)"):
        if column in table:
            table[column] = [WHERE.get(v, v) if isinstance(v, str) else v for v in table[column]]
    return table, formats


def _html_table(frame: pd.DataFrame, caption: str, formats: dict, mine: str = "") -> str:
    """A table in the house style; the row of the LA named `mine` marked "(this LA)"."""
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
    rows = []
    for record in frame.to_dict("records"):
        if mine and record["LA"] == mine:
            record = record | {"LA": f"{mine} (this LA)"}
            rows.append('<tr class="this-la">')
        else:
            rows.append("<tr>")
        cells = []
        for i, (col, value) in enumerate(record.items()):
            missing = value is None or (isinstance(value, float) and np.isnan(value))
            text = "–" if missing else _shown(value, formats.get(col, "auto"))
            tag = 'th scope="row"' if i == 0 else 'td class="num"'
            cells.append(f"<{tag}>{html.escape(text)}</{tag.split()[0]}>")
        rows[-1] += "".join(cells) + "</tr>"
    return (
        f'<div class="table-wrap" tabindex="0" role="region" aria-label="{html.escape(caption)}">'
        f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _bullets(said: list[str]):
    """Sentences as the page's shaded list of points (a notebook cell)."""
    items = "".join(f"<li>{html.escape(s)}</li>" for s in said)
    return _cell(f'<div class="summary"><ul>{items}</ul></div>')


def _cell(markup: str):
    return nbformat.v4.new_code_cell(
        "", outputs=[nbformat.v4.new_output("display_data", data={"text/html": markup})]
    )


def summary_sentences(
    name: str,
    comparisons: list[Comparison],
    public: bool = False,
    threshold: int = 5,
    missing: tuple[str, ...] = (),
) -> list[str]:
    """The regional page's summary: how many LAs are compared on identical definitions (and
    which are missing), which LAs lie beyond chance alone's 99.8% limits on which measures,
    which still stand out allowing for the LAs' usual spread, and what the page cannot show
    (DfE's figures without their files; a public version's withheld counts)."""
    funnels = [c for c in comparisons if c.funnel is not None]

    def who(c: Comparison, column: str) -> str:
        found = outliers(c, column)
        return ", ".join(f"{n} {side}" for side in ("above", "below") for n in found[side])

    def listed(column: str) -> list[str]:
        return [
            f"{_in_sentence(c.measure.label)} ({who(c, column)})" for c in funnels if who(c, column)
        ]

    alone, beyond = listed("Position (chance alone)"), listed("Position")
    said = [
        f"{name}: {len(comparisons[0].table)} LAs compared, every figure computed from each "
        "LA's own returns on the same definitions: like for like in what is counted (how "
        "each LA records its work can still differ)."
    ]
    if missing:
        said.append(
            f"Not compared: {', '.join(missing)}, whose own pack did not publish in this run "
            "(the run's log says why)."
        )
    if alone:
        said.append(
            f"Beyond the 99.8% limits of chance alone, on {len(alone)} of the {len(funnels)} "
            f"measures with figures: {'; '.join(alone)}."
        )
    else:
        said.append("On no measure is an LA beyond the 99.8% limits of chance alone.")
    if beyond:
        said.append(
            "Still beyond the 99.8% limits allowing for how much the LAs usually differ: "
            f"{'; '.join(beyond)}."
        )
    elif alone:
        said.append(
            "On each of those measures the LAs differ more than chance alone would make them; "
            "allowing for that, no LA stands out."
        )
    dfe = [c for c in comparisons if c.measure.dfe is not None]
    if dfe and all(c.table["DfE published"].isna().all() for c in dfe):
        said.append(
            "DfE's published figures for "
            + " and ".join(_in_sentence(c.measure.label) for c in dfe)
            + " are not shown: the benchmark folder holds no DfE files (`boardpack benchmarks "
            "fetch` downloads them; `--benchmarks DIR` names another folder)."
        )
    if public:
        said.append(
            f"Public version: counts from 1 to {threshold} and the figures built on them are "
            f"shown as {SUPPRESSED}, and those LAs are left out of that funnel."
        )
    return said


def build_notebook(
    name: str,
    comparisons: list[Comparison],
    public: bool,
    threshold: int,
    missing: tuple[str, ...] = (),
):
    """The regional page as a notebook of HTML outputs (no code runs), for the house
    renderer."""
    md = nbformat.v4.new_markdown_cell
    summary = summary_sentences(name, comparisons, public, threshold, missing)
    cells = [md("## Summary"), _bullets(summary)]
    for c in comparisons:
        cells += [md(f"## {c.measure.label}"), _bullets(sentences(c))]
        if c.funnel is not None:  # (none: no LA's figures to pool, and the words say so)
            if not named_in_chart(c):
                named = "No LA is beyond the 99.8% limits. "
            elif c.funnel.adjusted:
                named = (
                    "Named on the chart: the LAs beyond a 99.8% limit, widened or of chance alone. "
                )
            else:
                named = "Named on the chart: the LAs beyond the 99.8% limits. "
            cells.append(_cell(_figure(funnel_svg(c)[0], named + _caption(c))))
        frame, formats = table_frame(c)
        cells.append(_cell(_html_table(frame, f"{c.measure.label}, by LA", formats)))
    cells += [
        md("## Method notes"),
        md(METHOD),
    ]
    return nbformat.v4.new_notebook(cells=cells)


def serial(jobs: list[Callable[[], object]]) -> list:
    """Run page jobs one after another in this process (`build_region_pack`'s default)."""
    return [job() for job in jobs]


def build_region_pack(
    indicator_files: list[Path],
    out: Path,
    name: str,
    public: bool = False,
    threshold: int = 5,
    formats: tuple[str, ...] = ("html", "pdf"),
    benchmark_dir: str | Path | None = None,
    synthetic: bool = False,
    classification: str = "",
    la_folders: dict[str, Path] | None = None,
    run_jobs: Callable[[list[Callable[[], object]]], list] = serial,
    missing: tuple[str, ...] = (),
) -> list[Path]:
    """Build and publish the regional pack of every period the files hold, into
    `<out>/<period>/` (public: `<out>/public/<period>/`): region.html/.pdf, indicators.csv
    (the rows read, suppressed as shown in public), metrics.json and manifest.json. Each
    period is built in a staging folder and moved into place file by file with os.replace.
    `la_folders` (new LA code -> the LA pack's output folder): each LA's pack also gets
    `<period>/region.html` (and .pdf), "How we compare in the region", from the same
    figures, and its dashboard rebuilt to link them; `missing`: LAs of the region whose
    packs did not publish (named on the page). The pages (charts, HTML, PDF: nearly all
    the work) are independent jobs given to `run_jobs` together - `serial` here, one Dask
    task each in `boardpack region run` - and the figures and files around them are
    written here. Returns the regional period folders written."""
    tidy = read_indicators(indicator_files)
    base = Path(out) / ("public" if public else "")
    jobs, periods, la_stems = [], [], []
    token = uuid.uuid4().hex[:12]
    for period, rows in tidy.groupby("period", sort=True):
        comparisons = region_comparisons(rows, public, threshold, benchmark_dir)
        staging = base / ".staging" / uuid.uuid4().hex[:12]
        staging.mkdir(parents=True)
        meta = {
            "title": TITLE,
            "la_name": name,
            "area_label": "Region",
            "classification": classification,
            "period_label": period_label(period),
            "synthetic": synthetic,
            "layout": "",
            "role": "detail",
            "partial": [],
        }
        jobs.append(
            partial(
                region_page, name, comparisons, public, threshold, meta, staging, formats, missing
            )
        )
        for code, folder in (la_folders or {}).items():
            names = rows.loc[rows["new_la_code"] == code, "la_name"]
            if names.empty or not (Path(folder) / period).is_dir():
                continue
            la_meta = meta | {
                "title": LA_TITLE,
                "la_name": names.iloc[0],
                "area_label": "Local authority",
            }
            stem = Path(folder) / period / PAGE
            la_stems.append(stem)
            jobs.append(partial(la_page, code, comparisons, la_meta, stem, formats, token))
        shared = rows.drop(columns=["period"])
        if public:
            shared = _suppress_rows(shared, comparisons)
        shared.to_csv(staging / INDICATORS_FILE, index=False, lineterminator="\n")
        write_json_atomic(
            staging / "metrics.json",
            {"period": period, "region": name, "measures": figures(comparisons)},
        )
        write_json_atomic(
            staging / "manifest.json",
            {
                "period": period,
                "region": name,
                "publication": "public" if public else "restricted",
                "suppression_threshold": threshold if public else None,
                "generated": datetime.now().isoformat(timespec="seconds"),
                "inputs": [
                    {"file": str(p), "sha256": hashlib.sha256(Path(p).read_bytes()).hexdigest()}
                    for p in indicator_files
                ],
            },
        )
        periods.append((period, staging))
    written = []
    try:
        run_jobs(jobs)
        for stem in la_stems:  # every page rendered: the LAs' pages go into place together
            for ext in formats:
                os.replace(_staged(stem, token, ext), stem.with_suffix(f".{ext}"))
        for period, staging in periods:
            target = base / period
            target.mkdir(parents=True, exist_ok=True)
            for ext in ("html", "pdf"):
                if ext not in formats:
                    (target / f"{PAGE}.{ext}").unlink(missing_ok=True)
            for item in staging.iterdir():
                os.replace(item, target / item.name)
            written.append(target)
    finally:  # a page that failed leaves nothing half-built behind
        shutil.rmtree(base / ".staging", ignore_errors=True)
        for stem in la_stems:
            for ext in formats:
                _staged(stem, token, ext).unlink(missing_ok=True)
    # each LA's dashboard, rebuilt to link its new pages (one job an LA)
    la_packs = sorted({stem.parent.parent for stem in la_stems})
    run_jobs([partial(write_index, folder) for folder in la_packs])
    return written


def region_page(
    name: str,
    comparisons: list[Comparison],
    public: bool,
    threshold: int,
    meta: dict,
    staging: Path,
    formats: tuple[str, ...],
    missing: tuple[str, ...] = (),
) -> None:
    """The regional page of one period, rendered into its staging folder (a page job)."""
    from analysis.engine.render import render_html

    page = render_html(build_notebook(name, comparisons, public, threshold, missing), meta)
    _write_page(page, formats, lambda ext: staging / f"{PAGE}.{ext}")


def la_page(
    code: str,
    comparisons: list[Comparison],
    meta: dict,
    stem: Path,
    formats: tuple[str, ...],
    token: str,
) -> None:
    """One LA's "How we compare in the region" page of one period, rendered beside its
    place in the pack's period folder under a hidden name (a page job); the pack moves
    every LA's pages into place once all of them are rendered."""
    from analysis.engine.render import render_html

    page = render_html(build_la_notebook(code, meta["la_name"], comparisons), meta)
    _write_page(page, formats, lambda ext: _staged(stem, token, ext))


def _write_page(page: str, formats: tuple[str, ...], path: Callable[[str], Path]) -> None:
    """A rendered page as HTML and PDF, each as `formats` asks, at `path(extension)`."""
    from analysis.engine.render import render_pdf

    if "html" in formats:
        path("html").write_text(page, encoding="utf-8")
    if "pdf" in formats:
        render_pdf(page, path("pdf"))


def _staged(stem: Path, token: str, ext: str) -> Path:
    """Where a page job leaves an LA's page until the pack publishes it."""
    return stem.with_name(f".{stem.name}.{token}.{ext}")


def _suppress_rows(tidy: pd.DataFrame, comparisons: list[Comparison]) -> pd.DataFrame:
    """The tidy rows with every cell the public tables show as `c` set to `c` too."""
    tidy = tidy.copy()
    for c in comparisons:
        if "Numerator" not in c.table:
            continue
        hidden = c.table.loc[c.table["Value"].astype(str) == SUPPRESSED, "LA code"]
        rows = tidy["new_la_code"].isin(set(hidden))
        for col in (f"{c.measure.key}_numerator", f"{c.measure.key}_denominator", c.measure.key):
            tidy.loc[rows, col] = SUPPRESSED
    return tidy
