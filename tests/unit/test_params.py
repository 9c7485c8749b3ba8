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
