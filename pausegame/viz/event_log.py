"""The event log and the parameters in force, as readable HTML for the page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pausegame.sim.engine import Event
from pausegame.sim.parameters import PARAMETERS
from pausegame.viz.svg import esc

EVENTS = {  # kind: (the event in words, its colour in the log)
    "pause": ("{agent} pauses", "#2e86ab"),
    "race": ("{agent} races again", "#e4572e"),
    "join": ("{agent} joins the treaty", "#2e86ab"),
    "leave": ("{agent} leaves the treaty", "#e4572e"),
    "violation detected": ("{agent} caught racing against the treaty", "#b07d00"),
    "false alarm": ("false alarm: {agent} wrongly found in violation", "#9c27b0"),
    "threshold crossed": ("{agent} crosses the self-improvement threshold", "#d62728"),
    "sputnik moment": ("Sputnik moment: the crossing is seen", "#6a4c93"),
    "catastrophe": ("CATASTROPHE (largest hazard: {agent})", "#9d0208"),
}


def sentence(event: Event) -> str:
    """One event in words, e.g. 'US joins the treaty (trigger punishment)'."""
    words, _ = EVENTS.get(event.kind, ("{agent}: " + event.kind, ""))
    text = words.format(agent=event.agent)
    return f"{text} ({event.detail})" if event.detail else text


def event_log_html(events: Sequence[Event], limit: int = 400) -> str:
    """The newest `limit` events, newest first, one row per event with its month."""
    if not events:
        return '<div class="pg-events" data-count="0"><i>Nothing has happened yet.</i></div>'
    rows = []
    for event in reversed(events[-limit:]):
        colour = EVENTS.get(event.kind, ("", "#333"))[1]
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
