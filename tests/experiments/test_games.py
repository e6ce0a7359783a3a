"""Checks of the normal-form game solvers: textbook answers, other libraries, invariants, errors."""

import itertools
import json
import math
import warnings

import nashpy
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from quantecon import game_theory as qe_games

from pausegame.experiments import games as solvers
from tests.strategies_games import (
    action_relabellings,
    bimatrix_games,
    games,
    generic_games,
    tied_games,
)

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------------------------
# Games with known answers
# --------------------------------------------------------------------------------------------


def bimatrix(A, B) -> np.ndarray:
    return np.stack([np.asarray(A, dtype=float), np.asarray(B, dtype=float)])


def symmetric(A) -> np.ndarray:
    """The symmetric two-player game in which the row player's payoffs are A."""
    return bimatrix(A, np.asarray(A).T)


def threshold_game(n: int, k: int, cost: float, loss: float) -> np.ndarray:
    """N players pause (action 1) at `cost`; a disaster costing everyone `loss` strikes unless at
    least k pause. With cost < loss the equilibria are "nobody pauses" (k >= 2) and every set of
    exactly k pausers, C(n, k) + 1 in all."""
    actions = np.indices((2,) * n, sparse=True)
    disaster = sum(actions) < k
    payoffs = np.empty((n,) + (2,) * n)
    for player in range(n):
        payoffs[player] = -cost * actions[player] - loss * disaster
    return payoffs


def inspection_game(gain: float, fine: float, cost: float, loss: float) -> np.ndarray:
    """Inspector (rows: inspect, trust) against inspectee (columns: comply, violate).

    Inspecting costs `cost`; an undetected violation costs the inspector `loss` and gains the
    inspectee `gain`; a detected one costs the inspectee `fine` (Avenhaus, von Stengel & Zamir
    2002, sec. 2). With 0 < cost < loss there is no pure equilibrium.
    """
    inspector = [[-cost, -cost], [0.0, -loss]]
    inspectee = [[0.0, -fine], [0.0, gain]]
    return bimatrix(inspector, inspectee)


def as_set(equilibria, digits: int = 7) -> set:
    """Mixed equilibria as a set of rounded tuples, to compare regardless of order."""
    return {
        tuple(np.round(np.concatenate([np.ravel(s) for s in eq]), digits) + 0.0)
        for eq in equilibria
    }


def one_hot(profile, shape) -> tuple[np.ndarray, ...]:
    return tuple(np.eye(m)[a] for a, m in zip(profile, shape, strict=True))


def test_prisoners_dilemma():
    game = symmetric([[3, 0], [5, 1]])  # action 0 cooperate, 1 defect
    assert solvers.pure_equilibria(game) == [(1, 1)]
    assert as_set(solvers.mixed_equilibria_2p(*game)) == as_set([one_hot((1, 1), (2, 2))])
    assert solvers.dominated_strategies(game) == [[0], [0]]
    assert solvers.social_optimum(game) == ((0, 0), 6.0)
    assert solvers.price_of_anarchy(game) == pytest.approx(3.0)
    assert solvers.price_of_stability(game) == pytest.approx(3.0)
    assert solvers.welfare_gap(game) == pytest.approx(4.0)


@pytest.mark.parametrize(("a", "b", "c", "d"), [(4, 0, 3, 3), (5, -2, 4, 1), (10, 0, 7, 6)])
def test_stag_hunt(a, b, c, d):
    game = symmetric([[a, b], [c, d]])  # stag, hare: a > c and d > b
    stag = (d - b) / (a - b - c + d)  # makes the other hunter indifferent
    assert solvers.pure_equilibria(game) == [(0, 0), (1, 1)]
    expected = [
        one_hot((0, 0), (2, 2)),
        one_hot((1, 1), (2, 2)),
        (np.array([stag, 1 - stag]), np.array([stag, 1 - stag])),
    ]
    assert as_set(solvers.mixed_equilibria_2p(*game)) == as_set(expected)


