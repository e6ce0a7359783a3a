"""The event log and the parameters in force, as readable HTML for the page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pausegame.sim.engine import Event
from pausegame.sim.parameters import PARAMETERS
from pausegame.viz.svg import esc

KIND_COLOURS = {
    "pause": "#2e86ab",
    "join": "#2e86ab",
    "race": "#e4572e",
    "leave": "#e4572e",
    "violation detected": "#b07d00",
    "false alarm": "#9c27b0",
    "threshold crossed": "#d62728",
    "sputnik moment": "#6a4c93",
    "catastrophe": "#9d0208",
}
SENTENCES = {
    "pause": "{agent} pauses",
    "race": "{agent} races again",
    "join": "{agent} joins the treaty",
    "leave": "{agent} leaves the treaty",
    "violation detected": "{agent} caught racing against the treaty",
    "false alarm": "false alarm: {agent} wrongly found in violation",
    "threshold crossed": "{agent} crosses the self-improvement threshold",
    "sputnik moment": "Sputnik moment: the crossing is seen",
    "catastrophe": "CATASTROPHE (largest hazard: {agent})",
}


def sentence(event: Event) -> str:
    """One event in words, e.g. 'US joins the treaty (trigger punishment)'."""
    text = SENTENCES.get(event.kind, "{agent}: " + event.kind).format(agent=event.agent)
    return f"{text} ({event.detail})" if event.detail else text


def event_log_html(events: Sequence[Event], limit: int = 400) -> str:
    """The newest `limit` events, newest first, one row per event with its month."""
    if not events:
        return '<div class="pg-events" data-count="0"><i>Nothing has happened yet.</i></div>'
    rows = []
    for event in reversed(events[-limit:]):
        colour = KIND_COLOURS.get(event.kind, "#333")
        rows.append(
            f'<tr><td style="color:#666;text-align:right;padding-right:8px">{event.step}</td>'
            f'<td style="color:{colour}">{esc(sentence(event))}</td></tr>'
        )
    hidden = len(events) - limit
    more = f"<tr><td></td><td>... {hidden} earlier events</td></tr>" if hidden > 0 else ""
    return (
        f'<div class="pg-events" data-count="{len(events)}"><table class="pg-table">'
        f"<tr><th>month</th><th>event</th></tr>{''.join(rows)}{more}</table></div>"
    )


def parameters_text(params: Any) -> str:
    """Every parameter the model runs with, as `name=value` pairs (what is in force now)."""
    return "  ".join(f"{p.name}={getattr(params, p.name):g}" for p in PARAMETERS)
