"""The `data_quality` report: what was loaded, what validation found, and gaps in coverage."""

from __future__ import annotations

import pandas as pd

from analysis.measures import data_quality as dq
from analysis.periods import period_label
from analysis.presentation.formats import plural
from analysis.presentation.model import Glossary, Report, Summary, Table
from analysis.sources.inputs import Inputs


def summary(inputs: Inputs, gaps: pd.DataFrame, complete: pd.DataFrame) -> list[str]:
    """Plain-English opening sentences: what was loaded, validation, incomplete records
    (kept apart from validation: a record can pass every rule and still lack something a
    figure needs), and months with no records."""
    h = dq.headline(inputs)
    with_gaps = gaps[gaps["Months with no records"] > 0]
    gaps_found = complete[complete["Records"] > 0]
    incomplete = "; ".join(
        f"{row['Records']:,} of {row['Of']:,} {row['What is missing'][0].lower()}"
        f"{row['What is missing'][1:]}"
        for _, row in gaps_found.iterrows()
    )
    return [
        f"{h['files_loaded']} input files were loaded, {h['rows_total']:,} rows in all; "
        "every file passed validation with no errors, so the reports could be produced.",
        f"Validation raised {plural(h['warnings_total'], 'warning')}; they are listed by rule "
        "in the technical annex."
        if h["warnings_total"]
        else "Validation raised no warnings.",
        *_unknown_sentence(dq.values_unknown(inputs)),
        f"Some records lack something a figure needs (see Incomplete records): {incomplete}."
        if incomplete
        else "No records lack anything the figures need.",
        "Every source has records in every month of the look-back."
        if with_gaps.empty
        else f"{plural(len(with_gaps), 'source')} {'has' if len(with_gaps) == 1 else 'have'} "
        "months with no records: "
        f"{', '.join(with_gaps['Source'])}. Check the extracts before relying on those months.",
    ]


def _unknown_sentence(unknown: pd.DataFrame) -> list[str]:
    """One sentence on the values counted as unknown, when there are any."""
    if unknown.empty:
        return []
    values, left = int(unknown["Values unknown"].sum()), int(unknown["Rows left out"].sum())
    return [
        f"{values:,} value(s) in {len(unknown)} column(s) failed their rule and are counted as "
        f"unknown; {left:,} of them leave their row out of every figure (see Values counted "
        "as unknown)."
    ]


#: Words this report uses, defined in its "Words used in this report" box.
TERMS = ["SHA-256 fingerprint", "validation warning", "NFA"]


def build(s, lookback_months: int = 36, dip_sample: str = "NFA dip sample") -> Report:
    """The `data_quality` report for the session's period (sections keyed by anchor)."""
    gaps = dq.coverage_gaps(s.inputs, s.period, lookback_months)
    complete = dq.completeness(s.inputs, s.period, dip_sample)
    s.record_all(dq.headline(s.inputs))
    r = Report("data_quality")
    r.add(
        "summary",
        Summary(summary(s.inputs, gaps, complete) + dq.thin_latest_month(s.inputs, s.period)),
    )
    r.add("summary", Glossary(TERMS))
    r.add(
        "what-was-loaded",
        Table(dq.files_loaded(s.inputs), "Input files loaded"),
        Table(
            dq.coverage(s.inputs),
            "Date coverage of each source (by activity date, never date of birth)",
        ),
    )
    r.add(
        "validation-findings",
        Table(
            dq.problems(s.inputs),
            "Validation warnings by rule",
            note="An empty table means no problems were found.",
        ),
        Table(
            dq.values_unknown(s.inputs),
            "Values counted as unknown, by list and column",
            note="Each value failed its rule (a date that is not a date, a Yes/No that is "
            "neither) and is unknown in the figures that use its column; a row left out could "
            "not be placed in time without it. An empty table means there were none.",
        ),
    )
    r.add(
        "incomplete-records",
        Table(complete, "Records that lack something a figure needs", {"Share": "percent"}),
    )
    r.add(
        "gaps-in-coverage",
        Table(
            gaps, f"Months with no records, {lookback_months} months to {period_label(s.period)}"
        ),
    )
    r.metrics = dict(s.metrics.values)
    return r
