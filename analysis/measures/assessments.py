"""Assessment measures (report `assessments`): completions, outcomes and timeliness.

Definitions:
- An assessment is **completed** in a window when ASSESSMENT_AUTHORISED falls in it.
- **Age at completion** in completed years from DOB to ASSESSMENT_AUTHORISED. An assessment
  whose DOB is after ASSESSMENT_START is **unborn** (pre-birth) and always counts in the
  young age group, whatever its age at completion.
- **Outcomes**: each assessment's labels mapped to standard categories (see
  `params/outcome_map.yaml`). A category counts assessments with that outcome; an assessment
  with several outcomes counts once in each, so mentions can exceed assessments.
- **Timeliness**: working days after ASSESSMENT_START up to and including
  ASSESSMENT_AUTHORISED (authorised on the start day = 0); within the standard when at most
  `standard` (default 45, Working Together).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.ages import age_in_years
from analysis.config import codelists
from analysis.measures.stats import Share, wilson
from analysis.periods import covers, quarter_ends, window
from analysis.workdays import working_days

CATEGORY_LABELS = {
    "NFA": "No further action",
    "STEP_DOWN": "Stepped across to targeted services or another agency",
    "CIN_PLAN": "Child in need plan",
    "CP": "Child protection",
    "S47": "Section 47 enquiry",
    "STRATEGY": "Strategy meeting",
    "LEGAL": "Legal advice",
    "SHORT_BREAKS": "Short breaks",
    "UPDATE_CIN": "Assessment updated in line with the child in need plan",
    "UPDATE_CP": "Assessment updated within the child protection process",
    "OTHER": "Other",
}


def categories() -> list[str]:
    return list(codelists()["assessment_outcomes"])


def completed(
    assessments: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp, max_age: int = 2
) -> pd.DataFrame:
    """Assessments authorised from `first` to `last` inclusive, with AGE (completed years at
    authorisation), UNBORN and YOUNG (unborn, or aged `max_age` or under)."""
    auth = assessments["ASSESSMENT_AUTHORISED"]
    done = assessments[(auth >= first) & (auth <= last)].copy()
    done["AGE"] = age_in_years(done["DOB"], done["ASSESSMENT_AUTHORISED"])
    done["UNBORN"] = (done["DOB"] > done["ASSESSMENT_START"]).fillna(False)
    done["YOUNG"] = done["UNBORN"] | (done["AGE"] <= max_age)
    return done


def outcome_counts(
    done: pd.DataFrame, outcomes: pd.DataFrame, unavailable: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Per standard category: assessments with that outcome and their share of all the
    assessments given; every category is listed, in the standard order, except those the
    data cannot show (`unavailable`: outcomes derived from a return that does not record
    them), which would otherwise read as a false zero."""
    mine = outcomes[outcomes["ASSESSMENT_ID"].isin(done["ASSESSMENT_ID"])]
    shown = [c for c in categories() if c not in unavailable]
    counts = mine.groupby("CATEGORY")["ASSESSMENT_ID"].nunique().reindex(shown, fill_value=0)
    table = pd.DataFrame(
        {
            "Outcome": [CATEGORY_LABELS[c] for c in counts.index],
            "Assessments": counts.to_numpy(),
        },
        index=pd.Index(counts.index, name="Category"),
    )
    table["Share of assessments"] = table["Assessments"] / len(done) if len(done) else np.nan
    return table


def step_down_share(
    done: pd.DataFrame, outcomes: pd.DataFrame, unavailable: tuple[str, ...] = ()
) -> float | None:
    """The share of the assessments given that stepped across: assessments with at least one
    STEP_DOWN outcome (to targeted or early help services, or another agency) divided by all
    the assessments given; None when there are none or the data cannot show stepping across
    (STEP_DOWN in `unavailable`)."""
    if not len(done) or "STEP_DOWN" in unavailable:
        return None
    return int(outcome_counts(done, outcomes).loc["STEP_DOWN", "Assessments"]) / len(done)


def other_share(done: pd.DataFrame, outcomes: pd.DataFrame) -> float | None:
    """The share of the outcome mentions of the assessments given that are OTHER: local
    labels the outcome map does not know (or outcomes recorded as other); None without
    any mention."""
    mine = outcomes[outcomes["ASSESSMENT_ID"].isin(done["ASSESSMENT_ID"])]
    return float((mine["CATEGORY"] == "OTHER").mean()) if len(mine) else None