def test_matching_pennies():
    game = bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    assert solvers.pure_equilibria(game) == []
    [(x, y)] = solvers.mixed_equilibria_2p(*game)
    np.testing.assert_allclose(x, [0.5, 0.5])
    np.testing.assert_allclose(y, [0.5, 0.5])
    np.testing.assert_allclose(solvers.expected_payoffs(game, [x, y]), [0.0, 0.0], atol=1e-12)
    assert math.isnan(solvers.price_of_anarchy(game))  # no pure equilibrium to compare with


@pytest.mark.parametrize(("alpha", "beta"), [(2, 1), (3, 1), (5, 4)])
def test_battle_of_the_sexes(alpha, beta):
    game = bimatrix([[alpha, 0], [0, beta]], [[beta, 0], [0, alpha]])
    assert solvers.pure_equilibria(game) == [(0, 0), (1, 1)]
    x = alpha / (alpha + beta)  # row's weight on its favourite makes column indifferent
    y = beta / (alpha + beta)
    expected = [
        one_hot((0, 0), (2, 2)),
        one_hot((1, 1), (2, 2)),
        (np.array([x, 1 - x]), np.array([y, 1 - y])),
    ]
    assert as_set(solvers.mixed_equilibria_2p(*game)) == as_set(expected)


@pytest.mark.parametrize(("swerve_gain", "crash"), [(1, 10), (2, 5), (3, 4)])
def test_chicken(swerve_gain, crash):
    game = symmetric([[0, -swerve_gain], [swerve_gain, -crash]])  # swerve, straight
    assert solvers.pure_equilibria(game) == [(0, 1), (1, 0)]
    swerve = 1 - swerve_gain / crash
    mixed = (np.array([swerve, 1 - swerve]), np.array([swerve, 1 - swerve]))
    expected = [one_hot((0, 1), (2, 2)), one_hot((1, 0), (2, 2)), mixed]
    assert as_set(solvers.mixed_equilibria_2p(*game)) == as_set(expected)


@pytest.mark.parametrize(
    ("gain", "fine", "cost", "loss"), [(1, 3, 1, 4), (2, 2, 0.5, 10), (5, 1, 3, 7), (1, 9, 2, 3)]
)
def test_inspection_game_closed_form(gain, fine, cost, loss):
    game = inspection_game(gain, fine, cost, loss)
    assert solvers.pure_equilibria(game) == []
    [(inspector, inspectee)] = solvers.mixed_equilibria_2p(*game)
    inspect = gain / (gain + fine)  # leaves the inspectee indifferent about violating
    violate = cost / loss  # leaves the inspector indifferent about inspecting
    np.testing.assert_allclose(inspector, [inspect, 1 - inspect])
    np.testing.assert_allclose(inspectee, [1 - violate, violate])
    # The classic point: a bigger fine deters by making inspection rarer, not violation rarer.
    [(_, harsher)] = solvers.mixed_equilibria_2p(*inspection_game(gain, 10 * fine, cost, loss))
    np.testing.assert_allclose(harsher, inspectee)


def test_jordan_three_player_game_has_only_the_uniform_equilibrium():
    # Jordan (1993): 1 wants to match 2, 2 to match 3, 3 to mismatch 1. No pure equilibrium.
    game = np.zeros((3, 2, 2, 2))
    for a in itertools.product(range(2), repeat=3):
        game[(0, *a)] = 1 if a[0] == a[1] else -1
        game[(1, *a)] = 1 if a[1] == a[2] else -1
        game[(2, *a)] = 1 if a[2] != a[0] else -1
    assert solvers.pure_equilibria(game) == []
    strategies = solvers.mixed_equilibrium_nplayer(game)
    for strategy in strategies:
        np.testing.assert_allclose(strategy, [0.5, 0.5], atol=1e-9)


@pytest.mark.parametrize(("n", "k"), [(2, 2), (3, 2), (4, 2), (5, 3), (6, 4), (7, 7), (8, 5)])
def test_threshold_game_equilibria_count(n, k):
    game = threshold_game(n, k, cost=1.0, loss=5.0)
    equilibria = solvers.pure_equilibria(game)
    assert len(equilibria) == math.comb(n, k) + 1
    assert {sum(profile) for profile in equilibria} == {0, k}


