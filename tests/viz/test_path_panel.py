"""The UI's path timeline is exactly the `equilibria --path --seed` analysis, drawn."""

from __future__ import annotations

import threading

from pausegame.experiments import path
from pausegame.sim.scenario import load_scenario
from pausegame.viz.path_panel import path_timeline_html
from pausegame.viz.path_timeline import path_timeline_svg


def test_the_timeline_draws_the_path_of_the_seed_to_this_month():
    scenario = load_scenario("article")
    months = path.equilibrium_path(scenario, seed=2, steps=5)
    expected = path_timeline_svg(path.path_report(scenario, months, 2)["months"], current_step=5)
    assert path_timeline_html(scenario, 2, 5, threading.Event()) == expected


def test_a_stopped_analysis_gives_nothing():
    stop = threading.Event()
    stop.set()
    assert path_timeline_html(load_scenario("article"), 0, 3, stop) is None
