"""Presentation helpers: every table, chart and sentence a report shows goes through here.

One place applies the house number formats, accessibility (captions, header scopes, alt
text) and privacy guards (no identifier or date-of-birth column can be displayed).
"""

from __future__ import annotations

import base64
import html
import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML, display

from analysis.validation import BoardpackError

FIGURE_DPI = 120  # sharp on screen and on A4 paper at the house figure size

IDENTIFIER_COLUMNS = {
    "CHILD",
    "UPN",
    "EMPLOYEE_ID",
    "DOB",
    "MOTHER_DOB",
    "FATHER_DOB",
    "MC_DOB",
    "FAMILY_ID",
    "AUDIT_ID",
    "AUDITOR",
    "MODERATOR",
    "HOME_POST",
    "PL_POST",
}


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


def _check_private(frame: pd.DataFrame) -> None:
    names = {str(c).upper() for c in frame.columns} | {str(n).upper() for n in frame.index.names}
    leaked = names & IDENTIFIER_COLUMNS
    if leaked:
        raise BoardpackError(
            f"refusing to display identifier column(s): {', '.join(sorted(leaked))}"
        )


def table_html(
    frame: pd.DataFrame, caption: str, formats: dict[str, str] | None = None, note: str = ""
) -> str:
    """An accessible HTML table: caption, column headers with scope, first column as row
    headers, numbers right-aligned and formatted, no index clutter."""
    _check_private(frame)
    formats = formats or {}
    frame = (
        frame.reset_index() if frame.index.name or isinstance(frame.index, pd.MultiIndex) else frame
    )
    cols = list(frame.columns)
    numeric = {c: pd.api.types.is_numeric_dtype(frame[c]) for c in cols}
    head = "".join(
        f'<th scope="col"{" class=num" if numeric[c] else ""}>{html.escape(str(c))}</th>'
        for c in cols
    )
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for i, c in enumerate(cols):
            text = html.escape(fmt(row[c], formats.get(c, "auto")))
            cls = ' class="num"' if numeric[c] else ""
            tag = 'th scope="row"' if i == 0 and not numeric[c] else "td"
            cells.append(f"<{tag}{cls}>{text}</{tag.split()[0]}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    foot = f'<p class="table-note">{html.escape(note)}</p>' if note else ""
    return (
        f'<div class="table-wrap"><table><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{foot}</div>"
    )


def table(
    frame: pd.DataFrame, caption: str, formats: dict[str, str] | None = None, note: str = ""
) -> None:
    """Display a table in the house style (see `table_html`)."""
    display(HTML(table_html(frame, caption, formats, note)))


def figure_html(fig, alt: str, caption: str = "") -> str:
    """A chart as an embedded PNG with alt text (required) and an optional caption."""
    if not alt or not alt.strip():
        raise BoardpackError("every chart needs alt text describing what it shows")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=FIGURE_DPI, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}">'
        f"{cap}</figure>"
    )


def figure(fig, alt: str, caption: str = "") -> None:
    """Display a chart with alt text (see `figure_html`)."""
    display(HTML(figure_html(fig, alt, caption)))


def summary(sentences: list[str]) -> None:
    """The plain-English summary that opens a report: a short list of sentences."""
    items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences if s)
    display(HTML(f'<div class="summary"><ul>{items}</ul></div>'))


def note(text: str) -> None:
    """A short paragraph of explanation (method notes, caveats, 'data not available')."""
    display(HTML(f'<p class="note">{html.escape(text)}</p>'))


def table_or_note(
    frame: pd.DataFrame | None,
    caption: str,
    missing: str,
    formats: dict[str, str] | None = None,
    note_text: str = "",
) -> None:
    """A table, or a one-line note when the data it needs are not available."""
    if frame is None or len(frame) == 0:
        note(missing)
    else:
        table(frame, caption, formats, note_text)


def sentences(lines: list[str]) -> None:
    """Several short explanatory paragraphs."""
    for line in lines:
        note(line)


SPC_ICONS = {
    "special_cause_improvement": ("▲", "icon-improvement"),
    "special_cause_concern": ("▼", "icon-concern"),
    "special_cause_neutral": ("◆", "icon-neutral"),
    "common_cause": ("●", "icon-common"),
}


def _image(fig, alt: str) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img class="spark" src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def scorecard(card: pd.DataFrame, period_label: str) -> None:
    """The board summary's scorecard: measure (linked to its detail section), this period, a
    year earlier, trend sparkline and the SPC verdict as an icon with words beside it."""
    from analysis.board import shown
    from analysis.charts import sparkline

    rows = []
    for r in card.itertuples():
        icon, cls = SPC_ICONS.get(r.point_type, ("", ""))
        mark = f'<span class="{cls}" aria-hidden="true">{icon}</span> ' if icon else ""
        spark = _image(*sparkline(r.trend, r.label)) if len(r.trend) else "–"
        rows.append(
            f'<tr><th scope="row"><a href="{html.escape(r.link)}">{html.escape(r.label)}</a></th>'
            f'<td class="num">{html.escape(shown(r.value, r.measure.format))}</td>'
            f'<td class="num">{html.escape(shown(r.year_earlier, r.measure.format, "–"))}</td>'
            f"<td>{spark}</td><td>{mark}{html.escape(r.verdict)}</td></tr>"
        )
    display(
        HTML(
            '<div class="table-wrap"><table class="scorecard"><caption>Headline measures, '
            f"{html.escape(period_label)}</caption><thead><tr>"
            '<th scope="col">Measure (links to the detail)</th><th scope="col" class="num">This '
            'period</th><th scope="col" class="num">A year earlier</th><th scope="col">Trend</th>'
            f'<th scope="col">Variation (SPC)</th></tr></thead><tbody>{"".join(rows)}</tbody>'
            "</table></div>"
        )
    )


def figure_if(chart) -> None:
    """Display a (figure, alt text) pair, or nothing when the chart is None (its table has
    already said why there is no data)."""
    if chart is not None:
        figure(*chart)
