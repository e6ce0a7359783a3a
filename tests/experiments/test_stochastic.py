"""Revision chains and their stationary distributions: against EGTtools, closed forms and
brute-force simulation of the chain."""

from __future__ import annotations

import itertools
import runpy
from math import comb
from pathlib import Path

import egttools as egt
import numpy as np
import pytest
import scipy.sparse as sparse
from egttools.analytical import PairwiseComparison
from hypothesis import given, settings
from hypothesis import strategies as st

from pausegame.errors import InputError
from pausegame.experiments import population, stochastic
from tests.oracle.chains import simulate_chain


def egttools_stationary(population_size: int, game, beta: float, mutation: float) -> np.ndarray:
    """EGTtools' stationary distribution, indexed by the number of strategy-0 players."""
    evolver = PairwiseComparison(population_size, game)
    transitions = evolver.calculate_transition_matrix(beta, mutation)
    # EGTtools takes the column-stochastic form (right eigenvector of eigenvalue 1).
    distribution = egt.utils.calculate_stationary_distribution(transitions.transpose())
    by_count = np.zeros(population_size + 1)
    for index, p in enumerate(distribution):
        by_count[int(egt.sample_simplex(index, population_size, 2)[0])] = p
    return by_count


def egttools_nplayer_game(group: int, payoff_0: np.ndarray, payoff_1: np.ndarray):
    """EGTtools' matrix game: payoff of each strategy at each group configuration."""
    configurations = egt.calculate_nb_states(group, 2)
    matrix = np.zeros((2, configurations))
    for index in range(configurations):
        zeros = int(egt.sample_simplex(index, group, 2)[0])
        matrix[0, index] = payoff_0[zeros] if zeros > 0 else 0.0
        matrix[1, index] = payoff_1[zeros] if zeros < group else 0.0
    return egt.games.MatrixNPlayerGameHolder(2, group, matrix)


# ----- the finite-population chain against EGTtools ------------------------------------------


def test_collective_risk_chain_equals_egttools_one_shot_crd():
    """Santos & Pacheco's game as EGTtools implements it: same payoffs, same chain."""
    z, n, m, beta, mu = 50, 6, 3, 5.0, 0.01
    for risk in (0.1, 0.5, 0.9):
        # EGTtools' OneShotCRD: strategy 0 defects, strategy 1 cooperates.
        game = egt.games.OneShotCRD(1.0, 0.1, risk, n, m)
        theirs = egttools_stationary(z, game, beta, mu)
        cooperate, defect = population.collective_risk(n, m, risk)
        fit_c, fit_d = population.group_fitness(z, n, cooperate, defect)
        mine = population.stationary(fit_c, fit_d, beta, mu)  # indexed by cooperators
        np.testing.assert_allclose(mine[::-1], theirs, atol=1e-12)
        # Group achievement, EGTtools' own computation from its state order.
        in_their_order = np.array(
            [theirs[int(egt.sample_simplex(i, z, 2)[0])] for i in range(z + 1)]
        )
        expected = game.calculate_group_achievement(z, in_their_order)
        assert abs(population.group_achievement(mine, n, m) - expected) < 1e-10
        sparse_solve = stochastic.stationary_distribution(
            population.population_chain(fit_c, fit_d, beta, mu)
        )
        np.testing.assert_allclose(sparse_solve, mine, atol=1e-12)


@settings(max_examples=8, deadline=None)
@given(
    payoffs=st.lists(st.floats(-2, 2), min_size=8, max_size=8),
    beta=st.floats(0.1, 4.0),
    mu=st.floats(1e-3, 0.2),
)
def test_nplayer_chain_equals_egttools_on_random_symmetric_games(payoffs, beta, mu):
    z, n = 12, 3
    a, b = np.array(payoffs[:4]), np.array(payoffs[4:])
    theirs = egttools_stationary(z, egttools_nplayer_game(n, a, b), beta, mu)
    # In EGTtools' configuration j counts strategy-0 players; here j counts A-players.
    fit_a, fit_b = population.group_fitness(z, n, a, b)
    np.testing.assert_allclose(population.stationary(fit_a, fit_b, beta, mu), theirs, atol=1e-10)


def test_profile_chain_of_a_symmetric_game_lumps_onto_egttools():
    """Eight named players imitating (the agents' rule) behave as EGTtools' population."""
    z, n, beta, mu = 8, 4, 2.0, 0.05
    cooperate, defect = population.collective_risk(n, 2, 0.6)
    fit_c, fit_d = population.group_fitness(z, n, cooperate, defect)
    profiles = stochastic.bits(z)
    counts = profiles.sum(axis=1)
    payoffs = np.where(profiles == 1, fit_c[counts][:, None], fit_d[counts][:, None])
    tensor = np.moveaxis(payoffs.reshape(*(2,) * z, z), -1, 0)
    pi = stochastic.stationary_of_game(tensor, tuple("abcdefgh"), beta, mu, "imitation")
    lumped = np.bincount(counts, weights=pi.distribution, minlength=z + 1)
    game = egttools_nplayer_game(n, cooperate, defect)
    np.testing.assert_allclose(lumped, egttools_stationary(z, game, beta, mu), atol=1e-12)


