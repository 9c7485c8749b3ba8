"""docs/notebooks.md, run as a consultant would follow it: every Python example in order, in
one namespace; and the analyst's helpers it documents."""

from __future__ import annotations

import contextlib
import io
import re

import pandas as pd
import pytest
from support.paths import ROOT

from analysis.errors import BoardpackError

DOC = ROOT / "docs" / "notebooks.md"


def examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


def test_every_example_on_the_notebook_page_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the export example writes into the working folder
    namespace: dict = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for code in examples():
            exec(compile(code, str(DOC), "exec"), namespace)
    out = printed.getvalue()
    assert len(examples()) >= 8
    assert "starts-by-age" in out and "how-we-compare" in out
    # the page's own claims, checked against the objects the examples made
    model, s = namespace["model"], namespace["s"]
    assert isinstance(namespace["starts_by_age"], pd.DataFrame)
    assert namespace["starts_by_age"].equals(model.tables()[0].frame)
    assert model.metrics["starts_under1_share_12m"] == pytest.approx(
        model.metrics["starts_under1_12m"] / model.metrics["starts_12m"]
    )
    under1, six = namespace["under1"], namespace["six_months"]
    assert under1.total == len(six) and under1.count == int((six["AGE"] < 1).sum())
    assert "refusing to display identifier column(s): CHILD" in out
    assert s.inputs.get("no such table") is None
    assert (tmp_path / "starts_by_age.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    # the workforce example really used its override (a lower threshold can only add workers)
    from analysis.engine.notebook import open_report

    _, default = open_report("workforce", period="2017-03")
    lower = namespace["wider"].metrics["caseload_above_threshold_share"]
    assert lower >= default.metrics["caseload_above_threshold_share"]


def test_show_takes_a_dataframe_and_refuses_identifiers(capsys):
    from analysis.presentation.present import show

    show(pd.DataFrame({"Team": ["A", "B"], "Cases": [3, 4]}), caption="Cases by team")
    with pytest.raises(BoardpackError, match=r"DOB - no child or employee identifier"):
        show(pd.DataFrame({"DOB": ["2016-01-01"]}), caption="x")
    with pytest.raises(BoardpackError, match="show\\(\\) takes a report section"):
        show([42])


def test_a_problem_in_a_notebook_cell_is_one_message_not_a_traceback():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    with contextlib.redirect_stdout(io.StringIO()) as out:
        shell.run_cell(
            'from analysis.engine.session import open_session\nopen_session("x", "2017-13")'
        )
    shown = out.getvalue()
    assert "boardpack: period '2017-13' is not a month (expected YYYY-MM or 'latest')" in shown
    assert "Traceback" not in shown and "File " not in shown


def test_a_report_that_reads_the_others_is_not_built_by_open_report():
    from analysis.engine.notebook import open_report

    with pytest.raises(ValueError, match="board_summary reads the other reports' figures"):
        open_report("board_summary")


def test_the_board_summary_in_a_notebook_links_to_the_published_pages(tmp_path):
    from analysis.engine.notebook import NOTEBOOKS_DIR, open_summary

    period = tmp_path / "reports" / "2017-03"
    period.mkdir(parents=True)
    (period / "metrics.json").write_text("{}")
    staged, links = open_summary("2017-03", str(tmp_path / "reports"))
    assert staged == ""  # the published figures are read
    assert (NOTEBOOKS_DIR / links.format(report="front_door")).resolve() == (
        period / "front_door.html"
    ).resolve()
    assert open_summary("2017-03", staged_metrics="x.json") == ("x.json", "{report}.html")


def test_a_period_the_inputs_do_not_cover_is_refused_in_a_notebook_s_words(tmp_path):
    from analysis.demo.generate import demo_folder
    from analysis.engine.session import check_inputs

    with pytest.raises(BoardpackError) as refused:
        check_inputs(["young_children", "front_door"], "2019-06", demo_folder())
    message = str(refused.value)
    assert message.startswith(
        "the inputs do not cover June 2019 for young_children, front_door:\n"
        "  SSDA903 episodes: last record 31/03/2017, covers to May 2017\n"
    )
    assert message.endswith(
        "(choose another period in the parameters cell, or set data_dir to extracts that reach it)"
    )
    assert "--allow-partial" not in message and "published" not in message


def test_in_plain_python_a_table_prints_its_words_and_figures(capsys):
    from analysis.presentation.present import show

    show(pd.DataFrame({"Team": ["A", "B"], "Cases": [3, 1200]}), caption="Cases by team")
    assert capsys.readouterr().out == "Cases by team\nTeam  Cases\nA  3\nB  1,200\n"
