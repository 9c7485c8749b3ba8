"""An LA's own settings kept with its data: `boardpack init`, `--params` and the cache."""

from __future__ import annotations

from support.cli import boardpack

from analysis import config


def test_init_writes_a_starter_folder(tmp_path):
    result = boardpack("init", str(tmp_path / "la"))
    assert result.returncode == 0, result.stderr
    assert {p.name for p in (tmp_path / "la" / "params").iterdir()} == {
        "defaults.yaml",
        "outcome_map.yaml",
        "absence_reason_map.yaml",
        "team_map.yaml",
    }
    assert (tmp_path / "la" / "data" / "raw").is_dir() and (tmp_path / "la" / "reports").is_dir()
    again = boardpack("init", str(tmp_path / "la"))
    assert again.returncode == 1 and "is not empty" in again.stderr


def test_the_next_steps_init_prints_work_as_printed(tmp_path):
    """The synthetic data go where init says, and validate there cleanly with the LA's
    params (the run itself, on the same folder, is tried in tests/e2e/test_engine.py)."""
    import shlex

    root = tmp_path / "la"
    printed = boardpack("init", str(root)).stdout.splitlines()
    commands = [shlex.split(line) for line in printed if line.startswith("  boardpack ")]
    assert commands[1] == ["boardpack", "demo-data", "--out", str(root / "data" / "raw")]
    made = boardpack(*commands[1][1:])
    assert made.returncode == 0, made.stderr
    run = commands[2]
    assert run[:3] == ["boardpack", "--params", str(root / "params")]
    assert run[3:8] == ["run", "--data", str(root / "data" / "raw"), "--out", str(root / "reports")]
    checked = boardpack("--params", str(root / "params"), "validate", "--data", run[5])
    assert checked.returncode == 0 and "0 error(s)" in checked.stdout, checked.stdout


def test_the_las_files_replace_the_tools_and_its_defaults_are_merged(tmp_path, monkeypatch):
    local = tmp_path / "params"
    local.mkdir()
    (local / "defaults.yaml").write_text(
        "la_name: Anytown\ncoverage_tolerance_months: {audits: 6}\n"
    )
    (local / "outcome_map.yaml").write_text("Closed - no further action: NFA\n")
    monkeypatch.setenv(config.LOCAL_PARAMS, str(local))
    defaults = config.read_params("defaults.yaml")
    assert defaults["la_name"] == "Anytown"  # the LA's key wins
    assert defaults["suppression_threshold"] == 5  # the tool's keys stay
    # a mapping is merged too: the LA's audits, the tool's episodes (params/defaults.yaml)
    tolerance = defaults["coverage_tolerance_months"]
    assert (tolerance["audits"], tolerance["episodes"], tolerance["staffing"]) == (6, 2, 0)
    assert config.label_map("outcome_map") == {"CLOSED - NO FURTHER ACTION": "NFA"}
    assert config.params_file("absence_reason_map.yaml") == config.PARAMS_DIR / (
        "absence_reason_map.yaml"
    )


def test_a_missing_params_folder_is_one_clear_line(tmp_path):
    result = boardpack("--params", str(tmp_path / "nowhere"), "list")
    assert result.returncode == 1
    assert (
        result.stderr.strip() == f"boardpack: params folder {tmp_path / 'nowhere'} does not exist"
    )
