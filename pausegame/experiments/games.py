"""Equilibria, regret, welfare and dominance of any finite normal-form game as a payoff tensor.

A game with N players is the float array ``payoffs[i, a_1, ..., a_N]``: player ``i``'s payoff
when player ``j`` plays action ``a_j`` (indices from 0), shape ``(N, m_1, ..., m_N)``. The pause
game, its treaty sub-games and the textbook games used as checks all go through these solvers.

References
----------
- Nash, J. (1951). Non-cooperative games. Annals of Mathematics 54(2), 286-295.
- Dickhaut, J. & Kaplan, T. (1991). A program for finding Nash equilibria.
  Mathematica Journal 1(4), 87-93 (support enumeration).
- Mangasarian, O. L. (1964). Equilibrium points of bimatrix games. J. SIAM 12(4), 778-780.
- Avis, D., Rosenberg, G., Savani, R. & von Stengel, B. (2010). Enumeration of Nash equilibria
  for two-player games. Economic Theory 42(1), 9-37.
- Porter, R., Nudelman, E. & Shoham, Y. (2008). Simple search methods for finding a Nash
  equilibrium. Games and Economic Behavior 63(2), 642-662.
- Koutsoupias, E. & Papadimitriou, C. (1999). Worst-case equilibria. STACS 1999;
  Anshelevich, E. et al. (2004). The price of stability for network design. FOCS 2004.
"""

import itertools
import json
import math
from collections.abc import Sequence
from pathlib import Path
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
    if array.ndim < 2:
        raise GameError(f"payoffs must have shape (N, m_1, ..., m_N), got shape {array.shape}")
    n_players = array.shape[0]
    if n_players != array.ndim - 1:
        raise GameError(
            f"payoffs of shape {array.shape} list {n_players} players on the first axis "
            f"but have {array.ndim - 1} action axes; expected shape (N, m_1, ..., m_N)"
        )
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
    mix = []
    for action, count in zip(profile, game.shape[1:], strict=True):
        vector = np.zeros(count)
        vector[action] = 1.0
        mix.append(vector)
    return mix


# --------------------------------------------------------------------------------------------
# Two players: all extreme equilibria
# --------------------------------------------------------------------------------------------


