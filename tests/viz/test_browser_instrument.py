"""The UI as an instrument, in a real headless Chromium: rate, input, actors, export, layout."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.viz.page_scripts import WATCH_MONTHS
from tests.viz.test_browser import STEP_TIMEOUT, analysed, month, open_ui, step
from tests.viz.test_browser_safety import drop

pytestmark = pytest.mark.browser

# The on-screen size (px) of every text of the coalition picture, smallest first.
LABEL_SIZES = """() => [...document.querySelectorAll('.pg-coalition svg text')]
    .map(t => t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize))
    .sort((a, b) => a - b)"""


@pytest.fixture
def ui(browser: Browser, ui_server: str):
    page, problems = open_ui(browser, ui_server)
    yield page, problems
    page.context.close()


def set_speed(page: Page, index: int) -> None:
    """Move the speed slider with the keyboard, as a visitor would."""
    thumb = page.locator(".pg-speed [role=slider]")
    thumb.focus()
    page.keyboard.press("Home")
    for _ in range(index):
        page.keyboard.press("ArrowRight")
    expect(page.locator(".pg-speed-label")).to_contain_text(f"speed: {[1, 2, 4, 8, 15, 30][index]}")


def play_for(page: Page, speed_index: int, seconds: float) -> float:
    """Months per second the page shows while playing at one speed setting."""
    page.locator(".pg-reset").click()
    expect(page.locator(".pg-status")).to_contain_text("Month 0 of", timeout=STEP_TIMEOUT)
    set_speed(page, speed_index)
    page.locator(".pg-play").click()
    page.wait_for_timeout(400)
    seen = page.evaluate(WATCH_MONTHS, seconds)
    page.locator(".pg-play").click()
    expect(page.locator(".pg-play")).to_contain_text("Play", timeout=STEP_TIMEOUT)
    (t0, m0), (t1, m1) = seen[0], seen[-1]
    return (m1 - m0) / max((t1 - t0) / 1000, 1e-3)


def test_play_keeps_the_chosen_rate(ui):
    """Loose bounds (the machine may be loaded); the benchmark measures the rate closely."""
    page, problems = ui
    slow = play_for(page, 1, 2.0)  # 2 months/s
    fast = play_for(page, 5, 2.0)  # 30 months/s: months are skipped when frames lag
    assert 1.0 <= slow <= 3.0
    assert fast > 3 * slow
    assert problems.console == []


def test_slider_keeps_every_key_press(ui):
    page, _ = ui
    page.locator(".pg-group-verification .v-expansion-panel-header").click()
    expect(page.locator(".pg-slider-verification .v-slider__thumb")).to_be_visible()
    thumb = page.locator(".pg-slider-verification [role=slider]")
    start = int(thumb.get_attribute("aria-valuenow"))
    thumb.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")  # no waiting between presses
    expect(thumb).to_have_attribute("aria-valuenow", str(start + 10), timeout=STEP_TIMEOUT)
    page.wait_for_timeout(1500)  # every answer from the server has arrived
    assert thumb.get_attribute("aria-valuenow") == str(start + 10)


def test_actor_slider_and_reset_change_the_model_and_the_inspector_shows_it(ui):
    page, problems = ui
    page.locator(".pg-actor-panel .v-expansion-panel-header", has_text="Lab OpenAI").click()
    number = page.locator(".pg-actor-number-lab-OpenAI-safety input")
    expect(number).to_be_visible()
    number.fill("0.77")
    number.press("Enter")
    expect(page.locator(".pg-pending")).to_contain_text("lab.OpenAI.safety -> 0.77")
    analysed(page)
    page.locator(".pg-coalition [data-agent=OpenAI] circle").first.click()
    inspector = page.locator(".pg-inspector[data-actor=OpenAI]")
    expect(inspector).to_contain_text("safety")
    expect(inspector).not_to_contain_text("safety0.77")  # the scenario's value until Reset
    page.locator(".pg-reset").click()
    expect(inspector).to_contain_text("safety0.77", timeout=STEP_TIMEOUT)
    expect(page.locator(".pg-pending")).to_have_count(0)
    thumb = page.locator(".pg-actor-slider-lab-OpenAI-safety [role=slider]")
    thumb.focus()
    page.keyboard.press("ArrowLeft")
    expect(page.locator(".pg-pending")).to_contain_text("lab.OpenAI.safety -> 0.")
    page.locator(".pg-coalition [data-agent=US] text").click()
    expect(page.locator(".pg-inspector[data-actor=US]")).to_contain_text("transparency")
    assert problems.console == []


def test_exported_toml_reproduces_the_run_json_byte_for_byte(ui, tmp_path):
    page, _ = ui
    page.locator(".pg-group-verification .v-expansion-panel-header").click()
    thumb = page.locator(".pg-slider-verification [role=slider]")
    thumb.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.locator(".pg-actor-panel .v-expansion-panel-header", has_text="Lab Anthropic").click()
    number = page.locator(".pg-actor-number-lab-Anthropic-pause_affinity input")
    number.fill("2.5")
    number.press("Enter")
    expect(page.locator(".pg-pending")).to_contain_text("lab.Anthropic.pause_affinity -> 2.5")
    page.locator(".pg-reset").click()
    expect(page.locator(".pg-pending")).to_have_count(0, timeout=STEP_TIMEOUT)
    for _ in range(6):
        step(page)
    files = {}
    for label in ("Scenario (.toml)", "Run (.json)"):
        with page.expect_download() as download:
            page.locator(".pg-export").get_by_text(label).click()
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        files[label] = target
    toml = files["Scenario (.toml)"]
    assert "pause_affinity = 2.5" in toml.read_text()
    script = Path(sys.executable).with_name("pausegame")
    command = [str(script), "run", "--scenario", str(toml), "--seed", "0", "--steps", "6"]
    printed = subprocess.run([*command, "--json"], capture_output=True, check=True).stdout
    assert printed == files["Run (.json)"].read_bytes()
    assert json.loads(printed)["steps_run"] == 6


def test_at_800_px_controls_stay_clickable_and_labels_legible(ui, artifacts):
    page, problems = ui
    assert min(page.evaluate(LABEL_SIZES)) >= 11  # at 1500 px
    for width in (1280, 800):
        page.set_viewport_size({"width": width, "height": 800})
        page.wait_for_timeout(500)
        assert min(page.evaluate(LABEL_SIZES)) >= 11, width
        page.screenshot(path=str(artifacts / f"ui-{width}px.png"))
        step(page)  # a real click: nothing covers the controls
    page.locator(".pg-play").click(trial=True)
    assert problems.console == []


def test_html_named_actors_and_files_show_as_text(ui):
    page, _ = ui
    evil = "<img src=x onerror=window.pwned=1>"
    scenario = (
        'name = "<b>bold</b>"\nsteps = 12\n[[states]]\nname = "S<i>"\ntransparency = 0.5\n'
        f'[[labs]]\nname = "{evil}"\nstate = "S<i>"\ncapability = 0.3\nsafety = 0.3\n'
    )
    drop(page, "<svg onload=window.pwned=2>.toml", repr(scenario))
    expect(page.locator(".pg-status")).to_contain_text("Month 0 of 12", timeout=STEP_TIMEOUT)
    expect(page.locator(".pg-coalition")).to_contain_text(evil)
    expect(page.locator(".solara-file-drop")).to_contain_text("<svg onload=window.pwned=2>.toml")
    assert page.locator(".pg-coalition img, .pg-coalition b, .solara-file-drop svg").count() == 0
    step(page)
    analysed(page)
    page.locator(".pg-coalition [data-kind=lab] circle").first.click()
    expect(page.locator(".pg-inspector")).to_contain_text(evil)
    assert page.evaluate("() => window.pwned") is None
    assert re.search(r"Month 1 of 12", page.locator(".pg-status").inner_text())
    assert month(page) == 1
