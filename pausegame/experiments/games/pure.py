"""Payoff tensors: validation, regret, pure equilibria, welfare and dominance.

Player ``i``'s payoff when player ``j`` plays ``a_j`` is ``payoffs[i, a_1, ..., a_N]``.
"""

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from pausegame.errors import InputError

# 2**28 float64 entries is 2 GiB: the largest tensor the solvers may copy a few times over
# on a 24 GiB machine.
MAX_ENTRIES = 2**28

# Two-player enumeration solves about C(m + n, m) small linear systems; past this, solve() looks
# for one equilibrium instead of all of them.
MAX_BIMATRIX_SYSTEMS = 50_000


# A deviation must gain more than this (in payoff units) to break a pure equilibrium, so exact
# ties survive the rounding of payoffs computed by a model.
PURE_TOL = 1e-9


class GameError(InputError):
    """A payoff tensor, strategy profile or game file that does not describe a finite game."""


class SolverError(RuntimeError):
    """The equilibrium search stopped within its budget without a verified equilibrium."""


# --------------------------------------------------------------------------------------------
# The game itself
# --------------------------------------------------------------------------------------------


def validate_game(payoffs: Any) -> np.ndarray:
    """Return the payoff tensor as a finite float array of shape (N, m_1, ..., m_N).

    Raises GameError with one line naming the problem, so bad input fails before any solver runs.
    """
    try:
        array = np.asarray(payoffs)
    except (ValueError, TypeError):
        raise GameError("payoffs are not a rectangular array of numbers") from None
    if array.dtype == object or array.dtype.kind not in "biuf":
        raise GameError(f"payoffs must be numbers, got array of dtype {array.dtype}")
    check_shape(array.shape)
    n_players = array.shape[0]
    for player, count in enumerate(array.shape[1:]):
        if count < 1:
            raise GameError(f"player {player} has no actions (shape {array.shape})")
    entries = math.prod(array.shape)
    if entries > MAX_ENTRIES:
        raise GameError(
            f"game with N={n_players} players has {entries} payoff entries, "
            f"over the limit of {MAX_ENTRIES} (2**28)"
        )
    array = array.astype(float, copy=False)
    finite = np.isfinite(array)
    if not finite.all():
        where = tuple(int(i) for i in np.argwhere(~finite)[0])
        raise GameError(f"payoffs contain NaN or infinity (player {where[0]}, profile {where[1:]})")
    return array


def check_shape(shape: tuple[int, ...], where: str = "") -> None:
    """Refuse a shape that is not (N, m_1, ..., m_N): N players, one action axis each."""
    if len(shape) < 2:
        raise GameError(f"{where}payoffs must have shape (N, m_1, ..., m_N), got shape {shape}")
    if shape[0] != len(shape) - 1:
        raise GameError(
            f"{where}payoffs of shape {shape} list {shape[0]} players on the first axis "
            f"but have {len(shape) - 1} action axes; expected shape (N, m_1, ..., m_N)"
        )


def _scale(game: np.ndarray) -> float:
    """Payoff magnitude, so tolerances mean the same for payoffs in cents or in billions."""
    return max(1.0, float(np.abs(game).max()))


def deviation_gains(payoffs: Any) -> np.ndarray:
    """Each player's gain from its best unilateral deviation at every profile, shape of payoffs.

    gains[i, a] = max_b payoffs[i, a with a_i := b] - payoffs[i, a]: zero where a_i is a best reply.
    """
    game = validate_game(payoffs)
    gains = np.empty_like(game)
    for player in range(game.shape[0]):
        best = game[player].max(axis=player, keepdims=True)
        np.subtract(best, game[player], out=gains[player])
    return gains


def _regret(game: np.ndarray) -> np.ndarray:
    # One player at a time, so 20 players x 2**20 profiles never needs a second full tensor.
    worst = np.zeros(game.shape[1:])
    for player in range(game.shape[0]):
        gain = game[player].max(axis=player, keepdims=True) - game[player]
        np.maximum(worst, gain, out=worst)
    return worst


