"""Decision explanations: each actor's RACE vs PAUSE utilities, term by term, and its choice.

`explain_decider(model, name)` explains one actor of a live `PauseModel` at its current
month (what the web UI's inspector shows); `explain_at` steps run `seed` of a scenario to
month N and explains every actor there; `record_explanations` logs the terms of every
best-response decision of a run as it happens (`run --explain`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from pausegame.errors import InputError
from pausegame.sim.engine.explain import OptionTerms, option_terms
from pausegame.sim.engine.rules import choice_probability
from pausegame.sim.model import PauseModel
from pausegame.sim.scenario import Scenario
from pausegame.sim.terms import LAB_TERMS, STATE_TERMS

#: What each rule other than best response decides on, instead of these utilities.
RULE_NOTES = {
    "best_response": "logit best response to these lookahead utilities (logit_beta)",
    "imitation": "does not use these utilities: copies a random peer's action with Fermi "
    "probability in the difference of last month's realised payoffs",
    "reinforcement": "does not use these utilities: logit choice between its learned action "
    "values (averages of its realised payoffs)",
    "fixed": "does not use these utilities: keeps its action forever",
}


def decider_key(model: PauseModel, name: str) -> int:
    """The decision-maker key of the lab or state called `name` (labs, then states)."""
    names = [d.name for d in model.deciders]
    if name not in names:
        raise InputError(f"--agent {name!r}: expected one of {', '.join(names)}")
    return names.index(name)


def explanation(model: PauseModel, key: int) -> dict:
    """Decision maker `key`'s options term by term, JSON-ready (see `explain_decider`)."""
    if model.catastrophe_step is not None:
        raise ValueError(f"the run ended in a catastrophe in month {model.catastrophe_step}")
    terms = option_terms(model.engine.runs, 0, key)
    is_lab = key < model.structure.n_labs
    options = ("race", "pause") if is_lab else ("out", "in")
    described = LAB_TERMS if is_lab else STATE_TERMS
    rows = [
        {
            "term": name,
            "description": described[name],
            options[0]: terms.race[name],
            options[1]: terms.pause[name],
            "difference": terms.pause[name] - terms.race[name],
        }
        for name in described
    ]
    labs = model.structure.lab_names
    report = {
        "agent": model.deciders[key].name,
        "kind": "lab" if is_lab else "state",
        "month": int(model.steps),
        "rule": terms.rule,
        "action": options[int(terms.current)],
        "options": list(options),
        "terms": rows,
        "total": {
            options[0]: terms.race_total,
            options[1]: terms.pause_total,
            "difference": terms.pause_total - terms.race_total,
        },
        "pausing_labs": {
            options[0]: [n for n, on in zip(labs, terms.race_profile, strict=True) if on],
            options[1]: [n for n, on in zip(labs, terms.pause_profile, strict=True) if on],
        },
        "rule_note": RULE_NOTES[terms.rule],
        "probability": _probability(model, key, terms),
    }
    if terms.through_labs is not None:
        report["through_own_labs"] = dict(zip(options, terms.through_labs, strict=True))
    return report


def _probability(model: PauseModel, key: int, terms: OptionTerms) -> float | None:
    """The chance it picks PAUSE (join) when it revises, where its rule says; else None."""
    if terms.rule == "best_response":
        return terms.probability
    if terms.rule == "reinforcement":
        race, pause = model.run_state.action_values[0, key]
        if race == pause:
            return float(terms.current)
        return float(choice_probability(terms.beta, pause - race))
    if terms.rule == "fixed":
        return float(terms.current)
    return None  # imitation: depends on which peer it draws


def explain_decider(model: PauseModel, name: str) -> dict:
    """The terms of actor `name`'s RACE vs PAUSE decision at the model's current month.

    Pure: it reads the live run and changes nothing in it (its lookahead rows may join the
    step's memo, which holds only what the kernel computes anyway). A JSON-ready dict:
    `options` (two names), `terms` (one row per term: both options' values, the difference),
    `total`, `probability` (of the second option, None where the rule gives none),
    `rule_note`, and for a state `through_own_labs`. Raises ValueError once the run ended
    in a catastrophe, InputError for an unknown name.
    """
    return explanation(model, decider_key(model, name))


def explain_at(scenario: Scenario, seed: int, at_step: int, agent: str | None = None) -> dict:
    """Every actor's (or `agent`'s) decision terms at month `at_step` of run `seed`."""
    model = PauseModel(scenario, seed=seed)
    keys = list(range(len(model.deciders))) if agent is None else [decider_key(model, agent)]
    for _ in range(at_step):
        model.step()
        if model.catastrophe_step is not None:
            raise InputError(
                f"--at-step {at_step}: run {seed} ended in a catastrophe in month "
                f"{model.catastrophe_step}; expected a month < {model.catastrophe_step}"
            )
    return {
        "scenario": scenario.name,
        "seed": seed,
        "at_step": at_step,
        "logit_beta": float(model.engine.runs.value("logit_beta", 0)),
        "deciders": [explanation(model, key) for key in keys],
    }


def record_explanations(model: PauseModel) -> list[dict]:
    """From now on, log the terms of every best-response decision of `model` (long rows).

    Returns the list the rows go into: step, agent, kind, option, term, value and the
    decision's choice probability; the terms are read just before the decision is made.
    """
    rows: list[dict] = []
    previous: Callable[[int], None] | None = model.before_decision

    def log(key: int) -> None:
        if previous is not None:
            previous(key)
        if model.engine.runs.inputs.rules[key] != "best_response":
            return
        terms = option_terms(model.engine.runs, 0, key)
        is_lab = key < model.structure.n_labs
        base = {
            "step": int(model.steps),
            "agent": model.deciders[key].name,
            "kind": "lab" if is_lab else "state",
            "probability": terms.probability,
        }
        options = ("race", "pause") if is_lab else ("out", "in")
        for option, values, total in (
            (options[0], terms.race, terms.race_total),
            (options[1], terms.pause, terms.pause_total),
        ):
            for term, value in (*values.items(), ("total", total)):
                rows.append({**base, "option": option, "term": term, "value": value})
        if terms.through_labs is not None:
            for option, value in zip(options, terms.through_labs, strict=True):
                rows.append({**base, "option": option, "term": "through_own_labs", "value": value})

    model.before_decision = log
    return rows


def explanation_table(rows: list[dict]) -> pd.DataFrame:
    """The logged rows as a table with fixed columns (empty when nobody best-responded)."""
    columns = ["step", "agent", "kind", "option", "term", "value", "probability"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"step": np.int64, "value": np.float64, "probability": np.float64})
