"""The Mesa model's own contract: utilities read the current state, live changes apply."""

from __future__ import annotations

import numpy as np
import pytest

from pausegame.sim import kernel
from pausegame.sim.model import PauseModel
from pausegame.sim.scenario import load_scenario


def direct_lab_utilities(model: PauseModel, lab: int) -> tuple[float, float]:
    profiles = np.repeat(model.pausing[None, :], 2, axis=0)
    profiles[:, lab] = [False, True]
    look = kernel.lookahead(
        model.planning_state(),
        profiles,
        model.member,
        model.structure,
        model.params,
        model.params.lookahead,
        model.params.discount,
    )
    return float(look.lab[0, lab]), float(look.lab[1, lab])


@pytest.mark.parametrize("steps", [0, 1, 12])
def test_utilities_after_steps_read_the_current_state(steps):
    model = PauseModel(load_scenario("article"), seed=11)
    for _ in range(steps):
        model.step()
    for lab in range(model.structure.n_labs):
        assert model.lab_utilities(lab) == direct_lab_utilities(model, lab)


def test_apply_scenario_changes_parameters_for_the_next_step():
    scenario = load_scenario("article")
    model = PauseModel(scenario, seed=2)
    model.step()
    before = model.lab_utilities(0)
    model.apply_scenario(scenario.with_overrides({"fine": 50.0, "lab_loss": 5000.0}))
    assert model.params.fine == 50.0
    assert model.lab_utilities(0) == direct_lab_utilities(model, 0)
    assert model.lab_utilities(0) != before
    other = load_scenario("article").with_overrides({"lab.Anthropic.safety": 0.1})
    model.apply_scenario(other)
    assert model.structure.safety[0] == 0.1


def test_agents_are_mesa_agents_that_decide_in_their_own_step():
    import mesa

    model = PauseModel(load_scenario("article"), seed=4)
    assert isinstance(model, mesa.Model)
    assert len(model.agents) == model.structure.n_labs + model.structure.n_states + 1
    assert all(isinstance(agent, mesa.Agent) for agent in model.agents)
    labs = model.agents.select(lambda a: a.kind == "lab")
    assert [a.name for a in labs] == list(model.structure.lab_names)
    # An agent's step is its own revision: with revision certain and a sharp logit, every
    # lab's step leaves it at its better action.
    model.apply_scenario(model.game.with_overrides({"logit_beta": 1e6}))
    for lab in labs:
        race, pause = model.lab_utilities(lab.index)
        lab.step()
        assert lab.pausing == (pause > race) or race == pause
    # Mesa's own scheduling works on them (the model's step keeps the keyed order).
    model.agents.select(lambda a: a.kind != "open_source").shuffle_do("step")


def test_agent_attributes_read_the_engine_and_the_datacollector_records_them():
    model = PauseModel(load_scenario("strong-verification"), seed=1)
    for _ in range(15):
        model.step()
    state = model.engine.runs.state
    for lab in model.labs:
        assert lab.capability == state.capability[0, lab.index]
        assert lab.total_payoff == state.lab_total[0, lab.index]
    frame = model.datacollector.get_agent_vars_dataframe()
    last = frame.xs(15, level="Step")
    assert list(last["capability"])[: model.structure.n_labs] == state.capability[0].tolist()
    assert list(last["action"]).count("pause") == int(
        state.pausing[0].sum() + state.member[0].sum()
    )


def test_a_run_stays_readable_after_its_catastrophe():
    scenario = load_scenario("article").with_overrides({"hazard_max": 0.5, "rsi_threshold": 0.1})
    model = PauseModel(scenario, seed=0)
    while model.running:
        model.step()
    assert model.catastrophe_step == model.steps
    assert model.summary()["outcome"] == "catastrophe"
    assert model.labs[0].capability > 0 and model.lab_utilities(0)
