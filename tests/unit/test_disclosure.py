"""Small-number suppression on hand-built tables; answers worked out in the comments."""

from __future__ import annotations

import pandas as pd

from analysis.presentation.disclosure import suppress
from analysis.withheld import SUPPRESSED as C


def test_single_small_cell_with_totals_needs_secondary_suppression():
    table = pd.DataFrame(
        {"Group": ["A", "B", "Total"], "x": [3, 8, 11], "y": [10, 9, 19], "Total": [13, 17, 30]}
    )
    out, n = suppress(table, 5, counts=["x", "y", "Total"])
    # primary A.x = 3; row A then needs A.y (10, its smallest other); column x needs B.x (8);
    # column y then needs B.y (9). Row B has two, totals row and column have none: stable.
    assert out["x"].tolist() == [C, C, 11]
    assert out["y"].tolist() == [C, C, 19]
    assert out["Total"].tolist() == [13, 17, 30]
    assert n == 4


def test_two_small_cells_in_a_row_protect_each_other():
    table = pd.DataFrame({"a": [2], "b": [4], "c": [20]})
    out, n = suppress(table, 5)
    assert out.iloc[0].tolist() == [C, C, 20] and n == 2


def test_zeros_stay_zeros_and_are_not_used_as_cover():
    table = pd.DataFrame({"a": [0], "b": [3], "c": [7]})
    out, n = suppress(table, 5)
    # 3 is suppressed; the only other non-zero count in the row, 7, covers it; 0 stays
    assert out.iloc[0].tolist() == [0, C, C] and n == 2


def test_percentages_built_on_suppressed_counts_are_suppressed():
    table = pd.DataFrame({"Group": ["A", "B"], "Children": [3, 40], "Share": [0.07, 0.93]})
    out, n = suppress(table, 5, counts=["Children"], rates={"Share": ["Children"]})
    # A's 3 is primary; the column needs B's 40 as cover; both shares go with them
    assert out["Children"].tolist() == [C, C] and out["Share"].tolist() == [C, C]
    assert n == 4


def test_table_without_a_total_is_protected_as_if_totals_were_published():
    table = pd.DataFrame({"a": [12, 9], "b": [4, 15]})
    out, n = suppress(table, 5)
    # 4 primary; row 0 -> 12; column b -> 15; row 1 then has one -> 9; column a has two
    assert out.to_numpy().tolist() == [[C, C], [C, C]] and n == 4


def test_no_single_suppressed_cell_in_any_line():
    table = pd.DataFrame({"a": [1, 7, 30, 0], "b": [9, 2, 12, 6], "c": [14, 11, 3, 8]})
    out, _ = suppress(table, 5)
    suppressed = out.to_numpy() == C
    assert all(s != 1 for s in suppressed.sum(axis=0))
    assert all(s != 1 for s in suppressed.sum(axis=1))


# --- report tables ---------------------------------------------------------------------------


def test_percentages_whose_hidden_numerator_is_small_are_suppressed():
    from analysis.presentation.disclosure import protect_table

    table = pd.DataFrame({"Quarter": ["Q1", "Q2"], "Completed": [40, 120], "NFA": [0.1, 0.5]})
    out, n = protect_table(table, 5, base={"NFA": "Completed"})
    # Q1: 10% of 40 = 4 assessments -> c; Q2: 50% of 120 = 60 -> shown
    assert out["NFA"].tolist() == [C, 0.5] and out["Completed"].tolist() == [40, 120]
    assert n == 1


def test_every_rate_in_a_row_with_a_suppressed_count_goes_too():
    from analysis.presentation.disclosure import protect_table

    table = pd.DataFrame(
        {"Group": ["A", "B", "All"], "Children": [3, 40, 43], "Share": [0.07, 0.93, 1.0]}
    )
    out, n = protect_table(table, 5, formats={"Share": "percent"})
    # 3 primary; its column's smallest other non-zero count, 40, covers it; A's and B's
    # shares are built on them; the total row stays
    assert out["Children"].tolist() == [C, C, 43]
    assert out["Share"].tolist() == [C, C, 1.0]
    assert n == 4


def test_count_format_marks_a_float_column_as_counts():
    from analysis.presentation.disclosure import count_columns

    table = pd.DataFrame({"a": [1.0], "b": [2], "r": [0.5]})
    assert count_columns(table, {"a": "count"}) == ["a", "b"]


# --- headline figures ------------------------------------------------------------------------


