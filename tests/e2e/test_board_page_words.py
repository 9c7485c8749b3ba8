"""Every board-facing page of the demo pack, restricted and public, read as a board member
reads it: no library names, file names, commands, parameter paths, raw codes, float-formatted
counts or "(s)" plurals (the data quality report's technical annex may name files), and every
abbreviation glossed where it first appears (tests/support/words.py)."""

from __future__ import annotations

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
