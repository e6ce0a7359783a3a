"""The equilibrium path of the run on screen, for the timeline under the coalition view.

Months 0..now of the session's seed are analysed as `pausegame equilibria --path --seed`
analyses them, in short pieces through the server-wide gate (`player.GATE`), so one tab's
timeline never stalls another tab's Step; `stop` abandons the work when the run moves.
A session's `PathMemo` keeps the months already analysed, so each stop analyses only the
months stepped since the last (at month 120, about 8 s of kernel work becomes none).
"""

from __future__ import annotations

import threading

from pausegame.experiments import path
from pausegame.sim.scenario import Scenario
from pausegame.viz import player
from pausegame.viz.path_timeline import path_timeline_svg

MONTHS_PER_PIECE = 2  # about 0.15 s of kernel work per piece on 2 cores


class PathMemo:
    """The months of one run (scenario and seed) analysed so far, as the timeline's records
    (a few kB, not the games: about 84 MiB by month 120): every month's analysis depends
    only on the run, so a later stop of the same run reuses them. One attribute, replaced
    whole, so a thread never reads one run's months under another's key."""

    def __init__(self) -> None:
        self.kept: tuple[tuple[Scenario, int] | None, list[dict]] = (None, [])


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
    kept_run, kept = memo.kept
    records = kept[: len(positions)] if kept_run == run else []
    for start in range(len(records), len(positions), MONTHS_PER_PIECE):
        if stop.is_set():
            return None
        with player.GATE:
            piece = positions[start : start + MONTHS_PER_PIECE]
            records += map(path.month_record, path.analyse_positions(structure, params, piece))
        if len(records) > len(kept) or kept_run != run:  # kept even if the run moves on
            memo.kept = (run, list(records))
    return path_timeline_svg(records, width=width, current_step=step)