def _best_response_vertices(
    opponent_payoff: np.ndarray, tol: float, payoff_tol: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vertices of one player's best-response polytope, with their supports and best replies.

    `opponent_payoff[i, j]` is what the *opponent* gets from its action j when this player plays
    i. A mixed strategy x is a vertex when, for its support S and some set T of opponent replies
    with |T| = |S|, the indifference system  sum_{i in S} x_i M[i, j] = u (j in T), sum x = 1
    has a unique solution and every opponent reply earns at most u (Avis et al. 2010, sec. 3).
    """
    n_own, n_other = opponent_payoff.shape
    found: list[np.ndarray] = []
    for size in range(1, min(n_own, n_other) + 1):
        replies = np.array(list(itertools.combinations(range(n_other), size)))
        for support in itertools.combinations(range(n_own), size):
            block = opponent_payoff[np.array(support)][:, replies]  # (size, n_T, size)
            block = block.transpose(1, 2, 0)  # rows j in T, columns i in S
            systems = np.zeros((len(replies), size + 1, size + 1))
            systems[:, :size, :size] = block
            systems[:, :size, size] = -1.0
            systems[:, size, :size] = 1.0
            singular_values = np.linalg.svd(systems, compute_uv=False)
            solvable = singular_values[:, -1] > 1e-10 * singular_values[:, 0]
            if not solvable.any():
                continue
            rhs = np.zeros((int(solvable.sum()), size + 1, 1))
            rhs[:, size, 0] = 1.0
            solutions = np.linalg.solve(systems[solvable], rhs)[:, :, 0]
            for solution in solutions:
                weights, value = solution[:size], solution[size]
                if weights.min() < -tol:
                    continue
                x = np.zeros(n_own)
                x[list(support)] = np.where(weights > tol, weights, 0.0)
                x /= x.sum()
                if (x @ opponent_payoff).max() <= value + payoff_tol:
                    found.append(x)
    vertices = _unique_rows(np.array(found), tol)
    reply_values = vertices @ opponent_payoff
    best_replies = reply_values >= reply_values.max(axis=1, keepdims=True) - payoff_tol
    return vertices, vertices > tol, best_replies


def _unique_rows(rows: np.ndarray, tol: float) -> np.ndarray:
    """Rows with near-duplicates (within 10 tol) removed; a vertex is found once per tight set."""
    # Rounding collapses the many exact repeats cheaply; the pairwise pass catches the rest.
    rows = np.unique(np.round(rows, 12), axis=0)
    kept = np.empty((0, rows.shape[1]))
    for row in rows:
        if not (np.abs(kept - row).max(axis=1, initial=0.0) <= 10 * tol).any():
            kept = np.vstack([kept, row])
    return kept


def mixed_equilibria_2p(A: Any, B: Any, tol: float = 1e-9) -> list[tuple[np.ndarray, np.ndarray]]:
    """All Nash equilibria (x, y) of the bimatrix game (A, B) by support enumeration; extreme
    points of each equilibrium component when the game is degenerate.

    Method: support enumeration (Dickhaut & Kaplan 1991) in the form that also covers degenerate
    games. For each player we enumerate a support S and a set T of the opponent's replies of the
    same size, solve the indifference equations (every reply in T earns the same, probabilities
    sum to one) and keep solutions that are non-negative and under which no reply outside T does
    better. These are exactly the vertices of the player's best-response polytope (Mangasarian
    1964; Avis et al. 2010). A pair of such strategies is an equilibrium iff each support lies in
    the other's set of best replies ("completely labelled"); every pair found is verified again by
    its regret.

    Nondegenerate games (every equilibrium has supports of equal size) have finitely many
    equilibria and all of them are returned. A degenerate game may have a continuum (a polytope) of
    equilibria; the convention then is to return its extreme points, which includes every pure
    equilibrium. Pure equilibria appear here as degenerate mixed ones. Cost grows like
    C(m + n, m) small linear solves for an m x n game. Results are sorted, probabilities within tol
    of zero are set to zero, payoffs are compared within tol times the largest |payoff| (at least
    tol), and x is the row player's (A's) strategy.
    """
    A, B = np.asarray(A), np.asarray(B)
    if A.ndim != 2 or A.shape != B.shape:
        raise GameError(
            f"A and B must be payoff matrices of the same shape (m, n), got {A.shape} and {B.shape}"
        )
    game = validate_game(np.stack([A, B]))
    row_payoff, column_payoff = game
    payoff_tol = tol * _scale(game)
    xs, x_support, x_replies = _best_response_vertices(column_payoff, tol, payoff_tol)
    ys, y_support, y_replies = _best_response_vertices(row_payoff.T, tol, payoff_tol)
    # x's support must be inside y's best replies, and y's support inside x's best replies.
    row_misses = x_support.astype(int) @ (~y_replies).astype(int).T
    column_misses = (~x_replies).astype(int) @ y_support.astype(int).T
    pairs = np.argwhere((row_misses == 0) & (column_misses == 0))
    equilibria = []
    for i, j in pairs:
        x, y = xs[i], ys[j]
        if _mixed_regret(game, [x, y]) <= payoff_tol:
            equilibria.append((x, y))
    equilibria.sort(key=lambda pair: tuple(np.round(np.concatenate(pair), 12)))
    return equilibria


# --------------------------------------------------------------------------------------------
# N players: one equilibrium by support search
# --------------------------------------------------------------------------------------------


def _support_profiles(shape: tuple[int, ...]):
    """Support profiles, smallest total size first, then most balanced (Porter et al. 2008)."""
    size_profiles = sorted(
        itertools.product(*(range(1, m + 1) for m in shape)),
        key=lambda sizes: (sum(sizes), max(sizes) - min(sizes), sizes),
    )
    for sizes in size_profiles:
        yield from itertools.product(
            *(itertools.combinations(range(m), k) for m, k in zip(shape, sizes, strict=True))
        )


def _conditionally_dominated(game: np.ndarray, supports: Sequence[Sequence[int]]) -> bool:
    """True if some support action is strictly dominated when opponents stay in their supports.

    Such a support cannot carry an equilibrium, so the search skips it (Porter et al. 2008).
    """
    n_players = game.shape[0]
    for player in range(n_players):
        axes = [
            np.arange(game.shape[1 + j]) if j == player else np.array(supports[j])
            for j in range(n_players)
        ]
        sub = game[player][np.ix_(*axes)]
        rows = np.moveaxis(sub, player, 0).reshape(sub.shape[player], -1)
        for action in supports[player]:
            if (rows > rows[action]).all(axis=1).any():
                return True
    return False


def _solve_support(
    game: np.ndarray,
    supports: Sequence[Sequence[int]],
    starts: list[list[np.ndarray]],
    payoff_tol: float,
    max_iter: int = 40,
) -> list[np.ndarray] | None:
    """Newton's method on the indifference equations of one support profile.

    Unknowns: each player's probabilities on its support and its equilibrium payoff v_i.
    Equations: u_i(a, sigma_-i) = v_i for a in S_i, and sum(sigma_i) = 1. The system can have
    several solutions in the simplex, only some of them equilibria (an action outside the support
    may pay more), so each start's solution is checked in the full game. Returns the first
    verified equilibrium, else None.
    """
    n_players = game.shape[0]
    sub = game[(slice(None), *np.ix_(*[np.array(s) for s in supports]))]
    sizes = [len(s) for s in supports]
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    n_unknowns = int(offsets[-1]) + n_players
    scale = _scale(sub)

    def split(z):
        return [z[offsets[i] : offsets[i + 1]] for i in range(n_players)], z[offsets[-1] :]

    def contract(i, mix, keep):
        # One einsum per block: on these small sub-tensors call overhead is the whole cost.
        operands = [sub[i], list(range(n_players))]
        for j in range(n_players):
            if j not in keep:
                operands += [mix[j], [j]]
        return np.einsum(*operands, sorted(keep))

    def residual(z):
        mix, values = split(z)
        parts = [contract(i, mix, {i}) - values[i] for i in range(n_players)]
        parts.append(np.array([m.sum() - 1.0 for m in mix]))
        return np.concatenate(parts)

    def jacobian(z):
        mix, _ = split(z)
        matrix = np.zeros((n_unknowns, n_unknowns))
        row = 0
        for i in range(n_players):
            matrix[row : row + sizes[i], offsets[-1] + i] = -1.0
            for j in range(n_players):
                if j != i:
                    block = contract(i, mix, {i, j})
                    matrix[row : row + sizes[i], offsets[j] : offsets[j + 1]] = (
                        block if i < j else block.T
                    )
            row += sizes[i]
        for i in range(n_players):
            matrix[row + i, offsets[i] : offsets[i + 1]] = 1.0
        return matrix

    for start in starts:
        mix = [start[i][list(supports[i])] for i in range(n_players)]
        mix = [m / m.sum() for m in mix]
        guesses = [float(mix[i] @ contract(i, mix, {i})) for i in range(n_players)]
        z = np.concatenate([*mix, guesses])
        current = residual(z)
        for _ in range(max_iter):
            norm = np.abs(current).max()
            if norm <= 1e-13 * scale:
                break
            step = np.linalg.lstsq(jacobian(z), -current, rcond=None)[0]
            # Backtracking keeps Newton from jumping far out of the simplex on curved systems;
            # a start that cannot reduce the residual at all is abandoned.
            for shrink in (1.0, 0.5, 0.25, 0.125, 0.0625):
                trial = z + shrink * step
                trial_residual = residual(trial)
                if np.abs(trial_residual).max() < norm:
                    break
            else:
                break
            z, current = trial, trial_residual
        if np.abs(current).max() > 1e-9 * scale or z[: offsets[-1]].min() < -1e-9:
            continue
        strategies = []
        for i in range(n_players):
            vector = np.zeros(game.shape[1 + i])
            vector[list(supports[i])] = np.clip(z[offsets[i] : offsets[i + 1]], 0.0, None)
            strategies.append(vector / vector.sum())
        if _mixed_regret(game, strategies) <= payoff_tol:
            return strategies
    return None


def mixed_equilibrium_nplayer(
    payoffs: Any, tol: float = 1e-8, max_supports: int = 20_000, restarts: int = 3, seed: int = 0
) -> list[np.ndarray]:
    """One Nash equilibrium of an N-player game: a probability vector per player.

    Method: support enumeration for N players (Porter, Nudelman & Shoham 2008). Pure equilibria
    are looked up first (vectorised). Then support profiles are tried smallest and most balanced
    first, skipping those with a conditionally dominated action; on each, Newton's method solves
    the indifference equations from the uniform mix and `restarts` random mixes, and the whole
    pass is repeated with 8 and then 64 times as many random starts if it found nothing. A
    candidate is returned only if its regret in the full game (mixed_regret) is at most tol times
    the payoff scale. Only the first `max_supports` support profiles are searched; SolverError if
    none of them gives a verified equilibrium. Deterministic given seed.
    """
    game = validate_game(payoffs)
    payoff_tol = tol * _scale(game)
    pure = _profiles_below(_regret(game), payoff_tol)
    if pure:
        return _pure_as_mixed(game, pure[0])
    rng = np.random.default_rng(seed)
    uniform = [np.ones(m) for m in game.shape[1:]]
    candidates: list[tuple] = []

    def first_pass():
        # Lazily, so a game whose equilibrium has a small support never screens the rest.
        for supports in itertools.islice(_support_profiles(game.shape[1:]), max_supports):
            if all(len(s) == 1 for s in supports):
                continue  # pure profiles were all checked above
            if not _conditionally_dominated(game, supports):
                candidates.append(supports)
                yield supports

    # Newton's basin around the equilibrium can be small, so a pass that fails is repeated with
    # more random starts per support; a game pays for the later passes only if it needs them.
    passes = [(restarts, first_pass()), (8 * restarts, candidates), (64 * restarts, candidates)]
    for starts_per_support, supports_to_try in passes:
        for supports in supports_to_try:
            starts = [uniform] + [
                [rng.dirichlet(np.ones(m)) + 1e-3 for m in game.shape[1:]]
                for _ in range(starts_per_support)
            ]
            strategies = _solve_support(game, supports, starts, payoff_tol)
            if strategies is not None:
                return strategies
    raise SolverError(
        f"no equilibrium found on {len(candidates)} support profiles; "
        "raise max_supports or restarts"
    )


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


def price_of_anarchy(payoffs: Any, equilibria: Any = None) -> float:
    """Optimum welfare / worst equilibrium welfare (Koutsoupias & Papadimitriou 1999).

    `equilibria` holds pure profiles and/or mixed profiles; None means all pure equilibria.
    A ratio only compares welfare of one sign, so this is math.nan when there is no equilibrium
    or when the optimum or the worst equilibrium welfare is <= 0; use welfare_gap then.
    """
    game = validate_game(payoffs)
    welfares = _equilibrium_welfares(game, equilibria)
    optimum = social_optimum(game)[1]
    if not welfares or optimum <= 0 or min(welfares) <= 0:
        return math.nan
    return optimum / min(welfares)


def price_of_stability(payoffs: Any, equilibria: Any = None) -> float:
    """Optimum welfare / best equilibrium welfare (Anshelevich et al. 2004); same nan convention.

    math.nan when there is no equilibrium or when the optimum or best equilibrium welfare is <= 0.
    """
    game = validate_game(payoffs)
    welfares = _equilibrium_welfares(game, equilibria)
    optimum = social_optimum(game)[1]
    if not welfares or optimum <= 0 or max(welfares) <= 0:
        return math.nan
    return optimum / max(welfares)


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


# --------------------------------------------------------------------------------------------
# Summary and files
# --------------------------------------------------------------------------------------------


def _default_names(game: np.ndarray) -> tuple[list[str], list[list[str]]]:
    players = [f"P{i + 1}" for i in range(game.shape[0])]
    actions = [[f"a{j + 1}" for j in range(m)] for m in game.shape[1:]]
    return players, actions


def _check_names(game: np.ndarray, players: Any, actions: Any) -> None:
    if len(players) != game.shape[0]:
        raise GameError(f"{len(players)} player names for a game with {game.shape[0]} players")
    if len(actions) != game.shape[0]:
        raise GameError(f"{len(actions)} action lists for a game with {game.shape[0]} players")
    for player, (names, count) in enumerate(zip(actions, game.shape[1:], strict=True)):
        if len(names) != count:
            raise GameError(f"player {player} has {count} actions but {len(names)} action names")


def _nan_to_none(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def solve(
    payoffs: Any,
    player_names: Sequence[str] | None = None,
    action_names: Sequence[Sequence[str]] | None = None,
    mixed: bool = True,
) -> dict:
    """A JSON-ready summary: pure and mixed equilibria, social optimum, PoA/PoS, dominated actions.

    mixed_equilibria: for two players, every extreme equilibrium (mixed_equilibria_2p), unless the
    game is too large to enumerate; otherwise one equilibrium from mixed_equilibrium_nplayer (an
    empty list if its search gives up). Price of anarchy/stability are taken over the pure
    equilibria and the mixed ones listed, which for two players covers every Nash equilibrium
    (welfare is bilinear, so its extremes over a component sit at extreme points); NaN -> None.
    dominated: per player, the indices of actions strictly dominated by another pure action.
    """
    game = validate_game(payoffs)
    default_players, default_actions = _default_names(game)
    players = list(player_names) if player_names is not None else default_players
    actions = [list(a) for a in action_names] if action_names is not None else default_actions
    _check_names(game, players, actions)
    welfare = game.sum(axis=0)
    pure = _profiles_below(_regret(game), PURE_TOL)
    pure_rows = [
        {
            "profile": list(profile),
            "actions": [actions[i][a] for i, a in enumerate(profile)],
            "welfare": float(welfare[profile]),
            "payoffs": [float(v) for v in game[(slice(None), *profile)]],
        }
        for profile in pure
    ]

    mixed_found: list[list[np.ndarray]] = []
    if mixed:
        n_players = game.shape[0]
        enumerable = n_players == 2 and math.comb(sum(game.shape[1:]), game.shape[1]) <= (
            MAX_BIMATRIX_SYSTEMS
        )
        if enumerable:
            mixed_found = [list(pair) for pair in mixed_equilibria_2p(game[0], game[1])]
        else:
            try:
                mixed_found = [mixed_equilibrium_nplayer(game)]
            except SolverError:
                mixed_found = []
    mixed_rows = []
    for strategies in mixed_found:
        expected = np.array(
            [s @ v for s, v in zip(strategies, _action_values(game, strategies), strict=True)]
        )
        mixed_rows.append(
            {
                "strategies": [[float(p) for p in s] for s in strategies],
                "regret": _mixed_regret(game, strategies),
                "welfare": float(expected.sum()),
                "payoffs": [float(v) for v in expected],
            }
        )

    optimum_profile, optimum_welfare = social_optimum(game)
    equilibria = list(pure) + mixed_found
    return {
        "players": players,
        "actions": actions,
        "pure_equilibria": pure_rows,
        "mixed_equilibria": mixed_rows,
        "social_optimum": {
            "profile": list(optimum_profile),
            "actions": [actions[i][a] for i, a in enumerate(optimum_profile)],
            "welfare": optimum_welfare,
        },
        "price_of_anarchy": _nan_to_none(price_of_anarchy(game, equilibria)),
        "price_of_stability": _nan_to_none(price_of_stability(game, equilibria)),
        "dominated": dominated_strategies(game, strict=True),
    }


def load_game(path: str | Path) -> tuple[np.ndarray, list[str], list[list[str]]]:
    """Read a game from .npy (tensor of shape (N, m_1, ..., m_N)) or JSON; return (payoffs,
    players, actions).

    JSON: {"players": [...], "actions": [[...], ...], "payoffs": nested lists (N, m_1, ..., m_N)}.
    Every problem raises GameError naming the file and what is wrong.
    """
    path = Path(path)
    if not path.is_file():
        raise GameError(f"game file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".npy":
        try:
            array = np.load(path, allow_pickle=False)
        except (ValueError, OSError, EOFError) as exc:
            raise GameError(f"{path} is not a readable .npy array: {exc}") from None
        try:
            game = validate_game(array)
        except GameError as exc:
            raise GameError(f"{path}: {exc}") from None
        players, actions = _default_names(game)
        return game, players, actions
    if suffix != ".json":
        raise GameError(
            f"unknown game file extension {suffix or '(none)'!r} for {path}; use .npy or .json"
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise GameError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise GameError(
            f"{path} is not a game: expected a JSON object with keys players, actions, payoffs"
        )
    missing = [key for key in ("players", "actions", "payoffs") if key not in document]
    if missing:
        raise GameError(f"{path} is not a game: missing key(s) {', '.join(missing)}")
    players, actions = document["players"], document["actions"]
    if not isinstance(players, list) or not all(isinstance(p, str) for p in players):
        raise GameError(f"{path}: 'players' must be a list of names")
    if not isinstance(actions, list) or not all(
        isinstance(names, list) and all(isinstance(a, str) for a in names) for names in actions
    ):
        raise GameError(f"{path}: 'actions' must be a list of lists of names, one per player")
    try:
        game = validate_game(document["payoffs"])
    except GameError as exc:
        raise GameError(f"{path}: {exc}") from None
    expected = (len(players), *(len(names) for names in actions))
    if game.shape != expected:
        raise GameError(
            f"{path}: payoffs have shape {game.shape} but players and actions imply {expected}"
        )
    return game, players, [list(names) for names in actions]
