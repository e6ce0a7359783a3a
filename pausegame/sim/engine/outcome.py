"""How a run's end is classified: a catastrophe, a global pause, a partial pause, a race."""

from __future__ import annotations

OUTCOMES = ("catastrophe", "global_pause", "partial_pause", "race")


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
