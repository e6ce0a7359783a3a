"""Clicking an actor in the coalition picture shows its decision's payoff terms (browser)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from pausegame.experiments.explain import LAB_TERMS, STATE_TERMS
from tests.viz.test_browser import STEP_TIMEOUT, analysed, open_ui, step

pytestmark = pytest.mark.browser


def test_clicking_a_lab_and_a_state_shows_their_terms_for_both_options(
    browser: Browser, ui_server: str
):
    page, problems = open_ui(browser, ui_server)
    try:
        step(page)
        analysed(page)
        page.locator(".pg-coalition [data-agent=OpenAI] circle").first.click()
        chart = page.locator(".pg-decision-panel svg.pg-decision")
        expect(chart).to_be_visible(timeout=STEP_TIMEOUT)
        for term in LAB_TERMS:
            for option in ("race", "pause"):
                bar = chart.locator(f"rect[data-term={term}][data-option={option}]")
                expect(bar).to_have_count(1)
        expect(chart).to_contain_text("chance of PAUSE when it revises")
        page.locator(".pg-coalition [data-agent=US] text").click()
        chart = page.locator(".pg-decision-panel svg.pg-decision")
        for term in STATE_TERMS:
            expect(chart.locator(f"rect[data-term={term}][data-option=in]")).to_have_count(1)
        assert problems.console == []
    finally:
        page.context.close()


def test_the_path_timeline_appears_under_the_coalition_once_the_run_stands_still(
    browser: Browser, ui_server: str
):
    page, problems = open_ui(browser, ui_server)
    try:
        step(page)
        timeline = page.locator(".pg-path-timeline svg[aria-label='equilibrium path']")
        expect(timeline).to_be_visible(timeout=STEP_TIMEOUT)
        expect(page.locator(".pg-path-timeline")).to_contain_text("equilibria --path")
        assert problems.console == []
    finally:
        page.context.close()
