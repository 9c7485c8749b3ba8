"""The public publication mode end to end: a restricted and a public pack from the same demo
data. The public pack is scanned for small numbers and identifiers, and attacked: can any
suppressed cell be worked out by subtraction from its row or column?"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader
from support.cli import boardpack
from support.scan import ID_PATTERN, digest, identifiers, published_text

from analysis.engine.params import available_reports
from analysis.registry import metric

PERIOD = "2017-03"
THRESHOLD = 5
WHOLE = re.compile(r"^\d{1,3}(,\d{3})*$")
# columns that are not counts of children or staff: how many of the ten DfE statistical
# neighbours published a figure (in tables of DfE published statistics)
NOT_COUNTS = {"Neighbours with data"}


class Tables(HTMLParser):
    """Every table in a page: caption, header row and body rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._row = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "head": [], "rows": []})
        elif tag in ("td", "th", "caption"):
            self._cell = []
        elif tag == "tr":
            self._row = []

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "caption":
            self.tables[-1]["caption"] = " ".join("".join(self._cell).split())
            self._cell = None
        elif tag == "tr":
            table = self.tables[-1]
            if not table["head"]:
                table["head"] = self._row
            else:
                table["rows"].append(self._row)
            self._row = None


def tables(path: Path) -> list[dict]:
    parser = Tables()
    parser.feed(path.read_text())
    return parser.tables


@pytest.fixture(scope="module")
def packs(demo_pack):
    return demo_pack.out, demo_pack.restricted_digest


def test_public_pack_goes_to_its_own_folder_and_restricted_output_is_untouched(packs):
    out, before = packs
    assert digest(out) == before
    public = out / "public" / PERIOD
    for name in available_reports():
        assert (public / f"{name}.html").exists() and (public / f"{name}.pdf").exists()
    assert not (public / "notebooks").exists()  # executed notebooks are not published
    assert (out / "public" / "index.html").exists()


def test_manifest_records_mode_threshold_and_cells_suppressed(packs):
    out, _ = packs
    manifest = json.loads((out / "public" / PERIOD / "manifest.json").read_text())
    assert manifest["publication"] == "public"
    assert manifest["suppression_threshold"] == THRESHOLD
    assert manifest["notebooks_published"] is False
    control = {name: e["disclosure"] for name, e in manifest["reports"].items()}
    assert set(control) == set(available_reports())
    # the demo's assessments and audits have small counts, so cells are suppressed there
    assert control["assessments"]["cells_suppressed"] > 0
    assert control["audit_agreement"]["cells_suppressed"] > 0
    restricted = json.loads((out / PERIOD / "manifest.json").read_text())
    assert restricted["publication"] == "restricted" and restricted["notebooks_published"]


def test_marking_follows_the_mode(packs):
    out, _ = packs
    public = (out / "public" / PERIOD / "young_children.html").read_text()
    restricted = (out / PERIOD / "young_children.html").read_text()
    assert "OFFICIAL - for publication" in public and "OFFICIAL-SENSITIVE" not in public
    assert "OFFICIAL-SENSITIVE" in restricted


def small_counts(folder: Path) -> list[tuple]:
    """Every table cell of the pages in `folder` holding a whole number from 1 to the
    threshold (outside the columns that are not counts)."""
    found = []
    for page in sorted(folder.glob("*.html")):
        for table in tables(page):
            for row in table["rows"]:
                for header, cell in zip(table["head"], row, strict=True):
                    if header in NOT_COUNTS or not WHOLE.match(cell):
                        continue
                    if 1 <= int(cell.replace(",", "")) <= THRESHOLD:
                        found.append((page.name, table["caption"], header, row[0], cell))
    return found


def test_no_small_count_in_any_public_table_cell_html_or_pdf(packs):
    out, _ = packs
    public = out / "public" / PERIOD
    assert not small_counts(public)
    for page in sorted(public.glob("*.html")):
        pdf_text = " ".join(
            " ".join((p.extract_text() or "").split())
            for p in PdfReader(page.with_suffix(".pdf")).pages
        )
        # the PDF is rendered from the same page: each table row appears in it as it is
        for table in tables(page):
            for row in table["rows"]:
                assert " ".join(" ".join(row).split()) in pdf_text, (page.name, row)


