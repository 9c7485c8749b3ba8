"""The `young_children` report's headline figures and plain-English summary, built from the
measures in `analysis.measures.looked_after` so the notebook only calls and displays."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.config import code_label
from analysis.measures import comparisons as cmp
from analysis.measures import looked_after as la
from analysis.measures.stats import ODDS, RATIO, WILSON, Comparison
from analysis.periods import period_end, period_label, window
from analysis.presentation import charts
from analysis.presentation.formats import INTERVAL_FORMATS
from analysis.presentation.formats import p_value as format_p
from analysis.presentation.model import (
    Figure,
    Glossary,
    Note,
    Report,
    Summary,
    Table,
    published_table,
    table_or_note,
)
from analysis.presentation.present import NO_COUNTS, as_published
from analysis.reports.board_summary import report_changes
from analysis.withheld import withheld


@dataclass
class Windows:
    """Starts in the 12 months to the period end and the 12 months before, and children
    looked after at the period end."""

    current: pd.DataFrame
    previous: pd.DataFrame
    looked_after: pd.DataFrame
    change: Comparison


def windows(episodes, header, period, bands=la.DEFAULT_BANDS) -> Windows:
    cur = la.starts(episodes, header, *window(period, 12), bands)
    prev = la.starts(episodes, header, *window(period, 12, offset=12), bands)
    cla = la.looked_after_on(episodes, header, period_end(period), bands)
    return Windows(cur, prev, cla, la.change_in_share(cur, prev))


def headline(w: Windows) -> dict:
    """The metrics recorded in metrics.json (report key `young_children`)."""
    cur, prev = la.share_under(w.current, 1), la.share_under(w.previous, 1)
    return {
        "starts_12m": cur.total,
        "starts_under1_12m": cur.count,
        "starts_under1_share_12m": cur.share,
        "starts_12m_prev": prev.total,
        "starts_under1_12m_prev": prev.count,
        "starts_under1_share_12m_prev": prev.share,
        "under1_share_ratio": w.change.estimate,
        "under1_share_ratio_ci_low": w.change.low,
        "under1_share_ratio_ci_high": w.change.high,
        "newborn_starts_12m": int(w.current["NEWBORN"].sum()),
        "children_starting_12m": int(w.current["CHILD"].nunique()),
        "cla_at_period_end": len(w.looked_after),
        "cla_under1_at_period_end": int((w.looked_after["AGE"] < 1).sum()),
    }


def family_metrics(links) -> dict:
    """Metrics recorded when family data exist (none without family.csv): siblings in care
    and mothers' ages, with the counts they rest on."""
    if links is None:
        return {}
    sib = links.siblings
    mothers = links.mothers.set_index("Starters")
    out = {}
    for key, group in (("under1", "Under 1"), ("older", "Aged 1 and over")):
        out |= {
            f"{key}_sibling_in_care": sib[key].count,
            f"{key}_sibling_known": sib[key].total,
            f"{key}_sibling_in_care_share": sib[key].share,
            f"{key}_mothers_age_known": int(mothers.loc[group, "Mother's age known"]),
            f"{key}_mother_median_age": mothers.loc[group, "Median age (years)"],
        }
    on = links.siblings_on_start
    for key in ("under1", "older"):
        out |= {
            f"{key}_sibling_on_start": on[key].count,
            f"{key}_sibling_on_start_share": on[key].share,
        }
    return out | {
        "sibling_odds_ratio": sib["odds"].estimate,
        "sibling_on_start_odds_ratio": on["odds"].estimate,
        "mothers_age_p_value": links.mothers_p_value,
        "mothers_age_profile_p_value": links.mothers_profile_p_value,
    }


