"""The "How we compare" sections: shown with the DfE files, and a one-line note without."""

from __future__ import annotations

import json

from support.cli import boardpack

PERIOD = "2017-03"


def test_reports_show_the_dfe_comparisons_with_the_files(demo_pack):
    out = demo_pack.out / PERIOD
    for name in ("young_children", "sickness_absence", "assessments"):
        page = (out / f"{name}.html").read_text()
        assert "How we compare" in page and "Wirral" in page, name
    metrics = json.loads((out / "metrics.json").read_text())["reports"]
    assert metrics["sickness_absence"]["la_absence_rate"] == 5.1  # Wirral, 2017 row
    assert metrics["sickness_absence"]["benchmark_year"] == "2017"
    assert metrics["young_children"]["england_cla_starts_rate_per_10k"] == 24  # 2021 row


def test_a_report_still_publishes_without_the_files(tmp_path):
    result = boardpack(
        "run",
        "--demo",
        "--period",
        PERIOD,
        "--out",
        str(tmp_path),
        "--formats",
        "html",
        "--reports",
        "sickness_absence",
        "--benchmarks",
        str(tmp_path / "empty"),
    )
    assert result.returncode == 0, result.stderr
    page = (tmp_path / PERIOD / "sickness_absence.html").read_text()
    assert "Comparison with other authorities is not available for this period." in page
    assert "boardpack" not in page.split("<main")[-1].split("</main>")[0]  # no how-to
    assert "boardpack benchmarks fetch" in result.stdout  # it is in the run log
