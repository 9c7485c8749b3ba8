"""The metric registry (analysis/metrics.yaml): well formed, complete, and the one source of
the disclosure rules, the board summary's measures and docs/metrics.md."""

from __future__ import annotations

import pytest
from support.paths import ROOT

from analysis import registry as reg
from analysis.errors import BoardpackError
from analysis.reports import board_summary


def test_every_figure_that_is_not_a_count_says_what_it_rests_on():
    for report, metrics in reg.registry().items():
        for m in metrics.values():
            if m.kind != "count" and report != "board_summary":
                assert m.published or m.built_on or m.share_of, f"{report}.{m.name}"


def test_what_a_figure_rests_on_is_declared_in_the_same_report():
    for report, metrics in reg.registry().items():
        for m in metrics.values():
            for name in (*m.parts, *m.built_on, *([m.share_of] if m.share_of else [])):
                assert name.split(".")[0] in metrics, f"{report}.{m.name}: {name}"


def test_disclosure_rules_come_from_the_declarations():
    rules = reg.disclosure_rules("audit_agreement")
    assert rules["totals"]["dip_sample_size"] == [
        "dip_nfa_appropriate",
        "dip_nfa_unclear",
        "dip_nfa_not_appropriate",
        "dip_not_recorded",
    ]
    assert rules["shares"]["dip_nfa_appropriate_share"] == "dip_sample_size"
    assert rules["derived"]["kappa"] == ["moderated_pairs"]
    assert "fte_days_lost_per_fte_12m" in reg.disclosure_rules("sickness_absence")["not_counts"]


def test_the_board_summary_shows_only_declared_metrics():
    for m in board_summary.measures():
        declared = reg.metric(m.report, m.metric)
        assert (m.label, m.format, m.better) == (declared.label, declared.format, declared.better)
    with pytest.raises(BoardpackError, match="young_children.nonsense is not declared"):
        board_summary.measures([{"report": "young_children", "metric": "nonsense"}])


def test_a_malformed_declaration_is_a_clear_error(tmp_path):
    bad = tmp_path / "metrics.yaml"
    bad.write_text(
        "r:\n  m:\n    label: L\n    definition: D\n    kind: count\n    format: count\n"
        "    better: upwards\n"
    )
    with pytest.raises(BoardpackError, match="r.m: better must be one of higher, lower"):
        reg.registry(bad)
    bad.write_text("r:\n  m:\n    label: L\n")
    with pytest.raises(BoardpackError, match="metrics.yaml: r.m"):
        reg.registry(bad)


def test_the_catalogue_in_docs_is_generated_from_the_registry():
    assert (ROOT / "docs" / "metrics.md").read_text() == reg.catalogue()