def test_twenty_player_threshold_game():
    # 2**20 profiles: only feasible vectorised. 190 pairs of pausers plus "nobody pauses".
    game = threshold_game(20, 2, cost=1.0, loss=3.0)
    equilibria = solvers.pure_equilibria(game)
    assert len(equilibria) == math.comb(20, 2) + 1
    assert equilibria[0] == (0,) * 20
    assert all(sum(profile) == 2 for profile in equilibria[1:])
    assert equilibria == sorted(equilibria)
    optimum, welfare = solvers.social_optimum(game)
    assert sum(optimum) == 2 and welfare == -2.0
    assert solvers.welfare_gap(game) == pytest.approx(-2.0 + 60.0)


# --------------------------------------------------------------------------------------------
# Agreement with other libraries
# --------------------------------------------------------------------------------------------


def quantecon_pure(game: np.ndarray) -> list[tuple[int, ...]]:
    nfg = qe_games.NormalFormGame(np.moveaxis(game, 0, -1))
    return sorted(tuple(int(a) for a in profile) for profile in qe_games.pure_nash_brute(nfg))


@pytest.mark.parametrize("n_players", range(2, 9))
@pytest.mark.parametrize("ties", [True, False])
def test_pure_equilibria_match_quantecon(n_players, ties):
    rng = np.random.default_rng(1000 * n_players + ties)
    for _ in range(4):
        shape = tuple(rng.integers(1, 4, size=n_players)) if n_players <= 5 else (2,) * n_players
        if ties:
            game = rng.integers(-2, 3, size=(n_players, *shape)).astype(float)
        else:
            game = rng.normal(size=(n_players, *shape))
        assert solvers.pure_equilibria(game) == quantecon_pure(game)


def test_mixed_equilibria_match_nashpy_on_nondegenerate_games():
    rng = np.random.default_rng(7)
    for _ in range(40):
        m, n = rng.integers(2, 6, size=2)
        A, B = rng.normal(size=(2, m, n))
        ours = solvers.mixed_equilibria_2p(A, B)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            vertices = list(nashpy.Game(A, B).vertex_enumeration())
            supports = list(nashpy.Game(A, B).support_enumeration(non_degenerate=True))
        assert as_set(ours) == as_set(vertices)
        # nashpy's support enumeration tests probabilities and payoffs for exact equality, so on
        # float games it drops some equilibria to rounding; whatever it finds must be ours.
        assert as_set(supports) <= as_set(ours)
        assert len(ours) % 2 == 1  # Wilson's (1971) oddness theorem for generic games


def brute_force_extreme_equilibria(A: np.ndarray, B: np.ndarray) -> list[tuple]:
    """Vertex enumeration from scratch (von Stengel 2007, Algorithm 3.5), as an independent check:
    vertices of P = {x >= 0, B'x <= 1} and Q = {y >= 0, Ay <= 1} for positive payoffs, paired when
    completely labelled. Every set of tight constraints is tried, so it suits only tiny games."""
    m, n = A.shape
    A = A - A.min() + 1.0
    B = B - B.min() + 1.0

    def vertices(M):
        """Vertices z of {z >= 0, M'z <= 1}, with the sets of tight own and other constraints."""
        size, other = M.shape
        rows = np.vstack([-np.eye(size), M.T])
        bounds = np.concatenate([np.zeros(size), np.ones(other)])
        found = []
        for tight in itertools.combinations(range(size + other), size):
            system = rows[list(tight)]
            if abs(np.linalg.det(system)) < 1e-12:
                continue
            z = np.linalg.solve(system, bounds[list(tight)])
            slack = rows @ z - bounds
            if (slack <= 1e-9).all() and z.sum() > 1e-9:
                on = np.abs(slack) <= 1e-9
                found.append(
                    (z / z.sum(), set(np.flatnonzero(on[:size])), set(np.flatnonzero(on[size:])))
                )
        return found

    # Labels: rows 0..m-1, columns m..m+n-1. x is labelled by its unplayed rows and the columns
    # that are best replies to it; y by the rows that are best replies and its unplayed columns.
    xs = [(x, unplayed | {m + j for j in replies}) for x, unplayed, replies in vertices(B)]
    ys = [(y, replies | {m + j for j in unplayed}) for y, unplayed, replies in vertices(A.T)]
    everything = set(range(m + n))
    return [(x, y) for x, lx in xs for y, ly in ys if lx | ly == everything]


