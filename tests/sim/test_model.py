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