def test_headline_figures_are_protected_with_their_totals_shares_and_derived_figures():
    from analysis.presentation.disclosure import WITHHELD, disclose_metrics

    values = {
        "total": 30,
        "a": 22,
        "b": 4,
        "z": 0,
        "d": 4,
        "share_a": 22 / 30,
        "pairs": 3,
        "kappa": 0.5,
        "outcomes": {"x": 2, "y": 10},
        "mentions": 12,
        "days_per_fte": 18.1,
    }
    rules = {
        "totals": {"total": ["a", "b", "z", "d"], "mentions": ["outcomes"]},
        "shares": {"share_a": "total"},
        "derived": {"share_a": ["a", "total"], "kappa": ["pairs"]},
    }
    shown, n = disclose_metrics(values, rules, 5)
    # primary: b, d, pairs, outcomes.x. total 30 = 22 + 4 + 0 + 4 already has two hidden.
    # mentions 12 = 2 + 10 has one, so y (10) covers it. kappa rests on pairs. 22/30 is
    # 22 of 30 and stays. Six figures withheld.
    assert shown["b"] is WITHHELD and shown["d"] is WITHHELD and shown["pairs"] is WITHHELD
    assert shown["outcomes"] == {"x": WITHHELD, "y": WITHHELD}
    assert shown["kappa"] is WITHHELD
    assert shown["a"] == 22 and shown["z"] == 0 and shown["share_a"] == 22 / 30
    assert shown["days_per_fte"] == 18.1 and shown["mentions"] == 12
    assert n == 6


def test_a_share_of_a_small_hidden_numerator_is_withheld():
    from analysis.presentation.disclosure import WITHHELD, disclose_metrics

    shown, n = disclose_metrics({"n": 40, "s": 0.1, "t": 0.5}, {"shares": {"s": "n", "t": "n"}}, 5)
    # 10% of 40 is 4 children; 50% of 40 is 20
    assert shown["s"] is WITHHELD and shown["t"] == 0.5 and n == 1


def test_a_withheld_figure_prints_as_c_and_cannot_be_compared():
    import pytest

    from analysis.engine.metrics import plain
    from analysis.withheld import WITHHELD, withheld

    assert f"{WITHHELD:,} of {WITHHELD:.1%}" == "c of c"
    assert 100 * WITHHELD / 7 is WITHHELD
    assert withheld(WITHHELD) and withheld("c") and not withheld(0)
    assert plain({"x": WITHHELD}) == {"x": "c"}
    with pytest.raises(TypeError):
        WITHHELD < 1  # noqa: B015


# --- the presentation helpers in the public mode ---------------------------------------------


def test_public_tables_charts_and_sentences(monkeypatch, tmp_path):
    import matplotlib.pyplot as plt

    from analysis.presentation import present

    shown = []
    monkeypatch.setattr(present, "display", lambda obj: shown.append(obj.data))
    table = pd.DataFrame({"Team": ["A", "B"], "Employees": [3, 40]})
    try:
        assert ">3<" in present.table_html(table, "Restricted")
        present.configure("public", 5, tmp_path / "disclosure.json")
        html = present.table_html(table, "Public")
        assert ">3<" not in html and ">c<" in html and "c: suppressed" in html
        fig = plt.figure()
        alt = "Bar chart: Employees per team. A 3, B 40."
        present.figure(fig, alt, rests_on=table["Employees"])
        assert "not shown in the public version because it rests on small" in shown[-1]
        assert "Employees per team" in shown[-1] and "A 3" not in shown[-1]
        present.figure(plt.figure(), "Days lost per FTE", rests_on=present.NO_COUNTS)
        assert "<img" in shown[-1]
        present.figure(plt.figure(), "Line chart: Undeclared. From 3 to 4.")
        assert "not shown in the public version: Undeclared." in shown[-1]
        present.summary(["c newborn babies started care."])
        assert "c: suppressed to protect confidentiality" in shown[-1]
        audit = __import__("json").loads((tmp_path / "disclosure.json").read_text())
        assert audit["cells_suppressed"] == 2 and audit["figures_left_out"] == 2
    finally:
        present.configure()
    assert ">3<" in present.table_html(table, "Restricted again")


def test_published_statistics_are_shown_as_published(monkeypatch):
    from analysis.presentation import present

    table = pd.DataFrame({"Year": ["2024"], "Neighbours with data": [4]})
    try:
        present.configure("public", 5)
        html = present.table_html(table, "DfE published", published_statistics=True)
        assert ">4<" in html and "c: suppressed" not in html
    finally:
        present.configure()


def test_an_unknown_publication_mode_is_refused():
    import pytest

    from analysis.errors import BoardpackError
    from analysis.presentation import present

    with pytest.raises(BoardpackError, match="publication must be one of"):
        present.configure("website")
    with pytest.raises(BoardpackError, match="whole number"):
        present.configure("public", 0)
    present.configure()


def test_cells_adding_up_to_a_total_in_another_table_are_protected_together():
    # a quarter of last year (4) and the four quarters of this year (3, 9, 8, 10), whose total
    # another table publishes. 4 and 3 are primary and cover each other in the column, but
    # this year would then have one unknown: 3 = total - 9 - 8 - 10. With the year as a line
    # its smallest other cell, 8, is hidden as well.
    table = pd.DataFrame({"n": [4, 3, 9, 8, 10]})
    assert suppress(table, 5, ["n"])[0]["n"].tolist() == [C, C, 9, 8, 10]
    year = [[(i, "n") for i in range(1, 5)]]
    out, n = suppress(table, 5, ["n"], lines=year)
    assert out["n"].tolist() == [C, C, 9, C, 10] and n == 3