def test_degenerate_games_give_the_extreme_equilibria():
    # Payoffs in {-2, ..., 2} make ties, continua of equilibria and unequal supports common.
    rng = np.random.default_rng(3)
    for _ in range(80):
        m, n = rng.integers(1, 4, size=2)
        A, B = rng.integers(-2, 3, size=(2, m, n)).astype(float)
        expected = brute_force_extreme_equilibria(A, B)
        assert as_set(solvers.mixed_equilibria_2p(A, B)) == as_set(expected)


def test_degenerate_game_with_a_continuum():
    # Row 0 gives the column player a tie, so every y on a segment is a reply: the equilibria
    # form two segments meeting at ((1, 0, 0), (0, 1)); their three end points are returned.
    A = [[0, 1], [2, -2], [-2, 1]]
    B = [[-2, -2], [-2, 0], [1, 2]]
    expected = [
        (np.array([1.0, 0, 0]), np.array([0.6, 0.4])),
        (np.array([1.0, 0, 0]), np.array([0.0, 1.0])),
        (np.array([0.0, 0, 1]), np.array([0.0, 1.0])),
    ]
    assert as_set(solvers.mixed_equilibria_2p(A, B)) == as_set(expected)


# --------------------------------------------------------------------------------------------
# Invariants
# --------------------------------------------------------------------------------------------


def brute_force_pure(game: np.ndarray) -> list[tuple[int, ...]]:
    """Nash's definition, profile by profile and deviation by deviation."""
    n_players, shape = game.shape[0], game.shape[1:]
    equilibria = []
    for profile in itertools.product(*(range(m) for m in shape)):
        stable = True
        for player in range(n_players):
            for action in range(shape[player]):
                deviation = list(profile)
                deviation[player] = action
                if game[(player, *deviation)] > game[(player, *profile)] + 1e-9:
                    stable = False
        if stable:
            equilibria.append(profile)
    return equilibria


@FAST
@given(games())
def test_regret_is_non_negative_and_zero_exactly_at_equilibria(game):
    regrets = solvers.regret(game)
    assert regrets.shape == game.shape[1:]
    assert (regrets >= 0).all()
    gains = solvers.deviation_gains(game)
    for player in range(game.shape[0]):
        assert (gains[player].min(axis=player) == 0).all()  # some action is a best reply
    equilibria = brute_force_pure(game)
    assert solvers.pure_equilibria(game) == equilibria
    assert [p for p in np.ndindex(*regrets.shape) if regrets[p] <= 1e-9] == equilibria


@FAST
@given(games(), st.floats(0, 2))
def test_epsilon_equilibria_grow_with_epsilon(game, eps):
    assert set(solvers.pure_equilibria(game)) <= set(solvers.epsilon_equilibria(game, eps))
    assert set(solvers.epsilon_equilibria(game, eps)) <= set(
        solvers.epsilon_equilibria(game, eps + 1)
    )
    worst = float(solvers.regret(game).max())
    assert len(solvers.epsilon_equilibria(game, worst)) == math.prod(game.shape[1:])


