"""The equilibrium path of the run on screen, for the timeline under the coalition view.

Months 0..now of the session's seed are analysed as `pausegame equilibria --path --seed`
analyses them, in short pieces through the server-wide gate (`player.GATE`), so one tab's
timeline never stalls another tab's Step; `stop` abandons the work when the run moves.
"""

from __future__ import annotations

import threading

from pausegame.experiments import path
from pausegame.sim.scenario import Scenario
from pausegame.viz import player
from pausegame.viz.path_timeline import path_timeline_svg

MONTHS_PER_PIECE = 2  # about 0.15 s of kernel work per piece on 2 cores


def path_timeline_html(
    scenario: Scenario, seed: int, step: int, stop: threading.Event, width: int = 640
) -> str | None:
    """The timeline SVG of months 0..`step` of run `seed`, or None if `stop` was set."""
    with player.GATE:
        positions = path.run_positions(scenario, seed, step)
    structure, params = scenario.structure(), scenario.params
    months: list[path.PathMonth] = []
    for start in range(0, len(positions), MONTHS_PER_PIECE):
        if stop.is_set():
            return None
        with player.GATE:
            piece = positions[start : start + MONTHS_PER_PIECE]
            months += path.analyse_positions(structure, params, piece)
    records = path.path_report(scenario, months, seed)["months"]
    return path_timeline_svg(records, width=width, current_step=step)
