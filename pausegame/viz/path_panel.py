"""The equilibrium path of the run on screen, for the timeline under the coalition view.

Months 0..now of the session's seed are analysed as `pausegame equilibria --path --seed`
analyses them, in short pieces through the server-wide gate (`player.GATE`), so one tab's
timeline never stalls another tab's Step; `stop` abandons the work when the run moves.
A session's `PathMemo` keeps the months already analysed, so each stop analyses only the
months stepped since the last (at month 120, about 8 s of kernel work becomes none).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from pausegame.experiments import path
from pausegame.sim.scenario import Scenario
from pausegame.viz import player
from pausegame.viz.path_timeline import path_timeline_svg

MONTHS_PER_PIECE = 2  # about 0.15 s of kernel work per piece on 2 cores


@dataclass
class PathMemo:
    """The months of one run (scenario and seed) analysed so far: every month's analysis
    depends only on the run, so a later stop of the same run reuses them."""

    run: tuple[Scenario, int] | None = None
    months: list[path.PathMonth] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def known(self, run: tuple[Scenario, int]) -> list[path.PathMonth]:
        with self.lock:
            return list(self.months) if self.run == run else []

    def keep(self, run: tuple[Scenario, int], months: list[path.PathMonth]) -> None:
        with self.lock:
            if self.run != run or len(months) > len(self.months):
                self.run, self.months = run, list(months)


def path_timeline_html(
    scenario: Scenario,
    seed: int,
    step: int,
    stop: threading.Event,
    memo: PathMemo | None = None,
    width: int = 640,
) -> str | None:
    """The timeline SVG of months 0..`step` of run `seed`, or None if `stop` was set."""
    memo = PathMemo() if memo is None else memo
    run = (scenario, seed)
    with player.GATE:
        positions = path.run_positions(scenario, seed, step)
    structure, params = scenario.structure(), scenario.params
    months = memo.known(run)[: len(positions)]
    for start in range(len(months), len(positions), MONTHS_PER_PIECE):
        if stop.is_set():
            return None
        with player.GATE:
            piece = positions[start : start + MONTHS_PER_PIECE]
            months += path.analyse_positions(structure, params, piece)
        memo.keep(run, months)  # kept even if the run moves before the last piece
    records = path.path_report(scenario, months, seed)["months"]
    return path_timeline_svg(records, width=width, current_step=step)