@FAST
@given(games(), st.data())
def test_shifting_and_scaling_a_players_payoffs_keeps_equilibria(game, data):
    shifts = data.draw(st.lists(st.integers(-50, 50), min_size=len(game), max_size=len(game)))
    scales = data.draw(
        st.lists(st.sampled_from([0.5, 2.0, 3.0]), min_size=len(game), max_size=len(game))
    )
    moved = game * np.reshape(scales, (-1,) + (1,) * (game.ndim - 1))
    moved = moved + np.reshape(shifts, (-1,) + (1,) * (game.ndim - 1))
    assert solvers.pure_equilibria(moved) == solvers.pure_equilibria(game)
    assert solvers.dominated_strategies(moved) == solvers.dominated_strategies(game)
    if len(game) == 2:
        assert as_set(solvers.mixed_equilibria_2p(*moved)) == as_set(
            solvers.mixed_equilibria_2p(*game)
        )


@FAST
@given(games(), st.data())
def test_relabelling_actions_permutes_equilibria(game, data):
    permutations = data.draw(action_relabellings(game.shape[1:]))
    relabelled = game
    for player, order in enumerate(permutations):
        relabelled = np.take(relabelled, order, axis=1 + player)
    # New action j of player i is old action order[j].
    mapped = sorted(
        tuple(int(order[a]) for a, order in zip(profile, permutations, strict=True))
        for profile in solvers.pure_equilibria(relabelled)
    )
    assert mapped == solvers.pure_equilibria(game)
    if len(game) == 2:
        inverse = [np.argsort(order) for order in permutations]
        back = [
            tuple(s[inv] for s, inv in zip(eq, inverse, strict=True))
            for eq in solvers.mixed_equilibria_2p(*relabelled)
        ]
        assert as_set(back) == as_set(solvers.mixed_equilibria_2p(*game))


@FAST
@given(bimatrix_games())
def test_every_two_player_equilibrium_is_verified_and_includes_the_pure_ones(game):
    equilibria = solvers.mixed_equilibria_2p(*game)
    assert equilibria  # Nash (1951): at least one
    for x, y in equilibria:
        assert solvers.mixed_regret(game, [x, y]) <= 1e-9
        assert x.min() >= 0 and y.min() >= 0
    pure = [one_hot(p, game.shape[1:]) for p in solvers.pure_equilibria(game)]
    assert as_set(pure) <= as_set(equilibria)


@FAST
@given(generic_games(2, 2, 4))
def test_generic_two_player_games_have_an_odd_number_of_equilibria(game):
    assert len(solvers.mixed_equilibria_2p(*game)) % 2 == 1


@FAST
@given(tied_games(1, 3, 3) | generic_games(1, 3, 3))
def test_nplayer_equilibrium_has_negligible_regret(game):
    strategies = solvers.mixed_equilibrium_nplayer(game)
    assert len(strategies) == len(game)
    for strategy, count in zip(strategies, game.shape[1:], strict=True):
        assert strategy.shape == (count,)
        assert strategy.min() >= 0 and strategy.sum() == pytest.approx(1.0)
    assert solvers.mixed_regret(game, strategies) <= 1e-8 * max(1.0, np.abs(game).max())


@pytest.mark.parametrize("shape", [(2, 2, 2), (3, 3, 2), (2, 2, 2, 2), (3, 3, 3)])
def test_nplayer_equilibrium_without_pure_equilibria(shape):
    rng = np.random.default_rng(sum(shape))
    solved = 0
    while solved < 5:
        game = rng.normal(size=(len(shape), *shape))
        if solvers.pure_equilibria(game):
            continue
        strategies = solvers.mixed_equilibrium_nplayer(game)
        assert solvers.mixed_regret(game, strategies) <= 1e-8
        assert min(s.max() for s in strategies) < 1  # some player really mixes
        solved += 1


@FAST
@given(games())
def test_strictly_dominated_actions_are_never_played_in_equilibrium(game):
    dominated = solvers.dominated_strategies(game, strict=True)
    weakly = solvers.dominated_strategies(game, strict=False)
    for player, actions in enumerate(dominated):
        assert set(actions) <= set(weakly[player])
        for profile in solvers.pure_equilibria(game):
            assert profile[player] not in actions
    if len(game) == 2:
        for eq in solvers.mixed_equilibria_2p(*game):
            for player, actions in enumerate(dominated):
                assert all(eq[player][a] == 0 for a in actions)


