"""The scenario's two-level game (MODEL.md section 5): the treaty game over the lab games.

For every treaty member set S, the labs play one outcome of their game G(S) (`lab_game`),
chosen by a stated selection rule, and each state then gets W_k(S); a treaty is stable when
no member gains by leaving and no outsider by joining (d'Aspremont et al. 1983; Barrett
1994).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pausegame.errors import InputError
from pausegame.experiments import games
from pausegame.experiments.lab_game import (
    ACTION_NAMES,
    EQUILIBRIUM_SELECTIONS,
    PAUSE,
    RACE,
    SELECTIONS,
    LabGame,
    Selection,
    anticipated_profile,
    best_response_dynamics,
    check_size,
    lab_game,
    lab_games,
    member_sets,
    named,
    select,
    set_index,
    tolerance,
)
from pausegame.sim import kernel
from pausegame.sim.engine import simulate_runs
from pausegame.sim.kernel import Structure, WorldState

# The lab game's names are part of this module's interface too.
__all__ = [
    "ACTION_NAMES", "EQUILIBRIUM_SELECTIONS", "PAUSE", "RACE", "SELECTIONS", "LabGame",
    "Position", "Selection", "Treaty", "TreatyGame", "analyse_scenario", "analyse_treaties",
    "best_response_dynamics", "lab_game", "lab_games", "member_sets", "position", "run_position",
    "select", "set_index", "tolerance", "treaty_game", "treaty_record", "treaty_report",
]  # fmt: skip

# ----- the treaty game ----------------------------------------------------------------------


@dataclass(frozen=True)
class Treaty:
    """One member set S with the labs' selected play of G(S) and its stability."""

    members: np.ndarray  # (S,) bool
    selection: Selection
    state_utilities: np.ndarray  # (S,) under the selected profile
    lab_utilities: np.ndarray  # (L,)
    catastrophe: float  # probability of a catastrophe within the lookahead
    violators: np.ndarray  # (L,) bool: required to pause by the treaty, racing anyway
    payoffs: np.ndarray  # (S,) W_k(S): what each state weighs when deciding about S
    internally_stable: bool
    externally_stable: bool
    world_welfare: float = float("nan")  # states and labs, the labs' revenue counted once

    @property
    def stable(self) -> bool:
        return self.internally_stable and self.externally_stable

    @property
    def profile(self) -> tuple[int, ...]:
        return self.selection.profile


@dataclass(frozen=True)
class TreatyGame:
    """Every treaty S (in member_sets order), with the selected lab play and stability."""

    structure: Structure
    selection: str
    start_profile: np.ndarray  # (L,) bool: the lab profile play starts from
    start_members: np.ndarray  # (S,) bool: the current treaty
    games: list[LabGame]
    treaties: list[Treaty]
    stable_by_rule: dict[str, list[int]]  # set indices of stable treaties under each rule
    selection_matters: list[int]  # set indices where the equilibrium rules pick different play

    @property
    def stable(self) -> list[Treaty]:
        return [t for t in self.treaties if t.stable]

    @property
    def current_game(self) -> LabGame:
        """G(S) for the treaty in force now."""
        return self.games[set_index(self.start_members)]

    @property
    def global_pause_stable(self) -> bool:
        """The full treaty is stable and every lab pauses under it."""
        full = self.treaties[-1]
        return full.stable and all(a == PAUSE for a in full.profile)

    def social_optimum(self) -> tuple[np.ndarray, tuple[int, ...], float]:
        """(members, lab profile, states' welfare) maximising the states' summed utility."""
        welfares = np.array([g.state_payoffs.sum(axis=0).max() for g in self.games])
        best = int(np.argmax(welfares))
        welfare = self.games[best].state_payoffs.sum(axis=0)
        profile = np.unravel_index(int(np.argmax(welfare)), welfare.shape)
        return self.games[best].members, tuple(int(a) for a in profile), float(welfares[best])


