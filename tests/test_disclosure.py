"""Small-number suppression on hand-built tables; answers worked out in the comments."""

from __future__ import annotations

import pandas as pd

from analysis.disclosure import SUPPRESSED as C
from analysis.disclosure import suppress


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
