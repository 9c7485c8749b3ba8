"""The `improvement_plan` report: the board's action tracker - completed against evidence of
impact, by theme and by source, overdue actions by name and owner, claimed impact checked
against the measure an action names, and completed actions awaiting a review of their impact.
Every figure comes from `analysis.measures` (improvement_plan, and the measure an action
names: `LINKED`)."""

from __future__ import annotations

import pandas as pd

from analysis.measures import agreement as ag
from analysis.measures import front_door as fd
from analysis.measures import improvement_plan as ip
from analysis.measures import workforce as wf
from analysis.periods import months_back, period_end, period_label
from analysis.presentation import charts
from analysis.presentation.formats import shown
from analysis.presentation.model import Figure, Glossary, Note, Report, Summary, Table
from analysis.presentation.present import NO_COUNTS
from analysis.registry import metric
from analysis.reports.board_summary import report_changes

TERMS = ["evidence of impact", "NFA", "Cohen's kappa", "SPC (statistical process control)"]
NO_ACTIONS = "The action tracker is not in this data (the data dictionary says what it needs)."


def _largest(inputs, months):
    return ip.largest_caseload(inputs["caseloads"], months)


def _median(inputs, months):
    each = [wf.caseload_summary(inputs["caseloads"], m)["median"] for m in months]
    return pd.Series(each, index=months, dtype=float)


def _multiple(inputs, months):
    frame = fd.contact_months(inputs["contacts"], None, months[-1], len(months))
    return frame["Share of children with more than one contact"]