def mentions(done: pd.DataFrame, outcomes: pd.DataFrame) -> int:
    """Number of (assessment, category) outcome mentions among the assessments given."""
    return int(outcomes["ASSESSMENT_ID"].isin(done["ASSESSMENT_ID"]).sum())


def board_layout(
    done: pd.DataFrame, outcomes: pd.DataFrame, unavailable: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Outcome table with unborn and born columns and a total row that states the number of
    assessments and of outcome mentions side by side, so the table adds up honestly
    (categories in `unavailable` left out, as in `outcome_counts`)."""
    parts = {}
    for name, subset in (
        ("All", done),
        ("Unborn", done[done["UNBORN"]]),
        ("Born", done[~done["UNBORN"]]),
    ):
        counts = outcome_counts(subset, outcomes, unavailable)
        parts[name] = counts["Assessments"]
        if name == "All":
            table = counts[["Outcome", "Assessments", "Share of assessments"]].copy()
    table["Unborn"] = parts["Unborn"]
    table["Born"] = parts["Born"]
    total = pd.DataFrame(
        {
            "Outcome": ["Outcome mentions (one assessment can have several)", "Assessments"],
            "Assessments": [mentions(done, outcomes), len(done)],
            "Share of assessments": [np.nan, np.nan],
            "Unborn": [mentions(done[done["UNBORN"]], outcomes), int(done["UNBORN"].sum())],
            "Born": [mentions(done[~done["UNBORN"]], outcomes), int((~done["UNBORN"]).sum())],
        },
        index=pd.Index(["MENTIONS", "TOTAL"], name="Category"),
    )
    return pd.concat([table, total]).reset_index(drop=True)


def timeliness(done: pd.DataFrame, standard: int = 45) -> Share:
    """Share of the assessments completed within `standard` working days, Wilson 95% CI."""
    if done.empty:
        return wilson(0, 0)
    days = working_days(
        done["ASSESSMENT_START"] + pd.Timedelta(days=1), done["ASSESSMENT_AUTHORISED"]
    )
    return wilson(int((days <= standard).sum()), len(done))


def quarterly_mix(
    assessments: pd.DataFrame,
    outcomes: pd.DataFrame,
    period,
    quarters: int = 8,
    max_age: int = 2,
    unavailable: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Share of young-group assessments with each outcome, per quarter ending with the period
    month (rows: quarters, columns: category labels, less `unavailable`), plus the number
    completed. Quarters that start before the first authorisation in the data are blank."""
    rows = {}
    dated = assessments["ASSESSMENT_AUTHORISED"]
    for q in quarter_ends(period, quarters):
        if not covers(dated, window(q, 3)[0]):  # before the data begin: blank, not zero
            rows[q] = {"Completed": np.nan}
            continue
        done = completed(assessments, *window(q, 3), max_age)
        young = done[done["YOUNG"]]
        shares = outcome_counts(young, outcomes, unavailable)["Share of assessments"]
        rows[q] = {"Completed": len(young)} | {CATEGORY_LABELS[c]: shares[c] for c in shares.index}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    shown = [CATEGORY_LABELS[c] for c in categories() if c not in unavailable]
    frame = frame.reindex(columns=["Completed", *shown])
    frame.index.name = "Quarter ending"
    return frame


def mix_counts(mix: pd.DataFrame) -> pd.DataFrame:
    """The number of assessments behind each share of a `quarterly_mix` (share x completed),
    for checking which quarters rest on small counts."""
    shares = mix.drop(columns="Completed")
    return shares.mul(mix["Completed"], axis=0).round().astype("Int64")


def plan_starts_with_update(
    cin_cp: pd.DataFrame,
    assessments: pd.DataFrame,
    outcomes: pd.DataFrame,
    first: pd.Timestamp,
    last: pd.Timestamp,
) -> Share:
    """Of children whose child protection plan started in the window, the share with an
    assessment authorised in the window whose outcomes include UPDATE_CIN or UPDATE_CP.

    Only CP rows count as plan starts: a CIN row of cin_cp.csv is a child-in-need period,
    which starts at referral, not a plan (the extract holds no CIN plan dates)."""
    plans = cin_cp[cin_cp["TYPE"] == "CP"]
    started = plans[(plans["START"] >= first) & (plans["START"] <= last)]["CHILD"].unique()
    done = completed(assessments, first, last)
    updated = outcomes[outcomes["CATEGORY"].isin(["UPDATE_CIN", "UPDATE_CP"])]["ASSESSMENT_ID"]
    children = set(done.loc[done["ASSESSMENT_ID"].isin(updated), "CHILD"])
    return wilson(sum(1 for c in started if c in children), len(started))