@FAST
@given(games())
def test_welfare_measures_are_consistent(game):
    optimum, welfare = solvers.social_optimum(game)
    assert welfare == pytest.approx(game.sum(axis=0).max())
    assert game[(slice(None), *optimum)].sum() == pytest.approx(welfare)
    anarchy, stability = solvers.price_of_anarchy(game), solvers.price_of_stability(game)
    gap = solvers.welfare_gap(game)
    if solvers.pure_equilibria(game):
        assert gap >= -1e-9
        if not math.isnan(anarchy):
            assert anarchy >= stability >= 1 - 1e-12
    else:
        assert math.isnan(anarchy) and math.isnan(stability) and math.isnan(gap)


def test_expected_payoffs_of_pure_profiles_are_table_entries():
    game = np.random.default_rng(2).normal(size=(3, 2, 3, 2))
    for profile in np.ndindex(*game.shape[1:]):
        np.testing.assert_allclose(
            solvers.expected_payoffs(game, one_hot(profile, game.shape[1:])),
            game[(slice(None), *profile)],
        )


def test_price_of_anarchy_is_nan_when_welfare_is_not_positive():
    game = symmetric([[-1, -3], [0, -2]])  # a prisoner's dilemma in losses
    assert math.isnan(solvers.price_of_anarchy(game)) and math.isnan(
        solvers.price_of_stability(game)
    )
    assert solvers.welfare_gap(game) == pytest.approx(2.0)
    coordination = symmetric([[2, 0], [0, 1]])
    assert solvers.price_of_anarchy(coordination) == pytest.approx(2.0)
    assert solvers.price_of_stability(coordination) == pytest.approx(1.0)
    mixed = [np.array([1 / 3, 2 / 3]), np.array([1 / 3, 2 / 3])]  # welfare 2 * 2/3
    assert solvers.price_of_anarchy(coordination, [(0, 0), mixed]) == pytest.approx(3.0)


# --------------------------------------------------------------------------------------------
# Summary and files
# --------------------------------------------------------------------------------------------


def test_solve_summary_is_json_ready():
    game = symmetric([[0, -1], [1, -10]])
    summary = solvers.solve(game, ["ann", "bob"], [["swerve", "straight"], ["swerve", "straight"]])
    text = json.dumps(summary, allow_nan=False)
    assert json.loads(text) == summary
    assert summary["players"] == ["ann", "bob"]
    assert [row["actions"] for row in summary["pure_equilibria"]] == [
        ["swerve", "straight"],
        ["straight", "swerve"],
    ]
    assert [row["profile"] for row in summary["pure_equilibria"]] == [[0, 1], [1, 0]]
    assert summary["pure_equilibria"][0]["payoffs"] == [-1.0, 1.0]
    assert len(summary["mixed_equilibria"]) == 3
    assert all(row["regret"] <= 1e-9 for row in summary["mixed_equilibria"])
    assert summary["social_optimum"] == {
        "profile": [0, 0],
        "actions": ["swerve", "swerve"],
        "welfare": 0.0,
    }
    assert summary["price_of_anarchy"] is None  # welfare 0 at the optimum: no ratio
    assert summary["dominated"] == [[], []]


def test_solve_names_default_and_three_players():
    game = threshold_game(3, 2, cost=1.0, loss=4.0)
    summary = solvers.solve(game)
    json.dumps(summary, allow_nan=False)
    assert summary["players"] == ["P1", "P2", "P3"]
    assert len(summary["pure_equilibria"]) == 4
    [row] = summary["mixed_equilibria"]
    assert row["regret"] <= 1e-8
    assert summary["price_of_stability"] is None  # all welfares are losses
    assert solvers.solve(game, mixed=False)["mixed_equilibria"] == []
    with pytest.raises(solvers.GameError, match="player names"):
        solvers.solve(game, player_names=["a", "b"])


