"""End to end: `boardpack run` on demo data publishes every report, safely.

These run real notebooks in real kernels (tens of seconds each)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from pypdf import PdfReader
from support.cli import boardpack
from support.paths import ROOT
from support.scan import ID_PATTERN, identifiers, published_text

from analysis.demo.generate import demo_folder
from analysis.engine.params import available_reports
from analysis.sources import coverage

PERIOD = "2017-03"
A4 = (595.28, 841.89)


@pytest.fixture(scope="module")
def pack(demo_pack):
    return demo_pack.out


def test_every_report_is_published_with_metrics_manifest_and_index(pack):
    period_dir = pack / PERIOD
    reports = available_reports()
    for name in reports:
        assert (period_dir / f"{name}.html").stat().st_size > 1000
        assert (period_dir / "notebooks" / f"{name}.ipynb").exists()
        pdf = PdfReader(period_dir / f"{name}.pdf")
        assert len(pdf.pages) >= 1
        box = pdf.pages[0].mediabox
        assert (round(float(box.width), 0), round(float(box.height), 0)) == (595, 842)
    metrics = json.loads((period_dir / "metrics.json").read_text())
    assert metrics["period"] == PERIOD and set(metrics["reports"]) == set(reports)
    manifest = json.loads((period_dir / "manifest.json").read_text())
    assert manifest["period"] == PERIOD
    assert {f["file"] for f in manifest["inputs"]["files"]} >= {"ssda903/episodes.csv"}
    assert all(len(f["sha256"]) == 64 and f["rows"] > 0 for f in manifest["inputs"]["files"])
    assert manifest["versions"]["papermill"] and manifest["versions"]["weasyprint"]
    for name in reports:
        entry = manifest["reports"][name]
        assert entry["status"] == "published" and entry["parameters"]["period"] == PERIOD
    index = (pack / "index.html").read_text()
    for name in reports:
        assert f'href="{PERIOD}/{name}.html"' in index and f'href="{PERIOD}/{name}.pdf"' in index


def test_published_pages_pass_the_accessibility_checks(pack):
    from support.a11y import check

    for path in [pack / "index.html", *sorted((pack / PERIOD).glob("*.html"))]:
        assert check(path.read_text()) == [], path.name


def test_board_summary_is_one_page_and_links_to_real_sections(pack):
    from analysis.reports import board_summary as board

    assert len(PdfReader(pack / PERIOD / "board_summary.pdf").pages) == 1
    for m in board.measures():
        assert f'id="{m.section}"' in (pack / PERIOD / f"{m.report}.html").read_text(), m.section
    index = (pack / "index.html").read_text()
    assert index.index("Latest board summary") < index.index(f'id="p{PERIOD}"')


def test_the_first_run_gives_every_measure_a_year_earlier_a_full_trend_and_a_verdict(pack):
    from analysis.reports import board_summary as board

    reports = json.loads((pack / PERIOD / "metrics.json").read_text())["reports"]
    card = board.scorecard(reports, board.measures(), PERIOD)
    assert card["year_earlier"].notna().all()
    for row in card.itertuples():  # SPC where the series kind allows it, else progress
        if row.measure.series_kind in ("flow", "stock"):
            assert row.point_type or row.verdict.startswith("no stable level"), row.label
        else:
            assert row.chart is None and "running total" in row.verdict, row.label
    lengths = {m.metric: len(t) for m, t in zip(card["measure"], card["trend"], strict=True)}
    expected = {m.metric: 36 if m.frequency == "month" else 12 for m in board.measures()}
    assert lengths == expected
    assert 3 <= len(reports["board_summary"]["key_points"]) <= 5


def test_no_text_falls_off_any_pdf_page(pack):
    from support.pdf import text_outside_the_page

    pdfs = sorted(pack.rglob("*.pdf"))
    assert len(pdfs) == 2 * len(available_reports())  # every report, restricted and public
    assert {p.name: text_outside_the_page(p) for p in pdfs} == {p.name: [] for p in pdfs}


def test_data_quality_metrics_match_the_inputs(pack):
    metrics = json.loads((pack / PERIOD / "metrics.json").read_text())["reports"]["data_quality"]
    files = list(demo_folder().rglob("*.csv"))
    rows = sum(len(pd.read_csv(f, dtype=str)) for f in files)
    assert metrics == {"files_loaded": len(files), "rows_total": rows, "warnings_total": 0}


def test_html_has_no_code_no_parameters_and_is_self_contained(pack):
    for path in (pack / PERIOD).glob("*.html"):
        text = path.read_text()
        assert "open_session" not in text and "import " not in text
        assert "Parameters" not in text and "processed_dir" not in text
        assert "<script" not in text.lower()
        assert not re.search(r"""(src|href)=["']https?://""", text)
        assert "Synthetic demonstration data" in text
        for img in re.findall(r"<img [^>]*>", text):
            assert re.search(r'alt="[^"]{10,}"', img), img[:80]


