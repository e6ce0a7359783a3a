"""The article scenario's calibration targets (MODEL.md section 6), over many seeds.

The measured numbers are quoted in the README's "Calibration" section; these tests hold
the model to the targets, with margins, so a change that breaks a target fails here. All
seeds advance together through the engine, so 100 seeds take seconds.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from pausegame.experiments.treaty import analyse_scenario
from pausegame.sim import kernel
from pausegame.sim.engine import OPEN_SOURCE, run_ensemble
from pausegame.sim.scenario import load_scenario

SEEDS = range(100)


@pytest.fixture(scope="module")
def runs() -> dict[str, list[dict]]:
    return {
        name: run_ensemble(load_scenario(name), [{}], SEEDS)
        for name in ("article", "strong-verification")
    }


def pausing_count(summary: dict) -> int:
    return sum(agent["action"] == "pause" for agent in summary["agents"])


def test_no_global_pause_with_the_article_defaults(runs):
    """'No global pause will be enacted': most seeds end with someone racing."""
    outcomes = Counter(s["outcome"] for s in runs["article"])
    assert outcomes["global_pause"] <= 0.2 * len(SEEDS), outcomes
    for at_step in (None, 24):
        game, _ = analyse_scenario(load_scenario("article"), at_step=at_step)
        assert not game.global_pause_stable


def test_leading_lab_racing_crosses_the_threshold_in_15_to_21_months():
    """'Self-improvement will be demonstrated ... within 18 months', in expected dynamics."""
    scenario = load_scenario("article")
    structure, params = scenario.structure(), scenario.params
    state = scenario.initial_state()
    leader = int(np.argmax(state.capability))
    racing = np.zeros(structure.n_labs, dtype=bool)
    members = np.zeros(structure.n_states, dtype=bool)
    month = None
    for step in range(1, 60):
        state = kernel.transition(state, racing, members, structure, params).state
        if state.capability[leader] >= params.rsi_threshold:
            month = step
            break
    assert month is not None and 15 <= month <= 21


def test_strong_verification_makes_the_global_pause_stable_and_agents_reach_it(runs):
    """Verification and leakage are the levers: the global pause holds once risk is near."""
    for at_step in (None, 24):
        game, _ = analyse_scenario(load_scenario("strong-verification"), at_step=at_step)
        assert game.global_pause_stable
        assert [t.members.all() for t in game.stable] == [True]
    n_deciders = len(runs["strong-verification"][0]["agents"])
    reached = [pausing_count(s) >= n_deciders - 1 for s in runs["strong-verification"]]
    assert np.mean(reached) >= 0.6
    # And strong verification beats the article's defaults by a wide margin.
    baseline = [pausing_count(s) >= n_deciders - 1 for s in runs["article"]]
    assert np.mean(reached) >= np.mean(baseline) + 0.3


def test_open_source_carries_the_most_hazard_in_partial_pauses(runs):
    """'Open-source will become the primary vector for dangerous self-improvement.'"""
    partial = [s for s in runs["article"] if s["outcome"] == "partial_pause"]
    assert len(partial) >= 3
    top = [max(s["hazard_share_by_source"], key=s["hazard_share_by_source"].get) for s in partial]
    assert top.count(OPEN_SOURCE) >= 0.8 * len(partial)
