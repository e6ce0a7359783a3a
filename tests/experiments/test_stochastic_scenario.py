"""The scenario's revision chains: built as the agents reason, checked by simulating them."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pausegame import cli
from pausegame.experiments import lab_game, stochastic, treaty
from pausegame.experiments import stochastic_scenario as scenario_chain
from pausegame.sim.engine import simulate_ensemble
from tests.experiments.test_treaty import tiny_scenario, tiny_toml
from tests.oracle.chains import simulate_chain


def logit(beta: float, gain: float) -> float:
    """The agents' rule: no gain, no switch; else the logit of the gain (exp may overflow)."""
    if gain == 0:
        return 0.0
    with np.errstate(over="ignore"):
        return float(1 / (1 + np.exp(-beta * gain)))


def agents_switch(structure, all_games, beta, s, x):
    """Each decider's switch probability at (member set s, lab profile x), written out as
    the agents decide: labs compare their own two utilities in G(s); a state compares its
    utility in and out after its own labs settle (`lab_game.anticipated_profile`)."""
    n_states, n_labs = structure.n_states, structure.n_labs
    profile = tuple(int(a) for a in stochastic.bits(n_labs)[x])
    members = stochastic.bits(n_states)[s]
    switch = []
    for k in range(n_states):
        own = np.flatnonzero(structure.lab_state == k)
        other = members.copy()
        other[k] = 1 - other[k]
        values = []
        for option in (members, other):
            game = all_games[lab_game.set_index(option)]
            settled = lab_game.anticipated_profile(game, profile, own)
            values.append(game.state_payoffs[(k, *settled)])
        gain = values[1] - values[0]
        switch.append(logit(beta, gain))
    for i in range(n_labs):
        flipped = list(profile)
        flipped[i] = 1 - flipped[i]
        payoffs = all_games[s].payoffs
        gain = payoffs[(i, *flipped)] - payoffs[(i, *profile)]
        switch.append(logit(beta, gain))
    return switch


@pytest.fixture(scope="module")
def tiny_games():
    scenario = tiny_scenario(verification=0.6, revision_rate=0.5)
    structure, params = scenario.structure(), scenario.params
    where = treaty.position(scenario)
    sets = lab_game.member_sets(structure.n_states)
    return scenario, lab_game.lab_games(structure, params, where.state, sets)


def test_two_level_switch_probabilities_are_the_agents_reasoning(tiny_games):
    scenario, all_games = tiny_games
    structure, beta = scenario.structure(), float(scenario.params.logit_beta)
    table = scenario_chain.two_level_switch(structure, all_games, "logit", beta)
    n_labs = structure.n_labs
    for s in range(len(all_games)):
        for x in range(2**n_labs):
            expected = agents_switch(structure, all_games, beta, s, x)
            np.testing.assert_allclose(table[s * 2**n_labs + x], expected, atol=1e-15)


def test_two_level_stationary_matches_a_simulation_of_the_chain(tiny_games):
    scenario, all_games = tiny_games
    structure, beta = scenario.structure(), float(scenario.params.logit_beta)
    result = scenario_chain.two_level_stationary(structure, all_games, "logit", beta, 0.05)
    assert abs(result.joint.sum() - 1) < 1e-12
    chain = stochastic.revision_chain(
        scenario_chain.two_level_switch(structure, all_games, "logit", beta), 0.05
    )
    visits = simulate_chain(chain, 300_000, seed=1)
    assert 0.5 * np.abs(visits - result.joint.ravel()).sum() < 0.02
    np.testing.assert_allclose(result.treaties, result.joint.sum(axis=1))


def test_the_empirical_distribution_counts_the_runs_months():
    scenario = tiny_scenario(revision_rate=0.5)
    empirical, months = scenario_chain.empirical_distribution(scenario, range(4), 12, 5)
    counted = 0
    expected = np.zeros_like(empirical)
    for run in simulate_ensemble(scenario, [{}], range(4), 12, records=True):
        frame = run.agent_records()
        for step in range(8, run.steps + 1):
            rows = frame[frame["step"] == step]
            labs = rows[rows["kind"] == "lab"]["action"].eq("pause").to_numpy()
            states = rows[rows["kind"] == "state"]["action"].eq("pause").to_numpy()
            expected[lab_game.set_index(states), lab_game.set_index(labs)] += 1
            counted += 1
    assert months == counted > 0
    np.testing.assert_allclose(empirical, expected / counted)


def test_the_report_and_the_command(tmp_path, capsys):
    file = tmp_path / "tiny.toml"
    file.write_text(tiny_toml(revision_rate=0.5))
    base = ["stationary", "--scenario", str(file), "--seeds", "3", "--window", "4"]
    assert cli.main([*base, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    for part in (report["lab_game"], report["two_level"], report["agents"]):
        assert 0 <= part["lab_pause_share"] <= 1
        assert part["most_likely"][0]["probability"] >= part["most_likely"][-1]["probability"]
    for part in ("lab_game", "two_level"):  # five deciders: the engine's month fits
        month = report[part]["month_chain"]
        assert month["revision_rate"] == 0.5
        assert 0 <= month["total_variation_to_one_at_a_time"] <= 1
    chain = report["agents"]["chain_from_runs"]
    assert chain["month"] == 20 and chain["runs"] <= 3
    assert cli.main([*base, "--rule", "imitation", "--at-step", "3"]) == 0
    text = capsys.readouterr().out
    assert "imitation revision" in text and "month 3 of run seed 0" in text


@pytest.mark.parametrize("extra", [["--mutation", "0"], ["--seeds", "-1"], ["--rule", "x"]])
def test_bad_options_are_one_line_errors(extra, capsys):
    try:
        status = cli.main(["stationary", *extra])
    except SystemExit as exit:  # argparse rejects a choice itself
        status = exit.code
    assert status == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
