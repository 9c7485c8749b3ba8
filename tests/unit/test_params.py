"""Parameter resolution: defaults < report file < period file < command line, typos refused."""

from __future__ import annotations

import shutil

import pytest
from support.cli import boardpack
from support.inputs import VALID, write_inputs
from support.paths import ROOT

from analysis.engine.params import resolve
from analysis.errors import BoardpackError
from analysis.periods import parse_period, period_range, window


@pytest.fixture
def params_dir(tmp_path):
    target = tmp_path / "params"
    shutil.copytree(ROOT / "params", target)
    return target


def test_layers_in_order(params_dir):
    (params_dir / "periods").mkdir(exist_ok=True)
    (params_dir / "periods" / "2017-03.yaml").write_text(
        "sickness_absence:\n  lookback_months: 24\n"
    )
    base = resolve("sickness_absence", "2017-02", params_dir=params_dir)
    assert base["lookback_months"] == 36 and base["period"] == "2017-02"
    assert base["long_term_threshold"] == 20  # from params/sickness_absence.yaml
    assert resolve("sickness_absence", "2017-03", params_dir=params_dir)["lookback_months"] == 24
    cli = resolve("sickness_absence", "2017-03", {"lookback_months": 12}, params_dir=params_dir)
    assert cli["lookback_months"] == 12


def test_a_typo_in_a_report_file_is_an_error(params_dir):
    (params_dir / "sickness_absence.yaml").write_text("lookback_month: 24\n")
    with pytest.raises(BoardpackError, match="lookback_month not a parameter"):
        resolve("sickness_absence", "2017-03", params_dir=params_dir)


def test_periods():
    assert str(parse_period("latest", __import__("pandas").Timestamp("2017-04-15"))) == "2017-03"
    assert [str(p) for p in period_range("2016-11", "2017-02")] == [
        "2016-11",
        "2016-12",
        "2017-01",
        "2017-02",
    ]
    first, last = window("2017-03", 12)
    assert (str(first.date()), str(last.date())) == ("2016-04-01", "2017-03-31")
    with pytest.raises(BoardpackError):
        parse_period("2017-13")


def test_run_stops_on_invalid_data_before_any_report(tmp_path):
    data = write_inputs(
        tmp_path / "raw",
        {"ssda903/episodes.csv": VALID["ssda903/episodes.csv"].replace("28/12/2016", "31/02/2017")},
    )
    out = tmp_path / "reports"
    result = boardpack("run", "--period", "2017-03", "--data", str(data), "--out", str(out))
    assert result.returncode == 1
    assert "ssda903/episodes.csv row 4, DECOM '31/02/2017': not a real date" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (out / "2017-03").exists()


# --- settings checked, never silently ignored ------------------------------------------------


def _with_defaults(params_dir, old: str, new: str):
    path = params_dir / "defaults.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return path


def test_a_misspelt_setting_is_refused_with_the_nearest_known_key(params_dir):
    from analysis.engine.params import defaults

    path = _with_defaults(params_dir, "suppression_threshold: 5", "suppresion_threshold: 3")
    with pytest.raises(BoardpackError) as refused:
        defaults(params_dir)
    assert str(refused.value) == (
        f"{path}: suppresion_threshold is not a setting (did you mean suppression_threshold?)"
    )


def test_a_key_given_twice_is_refused_naming_both_lines(params_dir):
    from analysis.engine.params import defaults

    path = params_dir / "defaults.yaml"
    lines = path.read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("la_name:"))
    path.write_text("\n".join([*lines, "la_name: Another Council"]) + "\n")
    with pytest.raises(BoardpackError) as refused:
        defaults(params_dir)
    # the appended line is the file's last: line len(lines) + 1
    assert str(refused.value) == (
        f"{path} line {len(lines) + 1}: la_name is given twice (also line {first + 1}); keep one"
    )


def test_a_nested_key_given_twice_is_refused(params_dir):
    (params_dir / "ssd.yaml").write_text("assessment_flags:\n  NFA_FLAG: NFA\n  NFA_FLAG: CP\n")
    from analysis.config import read_yaml

    with pytest.raises(BoardpackError, match=r"ssd.yaml line 3: NFA_FLAG is given twice \(also "
                       r"line 2\); keep one"):  # fmt: skip
        read_yaml(params_dir / "ssd.yaml")


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            "coverage_tolerance_months: {episodes: 2,",
            "coverage_tolerance_months: 2\n# {episodes: 2,",  # the old mapping commented out
            "coverage_tolerance_months must be a mapping of sources to months from 0 to 24, "
            "e.g. {episodes: 2, staffing: 0}, not 2",
        ),
        (
            "audits: 4,",
            "audit: 4,",
            "coverage_tolerance_months must be a mapping of sources to months from 0 to 24, "
            "e.g. {episodes: 2, staffing: 0}; audit is not a source (did you mean audits?), not",
        ),
        (
            "suppression_threshold: 5",
            "suppression_threshold: five",
            "suppression_threshold must be a whole number from 1 to 100, not 'five'",
        ),
        (
            "next_step_working_days: 10",
            "next_step_working_days: -1",
            "next_step_working_days must be a whole number from 0 to 60, not -1",
        ),
        ("publication: restricted", "publication: open",
         "publication must be one of restricted, public, not 'open'"),
        ("{report: workforce, metric: appraisals_staff_share,",
         "{report: workforce, measure: appraisals_staff_share,",
         "dashboard_measures must be a list of measures, each with report and metric"),
    ],
)  # fmt: skip
def test_every_typed_setting_is_checked(params_dir, old, new, said):
    from analysis.config import read_params

    path = _with_defaults(params_dir, old, new)
    with pytest.raises(BoardpackError) as refused:
        read_params("defaults.yaml", params_dir)
    assert str(refused.value).startswith(f"{path}: {said}")


def test_a_report_parameter_of_the_wrong_type_or_range_is_refused(params_dir):
    (params_dir / "sickness_absence.yaml").write_text("lookback_months: '24'\n")
    with pytest.raises(BoardpackError) as refused:
        resolve("sickness_absence", "2017-03", params_dir=params_dir)
    assert str(refused.value) == (
        f"{params_dir / 'sickness_absence.yaml'}: lookback_months must be a whole number from "
        "1 to 240, not '24'"
    )
    (params_dir / "sickness_absence.yaml").write_text("lookback_months: 0\n")
    with pytest.raises(BoardpackError, match="lookback_months must be a whole number from 1"):
        resolve("sickness_absence", "2017-03", params_dir=params_dir)


def test_a_misspelt_report_parameter_names_the_nearest(params_dir):
    (params_dir / "sickness_absence.yaml").write_text("lookback_month: 24\n")
    with pytest.raises(BoardpackError, match=r"\(did you mean lookback_months\?\)"):
        resolve("sickness_absence", "2017-03", params_dir=params_dir)


def test_a_misspelt_key_in_a_period_file_is_refused(params_dir):
    (params_dir / "periods").mkdir(exist_ok=True)
    path = params_dir / "periods" / "2017-03.yaml"
    path.write_text("sickness_absense:\n  lookback_months: 24\n")
    with pytest.raises(BoardpackError) as refused:
        resolve("sickness_absence", "2017-03", params_dir=params_dir)
    assert str(refused.value) == (
        f"{path}: sickness_absense is not a setting or a report (did you mean sickness_absence?)"
    )