def doubling_verdict(change: Comparison, shown: dict | None = None) -> str:
    """Plain words for the ratio of the under-1 share to the year before, by this rule: the
    sentence names the 95% interval as "between L and H times last year's share"; it says the
    share rose (fell) only when the whole interval is above (below) 1; it says "at least
    doubled" only when the whole interval is at or above 2, "less than doubled" when the
    whole interval is below 2, and otherwise that the numbers cannot tell whether it doubled.
    `shown`: the headline figures as published; a withheld ratio is not described."""
    if shown is not None and withheld(shown.get("under1_share_ratio")):
        return (
            "The change in the under-1 share is not shown in the public version: it rests on "
            "small numbers."
        )
    if change.estimate is None:
        return "The change cannot be measured: there were no under-1 starts in the previous year."
    low, high = change.low, change.high
    between = f"between {low:.1f} and {high:.1f} times last year's share (95% confidence interval)"
    if low > 1:
        size = (
            "it at least doubled"
            if low >= 2
            else "it rose by less than double"
            if high < 2
            else "whether it doubled cannot be told from these numbers"
        )
        verdict = f"a rise more than chance would explain; {size}"
    elif high < 1:
        verdict = "a fall more than chance would explain"
    else:
        verdict = "within what chance alone could produce: the share may not have changed"
    return (
        f"The under-1 share is {change.estimate:.2f} times last year's, {between}: {verdict} "
        f"({format_p(change.p_value)} against no change)."
    )


def summary(h: dict, change: Comparison, period_label: str) -> list[str]:
    """A few sentences a board member can read in a minute, using only figures shown below."""
    share = h["starts_under1_share_12m"]
    prev = h["starts_under1_share_12m_prev"]
    return [
        f"In the 12 months to {period_label} there were {h['starts_12m']:,} starts to care, by "
        f"{h['children_starting_12m']:,} children (a child who started twice counts twice "
        f"in the starts); {h['starts_under1_12m']:,} starts were of babies under 1, including "
        f"{h['newborn_starts_12m']:,} newborn (under 7 days old).",
        f"That is {_pct(share)} of all starts, compared with {_pct(prev)} "
        f"({h['starts_under1_12m_prev']:,} of {h['starts_12m_prev']:,}) in the 12 months before.",
        doubling_verdict(change, h),
        f"At the end of {period_label}, {h['cla_at_period_end']:,} children were looked after, "
        f"{h['cla_under1_at_period_end']:,} of them under 1.",
    ]


def _pct(value) -> str:
    if withheld(value):
        return "c"
    return "–" if value is None else f"{100 * value:.1f}%"


@dataclass
class FamilyLinks:
    mothers: pd.DataFrame
    mothers_distribution: pd.DataFrame
    mothers_p_value: float | None  # Mann-Whitney: the middle of the two age profiles
    mothers_profile_p_value: float | None  # chi-square: the whole profile across age groups
    siblings: dict  # a sibling looked after at any time on or before the start date
    siblings_on_start: dict  # a sibling looked after on the start date itself


def family_links(w: Windows, episodes: pd.DataFrame, family: pd.DataFrame | None):
    """Mother's age and siblings in care for starts in the last 12 months; None without
    family.csv."""
    from analysis.measures.stats import compare_distributions, profile_p_value

    if family is None:
        return None
    with_age = la.mothers_age(w.current, family)
    young = with_age.loc[with_age["GROUP"] == "Under 1", "MOTHER_AGE"].dropna()
    old = with_age.loc[with_age["GROUP"] != "Under 1", "MOTHER_AGE"].dropna()
    sib = la.sibling_in_care(w.current, episodes, family)
    on_start = la.sibling_in_care_on_start(w.current, episodes, family)
    distribution = la.mothers_age_distribution(with_age)
    counts = distribution[[c for c in distribution.columns if c.endswith(": number")]]
    return FamilyLinks(
        la.mothers_age_summary(with_age),
        distribution,
        compare_distributions(young, old),
        profile_p_value(counts),
        la.sibling_comparison(w.current, sib),
        la.sibling_comparison(w.current, on_start),
    )


def sibling_table(links: FamilyLinks) -> pd.DataFrame:
    """Both sibling measures for under-1 and older starters, each headed as counted."""
    rows = []
    for measure, sib in (
        ("A sibling looked after on the start date", links.siblings_on_start),
        ("A sibling looked after at any time before (possibly years earlier)", links.siblings),
    ):
        for label, key in (("Under 1", "under1"), ("Aged 1 and over", "older")):
            rows.append({"Starters": label, "Measure": measure} | sib[key].row("With", "Of"))
    return pd.DataFrame(rows)


