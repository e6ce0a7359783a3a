"""The two-level game: lab games from the kernel, selection rules, stable treaties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pausegame.errors import InputError
from pausegame.experiments import games, lab_game, treaty
from pausegame.experiments.runs import simulate
from pausegame.sim import kernel
from pausegame.sim.engine.anticipation import settle_own_labs
from pausegame.sim.scenario import load_scenario, parse_scenario


def tiny_toml(**params: float) -> str:
    """Two states, three labs near the self-improvement threshold; `params` override.

    Labs weigh no catastrophe, pay no compute and dislike pausing, so unconstrained they race;
    compliant labs draw no false alarms, so membership binds only through detection.
    """
    values = {"lab_loss": 0.0, "compute_cost": 0.0, "false_alarm": 0.0, **params}
    lines = "\n".join(f"{name} = {value!r}" for name, value in values.items())
    return f"""
name = "tiny"
description = "Two states, three labs near the threshold."
steps = 24
[params]
{lines}
[[states]]
name = "North"
transparency = 1.0
rivalry = {{ South = 1.0 }}
[[states]]
name = "South"
transparency = 1.0
rivalry = {{ North = 1.0 }}
[[labs]]
name = "Alpha"
state = "North"
capability = 0.74
safety = 0.2
pause_affinity = -1.0
[[labs]]
name = "Beta"
state = "North"
capability = 0.6
safety = 0.1
pause_affinity = -1.0
[[labs]]
name = "Gamma"
state = "South"
capability = 0.7
safety = 0.1
pause_affinity = -1.0
"""


def tiny_scenario(**params: float) -> object:
    """The scenario of `tiny_toml`, parsed."""
    return parse_scenario(tiny_toml(**params), origin="tiny.toml")


def article_positions() -> list[tuple[int, int]]:
    """(seed, steps) points of article runs where agents have changed their minds."""
    return [(0, 0), (3, 12), (7, 40)]


# ----- one kernel: the lab game is what best-response agents compare -----------------------


@pytest.mark.parametrize(("seed", "steps"), article_positions())
def test_lab_game_entries_are_the_agents_lookahead_utilities(seed, steps):
    scenario = load_scenario("article")
    model = simulate(scenario, seed, steps)
    game = treaty.lab_game(model.structure, model.params, model.planning_state(), model.member)
    current = model.pausing.astype(int)
    for lab in range(model.structure.n_labs):
        race, pause = model.lab_utilities(lab)
        for action, expected in ((treaty.RACE, race), (treaty.PAUSE, pause)):
            profile = current.copy()
            profile[lab] = action
            assert game.payoffs[(lab, *profile)] == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("seed", "steps"), article_positions())
def test_anticipation_payoffs_are_the_states_membership_utilities(seed, steps):
    scenario = load_scenario("article")
    model = simulate(scenario, seed, steps)
    analysis = treaty.analyse_treaties(
        model.structure,
        model.params,
        model.planning_state(),
        model.pausing,
        model.member,
        selection="anticipation",
    )
    for k in range(model.structure.n_states):
        out_set, in_set = model.member.copy(), model.member.copy()
        out_set[k], in_set[k] = False, True
        out_value, in_value = model.membership_utilities(k)
        w_out = analysis.treaties[treaty.set_index(out_set)].payoffs[k]
        w_in = analysis.treaties[treaty.set_index(in_set)].payoffs[k]
        assert w_out == pytest.approx(out_value, rel=1e-12, abs=1e-12)
        assert w_in == pytest.approx(in_value, rel=1e-12, abs=1e-12)


def test_anticipated_profile_matches_the_models_anticipation():
    model = simulate(load_scenario("article"), 5, 20)
    sets = treaty.member_sets(model.structure.n_states)
    games_by_set = treaty.lab_games(model.structure, model.params, model.planning_state(), sets)
    start = tuple(int(a) for a in model.pausing)
    runs, n_labs = model.engine.runs, model.structure.n_labs
    for k in range(model.structure.n_states):
        own = np.flatnonzero(model.structure.lab_state == k)
        for members, game in zip(sets, games_by_set, strict=True):

            def utilities(candidates, members=members):
                # The agents' utilities: fresh kernel lookaheads from the run's planning state.
                rows = candidates.reshape(-1, n_labs)
                look = runs.lookahead(np.zeros(len(rows), dtype=np.int64), rows, members)
                return look.lab.reshape(candidates.shape)

            expected = settle_own_labs(model.pausing[None, :], own, utilities)[0]
            assert treaty.anticipated_profile(game, start, own) == tuple(expected.astype(int))


def test_lab_game_axes_follow_the_payoff_tensor_convention():
    scenario = tiny_scenario()
    structure, state = scenario.structure(), scenario.initial_state()
    members = np.array([True, False])
    game = treaty.lab_game(structure, scenario.params, state, members)
    assert game.payoffs.shape == (3, 2, 2, 2)
    assert game.state_payoffs.shape == (2, 2, 2, 2)
    assert game.catastrophe.shape == (2, 2, 2)
    for profile in np.ndindex(2, 2, 2):
        one = kernel.lookahead(
            state,
            np.array(profile, dtype=bool),
            members,
            structure,
            scenario.params,
            scenario.params.lookahead,
            scenario.params.discount,
        )
        np.testing.assert_allclose(game.payoffs[(slice(None), *profile)], one.lab, rtol=1e-12)
        np.testing.assert_allclose(
            game.state_payoffs[(slice(None), *profile)], one.state, rtol=1e-12
        )
        assert game.catastrophe[profile] == pytest.approx(float(one.catastrophe), rel=1e-12)


def test_chunked_kernel_calls_give_the_same_games(monkeypatch):
    scenario = tiny_scenario()
    structure, state = scenario.structure(), scenario.initial_state()
    sets = treaty.member_sets(2)
    whole = treaty.lab_games(structure, scenario.params, state, sets)
    monkeypatch.setattr(lab_game, "PROFILES_PER_CALL", 8)  # one member set per call
    pieces = treaty.lab_games(structure, scenario.params, state, sets)
    for a, b in zip(whole, pieces, strict=True):
        np.testing.assert_array_equal(a.payoffs, b.payoffs)
        np.testing.assert_array_equal(a.state_payoffs, b.state_payoffs)


# ----- selection rules on games with known answers -----------------------------------------


def lab_game_of(payoffs: np.ndarray) -> treaty.LabGame:
    return treaty.LabGame(
        payoffs, np.zeros_like(payoffs), np.zeros(payoffs.shape[1:]), np.zeros(1, dtype=bool)
    )


STAG_HUNT = np.array([[[2.0, 3.0], [0.0, 4.0]], [[2.0, 0.0], [3.0, 4.0]]])  # 0 = hare, 1 = stag
MATCHING_PENNIES = np.array([[[1.0, -1.0], [-1.0, 1.0]], [[-1.0, 1.0], [1.0, -1.0]]])


def test_selection_rules_on_the_stag_hunt():
    game = lab_game_of(STAG_HUNT)
    assert games.pure_equilibria(STAG_HUNT) == [(0, 0), (1, 1)]
    assert treaty.select(game, "dynamics", (0, 0)).profile == (0, 0)
    # Lab 0 moves first: against a stag it hunts stag, against a hare it hunts hare.
    assert treaty.select(game, "dynamics", (0, 1)).profile == (1, 1)
    assert treaty.select(game, "dynamics", (1, 0)).profile == (0, 0)
    assert treaty.select(game, "welfare", (0, 0)).profile == (1, 1)
    assert treaty.select(game, "worst", (1, 1)).profile == (0, 0)


def test_dynamics_that_cycle_fall_back_to_least_regret_without_pure_equilibria():
    game = lab_game_of(MATCHING_PENNIES)
    assert treaty.best_response_dynamics(MATCHING_PENNIES, (0, 0), 1e-9) is None
    chosen = treaty.select(game, "dynamics", (0, 0))
    assert not chosen.equilibrium
    assert "no pure equilibrium" in chosen.method


def test_unknown_selection_is_an_input_error():
    with pytest.raises(InputError, match="selection"):
        treaty.select(lab_game_of(STAG_HUNT), "random", (0, 0))
    scenario = tiny_scenario()
    pausing, members = scenario.initial_profile()
    with pytest.raises(InputError, match="selection"):
        treaty.analyse_treaties(
            scenario.structure(),
            scenario.params,
            scenario.initial_state(),
            pausing,
            members,
            selection="random",
        )


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.integers(0, 2**32 - 1), st.integers(0, 2**16))
def test_dynamics_end_at_a_pure_equilibrium_when_they_settle(n, seed, start_bits):
    payoffs = np.random.default_rng(seed).normal(size=(n,) + (2,) * n)
    start = tuple((start_bits >> i) & 1 for i in range(n))
    settled = treaty.best_response_dynamics(payoffs, start, 1e-12)
    chosen = treaty.select(lab_game_of(payoffs), "dynamics", start)
    if settled is not None:
        assert settled in games.pure_equilibria(payoffs)
        assert chosen.profile == settled
    equilibria = games.pure_equilibria(payoffs)
    assert chosen.equilibrium == bool(equilibria)
    if equilibria:
        welfare = payoffs.sum(0)
        best = treaty.select(lab_game_of(payoffs), "welfare", start).profile
        worst = treaty.select(lab_game_of(payoffs), "worst", start).profile
        assert welfare[best] == max(welfare[e] for e in equilibria)
        assert welfare[worst] == min(welfare[e] for e in equilibria)


# ----- the treaty game on scenarios we can reason about -------------------------------------


def test_perfect_verification_and_a_huge_fine_make_the_global_pause_stable():
    # Members' labs pay the fine for sure if they race, so they pause; a state that leaves
    # frees its labs to race, and the extra hazard costs it far more than it earns.
    scenario = tiny_scenario(verification=1.0, fine=1.0e5, state_loss=1.0e7)
    analysis, _ = treaty.analyse_scenario(scenario)
    full = analysis.treaties[-1]
    assert full.members.all()
    assert full.profile == (treaty.PAUSE,) * 3
    assert full.stable
    assert not full.violators.any()
    assert analysis.global_pause_stable
    # Without a treaty the labs race: the pause needs the treaty.
    assert analysis.treaties[0].profile == (treaty.RACE,) * 3


def test_without_verification_membership_only_costs_so_nobody_joins():
    scenario = tiny_scenario(verification=0.0, verification_cost=1.0, state_loss=1.0e7)
    analysis, _ = treaty.analyse_scenario(scenario)
    # Membership changes nothing for the labs, so every G(S) selects the same play ...
    assert len({t.profile for t in analysis.treaties}) == 1
    # ... and every member saves the verification cost by leaving.
    assert [t.members.any() for t in analysis.stable] == [False]
    assert not analysis.global_pause_stable
    for rule, indices in analysis.stable_by_rule.items():
        assert indices == [0], rule


def test_stability_follows_its_definition_under_every_rule():
    scenario = tiny_scenario(verification=0.7, fine=50.0, state_loss=3000.0)
    pausing, members = scenario.initial_profile()
    for rule in treaty.SELECTIONS:
        analysis = treaty.analyse_treaties(
            scenario.structure(), scenario.params, scenario.initial_state(), pausing, members, rule
        )
        w = {tuple(t.members): t.payoffs for t in analysis.treaties}
        for t in analysis.treaties:
            for k, member in enumerate(t.members):
                switched = list(t.members)
                switched[k] = not member
                gains = w[tuple(switched)][k] > t.payoffs[k] + 1e-6
                if member and gains:
                    assert not t.internally_stable
                if not member and gains:
                    assert not t.externally_stable
            if t.stable:
                assert analysis.stable_by_rule[rule].count(treaty.set_index(t.members)) == 1


def test_treaty_record_names_cheaters_and_welfare():
    # A small fine cannot stop the members' labs from racing: they are the violators.
    scenario = tiny_scenario(verification=0.2, fine=0.01)
    analysis, _ = treaty.analyse_scenario(scenario)
    full = analysis.treaties[-1]
    record = treaty.treaty_record(analysis, full)
    racing = set(record["racing_labs"])
    assert set(record["violators"]) == racing  # everyone is in a member state
    assert record["welfare"] == pytest.approx(float(full.state_utilities.sum()))
    assert record["world_welfare"] < record["welfare"] + record["lab_welfare"]
    assert 0.0 <= record["catastrophe_probability"] <= 1.0


def test_world_welfare_counts_the_labs_revenue_once():
    """Labs with nothing of their own (no loss, compute, fine; racing, so no affinity) add
    nothing to the world's welfare beyond the revenue their states already count."""
    scenario = tiny_scenario(fine=0.0)
    analysis, _ = treaty.analyse_scenario(scenario)
    game = analysis.games[0]
    racing = (treaty.RACE,) * game.n_labs
    assert game.lab_welfare()[racing] > 0
    assert game.world_welfare()[racing] == pytest.approx(
        game.state_payoffs.sum(axis=0)[racing], rel=1e-12
    )


