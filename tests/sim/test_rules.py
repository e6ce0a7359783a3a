"""Every decision rule runs, follows its definition, and stays reproducible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pausegame.experiments.runs import simulate
from pausegame.sim.engine.rules import RULES, choice_probability
from pausegame.sim.model import PauseModel
from pausegame.sim.scenario import load_scenario, parse_scenario

ARTICLE = load_scenario("article")


def with_rules(lab_rule: str, state_rule: str, **params: float) -> object:
    import dataclasses

    scenario = dataclasses.replace(ARTICLE, lab_rule=lab_rule, state_rule=state_rule)
    return scenario.with_overrides(params) if params else scenario


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_runs_and_is_reproducible(rule):
    scenario = with_rules(rule, rule, revision_rate=0.5)
    first = simulate(scenario, seed=5, steps=30)
    second = simulate(scenario, seed=5, steps=30)
    assert first.steps >= 1
    pd.testing.assert_frame_equal(first.agent_records(), second.agent_records())
    actions = first.agent_records()["action"]
    assert set(actions) <= {"race", "pause"}


def test_fixed_agents_never_change():
    model = simulate(with_rules("fixed", "fixed", revision_rate=1.0), seed=1, steps=40)
    assert not any(e.kind in ("pause", "race", "join", "leave") for e in model.events)
    assert not model.pausing.any() and not model.member.any()


def test_best_response_with_sharp_choice_picks_the_better_action():
    model = PauseModel(with_rules("best_response", "best_response", logit_beta=1e6), seed=3)
    rule, runs, row = RULES["best_response"], model.engine.runs, np.array([0])
    for agent in model.deciders:
        if agent.kind == "lab":
            race, pause = model.lab_utilities(agent.index)
        else:
            race, pause = model.membership_utilities(agent.index)
        key = np.array([agent.key])
        chosen = rule.decide(runs, row, key, 0, runs.actions(row, key))
        assert bool(chosen[0]) == (pause > race)


def test_state_best_response_anticipates_its_labs():
    """Joining is worth something only if the state's labs then pause (or are fined)."""
    scenario = with_rules("best_response", "best_response", verification=0.0, false_alarm=0.0)
    model = PauseModel(scenario, seed=0)
    # Inspections cost verification_cost at 2024 market size, grown with the market by step
    # t + 1 of the lookahead (utilities are in 2024 dollars at the start).
    p = model.params
    discounted_cost = p.verification_cost * sum(
        p.discount**t * (1 + p.market_cagr) ** ((t + 1) / 12) for t in range(p.lookahead)
    )
    for state in model.states:
        race, pause = model.membership_utilities(state.index)
        # Membership then changes no lab's payoff, so it costs exactly the inspections,
        # weighted by the (unchanged) chance of surviving to pay them.
        assert -discounted_cost - 1e-9 <= pause - race <= -0.9 * discounted_cost


def test_choice_probability_is_a_logit():
    assert choice_probability(1.0, 0.0) == 0.5
    assert choice_probability(2.0, 1.0) == pytest.approx(1 / (1 + np.exp(-2.0)))
    assert choice_probability(1e6, 1.0) == 1.0
    assert choice_probability(1e6, -1.0) == 0.0


def test_imitation_only_copies_actions_that_exist():
    model = simulate(with_rules("imitation", "imitation", revision_rate=1.0), seed=2, steps=25)
    # Everyone starts racing and outside the treaty: imitation alone can never invent PAUSE.
    assert not model.pausing.any() and not model.member.any()


def test_reinforcement_learns_from_realised_payoffs():
    model = simulate(with_rules("reinforcement", "reinforcement", learning_rate=0.5), 4, 10)
    for agent in model.deciders:
        played = agent.action_values
        assert any(v != 0.0 for v in played)


def test_per_agent_rule_in_scenario_file():
    text = """
name = "two"
[[states]]
name = "A"
transparency = 1.0
[[states]]
name = "B"
transparency = 1.0
[[labs]]
name = "committed"
state = "A"
capability = 0.4
safety = 0.5
action = "pause"
rule = "fixed"
[[labs]]
name = "learner"
state = "B"
capability = 0.4
safety = 0.5
"""
    scenario = parse_scenario(text).with_overrides({"revision_rate": 1.0})
    assert scenario.lab_rules() == ("fixed", "best_response")
    model = simulate(scenario, seed=0, steps=20)
    assert model.labs[0].pausing


def test_trigger_punishment_makes_members_leave_after_a_detection():
    scenario = with_rules("fixed", "fixed", trigger_steps=6, verification=1.0, false_alarm=0.0)
    import dataclasses

    states = tuple(dataclasses.replace(s, member=True) for s in scenario.states)
    scenario = dataclasses.replace(scenario, states=states)
    model = PauseModel(scenario, seed=0)
    # verification = 1 is a violation caught within a year at odds = transparency, so a
    # first detection comes within months, not necessarily in the first one.
    for _ in range(24):
        model.step()
        detections = [e for e in model.events if e.kind == "violation detected"]
        if detections:
            break
    assert detections, "racing labs in a fully verified treaty are caught"
    leaves = [e for e in model.events if e.kind == "leave" and e.detail == "trigger punishment"]
    assert leaves and leaves[0].step == detections[0].step
    # Punished states cannot rejoin until the punishment is over.
    assert (model.punished_until >= detections[0].step + 6 - 1).any()


def test_a_false_alarm_sets_off_the_trigger_like_a_detection():
    """Fines are public and a false alarm looks like a caught violation to the others."""
    import dataclasses

    scenario = with_rules("fixed", "fixed", trigger_steps=6, verification=0.0, false_alarm=1.0)
    states = tuple(dataclasses.replace(s, member=True) for s in scenario.states)
    labs = tuple(dataclasses.replace(lab, pausing=True) for lab in scenario.labs)
    model = PauseModel(dataclasses.replace(scenario, states=states, labs=labs), seed=0)
    for _ in range(24):
        model.step()
        alarms = [e for e in model.events if e.kind == "false alarm"]
        if alarms:
            break
    assert alarms and not [e for e in model.events if e.kind == "violation detected"]
    leaves = [e for e in model.events if e.kind == "leave" and e.detail == "trigger punishment"]
    assert leaves and leaves[0].step == alarms[0].step
