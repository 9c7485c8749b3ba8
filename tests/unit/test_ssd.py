"""The Standard Safeguarding Dataset's tables mapped onto boardpack's internal tables, on
small hand-built frames (column names as the SSD model's data/objects/*.yml publish them)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import ValidationReport
from analysis.sources import database, ssd

D = pd.Timestamp


def raw_table(name: str, rows: list[dict]) -> tuple[pd.DataFrame, dict[str, str]]:
    """A table as read (SSD column names), typed as the loader types it."""
    report = ValidationReport()
    frame = pd.DataFrame(rows)
    used = ssd.resolve(name, list(frame.columns), report)
    assert used is not None, report.format()
    frame = frame[list(used.values())].set_axis(list(used), axis=1)
    typed = ssd.typed(name, frame, used, report)
    assert not report.has_errors, report.format()
    return typed, used


def raw(**tables: list[dict]) -> ssd.Raw:
    out = ssd.Raw()
    for name, rows in tables.items():
        out.tables[name], out.columns[name] = raw_table(name, rows)
    return out


# --- outcome flags ------------------------------------------------------------------------


def test_json_flags_are_read_as_people_and_systems_write_them():
    values = pd.Series(
        [
            '{"NFA_FLAG": "Y", "LEGAL_ACTION_FLAG": "N", "COMMENTS": "call back"}',
            '{"STRATEGY_DISCUSSION_FLAG": 1, "PROV_OF_SB_CARE_FLAG": true, "NFA_FLAG": 0}',
            '{"referral_to_other_agency_flag": "yes", "NFA_FLAG": ""}',
            "{}",
            None,
            '{"NFA_FLAG": false, "LEGAL_ACTION_FLAG": "true"}',
        ]
    )
    found = ssd.flags(values).groupby("INDEX")["FLAG"].apply(set).to_dict()
    assert found == {
        0: {"NFA_FLAG"},
        1: {"STRATEGY_DISCUSSION_FLAG", "PROV_OF_SB_CARE_FLAG"},
        2: {"REFERRAL_TO_OTHER_AGENCY_FLAG"},
        5: {"LEGAL_ACTION_FLAG"},
    }


def test_assessment_outcomes_from_flags_through_params():
    frame, _ = raw_table(
        "ssd_cin_assessments",
        [
            {"cina_assessment_id": "A1", "cina_person_id": "C1",
             "cina_assessment_start_date": "2017-01-03", "cina_assessment_auth_date": "2017-02-01",
             "cina_assessment_outcome_json": '{"NFA_FLAG": "Y", "NFA_S47_END_FLAG": "Y"}',
             "cina_assessment_outcome_nfa": "Y", "cina_assessment_team": "Front door"},
            {"cina_assessment_id": "A2", "cina_person_id": "C2",
             "cina_assessment_start_date": "2017-01-05", "cina_assessment_auth_date": "2017-02-10",
             "cina_assessment_outcome_json":
                 '{"PROV_OF_SERVICES_FLAG": "Y", "LEGAL_ACTION_FLAG": "Y", "NEW_LOCAL_FLAG": "Y"}',
             "cina_assessment_outcome_nfa": "N", "cina_assessment_team": None},
            {"cina_assessment_id": "A3", "cina_person_id": "C3",
             "cina_assessment_start_date": "2017-01-09", "cina_assessment_auth_date": None,
             "cina_assessment_outcome_json": None, "cina_assessment_outcome_nfa": "1",
             "cina_assessment_team": None},
        ],
    )  # fmt: skip
    report = ValidationReport()
    dob = pd.Series({"C1": D("2016-05-01"), "C2": D("2017-06-01")})
    out = ssd.assessments(frame, dob, report)
    cats = out["assessment_outcomes"].groupby("ASSESSMENT_ID")["CATEGORY"].apply(set).to_dict()
    # A1: two NFA flags and the NFA column are one NFA; A2: the unknown flag is OTHER;
    # A3: cina_assessment_outcome_nfa "1" alone says NFA
    assert cats == {1: {"NFA"}, 2: {"CIN_PLAN", "LEGAL", "OTHER"}, 3: {"NFA"}}
    assert report.lines("warning") == [
        "ssd_cin_assessments, cina_assessment_outcome_json (1 assessments) 'NEW_LOCAL_FLAG': "
        "outcome flag not in params/ssd.yaml (assessment_flags): counted as OTHER"
    ]
    table = out["assessments"]
    assert list(table["DOB"]) == [D("2016-05-01"), D("2017-06-01"), pd.NaT]
    assert table["TEAM"].tolist() == ["Front door", None, None]


def test_outcome_keys_are_read_with_and_without_the_eclipse_builds_prefix():
    frame, _ = raw_table(
        "ssd_cin_assessments",
        [
            # the Eclipse build: OUTCOME_ before every key, its comment too
            {"cina_assessment_id": "A1", "cina_person_id": "C1",
             "cina_assessment_start_date": "2017-01-03", "cina_assessment_auth_date": "2017-02-01",
             "cina_assessment_outcome_json": '{"OUTCOME_NFA_FLAG": "Y", '
                '"OUTCOME_LEGAL_ACTION_FLAG": "N", "OUTCOME_COMMENTS": "seen", '
                '"TOTAL_NO_OF_OUTCOMES": 1}'},
            {"cina_assessment_id": "A2", "cina_person_id": "C2",
             "cina_assessment_start_date": "2017-01-05", "cina_assessment_auth_date": "2017-02-10",
             "cina_assessment_outcome_json": '{"outcome_prov_of_services_flag": "Y", '
                '"OUTCOME_STRATEGY_DISCUSSION_FLAG": "Y", "OUTCOME_EARLY_HELP_FLAG": "Y"}'},
            # the SystemC build: the bare key
            {"cina_assessment_id": "A3", "cina_person_id": "C3",
             "cina_assessment_start_date": "2017-01-09", "cina_assessment_auth_date": "2017-02-11",
             "cina_assessment_outcome_json": '{"NFA_FLAG": "Y", "OTHER_OUTCOMES_EXIST_FLAG": "Y"}'},
        ],
    )  # fmt: skip
    report = ValidationReport()
    out = ssd.assessments(frame, None, report)
    cats = out["assessment_outcomes"].groupby("ASSESSMENT_ID")["CATEGORY"].apply(set).to_dict()
    # A1 NFA (LEGAL_ACTION is "N"); A2 CIN plan and strategy, and the unknown flag is OTHER;
    # A3 NFA (OTHER_OUTCOMES_EXIST_FLAG is not an outcome)
    assert cats == {1: {"NFA"}, 2: {"CIN_PLAN", "STRATEGY", "OTHER"}, 3: {"NFA"}}
    # the flag it cannot map is named as written, with how many assessments set it
    assert report.lines("warning") == [
        "ssd_cin_assessments, cina_assessment_outcome_json (1 assessments) "
        "'OUTCOME_EARLY_HELP_FLAG': outcome flag not in params/ssd.yaml (assessment_flags): "
        "counted as OTHER"
    ]


def test_categories_without_a_flag_are_unavailable_not_zero():
    assert ssd.unavailable() == ("CP", "S47", "UPDATE_CIN", "UPDATE_CP")


def test_a_build_with_no_outcome_flags_at_all_is_told_apart_from_no_outcomes():
    authorised = [D("2017-01-05"), D("2017-02-01"), pd.NaT]
    done = pd.DataFrame({"ASSESSMENT_ID": [1, 2, 3], "ASSESSMENT_AUTHORISED": authorised})
    none = pd.DataFrame({"ASSESSMENT_ID": [], "CATEGORY": []})
    assert not ssd.flags_recorded(done, none)
    # a flag on an assessment still open does not count; one on a completed one does
    assert not ssd.flags_recorded(done, pd.DataFrame({"ASSESSMENT_ID": [3], "CATEGORY": ["NFA"]}))
    assert ssd.flags_recorded(done, pd.DataFrame({"ASSESSMENT_ID": [2], "CATEGORY": ["NFA"]}))
    # nothing completed yet: nothing to tell
    assert ssd.flags_recorded(done.iloc[2:], none)


def test_an_outcome_that_is_not_json_is_an_error_naming_the_assessment():
    frame, _ = raw_table(
        "ssd_cin_assessments",
        [{"cina_assessment_id": "A9", "cina_person_id": "C1",
          "cina_assessment_start_date": "2017-01-03", "cina_assessment_auth_date": "2017-02-01",
          "cina_assessment_outcome_json": "NFA"}],
    )  # fmt: skip
    report = ValidationReport()
    ssd.assessments(frame, None, report)
    assert report.lines("error") == [
        "ssd_cin_assessments, cina_assessment_id A9, cina_assessment_outcome_json 'NFA': "
        "outcome is not a JSON object of flags"
    ]


# --- types and columns --------------------------------------------------------------------


def test_a_value_of_the_wrong_type_names_table_key_and_column():
    report = ValidationReport()
    frame = pd.DataFrame(
        {"cine_referral_id": ["R1", "R2"], "cine_person_id": ["C1", "C2"],
         "cine_referral_date": ["2017-01-02", "yesterday"], "cine_close_date": [None, None]}
    )  # fmt: skip
    used = ssd.resolve("ssd_cin_episodes", list(frame.columns), report)
    typed = ssd.typed(
        "ssd_cin_episodes", frame[list(used.values())].set_axis(list(used), axis=1), used, report
    )
    assert report.lines("error") == [
        "ssd_cin_episodes, cine_referral_id R2, cine_referral_date 'yesterday': not a date"
    ]
    assert typed["REFERRAL_DATE"].iloc[0] == D("2017-01-02")
    # the optional columns missing are blank, and said once each
    assert typed["NFA"].isna().all()
    assert "ssd_cin_episodes: no column cine_referral_nfa; left blank" in report.notes


def test_a_number_of_the_wrong_type_names_the_worker():
    report = ValidationReport()
    frame = pd.DataFrame({"prof_professional_id": ["W1", "W2"],
                          "prof_full_time_equivalency": ["0.8", "full time"]})  # fmt: skip
    used = ssd.resolve("ssd_professionals", list(frame.columns), report)
    frame = frame[list(used.values())].set_axis(list(used), axis=1)
    typed = ssd.typed("ssd_professionals", frame, used, report)
    assert report.lines("error") == [
        "ssd_professionals, prof_professional_id W2, prof_full_time_equivalency 'full time': "
        "not a number"
    ]
    assert typed["FTE"].iloc[0] == 0.8


def test_a_required_column_missing_is_an_error_and_other_model_versions_names_are_read():
    report = ValidationReport()
    columns = ["CLAE_PERSON_ID", "clae_cla_episode_start_date", "clae_cla_episode_start_reason",
               "clae_cla_primary_need", "clae_cla_episode_ceased_date"]  # fmt: skip
    used = ssd.resolve("ssd_cla_episodes", columns, report)
    assert used["CHILD"] == "CLAE_PERSON_ID" and used["DEC"] == "clae_cla_episode_ceased_date"
    assert used["CIN"] == "clae_cla_primary_need" and not report.has_errors
    assert ssd.resolve("ssd_cla_episodes", columns[1:], report) is None
    assert report.lines("error") == [
        "ssd_cla_episodes: column clae_person_id missing (the SSD model names it so; is this an "
        "older build?)"
    ]


# --- looked after, families, caseloads ----------------------------------------------------


def test_start_reasons_are_codes_or_descriptions_and_anything_else_is_named():
    values = pd.Series(
        ["S", "Started to be looked after", "change of placement (but same carers) only",
         "Change of legal status and change of placement (but same carer(s)) at the same time",
         "Returned home", "Returned home", None, "s"]
    )  # fmt: skip
    report = ValidationReport()
    codes = ssd.start_reasons(values, report, "clae_cla_episode_start_reason")
    assert codes.tolist() == ["S", "S", "T", "U", None, None, None, "S"]
    # neither a code nor a description: an error naming the value and its episodes, so a
    # start to care is never silently left uncounted; a blank one is a warning
    assert report.lines("error") == [
        "ssd_cla_episodes, clae_cla_episode_start_reason (2 episodes) 'Returned home': not a "
        "start reason code (S, L, P, T, U, B) nor a description params/ssd.yaml lists under "
        "start_reasons"
    ]
    assert report.lines("warning") == [
        "ssd_cla_episodes, clae_cla_episode_start_reason (1 episodes): CLA episode with no "
        "start reason: not counted as a start to care"
    ]


def test_each_cla_episode_takes_the_legal_status_in_force_the_day_it_began():
    r = raw(
        ssd_person=[
            {"pers_person_id": "C1", "pers_sex": "F", "pers_dob": "2016-03-01"},
            {"pers_person_id": "C2", "pers_sex": "M", "pers_dob": "2015-01-01"},
            {"pers_person_id": "X9", "pers_sex": "F", "pers_dob": "1990-01-01"},
        ],
        ssd_cla_episodes=[
            {"clae_cla_episode_id": "E1", "clae_person_id": "C1",
             "clae_cla_episode_start_date": "2016-04-01", "clae_cla_episode_start_reason": "S",
             "clae_cla_primary_need_code": "N1", "clae_cla_episode_ceased_date": "2016-06-01",
             "clae_cla_episode_ceased_reason": "X1"},
            # the SystemC build writes the description, not the code
            {"clae_cla_episode_id": "E2", "clae_person_id": "C1",
             "clae_cla_episode_start_date": "2016-06-01",
             "clae_cla_episode_start_reason": "Change of legal status only",
             "clae_cla_primary_need_code": "N1", "clae_cla_episode_ceased_date": None,
             "clae_cla_episode_ceased_reason": None},
            {"clae_cla_episode_id": "E3", "clae_person_id": "C2",
             "clae_cla_episode_start_date": "2016-09-01",
             "clae_cla_episode_start_reason": " STARTED to be looked-after. ",
             "clae_cla_primary_need_code": "N2", "clae_cla_episode_ceased_date": None,
             "clae_cla_episode_ceased_reason": None},
        ],
        ssd_legal_status=[
            {"lega_person_id": "C1", "lega_legal_status": "V2",
             "lega_legal_status_start_date": "2016-04-01",
             "lega_legal_status_end_date": "2016-06-01"},
            {"lega_person_id": "C1", "lega_legal_status": "C1",
             "lega_legal_status_start_date": "2016-06-01", "lega_legal_status_end_date": None},
            # a special guardianship order is a legal status but not one of care: not used
            {"lega_person_id": "C1", "lega_legal_status": "SGO",
             "lega_legal_status_start_date": "2016-06-01", "lega_legal_status_end_date": None},
            # C2's interim order ended before the episode began: no status in force
            {"lega_person_id": "C2", "lega_legal_status": "C1",
             "lega_legal_status_start_date": "2016-01-01",
             "lega_legal_status_end_date": "2016-02-01"},
        ],
    )  # fmt: skip
    report = ValidationReport()
    out = ssd.looked_after(r, r.tables["ssd_person"], report)
    eps = out["episodes"]
    assert eps["LS"].tolist() == ["V2", "C1", None]
    assert eps["RNE"].tolist() == ["S", "L", "S"] and eps["DEC"].isna().tolist() == [0, 1, 1]
    assert report.lines("warning")[0].startswith("ssd_legal_status, clae_cla_episode_start_date")
    # the header holds the looked-after children only, sex in SSDA903's codes
    assert out["header"][["CHILD", "SEX"]].values.tolist() == [["C1", "2"], ["C2", "1"]]


def test_family_and_mothers_age_come_from_ssd_family_and_ssd_mother():
    r = raw(
        ssd_person=[
            {"pers_person_id": "C1", "pers_dob": "2016-03-01"},
            {"pers_person_id": "C2", "pers_dob": "2014-03-01"},
            {"pers_person_id": "C3", "pers_dob": "2015-03-01"},
            {"pers_person_id": "M1", "pers_dob": "1995-07-15"},
        ],
        ssd_family=[
            {"fami_family_id": "F2", "fami_person_id": "C1"},
            {"fami_family_id": "F1", "fami_person_id": "C1"},  # in two families: F1 is used
            {"fami_family_id": "F1", "fami_person_id": "C2"},
            {"fami_family_id": "F3", "fami_person_id": "C3"},
        ],
        ssd_mother=[
            {"moth_person_id": "M1", "moth_childs_person_id": "C1"},
            {"moth_person_id": "M1", "moth_childs_person_id": "C2"},
        ],
    )  # fmt: skip
    report = ValidationReport()
    fam = ssd.family(r, r.tables["ssd_person"], report).set_index("CHILD")
    assert fam["FAMILY_ID"].to_dict() == {"C1": "F1", "C2": "F1", "C3": "F3"}
    assert fam["MOTHER_DOB"].tolist() == [D("1995-07-15"), D("1995-07-15"), pd.NaT]
    assert report.lines("warning") == [
        "ssd_family, fami_person_id 'C1': child in more than one family: the lowest family ID "
        "is used"
    ]


def test_caseloads_count_children_allocated_at_each_month_end():
    r = raw(
        ssd_professionals=[
            {"prof_professional_id": "W1", "prof_professional_job_title": "social worker",
             "prof_full_time_equivalency": 0.8, "prof_agency_worker_flag": "N"},
            {"prof_professional_id": "W2", "prof_professional_job_title": "Play therapist",
             "prof_full_time_equivalency": 1.0, "prof_agency_worker_flag": "Y"},
        ],
        ssd_involvements=[
            # W1: A all along, B until 10 Feb, C in another team from 15 Jan to 5 Mar; the
            # SystemC build writes the role as its code, CW
            {"invo_professional_id": "W1", "invo_professional_role_id": "CW",
             "invo_professional_team": "East", "invo_person_id": "A",
             "invo_involvement_start_date": "2017-01-10", "invo_involvement_end_date": None},
            {"invo_professional_id": "W1", "invo_professional_role_id": "allocated case worker",
             "invo_professional_team": "East", "invo_person_id": "B",
             "invo_involvement_start_date": "2017-01-20",
             "invo_involvement_end_date": "2017-02-10"},
            {"invo_professional_id": "W1", "invo_professional_role_id": "Allocated Case Worker",
             "invo_professional_team": "West", "invo_person_id": "C",
             "invo_involvement_start_date": "2017-01-15",
             "invo_involvement_end_date": "2017-03-05"},
            # ending on the month end: not held at it
            {"invo_professional_id": "W2", "invo_professional_role_id": "Allocated Case Worker",
             "invo_professional_team": "West", "invo_person_id": "D",
             "invo_involvement_start_date": "2017-02-01",
             "invo_involvement_end_date": "2017-02-28"},
            # roles that do not hold the case: one params/ssd.yaml knows, one it does not
            {"invo_professional_id": "W2", "invo_professional_role_id": "16PLUS",
             "invo_professional_team": "West", "invo_person_id": "E",
             "invo_involvement_start_date": "2017-01-01", "invo_involvement_end_date": None},
            {"invo_professional_id": "W2", "invo_professional_role_id": "Family support",
             "invo_professional_team": "West", "invo_person_id": "E",
             "invo_involvement_start_date": "2017-01-01", "invo_involvement_end_date": None},
        ],
    )  # fmt: skip
    report = ValidationReport()
    out = ssd.caseloads(r, report, until=D("2017-03-31"))
    got = {
        (f"{m:%Y-%m}", w, t): (c, round(f, 3), a, role)
        for m, w, t, role, f, a, c in out.itertuples(index=False)
    }
    assert got == {
        ("2017-01", "W1", "East"): (2, round(0.8 * 2 / 3, 3), "N", "SOCIAL_WORKER"),
        ("2017-01", "W1", "West"): (1, round(0.8 / 3, 3), "N", "SOCIAL_WORKER"),
        ("2017-02", "W1", "East"): (1, 0.4, "N", "SOCIAL_WORKER"),
        ("2017-02", "W1", "West"): (1, 0.4, "N", "SOCIAL_WORKER"),
        ("2017-03", "W1", "East"): (1, 0.8, "N", "SOCIAL_WORKER"),
    }
    assert not any("therapist" in n.lower() for n in report.notes)  # W2 held no case
    # the role known to neither list is named, with how many involvements have it
    assert report.lines("warning") == [
        "ssd_involvements, invo_professional_role_id (1 involvements) 'Family support': "
        "involvement role in neither allocated_roles nor other_roles (params/ssd.yaml): not "
        "counted as holding the case"
    ]


def test_every_table_empty_gives_empty_tables_not_an_error():
    import pyarrow as pa

    kinds = {ours: pa.timestamp("us") if ours in ssd.DATES else pa.string() for ours in
             {o for cols in ssd.TABLES.values() for o in cols}}  # fmt: skip
    kinds["FTE"] = pa.float64()
    empty = {
        name: database._empty({names[0]: kinds[ours] for ours, names in cols.items()})
        for name, cols in ssd.TABLES.items()
    }
    report = ValidationReport()
    out = database.internal(empty, report)
    assert not report.has_errors and not report.lines("warning")
    tables = ["header", "episodes", "family", "contacts", "referrals", "cin_cp", "assessments",
              "assessment_outcomes"]  # fmt: skip
    assert {name: len(out[name]) for name in tables} == dict.fromkeys(tables, 0)
    # no involvements at all: no caseloads, and a note says why
    assert "caseloads" not in out and any("so no caseloads" in n for n in report.notes)


# --- the connection ------------------------------------------------------------------------


def test_the_url_is_shown_without_user_or_password():
    t = database.target("postgresql://reader:s3cret@db.example.org:5433/ssd?schema=ssd_live")
    assert t.shown.endswith("://db.example.org:5433/ssd?schema=ssd_live")
    assert "reader" not in t.shown and "s3cret" not in t.shown
    assert t.schema == "ssd_live" and "schema" not in t.url.query
    assert t.scrub('FATAL: password authentication failed for user "reader"') == (
        'FATAL: password authentication failed for user "***"'
    )


def test_no_database_given_and_a_malformed_url_are_one_clear_line(monkeypatch):
    from analysis.errors import BoardpackError

    monkeypatch.delenv(database.ENV, raising=False)
    with pytest.raises(BoardpackError, match="no database given: use --db URL or set"):
        database.target(None)
    with pytest.raises(BoardpackError, match="is not a database URL"):
        database.target("not a url at all")


# --- the demo world, both ways -------------------------------------------------------------


def test_the_demo_ssd_maps_back_onto_the_csv_worlds_tables(tmp_path):
    """No database: the SSD tables the demo writes, typed and mapped, against the same
    world read from its CSV extracts. Everything equal except what the SSD cannot carry:
    outcome categories with no flag, and each month's FTE (one per worker in the SSD)."""
    from analysis.demo import ssd as demo_ssd
    from analysis.demo.common import DemoSpec
    from analysis.demo.generate import world_tables, write_demo_data
    from analysis.sources.inputs import read_inputs

    spec = DemoSpec(scale=0.3, start="2015-04")
    tables, cin = world_tables(spec)
    written = demo_ssd.tables(tables, cin, D(spec.extract_day))
    report = ValidationReport()
    as_read = {n: demo_ssd._arrow(f) for n, f in written.items() if n in ssd.TABLES}
    got = database.internal(as_read, report)
    assert not report.has_errors, report.format()
    write_demo_data(tmp_path / "csv", spec)
    csv = read_inputs(tmp_path / "csv").tables

    def same(name, keys, columns):
        a = got[name].sort_values(keys).reset_index(drop=True)[columns]
        b = csv[name].sort_values(keys).reset_index(drop=True)[columns]
        pd.testing.assert_frame_equal(a, b, check_dtype=False, check_index_type=False)

    same("episodes", ["CHILD", "DECOM"], ["CHILD", "DECOM", "RNE", "LS", "CIN", "DEC", "REC"])
    same("header", ["CHILD"], ["CHILD", "DOB", "SEX"])
    same("family", ["CHILD"], ["CHILD", "FAMILY_ID", "MOTHER_DOB"])
    same("contacts", ["CHILD", "CONTACT_DATE", "SOURCE"], ["CHILD", "DOB", "CONTACT_DATE"])
    referral = ["CHILD", "DOB", "REFERRAL_DATE", "SOURCE", "NFA", "CLOSURE_DATE", "CLOSURE_REASON"]
    same("referrals", ["CHILD", "REFERRAL_DATE"], referral)
    same("cin_cp", ["CHILD", "TYPE", "START"], ["CHILD", "DOB", "TYPE", "START", "END"])
    same("assessments", ["ASSESSMENT_ID"],
         ["CHILD", "DOB", "ASSESSMENT_START", "ASSESSMENT_AUTHORISED", "TEAM"])  # fmt: skip
    # children allocated to each worker in each team at each month end: the same counts (a
    # worker holding none has no involvement, so no row: the measures count case holders only)
    csv["caseloads"] = csv["caseloads"][csv["caseloads"]["CASES"] > 0]
    same("caseloads", ["MONTH", "WORKER_ID", "TEAM"], ["MONTH", "WORKER_ID", "TEAM", "CASES"])
    # outcomes: the same categories wherever the SSD has a flag for them
    flagged = set(ssd.outcome_map().values())
    mine = got["assessment_outcomes"][["ASSESSMENT_ID", "CATEGORY"]]
    theirs = csv["assessment_outcomes"][["ASSESSMENT_ID", "CATEGORY"]]
    theirs = theirs[theirs["CATEGORY"].isin(flagged)]
    assert set(map(tuple, mine.values)) == set(map(tuple, theirs.values))
