"""The `assessments` report's headline figures and plain-English summary."""

from __future__ import annotations

import pandas as pd

from analysis.measures import assessments as oc
from analysis.measures import caseload as cl
from analysis.measures import comparisons as cmp
from analysis.measures import data_quality as dq
from analysis.measures.stats import WILSON
from analysis.periods import covers, period_end, period_label, window
from analysis.presentation import charts
from analysis.presentation.formats import INTERVAL_FORMATS, fmt
from analysis.presentation.model import (
    Figure,
    Glossary,
    Note,
    Report,
    Summary,
    Table,
    published_table,
)
from analysis.presentation.present import link
from analysis.reports.board_summary import report_changes
from analysis.withheld import withheld


def headline(
    done: pd.DataFrame,
    outcomes: pd.DataFrame,
    standard: int = 45,
    unavailable: tuple[str, ...] = (),
) -> dict:
    """Assessment metrics for metrics.json (report key `assessments`); `done` is every
    assessment completed in the window. An outcome the data cannot show (`unavailable`) is
    None, never 0."""
    young = done[done["YOUNG"]]
    counts = oc.outcome_counts(young, outcomes, unavailable)["Assessments"]
    return {
        "assessments_completed": len(done),
        "assessments_completed_age_0_2": len(young),
        "assessments_unborn": int(young["UNBORN"].sum()),
        "outcomes_age_0_2": {
            c: (int(counts[c]) if c in counts.index else None) for c in oc.categories()
        },
        "outcome_mentions_age_0_2": oc.mentions(young, outcomes),
        "timeliness_45wd_share_age_0_2": oc.timeliness(young, standard).share,
        "step_down_share_age_0_2": oc.step_down_share(young, outcomes, unavailable),
    }


#: Shorter column headings for the outcome mix, so its dozen columns fit the page (1280 px and
#: A4); the table's note gives the full words.
SHORT_OUTCOMES = {
    oc.CATEGORY_LABELS["STEP_DOWN"]: "Stepped across",
    oc.CATEGORY_LABELS["UPDATE_CIN"]: "Updated: child in need plan",
    oc.CATEGORY_LABELS["UPDATE_CP"]: "Updated: child protection",
}


def unavailable_outcomes(s) -> tuple[str, ...]:
    """Outcome categories this run's data cannot show (derived from a return that does not
    record them; see analysis/sources/next_steps.py)."""
    listed = s.inputs.sources.get("outcomes_not_derived", "")
    return tuple(c for c in listed.split(",") if c)


def summary(
    h: dict, caseload: dict, last_year: dict, window_label: str, age_label: str
) -> list[str]:
    """Sentences for the board from figures shown in the report."""
    shown = {c: n for c, n in h["outcomes_age_0_2"].items() if n is not None and not withheld(n)}
    outcomes = sorted(shown.items(), key=lambda kv: -kv[1])
    top = ", ".join(f"{oc.CATEGORY_LABELS[c].lower()} ({n})" for c, n in outcomes[:3] if n)
    step = h["outcomes_age_0_2"].get("STEP_DOWN")
    stepped = (
        f"; {step:,} ({_pct(step, h['assessments_completed_age_0_2'])}) stepped across to "
        "targeted services or another agency"
        if step is not None
        else ""
    )
    n = h["assessments_completed_age_0_2"]
    before = last_year["assessments_completed_age_0_2"]
    earlier = (
        "with no figure for the same months a year earlier (the data do not reach back)"
        if before is None
        else f"compared with {shown_count(before)} in the same months a year earlier"
    )
    return [
        f"{caseload['open_cin_under1']:,} of the {caseload['open_cin_total']:,} children in need "
        f"(including those on protection plans and looked after) were under 1 or not yet "
        f"born at the end of "
        f"the period; {caseload['open_cp_under1']:,} of {caseload['open_cp_total']:,} on child "
        f"protection plans and {caseload['cla_under1']:,} of {caseload['cla_total']:,} looked "
        "after.",
        f"{n:,} assessments of children {age_label} were completed in {window_label} "
        f"({h['assessments_unborn']:,} before birth), {earlier}.",
        f"The most common next steps were {top}{stepped}."
        if n
        else "No assessments of this age group were completed in the period.",
        f"{h['outcome_mentions_age_0_2']:,} next steps were recorded for the {n:,} assessments: "
        "one assessment can lead to several, so the outcome counts add up to more than the "
        "number of assessments.",
    ]


