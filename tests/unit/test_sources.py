"""Input contract: each error class names file, spreadsheet row, column, value and rule."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from support.inputs import VALID, write_inputs

from analysis.config import PARAMS_DIR
from analysis.errors import ERROR, WARNING
from analysis.measures import data_quality as dq
from analysis.sources.inputs import read_inputs

TODAY = pd.Timestamp("2017-04-15")


def run(tmp_path, changes=None):
    return read_inputs(write_inputs(tmp_path / "raw", changes), today=TODAY)


def lines(inputs, severity):
    return inputs.report.lines(severity)


def test_valid_mini_dataset_has_no_problems(tmp_path):
    inputs = run(tmp_path)
    assert inputs.report.format().startswith("No problems") or not inputs.report.groups
    assert len(inputs["episodes"]) == 3
    assert len(inputs["header"]) == 2


def test_unreal_date_names_file_row_column_value_and_rule(tmp_path):
    bad = VALID["ssda903/episodes.csv"].replace("28/12/2016", "31/02/2017")
    inputs = run(tmp_path, {"ssda903/episodes.csv": bad})
    errors = lines(inputs, ERROR)
    assert any(
        e.startswith("ssda903/episodes.csv row 4, DECOM '31/02/2017': not a real date")
        for e in errors
    )
    # two unread dates of one child raise no follow-on 'duplicate episode' warning
    both = (
        VALID["ssda903/episodes.csv"]
        .replace("C1,01/04/2016", "C1,31/02/2016")
        .replace("C1,01/08/2016,P", "C1,30/02/2016,P")
    )
    again = run(tmp_path / "again", {"ssda903/episodes.csv": both})
    assert len([e for e in lines(again, ERROR) if "not a real date" in e]) == 2
    assert not any("duplicate" in w for w in lines(again, WARNING))


def test_dates_as_excel_saves_them_are_read_and_ambiguous_ones_are_not(tmp_path):
    excel = (
        VALID["absence.csv"]
        .replace("02/01/2017", "2017-01-02 00:00:00")
        .replace("06/01/2017", "06-Jan-2017")
    )
    staffing = "MONTH,TEAM,FTE\n2017-01,Team A,10\n"
    inputs = run(tmp_path, {"absence.csv": excel, "staffing.csv": staffing})
    assert not lines(inputs, ERROR)
    spell = inputs["absence"].iloc[0]
    assert spell["START_DATE"] == pd.Timestamp("2017-01-02")
    assert spell["END_DATE"] == pd.Timestamp("2017-01-06")
    for ambiguous in ("02/01/17", "2017-01-02 09:30:00", "01/02/2017 00:01"):
        bad = VALID["absence.csv"].replace("02/01/2017", ambiguous)
        found = lines(run(tmp_path / ambiguous.replace("/", "-"), {"absence.csv": bad}), ERROR)
        assert any(f"START_DATE '{ambiguous}': not a real date" in e for e in found), ambiguous


def test_an_episode_before_the_childs_birth_is_an_error_not_a_newborn(tmp_path):
    bad = VALID["ssda903/episodes.csv"].replace("C2,28/12/2016", "C2,20/12/2016")  # DOB 25/12
    errors = lines(run(tmp_path, {"ssda903/episodes.csv": bad}), ERROR)
    assert any(
        "DECOM '20/12/2016': episode starts before the child's date of birth" in e for e in errors
    )


def test_other_date_formats_are_errors(tmp_path):
    bad = VALID["absence.csv"].replace("02/01/2017", "2017/01/02")
    inputs = run(tmp_path, {"absence.csv": bad})
    assert any(
        line.startswith("absence.csv row 2, START_DATE '2017/01/02'")
        for line in lines(inputs, ERROR)
    )


def test_missing_required_column(tmp_path):
    text = "CHILD,DOB,TYPE,START\nC9,01/01/2015,CIN,01/01/2017\n"
    inputs = run(tmp_path, {"cin_cp.csv": text})
    assert "cin_cp.csv row 1, END: required column missing" in lines(inputs, ERROR)


def test_dec_before_decom(tmp_path):
    bad = VALID["ssda903/episodes.csv"].replace(
        "C1,01/04/2016,S,C2,N1,U1,PR1,01/08/2016", "C1,01/04/2016,S,C2,N1,U1,PR1,01/03/2016"
    )
    inputs = run(tmp_path, {"ssda903/episodes.csv": bad})
    assert (
        "ssda903/episodes.csv row 2, DEC '01/03/2016': episode ends (DEC) before it starts (DECOM)"
    ) in lines(inputs, ERROR)


def test_fte_outside_range(tmp_path):
    bad = VALID["absence.csv"].replace("Team A,1,", "Team A,1.5,")
    inputs = run(tmp_path, {"absence.csv": bad})
    assert "absence.csv row 2, FTE '1.5': FTE must be more than 0 and at most 1" in lines(
        inputs, ERROR
    )


def test_start_after_end(tmp_path):
    bad = VALID["cin_cp.csv"].replace("CIN,01/01/2017,", "CIN,01/01/2017,01/12/2016")
    inputs = run(tmp_path, {"cin_cp.csv": bad})
    assert "cin_cp.csv row 2, END '01/12/2016': END is before START" in lines(inputs, ERROR)


def test_unknown_grade(tmp_path):
    bad = VALID["audits.csv"].replace("MOD1,GOOD", "MOD1,EXCELLENT")
    inputs = run(tmp_path, {"audits.csv": bad})
    assert any(
        line.startswith("audits.csv row 2, MODERATOR_GRADE 'EXCELLENT': must be one of")
        for line in lines(inputs, ERROR)
    )


def test_messy_export_is_read(tmp_path):
    """BOM, Windows line endings, stray spaces and case in headers, extra column, trailing
    blank lines and codes written as 1.0 all load."""
    messy = (
        "\ufeff child , Sex,dob,ETHNIC,UPN,MOTHER,MC_DOB,Notes\r\n"
        "C1,1.0,01/06/2010,WBRI,FAKE000000001,,,x\r\n"
        "C2,2,2016-12-25,WBRI,FAKE000000002,,,\r\n\r\n\r\n"
    )
    inputs = run(tmp_path, {"ssda903/header.csv": messy})
    assert not inputs.report.has_errors
    assert list(inputs["header"]["SEX"]) == ["1", "2"]
    assert "ssda903/header.csv row 1 'NOTES': column not used; ignored" in lines(inputs, WARNING)


def test_codes_outside_dfe_lists_warn_not_crash(tmp_path):
    bad = VALID["ssda903/episodes.csv"].replace(
        "C2,28/12/2016,S,C1,N1,U4", "C2,28/12/2016,S,ZZ,N1,U4"
    )
    inputs = run(tmp_path, {"ssda903/episodes.csv": bad})
    assert (
        "ssda903/episodes.csv row 4, LS 'ZZ': code not in the DfE list: counted as unknown"
    ) in lines(inputs, WARNING)
    assert not inputs.report.has_errors
    # the one bad cell is unknown (blank); its episode and the other cells are kept
    episode = inputs["episodes"].set_index("CHILD").loc["C2"]
    assert pd.isna(episode["LS"]) and episode["RNE"] == "S"
    # and the data quality report counts it: 1 value unknown, no row left out
    assert dq.values_unknown(inputs).to_dict("records") == [
        {"File": "ssda903/episodes.csv", "Column": "LS", "Values unknown": 1, "Rows left out": 0}
    ]


def test_data_quality_warnings(tmp_path):
    episodes = (
        VALID["ssda903/episodes.csv"].replace("C1,01/08/2016,P", "C1,01/07/2016,P")
        + "C7,01/01/2017,S,C2,N1,U1,PR1,,,,,,\n"
    )
    header = VALID["ssda903/header.csv"] + "C3,1,01/01/2018,WBRI,FAKE3,,\n"
    audits = VALID["audits.csv"] + "A1,C9,02/03/2017,NFA dip sample,Risk,AUD1,GOOD,,,YES,N,N\n"
    absence = VALID["absence.csv"] + "E1,Team A,1,05/01/2017,09/01/2017,Cold / flu\n"
    inputs = run(
        tmp_path,
        {
            "ssda903/episodes.csv": episodes,
            "ssda903/header.csv": header,
            "audits.csv": audits,
            "absence.csv": absence,
        },
    )
    warnings = lines(inputs, WARNING)
    assert (
        "ssda903/episodes.csv row 2, DEC '01/08/2016': episode overlaps the child's next episode"
    ) in warnings
    assert (
        "ssda903/episodes.csv row 5, CHILD 'C7': child has episodes but no header row" in warnings
    )
    assert "ssda903/header.csv row 4, DOB '01/01/2018': date of birth is in the future" in warnings
    assert "audits.csv row 2, AUDIT_ID 'A1': AUDIT_ID appears more than once" in warnings
    assert (
        "absence.csv row 2, START_DATE '02/01/2017': spell overlaps the employee's next "
        "spell; merged so each day counts once" in warnings
    )


def test_absence_days_are_counted_once(tmp_path):
    from analysis.measures import sickness as sk

    # E1 (1 FTE): 02/01-06/01/2017 twice (an exact copy) and 05/01-10/01 (overlapping), so
    # one spell 02/01-10/01: 2 January is a bank holiday, 7 and 8 are a weekend -> 6 working
    # days. Counted naively it would be 4 + 4 + 4 = 12.
    text = VALID["absence.csv"] + (
        "E1,Team A,1,02/01/2017,06/01/2017,Cold / flu\n"
        "E1,Team A,1,05/01/2017,10/01/2017,Cold / flu\n"
    )
    inputs = run(tmp_path, {"absence.csv": text})
    warnings = lines(inputs, WARNING)
    assert any("exact copy of an earlier spell; dropped" in w for w in warnings)
    spells = inputs["absence"]
    assert len(spells) == 1 and spells.iloc[0]["END_DATE"] == pd.Timestamp("2017-01-10")
    jan = (pd.Timestamp("2017-01-01"), pd.Timestamp("2017-01-31"))
    assert sk.fte_days_lost(spells, *jan) == 6
    # Team A had 10 FTE: 0.6 days per FTE
    assert sk.per_fte(spells, inputs["staffing"], *jan) == pytest.approx(0.6)


def test_unmapped_label_warns_with_count_and_counts_as_other(tmp_path):
    text = (
        VALID["assessments.csv"] + "C7,01/01/2015,01/01/2017,02/01/2017,Mystery step,Team A\n"
        "C6,01/01/2015,01/01/2017,02/01/2017, mystery STEP ;nfa,Team A\n"
    )
    inputs = run(tmp_path, {"assessments.csv": text})
    assert (
        "assessments.csv row 4, OUTCOME 'Mystery step': label not in params/outcome_map.yaml; "
        "counted as OTHER (1 rows) - add it to that file with its category"
    ) in lines(inputs, WARNING)
    outcomes = inputs["assessment_outcomes"]
    # category codes are accepted whatever the map says, ignoring case and spaces
    assert sorted(outcomes.loc[outcomes.ASSESSMENT_ID == 4, "CATEGORY"]) == ["NFA", "OTHER"]
    assert sorted(outcomes.loc[outcomes.ASSESSMENT_ID == 2, "CATEGORY"]) == ["CIN_PLAN", "STRATEGY"]


def test_repeated_problems_are_grouped_with_a_count(tmp_path):
    rows = "".join(f"E{i},Team A,2,02/01/2017,06/01/2017,Cold / flu\n" for i in range(12))
    inputs = run(
        tmp_path, {"absence.csv": "EMPLOYEE_ID,TEAM,FTE,START_DATE,END_DATE,REASON\n" + rows}
    )
    errs = lines(inputs, ERROR)
    assert len([e for e in errs if "FTE must be" in e]) == 5
    assert "  ... and 7 more in absence.csv with the same problem" in errs


def test_later_return_wins_for_the_same_episode(tmp_path):
    folder = tmp_path / "raw"
    write_inputs(folder, {"ssda903/header.csv": None, "ssda903/episodes.csv": None})
    head = VALID["ssda903/header.csv"]
    for year, place in (("2016", "U1"), ("2017", "U6")):
        (folder / "ssda903" / year).mkdir(parents=True)
        (folder / "ssda903" / year / "header.csv").write_text(head)
        (folder / "ssda903" / year / "episodes.csv").write_text(
            f"CHILD,DECOM,RNE,LS,CIN,PLACE,DEC,REC\nC1,01/04/2016,S,C2,N1,{place},,\n"
        )
    inputs = read_inputs(folder, today=TODAY)
    assert not inputs.report.has_errors
    assert list(inputs["episodes"]["PLACE"]) == ["U6"]
    assert any("replaced" in note for note in inputs.report.notes)


def test_missing_optional_family_is_fine(tmp_path):
    inputs = run(tmp_path, {"family.csv": None})
    assert not inputs.report.has_errors
    assert inputs.get("family") is None


def test_inputs_are_never_written(tmp_path):
    folder = write_inputs(tmp_path / "raw")
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*")}
    read_inputs(folder, today=TODAY)
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*")} == before


def test_a_dip_sample_written_another_way_is_found_and_a_missing_one_named(tmp_path):
    from analysis.measures import agreement as ag

    other = VALID["audits.csv"].replace("NFA dip sample", "  NFA Dip  Sample ")
    inputs = run(tmp_path, {"audits.csv": other})
    assert not any("no audit has SAMPLE" in w for w in lines(inputs, WARNING))
    march = (pd.Timestamp("2017-03-01"), pd.Timestamp("2017-03-31"))
    assert len(ag.dip_sample(inputs["audits"], "NFA dip sample", *march)) == 1
    typo = VALID["audits.csv"].replace("NFA dip sample", "NFA dip sampel")
    warnings = lines(run(tmp_path / "typo", {"audits.csv": typo}), WARNING)
    assert any(
        "no audit has SAMPLE 'NFA dip sample'" in w and "'NFA dip sampel' (1)" in w
        for w in warnings
    )


def test_teams_agree_across_absence_and_staffing(tmp_path):
    # the same team spelt with other case and spaces is one team, spelt as staffing spells it
    other_case = VALID["absence.csv"].replace("E1,Team A,", "E1,  team  a ,")
    inputs = run(tmp_path, {"absence.csv": other_case})
    assert not lines(inputs, ERROR) and inputs["absence"]["TEAM"].tolist() == ["Team A"]

    # a team with days lost but no FTE that month stops the run, named with the months
    missing = VALID["absence.csv"] + "E2,Team B,1,09/01/2017,10/01/2017,Cold / flu\n"
    errors = lines(run(tmp_path / "b", {"absence.csv": missing}), ERROR)
    assert any(
        e.startswith(
            "absence.csv, TEAM 'Team B': team has days lost in Jan 2017 but no FTE in "
            "staffing.csv then"
        )
        for e in errors
    ), errors

    # unless params/team_map.yaml maps the name to a staffing team
    params = tmp_path / "params"
    shutil.copytree(PARAMS_DIR, params)
    (params / "team_map.yaml").write_text("Team B: Team A\n")
    mapped = read_inputs(
        write_inputs(tmp_path / "c", {"absence.csv": missing}), params_dir=params, today=TODAY
    )
    assert not lines(mapped, ERROR) and set(mapped["absence"]["TEAM"]) == {"Team A"}


def test_the_action_tracker_and_workforce_files_are_checked(tmp_path):
    actions = VALID["actions.csv"].replace("COMPLETE,15/12/2016,", "COMPLETE,,") + (
        "IP3,People,Ofsted 3,Future,Head,31/01/2017,COMPLETE,01/01/2030,N,,\n"
        "IP3,People,Ofsted 3,Twice,Head,31/01/2017,Off track,,,,\n"
    )
    caseloads = VALID["caseloads.csv"] + "2017-01,E1,Team A,SOCIAL_WORKER,1,N,2.5\n"
    appraisals = VALID["appraisals.csv"] + "2016-18,E5,STAFF,Y,\n"
    inputs = run(
        tmp_path,
        {"actions.csv": actions, "caseloads.csv": caseloads, "appraisals.csv": appraisals},
    )
    errors = lines(inputs, ERROR)
    assert "actions.csv row 2, COMPLETED_DATE '': COMPLETE needs a COMPLETED_DATE" in errors
    assert "actions.csv row 4, COMPLETED_DATE '01/01/2030': COMPLETED_DATE is in the future" in (
        errors
    )
    assert "actions.csv row 4, ACTION_ID 'IP3': ACTION_ID appears more than once" in errors
    assert "caseloads.csv row 4, CASES '2.5': CASES must be a whole number, 0 or more" in errors
    assert "caseloads.csv row 4, WORKER_ID 'E1': worker listed twice for the same month and " in (
        " ".join(errors)
    )
    assert "appraisals.csv row 5, YEAR '2016-18': YEAR must be an appraisal year like 2016-17" in (
        errors
    )


def test_a_worker_whose_teams_add_up_to_more_than_one_fte_is_a_warning(tmp_path):
    # E1: 1 FTE in Team A (the valid file) and 0.2 in Team B in January: 1.2 FTE in all;
    # E2: 0.5 in Team A and 0.5 in Team B: one whole post, no warning
    caseloads = VALID["caseloads.csv"] + (
        "2017-01,E1,Team B,SOCIAL_WORKER,0.2,N,3\n2017-01,E2,Team B,SOCIAL_WORKER,0.5,Y,4\n"
    )
    warnings = lines(run(tmp_path, {"caseloads.csv": caseloads}), WARNING)
    rule = "a worker's FTE over their teams in a month adds up to more than 1"
    assert [w for w in warnings if rule in w] == [
        f"caseloads.csv row 2, FTE '1.2': {rule}",
        f"caseloads.csv row 4, FTE '1.2': {rule}",
    ]


def test_a_mothers_date_of_birth_that_is_not_a_date_costs_that_cell_only(tmp_path):
    """MC_DOB's blank means only "not known": a bad one is a warning and is blank (NaT);
    both children are kept, C1's own DOB read as written."""
    bad = VALID["ssda903/header.csv"].replace("FAKE000000001,,", "FAKE000000001,,31/13/1990")
    inputs = run(tmp_path, {"ssda903/header.csv": bad})
    assert not inputs.report.has_errors
    assert (
        "ssda903/header.csv row 2, MC_DOB '31/13/1990': not a real date (expected dd/mm/yyyy; "
        "yyyy-mm-dd, dd-Mon-yyyy and Excel's date-times at midnight are also read): counted as "
        "unknown"
    ) in lines(inputs, WARNING)
    header = inputs["header"].set_index("CHILD")
    assert len(header) == 2 and header["MC_DOB"].isna().all()
    assert header.loc["C1", "DOB"] == pd.Timestamp("2010-06-01")