def regret(payoffs: Any) -> np.ndarray:
    """The largest gain any one player has from deviating, at every pure profile (>= 0).

    A profile is a Nash equilibrium exactly when its regret is zero.
    """
    return _regret(validate_game(payoffs))


def _profiles_below(regrets: np.ndarray, bound: float) -> list[tuple[int, ...]]:
    # argwhere walks the array in C order, which is lexicographic order of profiles.
    return [tuple(int(a) for a in row) for row in np.argwhere(regrets <= bound)]


def pure_equilibria(payoffs: Any, tol: float = PURE_TOL) -> list[tuple[int, ...]]:
    """All pure Nash equilibria (no player gains more than tol, in payoff units), lexicographic."""
    return _profiles_below(regret(payoffs), tol)


def epsilon_equilibria(payoffs: Any, eps: float) -> list[tuple[int, ...]]:
    """All pure eps-equilibria: profiles where no player can gain more than eps by deviating."""
    if not eps >= 0:
        raise ValueError(f"eps must be a non-negative number, got {eps}")
    return _profiles_below(regret(payoffs), eps)


# --------------------------------------------------------------------------------------------
# Mixed strategies
# --------------------------------------------------------------------------------------------


def _validate_strategies(game: np.ndarray, strategies: Any, atol: float = 1e-9) -> list[np.ndarray]:
    n_players = game.shape[0]
    if len(strategies) != n_players:
        raise GameError(f"expected {n_players} mixed strategies, got {len(strategies)}")
    checked = []
    for player, (strategy, count) in enumerate(zip(strategies, game.shape[1:], strict=True)):
        vector = np.asarray(strategy, dtype=float)
        if vector.shape != (count,):
            raise GameError(
                f"player {player}'s strategy has shape {vector.shape}, expected ({count},)"
            )
        if not np.isfinite(vector).all() or vector.min() < -atol:
            raise GameError(f"player {player}'s strategy has negative or non-finite entries")
        if abs(vector.sum() - 1.0) > atol * count:
            raise GameError(f"player {player}'s strategy sums to {vector.sum()}, not 1")
        checked.append(np.clip(vector, 0.0, None))
    return checked


def _contract(tensor: np.ndarray, strategies: Sequence[np.ndarray], keep: set[int]) -> np.ndarray:
    """Average `tensor` (one axis per player) over the mixed strategies of players not in keep."""
    # From the last axis down, so the index of every axis still to be contracted is unchanged.
    for player in range(len(strategies) - 1, -1, -1):
        if player not in keep:
            tensor = np.tensordot(tensor, strategies[player], axes=([player], [0]))
    return tensor


def _action_values(game: np.ndarray, strategies: Sequence[np.ndarray]) -> list[np.ndarray]:
    """values[i][a] = player i's expected payoff from pure action a against the others' mix."""
    return [_contract(game[i], strategies, {i}) for i in range(game.shape[0])]


def expected_payoffs(payoffs: Any, strategies: Sequence[Any]) -> np.ndarray:
    """Each player's expected payoff under a mixed profile (one probability vector per player)."""
    game = validate_game(payoffs)
    mix = _validate_strategies(game, strategies)
    values = _action_values(game, mix)
    return np.array([float(mix[i] @ values[i]) for i in range(game.shape[0])])


def mixed_regret(payoffs: Any, strategies: Sequence[Any]) -> float:
    """Largest gain any player has from a best reply to a mixed profile; 0 at a Nash equilibrium.

    Computed by contracting each player's payoff tensor with the others' probability vectors.
    """
    game = validate_game(payoffs)
    return _mixed_regret(game, _validate_strategies(game, strategies))


def _mixed_regret(game: np.ndarray, mix: Sequence[np.ndarray]) -> float:
    values = _action_values(game, mix)
    gains = [float(values[i].max() - mix[i] @ values[i]) for i in range(game.shape[0])]
    return max(0.0, *gains)


def _pure_as_mixed(game: np.ndarray, profile: Sequence[int]) -> list[np.ndarray]:
    return [np.eye(count)[action] for action, count in zip(profile, game.shape[1:], strict=True)]


