"""Single runs: build the Mesa model from a scenario, run it, and summarise the outcome."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pausegame.experiments.explain import explanation_table, record_explanations
from pausegame.sim.engine import OUTCOMES, RunRecord
from pausegame.sim.model import PauseModel
from pausegame.sim.scenario import Scenario

__all__ = ["OUTCOMES", "RunResult", "run", "simulate", "summarise"]


@dataclass
class RunResult:
    """A finished run: its summary (JSON-ready) and its tidy records."""

    summary: dict
    agents: pd.DataFrame
    steps: pd.DataFrame
    events: pd.DataFrame
    explain: pd.DataFrame | None = None  # every best-response decision's terms, if asked


def simulate(
    scenario: Scenario, seed: int, steps: int | None = None, model: PauseModel | None = None
) -> PauseModel:
    """Run the Mesa model for `steps` (default: the scenario's) or until a catastrophe."""
    model = PauseModel(scenario, seed=seed) if model is None else model
    for _ in range(scenario.steps if steps is None else steps):
        if not model.running:
            break
        model.step()
    return model


def summarise(run: PauseModel | RunRecord) -> dict:
    """A run's summary: outcome, coalition, crossing, risk, hazard by source, agents."""
    return run.summary()


def run(
    scenario: Scenario, seed: int, steps: int | None = None, explain: bool = False
) -> RunResult:
    """Simulate one run and return its summary with its records.

    `explain` also records the named terms of every best-response decision (`explain`).
    """
    model = PauseModel(scenario, seed=seed)
    logged = record_explanations(model) if explain else None
    simulate(scenario, seed, steps, model)
    return RunResult(
        model.summary(),
        model.agent_records(),
        model.step_records(),
        model.event_records(),
        None if logged is None else explanation_table(logged),
    )
