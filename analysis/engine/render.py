"""Render an executed notebook to a self-contained HTML page and an A4 PDF.

HTML: nbconvert in-process with its `basic` template, inputs and prompts hidden, parameter
cells and stderr removed, wrapped in the project's page template (title block, marking,
synthetic-data banner, contents). PDF: WeasyPrint from that HTML; no LaTeX, no browser.
"""

from __future__ import annotations

import html as htmllib
import re
from datetime import datetime
from functools import cache
from pathlib import Path

import jinja2
import nbformat
from nbconvert import HTMLExporter

from analysis import __version__
from analysis.config import PACKAGE_DIR
from analysis.engine import MARKING_OUTPUT

TEMPLATES = PACKAGE_DIR / "presentation" / "templates"
HIDDEN_TAGS = {"parameters", "injected-parameters", "remove"}
_HEADING = re.compile(r"<h([23])([^>]*)>(.*?)</h\1>", re.S)


def clean_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without parameter cells, stderr output (warnings, progress) or the notebook's
    own marking output (the page template carries the marking)."""
    nb = nbformat.from_dict(nb)
    nb.cells = [c for c in nb.cells if not HIDDEN_TAGS & set(c.get("metadata", {}).get("tags", []))]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.outputs
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                and not o.get("metadata", {}).get(MARKING_OUTPUT)
            ]
    return nb


def _slug(text: str, seen: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
    slug, n = base, 2
    while slug in seen:
        slug, n = f"{base}-{n}", n + 1
    seen.add(slug)
    return slug


def add_contents(body: str) -> tuple[str, list[tuple[str, str]]]:
    """Give every h2 a stable id (dropping nbconvert's pilcrow links); list h2s for contents."""
    seen: set[str] = set()
    contents: list[tuple[str, str]] = []

    def fix(match: re.Match) -> str:
        level, inner = match.group(1), match.group(3)
        inner = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", inner, flags=re.S)
        text = htmllib.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        slug = _slug(text, seen)
        if level == "2":
            contents.append((slug, text))
        return f'<h{level} id="{slug}">{inner}</h{level}>'

    return _HEADING.sub(fix, body), contents


@cache
def _exporter() -> HTMLExporter:
    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def notebook_body(nb: nbformat.NotebookNode) -> str:
    body, _ = _exporter().from_notebook_node(clean_notebook(nb))
    return body


def render_html(nb: nbformat.NotebookNode, meta: dict) -> str:
    """The full page. `meta`: title, la_name, period_label, classification, synthetic."""
    body, contents = add_contents(notebook_body(nb))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    page = env.get_template("report.html")
    return page.render(
        body=jinja2.utils.markupsafe.Markup(body),
        css=jinja2.utils.markupsafe.Markup((TEMPLATES / "report.css").read_text()),
        contents=contents if len(contents) >= 3 else [],
        generated=datetime.now().strftime("%d/%m/%Y %H:%M"),
        version=__version__,
        **meta,
    )


@cache
def _fonts():
    """One WeasyPrint font configuration per process, so the fonts loaded and the text shaped
    for one report's PDF serve the next (about 15% faster from the second PDF on; the pages
    have no web fonts of their own to carry over)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(html_text: str, target: Path) -> None:
    """An A4 PDF of the page, with running header (marking, title) and 'Page X of Y'."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    HTML(string=html_text, base_url=str(TEMPLATES)).write_pdf(str(target), font_config=_fonts())
