"""Test oracle: a run's summary and outcome, derived directly from the oracle model."""

from __future__ import annotations

import numpy as np

from tests.oracle.model import OPEN_SOURCE, PauseModel

DECISIONS = {"pause", "race", "join", "leave"}


def classify_outcome(
    catastrophe: bool, labs_pausing: int, n_labs: int, states_in: int, n_states: int
) -> str:
    """catastrophe; global_pause (every lab pauses, every state in); partial_pause; race."""
    everyone = (labs_pausing, states_in) == (n_labs, n_states)
    if catastrophe or everyone:
        return "catastrophe" if catastrophe else "global_pause"
    return "partial_pause" if labs_pausing + states_in > 0 else "race"


def summarise(model: PauseModel) -> dict:
    """The run's summary: outcome, coalition, crossing, risk, hazard by source, agents."""
    structure = model.structure
    totals = np.asarray(model.hazard_totals, dtype=float)
    total = float(totals.sum())
    shares = totals / total if total > 0 else np.zeros_like(totals)
    outcome = classify_outcome(
        model.catastrophe_step is not None,
        int(model.pausing.sum()),
        structure.n_labs,
        int(model.member.sum()),
        structure.n_states,
    )
    kinds = [e.kind for e in model.events]
    return {
        "scenario": model.game.name,
        "seed": model.seed,
        "steps_run": int(model.steps),
        "outcome": outcome,
        "final_coalition": [a.name for a in model.deciders if a.pausing],
        "first_threshold_step": model.first_threshold_step,
        "catastrophe_step": model.catastrophe_step,
        "cumulative_catastrophe_probability": 1.0 - model.survival,
        "hazard_share_by_source": dict(
            zip([*structure.lab_names, OPEN_SOURCE], map(float, shares), strict=True)
        ),
        "detections": kinds.count("violation detected"),
        "false_alarms": kinds.count("false alarm"),
        "pause_history": [
            dict(step=e.step, agent=e.agent, event=e.kind)
            for e in model.events
            if e.kind in DECISIONS
        ],
        "agents": [
            dict(
                name=a.name,
                kind=a.kind,
                action=a.action,
                capability=a.capability,
                total_payoff=a.total_payoff,
            )
            for a in model.deciders
        ],
    }
