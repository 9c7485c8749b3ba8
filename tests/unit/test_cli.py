"""The command line: clear messages and exit codes, never a traceback for bad data."""

from __future__ import annotations

from support.cli import boardpack
from support.inputs import VALID, write_inputs


def test_validate_lists_every_problem_and_exits_non_zero(tmp_path):
    folder = write_inputs(
        tmp_path / "raw",
        {
            "ssda903/episodes.csv": VALID["ssda903/episodes.csv"].replace(
                "28/12/2016", "31/02/2017"
            ),
            "absence.csv": VALID["absence.csv"].replace("Team A,1,", "Team A,7,"),
            "audits.csv": "AUDIT_ID,CHILD\nA1,C1\n",
            "staffing.csv": b"\x00\x01\x02garbage",
        },
    )
    result = boardpack("validate", "--data", str(folder))
    assert result.returncode == 1
    out = result.stdout
    assert "ssda903/episodes.csv row 4, DECOM '31/02/2017': not a real date" in out
    assert "absence.csv row 2, FTE '7': FTE must be more than 0 and at most 1" in out
    assert "audits.csv row 1, AUDIT_DATE: required column missing" in out
    assert "staffing.csv" in out
    assert "Traceback" not in result.stdout + result.stderr


def test_validate_passes_on_good_data(tmp_path):
    result = boardpack("validate", "--data", str(write_inputs(tmp_path / "raw")))
    assert result.returncode == 0, result.stdout
    assert "0 error(s)" in result.stdout


def test_missing_data_folder_is_one_clear_line(tmp_path):
    result = boardpack("validate", "--data", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert result.stderr.strip().startswith("boardpack: data folder")
    assert "Traceback" not in result.stderr


def test_demo_data_then_validate(tmp_path):
    made = boardpack("demo-data", "--out", str(tmp_path / "demo"))
    assert made.returncode == 0, made.stderr
    checked = boardpack("validate", "--data", str(tmp_path / "demo"))
    assert checked.returncode == 0, checked.stdout


def test_every_command_has_help():
    for command in ("validate", "demo-data", "run", "index", "list"):
        result = boardpack(command, "--help")
        assert result.returncode == 0 and "usage" in result.stdout


def test_a_bad_suppression_threshold_is_one_clear_line(tmp_path):
    result = boardpack(
        "run",
        "--data",
        str(write_inputs(tmp_path / "raw")),
        "--out",
        str(tmp_path / "out"),
        "--period",
        "2017-03",
        "--publication",
        "public",
        "--suppression-threshold",
        "0",
    )
    assert result.returncode != 0
    assert "suppression_threshold must be a whole number >= 1, not 0" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_a_bad_return_stops_the_run_with_one_line_and_writes_nothing(tmp_path):
    folder = write_inputs(tmp_path / "raw", {"cin_cp.csv": None, "assessments.csv": None})
    (folder / "Annex A.xlsx").write_text("Child Unique ID,Date of Contact\nK1,03/01/2017\n")
    (folder / "cin_census").mkdir()
    (folder / "cin_census" / "2016-17.xml").write_text("<Message><Children>")
    result = boardpack("validate", "--data", str(folder))
    assert result.returncode == 1
    assert "Annex A.xlsx: not an Excel workbook (it looks like a text file" in result.stdout
    assert "cin_census/2016-17.xml: not well-formed XML" in result.stdout
    out = tmp_path / "out"
    run = boardpack("run", "--period", "2017-01", "--data", str(folder), "--out", str(out),
                    "--processed", str(tmp_path / "processed"))  # fmt: skip
    assert run.returncode == 1 and not out.exists()
    assert "Traceback" not in result.stdout + result.stderr + run.stdout + run.stderr
