"""The article scenario's calibration targets (MODEL.md section 6, issue: the article's
collective-action problem), each asserted over 100 seeds of 120 months.

The numbers come from `pausegame.experiments.calibration`, the same code the calibration
search and the robustness table use; the README's "Calibration" section quotes them. All
runs of a kind advance together through the batched engine.
"""

from __future__ import annotations

import numpy as np
import pytest

from pausegame.experiments.calibration import Measures, key_racers, measure
from pausegame.sim import kernel
from pausegame.sim.scenario import load_scenario

SEEDS = range(100)


@pytest.fixture(scope="module")
def measured() -> Measures:
    return measure(
        load_scenario("article"),
        load_scenario("strong-verification"),
        SEEDS,
        lever_seeds=SEEDS,
        lever_verification=(0.95,),
    )


def test_the_labs_game_is_a_social_dilemma_on_the_expected_path(measured):
    """With no treaty, OpenAI, Meta and the Chinese labs race in every pure equilibrium at
    the start and at months 12, 24 and 36, while the labs' summed optimum and the world's
    optimum both have more labs pausing: 'no single company wants to be the first to stop'."""
    assert [d.month for d in measured.dilemma] == [0, 12, 24, 36]
    for d in measured.dilemma:
        assert d.equilibria, d
        assert d.key_race_in_every_equilibrium, d
        assert d.labs_optimum_pausing > d.most_pausing_in_equilibrium, d
        assert d.world_optimum_pausing > d.most_pausing_in_equilibrium, d


def test_the_industry_will_not_stop(measured):
    """'The industry will not stop': runs ending with every lab paused and months with every
    lab paused are rare, and OpenAI, Meta and China's labs race in most months."""
    v = measured.values
    assert v["runs_all_labs_paused_at_end"] <= 0.10, v
    assert v["months_all_labs_paused"] <= 0.10, v
    assert v["key_racers_min_racing_share"] > 0.5, v


def test_no_global_pause_will_be_enacted(measured):
    """At most 10% of runs end in a global pause, and it is not a stable treaty, neither at
    the start nor at month 24."""
    v = measured.values
    assert v["global_pause_runs"] <= 0.10, v
    assert not v["global_pause_stable_start"] and not v["global_pause_stable_month24"], v


def test_the_first_crossing_in_the_agents_runs_comes_in_months_12_to_24(measured):
    """'Self-improvement will be demonstrated ... within 18 months': the median first
    threshold crossing of the agents' runs (not of a racing leader) is in months 12-24."""
    assert 12 <= measured.values["median_first_crossing"] <= 24, measured.values


def test_the_leader_racing_crosses_at_month_18_in_expected_dynamics():
    """The growth rate is fitted to the article's 18 months for the leader (SWE-bench 49%)."""
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
    assert month == 18


def test_strong_verification_makes_the_pause_stable_and_the_agents_reach_it(measured):
    """Strong verification (with a treaty fine of three years' turnover and leakage cut) makes
    the global pause or a treaty missing at most one actor stable, from the start and at
    month 24, and the agents reach it in at least 80% of runs."""
    v = measured.values
    assert v["strong_near_global_stable_start"] and v["strong_near_global_stable_month24"], v
    assert v["strong_reached_near_global"] >= 0.80, v
    assert v["strong_reached_near_global"] >= v["global_pause_runs"] + 0.6


def test_raising_leak_pause_undermines_the_pause(measured):
    """Pausing that feeds open source undermines the pause: at some verification level,
    raising leak_pause from 0 to the article's value lowers the global-pause share by at
    least 15 points."""
    assert measured.values["lever_largest_drop"] >= 0.15, measured.values


def test_open_source_is_the_primary_vector_because_of_leakage(measured):
    """'Open-source will become the primary vector': with the article's leakage the pool
    carries the most hazard in most partial-pause runs; with no leakage it does not."""
    v = measured.values
    assert v["partial_pause_runs"] >= 0.2, v
    assert v["open_source_top_in_partial"] > 0.5, v
    assert v["partial_pause_runs_no_leak"] >= 0.2, v
    assert v["open_source_top_in_partial_no_leak"] <= 0.5, v


def test_the_key_racers_are_the_articles_opposed_and_chinese_labs():
    scenario = load_scenario("article")
    names = [scenario.labs[i].name for i in key_racers(scenario)]
    assert names == ["OpenAI", "Meta", "Alibaba Qwen", "Baidu", "Zhipu AI"]
