"""Comparing scenarios: specs with overrides, agents beside equilibria."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from pausegame.errors import InputError
from pausegame.experiments import compare, treaty
from pausegame.sim.engine import OUTCOMES
from pausegame.sim.scenario import load_scenario
from tests.experiments.test_treaty import tiny_scenario

# Little hazard, so runs rarely end early and the test looks at where agents settle.
STRONG = {"verification": 1.0, "fine": 1.0e5, "state_loss": 1.0e7, "hazard_max": 0.001}
TOOTHLESS = {
    "verification": 0.0,
    "verification_cost": 1.0,
    "state_loss": 1.0e7,
    "hazard_max": 0.001,
}


def test_spec_names_a_builtin_with_overrides():
    scenario = compare.scenario_from_spec(
        "article:verification=0.95,leak_pause=0,lab.Anthropic.safety=0.9"
    )
    base = load_scenario("article")
    assert scenario.params.verification == 0.95
    assert scenario.params.leak_pause == 0.0
    assert scenario.params.leak_base == base.params.leak_base
    assert {lab.name: lab.safety for lab in scenario.labs}["Anthropic"] == 0.9


def test_spec_names_a_file_with_and_without_overrides(tmp_path: Path):
    path = tmp_path / "copy.toml"
    builtin = resources.files("pausegame") / "scenarios" / "article.toml"
    path.write_text(builtin.read_text(encoding="utf-8"), encoding="utf-8")
    assert compare.scenario_from_spec(str(path)).params.verification == (
        load_scenario("article").params.verification
    )
    assert compare.scenario_from_spec(f"{path}:verification=0.5").params.verification == 0.5


@pytest.mark.parametrize(
    "spec",
    [
        "nosuch",
        "nosuch:verification=0.5",
        "article:",
        "article:verification",
        "article:verification=7",
        "article:nosuch=1",
    ],
)
def test_bad_specs_are_input_errors(spec: str):
    with pytest.raises(InputError):
        compare.scenario_from_spec(spec)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("article:fine", "scenario 'article:fine': 'fine': expected name=value"),
        (
            "strong-verification:fine=x",
            "scenario 'strong-verification:fine=x': fine: expected a number in [0, 100000], "
            "got 'x'",
        ),
    ],
)
def test_a_bad_override_names_the_scenario_it_is_in(spec: str, message: str):
    with pytest.raises(InputError) as raised:
        compare.scenario_from_spec(spec)
    assert str(raised.value) == message


def test_a_folder_is_no_scenario(tmp_path: Path):
    with pytest.raises(InputError, match="is a folder; give a scenario's TOML file"):
        compare.scenario_from_spec(str(tmp_path))


def test_bad_seed_counts_and_empty_lists_are_input_errors():
    with pytest.raises(InputError, match="seeds"):
        compare.compare(["article"], 0, 5)
    with pytest.raises(InputError, match="at least one"):
        compare.compare([], 3, 5)


def test_distance_from_equilibrium_is_measured_in_the_final_states_game():
    scenario = load_scenario("article")
    result = compare.compare_scenario("article", scenario, range(2), 0)  # runs stay at the start
    analysis, _ = treaty.analyse_scenario(scenario)
    report = treaty.treaty_report(analysis, mixed=False)
    runs = result["runs"]
    assert runs["seeds"] == runs["survived"] == 2
    assert runs["mean_regret"] == pytest.approx(report["current_regret"])
    at_equilibrium = report["current_regret"] <= treaty.tolerance(analysis.current_game.payoffs)
    assert runs["share_at_lab_equilibrium"] == float(at_equilibrium)
    here = analysis.treaties[treaty.set_index(analysis.start_members)]
    stable_here = here.stable and here.profile == tuple(int(a) for a in analysis.start_profile)
    assert runs["share_at_stable_treaty"] == float(stable_here)
    assert runs["share_global_pause_stable_at_end"] == float(analysis.global_pause_stable)
    assert result["equilibria"]["global_pause_stable"] == report["global_pause_stable"]
    assert [t["members"] for t in result["equilibria"]["stable_treaties"]] == [
        t["members"] for t in report["stable_treaties"]
    ]


def test_agents_find_the_global_pause_when_it_is_the_stable_treaty():
    result = compare.compare_scenario("strong", tiny_scenario(**STRONG), range(4), 24)
    assert result["equilibria"]["global_pause_stable"]
    runs = result["runs"]
    survivors = runs["survived"]
    assert survivors >= 1
    # Every run that survives ends in the full treaty with every lab pausing.
    assert runs["outcome_shares"]["global_pause"] * runs["seeds"] == survivors
    assert runs["share_at_stable_treaty"] == 1.0
    assert runs["share_at_start_stable_treaty"] == 1.0
    assert runs["share_global_pause_stable_at_end"] == 1.0
    assert runs["mean_regret"] == pytest.approx(0.0, abs=1e-9)


def test_without_verification_agents_stay_out_of_the_treaty():
    result = compare.compare_scenario("toothless", tiny_scenario(**TOOTHLESS), range(4), 24)
    stable = result["equilibria"]["stable_treaties"]
    assert [t["empty"] for t in stable] == [True]
    runs = result["runs"]
    for entry in runs["lab_equilibria_reached"]:
        assert entry["members"] == []
    assert runs["share_global_pause_stable_at_end"] in (0.0, None)


def test_compare_reports_every_scenario_with_shares_that_add_up():
    calls = []
    result = compare.compare(
        ["article", "article:verification=0.95,leak_pause=0,leak_base=0"],
        2,
        6,
        progress=lambda spec, done, total: calls.append((spec, done, total)),
    )
    assert [s["scenario"] for s in result["scenarios"]] == [
        "article",
        "article:verification=0.95,leak_pause=0,leak_base=0",
    ]
    assert calls == [
        ("article", 1, 2),
        ("article", 2, 2),
        ("article:verification=0.95,leak_pause=0,leak_base=0", 1, 2),
        ("article:verification=0.95,leak_pause=0,leak_base=0", 2, 2),
    ]
    for entry in result["scenarios"]:
        runs = entry["runs"]
        assert set(runs["outcome_shares"]) == set(OUTCOMES)
        assert sum(runs["outcome_shares"].values()) == pytest.approx(1.0)
        for key in (
            "share_at_stable_treaty",
            "share_at_lab_equilibrium",
            "share_at_start_stable_treaty",
            "share_global_pause_stable_at_end",
        ):
            assert runs[key] is None or 0.0 <= runs[key] <= 1.0
        assert runs["mean_regret"] is None or runs["mean_regret"] >= 0.0
        assert 0.0 <= runs["mean_cumulative_catastrophe_probability"] <= 1.0
        assert np.isfinite(runs["mean_state_welfare"])


def test_comparisons_are_reproducible():
    first = compare.compare(["article"], 2, 5)
    assert compare.compare(["article"], 2, 5) == first
