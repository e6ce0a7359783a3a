"""Single runs: build the Mesa model from a scenario, run it, and summarise the outcome."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pausegame.sim.model import OPEN_SOURCE, PauseModel
from pausegame.sim.scenario import Scenario

OUTCOMES = ("catastrophe", "global_pause", "partial_pause", "race")


@dataclass
class RunResult:
    """A finished run: its summary (JSON-ready) and its tidy records."""

    summary: dict
    agents: pd.DataFrame
    steps: pd.DataFrame
    events: pd.DataFrame


def classify_outcome(
    catastrophe: bool, labs_pausing: int, n_labs: int, states_in: int, n_states: int
) -> str:
    """catastrophe; global_pause (every lab pauses, every state in); partial_pause; race."""
    if catastrophe:
        return "catastrophe"
    if labs_pausing == n_labs and states_in == n_states:
        return "global_pause"
    if labs_pausing or states_in:
        return "partial_pause"
    return "race"


def simulate(scenario: Scenario, seed: int, steps: int | None = None) -> PauseModel:
    """Run the Mesa model for `steps` (default: the scenario's) or until a catastrophe."""
    model = PauseModel(scenario, seed=seed)
    for _ in range(scenario.steps if steps is None else steps):
        if not model.running:
            break
        model.step()
    return model


def summarise(model: PauseModel) -> dict:
    """The run's summary: outcome, coalition, crossing, risk, hazard by source, agents."""
    structure = model.structure
    names = [*structure.lab_names, OPEN_SOURCE]
    total_hazard = float(model.hazard_totals.sum())
    shares = {
        name: (float(h) / total_hazard if total_hazard > 0 else 0.0)
        for name, h in zip(names, model.hazard_totals, strict=True)
    }
    coalition = [a.name for a in model.deciders if a.pausing]
    history = [
        {"step": e.step, "agent": e.agent, "event": e.kind}
        for e in model.events
        if e.kind in ("pause", "race", "join", "leave")
    ]
    return {
        "scenario": model.game.name,
        "seed": model.seed,
        "steps_run": int(model.steps),
        "outcome": classify_outcome(
            model.catastrophe_step is not None,
            int(model.pausing.sum()),
            structure.n_labs,
            int(model.member.sum()),
            structure.n_states,
        ),
        "final_coalition": coalition,
        "first_threshold_step": model.first_threshold_step,
        "catastrophe_step": model.catastrophe_step,
        "cumulative_catastrophe_probability": 1.0 - model.survival,
        "hazard_share_by_source": shares,
        "detections": sum(e.kind == "violation detected" for e in model.events),
        "false_alarms": sum(e.kind == "false alarm" for e in model.events),
        "pause_history": history,
        "agents": [
            {
                "name": a.name,
                "kind": a.kind,
                "action": a.action,
                "capability": a.capability,
                "total_payoff": a.total_payoff,
            }
            for a in model.deciders
        ],
    }


def run(scenario: Scenario, seed: int, steps: int | None = None) -> RunResult:
    """Simulate one run and return its summary with its records."""
    model = simulate(scenario, seed, steps)
    return RunResult(
        summarise(model), model.agent_records(), model.step_records(), model.event_records()
    )