# ----- the profile chain: closed forms and brute force ---------------------------------------


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), beta=st.floats(0.2, 3.0), players=st.integers(2, 4))
def test_logit_revision_in_a_potential_game_is_the_gibbs_measure(seed, beta, players):
    """Blume (1993): asynchronous logit revision of a potential game is reversible with
    stationary distribution proportional to exp(beta * potential)."""
    rng = np.random.default_rng(seed)
    shape = (2,) * players
    potential = rng.normal(size=shape)
    # u_i = potential + a term that ignores i's own action: the game has that potential.
    payoffs = np.stack(
        [potential + rng.normal(size=shape).mean(axis=i, keepdims=True) for i in range(players)]
    )
    pi = stochastic.stationary_of_game(payoffs, tuple(map(str, range(players))), beta, 0.0)
    gibbs = np.exp(beta * potential.ravel())
    np.testing.assert_allclose(pi.distribution, gibbs / gibbs.sum(), rtol=1e-9)


@settings(max_examples=10, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rule=st.sampled_from(stochastic.RULES),
    mutation=st.floats(1e-4, 0.5),
)
def test_chains_are_stochastic_and_the_solve_is_stationary(seed, rule, mutation):
    payoffs = np.random.default_rng(seed).normal(size=(3, 2, 2, 2))
    chain = stochastic.game_chain(payoffs, 2.0, mutation, rule)
    assert chain.nnz <= 8 * 4
    np.testing.assert_allclose(np.asarray(chain.sum(axis=1)).ravel(), 1.0, atol=1e-14)
    assert chain.min() >= 0
    pi = stochastic.stationary_distribution(chain)
    np.testing.assert_allclose(pi @ chain.toarray(), pi, atol=1e-14)
    assert abs(pi.sum() - 1) < 1e-12


def test_stationary_matches_a_long_simulation_of_the_chain():
    payoffs = np.random.default_rng(7).normal(size=(3, 2, 2, 2))
    for rule in stochastic.RULES:
        chain = stochastic.game_chain(payoffs, 1.5, 0.05, rule)
        pi = stochastic.stationary_distribution(chain)
        visits = simulate_chain(chain, 200_000, seed=3)
        assert 0.5 * np.abs(visits - pi).sum() < 0.02, rule


def test_the_month_chain_is_the_engines_month_simulated():
    """Every decider revises with probability mu, in random order, each seeing the earlier
    revisions: the month chain's stationary distribution is that process's long run."""
    rng = np.random.default_rng(11)
    switch = stochastic.switch_probabilities(rng.normal(size=(3, 2, 2, 2)), "logit", 2.0)
    rate, mutation = 0.4, 0.05
    month = stochastic.month_chain(switch, rate, mutation)
    np.testing.assert_allclose(month.sum(axis=1), 1.0, atol=1e-14)
    pi = stochastic.stationary_distribution(sparse.csr_matrix(month))
    moves = (1 - mutation) * switch + mutation
    profile, visits = 0, np.zeros(8)
    for _ in range(60_000):
        for decider in rng.permutation(3):
            if rng.random() < rate and rng.random() < moves[profile, decider]:
                profile ^= 1 << (2 - decider)
        visits[profile] += 1
    assert 0.5 * np.abs(visits / visits.sum() - pi).sum() < 0.02
    # As revisions get rare, the month becomes one revision at a time.
    rare = stochastic.stationary_distribution(
        sparse.csr_matrix(stochastic.month_chain(switch, 1e-5, mutation))
    )
    one_at_a_time = stochastic.stationary_distribution(stochastic.revision_chain(switch, mutation))
    np.testing.assert_allclose(rare, one_at_a_time, atol=1e-8)


def test_a_chain_that_cannot_leave_some_profiles_is_refused():
    with pytest.raises(InputError, match="mutation"):
        stochastic.stationary_distribution(stochastic.game_chain(np.zeros((2, 2, 2)), 3.0, 0.0))


def test_the_agents_tie_rule_holds_in_the_chain():
    """A best responder with nothing to gain stays; only exploration moves it."""
    payoffs = np.zeros((2, 2, 2))
    switch = stochastic.switch_probabilities(payoffs, "logit", 3.0)
    assert (switch == 0).all()
    chain = stochastic.game_chain(payoffs, 3.0, 0.1)
    np.testing.assert_allclose(stochastic.stationary_distribution(chain), 0.25)


# ----- the classic games' published numbers -------------------------------------------------


