"""Improvement plan measures (report `improvement_plan`): the board's action tracker.

Definitions, at the end of the period (`as_at`):
- **Complete**: STATUS COMPLETE with a COMPLETED_DATE on or before `as_at` (an action
  completed after the period counts as not yet complete for that period).
- **Impact evidenced**: complete and IMPACT_EVIDENCED = Y.
- **Overdue**: not complete, with a DUE_DATE before `as_at`.
- **Complete for six months or more with no evidence of impact and no impact review**:
  complete, COMPLETED_DATE on or before `as_at` less six calendar months (an action
  completed exactly six months before counts), IMPACT_EVIDENCED not Y and no
  IMPACT_REVIEW_DATE on or before `as_at` - the board's "review these after six months".
"""

from __future__ import annotations

import pandas as pd

MONTHS_TO_REVIEW = 6
TEXT_LIMIT = 160


def status_at(actions: pd.DataFrame, as_at: pd.Timestamp) -> pd.DataFrame:
    """The actions with COMPLETE, IMPACT, OVERDUE and AWAITING_REVIEW flags as at `as_at`."""
    a = actions.copy()
    a["COMPLETE"] = (a["STATUS"] == "COMPLETE") & (a["COMPLETED_DATE"] <= as_at)
    a["IMPACT"] = a["COMPLETE"] & (a["IMPACT_EVIDENCED"] == "Y")
    a["OVERDUE"] = ~a["COMPLETE"] & (a["DUE_DATE"] < as_at)
    reviewed = a["IMPACT_REVIEW_DATE"].le(as_at) if "IMPACT_REVIEW_DATE" in a else False
    cutoff = as_at - pd.DateOffset(months=MONTHS_TO_REVIEW)
    a["AWAITING_REVIEW"] = (
        a["COMPLETE"] & ~a["IMPACT"] & (a["COMPLETED_DATE"] <= cutoff) & ~reviewed
    )
    return a


def headline(actions: pd.DataFrame, as_at: pd.Timestamp) -> dict:
    """actions_total, actions_complete, actions_impact_evidenced, actions_overdue,
    actions_complete_no_impact_6m."""
    a = status_at(actions, as_at)
    return {
        "actions_total": len(a),
        "actions_complete": int(a["COMPLETE"].sum()),
        "actions_impact_evidenced": int(a["IMPACT"].sum()),
        "actions_overdue": int(a["OVERDUE"].sum()),
        "actions_complete_no_impact_6m": int(a["AWAITING_REVIEW"].sum()),
    }


def by_group(actions: pd.DataFrame, as_at: pd.Timestamp, column: str) -> pd.DataFrame:
    """Per THEME or SOURCE: actions, complete, with evidence of impact, overdue."""
    a = status_at(actions, as_at)
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


def completion_over_time(actions: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    """At each month end: actions complete and with evidence of impact (impact counted at
    completion: the tracker holds no date for the evidence)."""
    rows = {}
    for m in months:
        h = headline(actions, m.end_time.normalize())
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


def awaiting_review(actions: pd.DataFrame, as_at: pd.Timestamp) -> pd.DataFrame:
    """Complete actions with no evidence of impact, oldest completion first, flagging those
    complete six months or more with no impact review."""
    a = status_at(actions, as_at)
    done = a[a["COMPLETE"] & ~a["IMPACT"]].sort_values("COMPLETED_DATE")
    return pd.DataFrame(
        {
            "Action": done["ACTION_ID"].map(str) + ": " + done["ACTION"].map(short),
            "Theme": done["THEME"],
            "Completed": done["COMPLETED_DATE"].dt.strftime("%b %Y"),
            "Review due": done["AWAITING_REVIEW"].map({True: "yes: six months or more", False: ""}),
        }
    )


def with_impact(actions: pd.DataFrame, as_at: pd.Timestamp) -> pd.DataFrame:
    """Actions with evidence of impact and the board's note of it."""
    a = status_at(actions, as_at)
    done = a[a["IMPACT"]].sort_values("COMPLETED_DATE")
    return pd.DataFrame(
        {
            "Action": done["ACTION_ID"].map(str) + ": " + done["ACTION"].map(short),
            "Theme": done["THEME"],
            "Evidence of impact": done["IMPACT_NOTE"].map(short),
        }
    )
