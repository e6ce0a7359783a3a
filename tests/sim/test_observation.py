"""What others see of a lab: exact when verified or caught, noisy when hiding."""

from __future__ import annotations

import dataclasses

import numpy as np

from pausegame.sim.engine import Engine
from pausegame.sim.engine.inputs import run_inputs
from pausegame.sim.scenario import load_scenario


def treaty_of_everyone(pausing: list[bool]):
    scenario = load_scenario("article").with_overrides(
        {"verification": 0.6, "observation_noise": 1.0, "false_alarm": 0.0}
    )
    states = tuple(dataclasses.replace(s, member=True, rule="fixed") for s in scenario.states)
    labs = tuple(
        dataclasses.replace(lab, pausing=p, rule="fixed")
        for lab, p in zip(scenario.labs, pausing, strict=True)
    )
    return dataclasses.replace(scenario, states=states, labs=labs)


def test_uncaught_violators_hide_their_progress_and_caught_ones_do_not():
    n_labs = len(load_scenario("article").labs)
    scenario = treaty_of_everyone([i % 2 == 0 for i in range(n_labs)])
    engine = Engine(run_inputs({0: scenario}, [(0, seed) for seed in range(200)]), steps=1)
    engine.step(1)
    state, structure = engine.runs.state, scenario.structure()
    exact = state.observed == state.capability
    closed = ~structure.open_weights[None, :]
    violating = ~state.pausing & closed
    assert state.detected.any() and (violating & ~state.detected).any()
    assert exact[state.detected].all()
    assert not exact[violating & ~state.detected].any()
    # Compliant labs under inspection and open-weight labs are seen as they are.
    assert exact[state.pausing].all()
    assert exact[:, structure.open_weights].all()
    np.testing.assert_array_equal(state.violator, ~state.pausing)
