"""The `audit_agreement` report's headline figures and plain-English summary."""

from __future__ import annotations

import pandas as pd

from analysis.measures import agreement as ag
from analysis.measures import data_quality as dq
from analysis.measures.stats import WILSON
from analysis.measures.verdict import Verdict, judge, variation_parts
from analysis.periods import window
from analysis.presentation import charts
from analysis.presentation.formats import INTERVAL_FORMATS, fmt, is_number, shown
from analysis.presentation.formats import p_value as format_p
from analysis.presentation.model import Figure, Glossary, Report, Summary, Table
from analysis.presentation.present import as_published, link
from analysis.reports.board_summary import report_changes
from analysis.withheld import withheld


def headline(dip: pd.DataFrame, stats: dict) -> dict:
    """Metrics for metrics.json (report key `audit_agreement`)."""
    keys = (
        "moderated_pairs",
        "percent_agreement",
        "kappa",
        "kappa_se",
        "kappa_ci_low",
        "kappa_ci_high",
        "kappa_linear",
        "kappa_quadratic",
        "ac1",
        "moderator_lower_share",
    )
    recorded = dip[dip["NFA_APPROPRIATE"].notna()]
    share = {
        "dip_nfa_appropriate_share": ag.dip_appropriate_share(dip),
        "dip_nfa_appropriate_share_recorded": ag.dip_appropriate_share(recorded),
    }
    return ag.dip_counts(dip) | share | {k: stats[k] for k in keys}


DIP_COLUMNS = {
    "Audits": "dip audits",
    "of which more support would have helped": "dip support",
    "of which referred back to the team manager": "dip referred back",
}


def dip_links(shown: dict) -> dict:
    """The dip-sample figures as recorded, by the cells of `ag.dip_table` they are (keys as
    in DIP_COLUMNS), so the public table suppresses what the sentences withhold and no
    more than it must."""
    audits = {label: shown[metric] for label, metric in ag.DIP_FINDINGS.values()}
    return {
        "dip audits": audits | {ag.DIP_TOTAL: shown["dip_sample_size"]},
        "dip support": {ag.DIP_TOTAL: shown["dip_support_beneficial"]},
        "dip referred back": {ag.DIP_TOTAL: shown["dip_referred_back"]},
    }


def stats_table(stats: dict) -> pd.DataFrame:
    """The agreement statistics with intervals, one row each, each value in its own format
    (pairs as a count, percentages to one decimal place, coefficients to two)."""

    def num(key):
        return stats.get(key)

    def pct(key):
        v = num(key)
        return v if v is None or withheld(v) else 100 * v

    ci = (
        "–"
        if num("kappa_ci_low") is None or withheld(num("kappa_ci_low"))
        else f"{num('kappa_ci_low'):.2f} to {num('kappa_ci_high'):.2f}"
    )
    rows = [
        ("Moderated pairs", num("moderated_pairs"), "count", ""),
        ("Exact agreement (%)", pct("percent_agreement"), "decimal1", ""),
        ("Cohen's kappa", num("kappa"), "decimal2", f"95% CI {ci}; {ag.landis_koch(num('kappa'))}"),
        (
            "Weighted kappa (linear)",
            num("kappa_linear"),
            "decimal2",
            ag.landis_koch(num("kappa_linear")),
        ),
        (
            "Weighted kappa (quadratic)",
            num("kappa_quadratic"),
            "decimal2",
            ag.landis_koch(num("kappa_quadratic")),
        ),
        ("Gwet's AC1", num("ac1"), "decimal2", "robust when one grade dominates"),
        (
            "Moderator graded lower (%)",
            pct("moderator_lower_share"),
            "decimal1",
            "auditor more positive",
        ),
        (
            "Moderator graded higher (%)",
            pct("moderator_higher_share"),
            "decimal1",
            "auditor more critical",
        ),
    ]
    return pd.DataFrame(
        [(name, shown(v, kind, "–"), reading) for name, v, kind, reading in rows],
        columns=["Statistic", "Value", "Reading"],
    )


