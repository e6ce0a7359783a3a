"""The equilibrium path: every month of it is exactly the one-month analysis from there."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pausegame import cli
from pausegame.experiments import compare, games, path, treaty
from pausegame.sim import kernel
from pausegame.sim.scenario import load_scenario
from tests.experiments.test_treaty import tiny_scenario as tiny
from tests.experiments.test_treaty import tiny_toml


def one_month(scenario, at_step: int, seed: int) -> dict:
    """What `equilibria --at-step N --seed S` reports, in the path's terms."""
    game, where = treaty.analyse_scenario(scenario, at_step=at_step, seed=seed)
    return summary(game, where)


def summary(game: treaty.TreatyGame, where: treaty.Position) -> dict:
    current = game.current_game
    profile = tuple(int(a) for a in where.pausing)
    return {
        "step": where.step,
        "catastrophe_step": where.catastrophe_step,
        "stable": [(t.members.tolist(), t.profile, t.violators.tolist()) for t in game.stable],
        "global_pause_stable": game.global_pause_stable,
        "pure_equilibria": games.pure_equilibria(
            current.payoffs, treaty.tolerance(current.payoffs)
        ),
        "regret": float(games.regret(current.payoffs)[profile]),
        "members": where.members.tolist(),
        "pausing": where.pausing.tolist(),
    }


def of_path(month: path.PathMonth) -> dict:
    return {
        "step": month.step,
        "catastrophe_step": month.position.catastrophe_step,
        "stable": [
            (t.members.tolist(), t.profile, t.violators.tolist()) for t in month.game.stable
        ],
        "global_pause_stable": month.global_pause_stable,
        "pure_equilibria": month.pure_equilibria,
        "regret": month.current_regret,
        "members": month.position.members.tolist(),
        "pausing": month.position.pausing.tolist(),
    }


def test_the_article_run_path_equals_at_step_for_several_months():
    scenario = load_scenario("article")
    months = path.equilibrium_path(scenario, seed=3, steps=14)
    assert [m.step for m in months] == list(range(15))
    for n in (0, 1, 9, 14):
        assert of_path(months[n]) == one_month(scenario, n, 3)


@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 2**32), verification=st.sampled_from([0.1, 0.9]))
def test_every_month_of_a_small_run_equals_at_step(seed, verification):
    scenario = tiny(verification=verification, revision_rate=0.5)
    months = path.equilibrium_path(scenario, seed=seed, steps=12)
    for n, month in enumerate(months):
        assert of_path(month) == one_month(scenario, n, seed)


def test_a_catastrophe_ends_the_path_where_at_step_stops():
    scenario = tiny(hazard_max=0.6)
    months = path.equilibrium_path(scenario, seed=0, steps=30)
    end = months[-1]
    assert end.position.catastrophe_step == end.step < 30
    assert of_path(end) == one_month(scenario, 30, 0)


def test_the_expected_path_holds_the_start_play_under_expected_dynamics():
    scenario = load_scenario("article")
    months = path.equilibrium_path(scenario, steps=20)
    start, _ = treaty.analyse_scenario(scenario)
    assert of_path(months[0])["stable"] == summary(start, months[0].position)["stable"]
    structure, params = scenario.structure(), scenario.params
    pausing, members = scenario.initial_profile()
    state = scenario.initial_state()
    for _ in range(20):
        state = kernel.transition(state, pausing, members, structure, params).state
    game = treaty.analyse_treaties(structure, params, state, pausing, members)
    assert of_path(months[20]) == summary(game, months[20].position)
    # The leader crosses the threshold along the path: the Sputnik moment raises losses.
    multipliers = [float(m.position.state.loss_multiplier) for m in months]
    assert multipliers[0] == 1.0 and multipliers[-1] == params.sputnik


def test_games_do_not_depend_on_how_months_are_grouped(monkeypatch):
    scenario = tiny()
    states = [p.state for p in path.expected_positions(scenario, 9)]
    together = path.path_games(scenario.structure(), scenario.params, states)
    monkeypatch.setattr(path, "MONTH_ROWS", 1)
    apart = path.path_games(scenario.structure(), scenario.params, states, workers=2)
    for a, b in zip(together, apart, strict=True):
        for ga, gb in zip(a, b, strict=True):
            np.testing.assert_array_equal(ga.payoffs, gb.payoffs)
            np.testing.assert_array_equal(ga.state_payoffs, gb.state_payoffs)


def test_the_command_prints_the_path_and_its_months_match_at_step(tmp_path, capsys):
    file = tmp_path / "tiny.toml"
    file.write_text(tiny_toml(revision_rate=0.5))
    base = ["equilibria", "--scenario", str(file), "--json"]
    assert cli.main([*base, "--path", "--seed", "2", "--steps", "6"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["path"] == "run" and [m["step"] for m in report["months"]] == list(range(7))
    assert cli.main([*base, "--at-step", "4", "--seed", "2", "--no-mixed"]) == 0
    at_step = json.loads(capsys.readouterr().out)
    month = report["months"][4]
    assert month["global_pause_stable"] == at_step["global_pause_stable"]
    assert month["current_regret"] == at_step["current_regret"]
    assert [e["profile"] for e in at_step["pure_equilibria"]] == month["pure_equilibria"]
    assert [(t["members"], t["pausing_labs"]) for t in at_step["stable_treaties"]] == [
        (t["members"], t["pausing_labs"]) for t in month["stable_treaties"]
    ]
    assert cli.main(["equilibria", "--scenario", str(file), "--path", "--steps", "3"]) == 0
    shown = capsys.readouterr()
    assert "expected path" in shown.out and "stable treaties:" in shown.out
    assert shown.err.splitlines()[-1].startswith("equilibria --path: 4/4 months (100%)")
    assert (
        cli.main(["equilibria", "--scenario", str(file), "--path", "--steps", "3", "--quiet"]) == 0
    )
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    "extra",
    [["--path", "--at-step", "3"], ["--steps", "3"], ["--path", "--steps", "-1"]],
)
def test_bad_path_options_are_one_line_errors(extra, capsys):
    assert cli.main(["equilibria", *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1


def test_compare_reports_the_stable_treaties_at_the_runs_end_states():
    scenario = tiny(verification=0.6, revision_rate=0.5)
    report = compare.compare_scenario("tiny", scenario, range(5), 12)["runs"]
    survivors = [f for f in compare.final_states(scenario, range(5), 12) if not f.catastrophe]
    structure = scenario.structure()
    counts: dict = {}
    for final in survivors:
        game = treaty.analyse_treaties(
            structure, scenario.params, final.state, final.pausing, final.members
        )
        for t in game.stable:
            key = (
                [n for n, m in zip(structure.state_names, t.members, strict=True) if m],
                [n for n, a in zip(structure.lab_names, t.profile, strict=True) if a == 1],
            )
            counts[repr(key)] = counts.get(repr(key), 0) + 1
    reported = {
        repr((t["members"], t["pausing_labs"])): t["share"]
        for t in report["stable_treaties_at_end"]
    }
    assert survivors and reported == {key: n / len(survivors) for key, n in counts.items()}
