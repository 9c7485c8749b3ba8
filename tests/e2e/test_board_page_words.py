"""Every board-facing page of the demo pack, restricted and public, read as a board member
reads it: no library names, file names, commands, parameter paths, raw codes, float-formatted
counts or "(s)" plurals (the data quality report's technical annex may name files), and every
abbreviation glossed where it first appears (tests/support/words.py); the board summary on one
A4 page, opening with what needs the board's attention."""

from __future__ import annotations

from pypdf import PdfReader
from support.pdf import text_outside_the_page
from support.words import problems, unglossed

PERIOD = "2017-03"


def test_board_pages_use_the_boards_words(demo_pack):
    out = demo_pack.out
    pages = [out / "index.html", out / "public" / "index.html"]
    for folder in (out / PERIOD, out / "public" / PERIOD):
        pages += sorted(folder.glob("*.html"))
    found = {
        str(p.relative_to(out)): problems(p.read_text()) + unglossed(p.read_text()) for p in pages
    }
    assert len(pages) > 2 and {page: f for page, f in found.items() if f} == {}


def test_the_board_summary_is_one_a4_page_that_opens_with_what_needs_attention(demo_pack):
    for folder in (demo_pack.out / PERIOD, demo_pack.out / "public" / PERIOD):
        pdf = folder / "board_summary.pdf"
        reader = PdfReader(pdf)
        box = reader.pages[0].mediabox  # A4 is 595 x 842 points
        assert len(reader.pages) == 1 and (round(box.width), round(box.height)) == (595, 842)
        assert text_outside_the_page(pdf) == []
        text = " ".join(reader.pages[0].extract_text().split())
        # the words box is on the page, after the scorecard
        assert text.index("Needs the board's attention") < text.index("Scorecard")
        assert text.index("Scorecard") < text.index("Words used in this report")
    text = " ".join(PdfReader(demo_pack.out / PERIOD / "board_summary.pdf").pages[0]
                    .extract_text().split())  # fmt: skip
    attention = text[text.index("Needs the board's attention") : text.index("Improved:")]
    for item in (
        "FTE days lost to sickness per FTE (12 months): 18.14, up from 15.34",
        "NFA dip sample closures found appropriate",
        "Under-1 share of children starting care (12 months): 23.8%, up from 11.2%",
        "Overdue action: IP16 Agency reduction plan (owner: Head of workforce; due Jan 2017)",
    ):
        assert item in attention