def summary(
    counts: dict,
    stats: dict,
    last_year: dict,
    p_value: float | None,
    window_label: str,
    verdict: Verdict | None = None,
) -> list[str]:
    """Sentences for the board from figures shown in the report; `verdict` (the board's
    one verdict on kappa) adds the quarter-by-quarter reading, reconciled with the test."""
    out = [
        f"There were no dip-sample audits in {window_label}."
        if not counts["dip_sample_size"]
        else f"The NFA dip sample in {window_label} looked at {counts['dip_sample_size']} "
        f"assessments closed with no further action: {counts['dip_nfa_appropriate']} closures were "
        f"appropriate ({counts['dip_support_beneficial']} of all audits noted that more support "
        f"would have helped), {counts['dip_nfa_unclear']} were unclear, "
        f"{counts['dip_nfa_not_appropriate']} were not appropriate "
        f"({counts['dip_referred_back']} referred back to the team manager) and "
        f"{counts['dip_not_recorded']} had no finding recorded.",
    ]
    if counts["dip_sample_size"] and not withheld(counts["dip_nfa_appropriate_share"]):
        out.append(
            f"Closures found appropriate: {fmt(counts['dip_nfa_appropriate_share'], 'percent')} "
            "of the whole sample, "
            f"{shown(counts['dip_nfa_appropriate_share_recorded'], 'percent', '–')} of the "
            "audits with a finding recorded (intervals in the table below)."
        )
    if withheld(stats["moderated_pairs"]) or withheld(stats["kappa"]):
        out.append(
            "Agreement between auditors and moderators is not shown in the public version: "
            "too few audits were moderated in the period."
        )
        return out
    if not stats["moderated_pairs"]:
        out.append("No audits were moderated in the period, so agreement cannot be measured.")
        return out
    kappa = stats["kappa"]
    ci = (
        ""
        if stats["kappa_ci_low"] is None
        else f" (95% CI {stats['kappa_ci_low']:.2f} to {stats['kappa_ci_high']:.2f})"
    )
    out.append(
        f"Auditors and moderators gave the same grade in "
        f"{100 * stats['percent_agreement']:.0f}% of {stats['moderated_pairs']} moderated audits; "
        + (
            f"Cohen's kappa, which allows for agreement by chance, was {kappa:.2f}{ci}: "
            f"{ag.landis_koch(kappa)} agreement."
            if kappa is not None
            else "kappa cannot be calculated because only one grade was used."
        )
    )
    comparable = not withheld(last_year.get("kappa")) and not withheld(p_value)
    if (
        comparable
        and last_year.get("kappa") is not None
        and kappa is not None
        and p_value is not None
    ):
        change = "higher" if kappa > last_year["kappa"] else "lower"
        verdict_words = (
            "more than chance would explain"
            if p_value < 0.05
            else "within what chance alone could produce, given the small samples"
        )
        over_time = ""
        if verdict is not None and verdict.chart is not None:
            head, detail = variation_parts(verdict.chart, "quarter")
            over_time = (
                f"; but as a series, {detail} — {head}"
                if verdict.special and verdict.beyond_chance is False
                else f"; quarter by quarter, {head}: {detail}"
            )
        out.append(
            f"A year earlier kappa was {last_year['kappa']:.2f}; this quarter is {change}, "
            f"{verdict_words} ({format_p(p_value)}){over_time}."
        )
    if stats["moderator_lower_share"] is not None and not withheld(stats["moderator_lower_share"]):
        out.append(
            f"Where they differed, moderators graded lower than auditors in "
            f"{100 * stats['moderator_lower_share']:.0f}% of pairs and higher in "
            f"{100 * stats['moderator_higher_share']:.0f}%."
        )
    return out


TREND_FORMATS = {
    "Agreement": "percent",
    "Agreement low": "percent",
    "Agreement high": "percent",
    "Kappa": "decimal2",
    "Kappa low": "decimal2",
    "Kappa high": "decimal2",
}


#: Words this report uses, defined in its "Words used in this report" box.
TERMS = [
    "NFA",
    "dip sample",
    "moderation",
    "Cohen's kappa",
    "weighted kappa",
    "Gwet's AC1",
    "confidence interval",
    "p-value",
]