def derived_note(source: str, missing: tuple[str, ...] = ()) -> str:
    """The method note for outcomes read from a return rather than recorded by workers;
    `source` is the inputs' account of it ("derived from the CIN census (...)"), `missing`
    the categories it cannot show."""
    unseen = ", ".join(oc.CATEGORY_LABELS[c].lower() for c in missing)
    return (
        "How these outcomes were found: no outcomes recorded by social workers were supplied, "
        f"so they were {source}. A protection plan, Section 47 enquiry or CIN plan started in "
        "that time, or a plan already open, counts as that next step; a case closed after the "
        "assessment counts as no further action, or as stepped across when closed to early "
        "help. "
        + (f"Not shown, because this data cannot tell them: {unseen}. " if unseen else "")
        + "The rules are in the data dictionary."
    )


def flags_note(missing: tuple[str, ...] = ()) -> str:
    """The method note for outcomes read from the Standard Safeguarding Dataset's flags;
    `missing` the categories no flag records."""
    unseen = ", ".join(oc.CATEGORY_LABELS[c].lower() for c in missing)
    return (
        "How these outcomes were found: from the outcome flags social workers record in the "
        "case management system, as the Standard Safeguarding Dataset holds them (the mapping "
        "is params/ssd.yaml). "
        + (f"Not shown, because the dataset has no flag for them: {unseen}. " if unseen else "")
    ).strip()


def shown_count(n) -> str:
    """A count as the sentences give it: thousands separated, `c` when withheld."""
    return "c" if withheld(n) else f"{n:,}"


def _pct(part: int, whole: int) -> str:
    """part / whole as the tables show a share (one decimal place), `c` if withheld."""
    if withheld(part) or withheld(whole):
        return "c"
    return fmt(part / whole, "percent") if whole else "–"


def outcome_links(shown: dict) -> dict:
    """This period's outcome counts as recorded, by outcome label (the rows of the outcome
    tables), so the public tables suppress what the sentences withhold and no more than
    they must."""
    counts = shown["outcomes_age_0_2"].items()
    return {"this period": {oc.CATEGORY_LABELS[c]: n for c, n in counts if n is not None}}


def comparison_table(now: dict, before: dict, labels: tuple[str, str]) -> pd.DataFrame:
    """This window against the same window a year earlier, per outcome category."""
    rows = [
        {
            "Measure": "Assessments completed",
            labels[0]: before["assessments_completed_age_0_2"],
            labels[1]: now["assessments_completed_age_0_2"],
        }
    ]
    for code, label in oc.CATEGORY_LABELS.items():
        if now["outcomes_age_0_2"].get(code) is None:
            continue  # a next step this data cannot show
        rows.append(
            {
                "Measure": label,
                labels[0]: before["outcomes_age_0_2"].get(code, 0),
                labels[1]: now["outcomes_age_0_2"].get(code, 0),
            }
        )
    return pd.DataFrame(rows)


def timeliness_table(done: pd.DataFrame, standard: int = 45) -> pd.DataFrame:
    """Share completed within the standard: the young group against all ages."""
    rows = []
    for name, subset in (("Unborn to 2", done[done["YOUNG"]]), ("All ages", done)):
        s = oc.timeliness(subset, standard)
        rows.append({"Age group": name} | s.row(f"Within {standard} working days", "Completed"))
    return pd.DataFrame(rows)


def update_table(share) -> pd.DataFrame:
    """The updated-assessment share as a one-row table."""
    return pd.DataFrame(
        [
            {
                "Protection plans started (children)": share.total,
                "With an updated assessment": share.count,
                "Share": share.share,
            }
        ]
    )


