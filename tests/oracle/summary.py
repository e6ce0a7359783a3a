"""Test oracle: a run's summary and outcome, derived directly from the oracle model."""

from __future__ import annotations

from tests.oracle.model import OPEN_SOURCE, PauseModel


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
