"""Assessment outcomes derived from what a return says happened next (next_steps.derive), on
hand-built frames. Every assessment starts Mon 9 Jan 2017 and is authorised Fri 20 Jan 2017;
with N = 10 working days the window ends Fri 3 Feb 2017 (no bank holidays in between)."""

from __future__ import annotations

import pandas as pd

from analysis.sources.next_steps import deadline, derive

T = pd.Timestamp
START, AUTH = T("2017-01-09"), T("2017-01-20")


def assessments(children, **extra) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "ASSESSMENT_ID": range(1, len(children) + 1),
            "CHILD": children,
            "ASSESSMENT_START": START,
            "ASSESSMENT_AUTHORISED": AUTH,
        }
    )
    return frame.assign(**extra)


def plans(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["CHILD", "START", "END"]).astype(
        {"START": "datetime64[ns]", "END": "datetime64[ns]"}
    )


def by_child(result: pd.DataFrame, a: pd.DataFrame) -> dict[str, set[str]]:
    """Child -> the categories derived for its assessment."""
    child = dict(zip(a["ASSESSMENT_ID"], a["CHILD"], strict=True))
    out: dict[str, set[str]] = {}
    for i, cat in zip(result["ASSESSMENT_ID"], result["CATEGORY"], strict=True):
        out.setdefault(child[i], set()).add(cat)
    return out


def test_the_window_ends_ten_working_days_after_authorisation():
    assert deadline(pd.Series([AUTH]), 10).iloc[0] == T("2017-02-03")
    # over Easter 2017 (Good Friday 14 April, Easter Monday 17 April): Thu 13 April + 2
    # working days is Wed 19 April
    assert deadline(pd.Series([T("2017-04-13")]), 2).iloc[0] == T("2017-04-19")


def test_census_rules_one_child_each():
    a = assessments(["CP", "PLAN", "LATE", "EARLY_HELP", "UPDATE", "NOTHING", "OPEN", "BOTH"])
    a.loc[a["CHILD"] == "OPEN", "ASSESSMENT_AUTHORISED"] = pd.NaT  # not yet authorised
    cin_plans = plans(
        ("PLAN", T("2017-02-03"), None),  # the window's last day: counts
        ("LATE", T("2017-02-06"), None),  # one working day late: does not
        ("BOTH", T("2017-01-25"), None),
    )
    cp_plans = plans(
        ("CP", T("2017-01-25"), None),
        ("UPDATE", T("2016-12-01"), None),  # open before the assessment started
    )
    s47 = pd.DataFrame({"CHILD": ["UPDATE"], "S47_START": [T("2017-01-10")], "ICPC_DATE": [pd.NaT]})
    referrals = pd.DataFrame(
        {
            "CHILD": ["LATE", "EARLY_HELP", "BOTH"],
            "CLOSURE_DATE": [T("2017-01-23"), T("2017-01-20"), T("2017-01-30")],
            "CLOSURE_REASON": ["RC8", "RC9", "RC8"],
        }
    )
    result = derive(a, referrals=referrals, cin_plans=cin_plans, cp_plans=cp_plans, s47=s47)
    assert by_child(result, a) == {
        "CP": {"CP"},
        "PLAN": {"CIN_PLAN"},
        "LATE": {"NFA"},
        "EARLY_HELP": {"STEP_DOWN"},
        "UPDATE": {"UPDATE_CP", "S47"},
        "NOTHING": {"OTHER"},
        "BOTH": {"CIN_PLAN"},  # a plan followed, so the closure is not NFA
    }
    assert result["LABEL"].str.startswith("derived: ").all()


def test_annex_a_rules_use_the_support_answer_and_the_conference_result():
    a = assessments(
        ["NEEDS", "NO_NEED", "ICPC", "UNKNOWN"],
        REQUIRES_SUPPORT=[True, False, True, None],
    )
    s47 = pd.DataFrame(
        {
            "CHILD": ["ICPC"],
            "S47_START": [T("2017-01-12")],
            "ICPC_DATE": [T("2017-01-31")],
            "ICPC_PLAN": [True],
        }
    )
    result = derive(a, cin_plans=None, cp_plans=plans(), s47=s47)
    assert by_child(result, a) == {
        "NEEDS": {"CIN_PLAN"},
        "NO_NEED": {"NFA"},
        "ICPC": {"CP", "S47"},  # needs support, but a conference and plan came first
        "UNKNOWN": {"OTHER"},
    }
