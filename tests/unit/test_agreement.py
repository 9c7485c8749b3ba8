"""Audit agreement against published worked examples (sources named in each test), the board's dip
sample, and edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support.board import BOARD_DIP

from analysis.measures import agreement as ag

SAS = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]  # SAS PROC FREQ example used in statsmodels' tests


def test_simple_kappa_matches_sas_proc_freq():
    k = ag.kappa_stats(SAS)
    assert k["kappa"] == pytest.approx(0.4842, abs=1e-4)
    assert k["kappa_se"] == pytest.approx(0.1380, abs=1e-4)
    assert k["kappa_ci_low"] == pytest.approx(0.2137, abs=1e-4)
    assert k["kappa_ci_high"] == pytest.approx(0.7547, abs=1e-4)
    assert k["kappa_p_value"] == pytest.approx(0.0011, abs=1e-4)  # under H0: SE 0.1484, Z 3.26


def test_linear_weighted_kappa_matches_sas_proc_freq():
    assert ag.kappa_stats(SAS)["kappa_linear"] == pytest.approx(0.4701, abs=1e-4)


def test_kappas_match_scikit_learn_reference():
    y1 = [0] * 46 + [1] * 44 + [2] * 10
    y2 = [0] * 50 + [1] * 40 + [2] * 10
    table = np.zeros((3, 3))
    for a, b in zip(y1, y2, strict=True):
        table[a, b] += 1
    k = ag.kappa_stats(table)
    assert k["kappa"] == pytest.approx(0.9315, abs=1e-4)
    assert k["kappa_linear"] == pytest.approx(0.9412, abs=1e-4)
    assert k["kappa_quadratic"] == pytest.approx(0.9541, abs=1e-4)
    assert ag.kappa_stats([[20, 20], [10, 50]])["kappa"] == pytest.approx(0.348, abs=1e-3)


def test_gwet_ac1_artstein_poesio():
    assert ag.gwet_ac1([[20, 20], [10, 50]]) == pytest.approx(0.4495, abs=1e-4)


def test_landis_koch_labels():
    assert [ag.landis_koch(k) for k in (-0.1, 0.1, 0.3, 0.5, 0.7, 0.9, None)] == [
        "poor",
        "slight",
        "fair",
        "moderate",
        "substantial",
        "almost perfect",
        "not measurable",
    ]


def audits(rows):
    frame = pd.DataFrame(
        rows,
        columns=[
            "AUDIT_DATE",
            "SAMPLE",
            "THEME",
            "AUDITOR_GRADE",
            "MODERATOR_GRADE",
            "NFA_APPROPRIATE",
            "SUPPORT_BENEFICIAL",
            "REFERRED_BACK",
        ],
    )
    frame["AUDIT_DATE"] = pd.to_datetime(frame["AUDIT_DATE"])
    return frame


def board_dip_sample():
    """The board's dip sample: 26 audits, 19 YES of which 7 support beneficial, 4 UNCLEAR,
    1 NO referred back, 2 not recorded."""
    rows = []
    rows += [("2017-02-01", "NFA dip sample", "Risk", None, None, "YES", "Y", "N")] * 7
    rows += [("2017-02-01", "NFA dip sample", "Risk", None, None, "YES", "N", "N")] * 12
    rows += [("2017-02-01", "NFA dip sample", "Risk", None, None, "UNCLEAR", "N", "N")] * 4
    rows += [("2017-02-01", "NFA dip sample", "Risk", None, None, "NO", "N", "Y")]
    rows += [("2017-02-01", "NFA dip sample", "Risk", None, None, None, None, None)] * 2
    rows += [("2016-12-31", "NFA dip sample", "Risk", None, None, "YES", "Y", "N")]  # before
    rows += [("2017-02-01", "Themed audit", "Risk", None, None, "YES", "Y", "N")]  # other sample
    return audits(rows)


def test_board_dip_sample_counts_exactly():
    dip = ag.dip_sample(
        board_dip_sample(), "NFA dip sample", pd.Timestamp("2017-01-01"), pd.Timestamp("2017-03-31")
    )
    assert ag.dip_counts(dip) == BOARD_DIP
    table = ag.dip_table(dip).set_index("Finding")
    assert table.loc["Dip sample", "Audits"] == 26
    assert (
        table.loc["No further action was appropriate", "of which more support would have helped"]
        == 7
    )
    assert table.loc["Not recorded", "Audits"] == 2


def test_no_moderated_pairs():
    empty = audits([("2017-02-01", "Themed audit", "Risk", "GOOD", None, None, None, None)])
    stats = ag.agreement(
        ag.moderated_pairs(empty, pd.Timestamp("2017-01-01"), pd.Timestamp("2017-03-31"))
    )
    assert stats["moderated_pairs"] == 0
    assert all(v is None for k, v in stats.items() if k != "moderated_pairs")


def test_perfect_agreement_and_one_grade_only():
    perfect = audits(
        [
            ("2017-02-01", "T", "Risk", g, g, None, None, None)
            for g in ["GOOD", "GOOD", "INADEQUATE", "OUTSTANDING"]
        ]
    )
    stats = ag.agreement(perfect)
    assert stats["kappa"] == pytest.approx(1.0) and stats["percent_agreement"] == 1.0
    assert stats["kappa_se"] is None and stats["kappa_ci_low"] is None  # SE zero: undefined
    one = audits([("2017-02-01", "T", "Risk", "GOOD", "GOOD", None, None, None)] * 3)
    stats = ag.agreement(one)
    assert stats["percent_agreement"] == 1.0 and stats["kappa"] is None
    assert stats["ac1"] == pytest.approx(1.0)


def test_grade_table_always_has_all_four_grades_in_order():
    pairs = audits([("2017-02-01", "T", "Risk", "GOOD", "REQUIRES_IMPROVEMENT", None, None, None)])
    table = ag.grade_table(pairs)
    assert list(table.index) == ["OUTSTANDING", "GOOD", "REQUIRES_IMPROVEMENT", "INADEQUATE"]
    assert list(table.columns) == list(table.index)
    assert table.loc["GOOD", "REQUIRES_IMPROVEMENT"] == 1 and table.to_numpy().sum() == 1


def test_direction_of_disagreement():
    pairs = audits(
        [
            ("2017-02-01", "T", "Risk", "GOOD", "INADEQUATE", None, None, None),
            ("2017-02-01", "T", "Risk", "GOOD", "REQUIRES_IMPROVEMENT", None, None, None),
            ("2017-02-01", "T", "Risk", "GOOD", "OUTSTANDING", None, None, None),
            ("2017-02-01", "T", "Risk", "GOOD", "GOOD", None, None, None),
        ]
    )
    stats = ag.agreement(pairs)
    assert stats["moderator_lower_share"] == 0.5 and stats["moderator_higher_share"] == 0.25


def test_summary_says_when_nothing_was_moderated():
    from analysis.reports import audit_agreement as au

    empty = audits([("2017-02-01", "Themed audit", "Risk", "GOOD", None, None, None, None)])
    stats = ag.agreement(
        ag.moderated_pairs(empty, pd.Timestamp("2017-01-01"), pd.Timestamp("2017-03-31"))
    )
    dip = ag.dip_sample(
        empty, "NFA dip sample", pd.Timestamp("2017-01-01"), pd.Timestamp("2017-03-31")
    )
    lines = au.summary(ag.dip_counts(dip), stats, stats, None, "Q1")
    assert lines == [
        "There were no dip-sample audits in Q1.",
        "No audits were moderated in the period, so agreement cannot be measured.",
    ]
    assert au.headline(dip, stats)["kappa"] is None


def test_summary_quotes_the_dip_sample_counts():
    from analysis.reports import audit_agreement as au

    counts = {
        "dip_sample_size": 26,
        "dip_nfa_appropriate": 19,
        "dip_support_beneficial": 7,
        "dip_nfa_unclear": 4,
        "dip_nfa_not_appropriate": 1,
        "dip_referred_back": 1,
        "dip_not_recorded": 2,
        "dip_nfa_appropriate_share": 19 / 26,
        "dip_nfa_appropriate_share_recorded": 19 / 24,
    }
    none = ag.agreement(ag.moderated_pairs(audits([]), pd.Timestamp(0), pd.Timestamp(0)))
    lines = au.summary(counts, none, none, None, "Q1")
    first = lines[0]
    # 19/26 = 73.1% of the sample; 19/24 = 79.2% of the findings recorded
    assert lines[1].startswith("Closures found appropriate: 73.1% of the whole sample, 79.2%")
    # the board's own dip sample: 19 appropriate (7 with more support), 4 unclear, 1 not
    assert "26 assessments closed with no further action: 19 closures were appropriate" in first
    assert "(7 of all audits" in first and "4 were unclear, 1 were not appropriate" in first


def test_summary_withholds_agreement_resting_on_few_pairs():
    from analysis.reports import audit_agreement as au
    from analysis.withheld import WITHHELD

    counts = {k: 0 for k in ("dip_sample_size",)}
    stats = {"moderated_pairs": WITHHELD, "kappa": WITHHELD}
    lines = au.summary(counts, stats, {}, None, "Q1")
    assert "not shown in the public version" in lines[-1]


def test_quarterly_agreement_by_hand():
    rows = [("2017-02-01", "T", "Risk", "GOOD", "GOOD", None, None, None)] * 3
    rows += [("2017-03-31", "T", "Risk", "GOOD", "INADEQUATE", None, None, None)]
    rows += [("2016-12-31", "T", "Risk", "INADEQUATE", "INADEQUATE", None, None, None)] * 2
    trend = ag.quarterly(audits(rows), "2017-03", 2)
    # quarter to March 2017: 4 pairs, 3 agree (75%); to December 2016: 2 pairs, both agree
    q1, q4 = pd.Period("2017-03", "M"), pd.Period("2016-12", "M")
    assert trend.loc[q1, "Pairs"] == 4 and trend.loc[q1, "Pairs in agreement"] == 3
    assert trend.loc[q1, "Agreement"] == pytest.approx(0.75)
    assert trend.loc[q4, "Pairs in agreement"] == 2 and trend.loc[q4, "Agreement"] == 1.0


def test_dip_links_name_the_cells_of_the_dip_table():
    from analysis.reports import audit_agreement as au

    dip = audits(
        [
            ("2017-02-01", "NFA dip sample", "Risk", None, None, "YES", "Y", None),
            ("2017-02-01", "NFA dip sample", "Risk", None, None, "NO", None, "Y"),
            ("2017-02-01", "NFA dip sample", "Risk", None, None, None, None, None),
        ]
    )
    table = ag.dip_table(dip).set_index("Finding")
    links = au.dip_links(ag.dip_counts(dip))
    for column, key in au.DIP_COLUMNS.items():
        for label, value in links[key].items():
            assert table.loc[label, column] == value, (column, label)
    assert len(links["dip audits"]) == 5  # four findings and the sample


def test_dip_appropriate_share_keeps_unrecorded_findings_in_the_denominator():
    # 5 audits: 3 appropriate, 1 not appropriate, 1 with no finding recorded -> 3 / 5
    dip = pd.DataFrame({"NFA_APPROPRIATE": ["YES", "YES", "NO", None, "YES"]})
    assert ag.dip_appropriate_share(dip) == 0.6
    assert ag.dip_appropriate_share(dip.iloc[:0]) is None


def test_the_kappa_interval_never_passes_one():
    # 20 pairs, 19 agree: po 0.95, margins 10/10 and 9/11 so pe 0.5, kappa 0.9 by hand; the
    # Wald interval 0.9 + 1.96 x SE would end above 1, so it is truncated at 1
    stats = ag.kappa_stats([[9, 1], [0, 10]])
    assert stats["kappa"] == pytest.approx(0.9)
    assert stats["kappa_ci_high"] == 1.0
    assert 0.6 < stats["kappa_ci_low"] < 0.9


def test_dip_shares_of_the_sample_and_of_findings_recorded():
    # 5 audits: 3 appropriate, 1 not, 1 not recorded -> 3/5 of the sample, 3/4 recorded
    dip = pd.DataFrame({"NFA_APPROPRIATE": ["YES", "YES", "NO", None, "YES"]})
    table = ag.dip_shares(dip).set_index("Of")
    assert table.loc["the whole dip sample", ["Appropriate", "Audits"]].tolist() == [3, 5]
    assert table.loc["audits with a finding recorded", "Share"] == 0.75
    low, high = table.loc["audits with a finding recorded", ["95% CI low", "95% CI high"]]
    assert low < 0.75 < high
