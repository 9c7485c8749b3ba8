"""The `improvement_plan` report: the board's action tracker - completed against evidence of
impact, by theme and by source, overdue actions, and completed actions awaiting a review of
their impact. Every figure comes from `analysis.measures.improvement_plan`."""

from __future__ import annotations

import pandas as pd

from analysis.measures import improvement_plan as ip
from analysis.periods import months_back, period_end, period_label
from analysis.presentation import charts
from analysis.presentation.formats import plural
from analysis.presentation.model import Figure, Glossary, Note, Report, Summary, Table
from analysis.presentation.present import NO_COUNTS
from analysis.reports.board_summary import report_changes

TERMS = ["evidence of impact", "NFA", "Cohen's kappa"]
NO_ACTIONS = "The action tracker is not in this data (the data dictionary says what it needs)."


def summary(h: dict, label: str) -> list[str]:
    """Sentences for the board from figures shown in the report."""
    if h["actions_total"] is None:
        return [NO_ACTIONS]
    total = h["actions_total"]
    return [
        f"At the end of {label}, {h['actions_complete']} of {total} actions were complete and "
        f"{h['actions_impact_evidenced']} of {total} showed evidence of impact.",
        f"{plural(h['actions_overdue'], 'action')} "
        f"{'was' if h['actions_overdue'] == 1 else 'were'} overdue; "
        f"{h['actions_complete_no_impact_6m']} completed six months or more ago show no "
        "evidence of impact and no impact review yet - the board asked for these to be reviewed.",
    ]


def build(s, lookback_months: int = 36) -> Report:
    """The `improvement_plan` report for the session's period (sections keyed by anchor)."""
    actions = s.inputs.get("actions")
    label = period_label(s.period)
    as_at = period_end(s.period)
    names = ("actions_total", "actions_complete", "actions_impact_evidenced",
             "actions_overdue", "actions_complete_no_impact_6m")  # fmt: skip
    h = s.record_all(ip.headline(actions, as_at) if actions is not None else dict.fromkeys(names))
    r = Report("improvement_plan")
    r.add("summary", Summary(summary(h, label)))
    r.add("summary", Glossary(TERMS))
    months = months_back(s.period, lookback_months)
    if actions is None:
        for anchor in ("progress", "awaiting-a-review-of-impact", "evidence-of-impact"):
            r.add(anchor, Note(NO_ACTIONS))
        for name in ("actions_complete", "actions_impact_evidenced"):
            s.record_series(name, pd.Series(float("nan"), index=months))
        return _finish(s, r)
    over_time = ip.completion_over_time(actions, months)
    s.record_series("actions_complete", over_time["Complete"])
    s.record_series("actions_impact_evidenced", over_time["Impact evidenced"])
    r.add(
        "progress",
        Table(ip.by_group(actions, as_at, "THEME"), f"Actions by theme, end of {label}"),
        Table(ip.by_group(actions, as_at, "SOURCE"), f"Actions by source, end of {label}"),
        Figure(
            charts.stacked_bars(
                over_time.assign(
                    **{"Complete": over_time["Complete"] - over_time["Impact evidenced"]}
                ).rename(
                    columns={
                        "Complete": "Complete, no evidence of impact yet",
                        "Impact evidenced": "Complete with evidence of impact",
                    }
                )[["Complete with evidence of impact", "Complete, no evidence of impact yet"]],
                "Actions complete at each month end",
                "Actions",
            ),
            rests_on=NO_COUNTS,
        ),  # fmt: skip
    )
    r.add(
        "awaiting-a-review-of-impact",
        Table(
            ip.awaiting_review(actions, as_at),
            "Completed actions with no evidence of impact yet, oldest first",
            note="Review due: completed six months or more before the period end with no "
            "impact review recorded.",
        ),
    )
    r.add(
        "evidence-of-impact",
        Table(ip.with_impact(actions, as_at), "Actions with evidence of impact"),
    )
    return _finish(s, r)


def _finish(s, r: Report) -> Report:
    r.metrics = dict(s.metrics.values)
    r["summary"][0].sentences += report_changes("improvement_plan", r.metrics, str(s.period))
    return r