def odds_words(odds: Comparison, which: str) -> str:
    """An odds ratio with its interval and p-value, named by `which` measure."""
    if odds.estimate is None:
        return f"odds ratio {which} not defined"
    high = "∞" if odds.high is None else f"{odds.high:.2f}"
    return (
        f"odds ratio {which} {odds.estimate:.2f}, 95% CI {odds.low:.2f} to {high}, "
        f"{format_p(odds.p_value)}"
    )


def mothers_sentence(young: float, older: float, median_p, profile_p) -> str:
    """Mothers' ages in words from both tests, by this rule: the Mann-Whitney test asks
    whether one group's mothers tend to be older than the other's, a chi-square test whether
    the whole age profile (the age-group table's shares) differs; each is called different
    only when its p-value is below 0.05, and the sentence says that a median can hide
    differences at both ends."""
    text = (
        f"Median mother's age at the child's birth: {young:.1f} years for under-1 starters "
        f"and {older:.1f} for older starters"
    )
    if median_p is not None and not withheld(median_p):
        tend = (
            "one group's mothers tend to be older than the other's, more than chance would explain"
            if median_p < 0.05
            else "no sign that either group's mothers tend to be older than the other's"
        )
        text += f"; {tend} (Mann–Whitney test, {format_p(median_p)})"
    if profile_p is None or withheld(profile_p):
        return text + "."
    if profile_p < 0.05:
        return (
            text + f"; but the whole age profile differs more than chance would explain "
            f"(chi-square test across the age groups, {format_p(profile_p)}) — a median can "
            "hide differences at both ends, as the table of age groups shows."
        )
    return (
        text + f"; the whole age profile is within what chance could produce (chi-square test "
        f"across the age groups, {format_p(profile_p)})."
    )


#: How many of `family_sentences` are about mothers' ages (they go under "Parents' age").
MOTHERS = 1


def family_sentences(links: FamilyLinks | None, shown: dict | None = None) -> list[str]:
    """What the family data show, with the caveat about association and small numbers;
    `shown` holds the family figures as published (`family_metrics`, withheld ones as `c`).
    The first sentence is about mothers' ages, the rest about siblings (`MOTHERS`)."""
    if links is None:
        return [
            "Family information (which children are brothers and sisters, and parents' dates "
            "of birth) was not supplied, so parents' age and siblings in care cannot be shown; "
            "the rest of this report is unaffected."
        ]
    f = shown if shown is not None else family_metrics(links)
    young, older = f["under1_mother_median_age"], f["older_mother_median_age"]
    out = []
    if young is not None and older is not None and young == young and older == older:
        out.append(
            mothers_sentence(
                young, older, f["mothers_age_p_value"], f["mothers_age_profile_p_value"]
            )
        )
    else:
        out.append(
            "Mother's age cannot be compared: one group has no starts with a known "
            "mother's date of birth."
        )
    if withheld(f["sibling_odds_ratio"]) or withheld(f["sibling_on_start_odds_ratio"]):
        out.append(
            "Siblings in care are not compared in the public version: the comparison rests "
            "on small numbers."
        )
    elif links.siblings["odds"].estimate is not None:
        out.append(
            f"On the day they started, {_pct(f['under1_sibling_on_start_share'])} of under-1 "
            f"starters had a brother or sister already looked after, against "
            f"{_pct(f['older_sibling_on_start_share'])} of older starters; counting a sibling "
            f"looked after at any time before, possibly years earlier, the shares are "
            f"{_pct(f['under1_sibling_in_care_share'])} and "
            f"{_pct(f['older_sibling_in_care_share'])} "
            f"({odds_words(links.siblings_on_start['odds'], 'on the day')}; "
            f"{odds_words(links.siblings['odds'], 'at any time before')})."
        )
    out.append(
        "These are associations in one authority's data, not causes, and with small "
        "numbers a single family can move the shares a lot."
    )
    return out