def _stability(payoffs: np.ndarray, sets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(internal, external) stability of every member set given W[set, state]."""
    tol = tolerance(payoffs)
    n_sets, n_states = payoffs.shape
    internal = np.ones(n_sets, dtype=bool)
    external = np.ones(n_sets, dtype=bool)
    for s, members in enumerate(sets):
        for k in range(n_states):
            flipped = members.copy()
            flipped[k] = not members[k]
            other = set_index(flipped)
            if payoffs[other, k] > payoffs[s, k] + tol:  # k strictly gains by switching
                if members[k]:
                    internal[s] = False
                else:
                    external[s] = False
    return internal, external


def _selected_payoffs(all_games: list[LabGame], chosen: list[Selection]) -> np.ndarray:
    """W[set, state]: each state's utility at the profile selected in each set's game."""
    return np.array(
        [g.state_payoffs[(slice(None), *c.profile)] for g, c in zip(all_games, chosen, strict=True)]
    )


def _violators(
    structure: Structure, params: Any, members: np.ndarray, profile: tuple[int, ...]
) -> np.ndarray:
    binding = kernel.treaty_binding(members, params)
    required = kernel.labs_required(members, binding, structure)
    return required & (np.asarray(profile) == RACE)


def analyse_treaties(
    structure: Structure,
    params: Any,
    state: WorldState,
    pausing: Any,
    members: Any,
    selection: str = "dynamics",
) -> TreatyGame:
    """The treaty game from `state`, labs currently playing `pausing`, treaty `members` in force.

    Every member set's lab game comes from one batched kernel call. Under an equilibrium
    rule each state's payoff W_k(S) is its utility at the selected profile of G(S). Under
    "anticipation", W_k(S) is its utility after only its own labs best-respond to S from the
    current profile (as the agents reason), and the profile reported for S combines every
    state's labs' anticipated responses.
    """
    if selection not in SELECTIONS:
        raise InputError(f"selection {selection!r}: expected one of {', '.join(SELECTIONS)}")
    check_size(structure, 2**structure.n_states)  # before 2^S sets are listed, not after
    sets = member_sets(structure.n_states)
    all_games = lab_games(structure, params, state, sets)
    return treaty_game(structure, params, all_games, pausing, members, selection)


def treaty_game(
    structure: Structure,
    params: Any,
    all_games: list[LabGame],
    pausing: Any,
    members: Any,
    selection: str = "dynamics",
) -> TreatyGame:
    """The treaty game over lab games already built, one per row of `member_sets`.

    `analyse_treaties` builds the games from one state; the equilibrium path builds those
    of many months in one kernel call and hands each month's here.
    """
    if selection not in SELECTIONS:
        raise InputError(f"selection {selection!r}: expected one of {', '.join(SELECTIONS)}")
    sets = member_sets(structure.n_states)
    start = tuple(int(a) for a in np.asarray(pausing, dtype=bool))
    by_rule = {rule: [select(g, rule, start) for g in all_games] for rule in EQUILIBRIUM_SELECTIONS}
    analysed = {}  # rule: (chosen play, payoffs, internal, external stability)
    for rule, chosen in by_rule.items():
        payoffs = _selected_payoffs(all_games, chosen)
        analysed[rule] = (chosen, payoffs, *_stability(payoffs, sets))
    matters = [
        s
        for s in range(len(sets))
        if len({by_rule[rule][s].profile for rule in EQUILIBRIUM_SELECTIONS}) > 1
    ]

    if selection == "anticipation":
        chosen, payoffs = _anticipation(structure, all_games, start)
        analysed[selection] = (chosen, payoffs, *_stability(payoffs, sets))
    chosen, payoffs, internal, external = analysed[selection]
    stable_by_rule = {
        rule: [int(s) for s in np.flatnonzero(inside & outside)]
        for rule, (_, _, inside, outside) in analysed.items()
    }
    treaties = []
    for s, (g, choice) in enumerate(zip(all_games, chosen, strict=True)):
        at = (slice(None), *choice.profile)
        treaties.append(
            Treaty(
                members=sets[s],
                selection=choice,
                state_utilities=g.state_payoffs[at].copy(),
                lab_utilities=g.payoffs[at].copy(),
                catastrophe=float(g.catastrophe[choice.profile]),
                violators=_violators(structure, params, sets[s], choice.profile),
                payoffs=payoffs[s],
                internally_stable=bool(internal[s]),
                externally_stable=bool(external[s]),
                world_welfare=float(g.world_welfare()[choice.profile]),
            )
        )
    return TreatyGame(
        structure,
        selection,
        np.asarray(pausing, dtype=bool).copy(),
        np.asarray(members, dtype=bool).copy(),
        all_games,
        treaties,
        stable_by_rule,
        matters,
    )


def _anticipation(
    structure: Structure, all_games: list[LabGame], start: tuple[int, ...]
) -> tuple[list[Selection], np.ndarray]:
    """Per set: the combined anticipated profile, and W[s, k] from state k's own anticipation."""
    n_states = structure.n_states
    payoffs = np.empty((len(all_games), n_states))
    chosen = []
    tol_games = [tolerance(g.payoffs) for g in all_games]
    for s, g in enumerate(all_games):
        combined = list(start)
        for k in range(n_states):
            own = np.flatnonzero(structure.lab_state == k)
            profile = anticipated_profile(g, start, own)
            payoffs[s, k] = g.state_payoffs[(k, *profile)]
            for lab in own:
                combined[lab] = profile[lab]
        combined_profile = tuple(combined)
        is_equilibrium = bool(games.regret(g.payoffs)[combined_profile] <= tol_games[s])
        chosen.append(
            Selection(
                combined_profile, "each state's labs anticipate (agents' rule)", is_equilibrium
            )
        )
    return chosen, payoffs


# ----- from a scenario, and as JSON ---------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """Where the analysis starts: the public state agents plan from and the current play."""

    state: WorldState
    pausing: np.ndarray  # (L,) bool
    members: np.ndarray  # (S,) bool
    step: int  # months simulated to get here (0: the scenario's start)
    seed: int | None  # the run's seed, None at the scenario's start
    catastrophe_step: int | None  # the run ended in a catastrophe before reaching `step`


def position(scenario: Any, at_step: int | None = None, seed: int = 0) -> Position:
    """The scenario's start, or the state after `at_step` months of run `seed`."""
    if at_step is None:
        pausing, members = scenario.initial_profile()
        return Position(scenario.initial_state(), pausing, members, 0, None, None)
    if at_step < 0:
        raise InputError(f"--at-step {at_step}: expected a number of months >= 0")
    return run_position(simulate_runs(scenario, [{}], [(0, seed)], at_step)[0], seed)


def run_position(run: Any, seed: int) -> Position:
    """Where run `seed` stands: its record's planning state, play and month."""
    return Position(
        run.planning_state(),
        run.pausing.copy(),
        run.member.copy(),
        run.steps,
        seed,
        run.catastrophe_step,
    )


def analyse_scenario(
    scenario: Any, selection: str = "dynamics", at_step: int | None = None, seed: int = 0
) -> tuple[TreatyGame, Position]:
    """The treaty game of a scenario from its start or from step `at_step` of run `seed`."""
    where = position(scenario, at_step, seed)
    game = analyse_treaties(
        scenario.structure(), scenario.params, where.state, where.pausing, where.members, selection
    )
    return game, where


def treaty_record(game: TreatyGame, treaty: Treaty) -> dict:
    """One treaty as JSON: members, the labs' play, who cheats, welfare, risk, stability."""
    structure = game.structure
    pausing = np.asarray(treaty.profile) == PAUSE
    state_welfare = float(treaty.state_utilities.sum())
    lab_welfare = float(treaty.lab_utilities.sum())
    return {
        "members": named(structure.state_names, treaty.members),
        "empty": not treaty.members.any(),
        "profile": list(treaty.profile),
        "pausing_labs": named(structure.lab_names, pausing),
        "racing_labs": named(structure.lab_names, ~pausing),
        "violators": named(structure.lab_names, treaty.violators),
        "selection_method": treaty.selection.method,
        "lab_equilibrium": treaty.selection.equilibrium,
        "welfare": state_welfare,
        "lab_welfare": lab_welfare,
        # Not welfare + lab_welfare: the states' welfare already holds their labs' revenue.
        "world_welfare": treaty.world_welfare,
        "catastrophe_probability": treaty.catastrophe,
        "state_payoffs": dict(zip(structure.state_names, map(float, treaty.payoffs), strict=True)),
        "internally_stable": treaty.internally_stable,
        "externally_stable": treaty.externally_stable,
    }


def treaty_report(game: TreatyGame, mixed: bool = True) -> dict:
    """JSON-ready account of the treaty game plus the lab game under the treaty in force.

    `players`, `pure_equilibria`, `mixed_equilibria`, `social_optimum` and the prices of
    anarchy and stability describe G(current members), the game the labs play now.
    """
    structure = game.structure
    current = game.current_game
    lab_summary = games.solve(
        current.payoffs,
        list(structure.lab_names),
        [list(ACTION_NAMES)] * structure.n_labs,
        mixed=mixed,
    )
    start = tuple(int(a) for a in game.start_profile)
    members, profile, welfare = game.social_optimum()
    sets = member_sets(structure.n_states)
    return {
        **lab_summary,
        "lab_game_members": named(structure.state_names, game.start_members),
        "current_profile": list(start),
        "current_regret": float(games.regret(current.payoffs)[start]),
        "selection": game.selection,
        "stable_treaties": [treaty_record(game, t) for t in game.stable],
        "global_pause_stable": game.global_pause_stable,
        "selection_matters": [
            named(structure.state_names, sets[s]) for s in game.selection_matters
        ],
        "stable_treaties_by_rule": {
            rule: [named(structure.state_names, sets[s]) for s in indices]
            for rule, indices in game.stable_by_rule.items()
        },
        "treaty_social_optimum": {
            "members": named(structure.state_names, members),
            "profile": list(profile),
            "pausing_labs": named(structure.lab_names, np.asarray(profile) == PAUSE),
            "welfare": welfare,
        },
        "treaties": [treaty_record(game, t) for t in game.treaties],
    }
