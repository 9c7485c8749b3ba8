"""The `front_door` report: contacts, repeat contacts, referrals and re-referrals, with SPC on
the monthly shares and a like-for-like comparison on DfE's published re-referral definition.
Every figure comes from `analysis.measures.front_door`."""

from __future__ import annotations

import pandas as pd

from analysis.measures import comparisons as cmp
from analysis.measures import data_quality as dq
from analysis.measures import front_door as fd
from analysis.measures.spc import xmr
from analysis.measures.stats import WILSON
from analysis.measures.verdict import variation_words
from analysis.periods import covers, period_label, window
from analysis.presentation import charts
from analysis.presentation.formats import INTERVAL_FORMATS, fmt
from analysis.presentation.model import Figure, Glossary, Note, Report, Summary, Table
from analysis.reports.board_summary import report_changes
from analysis.sources import coverage

#: Fewest months for an SPC chart (as the board summary: fewer give unreliable limits).
MIN_POINTS = 12
TERMS = [
    "contact",
    "referral",
    "re-referral",
    "SPC (statistical process control)",
    "common cause variation",
    "special cause variation",
    "confidence interval",
    "DfE",
    "CIN",
]


def no_contacts(sources: dict[str, str]) -> str:
    """Why there are no contacts, from the sources actually loaded (`Inputs.sources`)."""
    referrals = sources.get("referrals", "")
    why = {
        "the CIN census": "referrals come from the CIN census, which does not collect contacts",
        "the Annex A workbook": "the Annex A workbook has no List 1 (contacts)",
        "the SSD database": "the SSD database has no contacts table",
    }.get(referrals, "no source holding contacts was given")
    return (
        f"Contacts are not in this data: {why}. An Annex A workbook (List 1) or the local "
        "contacts extract gives this section."
    )


NO_REFERRALS = (
    "Referrals are not in this data. The CIN census, an Annex A workbook (List 3) or "
    "the local referrals extract gives this section."
)
SHORT_REFERRALS = (
    "The referrals in this data begin less than 12 months before the period ends, so the "
    "12-month figures are not given; the monthly charts show the months the data cover."
)
SHORT_LOOKBACK = (
    "Re-referral shares need the referrals of the year before too, which this data does not "
    "reach, so they are not given."
)
NOT_NATIONAL = (
    "Contacts have no national statistic (the CIN census does not collect them), so contact "
    "measures are compared with this authority's own past, not with other authorities."
)


#: The contact tables' counts, shown as whole numbers (a month the data do not cover makes
#: the columns floating point) and protected as counts in the public version.
COUNTS = dict.fromkeys(
    [
        "Contacts",
        "Children contacted",
        "Contacts leading to a referral",
        "Children with more than one contact",
        "Repeat contacts within 30 days",
    ],
    "count",
)


def contact_headline(months: pd.DataFrame | None) -> dict:
    """The period month's contact metrics (the last row of `contact_months`); None each
    when there are no contacts in the data."""
    names = {
        "contacts_month": "Contacts",
        "children_contacted_month": "Children contacted",
        "multiple_children_month": "Children with more than one contact",
        "multiple_contacts_children_share_month": "Share of children with more than one contact",
        "repeat_contacts_30d_share_month": "Share of contacts repeating within 30 days",
        "contact_to_referral_share_month": "Share of contacts leading to a referral",
    }
    if months is None:
        return dict.fromkeys(names)
    last = months.iloc[-1]

    def plain(name: str, value):
        if pd.isna(value):
            return None
        return float(value) if "share" in name else int(value)

    return {name: plain(name, last[col]) for name, col in names.items()}


def referral_headline(
    referrals: pd.DataFrame | None, period, children: float | None, begins=None
) -> dict:
    """The 12 months' referral metrics; None each without referrals in the data. The data
    begin at `begins` (a census's first collection year), else at the first referral."""
    names = ("referrals_12m", "referrals_rate_per_10k_12m", "rereferrals_12m",
             "rereferral_share_12m", "referral_nfa_12m", "referral_nfa_share_12m")  # fmt: skip
    if referrals is None:
        return dict.fromkeys(names)
    first, last = window(period, 12)
    began = pd.Series([referrals["REFERRAL_DATE"].min() if begins is None else begins])
    if not covers(began, first):
        return dict.fromkeys(names)  # the referrals begin inside the 12 months
    dated = referrals["REFERRAL_DATE"]
    inside = referrals[(dated >= first) & (dated <= last)]
    again = fd.rereferral_share(referrals, first, last)
    looked_back = covers(began, first - pd.Timedelta(days=fd.RE_REFERRAL_DAYS))
    nfa = fd.nfa_share(referrals, first, last)
    return {
        "referrals_12m": len(inside),
        "referrals_rate_per_10k_12m": fd.per_10k(len(inside), children),
        "rereferrals_12m": again.count if looked_back else None,
        "rereferral_share_12m": again.share if looked_back else None,
        "referral_nfa_12m": nfa.count,
        "referral_nfa_share_12m": nfa.share,
    }


