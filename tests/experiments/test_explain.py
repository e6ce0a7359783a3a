"""Decision explanations: the totals are the rules' utilities, a term's lever moves its term."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from pausegame.cli import main
from pausegame.experiments.explain import explain_at, explain_decider
from pausegame.experiments.runs import run
from pausegame.experiments.treaty import position
from pausegame.sim.engine.rules import choice_probability
from pausegame.sim.model import PauseModel
from pausegame.sim.scenario import load_scenario

ARTICLE = load_scenario("article")


@pytest.mark.parametrize("at_step", [0, 4])
def test_totals_are_the_models_utilities_at_that_month(at_step):
    report = explain_at(ARTICLE, 3, at_step)
    model = PauseModel(ARTICLE, seed=3)
    for _ in range(at_step):
        model.step()
    # The month's position is the engine's run of that seed, as `equilibria --at-step` has it.
    where = position(ARTICLE, at_step, 3)
    np.testing.assert_array_equal(model.planning_state().capability, where.state.capability)
    n_labs = model.structure.n_labs
    for key, decider in enumerate(report["deciders"]):
        first, second = decider["options"]
        if key < n_labs:
            expected = model.lab_utilities(key)
        else:
            expected = model.membership_utilities(key - n_labs)
        assert (decider["total"][first], decider["total"][second]) == expected
        for option in (first, second):
            named = [row[option] for row in decider["terms"]]
            scale = sum(abs(v) for v in named)
            assert abs(sum(named) - decider["total"][option]) <= 1e-12 * scale
        beta = report["logit_beta"]
        assert (
            decider["probability"]
            == pytest.approx(
                float(choice_probability(beta, decider["total"]["difference"])), abs=0, rel=1e-15
            )
            or decider["total"]["difference"] == 0
        )
    assert explain_decider(model, "US") == report["deciders"][n_labs]


def terms_of(decider: dict, option: str) -> dict[str, float]:
    return {row["term"]: row[option] for row in decider["terms"]}


def _weight(agent: str) -> float:
    return {a.name: a.loss_weight for a in (*ARTICLE.labs, *ARTICLE.states)}[agent]


@pytest.mark.parametrize(
    ("agent", "lever", "value", "term"),
    [
        ("OpenAI", "lab.OpenAI.loss_weight", _weight("OpenAI"), "catastrophe_loss"),
        ("US", "verification_cost", ARTICLE.params.verification_cost, "verification_cost"),
    ],
)
def test_tripling_a_terms_lever_triples_the_term_and_moves_the_choice(agent, lever, value, term):
    """At the start (the position does not depend on the lever), tripling a lab's loss
    weight or the inspection cost triples that term for both options, leaves every other
    term, and moves the choice probability to the logit of the predicted difference."""
    before = explain_at(ARTICLE, 0, 0, agent)["deciders"][0]
    after_report = explain_at(ARTICLE.with_overrides({lever: 3 * value}), 0, 0, agent)
    after = after_report["deciders"][0]
    assert after["pausing_labs"] == before["pausing_labs"]  # the same profiles are valued
    for option in before["options"]:
        old, new = terms_of(before, option), terms_of(after, option)
        for name in old:
            expected = old[name] * (3.0 if name == term else 1.0)
            assert new[name] == pytest.approx(expected, rel=1e-12, abs=1e-300)
    first, second = before["options"]
    gap = terms_of(before, second)[term] - terms_of(before, first)[term]
    assert gap != 0
    predicted = before["total"]["difference"] + 2.0 * gap
    assert after["total"]["difference"] == pytest.approx(predicted, rel=1e-9)
    probability = float(choice_probability(after_report["logit_beta"], predicted))
    assert after["probability"] == pytest.approx(probability, rel=1e-9)
    # More loss to fear from racing favours pausing; a dearer treaty deters joining.
    assert np.sign(after["probability"] - before["probability"]) == np.sign(gap)


def test_run_explain_logs_each_best_response_decision_without_changing_the_run():
    plain = run(ARTICLE, 5, 6)
    logged = run(ARTICLE, 5, 6, explain=True)
    pd.testing.assert_frame_equal(plain.agents, logged.agents)
    pd.testing.assert_frame_equal(plain.events, logged.events)
    table = logged.explain
    assert len(table) and set(table["option"]) == {"race", "pause", "out", "in"}
    decisions = table.groupby(["step", "agent", "option"], sort=False)
    for (_, _, _), rows in decisions:
        named = rows[~rows["term"].isin(["total", "through_own_labs"])]["value"]
        total = rows[rows["term"] == "total"]["value"].item()
        assert abs(named.sum() - total) <= 1e-12 * named.abs().sum()
    # The first decision of month 3 is made at the position `explain --at-step 2` explains.
    first = table[table["step"] == 3].iloc[0]
    report = explain_at(ARTICLE, 5, 2, first["agent"])["deciders"][0]
    totals = table[(table["step"] == 3) & (table["agent"] == first["agent"])]
    totals = totals[totals["term"] == "total"].set_index("option")["value"]
    assert {o: totals[o] for o in report["options"]} == {
        o: report["total"][o] for o in report["options"]
    }


def test_cli_explain_json_and_text(capsys):
    assert main(["explain", "--at-step", "1", "--agent", "China", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (china,) = report["deciders"]
    assert china["kind"] == "state" and set(china["through_own_labs"]) == {"out", "in"}
    assert main(["explain", "--at-step", "1", "--agent", "Anthropic"]) == 0
    text = capsys.readouterr().out
    assert "catastrophe_loss" in text and "P(PAUSE)" in text


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["explain", "--at-step", "-1"], "at-step"),
        (["explain", "--at-step", "2", "--agent", "Nobody"], "--agent"),
        (["run", "--explain"], "--explain"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, needle):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and needle in captured.err and captured.err.count("\n") == 1


def test_run_out_explain_writes_the_table(tmp_path, capsys):
    out = tmp_path / "r.parquet"
    assert main(["run", "--steps", "3", "--out", str(out), "--explain"]) == 0
    table = pd.read_parquet(tmp_path / "r.explain.parquet")
    assert list(table.columns) == [
        "step",
        "agent",
        "kind",
        "option",
        "term",
        "value",
        "probability",
    ]
    assert not (tmp_path / "r.explain.csv").exists()


def test_explaining_a_live_model_leaves_its_run_unchanged():
    explained, plain = PauseModel(ARTICLE, seed=9), PauseModel(ARTICLE, seed=9)
    for _ in range(4):
        for name in ("Meta", "China"):
            explain_decider(explained, name)
        explained.step()
        plain.step()
    pd.testing.assert_frame_equal(explained.agent_records(), plain.agent_records())
    pd.testing.assert_frame_equal(explained.event_records(), plain.event_records())


@pytest.mark.parametrize("rule", ["imitation", "reinforcement", "fixed"])
def test_other_rules_say_what_they_decide_on(rule):
    scenario = dataclasses.replace(ARTICLE, lab_rule=rule)
    lab = explain_at(scenario, 1, 2, "Meta")["deciders"][0]
    assert lab["rule"] == rule and "does not use these utilities" in lab["rule_note"]
    if rule == "imitation":
        assert lab["probability"] is None  # it depends on the peer drawn
    if rule == "fixed":
        assert lab["probability"] == float(lab["action"] == "pause")
    if rule == "reinforcement":
        model = PauseModel(scenario, seed=1)
        for _ in range(2):
            model.step()
        race, pause = model.run_state.action_values[0, 3]
        expected = float(choice_probability(ARTICLE.params.logit_beta, pause - race))
        assert lab["probability"] == (
            expected if race != pause else float(lab["action"] == "pause")
        )
