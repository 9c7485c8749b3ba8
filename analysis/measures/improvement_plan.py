"""Improvement plan measures (report `improvement_plan`): the board's action tracker.

Definitions, at the end of the period (`as_at`):
- **Complete**: STATUS COMPLETE with a COMPLETED_DATE on or before `as_at` (an action
  completed after the period counts as not yet complete for that period).
- **Impact evidenced**: complete and IMPACT_EVIDENCED = Y, unless the data contradict the
  claim (`impact_checks`: the action's IMPACT_METRIC missed its IMPACT_TARGET at the review).
- **Overdue**: not complete, with a DUE_DATE before `as_at`.
- **Complete for six months or more with no evidence of impact and no impact review**:
  complete, COMPLETED_DATE on or before `as_at` less six calendar months (an action
  completed exactly six months before counts), IMPACT_EVIDENCED not Y and no
  IMPACT_REVIEW_DATE on or before `as_at` - the board's "review these after six months".
"""

from __future__ import annotations

import pandas as pd

from analysis.measures.workforce import workers

MONTHS_TO_REVIEW = 6
TEXT_LIMIT = 160

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
NOT_SUSTAINED = "not sustained"
NOT_MEASURABLE = "not measurable"


def status_at(actions: pd.DataFrame, as_at: pd.Timestamp, contradicted=frozenset()) -> pd.DataFrame:
    """The actions with COMPLETE, IMPACT, OVERDUE and AWAITING_REVIEW flags as at `as_at`;
    an action in `contradicted` (ACTION_IDs whose claimed impact the data contradict) never
    counts as evidence of impact."""
    a = actions.copy()
    a["COMPLETE"] = (a["STATUS"] == "COMPLETE") & (a["COMPLETED_DATE"] <= as_at)
    claimed = a["IMPACT_EVIDENCED"] == "Y"
    a["CONTRADICTED"] = a["COMPLETE"] & claimed & a["ACTION_ID"].isin(list(contradicted))
    a["IMPACT"] = a["COMPLETE"] & claimed & ~a["CONTRADICTED"]
    a["OVERDUE"] = ~a["COMPLETE"] & (a["DUE_DATE"] < as_at)
    reviewed = a["IMPACT_REVIEW_DATE"].le(as_at) if "IMPACT_REVIEW_DATE" in a else False
    cutoff = as_at - pd.DateOffset(months=MONTHS_TO_REVIEW)
    a["AWAITING_REVIEW"] = (
        a["COMPLETE"] & ~a["IMPACT"] & (a["COMPLETED_DATE"] <= cutoff) & ~reviewed
    )
    return a


def headline(actions: pd.DataFrame, as_at: pd.Timestamp, contradicted=frozenset()) -> dict:
    """actions_total, actions_complete, actions_impact_evidenced, actions_overdue,
    actions_complete_no_impact_6m, actions_impact_contradicted."""
    a = status_at(actions, as_at, contradicted)
    return {
        "actions_total": len(a),
        "actions_complete": int(a["COMPLETE"].sum()),
        "actions_impact_evidenced": int(a["IMPACT"].sum()),
        "actions_overdue": int(a["OVERDUE"].sum()),
        "actions_complete_no_impact_6m": int(a["AWAITING_REVIEW"].sum()),
        "actions_impact_contradicted": int(a["CONTRADICTED"].sum()),
    }


def _owner(row) -> str:
    return (
        f"owner: {row.OWNER_ROLE}"
        if isinstance(row.OWNER_ROLE, str) and row.OWNER_ROLE
        else ("no owner named")
    )


def overdue_named(actions: pd.DataFrame, as_at: pd.Timestamp) -> list[str]:
    """Each overdue action by id, text and owner role, with the month it was due; most
    overdue first."""
    a = status_at(actions, as_at)
    late = a[a["OVERDUE"]].sort_values("DUE_DATE")
    return [
        f"{r.ACTION_ID} {short(r.ACTION)} ({_owner(r)}; due {r.DUE_DATE:%b %Y})"
        for r in late.itertuples()
    ]


def awaiting_review_named(actions: pd.DataFrame, as_at: pd.Timestamp) -> list[str]:
    """Each action counted in actions_complete_no_impact_6m by id, text and owner role,
    oldest completion first."""
    a = status_at(actions, as_at)
    due = a[a["AWAITING_REVIEW"]].sort_values("COMPLETED_DATE")
    return [
        f"{r.ACTION_ID} {short(r.ACTION)} ({_owner(r)}; completed {r.COMPLETED_DATE:%b %Y})"
        for r in due.itertuples()
    ]


def largest_caseload(caseloads: pd.DataFrame, months: pd.PeriodIndex) -> pd.Series:
    """At each month end: the most children allocated to one case holder (a worker's rows
    in two teams added; children, not per FTE). NaN for a month with no caseloads."""
    out = {}
    for m in months:
        held = workers(caseloads, m)
        out[m] = float(held["CASES"].max()) if len(held) else float("nan")
    return pd.Series(out, dtype=float)


def _at(series: pd.Series, month: pd.Period):
    """The latest point of `series` at or before `month` (a quarter by the month it ends)."""
    known = series.dropna()
    known = known[known.index <= month]
    return float(known.iloc[-1]) if len(known) else None


def meets(value: float, target: float, better: str) -> bool:
    """Whether `value` reaches `target`: at most it when lower is better, at least it when
    higher is better."""
    return value <= target if better == "lower" else value >= target