def build(
    s,
    dip_sample: str = "NFA dip sample",
    window_months: int = 3,
    trend_quarters: int = 8,
    min_pairs_per_theme: int = 10,
    lookback_months: int = 36,
) -> Report:
    """The `audit_agreement` report for the session's period (sections keyed by anchor)."""
    audits = s.inputs["audits"]
    first, last = window(s.period, window_months)
    dip = ag.dip_sample(audits, dip_sample, first, last)
    pairs = ag.moderated_pairs(audits, first, last)
    grades = ag.grade_table(pairs)
    stats = ag.agreement(pairs)
    year_before = window(s.period, window_months, offset=12)
    last_year = ag.agreement(ag.moderated_pairs(audits, *year_before))
    p_change = ag.compare_kappas(stats, last_year)
    shown = s.record_all(headline(dip, stats) | {"kappa_change_p_value": p_change})
    dips = ag.dip_quarterly(audits, dip_sample, s.period, lookback_months // 3)
    s.record_series("dip_nfa_appropriate_share", dips["Share appropriate"], dips.iloc[:, :2])
    kappas = ag.quarterly(audits, s.period, lookback_months // 3)
    # the verdict reads the series as recorded (small quarters withheld in public), as the
    # board summary does
    recorded = s.record_series("kappa", kappas["Kappa"], kappas[["Pairs"]])
    kappa_verdict = judge(
        recorded[recorded.map(is_number)].astype(float),
        shown["kappa"],
        period=str(s.period),
        series_kind="flow",
        better="higher",
        frequency="quarter",
        test=(shown["kappa_change_p_value"],),
    )
    link(dip_links(shown))
    window_label = f"{first:%B %Y} to {last:%B %Y}"
    r = Report("audit_agreement")
    r.add(
        "summary",
        Summary(
            summary(
                shown,
                s.disclose(stats),
                s.disclose(last_year),
                p_change,
                window_label,
                kappa_verdict,
            )
        ),
    )
    r.add("summary", Glossary(TERMS))
    r.add(
        "nfa-dip-sample",
        Table(ag.dip_table(dip), f"{dip_sample}, {window_label}", options={"keys": DIP_COLUMNS}),
        Table(
            ag.dip_shares(dip),
            f"Closures found appropriate, {window_label}",
            INTERVAL_FORMATS,
            note=f"Intervals: {WILSON}. Audits with no finding recorded count in the whole "
            "sample but not among the findings recorded.",
        ),
    )
    labelled = grades.rename(index=ag.grade_label, columns=ag.grade_label)
    r.add(
        "do-auditors-and-moderators-agree",
        Table(
            labelled.rename_axis("Auditor's grade").reset_index(),
            f"Auditor's grade (rows) against moderator's grade (columns), {window_label}",
        ),
        Figure(
            charts.heatmap(
                grades, "Auditor and moderator grades", "Moderator's grade", "Auditor's grade"
            ),
            rests_on=grades,
        ),
        Table(
            stats_table(s.disclose(stats)),
            f"Agreement statistics, {window_label}",
        ),
    )
    r.add(
        "agreement-by-practice-theme",
        Table(
            ag.by_theme(pairs, min_pairs_per_theme),
            f"Agreement by theme (themes with at least {min_pairs_per_theme} moderated pairs)",
            {"Agreement": "percent", "Kappa": "decimal2", "Moderator graded lower": "percent"},
            options={"base": {"Agreement": "Pairs", "Moderator graded lower": "Pairs"}},
        ),
    )
    trend = ag.quarterly(audits, s.period, trend_quarters)
    trend_shown = as_published(trend)
    r.add(
        "has-agreement-increased",
        Figure(
            charts.line_with_interval(
                trend["Kappa"],
                "Cohen's kappa per quarter, with 95% intervals",
                "Kappa",
                trend["Kappa low"],
                trend["Kappa high"],
                percent=False,
            ),
            rests_on=trend_shown[["Pairs"]],
        ),
        Figure(
            charts.line_with_interval(
                trend["Agreement"],
                "Exact agreement per quarter, with 95% intervals",
                "Agreement (%)",
                trend["Agreement low"],
                trend["Agreement high"],
            ),
            rests_on=trend_shown[["Pairs", "Pairs in agreement"]],
        ),
        Table(trend.reset_index(), "Agreement per quarter", TREND_FORMATS),
    )
    r.metrics = dict(s.metrics.values)
    r["summary"][0].sentences += report_changes("audit_agreement", r.metrics, str(s.period))
    r["summary"][0].sentences += dq.thin_caution(
        s.inputs, s.period, ["audits"], "the month's audit findings"
    )
    return r