def test_dsair_thresholds_are_han_et_al_2020():
    """Early regime, B/W >> b, c: society prefers safety from p_r = 1 - 1/s, safety is risk
    dominant from p_r = 1 - 1/(3s) (Han, Pereira, Santos & Lenaerts 2020)."""
    for speed in (1.5, 2.0, 4.0):
        far = population.dsair_thresholds(speed, prize=1e9)
        assert abs(far["society_prefers_safety"] - (1 - 1 / speed)) < 1e-6
        assert abs(far["safety_risk_dominant"] - (1 - 1 / (3 * speed))) < 1e-6
        # At b = 4, c = 1, B = 10^4, W = 100 (B/W = 100) the exact threshold is near the limit.
        near = population.dsair_thresholds(speed)
        assert abs(near["safety_risk_dominant"] - near["risk_dominant_limit"]) < 0.01


def test_dsair_safety_wins_above_the_risk_threshold_in_a_finite_population():
    """Z = 100, beta = 0.01: safe developers dominate the long run exactly past the
    finite-population threshold, which EGTtools' small-mutation limit confirms."""
    z, beta, speed = 100, 0.01, 1.5
    threshold = population.finite_population_threshold(
        lambda p: population.dsair_payoffs(p, speed), z
    )
    assert abs(threshold - population.dsair_thresholds(speed)["safety_risk_dominant"]) < 0.01
    for risk, safe_wins in ((threshold - 0.02, False), (threshold + 0.02, True)):
        matrix = population.dsair_payoffs(risk, speed)
        fit_safe, fit_unsafe = population.pairwise_fitness(z, matrix)
        pi = population.stationary(fit_safe, fit_unsafe, beta, 1e-4)
        assert (pi[z // 2 + 1 :].sum() > 0.5) == safe_wins
        game = egt.games.Matrix2PlayerGameHolder(2, np.ascontiguousarray(matrix))
        evolver = PairwiseComparison(z, game)  # holds `game` by reference: keep it alive
        sml, _ = evolver.calculate_transition_and_fixation_matrix_sml(beta)
        share = egt.utils.calculate_stationary_distribution(np.asarray(sml).transpose())
        assert (share[0] > 0.5) == safe_wins
        ratio = population.fixation_log_ratio(fit_safe, fit_unsafe, beta)
        assert abs(share[0] - 1 / (1 + np.exp(-ratio))) < 1e-9


def test_collective_risk_published_findings():
    """Santos & Pacheco (2011): group achievement rises with the risk of collective failure,
    and interior fixed points appear past a critical risk (here from their payoffs)."""
    z, n, m, beta, mu = 50, 6, 3, 5.0, 0.01
    achievements = []
    for risk in (0.0, 0.25, 0.5, 0.75, 1.0):
        cooperate, defect = population.collective_risk(n, m, risk)
        pi = population.stationary(*population.group_fitness(z, n, cooperate, defect), beta, mu)
        achievements.append(population.group_achievement(pi, n, m))
    assert all(b > a for a, b in itertools.pairwise(achievements))
    assert achievements[0] < 0.05 < 0.5 < achievements[-1]
    critical = population.critical_risk(n, m)
    x = np.linspace(0.001, 0.999, 20_001)
    for risk, roots in ((critical * 0.99, False), (critical * 1.01, True)):
        bracket = comb(n - 1, m - 1) * x ** (m - 1) * (1 - x) ** (n - m) * risk - 0.1
        assert (bracket > 0).any() == roots


def test_the_classic_game_examples_run_and_print_their_thresholds(capsys):
    examples = Path(__file__).resolve().parents[2] / "examples"
    runpy.run_path(str(examples / "collective_risk.py"), run_name="__main__")
    assert f"{population.critical_risk(6, 3):.4f}" in capsys.readouterr().out
    runpy.run_path(str(examples / "ai_race.py"), run_name="__main__")
    text = capsys.readouterr().out
    assert f"{1 - 1 / (3 * 1.5):.4f}" in text and f"{1 - 1 / 2:.4f}" in text


def test_a_chain_that_rarely_visits_its_last_profile_is_solved_exactly():
    # A birth-death chain drifting hard towards profile 0: pi[k] is proportional to r**k, so
    # the last profile weighs about 1e-60 and pinning its weight at 1 loses every digit.
    size, up, down = 40, 0.001, 0.03
    transitions = np.zeros((size, size))
    for k in range(size):
        if k + 1 < size:
            transitions[k, k + 1] = up
        if k > 0:
            transitions[k, k - 1] = down
        transitions[k, k] = 1.0 - transitions[k].sum()
    ratio = up / down
    exact = ratio ** np.arange(size)
    exact /= exact.sum()
    pi = stochastic.stationary_distribution(sparse.csr_matrix(transitions))
    np.testing.assert_allclose(pi, exact, rtol=1e-9, atol=1e-300)


def test_a_game_over_the_chain_limit_is_refused_before_any_chain_is_built():
    players = int(np.log2(stochastic.MAX_PROFILES)) + 1
    payoffs = np.zeros((players,) + (2,) * players)
    with pytest.raises(InputError, match="exceed the chain limit"):
        stochastic.switch_probabilities(payoffs, "logit", 1.0)
