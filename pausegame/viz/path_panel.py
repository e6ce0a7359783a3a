"""The equilibrium path of the run on screen, for the timeline under the coalition view.

Months 0..now of the session's seed are analysed as `pausegame equilibria --path --seed`
analyses them, in short pieces through the server-wide gate (`player.GATE`), so one tab's
timeline never stalls another tab's Step; `stop` abandons the work when the run moves.
A session's `PathMemo` keeps the run and the months already analysed, so each stop steps
and analyses only the months since the last (at month 120, about 9 CPU s become 0.2).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator

from pausegame.experiments import path
from pausegame.sim.scenario import Scenario
from pausegame.viz import player
from pausegame.viz.path_timeline import path_timeline_svg

MONTHS_PER_PIECE = 2  # about 0.15 s of kernel work per piece on 2 cores
RUN_MONTHS_PER_PIECE = 20  # the run itself: about 0.13 s per piece


class PathMemo:
    """One run's (scenario and seed) months so far: its positions, the run that steps on
    from them, and the analysed months as the timeline's records (a few kB; the games would
    be about 84 MiB by month 120). Each month depends only on the run, so a later stop of
    the same run reuses them. Read and changed only under `player.GATE`."""

    def __init__(self) -> None:
        self.run: tuple[Scenario, int] | None = None
        self.records: list[dict] = []
        self.positions: list = []
        self.stream: Iterator | None = None  # None once the run has ended

    def of(self, scenario: Scenario, seed: int) -> PathMemo:
        """This memo, emptied first if it holds another run."""
        if self.run != (scenario, seed):
            self.run, self.records, self.positions = (scenario, seed), [], []
            self.stream = path.stepped_positions(scenario, seed)
        return self


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
    structure, params = scenario.structure(), scenario.params
    while True:  # the run, stepped on from the months kept
        if stop.is_set():
            return None
        with player.GATE:
            kept = memo.of(scenario, seed)
            if len(kept.positions) > step or kept.stream is None:
                positions = kept.positions[: step + 1]
                break
            more = list(itertools.islice(kept.stream, RUN_MONTHS_PER_PIECE))
            kept.positions = kept.positions + more
            if len(more) < RUN_MONTHS_PER_PIECE:
                kept.stream = None
    while True:  # the months not analysed yet
        if stop.is_set():
            return None
        with player.GATE:
            kept = memo.of(scenario, seed)
            records = kept.records[: len(positions)]
            if len(records) == len(positions):
                break
            piece = positions[len(records) : len(records) + MONTHS_PER_PIECE]
            analysed = path.analyse_positions(structure, params, piece)
            kept.records = records + [path.month_record(m) for m in analysed]
    return path_timeline_svg(records, width=width, current_step=step)