def test_the_boards_own_small_numbers_publish_safely(tmp_path):
    """The board's fixture (a dip sample of 26, one moderated pair, a handful of staff) has
    small numbers everywhere: every report still publishes, none of them is shown and none
    can be worked out."""
    from support.board import write_board_fixture

    data = write_board_fixture(tmp_path / "raw")
    out = tmp_path / "reports"
    args = ("run", "--period", PERIOD, "--data", str(data), "--out", str(out))
    for mode in ("restricted", "public"):
        result = boardpack(*args, "--formats", "html", "--publication", mode)
        assert result.returncode == 0, result.stdout + result.stderr
    public = out / "public" / PERIOD
    assert not small_counts(public)
    leaks, attacked = attack(out / PERIOD, public)
    assert not leaks and attacked >= 5
    summary = (public / "audit_agreement.html").read_text()
    assert "not shown in the public version: too few audits were moderated" in summary


def attack(restricted_dir: Path, public_dir: Path) -> tuple[list, int]:
    """The attack: a row or column of counts whose total is published in it (one of its
    cells, in the restricted twin, is the sum of the others) and which has exactly one
    suppressed count gives that count away. Work out all such cells, again and again.
    Returns what could be worked out (and percentages shown beside a suppressed count) and
    how many tables with suppressed cells were attacked."""
    leaks, attacked = [], 0
    for page in sorted(public_dir.glob("*.html")):
        truth = {t["caption"]: t for t in tables(restricted_dir / page.name)}
        for table in tables(page):
            cells = [r[1:] for r in table["rows"]]
            if not any("c" in r for r in cells):
                continue
            attacked += 1
            # count columns: whole numbers (or a dash) in every row of the restricted table
            twin = [r[1:] for r in truth[table["caption"]]["rows"]]
            counts = [
                j
                for j in range(len(table["head"]) - 1)
                if all(WHOLE.match(r[j]) or r[j] == "–" for r in twin)
            ]
            hidden = {(i, j) for i, r in enumerate(cells) for j in counts if r[j] == "c"}
            value = {
                (i, j): int(r[j].replace(",", ""))
                for i, r in enumerate(twin)
                for j in counts
                if r[j] != "–"
            }
            lines = [[(i, j) for j in counts] for i in range(len(cells))]
            lines += [[(i, j) for i in range(len(cells))] for j in counts]
            lines = [line for line in lines if has_total([value.get(c) for c in line])]
            derived = set()
            changed = True
            while changed:
                changed = False
                for line in lines:
                    unknown = [c for c in line if c in hidden and c not in derived]
                    if len(unknown) == 1:
                        derived.add(unknown[0])
                        changed = True
            if derived:
                leaks.append((page.name, table["caption"], sorted(derived)))
            # a percentage shown in a row where a count was suppressed could reveal it
            for i, r in enumerate(cells):
                if any((i, j) in hidden for j in counts) and any(c.endswith("%") for c in r):
                    leaks.append((page.name, table["caption"], r))
    return leaks, attacked


def test_no_suppressed_cell_can_be_recovered_by_subtraction(packs):
    out, _ = packs
    leaks, attacked = attack(out / PERIOD, out / "public" / PERIOD)
    assert not leaks
    assert attacked >= 5  # the demo's public pack does have tables with suppressed cells


def has_total(values: list) -> bool:
    """Whether one of a line's figures is the sum of the others (a published total)."""
    known = [v for v in values if v is not None]
    return len(known) >= 2 and any(2 * v == sum(known) for v in known)


