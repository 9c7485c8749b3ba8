"""The synthetic demo data validate cleanly and are calibrated to the board's figures.

The calibration checks use plain pandas written here, independently of the project's
analysis code. Tolerances are stated per figure; the defaults (seed 2017) are checked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.demo.generate import DemoSpec, write_demo_data
from analysis.sources.inputs import read_inputs

END = pd.Timestamp("2017-03-31")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    write_demo_data(folder, DemoSpec())
    return folder


def read(folder, name, dates):
    frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
    for col in dates:
        frame[col] = pd.to_datetime(frame[col].replace("", None), format="%d/%m/%Y")
    return frame


def open_on(frame, start, end, day):
    return frame[(frame[start] <= day) & (frame[end].isna() | (frame[end] > day))]


def test_demo_data_validates_with_no_errors(demo):
    report = read_inputs(demo).report
    assert not report.has_errors, report.format()


def test_same_seed_gives_same_files(tmp_path):
    write_demo_data(tmp_path / "a", DemoSpec(seed=5))
    write_demo_data(tmp_path / "b", DemoSpec(seed=5))
    for path in (tmp_path / "a").rglob("*.csv"):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()


def test_looked_after_figures(demo):
    header = read(demo, "ssda903/header.csv", ["DOB"])
    eps = read(demo, "ssda903/episodes.csv", ["DECOM", "DEC"]).merge(header[["CHILD", "DOB"]])
    eps = eps[~eps["LS"].isin(["V3", "V4"])]
    cla = open_on(eps, "DECOM", "DEC", END).drop_duplicates("CHILD")
    under1 = ((END - cla["DOB"]).dt.days < 365).mean()
    assert 700 <= len(cla) <= 860  # about 780
    assert 0.07 <= under1 <= 0.13  # about 10%
    starts = eps[eps["RNE"] == "S"]
    shares = []
    for first, last in (("2015-04-01", "2016-03-31"), ("2016-04-01", "2017-03-31")):
        year = starts[(starts["DECOM"] >= first) & (starts["DECOM"] <= last)]
        shares.append(((year["DECOM"] - year["DOB"]).dt.days < 365).mean())
    assert 1.6 <= shares[1] / shares[0] <= 2.6  # roughly doubling


def test_child_in_need_and_protection_figures(demo):
    cin = read(demo, "cin_cp.csv", ["DOB", "START", "END"])
    header = read(demo, "ssda903/header.csv", ["DOB"])
    eps = read(demo, "ssda903/episodes.csv", ["DECOM", "DEC"]).merge(header[["CHILD", "DOB"]])
    cla = open_on(eps[~eps["LS"].isin(["V3", "V4"])], "DECOM", "DEC", END)
    live = open_on(cin, "START", "END", END)
    cp = live[live["TYPE"] == "CP"].drop_duplicates("CHILD")
    assert 350 <= len(cp) <= 450  # about 400
    assert 0.12 <= ((END - cp["DOB"]).dt.days < 365).mean() <= 0.20  # about 16%
    everyone = pd.concat([live[["CHILD", "DOB"]], cla[["CHILD", "DOB"]]]).drop_duplicates("CHILD")
    assert 2600 <= len(everyone) <= 3100  # about 2,850
    assert 0.09 <= ((END - everyone["DOB"]).dt.days < 365).mean() <= 0.15  # about 12%


def test_assessments_and_audits(demo):
    a = read(demo, "assessments.csv", ["DOB", "ASSESSMENT_START", "ASSESSMENT_AUTHORISED"])
    quarter = a[(a["ASSESSMENT_AUTHORISED"] >= "2017-01-01") & (a["ASSESSMENT_AUTHORISED"] <= END)]
    age = (quarter["ASSESSMENT_AUTHORISED"] - quarter["DOB"]).dt.days / 365.25
    assert 95 <= (age < 3).sum() <= 150  # about 120
    assert quarter["OUTCOME"].str.contains(";").any()  # several outcomes for some
    audits = read(demo, "audits.csv", ["AUDIT_DATE"])
    dip = audits[(audits["SAMPLE"] == "NFA dip sample") & (audits["AUDIT_DATE"] >= "2017-01-01")]
    assert 18 <= len(dip) <= 34  # about 26
    moderated = audits[audits["MODERATOR_GRADE"] != ""]
    agree = (
        (moderated["AUDITOR_GRADE"] == moderated["MODERATOR_GRADE"])
        .groupby(moderated["AUDIT_DATE"] >= "2016-04-01")
        .mean()
    )
    assert agree[True] > agree[False] + 0.1  # agreement improves


def test_sickness_absence_figures(demo):
    import holidays

    ab = read(demo, "absence.csv", ["START_DATE", "END_DATE"])
    staffing = pd.read_csv(demo / "staffing.csv")
    hol = np.array(
        sorted(holidays.country_holidays("GB", subdiv="ENG", years=range(2012, 2019))),
        dtype="datetime64[D]",
    )
    first = pd.Timestamp("2016-04-01")
    start = ab["START_DATE"].clip(lower=first)
    end = ab["END_DATE"].fillna(END).clip(upper=END)
    inside = end >= start

    def wd(a, b):
        return np.busday_count(
            a.to_numpy("datetime64[D]"),
            (b + pd.Timedelta(days=1)).to_numpy("datetime64[D]"),
            holidays=hol,
        )

    days = wd(start[inside], end[inside]) * ab.loc[inside, "FTE"].astype(float).to_numpy()
    whole = wd(ab.loc[inside, "START_DATE"], ab.loc[inside, "END_DATE"].fillna(END))
    fte = staffing[staffing["MONTH"].between("2016-04", "2017-03")].groupby("MONTH")["FTE"].sum()
    per_fte = days.sum() / fte.mean()
    assert 14 <= per_fte <= 20  # near 17
    assert 0.67 <= days[whole >= 20].sum() / days.sum() <= 0.83  # about three quarters
    mental = ab.loc[inside, "REASON"].str.contains("Stress|Depression|Anxiety").to_numpy()
    assert 0.25 <= days[mental].sum() / days.sum() <= 0.42  # about a third


def test_young_entrants_link_to_siblings_and_younger_mothers(demo):
    header = read(demo, "ssda903/header.csv", ["DOB"])
    fam = read(demo, "family.csv", ["MOTHER_DOB"])
    eps = read(demo, "ssda903/episodes.csv", ["DECOM", "DEC"])
    first = eps[eps["RNE"] == "S"].sort_values("DECOM").drop_duplicates("CHILD")
    df = first.merge(header[["CHILD", "DOB"]]).merge(fam)
    df["young"] = (df["DECOM"] - df["DOB"]).dt.days < 365
    df["sib"] = df.duplicated("FAMILY_ID")  # an earlier child of the family started first
    df["mother_age"] = (df["DOB"] - df["MOTHER_DOB"]).dt.days / 365.25
    assert len(fam) / header["CHILD"].nunique() > 0.8  # family links for most children
    assert df.groupby("young")["sib"].mean()[True] > df.groupby("young")["sib"].mean()[False]
    assert (
        df.groupby("young")["mother_age"].median()[True]
        < df.groupby("young")["mother_age"].median()[False]
    )


def test_identifiers_are_obviously_fake(demo):
    header = read(demo, "ssda903/header.csv", [])
    assert header["UPN"].str.match(r"^FAKE\d{9}$").all()


def test_the_front_door_has_the_board_papers_shape(demo):
    # the board: "multiple contacts ... down from 19.1% at the point of inspection to 5.1%
    # for March 2017"; Wirral's published re-referral share for 2016-17 is 21%
    contacts = read(demo, "contacts.csv", ["CONTACT_DATE"])
    month = contacts["CONTACT_DATE"].dt.to_period("M")
    per_child = contacts.groupby([month, contacts["CHILD"]]).size()
    share = (per_child > 1).groupby(level=0).mean()
    assert 0.16 <= share[pd.Period("2016-09")] <= 0.22  # around the inspection
    assert 0.16 <= share[pd.Period("2015-09") : pd.Period("2016-09")].mean() <= 0.22
    assert 0.03 <= share[pd.Period("2017-03")] <= 0.07
    refs = read(demo, "referrals.csv", ["REFERRAL_DATE"]).sort_values("REFERRAL_DATE")
    gap = (refs["REFERRAL_DATE"] - refs.groupby("CHILD")["REFERRAL_DATE"].shift()).dt.days
    year = refs["REFERRAL_DATE"].between("2016-04-01", "2017-03-31")
    assert 0.18 <= (gap[year] <= 365).mean() <= 0.24
    assert 2800 <= year.sum() <= 3600  # Wirral published 3,243 referrals for 2016-17


def test_workforce_and_actions_match_the_minutes(demo):
    # "100% of managers, and 94% of staff ... the gap relates to staff that had long term
    # sickness"; "23 out of 25 actions have been completed ... 5 out of 25 actions show
    # evidence of impact"; Wirral's published CSWW average caseload for 2017 is 16.2
    appraisals = pd.read_csv(demo / "appraisals.csv", dtype=str, keep_default_na=False)
    year = appraisals[appraisals["YEAR"] == "2016-17"]
    done = (year["APPRAISED"] == "Y").groupby(year["GROUP"]).mean()
    assert done["MANAGER"] == 1.0 and 0.92 <= done["STAFF"] <= 0.96
    missed = year[year["APPRAISED"] == "N"]
    assert (missed["REASON_NOT_APPRAISED"] == "Long-term sickness").mean() >= 0.6
    actions = read(demo, "actions.csv", ["COMPLETED_DATE"])
    complete = (actions["STATUS"] == "COMPLETE") & (actions["COMPLETED_DATE"] <= END)
    assert (len(actions), complete.sum()) == (25, 23)
    assert (complete & (actions["IMPACT_EVIDENCED"] == "Y")).sum() == 5
    caseloads = pd.read_csv(demo / "caseloads.csv")
    march = caseloads[(caseloads["MONTH"] == "2017-03") & (caseloads["CASES"] > 0)]
    assert 15.0 <= march["CASES"].sum() / march["FTE"].sum() <= 17.5


#: Each dated list: the date that puts a record in the extract, and the later dates it may
#: carry (blank until they happen), each with what is blank beside it until then.
DATED = {
    "ssda903/episodes.csv": ("DECOM", {"DEC": ["REC", "REASON_PLACE_CHANGE"]}),
    "cin_cp.csv": ("START", {"END": []}),
    "referrals.csv": ("REFERRAL_DATE", {"CLOSURE_DATE": ["CLOSURE_REASON"]}),
    "assessments.csv": ("ASSESSMENT_START", {"ASSESSMENT_AUTHORISED": ["OUTCOME"]}),
    "contacts.csv": ("CONTACT_DATE", {}),
    "audits.csv": ("AUDIT_DATE", {}),
    "absence.csv": ("START_DATE", {"END_DATE": []}),
}


def as_known_on(frame, day, key, later):
    """The rows an extract ending on `day` holds, with what it could not yet know blank."""
    when = pd.to_datetime(frame[key], format="%d/%m/%Y")
    out = frame[when <= day].copy()
    for col, beside in later.items():
        after = pd.to_datetime(out[col].replace("", None), format="%d/%m/%Y") > day
        out.loc[after, [col, *beside]] = ""
    return out.sort_values(list(out.columns)).reset_index(drop=True)


@pytest.fixture(scope="module")
def two_ends(tmp_path_factory):
    """The same small world (seed 5, scale 0.2) extracted to March 2017 and to March 2018."""
    folder = tmp_path_factory.mktemp("ends")
    for end in ("2017-03", "2018-03"):
        write_demo_data(folder / end, DemoSpec(seed=5, scale=0.2, end=end))
    return folder / "2017-03", folder / "2018-03"


def test_the_same_seed_gives_the_same_history_whatever_the_extract_s_end(two_ends):
    short, long = two_ends
    for name, (key, later) in DATED.items():
        a, b = (pd.read_csv(f / name, dtype=str, keep_default_na=False) for f in two_ends)
        assert len(b) > len(a), name  # the longer extract goes on
        pd.testing.assert_frame_equal(
            as_known_on(a, END, key, later), as_known_on(b, END, key, later)
        )
    for name in ("staffing.csv", "caseloads.csv"):
        a, b = (pd.read_csv(f / name, dtype=str) for f in two_ends)
        pd.testing.assert_frame_equal(a, b[b["MONTH"] <= "2017-03"])
    for name in ("ssda903/header.csv", "family.csv"):  # the children, and their families
        a, b = (pd.read_csv(f / name, dtype=str) for f in two_ends)
        pd.testing.assert_frame_equal(a, b[b["CHILD"].isin(a["CHILD"])].reset_index(drop=True))


def test_the_march_2017_measures_are_the_same_from_either_extract(two_ends):
    from analysis.measures import front_door as fd
    from analysis.measures import looked_after as la
    from analysis.measures import sickness as sk

    year = (pd.Timestamp("2016-04-01"), END)
    got = []
    for folder in two_ends:
        t = read_inputs(folder).tables
        months = fd.contact_months(t["contacts"], t["referrals"], "2017-03", 12)
        under1 = la.share_under(la.starts(t["episodes"], t["header"], *year), 1)
        got.append(
            (
                months.loc[pd.Period("2017-03", "M")].to_dict(),
                (under1.count, under1.total),
                sk.per_fte(t["absence"], t["staffing"], *year),
                fd.rereferral_share(t["referrals"], *year).share,
            )
        )
    assert got[0] == got[1]
    # and March 2018 carries on from it: repeat contacts stay low after the fall
    t = read_inputs(two_ends[1]).tables
    later = fd.contact_months(t["contacts"], t["referrals"], "2018-03", 12)
    assert later["Share of children with more than one contact"].max() < 0.12
