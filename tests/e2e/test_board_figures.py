"""The board's own published figures, rebuilt as input data, come out of the reports'
metrics.json exactly (assessments and audit_agreement, period 2017-03)."""

from __future__ import annotations

import json

from support.board import BOARD, BOARD_DIP, BOARD_OUTCOMES, write_board_fixture
from support.cli import boardpack

from analysis.sources.inputs import read_inputs


def test_board_figures_come_out_of_the_reports_exactly(tmp_path):
    data = write_board_fixture(tmp_path / "raw")
    assert not read_inputs(data).report.has_errors
    out = tmp_path / "reports"
    result = boardpack(
        "run",
        "--period",
        "2017-03",
        "--data",
        str(data),
        "--out",
        str(out),
        "--reports",
        "assessments,audit_agreement",
        "--formats",
        "html",
    )
    assert result.returncode == 0, result.stderr
    reports = json.loads((out / "2017-03" / "metrics.json").read_text())["reports"]
    assessments = reports["assessments"]
    for key, value in BOARD.items():
        assert assessments[key] == value, key
    assert {k: v for k, v in assessments["outcomes_age_0_2"].items() if v} == BOARD_OUTCOMES
    assert assessments["assessments_unborn"] == 13
    audits = reports["audit_agreement"]
    for key, value in BOARD_DIP.items():
        assert audits[key] == value, key
    # one moderated pair, both GOOD: agreement 100%, kappa undefined (one grade only)
    assert audits["moderated_pairs"] == 1 and audits["percent_agreement"] == 1.0
    assert audits["kappa"] is None
    text = (out / "2017-03" / "audit_agreement.html").read_text()
    assert "only one grade was used" in text