def test_no_identifier_appears_in_any_output(pack):
    ids = identifiers()
    assert len(ids) > 1000
    for where, text in published_text(pack).items():
        leaked = set(ID_PATTERN.findall(text)) & ids
        assert not leaked, f"{where}: {sorted(leaked)[:5]}"


def _project_copy(tmp_path: Path, broken: bool) -> Path:
    """A project root with the data_quality notebook and, optionally, a failing one."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "params", root / "params")
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / "data_quality.ipynb", root / "notebooks")
    names = ["data_quality"]
    if broken:
        nb = nbformat.v4.new_notebook()
        params = nbformat.v4.new_code_cell('period = "2017-03"\nprocessed_dir = ""')
        params.metadata["tags"] = ["parameters"]
        nb.cells = [
            params,
            nbformat.v4.new_code_cell("x = 1"),
            nbformat.v4.new_code_cell("raise ValueError('deliberate failure')"),
        ]
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, root / "notebooks" / "broken.ipynb")
        names.append("broken")
    text = (root / "params" / "defaults.yaml").read_text()
    text = re.sub(r"(?m)^reports: .*$", f"reports: [{', '.join(names)}]", text)
    (root / "params" / "defaults.yaml").write_text(text)
    return root


def test_a_failing_notebook_does_not_stop_the_others(tmp_path):
    out = tmp_path / "reports"
    data = demo_folder()
    good = dict(os.environ, BOARDPACK_HOME=str(_project_copy(tmp_path / "a", broken=False)))
    first = boardpack(
        "run",
        "--period",
        "2017-02",
        "--data",
        str(data),
        "--out",
        str(out),
        "--formats",
        "html",
        env=good,
    )
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in (out / "2017-02").rglob("*") if p.is_file()}

    env = dict(os.environ, BOARDPACK_HOME=str(_project_copy(tmp_path / "b", broken=True)))
    result = boardpack(
        "run",
        "--period",
        PERIOD,
        "--data",
        str(data),
        "--out",
        str(out),
        "--formats",
        "html",
        "--jobs",
        "2",
        env=env,
    )
    assert result.returncode == 1
    assert "broken for 2017-03 failed at cell 3: ValueError: deliberate failure" in result.stderr
    assert "Traceback" not in result.stderr
    assert (out / PERIOD / "data_quality.html").exists()
    assert not (out / PERIOD / "broken.html").exists()
    assert (out / ".failed" / PERIOD / "broken.ipynb").exists()
    assert {p: p.read_bytes() for p in (out / "2017-02").rglob("*") if p.is_file()} == before
    manifest = json.loads((out / PERIOD / "manifest.json").read_text())
    assert manifest["reports"]["broken"]["status"] == "failed"


def test_a_second_run_on_the_same_output_is_refused(tmp_path):
    import fcntl

    out = tmp_path / "reports"
    out.mkdir()
    with open(out / ".boardpack.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        result = boardpack("run", "--demo", "--period", PERIOD, "--out", str(out))
    assert result.returncode == 1
    assert "another boardpack run is publishing to" in result.stderr


def test_young_children_renders_without_family_data(tmp_path):
    data = tmp_path / "raw"
    shutil.copytree(demo_folder(), data)
    (data / "family.csv").unlink()
    out = tmp_path / "reports"
    result = boardpack(
        "run",
        "--period",
        PERIOD,
        "--data",
        str(data),
        "--out",
        str(out),
        "--reports",
        "young_children",
        "--formats",
        "html",
    )
    assert result.returncode == 0, result.stderr
    text = (out / PERIOD / "young_children.html").read_text()
    assert "Family information was not supplied" in text and "family.csv" not in text
    metrics = json.loads((out / PERIOD / "metrics.json").read_text())["reports"]["young_children"]
    assert metrics["starts_12m"] > 0 and "sibling_odds_ratio" not in metrics


def test_backfill_summaries_are_full_on_one_page_and_agree_with_the_detail(tmp_path):
    out = tmp_path / "reports"
    result = boardpack(
        "run",
        "--demo",
        "--from",
        "2017-02",
        "--to",
        PERIOD,
        "--out",
        str(out),
        "--reports",
        "young_children,sickness_absence,board_summary",
        "--jobs",
        "2",
    )
    assert result.returncode == 0, result.stderr
    for period in ("2017-02", PERIOD):
        assert len(PdfReader(out / period / "board_summary.pdf").pages) == 1
        page = (out / period / "board_summary.html").read_text()
        # each measure's own series over the look-back, not earlier packs (the demo's HR data
        # begin in April 2014, so February 2017's 36 months hold 35 with staffing)
        months = "36" if period == PERIOD else "35"
        assert f"sickness per FTE (12 months): {months} monthly values" in page
        assert "Under-1 share of children starting care (12 months): 12 quarterly" in page
        metrics = json.loads((out / period / "metrics.json").read_text())["reports"]
        shown = f"{metrics['sickness_absence']['fte_days_lost_per_fte_12m']:,.2f}"
        before = f"{metrics['sickness_absence']['fte_days_lost_per_fte_12m_prev']:,.2f}"
        share = f"{100 * metrics['young_children']['starts_under1_share_12m']:.1f}%"
        for figure in (shown, before, share):
            cell = f'<td class="num" data-label="[^"]*">{re.escape(figure)}</td>'
            assert re.search(cell, page), (period, figure)
        # every board measure but the two of the reports run
        from analysis.reports import board_summary as board

        assert metrics["board_summary"]["measures_not_available"] == len(board.measures()) - 2
    index = (out / "index.html").read_text()
    assert index.index("Latest board summary: March 2017") < index.index('id="p2017-03"')


def test_relative_output_folder_as_in_the_readme(tmp_path):
    """The README's command uses the default, relative `reports/` folder."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "run",
            "--demo",
            "--period",
            PERIOD,
            "--out",
            "reports",
            "--reports",
            "data_quality",
            "--formats",
            "html",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "reports" / PERIOD / "data_quality.html").exists()
    assert (tmp_path / "reports" / "index.html").exists()


