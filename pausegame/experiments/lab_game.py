"""The lab game G(S) (MODEL.md section 5.1) and how the labs' play of it is chosen.

For a treaty member set S the labs play G(S): actions RACE (0) and PAUSE (1), payoffs the
kernel's lookahead utilities with the profile held for `params.lookahead` steps, the very
numbers best-response agents compare. All 2^S games come from batched kernel calls.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from pausegame.errors import InputError
from pausegame.experiments import games
from pausegame.sim import kernel
from pausegame.sim.engine.anticipation import settle_own_labs
from pausegame.sim.kernel import Structure, WorldState

RACE, PAUSE = 0, 1
ACTION_NAMES = ("RACE", "PAUSE")

# How the labs' play of G(S) is chosen. The first three pick an equilibrium of G(S); the
# last is the agents' own anticipation (only the deciding state's labs respond).
SELECTIONS = ("dynamics", "welfare", "worst", "anticipation")
EQUILIBRIUM_SELECTIONS = ("dynamics", "welfare", "worst")

# The treaty game evaluates 2^S x 2^L profiles; past this many it would take minutes and GiBs.
MAX_TREATY_PROFILES = 2**18
# Profiles per kernel call: keeps the lookahead's temporaries to a few hundred MiB.
PROFILES_PER_CALL = 2**16


def lab_profiles(n_labs: int) -> np.ndarray:
    """(2^L, L) bool, every lab profile (True = PAUSE) in the tensor's C order (lab 0 first)."""
    return np.array(list(itertools.product((False, True), repeat=n_labs)), dtype=bool).reshape(
        2**n_labs, n_labs
    )


def member_sets(n_states: int) -> np.ndarray:
    """(2^S, S) bool, every treaty member set in C order (state 0 first); row 0 is empty."""
    return lab_profiles(n_states)


def set_index(members: Any) -> int:
    """The row of `member_sets` (or `lab_profiles`) that equals `members`."""
    index = 0
    for bit in np.asarray(members, dtype=bool):
        index = 2 * index + int(bit)
    return index


def named(names: Sequence[str], mask: Any) -> list[str]:
    """The names whose entry of the boolean `mask` is set (labs pausing, treaty members)."""
    return [n for n, on in zip(names, np.asarray(mask, dtype=bool), strict=True) if on]


@dataclass(frozen=True)
class LabGame:
    """The lab game G(S) from one state: payoffs[i, a_1..a_L], as games.py expects them.

    state_payoffs[k, a] and catastrophe[a] are the states' lookahead utilities and the chance
    of a catastrophe within the lookahead under the same held profile.
    """

    payoffs: np.ndarray  # (L, 2, ..., 2)
    state_payoffs: np.ndarray  # (S, 2, ..., 2)
    catastrophe: np.ndarray  # (2, ..., 2)
    members: np.ndarray  # (S,) bool
    revenue: np.ndarray | None = None  # (L, 2, ..., 2) the labs' revenue within `payoffs`

    @property
    def n_labs(self) -> int:
        return self.payoffs.shape[0]

    def lab_welfare(self) -> np.ndarray:
        """(2, ..., 2) the labs' summed utility at every profile."""
        return self.payoffs.sum(axis=0)

    def world_welfare(self) -> np.ndarray:
        """(2, ..., 2) every decision maker's utility summed, each dollar counted once.

        A state's payoff already includes its labs' revenue, so the labs add only what is
        theirs alone (affinity, compute, fines, their perceived loss): their utility minus
        their revenue.
        """
        revenue = 0.0 if self.revenue is None else self.revenue.sum(axis=0)
        return self.state_payoffs.sum(axis=0) + self.payoffs.sum(axis=0) - revenue


def check_size(structure: Structure, n_sets: int) -> None:
    profiles = n_sets * 2**structure.n_labs
    if profiles > MAX_TREATY_PROFILES:
        raise InputError(
            f"the game has {structure.n_labs} labs and {n_sets} treaty member sets, "
            f"{profiles} profiles in all, over the limit of {MAX_TREATY_PROFILES} (2^18); "
            "analyse a scenario with fewer labs or states"
        )


