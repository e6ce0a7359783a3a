"""The equilibrium path: the two-level game analysed at every month of a path, not only one.

The game moves over a run (the market grows, capabilities near the threshold, a Sputnik
moment multiplies perceived losses), so the stable treaties at the start need not be those
at month 60. A path is a sequence of positions (public state, current play): the *expected
path* holds the starting play under expected dynamics (no random draws, capabilities seen as
they are, no catastrophe drawn: the world if nobody changes course), and a run's path is
where run `seed` stood after each month. Every month's lab games come from the same kernel
call (the months are one more batch axis), and each month's treaty game is then exactly
what `treaty.analyse_treaties` gives from that position.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from pausegame.errors import InputError
from pausegame.experiments import games, treaty
from pausegame.experiments.lab_game import (
    LabGame,
    check_size,
    game_from_rows,
    lab_profiles,
    member_sets,
    named,
)
from pausegame.sim import kernel
from pausegame.sim.engine import Engine
from pausegame.sim.engine.inputs import run_inputs
from pausegame.sim.kernel import Structure, WorldState
from pausegame.sim.scenario import Scenario

Progress = Callable[[int, int], None]  # (months analysed, months in all)

#: Kernel rows per call: a few months of 2^S x 2^L profiles; small calls stay in cache.
MONTH_ROWS = 2**12
#: Threads for the months' kernel calls (more help only on an idle machine).
WORKERS = min(2, os.cpu_count() or 1)


# ----- positions along a path ---------------------------------------------------------------


def expected_positions(scenario: Scenario, steps: int | None = None) -> list[treaty.Position]:
    """Months 0..steps of the expected path: the starting play held, expected dynamics."""
    steps = scenario.steps if steps is None else _check_steps(steps)
    structure, params = scenario.structure(), scenario.params
    pausing, members = scenario.initial_profile()
    state = scenario.initial_state()
    positions = [treaty.Position(state, pausing, members, 0, None, None)]
    for step in range(1, steps + 1):
        state = kernel.transition(state, pausing, members, structure, params).state
        positions.append(treaty.Position(state, pausing, members, step, None, None))
    return positions


def run_positions(scenario: Scenario, seed: int, steps: int | None = None) -> list[treaty.Position]:
    """Months 0..steps of run `seed`, each as `treaty.position(scenario, month, seed)` gives it.

    The run is stepped once; a catastrophe ends the path at its month.
    """
    steps = scenario.steps if steps is None else _check_steps(steps)
    return list(itertools.islice(stepped_positions(scenario, seed), steps + 1))


def stepped_positions(scenario: Scenario, seed: int) -> Iterator[treaty.Position]:
    """The months of run `seed` as `run_positions` lists them, the run stepped only as each
    is asked for (so a caller can take them a few at a time); a catastrophe ends them."""
    engine = Engine(run_inputs({0: scenario}, [(0, seed)]), scenario.steps, keep_finished=True)
    yield treaty.run_position(engine.record(0, 0), seed)
    for step in itertools.count(1):
        engine.step(step)
        finished = engine.finished[0]
        yield treaty.run_position(finished or engine.record(0, step), seed)
        if finished is not None:
            return


def _check_steps(steps: int) -> int:
    if steps < 0:
        raise InputError(f"--steps {steps}: expected a number of months >= 0")
    return int(steps)


# ----- every month's lab games in few kernel calls ------------------------------------------


def _stacked(states: Sequence[WorldState]) -> WorldState:
    """Months stacked on a leading axis, with room for the (set, profile) axes after it."""
    return WorldState(
        np.stack([np.asarray(s.capability, dtype=np.float64) for s in states])[:, None, None, :],
        np.array([float(s.open_source) for s in states])[:, None, None],
        np.array([int(s.step) for s in states])[:, None, None],
        np.array([float(s.loss_multiplier) for s in states])[:, None, None],
    )


def path_games(
    structure: Structure, params: Any, states: Sequence[WorldState], workers: int | None = None
) -> list[list[LabGame]]:
    """For each state, G(S) of every member set S (member_sets order), months batched.

    Calls of a few months each go to `workers` threads (default `WORKERS`; NumPy computes
    outside the GIL); the kernel is batch-invariant, so the games do not depend on how
    months are grouped or spread.
    """
    workers = WORKERS if workers is None else workers
    sets = member_sets(structure.n_states)
    check_size(structure, len(sets))
    profiles = lab_profiles(structure.n_labs)
    months_per_call = max(1, MONTH_ROWS // (len(sets) * len(profiles)))

    def games_of(start: int) -> list[list[LabGame]]:
        ahead = kernel.lookahead(
            _stacked(states[start : start + months_per_call]),
            profiles[None, None, :, :],
            sets[None, :, None, :],
            structure,
            params,
            params.lookahead,
            params.discount,
        )
        return [
            [
                game_from_rows(
                    ahead.lab[month, s],
                    ahead.state[month, s],
                    ahead.catastrophe[month, s],
                    row,
                    ahead.revenue[month, s],
                )
                for s, row in enumerate(sets)
            ]
            for month in range(ahead.lab.shape[0])
        ]

    starts = range(0, len(states), months_per_call)
    if workers > 1 and len(starts) > 1:
        with ThreadPoolExecutor(min(workers, len(starts))) as pool:
            chunks = list(pool.map(games_of, starts))
    else:
        chunks = [games_of(start) for start in starts]
    return [month for chunk in chunks for month in chunk]


# ----- the analysis of one month, and of a path ---------------------------------------------


@dataclass(frozen=True)
class PathMonth:
    """The two-level game at one month of a path, with what a timeline shows of it."""

    position: treaty.Position
    game: treaty.TreatyGame
    pure_equilibria: list[tuple[int, ...]]  # of G(treaty in force)
    current_regret: float  # of the current lab play in G(treaty in force)

    @property
    def step(self) -> int:
        return self.position.step

    @property
    def global_pause_stable(self) -> bool:
        return self.game.global_pause_stable

    @property
    def at_equilibrium(self) -> bool:
        payoffs = self.game.current_game.payoffs
        return self.current_regret <= treaty.tolerance(payoffs)


def analyse_month(
    structure: Structure,
    params: Any,
    position: treaty.Position,
    month_games: list[LabGame],
    selection: str = "dynamics",
) -> PathMonth:
    """One month: the treaty game over its lab games, the lab game in force and its regret."""
    game = treaty.treaty_game(
        structure, params, month_games, position.pausing, position.members, selection
    )
    current = game.current_game
    tol = treaty.tolerance(current.payoffs)
    profile = tuple(int(a) for a in np.asarray(position.pausing, dtype=bool))
    return PathMonth(
        position,
        game,
        games.pure_equilibria(current.payoffs, tol),
        float(games.regret(current.payoffs)[profile]),
    )


def analyse_positions(
    structure: Structure,
    params: Any,
    positions: Sequence[treaty.Position],
    selection: str = "dynamics",
    progress: Progress | None = None,
) -> list[PathMonth]:
    """The equilibrium path over any positions, e.g. the months a UI session has stepped."""
    if selection not in treaty.SELECTIONS:
        raise InputError(f"selection {selection!r}: expected one of {', '.join(treaty.SELECTIONS)}")
    every = path_games(structure, params, [p.state for p in positions])
    months = []
    for done, (position, month_games) in enumerate(zip(positions, every, strict=True), 1):
        months.append(analyse_month(structure, params, position, month_games, selection))
        if progress is not None:
            progress(done, len(positions))
    return months


def equilibrium_path(
    scenario: Scenario,
    seed: int | None = None,
    steps: int | None = None,
    selection: str = "dynamics",
    progress: Progress | None = None,
) -> list[PathMonth]:
    """The path of run `seed`, or with `seed` None the expected path, months 0..steps."""
    positions = (
        expected_positions(scenario, steps)
        if seed is None
        else run_positions(scenario, int(seed), steps)
    )
    return analyse_positions(scenario.structure(), scenario.params, positions, selection, progress)


# ----- as JSON ------------------------------------------------------------------------------


def month_record(month: PathMonth) -> dict:
    """One month as JSON: where the world stands, the stable treaties, the lab game in force."""
    structure = month.game.structure
    where = month.position
    state = where.state
    capability = np.asarray(state.capability, dtype=float)
    return {
        "step": where.step,
        "catastrophe_step": where.catastrophe_step,
        "frontier": float(capability.max()),
        "open_source": float(state.open_source),
        "loss_multiplier": float(state.loss_multiplier),
        "members": named(structure.state_names, where.members),
        "pausing_labs": named(structure.lab_names, where.pausing),
        "stable_treaties": [
            {
                "members": named(structure.state_names, t.members),
                "pausing_labs": named(structure.lab_names, np.asarray(t.profile) == 1),
                "violators": named(structure.lab_names, t.violators),
            }
            for t in month.game.stable
        ],
        "global_pause_stable": month.global_pause_stable,
        "pure_equilibria": [list(e) for e in month.pure_equilibria],
        "current_profile": [int(a) for a in np.asarray(where.pausing, dtype=bool)],
        "current_regret": month.current_regret,
        "at_lab_equilibrium": month.at_equilibrium,
    }


def path_report(scenario: Scenario, months: list[PathMonth], seed: int | None) -> dict:
    """The whole path as one JSON-ready object."""
    structure = scenario.structure()
    last = months[-1].position if months else None
    return {
        "scenario": scenario.name,
        "path": "expected" if seed is None else "run",
        "seed": seed,
        "selection": months[0].game.selection if months else None,
        "lab_names": list(structure.lab_names),
        "state_names": list(structure.state_names),
        "catastrophe_step": None if last is None else last.catastrophe_step,
        "months": [month_record(m) for m in months],
    }