def impact_checks(
    actions: pd.DataFrame, as_at: pd.Timestamp, readings: dict[str, pd.Series], better: dict
) -> pd.DataFrame:
    """Per completed action that claims impact (IMPACT_EVIDENCED = Y) and names an
    IMPACT_METRIC: the review month (IMPACT_REVIEW_DATE, else COMPLETED_DATE), the metric's
    latest point at or before it (`readings`: metric -> series by month period) and at
    `as_at`, the target, and the finding: `contradicted` when the metric missed the target
    at the review (the claim was not true when made), `not sustained` when it met it then
    but misses it now, `supported` when it meets it at both, `not measurable` when the data
    do not reach the review. `better` gives each metric's better direction."""
    a = status_at(actions, as_at)
    if "IMPACT_METRIC" not in a:
        a["IMPACT_METRIC"] = None
    linked = a[a["COMPLETE"] & (a["IMPACT_EVIDENCED"] == "Y") & a["IMPACT_METRIC"].notna()]
    rows = []
    now = pd.Period(as_at, "M")
    for r in linked.itertuples():
        reviewed = r.IMPACT_REVIEW_DATE if pd.notna(r.IMPACT_REVIEW_DATE) else r.COMPLETED_DATE
        reviewed = min(pd.Timestamp(reviewed), as_at)
        series = readings.get(r.IMPACT_METRIC, pd.Series(dtype=float))
        then, latest = _at(series, pd.Period(reviewed, "M")), _at(series, now)
        direction = better.get(r.IMPACT_METRIC, "lower")
        if then is None or latest is None:
            finding = NOT_MEASURABLE
        elif not meets(then, r.IMPACT_TARGET, direction):
            finding = CONTRADICTED
        elif not meets(latest, r.IMPACT_TARGET, direction):
            finding = NOT_SUSTAINED
        else:
            finding = SUPPORTED
        rows.append(
            {
                "ACTION_ID": r.ACTION_ID,
                "ACTION": short(r.ACTION),
                "OWNER_ROLE": r.OWNER_ROLE,
                "CLAIM": short(r.IMPACT_NOTE),
                "METRIC": r.IMPACT_METRIC,
                "TARGET": float(r.IMPACT_TARGET),
                "BETTER": direction,
                "REVIEWED": pd.Period(reviewed, "M"),
                "AT_REVIEW": then,
                "NOW": latest,
                "FINDING": finding,
            }
        )
    columns = ["ACTION_ID", "ACTION", "OWNER_ROLE", "CLAIM", "METRIC", "TARGET", "BETTER",
               "REVIEWED", "AT_REVIEW", "NOW", "FINDING"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def by_group(
    actions: pd.DataFrame, as_at: pd.Timestamp, column: str, contradicted=frozenset()
) -> pd.DataFrame:
    """Per THEME or SOURCE: actions, complete, with evidence of impact, overdue."""
    a = status_at(actions, as_at, contradicted)
    a[column] = a[column].fillna("(not given)")
    grouped = a.groupby(column, sort=True)
    return (
        pd.DataFrame(
            {
                "Actions": grouped.size(),
                "Complete": grouped["COMPLETE"].sum().astype(int),
                "Impact evidenced": grouped["IMPACT"].sum().astype(int),
                "Overdue": grouped["OVERDUE"].sum().astype(int),
            }
        )
        .reset_index()
        .rename(columns={column: column.capitalize()})
    )


def completion_over_time(
    actions: pd.DataFrame, months: pd.PeriodIndex, contradicted=frozenset()
) -> pd.DataFrame:
    """At each month end: actions complete and with evidence of impact (impact counted at
    completion: the tracker holds no date for the evidence; a contradicted claim never)."""
    rows = {}
    for m in months:
        h = headline(actions, m.end_time.normalize(), contradicted)
        rows[m] = {
            "Complete": h["actions_complete"],
            "Impact evidenced": h["actions_impact_evidenced"],
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "Month"
    return frame


def short(text, limit: int = TEXT_LIMIT) -> str:
    """The board's own words, cut at `limit` characters with an ellipsis."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or pd.isna(text):
        return ""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def awaiting_review(
    actions: pd.DataFrame, as_at: pd.Timestamp, contradicted=frozenset()
) -> pd.DataFrame:
    """Complete actions with no evidence of impact (a contradicted claim included), oldest
    completion first, flagging those complete six months or more with no impact review."""
    a = status_at(actions, as_at, contradicted)
    done = a[a["COMPLETE"] & ~a["IMPACT"]].sort_values("COMPLETED_DATE")
    return pd.DataFrame(
        {
            "Action": done["ACTION_ID"].map(str) + ": " + done["ACTION"].map(short),
            "Theme": done["THEME"],
            "Completed": done["COMPLETED_DATE"].dt.strftime("%b %Y"),
            "Review due": done["AWAITING_REVIEW"].map({True: "yes: six months or more", False: ""}),
        }
    )


def with_impact(
    actions: pd.DataFrame, as_at: pd.Timestamp, contradicted=frozenset()
) -> pd.DataFrame:
    """Actions with evidence of impact and the board's note of it (a claim the data
    contradict is not evidence)."""
    a = status_at(actions, as_at, contradicted)
    done = a[a["IMPACT"]].sort_values("COMPLETED_DATE")
    return pd.DataFrame(
        {
            "Action": done["ACTION_ID"].map(str) + ": " + done["ACTION"].map(short),
            "Theme": done["THEME"],
            "Evidence of impact": done["IMPACT_NOTE"].map(short),
        }
    )