def test_a_period_beyond_the_inputs_is_refused_and_published_only_when_allowed(tmp_path):
    """The demo extract ends in March 2017: January 2020 is refused, one line per source
    with its last date, and nothing is published; --allow-partial publishes every report,
    each page saying which of the sources it reads stop early (the improvement plan reads
    none of them)."""
    common = ["run", "--period", "2020-01", "--data", str(demo_folder()), "--formats", "html"]
    refused = boardpack(*common, "--out", str(tmp_path / "a"), "--reports", "young_children")
    assert refused.returncode == 1
    assert (
        "the inputs do not cover January 2020 for young_children; nothing was published"
        in refused.stderr
    )
    assert "SSDA903 episodes: last record 31/03/2017, covers to May 2017" in refused.stderr
    assert "Traceback" not in refused.stderr and not (tmp_path / "a").exists()

    allowed = boardpack(*common, "--out", str(tmp_path / "b"), "--allow-partial")
    assert allowed.returncode == 0, allowed.stderr
    pages = list((tmp_path / "b" / "2020-01").glob("*.html"))
    assert len(pages) == len(available_reports())
    for page in pages:  # each page names the sources its report reads that stop early
        text = page.read_text()
        uses = coverage.used_by(page.stem)
        assert ("Partial data:" in text) == bool(uses), page.name
        assert ("staffing: last record 01/03/2017" in text) == ("staffing" in uses), page.name


def test_the_demo_covers_the_period_asked_for(tmp_path):
    """--demo --period latest publishes a full, non-empty pack (the same synthetic world,
    carried on to that month)."""
    result = boardpack("run", "--demo", "--period", "2020-01", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    metrics = json.loads((tmp_path / "2020-01" / "metrics.json").read_text())["reports"]
    assert metrics["young_children"]["starts_12m"] > 0
    assert metrics["board_summary"]["measures_not_available"] == 0


def test_an_las_own_params_folder_is_used_for_the_run(tmp_path):
    """The steps `boardpack init` prints, as printed: synthetic data into the new folder, then
    the run on it with the LA's own params (one cheap report, HTML only)."""
    import shlex

    printed = boardpack("init", str(tmp_path / "la")).stdout.splitlines()
    _, demo_data, run = [shlex.split(line)[1:] for line in printed if line.startswith("  ")]
    defaults = tmp_path / "la" / "params" / "defaults.yaml"
    defaults.write_text(defaults.read_text().replace("la_name:", "la_name: Anytown #"))
    assert boardpack(*demo_data).returncode == 0
    result = boardpack(*run, "--reports", "data_quality", "--formats", "html")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "la" / "reports" / PERIOD / "data_quality.html").read_text()
    assert "Anytown" in page
