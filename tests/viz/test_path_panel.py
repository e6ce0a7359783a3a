"""The UI's path timeline is exactly the `equilibria --path --seed` analysis, drawn."""

from __future__ import annotations

import threading

from pausegame.experiments import path
from pausegame.sim.scenario import load_scenario
from pausegame.viz.path_panel import PathMemo, path_timeline_html
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


def test_a_later_stop_of_the_same_run_analyses_only_the_months_since(monkeypatch):
    scenario = load_scenario("article")
    analysed: list[int] = []
    real = path.analyse_positions

    def counting(structure, params, positions, *args, **kwargs):
        analysed.extend(p.step for p in positions)
        return real(structure, params, positions, *args, **kwargs)

    monkeypatch.setattr(path, "analyse_positions", counting)
    runs_started: list[int] = []
    stepped = path.stepped_positions
    monkeypatch.setattr(
        path, "stepped_positions", lambda s, seed: runs_started.append(seed) or stepped(s, seed)
    )
    memo = PathMemo()
    assert path_timeline_html(scenario, 2, 3, threading.Event(), memo) is not None
    assert analysed == [0, 1, 2, 3]
    later = path_timeline_html(scenario, 2, 7, threading.Event(), memo)
    assert analysed[4:] == [4, 5, 6, 7]
    assert runs_started == [2]  # the run stepped on from month 3, not run again
    assert later == path_timeline_html(scenario, 2, 7, threading.Event())  # as if analysed anew
    del analysed[:]
    earlier = path_timeline_html(scenario, 2, 5, threading.Event(), memo)  # stepped back
    assert analysed == []
    assert earlier == path_timeline_html(scenario, 2, 5, threading.Event())
    del analysed[:]
    path_timeline_html(load_scenario("article"), 2, 7, threading.Event(), memo)  # an equal copy
    assert analysed == []
    path_timeline_html(scenario, 3, 2, threading.Event(), memo)  # another seed: anew
    assert analysed == [0, 1, 2]
    del analysed[:]
    changed = scenario.with_overrides({"verification": 0.9})  # a live change: anew
    path_timeline_html(changed, 3, 1, threading.Event(), memo)
    assert analysed == [0, 1]
