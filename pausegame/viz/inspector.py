"""The clickable coalition picture and the actor inspector it opens.

`CoalitionPicture` shows the coalition view's SVG and reports which node was clicked
(`data-agent` of the nearest group); `actor_html` describes that actor: what the scenario
declares about it and where it stands this month. Every name is escaped: names come from
user files.
"""

from __future__ import annotations

import ipyvue
import traitlets

from pausegame.sim.engine import OPEN_SOURCE
from pausegame.sim.scenario import Scenario
from pausegame.viz.session import Frame
from pausegame.viz.svg import esc


class CoalitionPicture(ipyvue.VueTemplate):
    """The coalition SVG; clicking a node sets `picked` to that actor's name."""

    svg = traitlets.Unicode("").tag(sync=True)
    picked = traitlets.Unicode("").tag(sync=True)
    template = traitlets.Unicode(
        """<template>
  <div class="pg-coalition" v-html="svg" @click="pick" style="cursor: pointer"></div>
</template>
<script>
module.exports = {
  methods: {
    pick(event) {
      const node = event.target.closest('[data-agent]');
      if (node) { this.picked = node.getAttribute('data-agent'); }
    },
  },
};
</script>"""
    ).tag(sync=True)


def actor_html(scenario: Scenario, frame: Frame, name: str) -> str:
    """What the inspector shows for actor `name` at `frame`'s month (empty if unknown)."""
    rows: list[tuple[str, str]]
    if name in frame.lab_names:
        i = frame.lab_names.index(name)
        lab = scenario.labs[i]
        rows = [
            ("kind", "lab"),
            ("state", lab.state),
            ("action now", "PAUSE" if frame.pausing[i] else "RACE"),
            ("capability now", f"{float(frame.capability[i]):.4g}"),
            ("starting capability", f"{lab.capability:g}"),
            ("safety", f"{lab.safety:g}"),
            ("pause_affinity", f"{lab.pause_affinity:g} $B per step"),
            ("loss_weight", f"{lab.loss_weight:g} x lab_loss"),
            ("open weights", "yes" if lab.open_weights else "no"),
            ("decision rule", lab.rule or f"{scenario.lab_rule} (scenario default)"),
            ("violating the treaty", "yes" if frame.violator[i] else "no"),
        ]
    elif name in frame.state_names:
        k = frame.state_names.index(name)
        state = scenario.states[k]
        labs = [lab.name for lab in scenario.labs if lab.state == name]
        rivals = ", ".join(f"{r} {w:g}" for r, w in state.rivalry.items()) or "none"
        rows = [
            ("kind", "state"),
            ("in the treaty now", "yes" if frame.member[k] else "no"),
            ("labs", ", ".join(labs) or "none"),
            ("transparency", f"{state.transparency:g}"),
            ("loss_weight", f"{state.loss_weight:g} x state_loss"),
            ("rivalry", rivals),
            ("decision rule", state.rule or f"{scenario.state_rule} (scenario default)"),
        ]
    elif name == OPEN_SOURCE:
        rows = [
            ("kind", "open-source pool"),
            ("capability now", f"{frame.open_source:.4g}"),
            ("behaviour", "never pauses; no safety work; fed by leakage"),
        ]
    else:
        return ""
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return (
        f'<div class="pg-inspector" data-actor="{esc(name)}"><p><b>{esc(name)}</b>'
        f" at month {frame.step}</p><table class='pg-table'>{body}</table></div>"
    )
