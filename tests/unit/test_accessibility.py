"""Accessibility of the landing page and the report template (static WCAG 2.2 AA checks)."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from support.a11y import check, contrast

from analysis.engine.landing import build_index
from analysis.engine.render import render_html


def test_checker_catches_problems():
    bad = (
        "<html><head><style>p{color:#aaaaaa}</style></head><body><h1>A</h1><h3>B</h3>"
        '<img src="x.png"><a href="a">here</a><table><tr><th>x</th></tr></table></body></html>'
    )
    found = " | ".join(check(bad))
    for words in (
        "lang",
        "title",
        "main landmark",
        "skips from h1 to h3",
        "img without alt",
        "does not make sense",
        "caption",
        "scope",
        "contrast",
    ):
        assert words in found


def test_contrast_ratio_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def _published(tmp_path):
    out = tmp_path / "reports"
    for period, failed in (("2017-02", False), ("2017-03", True)):
        folder = out / period
        folder.mkdir(parents=True)
        (folder / "board_summary.html").write_text("x")
        (folder / "board_summary.pdf").write_text("x")
        (folder / "young_children.html").write_text("x")
        reports = {
            "board_summary": {"status": "published", "title": "Board summary"},
            "young_children": {
                "status": "failed" if failed else "published",
                "title": "Young children becoming looked after",
            },
        }
        (folder / "manifest.json").write_text(
            json.dumps(
                {
                    "period": period,
                    "la_name": "Demo Council",
                    "classification": "OFFICIAL",
                    "synthetic": True,
                    "reports": reports,
                }
            )
        )
        (folder / "metrics.json").write_text(
            json.dumps(
                {
                    "period": period,
                    "reports": {"board_summary": {"key_points": [f"Point {period}"]}},
                }
            )
        )
    return out


def test_landing_page_leads_with_the_latest_board_summary_and_passes(tmp_path):
    page = build_index(_published(tmp_path))
    assert check(page) == []
    main = page[page.index("<main>") :]
    assert main.index("Latest board summary: March 2017") < main.index('id="p2017-02"')
    assert "Point 2017-03" in page and "failed in the latest run" in page
    assert '<input type="radio" name="show" id="show-young_children">' in page
    # static: no inline script or style, the one script and style sheet from assets/, and a
    # Content-Security-Policy that forbids loading anything from elsewhere
    assert re.findall(r"<script[^>]*>", page) == ['<script src="assets/dashboard.js" defer>']
    assert "<style" not in page and " style=" not in page
    assert "default-src 'none'; script-src 'self'; style-src 'self'" in page


def test_report_template_passes():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Summary\n\nText."),
        nbformat.v4.new_markdown_cell("## Detail\n\n### Part\n\nMore."),
        nbformat.v4.new_markdown_cell("## Notes"),
    ]
    page = render_html(
        nb,
        {
            "title": "A report",
            "la_name": "Demo",
            "period_label": "March 2017",
            "classification": "OFFICIAL",
            "synthetic": True,
            "layout": "",
        },
    )
    assert check(page) == []


def test_without_javascript_every_period_is_shown_with_a_link_to_each(tmp_path):
    page = build_index(_published(tmp_path))
    # the sections are not hidden in the page itself: the script hides all but the chosen one
    sections = re.findall(r'<section class="period"[^>]*>', page)
    assert len(sections) == 2 and not any("hidden" in s for s in sections)
    assert '<a href="#d2017-03">March 2017</a>' in page and 'href="#d2017-02"' in page
    # the select is the script's: hidden until it runs
    assert '<div class="js-only" hidden><label for="period">' in page