def test_report_has_the_lab_game_under_the_treaty_in_force():
    scenario = load_scenario("article")
    analysis, where = treaty.analyse_scenario(scenario)
    report = treaty.treaty_report(analysis)
    assert where.step == 0
    assert report["players"] == list(scenario.structure().lab_names)
    assert report["lab_game_members"] == []
    expected = games.pure_equilibria(
        analysis.current_game.payoffs, treaty.tolerance(analysis.current_game.payoffs)
    )
    assert [tuple(e["profile"]) for e in report["pure_equilibria"]] == expected
    stable_sets = [t["members"] for t in report["stable_treaties"]]
    assert stable_sets == report["stable_treaties_by_rule"]["dynamics"]
    assert len(report["treaties"]) == 16


def test_position_from_a_run_and_bad_steps():
    scenario = load_scenario("article")
    where = treaty.position(scenario, at_step=6, seed=2)
    model = simulate(scenario, 2, 6)
    np.testing.assert_array_equal(where.pausing, model.pausing)
    np.testing.assert_array_equal(where.state.capability, model.planning_state().capability)
    with pytest.raises(InputError, match="at-step"):
        treaty.position(scenario, at_step=-1)


def test_too_many_actors_is_an_input_error(monkeypatch):
    monkeypatch.setattr(lab_game, "MAX_TREATY_PROFILES", 16)
    scenario = tiny_scenario()
    with pytest.raises(InputError, match="over the limit"):
        treaty.analyse_scenario(scenario)