def unknown_age_note(w: Windows) -> list:
    """A note when some start in the 12 months has no date of birth (its child has no header
    row): shown as age unknown, in all starts but in no age group. The note gives no count
    (the table's Age unknown row does, under disclosure control)."""
    if not w.current["AGE"].isna().any():
        return []
    return [
        Note(
            "Some starts had no date of birth (no header row in the return): the table shows "
            "them as age unknown. They count in all starts but in no age group, so the under-1 "
            "share may be understated."
        )
    ]


def change_table(w: Windows) -> pd.DataFrame:
    """This year's and last year's under-1 share of starts, side by side (the ratio of the
    two is described by `doubling_verdict`)."""
    rows = []
    for name, frame in (("Previous 12 months", w.previous), ("Last 12 months", w.current)):
        s = la.share_under(frame, 1)
        rows.append({"Window": name, "Under 1": s.count, "All starts": s.total, "Share": s.share})
    return pd.DataFrame(rows)


def flatten(table: pd.DataFrame, code_list: str) -> pd.DataFrame:
    """Two-level (measure, group) columns as single labels, e.g. 'Under 1: Share', and each
    code with its meaning from the code list `code_list` (LS or CIN)."""
    flat = table.copy()
    flat.columns = [f"{group}: {measure.lower()}" for measure, group in table.columns]
    order = [c for g in ("Under 1", "Aged 1 and over") for c in flat.columns if c.startswith(g)]
    flat = flat[order]
    flat.index = [code_label(code_list, c) for c in flat.index]
    flat.index.name = {"LS": "Legal status", "CIN": "Category of need"}.get(code_list, "Code")
    return flat.reset_index()


def share_formats() -> dict[str, str]:
    return {f"{g}: share": "percent" for g in ("Under 1", "Aged 1 and over")}


#: Words this report uses, defined in its "Words used in this report" box.
TERMS = [
    "looked after",
    "start",
    "legal status",
    "category of need",
    "confidence interval",
    "p-value",
    "odds ratio",
    "DfE",
    "PACE",
]


