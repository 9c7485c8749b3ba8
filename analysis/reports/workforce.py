"""The `workforce` report: caseloads, agency, vacancies, turnover and appraisals, on the DfE
CSWW definitions, compared with England, the region and statistical neighbours. Every figure
comes from `analysis.measures.workforce`."""

from __future__ import annotations

import pandas as pd

from analysis.measures import comparisons as cmp
from analysis.measures import workforce as wf
from analysis.measures.stats import WILSON
from analysis.periods import months_back, period_label
from analysis.presentation import charts
from analysis.presentation.formats import INTERVAL_FORMATS, fmt
from analysis.presentation.model import (
    Figure,
    Glossary,
    Note,
    Report,
    Restricted,
    Summary,
    Table,
    published_table,
)
from analysis.presentation.present import NO_COUNTS
from analysis.reports.board_summary import report_changes

TERMS = ["FTE", "case holder", "agency rate", "turnover rate", "confidence interval", "DfE", "CSWW"]
NO_CASELOADS = "Caseloads are not in this data (the data dictionary says what they need)."
NO_RATES = (
    "Agency, vacancy and turnover rates need the staffing extract's agency, vacant and leavers' "
    "full-time equivalents, which this data does not have."
)
NO_APPRAISALS = "Appraisals are not in this data (the data dictionary says what they need)."


def headline(
    caseload: dict | None, rates: dict | None, appraisals: dict | None, csww: dict | None = None
) -> dict:
    """The metrics recorded in metrics.json (report key `workforce`); `csww` is
    `csww_on_reference_date`'s result."""
    out = dict.fromkeys(
        ["case_holders", "caseload_average", "caseload_median", "caseload_above_threshold_share",
         "agency_rate", "agency_fte", "social_work_fte", "vacancy_rate", "turnover_rate_12m",
         "appraisals_managers_listed",
         "appraisals_managers_share", "appraisals_staff_listed", "appraisals_staff_share",
         "not_appraised_long_term_sick", "csww_year", "case_holders_30sep",
         "caseload_average_30sep", "agency_rate_30sep", "vacancy_rate_30sep",
         "turnover_rate_30sep"]
    )  # fmt: skip
    if caseload:
        out |= {
            "case_holders": caseload["case_holders"],
            "caseload_average": caseload["average"],
            "caseload_median": caseload["median"],
            "caseload_above_threshold_share": caseload["above"].share,
        }
    if rates:
        out |= {k: rates[k] for k in ("agency_rate", "vacancy_rate", "turnover_rate_12m")}
        if out["agency_rate"] is not None:  # the FTEs it rests on (regional funnel)
            out["agency_fte"] = rates["agency_fte"]
            out["social_work_fte"] = rates["agency_fte"] + rates["inpost_fte"]
    if appraisals:
        out |= {
            "appraisals_managers_listed": appraisals["MANAGER"].total,
            "appraisals_managers_share": appraisals["MANAGER"].share,
            "appraisals_staff_listed": appraisals["STAFF"].total,
            "appraisals_staff_share": appraisals["STAFF"].share,
            "not_appraised_long_term_sick": appraisals["not_appraised_long_term_sick"],
        }
    if csww:
        out |= {"csww_year": csww["csww_year"]}
        out |= {f"{k}_30sep": csww[k] for k in
                ("case_holders", "caseload_average", "agency_rate", "vacancy_rate")}  # fmt: skip
        out["turnover_rate_30sep"] = csww["turnover_rate"]
    return out


def summary(h: dict, appraisals: dict | None, label: str, threshold: float) -> list[str]:
    """Sentences for the board from figures shown in the report."""
    out = []
    if h["case_holders"] is not None:
        out.append(
            f"At the end of {label}, {h['case_holders']:,} case holders carried on average "
            f"{fmt(h['caseload_average'], 'decimal1')} children per FTE (median "
            f"{fmt(h['caseload_median'], 'decimal1')}); "
            f"{fmt(h['caseload_above_threshold_share'], 'percent')} carried more than "
            f"{threshold:g}."
        )
    else:
        out.append(NO_CASELOADS)
    if h["agency_rate"] is not None:
        out.append(
            f"Agency workers filled {fmt(h['agency_rate'], 'percent')} of social work FTE; "
            f"vacancy rate {fmt(h['vacancy_rate'], 'percent')}; turnover "
            f"{fmt(h['turnover_rate_12m'], 'percent')} over the 12 months."
        )
    if h["csww_year"] is not None and h["agency_rate_30sep"] is not None:
        out.append(
            f"On DfE's reference date for its published workforce figures, 30 September "
            f"{h['csww_year']}: agency rate {fmt(h['agency_rate_30sep'], 'percent')}, vacancy "
            f"rate {fmt(h['vacancy_rate_30sep'], 'percent')}, turnover "
            f"{fmt(h['turnover_rate_30sep'], 'percent')} in the year to that date."
        )
    if appraisals is not None and h["appraisals_staff_listed"]:
        out.append(
            f"Appraisals {appraisals['year']}: {fmt(h['appraisals_managers_share'], 'percent')} "
            f"of managers and {fmt(h['appraisals_staff_share'], 'percent')} of staff; of "
            f"those not appraised, {h['not_appraised_long_term_sick']:,} had long-term "
            "sickness absence in the year."
        )
    return out


