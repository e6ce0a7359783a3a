"""Mixed Nash equilibria: every extreme equilibrium of a bimatrix game, one of an N-player game.

References: Mangasarian (1964); Avis, Rosenberg, Savani & von Stengel (2010) for two players;
Porter, Nudelman & Shoham (2008) for the N-player support search (see `games`).
"""

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from pausegame.experiments.games.pure import (
    GameError,
    SolverError,
    _mixed_regret,
    _profiles_below,
    _pure_as_mixed,
    _regret,
    _scale,
    validate_game,
)

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