def _kappa(inputs, months):
    return ag.quarterly(inputs["audits"], months[-1], len(months) // 3)["Kappa"]


def _declared(report: str, name: str) -> tuple[str, str, str]:
    m = metric(report, name)
    return m.label, m.format, m.better


#: The measures an action's IMPACT_METRIC may name (code list `actions.IMPACT_METRIC`): label,
#: format, better direction, the input it needs and its series from that input (by the
#: function of `analysis.measures` that the measure's own report uses).
LINKED = {
    "largest_caseload": ("Largest caseload (children)", "count", "lower", "caseloads", _largest),
    "caseload_median": (*_declared("workforce", "caseload_median"), "caseloads", _median),
    "multiple_contacts_children_share_month": (
        *_declared("front_door", "multiple_contacts_children_share_month"),
        "contacts",
        _multiple,
    ),
    "kappa": (*_declared("audit_agreement", "kappa"), "audits", _kappa),
}


def readings(inputs: dict, names, months: pd.PeriodIndex) -> dict[str, pd.Series]:
    """The series of each linked measure named, over `months` (a measure whose input is not
    in the data is left out: its claims are "not measurable")."""
    out = {}
    for name in sorted(set(names)):
        _, _, _, needs, compute = LINKED[name]
        if inputs.get(needs) is not None:
            out[name] = compute(inputs, months)
    return out


FINDINGS = {
    ip.SUPPORTED: "supported: the target was met at the review and still is",
    ip.CONTRADICTED: "contradicted: the target was not met at the review, so this is not "
    "counted as evidence of impact",
    ip.NOT_SUSTAINED: "not sustained: met at the review but not now",
    ip.NOT_MEASURABLE: "cannot be checked: the data do not reach the review",
}


def impact_table(checks: pd.DataFrame) -> pd.DataFrame:
    """The impact checks as the board reads them: claim, measure, target, at the review,
    now and the finding."""
    rows = []
    for c in checks.itertuples():
        label, form, better, _, _ = LINKED[c.METRIC]
        bound = "at most" if better == "lower" else "at least"
        rows.append(
            {
                "Action": f"{c.ACTION_ID}: {c.ACTION}",
                "Claimed impact": c.CLAIM,
                "Measure": label,
                "Target": f"{bound} {shown(c.TARGET, form)}",
                "At the review": f"{shown(c.AT_REVIEW, form)} ({c.REVIEWED:%b %Y})",
                "Now": shown(c.NOW, form),
                "What the data say": FINDINGS[c.FINDING],
            }
        )
    return pd.DataFrame(rows)


def checks_named(checks: pd.DataFrame, finding: str) -> list[str]:
    """One line per impact check with this finding, for the board summary."""
    out = []
    for c in checks[checks["FINDING"] == finding].itertuples():
        label, form, _, _, _ = LINKED[c.METRIC]
        out.append(
            f"{c.ACTION_ID} {c.ACTION} (owner: {c.OWNER_ROLE}): claimed "
            f'"{c.CLAIM}"; {label}: {shown(c.AT_REVIEW, form)} at the review '
            f"({c.REVIEWED:%b %Y}) and {shown(c.NOW, form)} now, against "
            f"{'at most' if c.BETTER == 'lower' else 'at least'} {shown(c.TARGET, form)}"
        )
    return out


#: The actions the board summary names, recorded as lists of lines.
LISTS = ("overdue_actions", "awaiting_review_actions", "impact_contradicted_actions",
         "impact_not_sustained_actions")  # fmt: skip


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary(h: dict, label: str, overdue: list[str] = (), contradicted: int = 0) -> list[str]:
    """Sentences for the board from figures shown in the report."""
    if h["actions_total"] is None:
        return [NO_ACTIONS]
    total = h["actions_total"]
    out = [
        f"At the end of {label}, {h['actions_complete']} of {total} actions were complete and "
        f"{h['actions_impact_evidenced']} of {total} showed evidence of impact.",
    ]
    late = h["actions_overdue"]
    out.append(
        f"{_plural(late, 'action was', 'actions were')} overdue"
        + (f": {'; '.join(overdue)}." if overdue else ".")
    )
    if contradicted:
        out.append(
            f"{_plural(contradicted, 'claim', 'claims')} of impact "
            f"{'is' if contradicted == 1 else 'are'} contradicted by the data and not counted "
            "as evidence (see the impact checks below)."
        )
    waiting = h["actions_complete_no_impact_6m"]
    out.append(
        f"{_plural(waiting, 'action', 'actions')} completed six months or more ago "
        f"{'shows' if waiting == 1 else 'show'} no evidence of impact and no impact review "
        "yet - the board asked for these to be reviewed."
    )
    return out


def build(s, lookback_months: int = 36) -> Report:
    """The `improvement_plan` report for the session's period (sections keyed by anchor)."""
    actions = s.inputs.get("actions")
    label = period_label(s.period)
    as_at = period_end(s.period)
    names = ("actions_total", "actions_complete", "actions_impact_evidenced",
             "actions_overdue", "actions_complete_no_impact_6m",
             "actions_impact_contradicted")  # fmt: skip
    months = months_back(s.period, lookback_months)
    r = Report("improvement_plan")
    if actions is None:
        h = s.record_all(dict.fromkeys(names))
        s.record_all(dict.fromkeys(LISTS, []))
        r.add("summary", Summary(summary(h, label)))
        r.add("summary", Glossary(TERMS))
        for anchor in ("progress", "awaiting-a-review-of-impact", "evidence-of-impact"):
            r.add(anchor, Note(NO_ACTIONS))
        for name in ("actions_complete", "actions_impact_evidenced"):
            s.record_series(name, pd.Series(float("nan"), index=months))
        return _finish(s, r)
    linked = actions.get("IMPACT_METRIC", pd.Series(dtype=object)).dropna()
    better = {name: LINKED[name][2] for name in LINKED}
    checks = ip.impact_checks(actions, as_at, readings(s.inputs, linked, months), better)
    contradicted = frozenset(checks.loc[checks["FINDING"] == ip.CONTRADICTED, "ACTION_ID"])
    h = s.record_all(ip.headline(actions, as_at, contradicted))
    overdue = ip.overdue_named(actions, as_at)
    s.record_all(
        {
            "overdue_actions": overdue,
            "awaiting_review_actions": ip.awaiting_review_named(actions, as_at),
            "impact_contradicted_actions": checks_named(checks, ip.CONTRADICTED),
            "impact_not_sustained_actions": checks_named(checks, ip.NOT_SUSTAINED),
        }
    )
    r.add("summary", Summary(summary(h, label, overdue, len(contradicted))))
    r.add("summary", Glossary(TERMS))
    over_time = ip.completion_over_time(actions, months, contradicted)
    s.record_series("actions_complete", over_time["Complete"])
    s.record_series("actions_impact_evidenced", over_time["Impact evidenced"])
    r.add(
        "progress",
        Table(
            ip.by_group(actions, as_at, "THEME", contradicted), f"Actions by theme, end of {label}"
        ),
        Table(
            ip.by_group(actions, as_at, "SOURCE", contradicted),
            f"Actions by source, end of {label}",
        ),
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
            ip.awaiting_review(actions, as_at, contradicted),
            "Completed actions with no evidence of impact yet, oldest first",
            note="Review due: completed six months or more before the period end with no "
            "impact review recorded.",
        ),
    )
    r.add(
        "evidence-of-impact",
        Table(ip.with_impact(actions, as_at, contradicted), "Actions with evidence of impact"),
        Table(
            impact_table(checks),
            "Claimed impact checked against the measure each action names",
            note="At the review: the measure's latest figure in the month of the impact "
            "review (or of completion when no review is recorded). A claim the data "
            "contradict is not counted as evidence of impact.",
        )
        if len(checks)
        else Note("No action names a measure its impact can be checked on."),
    )
    return _finish(s, r)


def _finish(s, r: Report) -> Report:
    r.metrics = dict(s.metrics.values)
    r["summary"][0].sentences += report_changes("improvement_plan", r.metrics, str(s.period))
    return r
