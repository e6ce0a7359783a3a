"""Milliseconds per animated step of the web UI on the article scenario.

One animated step is what Play does every tick: step the model, snapshot it, compute the
lab game of the treaty in force (one batched kernel lookahead over every lab profile), and
rebuild every view of the page (coalition view, seven charts, equilibrium panel, event log,
parameters, and the A/B comparison charts when a run is pinned). Also timed: the same step
through Solara's whole component tree: Play at top speed, and the Page re-render after a Step
click (which also analyses the treaty game, since the run then stands still). Run with

    python -m benchmarks.bench_ui [--runs 3] [--steps 120] [--clicks 20] [--play-seconds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchmarks.timing import describe
from pausegame.sim.scenario import load_scenario
from pausegame.viz import charts
from pausegame.viz.equilibrium_panel import lab_game_report, treaty_game_report
from pausegame.viz.session import LiveRun
from pausegame.viz.views import draw, layout_for

BUDGET_MS = 100.0


def animated_steps(runs: int, steps: int) -> dict[str, list[float]]:
    """Per-step milliseconds of each part of an animated step, over whole runs."""
    scenario = load_scenario("article")
    where = layout_for(scenario)
    parts: dict[str, list[float]] = {
        "model step": [],
        "lab game": [],
        "views": [],
        "compare charts": [],
        "total": [],
    }
    for seed in range(runs):
        run = LiveRun(scenario, seed=seed)
        pinned = run.view().history
        for _ in range(steps):
            began = time.perf_counter()
            if not run.step():
                break
            view = run.view()
            stepped = time.perf_counter()
            report = lab_game_report(view.position)
            analysed = time.perf_counter()
            draw(view, where, report)
            drawn = time.perf_counter()
            charts.compare_coalition_chart(pinned, view.history)
            charts.compare_catastrophe_chart(pinned, view.history)
            done = time.perf_counter()
            for name, seconds in (
                ("model step", stepped - began),
                ("lab game", analysed - stepped),
                ("views", drawn - analysed),
                ("compare charts", done - drawn),
                ("total", done - began),
            ):
                parts[name].append(1000 * seconds)
    return parts


def treaty_game_ms(repeats: int = 5) -> float:
    """Median milliseconds of the stable-treaty analysis (done only when the run stands still)."""
    run = LiveRun(load_scenario("article"), seed=0)
    for _ in range(12):
        run.step()
    position = run.view().position
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        treaty_game_report(position)
        times.append(1000 * (time.perf_counter() - began))
    return statistics.median(times)


def page_clicks(clicks: int) -> list[float]:
    """Milliseconds from a Step click to the re-rendered Solara page, widgets updated."""
    import ipyvuetify as v
    import solara

    from pausegame.viz.app import Page

    _, found = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    times = []
    for _ in range(clicks):
        step = found.find(v.Btn, class_="pg-step-button").widget
        if step.disabled:
            break
        began = time.perf_counter()
        step.click()
        times.append(1000 * (time.perf_counter() - began))
    return times


def play_ms_per_month(seconds: float) -> tuple[float, float]:
    """(ms per month, the timer's interval) while Play runs the page at its top speed."""
    import re

    import ipyvuetify as v
    import solara

    from pausegame.viz.app import SPEEDS, Page

    _, found = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)

    def month() -> int:
        text = found.find(v.Html, class_="pg-status").widget.children[0]
        return int(re.match(r"Month (\d+)", text).group(1))

    speed = found.find(v.Slider, class_="pg-speed").widget
    speed.v_model = len(SPEEDS) - 1
    play = found.find(v.Btn, class_="pg-play").widget
    began, start = time.perf_counter(), month()
    play.click()
    time.sleep(seconds)
    found.find(v.Btn, class_="pg-play").widget.click()
    elapsed, months = time.perf_counter() - began, month() - start
    return 1000 * elapsed / max(months, 1), 1000 / SPEEDS[-1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steps", type=int, default=120)
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--play-seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    parts = animated_steps(args.runs, args.steps)
    print(
        f"article scenario, {args.runs} runs x up to {args.steps} steps "
        f"({len(parts['total'])} animated steps)"
    )
    for name, values in parts.items():
        print(f"  {name + ':':<16} {describe(values)}")
    verdict = "within" if statistics.median(parts["total"]) < BUDGET_MS else "OVER"
    print(f"  one animated step is {verdict} the {BUDGET_MS:.0f} ms budget")
    print(f"  treaty game (only while the run stands still): median {treaty_game_ms():6.1f} ms")
    per_month, interval = play_ms_per_month(args.play_seconds)
    print(
        f"  Play through the Solara page at top speed: {per_month:6.1f} ms per month "
        f"(the timer allows one month per {interval:.0f} ms)"
    )
    clicks = page_clicks(args.clicks)
    print(f"  Step click to re-rendered Solara page (incl. treaty game): {describe(clicks)}")


if __name__ == "__main__":
    main()
