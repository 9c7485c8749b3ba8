"""The dashboard and every report page in a real browser: Chromium driven by Playwright,
axe-core for WCAG 2.0/2.1/2.2 A and AA, the keyboard alone, no console errors and no request
leaving file://. Screenshots at phone and desktop widths go to tests/artifacts/ (git-ignored).

Everything comes with `pip install -e ".[test]"`: Playwright, and axe-core inside the
`axe-playwright-python` package (no npm). The browser is the first found of
BOARDPACK_CHROMIUM, a `chromium` (Debian's package) or Chrome on the PATH, and Playwright's own
(`python -m playwright install chromium`). Without one these tests skip saying what to
install; with CI=true a skip fails the run (tests/conftest.py). Only the axe test needs
axe-core."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from analysis.engine.params import available_reports

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 800)}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PERIOD = "2017-03"
INSTALL = 'pip install -e ".[test]"'
NO_BROWSER = (
    "no Chromium found: apt-get install chromium (Debian, Ubuntu), or "
    "python -m playwright install chromium (Playwright's own), or set BOARDPACK_CHROMIUM"
)


def chromium_path(playwright) -> str | None:
    """The browser to drive: BOARDPACK_CHROMIUM, Chromium or Chrome on the PATH, else
    Playwright's own browser when it has been installed."""
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    found = [os.environ.get("BOARDPACK_CHROMIUM")] + [shutil.which(n) for n in names]
    own = playwright.chromium.executable_path
    found.append(own if own and Path(own).exists() else None)
    return next((f for f in found if f), None)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(f"Playwright is not installed: {INSTALL}")
    with sync_playwright() as p:
        executable = chromium_path(p)
        if executable is None:
            pytest.skip(NO_BROWSER)
        chromium = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def axe():
    """axe-core, as the `axe-playwright-python` package ships it."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.skip(f"axe-core is not installed: {INSTALL} (axe-playwright-python ships it)")
    return Axe()


def open_page(browser, path: Path, width: str):
    """A page at one width, recording console errors and every request that is not a local
    file (data: and blob: URLs stay in the page)."""
    w, h = WIDTHS[width]
    page = browser.new_page(viewport={"width": w, "height": h}, accept_downloads=True)
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on(
        "request",
        lambda r: (
            r.url.split(":")[0] not in ("file", "data", "blob")
            and page.problems.append(f"request left the page: {r.url}")
        ),
    )
    page.goto(path.as_uri())
    return page


def axe_violations(axe, page) -> list[str]:
    options = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
    result = axe.run(page, options=options).response
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})"
        for v in result["violations"]
    ]


def pages(out: Path) -> list[Path]:
    """The dashboard and every report page, restricted and public."""
    found = [out / "index.html", out / "public" / "index.html"]
    for folder in (out / PERIOD, out / "public" / PERIOD):
        found += sorted(folder.glob("*.html"))
    return found


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_page_passes_axe_with_no_console_error_or_remote_request(
    browser, axe, demo_pack, width
):
    ARTIFACTS.mkdir(exist_ok=True)
    checked, failures = 0, {}
    for path in pages(demo_pack.out):
        page = open_page(browser, path, width)
        if path.name == "index.html":  # open a chart so its parts are checked too
            page.click("button.open >> nth=0")
        # the page's own errors and requests, before axe (which reads the style sheets itself)
        found = list(page.problems) + axe_violations(axe, page)
        if found:
            failures[str(path.relative_to(demo_pack.out))] = found
        name = "-".join(path.relative_to(demo_pack.out).with_suffix("").parts)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"))
        page.close()
        checked += 1
    # the two dashboards and every report, restricted and public
    assert checked == 2 + 2 * len(available_reports()) and failures == {}


def test_the_dashboard_works_from_the_keyboard_alone(browser, demo_pack):
    page = open_page(browser, demo_pack.out / "index.html", "desktop")
    focused = []
    for _ in range(12):  # the first controls, in order
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.textContent.trim().slice(0, 40)"))
    assert focused[0].startswith("March 2017")  # the period switch comes first
    first_button = next(i for i, text in enumerate(focused) if text.startswith("Chart and data"))
    assert focused[first_button - 1].startswith("FTE days lost")  # the tile's link, then button

    # switch period with the keyboard: the earlier period's picture replaces this one
    page.focus("#period")
    page.keyboard.press("ArrowDown")
    assert page.is_hidden(f"#d{PERIOD}") or page.locator("#period").input_value() == PERIOD

    page.select_option("#period", PERIOD)
    page.focus("section.period:not([hidden]) button.open >> nth=0")
    page.keyboard.press("Enter")
    panel = page.locator("section.period:not([hidden]) .panel >> nth=0")
    assert panel.is_visible()
    page.keyboard.press("Tab")  # the chart
    assert page.evaluate("document.activeElement.tagName") == "svg"
    latest = panel.locator(".readout").text_content()
    page.keyboard.press("ArrowLeft")
    before = panel.locator(".readout").text_content()
    assert latest.startswith("Mar 2017") and before.startswith("Feb 2017")
    page.keyboard.press("Tab")  # view as table
    page.keyboard.press("Enter")
    assert panel.locator("table").is_visible() and not panel.locator("svg.spc").is_visible()
    page.keyboard.press("Tab")  # download CSV
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + b"measure,month,value,mean")
    assert page.problems == []


def test_a_period_published_later_is_chosen_on_demand(browser, demo_pack):
    page = open_page(browser, demo_pack.out / "index.html", "phone")
    options = page.locator("#period option").all_text_contents()
    assert options[0] == "March 2017"
    assert page.locator("section.period:not([hidden]) h2").text_content().endswith("March 2017")