def like_for_like(
    referrals: pd.DataFrame | None, table: pd.DataFrame | None, period, la: str, begins=None
) -> tuple[pd.DataFrame | None, dict]:
    """Re-referral share for the latest published year up to the period's: this LA's
    published figure, ours recomputed from this data on the same definition and year (when
    the data begin - `begins`, else the first referral - 365 days before that year),
    England, the region and the neighbours' median (DfE percentages held as shares)."""
    row = cmp.year_row(table, period)
    if row is None:
        return None, {}
    year = int(str(row["Year"])[:4])
    first, last = pd.Timestamp(f"{year - 1}-04-01"), pd.Timestamp(f"{year}-03-31")
    ours = fd.rereferral_share(referrals, first, last) if referrals is not None else None
    if referrals is not None and begins is None:
        begins = referrals["REFERRAL_DATE"].min()
    covered = referrals is not None and begins <= first - pd.Timedelta(days=fd.RE_REFERRAL_DAYS)

    def share(value):
        return None if value is None or pd.isna(value) else round(float(value) / 100, 6)

    frame = pd.DataFrame(
        [
            {"Who": f"{la} (published by DfE)", "Re-referral share": share(row[la])},
            {
                "Who": f"{la} (recomputed from this data)",
                "Re-referral share": ours.share if ours and covered else None,
            },
            {"Who": "England", "Re-referral share": share(row["England"])},
            {"Who": "Region", "Re-referral share": share(row["Region"])},
            {"Who": "Statistical neighbours (median)", "Re-referral share": share(
                row["Neighbours median"])},
        ]
    )  # fmt: skip
    metrics = {
        "benchmark_year": row["Year"],
        "recomputed_referrals_benchmark_year": ours.total if ours and covered else None,
        "la_recomputed_rereferral_share": ours.share if ours and covered else None,
        "la_published_rereferral_share": share(row[la]),
        "england_rereferral_share": share(row["England"]),
        "neighbour_median_rereferral_share": share(row["Neighbours median"]),
    }
    return frame, metrics


def _verdict(chart) -> str:
    """The chart's reading in the board's words (`verdict.variation_words`)."""
    if chart is None:
        return f"too few months for SPC ({MIN_POINTS} needed)"
    return variation_words(chart, "month")


def spc(values: pd.Series):
    """The XmR chart of a monthly share in percent (lower is better), or None with fewer
    than MIN_POINTS months of data (months the data do not cover are left out)."""
    points = values.dropna() * 100
    return xmr(points, improvement="decrease") if len(points) >= MIN_POINTS else None


def summary(
    h: dict, contact_chart, referral_chart, label: str, referrals: bool, sources: dict | None = None
) -> list[str]:
    """Sentences for the board from figures shown in the report (`sources`: which source
    gave each table, to say why contacts are missing)."""
    out = []
    if h["children_contacted_month"] is not None:
        out.append(
            f"In {label}, {fmt(h['multiple_contacts_children_share_month'], 'percent')} of the "
            f"{h['children_contacted_month']:,} children contacted were contacted more than "
            f"once in the month ({h['contacts_month']:,} contacts in all). Month by month: "
            f"{_verdict(contact_chart)}."
        )
    else:
        out.append(no_contacts(sources or {}))
    if h["referrals_12m"] is None and referrals:
        out.append(SHORT_REFERRALS)
    elif h["referrals_12m"] is not None and h["rereferral_share_12m"] is None:
        out.append(
            f"{h['referrals_12m']:,} referrals in the 12 months to {label}. " + SHORT_LOOKBACK
        )
    elif h["referrals_12m"] is not None:
        rate = h["referrals_rate_per_10k_12m"]
        per = f" ({fmt(rate, 'decimal1')} per 10,000 children)" if rate is not None else ""
        out.append(
            f"{h['referrals_12m']:,} referrals in the 12 months to {label}{per}; "
            f"{fmt(h['rereferral_share_12m'], 'percent')} were re-referrals within 12 months "
            f"of a previous referral. Month by month (each month's share of its own "
            f"referrals): {_verdict(referral_chart)}."
        )
    else:
        out.append(NO_REFERRALS)
    return out