def record_series(s, lookback_months: int = 36, max_age: int = 2) -> None:
    """The series behind the board view's assessment measures: per quarter (ending in the
    period month) assessments completed and the stepped-across share (blank throughout when
    the data cannot show stepping across); per month end the children in need under 1."""
    mix = oc.quarterly_mix(
        s.inputs["assessments"],
        s.inputs["assessment_outcomes"],
        s.period,
        lookback_months // 3,
        max_age,
    )
    step_down = oc.CATEGORY_LABELS["STEP_DOWN"]
    s.record_series("assessments_completed_age_0_2", mix["Completed"])
    if "STEP_DOWN" in unavailable_outcomes(s):
        s.record_series("step_down_share_age_0_2", mix["Completed"] * float("nan"))
    else:
        counts = oc.mix_counts(mix)[[step_down]].join(mix["Completed"])
        s.record_series("step_down_share_age_0_2", mix[step_down], counts)
    inputs = [s.inputs[name] for name in ("cin_cp", "episodes", "header")]
    s.record_series("open_cin_under1", cl.under1_series(*inputs, s.period, lookback_months))


MAIN_OUTCOMES = ("NFA", "CIN_PLAN", "CP", "STEP_DOWN")


#: Words this report uses, defined in its "Words used in this report" box.
TERMS = [
    "NFA",
    "stepped across",
    "child in need",
    "child protection plan",
    "Section 47 enquiry",
    "unborn (pre-birth) assessment",
    "confidence interval",
    "DfE",
    "ONS",
]


