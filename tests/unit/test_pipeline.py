"""The engine's scheduling: summaries start once every detail report has executed, and are
run again if a detail report they read then fails to render."""

from __future__ import annotations

import json
from concurrent.futures import Future

from analysis.engine import runner as engine


class InlinePool:
    """Runs each task at once; enough to drive the scheduler deterministically."""

    def submit(self, fn, arg):
        future = Future()
        future.set_result(fn(arg))
        return future


def job(report, period="2017-03"):
    role = "summary" if report == "board_summary" else "detail"
    return engine.Job(period, report, "", {}, "", ("html",), {"role": role})


def test_summary_is_rerun_when_a_report_it_read_fails_to_render(tmp_path, monkeypatch):
    calls = []
    staged_seen = []

    def execute(j):
        calls.append(("execute", j.report))
        if j.report == "board_summary":
            staged_seen.append(json.loads((tmp_path / "staged.json").read_text()))
        return engine.Outcome(j, "executed", "", "", 0.0, "", {"x": 1})

    def render(o):
        calls.append(("render", o.job.report))
        failed = o.job.report == "young_children"
        return engine.Outcome(
            o.job,
            "failed" if failed else "published",
            "",
            "",
            0.0,
            "rendering failed: boom" if failed else "",
            o.metrics,
        )

    monkeypatch.setattr(engine, "execute", execute)
    monkeypatch.setattr(engine, "render", render)
    outcomes = list(
        engine._pipeline(
            [job("data_quality"), job("young_children")],
            [job("board_summary")],
            InlinePool(),
            2,
            tmp_path / "staged.json",
        )
    )
    status = {o.job.report: o.status for o in outcomes}
    assert status == {
        "data_quality": "published",
        "young_children": "failed",
        "board_summary": "published",
    }
    assert outcomes[-1].job.report == "board_summary"  # summaries are published last
    # the summary first ran with both detail reports staged, then again without the failed one
    assert calls.count(("execute", "board_summary")) == 2
    assert set(staged_seen[0]["2017-03"]) == {"data_quality", "young_children"}
    assert set(staged_seen[-1]["2017-03"]) == {"data_quality"}


def test_summary_waits_for_every_detail_execution(tmp_path, monkeypatch):
    order = []

    def execute(j):
        order.append(j.report)
        return engine.Outcome(j, "executed", "", "", 0.0, "", {})

    monkeypatch.setattr(engine, "execute", execute)
    monkeypatch.setattr(
        engine, "render", lambda o: engine.Outcome(o.job, "published", "", "", 0.0, "", {})
    )
    list(
        engine._pipeline(
            [job("a"), job("b"), job("c")],
            [job("board_summary")],
            InlinePool(),
            2,
            tmp_path / "staged.json",
        )
    )
    assert order.index("board_summary") == 3


def test_a_kernel_that_fails_to_start_is_retried_once_but_a_cell_error_is_not(
    tmp_path, monkeypatch
):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # as when two kernels race for a port (papermill issue #511)
            raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    j = engine.Job("2017-03", "young_children", "nb.ipynb", {}, str(tmp_path), ("html",), {})
    assert engine.execute(j).status == "executed" and len(calls) == 2

    def dead(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("Kernel died before replying to kernel_info")

    calls.clear()
    monkeypatch.setattr(papermill, "execute_notebook", dead)
    outcome = engine.execute(j)
    assert outcome.status == "failed" and len(calls) == 2  # two attempts, then reported
    assert "Kernel died" in outcome.error and "(2 attempts)" in outcome.error

    def cell_error(*args, **kwargs):
        calls.append(1)
        raise PapermillExecutionError(3, 1, "ValueError: x", "ValueError", "x", [])

    calls.clear()
    monkeypatch.setattr(papermill, "execute_notebook", cell_error)
    outcome = engine.execute(j)
    assert outcome.status == "failed" and len(calls) == 1 and "ValueError" in outcome.error