def build(
    s,
    lookback_months: int = 36,
    referral_within_days: int = 7,
    benchmark_dir: str = "data/reference",
    new_la_code: str = "",
    old_la_code: str = "",
) -> Report:
    """The `front_door` report for the session's period (sections keyed by anchor)."""
    contacts, referrals = s.inputs.get("contacts"), s.inputs.get("referrals")
    begins = coverage.begins(s.inputs, "referrals", "REFERRAL_DATE")
    if referrals is not None:
        referrals = fd.with_rereferrals(referrals)
    bm = cmp.open_benchmarks(benchmark_dir, new_la_code, old_la_code)
    label = period_label(s.period)
    months = (
        fd.contact_months(contacts, referrals, s.period, lookback_months, referral_within_days)
        if contacts is not None
        else None
    )
    ref_months = (
        fd.referral_months(referrals, s.period, lookback_months, begins)
        if referrals is not None
        else None
    )
    h = contact_headline(months) | referral_headline(
        referrals, s.period, fd.population(bm, s.period), begins
    )
    before = referral_headline(referrals, pd.Period(s.period, "M") - 12, None)
    h["rereferral_share_12m_prev"] = before["rereferral_share_12m"]
    shown = s.record_all(h)
    contact_chart = (
        spc(months["Share of children with more than one contact"]) if months is not None else None
    )
    referral_chart = spc(ref_months["Re-referral share"]) if ref_months is not None else None
    r = Report("front_door")
    r.add(
        "summary",
        Summary(
            summary(
                shown,
                contact_chart,
                referral_chart,
                label,
                referrals is not None,
                s.inputs.sources,
            )
        ),
    )
    r.add("summary", Glossary(TERMS))
    _contacts(s, r, months, contact_chart, contacts, lookback_months)
    _referrals(s, r, ref_months, referral_chart, referrals, bm)
    bench = cmp.referrals(bm, "rereferral_percent") if bm else None
    table, metrics = like_for_like(referrals, bench, s.period, cmp.la_label(bm), begins)
    s.record_all(metrics)
    r.add(
        "how-we-compare",
        Table(
            table,
            f"Re-referrals within 12 months, year to 31 March {metrics['benchmark_year']}: "
            "like for like",
            {"Re-referral share": "percent"},
            options={"published_statistics": True},
        )
        if table is not None
        else Note(cmp.MISSING),
        Note(
            "Our own figure is recomputed from this data on DfE's definition (a referral of a "
            "child referred in the 365 days before, over the same year to 31 March), so it "
            "can be set beside the published ones; it is left blank when the data do not "
            "reach a year before that year starts. " + NOT_NATIONAL
        ),
    )
    r.metrics = dict(s.metrics.values)
    r["summary"][0].sentences += report_changes("front_door", r.metrics, str(s.period))
    r["summary"][0].sentences += dq.thin_caution(
        s.inputs,
        s.period,
        ["contacts", "referrals"],
        "the month's contact and referral figures (the repeat-contact share among them)",
    )
    return r


def _spc_blocks(chart, title: str, ylabel: str, rests_on) -> tuple:
    """An SPC chart and its latest verdict, or a note when there are too few months."""
    if chart is None:
        return (
            Note(
                f"No SPC chart yet: the data cover fewer than {MIN_POINTS} months of this "
                "measure (months before the data begin are left blank, not counted as zero)."
            ),
        )
    return (
        Figure(charts.spc_chart(chart, title, ylabel), rests_on=rests_on),
        Note(f"Month by month: {_verdict(chart)}."),
    )


