"""Where a PDF's text sits: anything drawn outside the page box was cut off on paper."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader


def text_outside_the_page(path: Path) -> list[str]:
    """Every text run whose start lies outside its page's box, as 'page N: text (x, y)'.
    A run is placed by its text matrix and the current transformation matrix (pypdf's
    visitor), so a table cut off at the right edge shows as runs with x beyond the width."""
    found = []
    for number, page in enumerate(PdfReader(path).pages, start=1):
        box = page.mediabox
        width, height = float(box.width), float(box.height)

        def visit(text, cm, tm, font_dict, font_size, number=number, width=width, height=height):
            if not text.strip():
                return
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            if not (0 <= x <= width and 0 <= y <= height):
                found.append(f"page {number}: {text.strip()[:40]!r} ({x:.0f}, {y:.0f})")

        page.extract_text(visitor_text=visit)
    return found
