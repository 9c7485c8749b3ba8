"""The `assessments` report's headline figures and plain-English summary."""

from __future__ import annotations

import pandas as pd

from analysis.measures import assessments as oc
from analysis.withheld import withheld


def headline(done: pd.DataFrame, outcomes: pd.DataFrame, standard: int = 45) -> dict:
    """Assessment metrics for metrics.json (report key `assessments`); `done` is every
    assessment completed in the window."""
    young = done[done["YOUNG"]]
    counts = oc.outcome_counts(young, outcomes)["Assessments"]
    return {
        "assessments_completed": len(done),
        "assessments_completed_age_0_2": len(young),
        "assessments_unborn": int(young["UNBORN"].sum()),
        "outcomes_age_0_2": {c: int(v) for c, v in counts.items()},
        "outcome_mentions_age_0_2": oc.mentions(young, outcomes),
        "timeliness_45wd_share_age_0_2": oc.timeliness(young, standard).share,
        "step_down_share_age_0_2": int(counts["STEP_DOWN"]) / len(young) if len(young) else None,
    }


def summary(
    h: dict, caseload: dict, last_year: dict, window_label: str, age_label: str
) -> list[str]:
    """Sentences for the board from figures shown in the report."""
    shown = {c: n for c, n in h["outcomes_age_0_2"].items() if not withheld(n)}
    outcomes = sorted(shown.items(), key=lambda kv: -kv[1])
    top = ", ".join(f"{oc.CATEGORY_LABELS[c].lower()} ({n})" for c, n in outcomes[:3] if n)
    step = h["outcomes_age_0_2"].get("STEP_DOWN", 0)
    n = h["assessments_completed_age_0_2"]
    before = last_year["assessments_completed_age_0_2"]
    return [
        f"{caseload['open_cin_under1']:,} of the {caseload['open_cin_total']:,} children in need "
        f"(including those on protection plans and looked after) were under 1 at the end of "
        f"the period; {caseload['open_cp_under1']:,} of {caseload['open_cp_total']:,} on child "
        f"protection plans and {caseload['cla_under1']:,} of {caseload['cla_total']:,} looked "
        "after.",
        f"{n:,} assessments of children {age_label} were completed in {window_label} "
        f"({h['assessments_unborn']:,} before birth), compared with {before:,} in the same "
        "months a year earlier.",
        f"The most common next steps were {top}; {step:,} "
        f"({_pct(step, n)}) stepped across to targeted services or another agency."
        if n
        else "No assessments of this age group were completed in the period.",
        f"{h['outcome_mentions_age_0_2']:,} next steps were recorded for the {n:,} assessments: "
        "one assessment can lead to several, so the outcome counts add up to more than the "
        "number of assessments.",
    ]


def _pct(part: int, whole: int) -> str:
    if withheld(part) or withheld(whole):
        return "c"
    return f"{100 * part / whole:.0f}%" if whole else "–"


def outcome_links(shown: dict) -> dict:
    """This period's outcome counts as recorded, by outcome label (the rows of the outcome
    tables), so the public tables suppress what the sentences withhold and no more than
    they must."""
    return {"this period": {oc.CATEGORY_LABELS[c]: n for c, n in shown["outcomes_age_0_2"].items()}}


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
        rows.append(
            {
                "Age group": name,
                f"Within {standard} working days": s.count,
                "Completed": s.total,
                "Share": s.share,
                "95% CI low": s.low,
                "95% CI high": s.high,
            }
        )
    return pd.DataFrame(rows)


def update_table(share) -> pd.DataFrame:
    """The updated-assessment share as a one-row table."""
    return pd.DataFrame(
        [
            {
                "Plans started (children)": share.total,
                "With an updated assessment": share.count,
                "Share": share.share,
            }
        ]
    )