def _contacts(s, r: Report, months, chart, contacts, lookback_months: int) -> None:
    if months is None:
        for anchor in ("contacts", "repeat-contacts", "where-contacts-come-from"):
            r.add(anchor, Note(no_contacts(s.inputs.sources)))
        return
    counts = months[["Contacts", "Children contacted"]]
    s.record_series("contacts_month", months["Contacts"])
    s.record_series("children_contacted_month", months["Children contacted"])
    s.record_series(
        "multiple_contacts_children_share_month",
        months["Share of children with more than one contact"],
        months[["Children with more than one contact", "Children contacted"]],
    )
    s.record_series(
        "repeat_contacts_30d_share_month",
        months["Share of contacts repeating within 30 days"],
        months[["Repeat contacts within 30 days", "Contacts"]],
    )
    s.record_series(
        "contact_to_referral_share_month",
        months["Share of contacts leading to a referral"],
        months[["Contacts leading to a referral", "Contacts"]],
    )
    last12 = months.tail(12)
    r.add(
        "contacts",
        Figure(
            charts.stacked_bars(counts[["Contacts"]], "Contacts per month", "Contacts"),
            rests_on=counts[["Contacts"]],
        ),
        Table(
            last12[
                [
                    "Contacts",
                    "Children contacted",
                    "Contacts leading to a referral",
                    "Share of contacts leading to a referral",
                ]
            ].reset_index(),
            "Contacts in the last 12 months",
            COUNTS | {"Share of contacts leading to a referral": "percent"},
            options={"base": {"Share of contacts leading to a referral": "Contacts"}},
        ),  # fmt: skip
    )
    r.add(
        "repeat-contacts",
        *_spc_blocks(
            chart,
            "Children contacted more than once in the month (%)",
            "Share of children contacted (%)",
            months[["Children with more than one contact"]],
        ),
        Table(
            last12[
                [
                    "Children contacted",
                    "Children with more than one contact",
                    "Share of children with more than one contact",
                    "Contacts",
                    "Repeat contacts within 30 days",
                    "Share of contacts repeating within 30 days",
                ]
            ].reset_index(),
            "Two readings of repeat contacts, last 12 months",
            COUNTS
            | {
                "Share of children with more than one contact": "percent",
                "Share of contacts repeating within 30 days": "percent",
            },
            note=(
                "The board's measure counts children contacted more than once in the same "
                "calendar month, as a share of the children contacted that month. The other "
                "reading counts contacts that follow another contact about the same child "
                "within 30 days, as a share of all contacts; it also catches repeats across a "
                "month's end."
            ),
            options={
                "base": {
                    "Share of children with more than one contact": "Children contacted",
                    "Share of contacts repeating within 30 days": "Contacts",
                }
            },
        ),  # fmt: skip
    )
    first, last = window(s.period, 12)
    r.add(
        "where-contacts-come-from",
        Table(
            fd.by_source(contacts, first, last, "CONTACT_DATE"),
            f"Contacts by source, 12 months to {period_label(s.period)}",
            {"Share": "percent"},
            options={"base": {"Share": "Number"}},
        ),
    )


def _referrals(s, r: Report, months, chart, referrals, bm) -> None:
    if months is None:
        for anchor in ("referrals", "re-referrals"):
            r.add(anchor, Note(NO_REFERRALS))
        return
    children = fd.population(bm, s.period)
    s.record_series("referrals_12m", months["Referrals"])
    rate = fd.per_10k(months["Referrals"] * 12, children)  # each month's, annualised
    s.record_series(
        "referrals_rate_per_10k_12m",
        rate if rate is not None else months["Referrals"] * float("nan"),
        months[["Referrals"]],
    )
    s.record_series(
        "rereferral_share_12m", months["Re-referral share"], months[["Re-referrals", "Referrals"]]
    )
    s.record_series(
        "referral_nfa_share_12m", months["NFA share"], months[["Closed with no further action"]]
    )
    first, last = window(s.period, 12)
    again = fd.rereferral_share(referrals, first, last)
    r.add(
        "referrals",
        Figure(
            charts.stacked_bars(months[["Referrals"]], "Referrals per month", "Referrals"),
            rests_on=months[["Referrals"]],
        ),
        Table(
            fd.by_source(referrals, first, last, "REFERRAL_DATE"),
            f"Referrals by source, 12 months to {period_label(s.period)}",
            {"Share": "percent"},
            options={"base": {"Share": "Number"}},
        ),
        Note(
            "Population: ONS (Office for National Statistics) mid-year estimate of children "
            "aged 0 to 17 for the authority, from DfE's published files."
            if children
            else "The rate per 10,000 children needs the ONS (Office for National Statistics) "
            "population estimate from DfE's published files, which this run did not have; "
            "only counts are shown."
        ),
    )
    r.add(
        "re-referrals",
        *_spc_blocks(
            chart,
            "Re-referrals within 12 months, share of each month's referrals (%)",
            "Share of referrals (%)",
            months[["Re-referrals"]],
        ),
        Table(
            pd.DataFrame([again.row("Re-referrals", "Referrals", "Re-referral share", True)]),
            f"Re-referrals within 12 months, 12 months to {period_label(s.period)}",
            INTERVAL_FORMATS | {"Re-referral share": "percent"},
            note=f"Intervals: {WILSON}.",
        ),
    )
