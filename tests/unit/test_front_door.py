"""The front door's definitions on hand-built frames (answers worked out in the comments), and
the like-for-like comparison against the trimmed DfE table C1."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.measures import comparisons as cmp
from analysis.measures import front_door as fd
from analysis.periods import covers
from analysis.reports.front_door import like_for_like, referral_headline

T = pd.Timestamp
NAT = pd.NaT


def contacts(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["CHILD", "DOB", "CONTACT_DATE", "SOURCE"])
    for col in ("DOB", "CONTACT_DATE"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def referrals(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["CHILD", "REFERRAL_DATE", "NFA"])
    frame["REFERRAL_DATE"] = pd.to_datetime(frame["REFERRAL_DATE"])
    return frame


def test_contacts_per_month_both_readings_of_repeat_contacts():
    c = contacts(
        ("A", "2015-05-01", "2017-02-10", "6"),  # A: two contacts on the same day
        ("A", "2015-05-01", "2017-02-10", "2A"),
        ("B", None, "2017-01-31", "6"),  # B: no date of birth; either side of a month end
        ("B", None, "2017-02-01", "6"),
        ("U", "2017-05-01", "2017-02-20", "3B"),  # unborn: counted like anyone
        ("C", "2010-01-01", "2017-02-14", "8"),
    )
    months = fd.contact_months(c, None, "2017-02", months=2)
    feb, jan = months.loc[pd.Period("2017-02")], months.loc[pd.Period("2017-01")]
    # February: 5 contacts (A twice, B, U, C); 4 children; only A has more than one
    assert (feb["Contacts"], feb["Children contacted"]) == (5, 4)
    assert feb["Children with more than one contact"] == 1
    assert feb["Share of children with more than one contact"] == 1 / 4
    # repeats within 30 days: A's second (0 days) and B's 1 February (1 day after 31 January)
    assert feb["Repeat contacts within 30 days"] == 2
    assert feb["Share of contacts repeating within 30 days"] == 2 / 5
    # January: B once, not multiple and not a repeat
    assert (jan["Contacts"], jan["Children with more than one contact"]) == (1, 0)
    assert jan["Repeat contacts within 30 days"] == 0


def test_a_contact_leads_to_a_referral_up_to_n_days_later():
    c = contacts(
        ("A", None, "2017-03-01", "6"),  # referred 8 March: 7 days later, counts
        ("B", None, "2017-03-01", "6"),  # referred 9 March: 8 days later, does not
        ("C", None, "2017-03-10", "6"),  # referred the day before: does not
    )
    r = referrals(("A", "2017-03-08", False), ("B", "2017-03-09", False), ("C", "2017-03-09", True))
    march = fd.contact_months(c, r, "2017-03", months=1, referral_within_days=7).iloc[-1]
    assert march["Contacts leading to a referral"] == 1


def test_re_referrals_on_the_dfe_definition_across_a_leap_day():
    r = referrals(
        ("A", "2016-03-01", False),  # A: 2016-03-01 to 2017-03-01 is 365 days: re-referral
        ("A", "2017-03-01", False),
        ("B", "2016-02-29", False),  # B: the leap day, 366 days before: not a re-referral
        ("B", "2017-03-01", True),
        ("C", "2017-03-15", None),  # C: a first-ever referral
    )
    flags = fd.rereferrals(r)
    assert flags.tolist() == [False, True, False, False, False]
    # the 12 months to March 2017 hold A's, B's and C's 2017 referrals (and A's 2016 one);
    # the previous referral may fall before the window
    share = fd.rereferral_share(r, T("2016-04-01"), T("2017-03-31"))
    assert (share.count, share.total) == (1, 3)
    # NFA: B yes, A no, C not recorded -> 1 of 2
    nfa = fd.nfa_share(r, T("2016-04-01"), T("2017-03-31"))
    assert (nfa.count, nfa.total) == (1, 2)


def test_referral_months_count_each_month_share():
    r = referrals(
        ("A", "2016-03-01", False), ("A", "2017-03-01", False), ("B", "2017-03-05", False)
    )
    march = fd.referral_months(r, "2017-03", months=1).iloc[-1]
    assert (march["Referrals"], march["Re-referrals"], march["Re-referral share"]) == (2, 1, 0.5)
    # NFA: both recorded "no" in March -> 0 of 2
    assert (march["NFA recorded"], march["NFA share"]) == (2, 0.0)


def test_sources_are_grouped_from_codes_or_words():
    values = pd.Series(["6", "3a", "2A", "5C", "1B", "9", "Police", "Health visitor", None, "x"])
    assert fd.source_group(values).tolist() == [
        "Police", "Health", "Schools", "LA services", "Individual", "Other or unknown",
        "Police", "Health", "Other or unknown", "Other or unknown",
    ]  # fmt: skip
    table = fd.by_source(
        contacts(("A", None, "2017-03-01", "6"), ("B", None, "2017-03-02", "2A")),
        T("2017-03-01"),
        T("2017-03-31"),
        "CONTACT_DATE",
    ).set_index("Source")
    assert table.loc["Police", "Number"] == 1 and table.loc["Police", "Share"] == 0.5
    assert list(table.index) == fd.SOURCE_GROUPS


def test_rates_per_10000_children():
    assert fd.per_10k(3243, 66834) == pytest.approx(485.23, abs=0.01)
    assert fd.per_10k(10, None) is None


def test_the_like_for_like_table_reproduces_the_published_c1_rows(dfe):
    bm = cmp.open_benchmarks(dfe, "E08000015", "344")
    table, metrics = like_for_like(
        None, cmp.referrals(bm, "rereferral_percent"), "2017-03", "Wirral"
    )
    shown = table.set_index("Who")["Re-referral share"]
    # DfE C1, year to 31 March 2017: Wirral 21, England 21.9, North West 21.8 (percent)
    assert shown["Wirral (published by DfE)"] == pytest.approx(0.21)
    assert shown["England"] == pytest.approx(0.219)
    assert shown["Region"] == pytest.approx(0.218)
    # the ten neighbours' 2017 figures sorted: 15, 16.8, 18.5, 19.6, 19.7, 20.6, 21.2, 22.6,
    # 22.9, 38 -> median (19.7 + 20.6) / 2 = 20.15
    assert shown["Statistical neighbours (median)"] == pytest.approx(0.2015)
    assert metrics["benchmark_year"] == "2017"
    # no referrals in the data: our own figure is left blank, never invented
    assert pd.isna(shown["Wirral (recomputed from this data)"])


def test_months_before_the_data_begin_are_blank_not_zero():
    # an Annex A workbook holding January to March 2017 only
    c = contacts(("A", None, "2017-01-05", "6"), ("B", None, "2017-03-01", "6"))
    months = fd.contact_months(c, None, "2017-03", months=4)
    assert pd.isna(months.loc[pd.Period("2016-12"), "Contacts"])
    assert months.loc[pd.Period("2017-02"), "Contacts"] == 0  # covered, and quiet
    r = referrals(("A", "2017-01-05", False), ("A", "2017-03-01", False))
    ref = fd.referral_months(r, "2017-03", months=3)
    # referrals are counted from January, but no month has a year of history for re-referrals
    assert ref["Referrals"].tolist() == [1, 0, 1]
    assert ref["Re-referral share"].isna().all()
    assert covers(r["REFERRAL_DATE"], T("2017-01-01"))
    assert not covers(r["REFERRAL_DATE"], T("2016-04-01"))


def test_flags_worked_out_once_give_the_same_shares():
    r = pd.DataFrame(
        {"CHILD": ["A", "A", "B"],
         "REFERRAL_DATE": [T("2016-05-01"), T("2016-09-01"), T("2016-10-01")],
         "NFA": [None, None, None]}
    )  # fmt: skip
    once = fd.with_rereferrals(r)
    assert once["REREFERRAL"].tolist() == [False, True, False]
    first, last = T("2016-04-01"), T("2017-03-31")
    assert fd.rereferral_share(once, first, last) == fd.rereferral_share(r, first, last)


def test_a_census_from_1_april_gives_the_re_referral_share_its_first_referral_would_withhold():
    """CIN census files for 2015-16 to 2016-17 cover from 01/04/2015, though the first
    referral in them is 10/05/2015: the year to March 2017 looks back 365 days from
    01/04/2016 to 02/04/2015, inside what the files cover, so its re-referral share is given.
    Taken from the first referral, it would be withheld."""
    r = fd.with_rereferrals(
        referrals(
            ("A", "2015-05-10", False),
            ("A", "2016-05-01", False),  # 357 days after A's first: a re-referral
            ("B", "2016-06-01", False),
        )
    )
    months = fd.referral_months(r, "2017-03", months=25, begins=T("2015-04-01"))
    assert months.loc[pd.Period("2015-04"), "Referrals"] == 0  # covered, and quiet
    assert pd.isna(months.loc[pd.Period("2015-03"), "Referrals"])  # before the files
    withheld = fd.referral_months(r, "2017-03", months=25)
    assert pd.isna(withheld.loc[pd.Period("2015-04"), "Referrals"])
    headline = referral_headline(r, "2017-03", None, begins=T("2015-04-01"))
    # 2 referrals in the year to March 2017, 1 a re-referral: 1 / 2 = 0.5
    assert (headline["rereferrals_12m"], headline["rereferral_share_12m"]) == (1, 0.5)
    assert referral_headline(r, "2017-03", None)["rereferral_share_12m"] is None