def test_linked_cells_are_suppressed_alike_in_every_table_of_a_report(monkeypatch):
    from analysis.presentation import present

    monkeypatch.setattr(present, "display", lambda obj: None)
    first = pd.DataFrame({"Outcome": ["a", "b", "c"], "Now": [3, 6, 20]})
    # the same counts again, with another outcome (4) that this table alone would use as
    # the cover for a's 3 - leaving b's 6 shown here although the first table hid it
    second = pd.DataFrame({"Outcome": ["a", "b", "c", "d"], "This period": [3, 6, 20, 4]})
    try:
        present.configure("public", 5)
        alone = present.table_html(second, "Alone")
        assert ">6<" in alone
        present.configure("public", 5)
        present.table_html(first, "First", keys={"Now": "now"})  # hides 3 and its cover 6
        linked = present.table_html(second, "Second", keys={"This period": "now"})
        assert ">6<" not in linked and ">20<" in linked
    finally:
        present.configure()


def test_a_cell_shown_in_an_earlier_table_is_not_used_as_cover(monkeypatch):
    from analysis.presentation import present

    monkeypatch.setattr(present, "display", lambda obj: None)
    first = pd.DataFrame({"Outcome": ["a", "b", "c"], "Now": [3, 4, 6]})  # 3 and 4 hidden
    second = pd.DataFrame({"Outcome": ["a", "c", "e"], "Now": [3, 6, 8]})
    try:
        present.configure("public", 5)
        assert ">6<" not in present.table_html(second, "Alone")  # 6 is the cover alone
        present.configure("public", 5)
        present.table_html(first, "First", keys={"Now": "now"})
        html = present.table_html(second, "Second", keys={"Now": "now"})
        # c's 6 is public already, so hiding it protects nothing: e's 8 covers a's 3
        assert ">6<" in html and ">8<" not in html
    finally:
        present.configure()


def test_figures_a_report_has_already_withheld_are_withheld_in_its_tables(monkeypatch):
    from analysis.presentation import present
    from analysis.withheld import WITHHELD

    monkeypatch.setattr(present, "display", lambda obj: None)
    table = pd.DataFrame({"Outcome": ["a", "b", "c"], "Now": [8, 10, 12]})
    try:
        present.configure("public", 5)
        # the sentences withheld a's 8 (e.g. as cover for a figure of their own) and showed 10
        present.link({"now": {"a": WITHHELD, "b": 10}})
        html = present.table_html(table, "T", keys={"Now": "now"})
        # a hidden as in the sentences; its cover cannot be b (public already), so c goes
        assert ">8<" not in html and ">10<" in html and ">12<" not in html
    finally:
        present.configure()


def test_a_series_point_resting_on_a_small_count_is_withheld():
    import pandas as pd

    from analysis.presentation.disclosure import protect_series
    from analysis.withheld import withheld

    months = pd.period_range("2017-01", periods=4, freq="M")
    shares = pd.Series([0.5, 0.25, 0.0, 0.6], index=months)
    counts = pd.DataFrame(
        {"Under 1": [10, 3, 0, pd.NA], "Starts": [20, 12, 9, 10]}, index=months
    ).astype("Int64")
    shown = protect_series(shares, counts, threshold=5, is_count=False)
    # 3 of 12 is small (withheld); 0 of 9 is a true zero; an unknown count is not small
    assert [withheld(v) for v in shown] == [False, True, False, False]
    totals = pd.Series([12, 4, 0, 7], index=months)
    assert [withheld(v) for v in protect_series(totals, None, 5, True)] == [
        False,
        True,
        False,
        False,
    ]


def test_a_count_beside_a_share_prints_as_a_whole_number():
    import pandas as pd

    from analysis.presentation.present import table_html

    page = table_html(
        pd.DataFrame({"Plans": [644], "Share": [0.1413]}), "Plans", {"Share": "percent"}
    )
    assert '<td class="num">644</td>' in page and '<td class="num">14.1%</td>' in page


def test_a_figure_whose_difference_from_another_is_small_is_withheld():
    from analysis.presentation.disclosure import disclose_metrics
    from analysis.withheld import withheld

    rules = {"differences": {"children": "starts"}}
    # 470 starts by 467 children: 3 children started twice - a small count
    shown, n = disclose_metrics({"starts": 470, "children": 467}, rules, 5)
    assert withheld(shown["children"]) and shown["starts"] == 470 and n == 1
    shown, _ = disclose_metrics({"starts": 470, "children": 450}, rules, 5)
    assert shown["children"] == 450
