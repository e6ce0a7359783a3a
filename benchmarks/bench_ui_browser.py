"""The web UI as a visitor's browser sees it: a real `pausegame ui` server and headless Chromium.

Prints, side by side from one run:
- Step click to repaint (ms, measured in the page: click, new month in the DOM, next frame)
  beside the server-side cost of the same step (model step + lab game + every view);
- months per second delivered by Play at each speed setting, measured from the month the
  page shows over time, and the longest gap between two repaints;
- Step latency in one tab while N other tabs play (the bound one visitor's load puts on
  another), and the server's memory after N tabs are opened and closed.

    python -m benchmarks.bench_ui_browser [--clicks 20] [--play-seconds 4] [--tabs 8]
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from playwright.sync_api import Page, sync_playwright

from benchmarks.timing import describe
from pausegame.commands.ui import stop_process
from pausegame.sim.scenario import load_scenario
from pausegame.viz import server
from pausegame.viz.app import SPEEDS
from pausegame.viz.equilibrium_panel import lab_game_report
from pausegame.viz.session import LiveRun
from pausegame.viz.views import draw, layout_for
from tests.viz.page_scripts import WATCH_MONTHS

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 800}

# Click Step, wait for the month in the status line to change, then for the next frame.
STEP_TO_REPAINT = """() => new Promise(resolve => {
    const status = () => document.querySelector('.pg-status').innerText;
    const before = status();
    const began = performance.now();
    const watch = new MutationObserver(() => {
        if (status() !== before) {
            watch.disconnect();
            requestAnimationFrame(() => resolve(performance.now() - began));
        }
    });
    watch.observe(document.body, {subtree: true, childList: true, characterData: true});
    document.querySelector('.pg-step-button').click();
})"""


def server_step_ms(steps: int = 60) -> float:
    """Median ms of one step on the server: model step, snapshot, lab game and every view."""
    scenario = load_scenario("article")
    run, where, times = LiveRun(scenario, 0), layout_for(scenario), []
    for _ in range(steps):
        began = time.perf_counter()
        if not run.step():
            break
        view = run.view()
        draw(view, where, lab_game_report(view.position))
        times.append(1000 * (time.perf_counter() - began))
    return statistics.median(times)


def open_tab(browser, address: str) -> Page:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(address)
    page.wait_for_selector(".pg-status", timeout=120_000)
    page.wait_for_function(
        "() => document.querySelector('.pg-status').innerText.startsWith('Month 0')"
    )
    return page


def step_latencies(page: Page, clicks: int) -> list[float]:
    times = []
    for _ in range(clicks):
        times.append(page.evaluate(STEP_TO_REPAINT))
        page.wait_for_timeout(300)  # a visitor's pace: let the treaty analysis land
    return times


def reset(page: Page) -> None:
    page.locator(".pg-reset").click()
    page.wait_for_function(
        "() => document.querySelector('.pg-status').innerText.startsWith('Month 0')"
    )


def play_rate(page: Page, speed_index: int, seconds: float) -> tuple[float, float]:
    """(months per second delivered, longest gap between repaints in s) at one speed."""
    reset(page)
    set_speed(page, speed_index)
    page.locator(".pg-play").click()
    page.wait_for_timeout(700)  # the first frames include the thread's start
    seen = page.evaluate(WATCH_MONTHS, seconds)
    if page.locator(".pg-play").inner_text().strip().lower() == "pause":
        page.locator(".pg-play").click()
    if len(seen) < 2:
        return 0.0, seconds
    (t0, m0), (t1, m1) = seen[0], seen[-1]
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(seen)]
    return (m1 - m0) / ((t1 - t0) / 1000), max(gaps) / 1000


def set_speed(page: Page, index: int) -> None:
    """Move the speed slider with the keyboard and wait for the page to show the setting."""
    page.locator(".pg-speed [role=slider]").focus()
    page.keyboard.press("Home")
    for _ in range(index):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "text => document.querySelector('.pg-speed-label').innerText.includes(text)",
        arg=f"speed: {SPEEDS[index]} months/s",
    )


def rss_mib(pid: int) -> float:
    return sum(c.memory_info().rss for c in psutil.Process(pid).children(recursive=True)) / 2**20


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--play-seconds", type=float, default=4.0)
    parser.add_argument("--tabs", type=int, default=8, help="tabs playing / opened and closed")
    args = parser.parse_args(argv)
    print(f"server-side step (model + lab game + views): median {server_step_ms():5.1f} ms")
    port = server.free_port()
    log = Path(tempfile.gettempdir()) / f"bench-ui-{port}.log"
    env = {**os.environ, "SOLARA_KERNEL_CULL_TIMEOUT": "2s"}
    script = Path(sys.executable).with_name("pausegame")
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(script), "ui", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env
        )
    try:
        address = server.url("127.0.0.1", port)
        while "pausegame UI:" not in log.read_text():
            if process.poll() is not None:
                raise SystemExit(log.read_text())
            time.sleep(0.3)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = open_tab(browser, address)
            page.context.close()
            time.sleep(6)
            memory_start = rss_mib(process.pid)
            page = open_tab(browser, address)
            clicks = describe(step_latencies(page, args.clicks), decimals=0)
            print(f"Step click to repaint, one tab:           {clicks}")
            print("Play: setting -> delivered months/s (longest gap between repaints)")
            for index, speed in enumerate(SPEEDS):
                rate, gap = play_rate(page, index, args.play_seconds)
                off = 100 * (rate - speed) / speed
                print(f"  {speed:>3} months/s -> {rate:5.1f} ({off:+5.1f}%), gap {gap:4.2f} s")
            reset(page)
            others = [open_tab(browser, address) for _ in range(args.tabs)]
            for other in others:
                set_speed(other, 2)
                other.locator(".pg-play").click()
            page.wait_for_timeout(2000)
            loaded = describe(step_latencies(page, args.clicks), decimals=0)
            print(f"Step click to repaint, {args.tabs} tabs playing:  {loaded}")
            for other in others:
                other.context.close()
            page.context.close()
            peak = rss_mib(process.pid)
            deadline, now = time.monotonic() + 120, peak
            while time.monotonic() < deadline and now > 1.10 * memory_start:
                time.sleep(3)
                now = rss_mib(process.pid)
            print(
                f"server memory: {memory_start:.0f} MiB at start, {peak:.0f} MiB with"
                f" {args.tabs + 1} tabs opened, {now:.0f} MiB after they closed"
                f" ({100 * (now - memory_start) / memory_start:+.1f}%)"
            )
            browser.close()
    finally:
        stop_process(process, grace=30)


if __name__ == "__main__":
    main()