# --------------------------------------------------------------------------------------------
# Welfare
# --------------------------------------------------------------------------------------------


def social_optimum(payoffs: Any) -> tuple[tuple[int, ...], float]:
    """The pure profile with the largest welfare (sum of payoffs), first in lexicographic order."""
    game = validate_game(payoffs)
    welfare = game.sum(axis=0)
    flat = int(np.argmax(welfare))  # argmax keeps the first maximum in C (lexicographic) order
    profile = tuple(int(a) for a in np.unravel_index(flat, welfare.shape))
    return profile, float(welfare[profile])


def _welfare(game: np.ndarray, equilibrium: Any) -> float:
    """Welfare of a pure profile (tuple of ints) or a mixed one (one vector per player)."""
    if len(equilibrium) and np.ndim(equilibrium[0]) == 0:
        return float(game[(slice(None), *(int(a) for a in equilibrium))].sum())
    mix = _validate_strategies(game, equilibrium)
    values = _action_values(game, mix)
    return float(sum(mix[i] @ values[i] for i in range(game.shape[0])))


def _equilibrium_welfares(game: np.ndarray, equilibria: Any) -> list[float]:
    if equilibria is None:
        equilibria = _profiles_below(_regret(game), PURE_TOL)
    return [_welfare(game, eq) for eq in equilibria]


def _price(payoffs: Any, equilibria: Any, pick: Any) -> float:
    """Optimum welfare over the `pick` (min or max) equilibrium welfare; nan unless both > 0."""
    game = validate_game(payoffs)
    welfares = _equilibrium_welfares(game, equilibria)
    optimum = social_optimum(game)[1]
    if not welfares or optimum <= 0 or pick(welfares) <= 0:
        return math.nan
    return optimum / pick(welfares)


def price_of_anarchy(payoffs: Any, equilibria: Any = None) -> float:
    """Optimum welfare / worst equilibrium welfare (Koutsoupias & Papadimitriou 1999).

    `equilibria` holds pure profiles and/or mixed profiles; None means all pure equilibria.
    A ratio only compares welfare of one sign, so this is math.nan when there is no equilibrium
    or when the optimum or the worst equilibrium welfare is <= 0; use welfare_gap then.
    """
    return _price(payoffs, equilibria, min)


def price_of_stability(payoffs: Any, equilibria: Any = None) -> float:
    """Optimum welfare / best equilibrium welfare (Anshelevich et al. 2004); same nan convention.

    math.nan when there is no equilibrium or when the optimum or best equilibrium welfare is <= 0.
    """
    return _price(payoffs, equilibria, max)


def welfare_gap(payoffs: Any, equilibria: Any = None) -> float:
    """Optimum welfare minus worst equilibrium welfare (>= 0): the additive price of anarchy.

    Defined for payoffs of any sign; math.nan only when there is no equilibrium to compare.
    """
    game = validate_game(payoffs)
    welfares = _equilibrium_welfares(game, equilibria)
    if not welfares:
        return math.nan
    return social_optimum(game)[1] - min(welfares)


# --------------------------------------------------------------------------------------------
# Dominance
# --------------------------------------------------------------------------------------------


def dominated_strategies(payoffs: Any, strict: bool = True) -> list[list[int]]:
    """For each player, its actions dominated by another of its pure actions.

    strict: the other action does better against every profile of the others. Weak (strict=False):
    never worse and better at least once. Dominance by mixed strategies is not checked.
    """
    game = validate_game(payoffs)
    tol = 1e-12 * _scale(game)
    result = []
    for player in range(game.shape[0]):
        rows = np.moveaxis(game[player], player, 0).reshape(game.shape[1 + player], -1)
        dominated = []
        for action, row in enumerate(rows):
            others = np.delete(rows, action, axis=0)
            if strict:
                beaten = (others > row + tol).all(axis=1)
            else:
                beaten = (others >= row - tol).all(axis=1) & (others > row + tol).any(axis=1)
            if beaten.any():
                dominated.append(action)
        result.append(dominated)
    return result