def build(
    s,
    caseload_threshold: float = 20,
    long_term_threshold: int = 20,
    lookback_months: int = 36,
    benchmark_dir: str = "data/reference",
    new_la_code: str = "",
    old_la_code: str = "",
) -> Report:
    """The `workforce` report for the session's period (sections keyed by anchor)."""
    caseloads, staffing = s.inputs.get("caseloads"), s.inputs.get("staffing")
    appraisal_rows, absence = s.inputs.get("appraisals"), s.inputs.get("absence")
    label = period_label(s.period)
    caseload = (
        wf.caseload_summary(caseloads, s.period, caseload_threshold)
        if caseloads is not None
        else None
    )
    rates = wf.staffing_rates(staffing, s.period) if staffing is not None else None
    appraisals = (
        wf.appraisal_shares(appraisal_rows, absence, s.period, long_term_threshold)
        if appraisal_rows is not None
        else None
    )
    csww = wf.csww_on_reference_date(caseloads, staffing, s.period, caseload_threshold)
    h = s.record_all(headline(caseload, rates, appraisals, csww))
    months = months_back(s.period, lookback_months)
    r = Report("workforce")
    r.add("summary", Summary(summary(h, appraisals, label, caseload_threshold)))
    r.add("summary", Glossary(TERMS))
    if caseload is None:
        r.add("caseloads", Note(NO_CASELOADS))
        s.record_series("caseload_median", pd.Series(float("nan"), index=months))
    else:
        teams = wf.by_team(caseloads, s.period, caseload_threshold)
        each = [wf.caseload_summary(caseloads, m, caseload_threshold) for m in months]
        medians = pd.Series([e["median"] for e in each], index=months, dtype=float)
        holders = pd.Series([e["case_holders"] for e in each], index=months)
        s.record_series("caseload_median", medians, holders.to_frame())
        r.add(
            "caseloads",
            Table(
                wf.quartiles_row(caseload),
                f"Caseloads of case holders at the end of {label} (children per FTE)",
                {
                    "Average caseload (CSWW)": "decimal1",
                    "Median per FTE": "decimal1",
                    "Lower quartile": "decimal1",
                    "Upper quartile": "decimal1",
                    "Share above threshold": "percent",
                },
                note=f"Threshold: more than {caseload_threshold:g} children per FTE (full-time "
                "equivalent), the board's setting.",
            ),  # fmt: skip
            Figure(
                charts.line_with_interval(
                    medians.dropna(),
                    "Median caseload per FTE, month ends",
                    "Children per FTE",
                    percent=False,
                ),
                rests_on=holders.to_frame(),
            ),  # fmt: skip
            Restricted(
                Table(
                    teams,
                    f"Caseloads by team, end of {label}",
                    {"Case-holding FTE": "decimal1", "Average caseload": "decimal1"},
                    note=wf.split_note(teams) or "",
                ),
                "Caseloads by team are in the restricted version only: small teams would "
                "show individual workers.",
            ),
        )
    _rates(s, r, staffing, rates, months, csww)
    _appraisals(r, appraisals)
    bm = cmp.open_benchmarks(benchmark_dir, new_la_code, old_la_code)
    caseload_bm = cmp.workforce(bm, "caseload_fte") if bm else None
    reference = wf.csww_reference_month(s.period)
    s.record_all(_caseload_comparison(cmp.section_metrics(caseload_bm, reference, "caseload", bm)))
    published = {m[0]: cmp.workforce(bm, m[0]) if bm else None for m in wf.CSWW_MEASURES}
    on_date = f"30 September {csww['csww_year']}"
    r.add(
        "how-we-compare",
        Table(
            wf.csww_comparison(csww, published, cmp.la_label(bm)),
            f"This authority at {on_date}, DfE's reference date, beside DfE's published "
            "figures for that date",
            dict.fromkeys(
                [
                    "This authority's data",
                    f"{cmp.la_label(bm)} (DfE published)",
                    "England (DfE published)",
                    "Neighbours median (DfE published)",
                ],
                "decimal1",
            ),  # fmt: skip
            note=(
                "Worked out from this authority's own extracts on DfE's definitions: FTE, "
                f"agency workers, vacancies and caseloads at {on_date}, leavers in the year "
                f"to {on_date}. A published column is blank where DfE's files hold no "
                f"figure for {on_date}."
            ),
        ),
        published_table(
            caseload_bm,
            "Average caseload (children per case-holding FTE), DfE published",
            cmp.MISSING,
        ),  # fmt: skip
        *(
            published_table(cmp.workforce(bm, measure) if bm else None, caption)
            for measure, caption in (
                ("agency_rate_fte", "Agency rate (% of FTE), DfE published"),
                ("vacancy_rate_fte", "Vacancy rate (% of FTE), DfE published"),
                ("turnover_rate_fte", "Turnover rate (% of FTE in post), DfE published"),
            )
        ),
        Note(
            "DfE's children's social work workforce statistics count at 30 September each "
            f"year, so only this authority's figures at {on_date} are compared with them; "
            "the earlier sections give the latest month."
        ),
    )
    r.metrics = dict(s.metrics.values)
    r["summary"][0].sentences += report_changes("workforce", r.metrics, str(s.period))
    return r


