"""The PDF text-bounds check sees text drawn off the page (so the e2e test can fail)."""

from __future__ import annotations

from support.pdf import text_outside_the_page
from weasyprint import HTML


def test_text_beyond_the_right_edge_is_caught(tmp_path):
    # a column header set past the right edge of the A4 page (595 pt wide), as a table that
    # does not fit puts its last columns
    off = "<div style='position:absolute; left:700pt; top:100pt'>Legal advice</div>"
    HTML(string=f"<p>fits</p>{off}").write_pdf(tmp_path / "wide.pdf")
    found = [line.split(" (")[0] for line in text_outside_the_page(tmp_path / "wide.pdf")]
    assert found == ["page 1: 'Legal'", "page 1: 'advice'"]  # the header wraps; both are off
    HTML(string="<p>fits</p>").write_pdf(tmp_path / "fits.pdf")
    assert text_outside_the_page(tmp_path / "fits.pdf") == []