def lab_games(
    structure: Structure, params: Any, state: WorldState, members: np.ndarray
) -> list[LabGame]:
    """G(S) for each row S of `members` (M, S), all profiles of all games in few kernel calls."""
    members = np.atleast_2d(np.asarray(members, dtype=bool))
    check_size(structure, len(members))
    profiles = lab_profiles(structure.n_labs)
    sets_per_call = max(1, PROFILES_PER_CALL // len(profiles))
    result: list[LabGame] = []
    for start in range(0, len(members), sets_per_call):
        chunk = members[start : start + sets_per_call]
        ahead = kernel.lookahead(
            state,
            profiles[None, :, :],
            chunk[:, None, :],
            structure,
            params,
            params.lookahead,
            params.discount,
        )
        for m, row in enumerate(chunk):
            result.append(
                game_from_rows(
                    ahead.lab[m], ahead.state[m], ahead.catastrophe[m], row, ahead.revenue[m]
                )
            )
    return result


def game_from_rows(
    lab: np.ndarray,
    state: np.ndarray,
    catastrophe: np.ndarray,
    members: np.ndarray,
    revenue: np.ndarray | None = None,
) -> LabGame:
    """G(S) from lookahead rows over `lab_profiles` order: lab and revenue (2^L, L), state
    (2^L, S)."""
    n_labs = lab.shape[-1]
    shape = (2,) * n_labs
    return LabGame(
        payoffs=np.moveaxis(lab.reshape(*shape, n_labs), -1, 0),
        state_payoffs=np.moveaxis(state.reshape(*shape, state.shape[-1]), -1, 0),
        catastrophe=catastrophe.reshape(shape),
        members=np.array(members, dtype=bool),
        revenue=None if revenue is None else np.moveaxis(revenue.reshape(*shape, n_labs), -1, 0),
    )


def lab_game(structure: Structure, params: Any, state: WorldState, members: Any) -> LabGame:
    """The lab game G(S) for one member set S, (S,) bool, from `state`."""
    return lab_games(structure, params, state, np.asarray(members, dtype=bool)[None, :])[0]


# ----- choosing the labs' play of G(S) ---------------------------------------------------------


def tolerance(values: np.ndarray) -> float:
    """Gains below this are ties: payoffs in $B are compared to nine significant digits."""
    return 1e-9 * max(1.0, float(np.abs(values).max()))


@dataclass(frozen=True)
class Selection:
    """The lab profile a selection rule picks in G(S), and how it got there."""

    profile: tuple[int, ...]
    method: str  # e.g. "best-response dynamics", "fallback: ...", "no pure equilibrium: ..."
    equilibrium: bool  # a pure Nash equilibrium of G(S) (False only when G(S) has none)


def best_response_dynamics(
    payoffs: np.ndarray, start: tuple[int, ...], tol: float
) -> tuple[int, ...] | None:
    """Round-robin strict best responses (labs in index order) from `start`.

    Returns the profile where a full round changes nothing (a pure equilibrium), or None when
    the play returns to a profile it already left at the start of a round (a cycle).
    """
    profile = list(start)
    seen: set[tuple[int, ...]] = set()
    while tuple(profile) not in seen:
        seen.add(tuple(profile))
        moved = False
        for lab in range(len(profile)):
            here = payoffs[(lab, *profile)]
            profile[lab] = 1 - profile[lab]
            there = payoffs[(lab, *profile)]
            if there > here + tol:
                moved = True
            else:
                profile[lab] = 1 - profile[lab]
        if not moved:
            return tuple(profile)
    return None


def _extreme_equilibrium(game: LabGame, best: bool, tol: float) -> Selection | None:
    equilibria = games.pure_equilibria(game.payoffs, tol)
    if not equilibria:
        return None
    welfare = game.lab_welfare()
    values = [welfare[e] for e in equilibria]
    # Ties go to the first in lexicographic order (racing labs first), for reproducible output.
    pick = int(np.argmax(values) if best else np.argmin(values))
    kind = "welfare-best" if best else "welfare-worst"
    return Selection(equilibria[pick], f"{kind} pure equilibrium", True)


def _least_regret(game: LabGame) -> Selection:
    regrets = games.regret(game.payoffs)
    profile = tuple(int(a) for a in np.unravel_index(int(np.argmin(regrets)), regrets.shape))
    return Selection(profile, "no pure equilibrium: least-regret profile", False)


def profile_utilities(payoffs: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Every lab's utility at candidate profiles (..., L) read off G(S), for `settle_own_labs`."""
    by_profile = np.moveaxis(payoffs, 0, -1)  # (2, ..., 2, L)

    def utilities(candidates: np.ndarray) -> np.ndarray:
        return by_profile[tuple(np.moveaxis(candidates.astype(np.intp), -1, 0))]

    return utilities


def anticipated_profile(game: LabGame, start: tuple[int, ...], own: np.ndarray) -> tuple[int, ...]:
    """The agents' anticipation (`settle_own_labs`) read off G(S); other labs keep `start`."""
    settled = settle_own_labs(np.array([start], dtype=bool), own, profile_utilities(game.payoffs))
    return tuple(int(a) for a in settled[0])


def select(game: LabGame, rule: str, start: tuple[int, ...]) -> Selection:
    """The lab profile of G(S) chosen by `rule` (one of EQUILIBRIUM_SELECTIONS).

    dynamics: where round-robin best responses from `start` settle; if they cycle, the
    welfare-best pure equilibrium. welfare / worst: the pure equilibrium with the most / least
    lab welfare. With no pure equilibrium, every rule falls back to the least-regret profile.
    """
    tol = tolerance(game.payoffs)
    if rule == "dynamics":
        settled = best_response_dynamics(game.payoffs, start, tol)
        if settled is not None:
            return Selection(settled, "best-response dynamics", True)
        fallback = _extreme_equilibrium(game, True, tol)
        if fallback is not None:
            return Selection(
                fallback.profile, "fallback: dynamics cycle, welfare-best pure equilibrium", True
            )
        return _least_regret(game)
    if rule in ("welfare", "worst"):
        return _extreme_equilibrium(game, rule == "welfare", tol) or _least_regret(game)
    raise InputError(f"selection {rule!r}: expected one of {', '.join(EQUILIBRIUM_SELECTIONS)}")
