"""The web UI in a real headless Chromium against the real `pausegame ui` server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.viz.conftest import STEP_TIMEOUT

pytestmark = pytest.mark.browser

LOAD_TIMEOUT = 90_000  # ms: a fresh kernel renders the page in a few seconds; CI may be slower
VIEWPORT = {"width": 1500, "height": 1000}


class Problems:
    """Console errors and failed requests seen by one page."""

    def __init__(self, page: Page) -> None:
        self.console: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.console.append(str(error)))
        page.on("requestfailed", lambda r: self.requests.append(f"failed {r.url}"))
        page.on(
            "response",
            lambda r: self.requests.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )


def open_ui(browser: Browser, address: str) -> tuple[Page, Problems]:
    """A new tab (its own browser context) with the UI loaded and interactive."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    problems = Problems(page)
    page.goto(address)
    expect(page.locator(".pg-status")).to_contain_text("Month 0 of", timeout=LOAD_TIMEOUT)
    return page, problems


@pytest.fixture
def ui(browser: Browser, ui_server: str) -> Iterator[tuple[Page, Problems]]:
    page, problems = open_ui(browser, ui_server)
    yield page, problems
    page.context.close()


def month(page: Page) -> int:
    text = page.locator(".pg-status").inner_text()
    return int(re.match(r"Month (\d+)", text).group(1))


def step(page: Page) -> None:
    """Click Step and wait until the page shows the next month."""
    before = month(page)
    page.locator(".pg-step-button").click()
    expect(page.locator(".pg-status")).to_contain_text(
        f"Month {before + 1} of", timeout=STEP_TIMEOUT
    )


def analysed(page: Page) -> None:
    """Wait until the background analyses of the month on show have reached the page, so a
    click is not raced by their redraw."""
    expect(page.locator(f".pg-path-timeline [data-month='{month(page)}']")).to_have_count(
        1, timeout=STEP_TIMEOUT
    )


def settled_text(page: Page, locator, timeout: float = 20.0) -> str:
    """The locator's text once it has stopped changing (the server answers each key press)."""
    text = locator.inner_text()
    for _ in range(int(timeout / 0.5)):
        page.wait_for_timeout(500)
        now = locator.inner_text()
        if now == text:
            return text
        text = now
    raise AssertionError(f"text kept changing: {text!r}")


def hover_until(page: Page, chart, position: dict[str, float], text: str) -> None:
    """Hover `chart` at `position` until its tooltip shows `text`: a redraw that lands after
    the hover replaces the figure, and a new figure shows no tooltip until the mouse moves."""
    for _ in range(STEP_TIMEOUT // 3_000):
        chart.hover(position=position)
        try:
            expect(chart).to_contain_text(text, timeout=3_000)
            return
        except AssertionError:
            page.mouse.move(0, 0)
    expect(chart).to_contain_text(text, timeout=3_000)


def shot(page: Page, artifacts: Path, name: str) -> bytes:
    return page.screenshot(path=str(artifacts / name))


def test_page_loads_offline_without_errors(ui, artifacts):
    page, problems = ui
    expect(page.locator(".pg-coalition svg[data-view=coalition]")).to_be_visible()
    expect(page.locator(".pg-chart-grid .pg-echart canvas")).to_have_count(7)
    expect(page.locator(".pg-equilibrium .pg-lab-game")).to_be_visible()
    expect(page.locator(".pg-treaties")).to_contain_text("Stable treaties", timeout=STEP_TIMEOUT)
    page.wait_for_timeout(1000)  # let late asset requests finish or fail
    shot(page, artifacts, "ui-loaded.png")
    assert problems.console == []
    assert problems.requests == []


def test_step_advances_the_model_and_redraws_the_views(ui, artifacts):
    page, problems = ui
    coalition = page.locator(".pg-coalition svg")
    assert coalition.get_attribute("data-step") == "0"
    picture_before = page.locator(".pg-coalition").inner_html()
    image_before = shot(page, artifacts, "ui-step-0.png")
    for _ in range(3):
        step(page)
    expect(coalition).to_have_attribute("data-step", "3")
    expect(page.locator(".pg-lab-game")).to_have_attribute("data-step", "3")
    assert page.locator(".pg-coalition").inner_html() != picture_before
    assert shot(page, artifacts, "ui-step-3.png") != image_before
    # The charts are ECharts figures with tooltips: hovering one names the month's values.
    analysed(page)
    hover_until(page, page.locator(".pg-echart-coalition"), {"x": 62, "y": 150}, "labs pausing")
    assert problems.console == []


def test_slider_then_reset_changes_the_model_parameter(ui, artifacts):
    page, problems = ui
    in_force = page.locator(".pg-model-params")
    before = re.search(r"verification=(\S+)", in_force.inner_text()).group(1)
    page.locator(".pg-group-verification .v-expansion-panel-header").click()
    expect(page.locator(".pg-slider-verification .v-slider__thumb")).to_be_visible()
    # The keyboard moves a slider one stop per arrow press, as for any user.
    thumb = page.locator(".pg-slider-verification [role=slider]")
    start = int(thumb.get_attribute("aria-valuenow"))
    label = page.locator(".param-verification").first
    thumb.focus()
    for presses in range(1, 6):
        page.keyboard.press("ArrowRight")
        expect(thumb).to_have_attribute("aria-valuenow", str(start + presses))
        settled_text(page, label)
    expect(label).not_to_contain_text(
        re.compile(rf"verification = {re.escape(before)}\s"), timeout=STEP_TIMEOUT
    )
    chosen = re.search(r"verification = (\S+)", settled_text(page, label)).group(1)
    assert float(chosen) > float(before)
    expect(page.locator(".pg-pending")).to_contain_text(f"verification {before} -> {chosen}")
    # Not applied yet: the model still runs with the old value until Reset.
    assert f"verification={before} " in in_force.inner_text() + " "
    page.locator(".pg-reset").click()
    expect(in_force).to_contain_text(
        re.compile(rf"verification={re.escape(chosen)}(\s|$)"), timeout=STEP_TIMEOUT
    )
    expect(page.locator(".pg-pending")).to_have_count(0)
    shot(page, artifacts, "ui-after-reset.png")
    assert problems.console == []


def test_two_tabs_have_independent_models(browser, ui_server, artifacts):
    first, first_problems = open_ui(browser, ui_server)
    second, second_problems = open_ui(browser, ui_server)
    try:
        for _ in range(3):
            step(first)
        assert month(second) == 0
        step(second)
        assert month(second) == 1
        assert month(first) == 3
        expect(first.locator(".pg-coalition svg")).to_have_attribute("data-step", "3")
        expect(second.locator(".pg-coalition svg")).to_have_attribute("data-step", "1")
        shot(first, artifacts, "ui-tab-1.png")
        shot(second, artifacts, "ui-tab-2.png")
        assert first_problems.console == second_problems.console == []
    finally:
        first.context.close()
        second.context.close()


def test_play_animates_and_pause_stops(ui):
    page, problems = ui
    page.locator(".pg-play").click()
    expect(page.locator(".pg-status")).to_contain_text(
        re.compile(r"Month ([3-9]|\d\d+) of"), timeout=STEP_TIMEOUT
    )
    page.locator(".pg-play").click()  # now labelled Pause
    expect(page.locator(".pg-play")).to_contain_text("Play", timeout=STEP_TIMEOUT)
    stopped = month(page)
    page.wait_for_timeout(1500)
    assert month(page) - stopped <= 1  # at most the step already under way when paused
    assert problems.console == []
