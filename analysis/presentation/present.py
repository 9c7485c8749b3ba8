"""Presentation helpers: every table, chart and sentence a report shows goes through here.

One place applies the house number formats, accessibility (captions, header scopes, alt
text) and privacy guards (no identifier or date-of-birth column can be displayed), and, in
the `public` publication mode, statistical disclosure control: small counts and what could
reveal them are suppressed in every table, charts resting on small counts are left out, and
withheld figures print as `c` in sentences.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML, display

from analysis.config import read_yaml
from analysis.errors import BoardpackError
from analysis.fileio import write_json_atomic
from analysis.presentation import disclosure, model
from analysis.presentation.formats import (
    ASSURANCE_ICONS,
    VARIATION_ICONS,
    VARIATION_SHORT,
    fmt,
    shown,
    shown_of,
)
from analysis.withheld import SUPPRESSED, withheld

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


NO_COUNTS = ()  # `rests_on` for charts of days, rates or published statistics, not of people


@dataclass
class Publication:
    """How this report is published, and what disclosure control has done so far (written
    to `audit_path` for the run's manifest)."""

    mode: str = "restricted"
    threshold: int = 5
    audit_path: Path | None = None
    cells_suppressed: int = 0
    metrics_suppressed: int = 0
    figures_left_out: int = 0
    linked: dict = field(default_factory=dict)  # (key, row label) -> suppressed, see `keys`

    @property
    def public(self) -> bool:
        return self.mode == "public"

    def count(self, **added: int) -> None:
        for name, n in added.items():
            setattr(self, name, getattr(self, name) + n)
        if self.audit_path is not None:
            write_json_atomic(
                self.audit_path,
                {
                    "publication": self.mode,
                    "suppression_threshold": self.threshold,
                    "cells_suppressed": self.cells_suppressed,
                    "metrics_suppressed": self.metrics_suppressed,
                    "figures_left_out": self.figures_left_out,
                },
            )


PUBLICATION = Publication()


def configure(publication: str = "restricted", threshold: int = 5, audit_path=None):
    """Set the publication mode for this kernel's report (called by `open_session`)."""
    global PUBLICATION
    disclosure.check_mode(publication, threshold)
    PUBLICATION = Publication(publication, threshold, Path(audit_path) if audit_path else None)
    PUBLICATION.count()
    return PUBLICATION


def _check_private(frame: pd.DataFrame) -> None:
    names = {str(c).upper() for c in frame.columns} | {str(n).upper() for n in frame.index.names}
    leaked = names & IDENTIFIER_COLUMNS
    if leaked:
        raise BoardpackError(
            f"refusing to display identifier column(s): {', '.join(sorted(leaked))} - no "
            "child or employee identifier, name or date of birth may appear in a report; "
            "drop the column or count by it first"
        )


def table_html(
    frame: pd.DataFrame,
    caption: str,
    formats: dict[str, str] | None = None,
    note: str = "",
    base: dict | None = None,
    published_statistics: bool = False,
    lines: list | None = None,
    keys: dict | None = None,
) -> str:
    """An accessible HTML table: caption, column headers with scope, first column as row
    headers, numbers right-aligned and formatted, no index clutter.

    In the public mode the table is protected by `disclosure.protect_table` first (`base`:
    denominators of percentage columns whose numerators are not shown; `lines`: groups of
    cells whose total another table publishes; `keys`: {count column: key} for columns
    whose cells count the same thing, row by row, as another table's column with that key)
    and a footnote explains the symbol.
    `published_statistics` marks a table of another body's published statistics (DfE),
    which carry that body's own disclosure control and are shown as they are.
    """
    _check_private(frame)
    formats = formats or {}
    frame = (
        frame.reset_index() if frame.index.name or isinstance(frame.index, pd.MultiIndex) else frame
    )
    cols = list(frame.columns)
    numeric = {c: pd.api.types.is_numeric_dtype(frame[c]) for c in cols}
    if PUBLICATION.public and not published_statistics:
        frame, n = _protect(frame, formats, base, lines, keys or {})
        PUBLICATION.count(cells_suppressed=n)
        if n:
            footnote = disclosure.FOOTNOTE.format(threshold=PUBLICATION.threshold)
            note = f"{note} {footnote}".strip()
    head = "".join(
        f'<th scope="col"{" class=num" if numeric[c] else ""}>{html.escape(str(c))}</th>'
        for c in cols
    )
    rows = []
    for _, row in frame.astype(object).iterrows():  # keep each cell's own type
        cells = []
        for i, c in enumerate(cols):
            text = html.escape(fmt(row[c], formats.get(c, "auto")))
            cls = ' class="num"' if numeric[c] else ""
            tag = 'th scope="row"' if i == 0 and not numeric[c] else "td"
            cells.append(f"<{tag}{cls}>{text}</{tag.split()[0]}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    foot = f'<p class="table-note">{html.escape(note)}</p>' if note else ""
    return (
        f'<div class="table-wrap" {_scrollable(caption)}><table>'
        f"<caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{foot}</div>"
    )


def _scrollable(label: str) -> str:
    """Attributes of a table's wrapper, which scrolls sideways on a narrow screen: a named,
    focusable region, so keyboard users can scroll it too (WCAG 2.1.1)."""
    return f'tabindex="0" role="region" aria-label="{html.escape(label, quote=True)}"'


def _protect(frame, formats, base, lines, keys) -> tuple[pd.DataFrame, int]:
    """`disclosure.protect_table`, consistent with the report's earlier tables: a linked
    cell suppressed there is suppressed here, and one shown there is not used as cover."""
    counts = disclosure.count_columns(frame, formats)
    labels = frame.iloc[:, 0].astype(str).tolist()
    linked = [
        (i, j, (keys[c], labels[i]))
        for j, c in enumerate(counts)
        if c in keys
        for i in range(len(frame))
    ]
    hidden = np.zeros((len(frame), len(counts)), dtype=bool)
    known = hidden.copy()
    for i, j, key in linked:
        if key in PUBLICATION.linked:
            (hidden if PUBLICATION.linked[key] else known)[i, j] = True
    out, n = disclosure.protect_table(
        frame, PUBLICATION.threshold, formats, base, lines, hidden, known
    )
    for i, j, key in linked:
        PUBLICATION.linked[key] = withheld(out.iloc[i][counts[j]])
    return out, n


def link(figures: dict) -> None:
    """Tell the public mode which linked cells ({key: {row label: value}}, see `keys` in
    `table_html`) the report has already published or withheld, e.g. in its sentences."""
    for key, values in figures.items():
        for label, value in values.items():
            PUBLICATION.linked[(key, str(label))] = withheld(value)


def as_published(
    frame: pd.DataFrame,
    formats: dict[str, str] | None = None,
    base: dict | None = None,
    lines: list | None = None,
) -> pd.DataFrame:
    """The table as this report publishes it (protected in the public mode), for sentences
    and charts that quote from it."""
    if not PUBLICATION.public:
        return frame
    return disclosure.protect_table(frame, PUBLICATION.threshold, formats, base, lines)[0]


class Shown(HTML):
    """A page fragment for the notebook: its HTML, and as plain text the same words and
    figures (what a plain Python session prints, and a notebook's text/plain output)."""

    def __repr__(self) -> str:
        from lxml import html as lxml_html

        root = lxml_html.fromstring(f"<div>{self.data}</div>")
        for row in root.iter("tr"):
            row.tail = "\n" + (row.tail or "")
            for cell in row.iter("th", "td"):
                cell.tail = "  " + (cell.tail or "")
        for block in root.iter("li", "p", "caption", "dt"):
            block.tail = "\n" + (block.tail or "")
        for item in root.iter("li"):
            item.text = "- " + (item.text or "")
        lines = (line.rstrip() for line in root.text_content().splitlines())
        return "\n".join(line for line in lines if line)


def table(frame: pd.DataFrame, caption: str, *args, **options) -> None:
    """Display a table in the house style (arguments and options as for `table_html`)."""
    display(Shown(table_html(frame, caption, *args, **options)))


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
        f'<figure class="chart" tabindex="0"><img src="data:image/png;base64,{data}" '
        f'alt="{html.escape(alt, quote=True)}">{cap}</figure>'
    )


def figure(fig, alt: str, caption: str = "", rests_on=None) -> None:
    """Display a chart with alt text (see `figure_html`).

    `rests_on`: the counts of children or staff the chart's points are built on (a frame,
    series or list; for a chart of a table's figures, the table `as_published`), or
    `NO_COUNTS` for a chart of days, rates or published statistics. In the public mode a
    chart is left out, with a note saying so, when any of those counts is from 1 to the
    threshold or suppressed, or when it does not say what it rests on.
    """
    if PUBLICATION.public and not _safe_to_publish(rests_on):
        plt.close(fig)
        PUBLICATION.count(figures_left_out=1)
        title = _TITLE.match(alt)
        title = title.group(1) if title else "a chart"  # the alt text's figures could leak
        note(
            f"Chart not shown in the public version because it rests on small numbers: {title}."
            if rests_on is not None
            else f"Chart not shown in the public version: {title}."
        )
        return
    display(HTML(figure_html(fig, alt, caption)))


_TITLE = re.compile(r"^[^:]+: (.+?)\. ")  # "Line chart: <title>. From ..." -> <title>


def _safe_to_publish(rests_on) -> bool:
    if rests_on is None:
        return False
    if not len(rests_on):
        return True
    cells = pd.DataFrame(rests_on).to_numpy().ravel()
    if any(withheld(v) for v in cells):
        return False
    values = pd.to_numeric(pd.Series(cells), errors="coerce").dropna()
    return not values.between(1, PUBLICATION.threshold).any()


_WITHHELD_WORD = re.compile(rf"(?<![\w'’-]){SUPPRESSED}(?![\w'’-])")
_WITHHELD_PERCENT = re.compile(rf"(?<![\w'’-]){SUPPRESSED}%")  # "c%" reads as "c"


def summary(sentences: list[str]) -> None:
    """The plain-English summary that opens a report: a short list of sentences (a withheld
    figure prints as `c`; the public mode then adds a line explaining it)."""
    sentences = [_WITHHELD_PERCENT.sub(SUPPRESSED, s) for s in sentences if s]
    if PUBLICATION.public and any(_WITHHELD_WORD.search(s) for s in sentences):
        sentences.append(disclosure.FOOTNOTE.format(threshold=PUBLICATION.threshold))
    items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
    display(Shown(f'<div class="summary"><ul>{items}</ul></div>'))


def note(text: str) -> None:
    """A short paragraph of explanation (method notes, caveats, 'data not available'); an
    empty one shows nothing."""
    if text:
        display(Shown(f'<p class="note">{html.escape(text)}</p>'))


def _image(fig, alt: str) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img class="spark" src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def scorecard(card: pd.DataFrame, period_label: str) -> None:
    """The board summary's scorecard: measure (linked to its detail section), this period, a
    year earlier, trend sparkline, the SPC verdict as an icon with words beside it, and -
    when any measure has a target - the assurance icon with its words."""
    from analysis.presentation.charts import sparkline

    targets = card["assurance"].notna().any() or any(card.get("target", pd.Series()).astype(bool))
    rows = []
    for r in card.itertuples():
        icon, name = VARIATION_ICONS.get(r.point_type, ("", ""))
        mark = f'<span class="icon-{name}" aria-hidden="true">{icon}</span> ' if icon else ""
        spark = _image(*sparkline(r.trend, r.label, r.measure.frequency)) if len(r.trend) else "–"
        sign, words = ASSURANCE_ICONS.get(r.assurance, ("", ""))
        words = words.replace("consistently ", "")
        assured = f'<span aria-hidden="true">{sign}</span> {words}' if sign else ""
        target = getattr(r, "target_short", "")
        assured = "; ".join(x for x in (assured, html.escape(target)) if x) or "–"
        short = getattr(r, "short", "") or VARIATION_SHORT.get(r.point_type, r.verdict)
        rows.append(
            f'<tr><th scope="row"><a href="{html.escape(r.link)}">{html.escape(r.label)}</a></th>'
            f'<td class="num" data-label="This period">'
            f"{html.escape(shown_of(r.value, r.out_of, r.measure.format))}</td>"
            f'<td class="num" data-label="A year earlier">'
            f"{html.escape(shown(r.year_earlier, r.measure.format, '–'))}</td>"
            f'<td data-label="Trend">{spark}</td>'
            f'<td data-label="Variation">{mark}{html.escape(short)}</td>'
            + (f'<td data-label="Assurance">{assured}</td>' if targets else "")
            + "</tr>"
        )
    head = (
        '<th scope="col">Measure (links to the detail)</th><th scope="col" class="num">This '
        'period</th><th scope="col" class="num">A year earlier</th><th scope="col">Trend</th>'
        '<th scope="col">Variation (SPC)</th>'
        + ('<th scope="col">Assurance (target)</th>' if targets else "")
    )
    display(
        HTML(
            f'<div class="table-wrap" {_scrollable("Headline measures")}><table class="scorecard">'
            f"<caption>Headline measures, {html.escape(period_label)}</caption>"
            f"<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )
    )


@cache
def definitions() -> dict[str, str]:
    """Plain-English definitions of the words the reports use (glossary.yaml)."""
    return read_yaml(Path(__file__).with_name("glossary.yaml"))


#: Glossary terms that a page may name by an abbreviation or a short word, each with the
#: pattern that finds it in the page's words (`terms_used`).
SIGNALS = {
    "FTE": r"\bFTE\b",
    "NFA": r"\bNFA\b",
    "Cohen's kappa": r"\bkappa\b",
    "CSWW": r"\bCSWW\b",
    "DfE": r"\bDfE\b",
    "CIN": r"\bCIN\b",
    "ONS": r"\bONS\b",
    "SPC (statistical process control)": r"\bSPC\b|\bspecial.cause\b|\bcommon cause\b",
    "confidence interval": r"\bCI\b|\bconfidence interval\b",
}


def terms_used(texts: list[str]) -> list[str]:
    """The glossary terms of `SIGNALS` that the given words use, in `SIGNALS` order: the
    "Words used" box of a page whose words are not fixed in advance (the board summary, the
    dashboard)."""
    words = "\n".join(texts)
    return [term for term, pattern in SIGNALS.items() if re.search(pattern, words)]


def glossary_html(terms: list[str]) -> str:
    """The "Words used in this report" box; a term with no definition is an error."""
    missing = [t for t in terms if t not in definitions()]
    if missing:
        raise BoardpackError(f"no plain-English definition for: {', '.join(missing)}")
    # the layout is inline too, so the box reads the same in JupyterLab (whose own styles
    # for lists would otherwise apply) as on the published page
    items = "".join(
        f'<dt style="grid-column:1;font-weight:bold;margin:0">{html.escape(t)}</dt>'
        f'<dd style="grid-column:2;margin:0">{html.escape(definitions()[t])}</dd>'
        for t in terms
    )
    return (
        '<div class="glossary"><p class="glossary-title">Words used in this report</p>'
        '<dl style="display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;'
        f'margin:0">{items}</dl></div>'
    )


def show(blocks, caption: str = "", formats: dict[str, str] | None = None) -> None:
    """Display a section of a report model (`analysis.presentation.model`), block by block;
    or one block; or a DataFrame as a table in the house style (with `caption` and
    `formats`, as `table`), refusing identifier columns like every table."""
    if isinstance(blocks, pd.DataFrame | pd.Series):
        frame = blocks.to_frame() if isinstance(blocks, pd.Series) else blocks
        table(frame, caption or "Table", formats)
        return
    if not isinstance(blocks, list):
        blocks = [blocks]
    for b in blocks:
        if isinstance(b, model.Table):
            table(b.frame, b.caption, b.formats, b.note, **b.options)
        elif isinstance(b, model.Figure):
            if b.chart is not None:
                figure(*b.chart, rests_on=b.rests_on)
        elif isinstance(b, model.Summary):
            summary(b.sentences)
        elif isinstance(b, model.Note):
            note(b.text)
        elif isinstance(b, model.Restricted):
            if PUBLICATION.public:
                note(b.public_note)
            else:
                show([b.table])
        elif isinstance(b, model.Scorecard):
            scorecard(b.card, b.period_label)
        elif isinstance(b, model.Glossary):
            display(Shown(glossary_html(b.terms)))
        else:
            raise BoardpackError(
                f"show() takes a report section, one of its blocks or a DataFrame, not "
                f"{type(b).__name__}"
            )
