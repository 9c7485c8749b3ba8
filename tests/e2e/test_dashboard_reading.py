"""The dashboard read without a mouse or JavaScript, in Chromium (the browser fixture and
page helper of test_browser.py): every chart's axes carry text; with JavaScript off every tile
shows its chart and table and the period links still work; a chosen period survives a reload;
hidden periods are out of the tab order; at 390 px the board summary page is no wider than
the screen."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from support.cli import boardpack
from test_browser import WIDTHS, browser, open_page  # noqa: F401 (the fixture)

PERIOD = "2017-03"
EARLIER = "2017-02"


@pytest.fixture(scope="module")
def two_periods(demo_pack, dfe, tmp_path_factory) -> Path:
    """The demo pack with a second, earlier period: the board summary of February 2017."""
    out = tmp_path_factory.mktemp("two-periods") / "reports"
    shutil.copytree(demo_pack.out, out, ignore=shutil.ignore_patterns("public"))
    result = boardpack(
        "run", "--demo", "--period", EARLIER, "--reports", "board_summary", "--formats", "html",
        "--out", str(out), "--jobs", "1", "--benchmarks", str(dfe),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_every_dashboard_chart_has_axis_text(browser, demo_pack):  # noqa: F811
    page = open_page(browser, demo_pack.out / "index.html", "desktop")
    charts = page.locator("svg.spc")
    assert charts.count() > 0
    for i in range(charts.count()):
        chart = charts.nth(i)
        dates = chart.locator("text.tick.x").all_text_contents()
        values = chart.locator("text.tick.y").all_text_contents()
        labels = " ".join(chart.locator("text.line-label").all_text_contents())
        assert len(dates) >= 2 and len(values) >= 3, chart.get_attribute("aria-label")
        assert "Latest" in labels
        # mean and process limits exactly where the board's verdict reads the chart with SPC
        # (not on a running total or a series with no stable level)
        verdict = chart.locator("xpath=ancestor::li[contains(@class, 'tile')]//p[@class='icons']")
        spc = re.search(r"(special|common)-cause", verdict.text_content())
        assert ("Mean" in labels and "Upper limit" in labels) == bool(spc), labels
    assert page.problems == []


def test_without_javascript_each_tile_shows_its_chart_and_table(browser, demo_pack):  # noqa: F811
    w, h = WIDTHS["desktop"]
    context = browser.new_context(viewport={"width": w, "height": h}, java_script_enabled=False)
    page = context.new_page()
    page.goto((demo_pack.out / "index.html").as_uri())
    tiles = page.locator("li.tile:has(.panel)")
    assert tiles.count() > 0
    for i in range(tiles.count()):
        tile = tiles.nth(i)
        assert tile.locator("svg.spc").is_visible() and tile.locator(".table table").is_visible()
        assert tile.locator("a.csv").is_visible()
        assert not tile.locator("button").first.is_visible()  # buttons need the script
    # the period switch is a link per period, to that period's picture
    link = page.locator("nav.periods a", has_text="March 2017")
    assert link.is_visible() and link.get_attribute("href") == f"#d{PERIOD}"
    context.close()


def test_the_chosen_period_survives_a_reload_and_alone_takes_focus(browser, two_periods):  # noqa: F811
    page = open_page(browser, two_periods / "index.html", "desktop")
    assert page.locator("#period option").all_text_contents() == ["March 2017", "February 2017"]
    page.select_option("#period", EARLIER)
    assert page.url.endswith(f"#period={EARLIER}")
    page.reload()
    shown = page.locator("section.period:not([hidden]) h2")
    assert shown.count() == 1 and shown.text_content().endswith("February 2017")
    assert page.locator("#period").input_value() == EARLIER
    # the hidden period is out of the tab order: Tab from the switch reaches February's tiles
    page.focus("#period")
    for _ in range(4):
        page.keyboard.press("Tab")
        inside = page.evaluate("document.activeElement.closest('section.period')?.dataset.period")
        assert inside in (None, EARLIER)
    page.select_option("#period", PERIOD)
    page.reload()
    shown = page.locator("section.period:not([hidden]) h2")
    assert shown.count() == 1 and shown.text_content().endswith("March 2017")
    assert page.problems == []


def test_at_390_px_the_board_summary_is_no_wider_than_the_screen(browser, demo_pack):  # noqa: F811
    for path in (demo_pack.out / PERIOD / "board_summary.html", demo_pack.out / "index.html"):
        page = open_page(browser, path, "phone")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTHS["phone"][0], path.name
        if path.name == "board_summary.html":  # every column still shown, labelled
            row = page.locator("table.scorecard tbody tr").first
            assert row.locator("td[data-label='A year earlier']").is_visible()
            assert row.locator("td[data-label='Variation']").is_visible()
        page.close()


def test_the_dashboard_opens_with_attention_and_its_tiles_show_targets(browser, demo_pack):  # noqa: F811
    page = open_page(browser, demo_pack.out / "index.html", "desktop")
    period = page.locator(f"section.period[data-period='{PERIOD}']")
    attention = " ".join(period.locator("ol.attention li").all_text_contents())
    for item in (
        "Under-1 share of children starting care",
        "FTE days lost to sickness per FTE",
        "NFA dip sample closures found appropriate",
        "Overdue action: IP16 Agency reduction plan",
        "Staff appraised (year): 94.0%; target at least 100.0%: missed this period",
    ):
        assert item in attention

    def style(locator, prop):
        return locator.evaluate(f"e => getComputedStyle(e).{prop}")

    # the attention list, a tile's target and what a chart's points are each stand out
    assert style(period.locator("ol.attention"), "borderLeftWidth") == "6px"
    staff = period.locator("li.tile", has_text="Staff appraised")
    target = staff.locator(".target")
    assert target.text_content() == "Target at least 100.0%: missed this period"
    assert style(target, "borderLeftWidth") == "4px" and style(target, "fontWeight") == "700"
    note = period.locator("li.tile", has_text="FTE days lost").locator(".series-note")
    assert note.is_visible() and note.text_content().startswith("Chart: each month's days lost")
    assert style(note, "fontSize") != style(staff.locator(".change"), "fontSize")
    assert page.problems == []
