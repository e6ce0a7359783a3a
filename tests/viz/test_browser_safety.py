"""The UI as a hostile visitor meets it, in a real headless Chromium against a real server.

One server for the module, started with `--scenario-dir` and a short session timeout, so
closed tabs are released within the test.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import psutil
import pytest
from playwright.sync_api import Browser, Page, expect

from pausegame.viz import guard
from tests.viz.conftest import serve
from tests.viz.test_app import SMALL_SCENARIO
from tests.viz.test_browser import LOAD_TIMEOUT, STEP_TIMEOUT, month, open_ui, step

pytestmark = pytest.mark.browser

SECRET = "TOKEN-4a7d21"
NOT_OFFERED = f"scenario: {guard.NOT_OFFERED}"
TABS = 40


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A scenario folder holding one file, with a secret-bearing .toml beside it."""
    root = tmp_path_factory.mktemp("served")
    inside = root / "scenarios"
    inside.mkdir()
    (inside / "inside.toml").write_text(SMALL_SCENARIO)
    (root / "outside.toml").write_text(f'token = "{SECRET}"\n')
    return inside


@pytest.fixture(scope="module")
def guarded(chromium_path, artifacts, folder):
    """The server with a scenario folder; closed sessions are released after 2 s."""
    env = {"SOLARA_KERNEL_CULL_TIMEOUT": "2s"}
    with serve(artifacts, "ui-guarded", "--scenario-dir", str(folder), env=env) as served:
        yield served


@pytest.fixture
def page(browser: Browser, guarded):
    page, _ = open_ui(browser, guarded[0])
    yield page
    page.context.close()


def errors(page: Page) -> str:
    return " | ".join(page.locator(".v-alert").all_inner_texts())


def drop(page: Page, name: str, text_js: str) -> None:
    """Hand the drop zone a file built in the page, as its own drop handler does."""
    page.evaluate(
        """([name, text]) => {
            const file = new File([text], name);
            const zone = document.querySelector('.solara-file-drop').__vue__;
            zone.native_file_info = [file];
            zone.file_info = [{name: file.name, isFile: true, size: file.size}];
        }""",
        [name, page.evaluate(text_js)],
    )


def test_typed_paths_are_refused_alike_and_a_folder_name_loads(page, folder):
    box = page.get_by_label("or a file name in the scenario folder")
    load = page.locator(".pg-folder-load")
    error = page.locator(".pg-scenario-error")
    for typed in (str(folder.parent / "outside.toml"), "../outside.toml", "~/outside.toml"):
        box.fill(typed)
        expect(error).to_have_count(0, timeout=STEP_TIMEOUT)  # the server has the new name
        load.click()
        expect(error).to_have_text(NOT_OFFERED, timeout=STEP_TIMEOUT)
        assert SECRET not in page.content()
    box.fill("inside.toml")
    expect(error).to_have_count(0, timeout=STEP_TIMEOUT)
    load.click()
    expect(page.locator(".pg-status")).to_contain_text("Month 0 of 24", timeout=STEP_TIMEOUT)
    expect(page.locator(".pg-scenario-error")).to_have_count(0)


FORGE = "value => { document.querySelector('.v-select').__vue__.$emit('input', value); }"


def test_a_dropdown_value_forged_in_the_page_is_refused(page):
    for forged in ("/etc/passwd", "/proc/self/environ", "../outside.toml", "article.toml"):
        page.evaluate(FORGE, forged)
        expect(page.locator(".pg-scenario-error")).to_have_text(NOT_OFFERED, timeout=STEP_TIMEOUT)
    expect(page.locator(".pg-status")).to_contain_text("Month 0 of 120")
    step(page)


def big_game(labs: int = 12, states: int = 7) -> str:
    text = 'name = "big"\nsteps = 24\n'
    text += "".join(f'[[states]]\nname = "S{k}"\ntransparency = 0.5\n' for k in range(states))
    return text + "".join(
        f'[[labs]]\nname = "L{i}"\nstate = "S{i % states}"\ncapability = 0.3\nsafety = 0.3\n'
        for i in range(labs)
    )


HUGE = SMALL_SCENARIO.replace("capability = 0.5", "capability = 1" + "0" * 400)


@pytest.mark.parametrize(
    ("name", "text_js", "shown"),
    [
        ("deep.toml", "'x = ' + '['.repeat(5000) + ']'.repeat(5000)", "too deeply nested"),
        ("huge.toml", repr(HUGE), "too large"),
        ("big.toml", repr(big_game()), "over the limit"),
        ("large.toml", "'#'.repeat(2 * 1024 * 1024)", "2.0 MiB is over the 1 MiB limit"),
        ("bad.toml", repr(f'[params]\nverification = "{SECRET}"\n'), "params.verification"),
    ],
    ids=["deep-nesting", "huge-number", "treaty-game-over-limit", "over-1-MiB", "bad-value"],
)
def test_each_crashing_upload_is_a_message_and_the_session_goes_on(page, name, text_js, shown):
    step(page)
    drop(page, name, text_js)
    expect(page.locator(".v-alert").first).to_contain_text(shown, timeout=STEP_TIMEOUT)
    shown_text = page.locator("body").inner_text()
    assert SECRET not in shown_text and "Traceback" not in shown_text
    before = month(page)
    page.locator(".pg-step-button").click()
    expect(page.locator(".pg-status")).to_contain_text(
        re.compile(rf"Month {before + 1} of"), timeout=STEP_TIMEOUT
    )


def solara_rss(pid: int) -> float:
    """MiB resident in the Solara server (the `pausegame ui` process's child)."""
    children = psutil.Process(pid).children(recursive=True)
    return sum(c.memory_info().rss for c in children) / 2**20


def test_closed_tabs_are_released_and_memory_returns(browser: Browser, guarded, artifacts):
    address, pid = guarded
    warm, _ = open_ui(browser, address)  # the first session imports and caches what all share
    warm.context.close()
    time.sleep(6)
    start = solara_rss(pid)
    opened = 0
    while opened < TABS:
        batch = [browser.new_context(viewport={"width": 1280, "height": 800}) for _ in range(4)]
        pages = [context.new_page() for context in batch]
        for tab in pages:
            tab.goto(address)
        for tab in pages:
            expect(tab.locator(".pg-status")).to_contain_text("Month 0", timeout=LOAD_TIMEOUT)
            tab.locator(".pg-step-button").click()
        for tab in pages:
            expect(tab.locator(".pg-status")).to_contain_text("Month 1", timeout=STEP_TIMEOUT)
        for context in batch:
            context.close()
        opened += len(batch)
    peak = solara_rss(pid)
    deadline = time.monotonic() + 180
    now = peak
    while time.monotonic() < deadline:
        time.sleep(3)
        now = solara_rss(pid)
        if now <= 1.10 * start:
            break
    (artifacts / "ui-session-memory.txt").write_text(
        f"start {start:.0f} MiB, after {TABS} tabs {peak:.0f} MiB, after release {now:.0f} MiB\n"
    )
    assert now <= 1.10 * start, (start, peak, now)