def _caseload_comparison(found: dict) -> dict:
    """The comparison's metrics under this report's names: la_published_caseload,
    england_caseload, neighbour_median_caseload, benchmark_year."""
    if not found:
        return {}
    return {
        "benchmark_year": found["benchmark_year"],
        "la_published_caseload": found["la_caseload"],
        "england_caseload": found["england_caseload"],
        "neighbour_median_caseload": found["neighbour_median_caseload"],
    }


def _rates(s, r: Report, staffing, rates: dict | None, months, csww: dict) -> None:
    label = period_label(s.period)
    if rates is None or rates["agency_rate"] is None:
        r.add("agency-vacancies-and-turnover", Note(NO_RATES))
        s.record_series("agency_rate", pd.Series(float("nan"), index=months))
        return
    series = pd.Series([wf.staffing_rates(staffing, m)["agency_rate"] for m in months],
                       index=months, dtype=float)  # fmt: skip
    s.record_series("agency_rate", series)
    table = pd.DataFrame(
        {
            "Measure": [
                "Agency rate (agency FTE / (agency + in post))",
                "Vacancy rate (vacant FTE / (vacant + in post))",
                "Turnover rate (FTE leaving in 12 months / in post)",
            ],
            label: [rates["agency_rate"], rates["vacancy_rate"], rates["turnover_rate_12m"]],
            f"At 30 September {csww['csww_year']}": [
                csww["agency_rate"],
                csww["vacancy_rate"],
                csww["turnover_rate"],
            ],
        }
    ).replace({float("nan"): None})
    r.add(
        "agency-vacancies-and-turnover",
        Table(
            table,
            "Agency, vacancy and turnover rates (DfE CSWW definitions): the latest month, and "
            "DfE's reference date",
            {label: "percent", f"At 30 September {csww['csww_year']}": "percent"},
            note="At 30 September: FTE on that date, leavers in the year to it, as DfE counts "
            "them for its published figures.",
        ),
        Figure(
            charts.line_with_interval(series.dropna(), "Agency rate, each month", "FTE (%)"),
            rests_on=NO_COUNTS,
        ),
    )


def _appraisals(r: Report, appraisals: dict | None) -> None:
    if appraisals is None:
        r.add("appraisals", Note(NO_APPRAISALS))
        return
    rows = [
        {"Group": "Managers"} | appraisals["MANAGER"].row("Appraised", "Listed", total_first=True),
        {"Group": "Staff"} | appraisals["STAFF"].row("Appraised", "Listed", total_first=True),
    ]
    r.add(
        "appraisals",
        Table(
            pd.DataFrame(rows),
            f"Appraisals completed, appraisal year {appraisals['year']}",
            INTERVAL_FORMATS,
            note=f"Intervals: {WILSON}.",
        ),
        Note(
            f"Of the {appraisals['not_appraised']:,} not appraised, "
            f"{appraisals['not_appraised_long_term_sick']:,} had a long-term sickness spell "
            "in the appraisal year (the sickness records, matched by employee; never shown per "
            "person)."
        ),
    )