def build(
    s,
    lookback_months: int = 36,
    age_bands=la.DEFAULT_BANDS,
    benchmark_dir: str = "data/reference",
    new_la_code: str = "",
    old_la_code: str = "",
) -> Report:
    """The `young_children` report for the session's period: its sections (keyed by their
    anchors in the page) and the headline figures it recorded."""
    episodes, header, family = s.inputs["episodes"], s.inputs["header"], s.inputs.get("family")
    w = windows(episodes, header, s.period, age_bands)
    h = s.record_all(headline(w))
    links = family_links(w, episodes, family)
    family_shown = s.record_all(family_metrics(links))
    label = period_label(s.period)
    r = Report("young_children")
    r.add("summary", Summary(summary(h, w.change, label)))
    r.add("summary", Glossary(TERMS))

    by_year = la.band_counts_by_year(episodes, header, s.period, lookback_months // 12, age_bands)
    quarters = la.starts_series(episodes, header, s.period, lookback_months, "Q")
    years = la.years_of_quarters(quarters)
    quarter_counts = as_published(quarters, lines=years)[["Under 1", "Starts"]]
    s.record_series("starts_under1_share_12m", quarters["Under-1 share"], quarter_counts)
    r.add(
        "starts-by-age",
        Table(by_year, "Children starting to be looked after by age at start, per year"),
        *unknown_age_note(w),
        Figure(
            charts.stacked_bars(
                la.under1_and_older(quarters),
                "Starts per quarter: under 1 and older",
                "Children starting to be looked after",
            ),
            rests_on=quarter_counts,
        ),
        Table(
            quarters,
            "Starts per quarter (quarters ending in the month shown)",
            {"Under-1 share": "percent"},
            options={"lines": years},
        ),
    )
    r.add(
        "share-of-starts-under-1-under-2-and-under-5",
        Table(
            la.share_table(w.current),
            f"Share of starts in the 12 months to {label} by age",
            INTERVAL_FORMATS,
            note=f"Intervals: {WILSON}.",
        ),
        Figure(
            charts.line_with_interval(
                quarters["Under-1 share"],
                "Under-1 share of starts, per quarter",
                "Share of starts (%)",
            ),
            rests_on=quarter_counts,
        ),
    )
    r.add(
        "has-the-under-1-share-changed",
        Table(
            change_table(w),
            "Under-1 share of starts: this year against last year",
            {"Share": "percent"},
        ),
        Note(doubling_verdict(w.change, h)),
        Note(f"Method: {RATIO}. The p-value tests the hypothesis of no change (ratio 1)."),
    )
    cla_series = la.looked_after_series(episodes, header, s.period, lookback_months)
    r.add(
        "children-looked-after-at-the-end-of-the-period",
        Table(
            la.band_counts(w.looked_after)
            .rename(columns={"Starts": "Children"})
            .rename_axis("Age"),
            f"Children looked after at the end of {label} by age",
        ),
        Figure(
            charts.line_with_interval(
                cla_series["Under-1 share"],
                "Under-1 share of children looked after, at each month end",
                "Share of children looked after (%)",
            ),
            rests_on=cla_series[["Under 1", "Looked after"]],
        ),
    )
    r.add(
        "how-under-1-starters-come-into-care",
        Table(
            flatten(la.status_on_entry(w.current, "LS"), "LS"),
            "Legal status on entry",
            share_formats(),
        ),
        Table(
            flatten(la.status_on_entry(w.current, "CIN"), "CIN"),
            "Category of need on entry",
            share_formats(),
        ),
    )
    no_family = "Family information was not supplied, so {} cannot be shown."
    r.add(
        "parents-age",
        table_or_note(
            links.mothers if links else None,
            "Mother's age at the child's birth, starts in the last 12 months",
            no_family.format("parents' age"),
            {
                "Mother under 20": "percent",
                "Mother under 25": "percent",
                "Median age (years)": "decimal1",
            },
            base={"Mother under 20": "Mother's age known", "Mother under 25": "Mother's age known"},
        ),
        table_or_note(
            links.mothers_distribution.reset_index() if links else None,
            "Mother's age at birth: share of starts in each age group",
            "",
            share_formats(),
        ),
        *[Note(t) for t in family_sentences(links, family_shown)[:MOTHERS] if links],
    )
    r.add(
        "siblings-already-in-care",
        table_or_note(
            sibling_table(links) if links else None,
            "Starts with a brother or sister (same family) looked after: on the start date, and "
            "at any time before it",
            no_family.format("siblings in care"),
            INTERVAL_FORMATS,
        ),
        *[Note(t) for t in family_sentences(links, family_shown)[MOTHERS:]],
        Note(f"Method for the odds ratio: {ODDS}."),
    )
    bm = cmp.open_benchmarks(benchmark_dir, new_la_code, old_la_code)
    starts_bm = cmp.cla_rates(bm, cmp.CLA_STARTS) if bm else None
    s.record_all(cmp.section_metrics(starts_bm, s.period, "cla_starts_rate_per_10k", bm))
    r.add(
        "how-we-compare",
        published_table(
            starts_bm,
            "Children starting to be looked after per 10,000 children, DfE published",
            cmp.MISSING,
        ),
        Figure(
            charts.comparison_chart(
                starts_bm,
                cmp.neighbour_values(bm, "cla", "rate_per_10000", cmp.CLA_STARTS),
                cmp.la_label(bm),
                "Children starting to be looked after per 10,000 children",
                "Rate per 10,000",
            )
            if bm
            else None,
            rests_on=NO_COUNTS,
        ),
        published_table(
            cmp.cla_rates(bm, cmp.CLA_31_MARCH) if bm else None,
            "Children looked after at 31 March per 10,000 children, DfE published",
        ),
    )
    r.metrics = dict(s.metrics.values)
    r["summary"][0].sentences += report_changes("young_children", r.metrics, str(s.period))
    return r