def test_public_metrics_carry_only_suppressed_values(packs):
    out, _ = packs
    metrics = json.loads((out / "public" / PERIOD / "metrics.json").read_text())["reports"]

    def small(value):
        if isinstance(value, dict):
            return any(small(v) for v in value.values())
        return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= THRESHOLD

    counts_of_people = [
        (r, k)
        for r, m in metrics.items()
        for k, v in m.items()
        if small(v) and not (k != "series" and metric(r, k).published)
    ]
    assert not counts_of_people
    # the demo's audit sample has 4 unclear findings: withheld, and so is its cover
    audit = metrics["audit_agreement"]
    assert audit["dip_nfa_unclear"] == "c" and audit["dip_not_recorded"] == "c"
    restricted = json.loads((out / PERIOD / "metrics.json").read_text())["reports"]
    assert restricted["audit_agreement"]["dip_nfa_unclear"] == 4


def test_no_identifier_anywhere_in_the_public_pack(packs):
    out, _ = packs
    ids = identifiers()
    for path, text in published_text(out / "public").items():
        leaked = {m for m in ID_PATTERN.findall(text) if m in ids}
        assert not leaked, (path, sorted(leaked)[:5])


def test_public_sentences_do_not_quote_small_counts(packs):
    out, _ = packs
    page = (out / "public" / PERIOD / "audit_agreement.html").read_text()
    summary = re.search(r'<div class="summary">(.*?)</div>', page, re.S).group(1)
    assert "c were unclear" in summary and "4 were unclear" not in summary
    assert "c: suppressed to protect confidentiality" in summary
    restricted = (out / PERIOD / "audit_agreement.html").read_text()
    assert "4 were unclear" in restricted


def test_every_recorded_figure_is_declared_and_every_declared_figure_recorded(packs):
    """The demo pack (with the DfE files and family data) records exactly the registry's
    metrics: a new figure must be declared, with what it is built on, before it is published."""
    from analysis.registry import registry

    out, _ = packs
    metrics = json.loads((out / PERIOD / "metrics.json").read_text())["reports"]
    assert set(metrics) == set(registry())
    for report, declared in registry().items():
        recorded = {name for name, m in declared.items() if m.recorded}
        assert set(metrics[report]) - {"series"} == recorded, report
        with_series = {name for name, m in declared.items() if m.frequency}
        assert set(metrics[report].get("series", {})) == with_series, report


def test_public_pages_pass_the_accessibility_checks(packs):
    from support.a11y import check

    out, _ = packs
    for page in sorted((out / "public").rglob("*.html")):
        assert check(page.read_text()) == [], page.name


def test_no_bradford_factor_table_in_the_public_version(packs):
    out, _ = packs
    caption = "Employees at or above each Bradford factor trigger point"
    public = (out / "public" / PERIOD / "sickness_absence.html").read_text()
    assert caption not in public and "Bradford-factor counts are not published" in public
    assert caption in (out / PERIOD / "sickness_absence.html").read_text()


def single_suppressed_in_a_year(page: Path) -> list:
    """Another published table of the same report: four quarters add up to a year in the
    starts-by-age table, so no year of the quarterly table may have exactly one suppressed
    cell in a column. Returns the (column, year) pairs that do."""
    quarterly = next(t for t in tables(page) if t["caption"].startswith("Starts per quarter"))
    yearly = next(t for t in tables(page) if t["caption"].startswith("Children starting"))
    assert len(yearly["head"]) - 1 == len(quarterly["rows"]) // 4  # one column per year
    rows, found = quarterly["rows"], []
    for column in ("Starts", "Under 1", "Newborn"):
        j = quarterly["head"].index(column)
        for end in range(len(rows), 3, -4):
            year = [r[j] for r in rows[end - 4 : end]]
            if year.count("c") == 1:
                found.append((column, year))
    return found


def test_quarters_cannot_be_worked_out_from_the_yearly_table(packs, tmp_path):
    out, _ = packs
    assert not single_suppressed_in_a_year(out / "public" / PERIOD / "young_children.html")
    # September 2016 is a period where protecting each table on its own is not enough:
    # quarters of one year would be covered by cells of another year
    args = ("run", "--demo", "--period", "2016-09", "--reports", "young_children")
    result = boardpack(
        *args, "--out", str(tmp_path), "--formats", "html", "--publication", "public"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert not single_suppressed_in_a_year(tmp_path / "public" / "2016-09" / "young_children.html")