def build(
    s,
    window_months: int = 3,
    trend_quarters: int = 8,
    max_age: int = 2,
    timeliness_standard: int = 45,
    benchmark_dir: str = "data/reference",
    new_la_code: str = "",
    old_la_code: str = "",
    lookback_months: int = 36,
    other_share_warning: float = 0.05,
) -> Report:
    """The `assessments` report for the session's period (sections keyed by anchor)."""
    assessments, outcomes = s.inputs["assessments"], s.inputs["assessment_outcomes"]
    first, last = window(s.period, window_months)
    done = oc.completed(assessments, first, last, max_age)
    done_last_year = oc.completed(assessments, *window(s.period, window_months, offset=12), max_age)
    groups = cl.caseload(
        s.inputs["cin_cp"], s.inputs["episodes"], s.inputs["header"], period_end(s.period)
    )
    missing = unavailable_outcomes(s)
    h = headline(done, outcomes, timeliness_standard, missing)
    h_last_year = headline(done_last_year, outcomes, timeliness_standard, missing)
    year_before = window(s.period, window_months, offset=12)[0]
    if not covers(assessments["ASSESSMENT_AUTHORISED"], year_before):
        # the data begin after the year-earlier window starts: no comparison, not a zero
        h_last_year = {
            "assessments_completed_age_0_2": None,
            "outcomes_age_0_2": dict.fromkeys(h_last_year["outcomes_age_0_2"]),
        }
    shown = s.record_all(h | cl.headline(groups))
    link(outcome_links(shown))
    window_label = f"{first:%B %Y} to {last:%B %Y}"
    age_label = f"aged unborn to {max_age}"
    r = Report("assessments")
    r.add(
        "summary",
        Summary(summary(shown, shown, s.disclose(h_last_year), window_label, age_label)),
    )
    other = oc.other_share(done[done["YOUNG"]], outcomes)
    if other is not None and other > other_share_warning:
        r.add(
            "summary",
            Note(
                f"Take care: {fmt(other, 'percent')} of the next steps recorded for these "
                "assessments are 'other' - labels the authority's outcome map does not know - "
                "so the shares of the named outcomes may be understated."
            ),
        )
    r.add("summary", Glossary(TERMS))
    r.add(
        "open-caseload-at-the-end-of-the-period",
        Table(
            cl.under1_table(groups),
            f"Children under 1 at the end of {period_label(s.period)}",
            INTERVAL_FORMATS | {"Share under 1": "percent"},
            note=f"Intervals: {WILSON}.",
        ),
        Table(cl.band_table(groups), "Open caseload by age"),
    )
    r.add(
        "outcomes-of-assessments-of-children-aged-unborn-to-2",
        Table(
            oc.board_layout(done[done["YOUNG"]], outcomes, missing),
            f"Outcomes of assessments completed {window_label}, {age_label}",
            {"Share of assessments": "percent"},
            options={"keys": {"Assessments": "this period"}},
        ),
        Table(
            comparison_table(h, h_last_year, ("Same months last year", "This period")),
            "Compared with the same months a year earlier (assessments with each outcome)",
            options={"keys": {"This period": "this period"}},
        ),
        Table(
            oc.board_layout(done, outcomes, missing),
            f"For context: outcomes of all assessments completed {window_label}",
            {"Share of assessments": "percent"},
        ),
    )
    derived = s.inputs.sources.get("assessment_outcomes", "")
    if derived.startswith("derived"):
        r.add(
            "outcomes-of-assessments-of-children-aged-unborn-to-2",
            Note(derived_note(derived, missing)),
        )
    elif derived.startswith("the SSD"):
        r.add("outcomes-of-assessments-of-children-aged-unborn-to-2", Note(flags_note(missing)))
    mix = oc.quarterly_mix(assessments, outcomes, s.period, trend_quarters, max_age, missing)
    mix_counts = oc.mix_counts(mix)
    step_down = oc.CATEGORY_LABELS["STEP_DOWN"]
    record_series(s, lookback_months, max_age)
    shares = [c for c in mix.columns if c != "Completed"]
    main = [oc.CATEGORY_LABELS[c] for c in MAIN_OUTCOMES if c not in missing]
    r.add(
        "outcome-mix-over-time",
        Figure(
            charts.line_with_interval(
                mix[step_down],
                f"Share of assessments (unborn to {max_age}) stepped across to targeted "
                "services or another agency",
                "Share of assessments (%)",
            ),
            rests_on=mix_counts[[step_down]],
        )
        if step_down in mix
        else Note(
            "Stepping across to targeted services cannot be seen in this data (the Annex A "
            "workbook records no reason for closing a case), so its trend is not shown."
        ),
        Figure(
            charts.grouped_bars(
                mix[main],
                f"Main outcomes per quarter, assessments of children unborn to {max_age}",
                "Share of assessments (%)",
                percent=True,
            ),
            rests_on=mix_counts[main],
        ),
        Table(
            mix.reset_index().rename(columns=SHORT_OUTCOMES),
            "Outcome mix per quarter (share of assessments)",
            dict.fromkeys([SHORT_OUTCOMES.get(c, c) for c in shares], "percent"),
            note="Stepped across: to targeted services or another agency. Updated: the "
            "assessment was updated in line with the child in need plan, or within the child "
            "protection process.",
            options={
                "base": dict.fromkeys([SHORT_OUTCOMES.get(c, c) for c in shares], "Completed")
            },
        ),
    )
    r.add(
        "timeliness",
        Table(
            timeliness_table(done, timeliness_standard),
            f"Assessments completed within {timeliness_standard} working days, {window_label}",
            INTERVAL_FORMATS,
        ),
    )
    update = oc.plan_starts_with_update(s.inputs["cin_cp"], assessments, outcomes, first, last)
    r.add(
        "updated-assessments-when-plans-start",
        Table(
            update_table(update),
            f"Children whose child protection plan started {window_label}",
            {"Share": "percent"},
        ),
    )
    bm = cmp.open_benchmarks(benchmark_dir, new_la_code, old_la_code)
    r.add(
        "how-we-compare",
        published_table(
            cmp.children_in_need_rate(bm) if bm else None,
            "Children in need at 31 March per 10,000 children aged 0 to 17",
            cmp.MISSING,
        ),
        published_table(
            cmp.referrals(bm, "rereferral_percent") if bm else None,
            "Re-referrals within 12 months (% of referrals), DfE published",
        ),
        published_table(
            cmp.referrals(bm, "no_further_action_percent") if bm else None,
            "Referrals closed with no further action (%), DfE published",
        ),
    )
    r.metrics = dict(s.metrics.values)
    r["summary"][0].sentences += report_changes("assessments", r.metrics, str(s.period))
    r["summary"][0].sentences += dq.thin_caution(
        s.inputs, s.period, ["assessments"], "the month's assessment figures"
    )
    return r