def test_load_game_round_trips(tmp_path):
    game = symmetric([[3, 0], [5, 1]])
    np.save(tmp_path / "pd.npy", game)
    payoffs, players, actions = solvers.load_game(tmp_path / "pd.npy")
    np.testing.assert_array_equal(payoffs, game)
    assert players == ["P1", "P2"] and actions == [["a1", "a2"], ["a1", "a2"]]
    document = {
        "players": ["row", "col"],
        "actions": [["c", "d"], ["c", "d"]],
        "payoffs": game.tolist(),
    }
    (tmp_path / "pd.json").write_text(json.dumps(document))
    payoffs, players, actions = solvers.load_game(tmp_path / "pd.json")
    np.testing.assert_array_equal(payoffs, game)
    assert players == ["row", "col"] and actions == [["c", "d"], ["c", "d"]]


@pytest.mark.parametrize(
    ("payoffs", "message"),
    [
        (np.zeros((3, 2, 2)), "3 players on the first axis"),
        (np.zeros(4), "shape"),
        (np.zeros((2, 0, 2)), "player 0 has no actions"),
        (np.array([[[1.0, np.nan], [0, 0]], [[0, 0], [0, 0]]]), "NaN"),
        (np.array([[[1.0, np.inf], [0, 0]], [[0, 0], [0, 0]]]), "infinity"),
        ([[[1, 2], [3]], [[1, 2], [3, 4]]], "rectangular"),
        (np.array([[["a", "b"]]]), "numbers"),
        (np.broadcast_to(0.0, (30,) + (2,) * 30), "N=30 players.*limit"),
    ],
)
def test_bad_games_are_rejected_with_a_clear_message(payoffs, message):
    with pytest.raises(solvers.GameError, match=message):
        solvers.validate_game(payoffs)
    with pytest.raises(ValueError):  # GameError is a ValueError for callers that catch those
        solvers.pure_equilibria(payoffs)


def test_bad_strategies_are_rejected():
    game = symmetric([[3, 0], [5, 1]])
    with pytest.raises(solvers.GameError, match="expected 2 mixed strategies"):
        solvers.mixed_regret(game, [np.array([1.0, 0.0])])
    with pytest.raises(solvers.GameError, match="sums to"):
        solvers.mixed_regret(game, [np.array([0.5, 0.6]), np.array([1.0, 0.0])])
    with pytest.raises(solvers.GameError, match="shape"):
        solvers.expected_payoffs(game, [np.array([1.0]), np.array([1.0, 0.0])])
    with pytest.raises(solvers.GameError, match="same shape"):
        solvers.mixed_equilibria_2p(np.zeros((2, 2)), np.zeros((2, 3)))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.json", "[1, 2, 3]", "not a game"),
        ("partial.json", '{"players": ["a"], "actions": [["x"]]}', "missing key.*payoffs"),
        ("broken.json", '{"players": ', "not valid JSON"),
        ("nan.json", '{"players": ["a"], "actions": [["x", "y"]], "payoffs": [[1, NaN]]}', "NaN"),
        (
            "shape.json",
            '{"players": ["a", "b"], "actions": [["x"], ["y"]], "payoffs": [[1]]}',
            "shape",
        ),
        ("mismatch.json", '{"players": ["a"], "actions": [["x"]], "payoffs": [[1, 2]]}', "imply"),
        ("names.json", '{"players": "a", "actions": [["x"]], "payoffs": [[1]]}', "players"),
        ("game.csv", "1,2", "unknown game file extension"),
        ("bad.npy", "not numpy", "not a readable .npy"),
    ],
)
def test_bad_game_files_are_rejected(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(solvers.GameError, match=message):
        solvers.load_game(path)


def test_missing_game_file(tmp_path):
    with pytest.raises(solvers.GameError, match="not found"):
        solvers.load_game(tmp_path / "absent.json")


def test_npy_with_wrong_shape(tmp_path):
    np.save(tmp_path / "flat.npy", np.zeros((3, 2)))
    with pytest.raises(solvers.GameError, match=r"flat\.npy.*first axis"):
        solvers.load_game(tmp_path / "flat.npy")
