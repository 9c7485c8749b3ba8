"""Children looked after: each definition on small hand-built SSDA903 frames.

Expected values are worked out by hand in the comments."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.ages import age_in_years
from analysis.measures import looked_after as la
from analysis.reports import young_children as yc

T = pd.Timestamp


def episodes(rows):
    frame = pd.DataFrame(rows, columns=["CHILD", "DECOM", "RNE", "LS", "CIN", "DEC", "REC"])
    frame["DECOM"] = pd.to_datetime(frame["DECOM"])
    frame["DEC"] = pd.to_datetime(frame["DEC"])
    return frame


def header(rows):
    frame = pd.DataFrame(rows, columns=["CHILD", "DOB"])
    frame["DOB"] = pd.to_datetime(frame["DOB"])
    return frame


HEADER = header(
    [
        ("A", "2017-03-01"),  # starts at 6 days old: newborn
        ("B", "2017-03-01"),  # starts at 7 days old: not newborn
        ("C", "2010-05-20"),  # short breaks only (V3)
        ("D", "2012-01-01"),  # moves placement on 01/03/2017 (X1 then P)
        ("E", "2016-06-30"),  # starts twice in the window
        ("F", "2016-04-01"),  # born and started on the window's first day
        ("G", "2005-04-01"),  # started the day before the window
    ]
)
EPISODES = episodes(
    [
        ("A", "2017-03-07", "S", "C2", "N1", None, None),  # open episode
        ("B", "2017-03-08", "S", "C1", "N1", "2017-03-20", "E13"),
        ("C", "2016-08-01", "S", "V3", "N1", "2016-08-04", "E13"),
        ("D", "2016-05-01", "S", "C2", "N2", "2017-03-01", "X1"),
        ("D", "2017-03-01", "P", "C2", "N2", None, None),
        ("E", "2016-07-10", "S", "V2", "N1", "2016-09-01", "E13"),
        ("E", "2016-12-01", "S", "C2", "N1", None, None),
        ("F", "2016-04-01", "S", "C2", "N1", None, None),
        ("G", "2016-03-31", "S", "V2", "N4", None, None),
    ]
)
FIRST, LAST = T("2016-04-01"), T("2017-03-31")


def test_age_in_completed_years_counts_the_birthday_itself():
    dob = pd.Series(pd.to_datetime(["2010-03-31", "2010-03-31", "2012-02-29"]))
    on = pd.Series(pd.to_datetime(["2017-03-30", "2017-03-31", "2013-02-28"]))
    assert list(age_in_years(dob, on)) == [6, 7, 0]


def test_starts_exclude_short_breaks_and_count_repeat_starts():
    s = la.starts(EPISODES, HEADER, FIRST, LAST)
    # S episodes in window: A, B, D, E twice, F = 6 (C is V3; G started 31/03/2016)
    assert len(s) == 6
    assert sorted(s["CHILD"]) == ["A", "B", "D", "E", "E", "F"]


def test_newborn_is_under_7_days():
    s = la.starts(EPISODES, HEADER, FIRST, LAST).set_index("CHILD")
    assert bool(s.loc["A", "NEWBORN"]) and s.loc["A", "AGE_DAYS"] == 6
    assert not bool(s.loc["B", "NEWBORN"]) and s.loc["B", "AGE_DAYS"] == 7
    assert s.loc["F", "AGE_DAYS"] == 0 and bool(s.loc["F", "NEWBORN"])
    assert s.loc["A", "BAND"] == "Newborn (under 7 days)"
    assert s.loc["B", "BAND"] == "7 days to under 3 months"


def test_under_1_share_of_starts_by_hand():
    s = la.starts(EPISODES, HEADER, FIRST, LAST)
    # under 1 at start: A (6d), B (7d), E (10 days old on 10/07/2016; 5 months on 01/12/2016),
    # F (0d) = 5 of 6; D is 4
    share = la.share_under(s, 1)
    assert (share.count, share.total) == (5, 6)


def test_looked_after_on_a_date():
    on = la.looked_after_on(EPISODES, HEADER, T("2017-03-01"))
    # D ends one episode and starts the next on 01/03/2017: counted once; E (open since
    # 01/12/2016), F, G open; A and B not yet started; C short breaks only
    assert sorted(on["CHILD"]) == ["D", "E", "F", "G"]
    end = la.looked_after_on(EPISODES, HEADER, T("2017-03-20"))
    # B's episode ends on 20/03/2017, so B is not looked after on that day
    assert sorted(end["CHILD"]) == ["A", "D", "E", "F", "G"]


def test_headline_metrics_against_a_hand_count():
    w = yc.windows(EPISODES, HEADER, "2017-03")
    h = yc.headline(w)
    # previous 12 months (Apr 2015-Mar 2016): G only, aged 10 -> 0 of 1 under 1
    assert (h["starts_12m"], h["starts_under1_12m"]) == (6, 5)
    assert (h["starts_12m_prev"], h["starts_under1_12m_prev"]) == (1, 0)
    assert h["starts_under1_share_12m"] == pytest.approx(5 / 6)
    assert h["under1_share_ratio"] is None  # no baseline under-1 starts
    assert h["newborn_starts_12m"] == 2  # A and F
    # 31/03/2017: A, D, E, F, G looked after; under 1: A (0), E (0: born 30/06/2016), F (0)
    assert (h["cla_at_period_end"], h["cla_under1_at_period_end"]) == (5, 3)


def test_bands_are_parameters():
    bands = [["Under 1", "0d"], ["1 and over", "1y"]]
    s = la.starts(EPISODES, HEADER, FIRST, LAST, bands)
    assert list(s["BAND"].cat.categories) == ["Under 1", "1 and over", "Age unknown"]
    assert (s["BAND"] == "Under 1").sum() == 5


def test_sibling_in_care_at_or_before_the_start():
    family = pd.DataFrame({"CHILD": ["A", "B", "D", "E"], "FAMILY_ID": ["F1", "F1", "F2", "F2"]})
    s = la.starts(EPISODES, HEADER, FIRST, LAST)
    sib = la.sibling_in_care(s, EPISODES, family)
    got = dict(zip(s["CHILD"] + s["DECOM"].dt.strftime("%m"), sib, strict=True))
    # A started 07/03/2017, sibling B first looked after 08/03/2017: not yet -> False
    # B started 08/03/2017 after A (07/03/2017) -> True
    # D started 01/05/2016, sibling E first 10/07/2016 -> False; E's starts follow D -> True
    assert (
        not bool(got["A03"])
        and bool(got["B03"])
        and not bool(got["D05"])
        and bool(got["E07"])
        and bool(got["E12"])
    )
    assert pd.isna(got["F04"])  # no family record


def test_sibling_comparison_by_hand():
    family = pd.DataFrame({"CHILD": ["A", "B", "D", "E"], "FAMILY_ID": ["F1", "F1", "F2", "F2"]})
    s = la.starts(EPISODES, HEADER, FIRST, LAST)
    result = la.sibling_comparison(s, la.sibling_in_care(s, EPISODES, family))
    # under 1 with family: A (no), B (yes), E x2 (yes, yes) -> 3 of 4; older: D (no) -> 0 of 1
    assert (result["under1"].count, result["under1"].total) == (3, 4)
    assert (result["older"].count, result["older"].total) == (0, 1)
    assert result["unknown"] == 1


def test_mothers_age_at_birth():
    family = pd.DataFrame(
        {
            "CHILD": ["A", "D"],
            "FAMILY_ID": ["F1", "F2"],
            "MOTHER_DOB": pd.to_datetime(["1998-03-01", "1985-01-01"]),
        }
    )
    s = la.starts(EPISODES, HEADER, FIRST, LAST)
    summary = la.mothers_age_summary(la.mothers_age(s, family)).set_index("Starters")
    # A's mother was 19 at A's birth (01/03/1998 -> 01/03/2017): 19.0 years; D's mother 27.0
    assert summary.loc["Under 1", "Mother's age known"] == 1
    assert summary.loc["Under 1", "Median age (years)"] == pytest.approx(19.0, abs=0.01)
    assert summary.loc["Under 1", "Mother under 20"] == 1.0
    assert summary.loc["Aged 1 and over", "Median age (years)"] == pytest.approx(27.0, abs=0.01)


def test_doubling_verdict_follows_its_rule():
    from analysis.measures.stats import Comparison

    verdict = yc.doubling_verdict
    # the board's own: 2.12 (1.57 to 2.88) fits a 60% rise as well as near tripling
    text = verdict(Comparison(2.12, 1.57, 2.88, 0.00001))
    assert text == (
        "The under-1 share is 2.12 times last year's, between 1.6 and 2.9 times last year's "
        "share (95% confidence interval): a rise more than chance would explain; whether it "
        "doubled cannot be told from these numbers (p < 0.001 against no change)."
    )
    assert "it at least doubled" in verdict(Comparison(2.6, 2.1, 3.2, 0.0001))
    assert "it rose by less than double" in verdict(Comparison(1.4, 1.1, 1.8, 0.01))
    assert "a fall more than chance" in verdict(Comparison(0.5, 0.3, 0.8, 0.01))
    assert "may not have changed" in verdict(Comparison(1.2, 0.8, 1.7, 0.3))
    assert "doubl" not in verdict(Comparison(1.2, 0.8, 1.7, 0.3))


def test_looked_after_at_each_month_end_by_hand():
    series = la.looked_after_series(EPISODES, HEADER, "2017-03", 3)
    # 31/01 and 28/02: D, E, F, G (E and F under 1); 31/03: A, D, E, F, G (A, E, F under 1)
    assert list(series["Looked after"]) == [4, 4, 5]
    assert list(series["Under 1"]) == [2, 2, 3]
    assert series["Under-1 share"].iloc[-1] == pytest.approx(3 / 5)


def test_mothers_age_distribution_by_hand():
    with_age = pd.DataFrame(
        {
            "MOTHER_AGE": [19.0, 24.9, 25.0, 40.0, None],
            "GROUP": ["Under 1", "Under 1", "Aged 1 and over", "Aged 1 and over", "Under 1"],
        }
    )
    table = la.mothers_age_distribution(with_age)
    # under 1 (known ages 19.0, 24.9): half under 20, half 20-24; older: half 25-29, half 35+
    assert table.loc["Under 20", "Under 1: share"] == 0.5
    assert table.loc["20 to 24", "Under 1: share"] == 0.5
    assert table.loc["25 to 29", "Aged 1 and over: share"] == 0.5
    assert table.loc["35 and over", "Aged 1 and over: share"] == 0.5
    assert table["Under 1: number"].tolist() == [1, 1, 0, 0, 0]
    assert table["Aged 1 and over: number"].tolist() == [0, 0, 1, 0, 1]


def test_under1_and_older_split():
    series = la.starts_series(EPISODES, HEADER, "2017-03", 12, "Q")
    split = la.under1_and_older(series)
    # quarter to March 2017: A, B (under 1) and no older starts; to June 2016: F (under 1), D
    assert list(split.loc[pd.Period("2017-03", "M")]) == [2, 0]
    assert list(split.loc[pd.Period("2016-06", "M")]) == [1, 1]


def test_family_sentences_without_any_known_mothers_age():
    family = pd.DataFrame({"CHILD": ["A"], "FAMILY_ID": ["F1"], "MOTHER_DOB": [pd.NaT]})
    w = yc.windows(EPISODES, HEADER, "2017-03")
    lines = yc.family_sentences(yc.family_links(w, EPISODES, family))
    assert lines[0].startswith("Mother's age cannot be compared")


def test_years_of_quarters_group_the_quarters_of_each_published_year():
    series = pd.DataFrame({"Starts": range(10), "Under 1": range(10)})
    lines = la.years_of_quarters(series)
    # ten quarters, oldest first: the last eight make two years (rows 6-9 and 2-5); rows 0-1
    # are not a whole year
    assert lines == [
        [(6, "Starts"), (7, "Starts"), (8, "Starts"), (9, "Starts")],
        [(6, "Under 1"), (7, "Under 1"), (8, "Under 1"), (9, "Under 1")],
        [(2, "Starts"), (3, "Starts"), (4, "Starts"), (5, "Starts")],
        [(2, "Under 1"), (3, "Under 1"), (4, "Under 1"), (5, "Under 1")],
    ]


def test_a_sibling_looked_after_on_the_start_date_and_at_any_time_before():
    # F1: P was looked after 01/01/2015 to 01/06/2015 (long before); Q from 01/02/2017, open.
    # X starts 01/03/2017 (Q open that day: on the day yes; ever yes). Y starts 01/06/2015, the
    # day P's episode ended: P is not looked after that day, but was before. Z has no family.
    episodes = pd.DataFrame(
        {
            "CHILD": ["P", "Q", "X", "Y", "Z"],
            "DECOM": pd.to_datetime(
                ["2015-01-01", "2017-02-01", "2017-03-01", "2015-06-01", "2017-03-01"]
            ),
            "DEC": pd.to_datetime(["2015-06-01", None, None, None, None]),
            "RNE": ["S"] * 5,
            "LS": ["C2"] * 5,
        }
    )
    family = pd.DataFrame({"CHILD": ["P", "Q", "X", "Y"], "FAMILY_ID": ["F1"] * 4})
    starts = episodes[episodes["CHILD"].isin(["X", "Y", "Z"])].set_index(pd.Index([10, 20, 30]))
    on_day = la.sibling_in_care_on_start(starts, episodes, family)
    ever = la.sibling_in_care(starts, episodes, family)
    assert on_day.loc[10] and not on_day.loc[20] and pd.isna(on_day.loc[30])
    assert ever.loc[10] and ever.loc[20] and pd.isna(ever.loc[30])


def test_the_whole_age_profile_is_compared_by_chi_square():
    from analysis.measures.stats import profile_p_value

    # 10 vs 20 and 20 vs 10: every expected count is 15, so chi-square = 4 x 25 / 15 = 6.667
    # with 1 degree of freedom: p = 0.0098 (chi-square table)
    assert profile_p_value([[10, 20], [20, 10]]) == pytest.approx(0.0098, abs=1e-4)
    assert profile_p_value([[10, 20], [0, 0], [20, 10]]) == pytest.approx(0.0098, abs=1e-4)
    assert profile_p_value([[10, 20]]) is None and profile_p_value([[5, 0], [3, 0]]) is None


def test_mothers_sentence_says_what_each_test_can_see():
    text = yc.mothers_sentence(27.4, 27.9, 0.887, 0.0001)
    # Mann-Whitney p = 0.887 >= 0.05: no sign that either group tends older; never "the
    # middles are about the same", which the test cannot show
    assert "no sign that either group's mothers tend to be older than the other's" in text
    assert "(Mann–Whitney test, p = 0.887)" in text and "middle" not in text
    assert "as the table of age groups shows" in text
    assert "more than chance would explain (Mann" in yc.mothers_sentence(25.0, 29.0, 0.01, 0.4)
    assert "but the whole age profile differs more than chance would explain" in text
    assert "p < 0.001" in text
    calm = yc.mothers_sentence(27.4, 27.9, 0.887, 0.4)
    assert (
        "within what chance could produce (chi-square test across the age groups, p = 0.400)"
        in calm
    )


def test_a_start_without_a_date_of_birth_is_age_unknown_never_newborn():
    """Two true newborns and three starts whose child has no header row (no date of birth):
    2 newborns, 3 age unknown - not 5 newborns - and no start of age unknown is under 1 or
    aged 1 and over."""
    head = header([("N1", "2017-01-01"), ("N2", "2017-02-10"), ("K", "2010-01-01")])
    eps = episodes(
        [
            ("N1", "2017-01-03", "S", "C2", "N1", None, None),  # 2 days old: newborn
            ("N2", "2017-02-10", "S", "C2", "N1", None, None),  # 0 days old: newborn
            ("K", "2017-02-01", "S", "C2", "N1", None, None),  # 7 years old: 5 to 9
            ("X1", "2017-01-05", "S", "C2", "N1", None, None),  # no header row
            ("X2", "2017-02-05", "S", "C2", "N1", None, None),  # no header row
            ("X3", "2017-03-05", "S", "C2", "N1", None, None),  # no header row
        ]
    )
    s = la.starts(eps, head, FIRST, LAST)
    bands = la.band_counts(s)["Starts"]
    # N1, N2 newborn; K 5 to 9; X1-X3 age unknown; the other bands 0
    assert bands["Newborn (under 7 days)"] == 2
    assert bands[la.UNKNOWN] == 3
    assert bands["5 to 9"] == 1 and bands.sum() == 6
    assert int(s["NEWBORN"].sum()) == 2
    q = la.starts_series(eps, head, "2017-03", 3, "Q")  # one quarter: Jan-Mar 2017
    row = q.iloc[-1]
    # 6 starts: 2 under 1 (N1, N2), 3 age unknown, so 6 - 2 - 3 = 1 aged 1 and over (K)
    assert (row["Starts"], row["Under 1"], row["Newborn"], row[la.UNKNOWN]) == (6, 2, 2, 3)
    assert la.under1_and_older(q).iloc[-1].tolist() == [2, 1]
    entry = la.status_on_entry(s, "LS")
    # the C2 row: 2 under 1 and 1 aged 1 and over; the 3 of age unknown in neither column
    assert entry.loc["C2", ("Number", "Under 1")] == 2
    assert entry.loc["C2", ("Number", "Aged 1 and over")] == 1


def test_no_age_unknown_row_or_column_when_every_start_has_a_date_of_birth():
    s = la.starts(EPISODES, HEADER, FIRST, LAST)
    assert la.UNKNOWN not in la.band_counts(s).index
    assert la.UNKNOWN not in la.starts_series(EPISODES, HEADER, "2017-03", 12).columns


def test_the_report_says_when_starts_are_of_age_unknown():
    head = header([("N1", "2017-01-01")])
    eps = episodes(
        [
            ("N1", "2017-01-03", "S", "C2", "N1", None, None),
            ("X1", "2017-01-05", "S", "C2", "N1", None, None),  # no header row
        ]
    )
    w = yc.windows(eps, head, "2017-03")
    (note,) = yc.unknown_age_note(w)
    assert note.text.startswith("Some starts had no date of birth")
    assert yc.unknown_age_note(yc.windows(EPISODES, HEADER, "2017-03")) == []
