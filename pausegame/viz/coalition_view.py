"""The coalition view: states as hubs with their labs around them and the open-source pool.

Colour says RACE or PAUSE; a translucent band joins the treaty's member states; violators
carry a red ring and a "!"; detections and false alarms flash in the step they happen; node
area grows with capability, and a dashed ring per node marks the self-improvement threshold.
Positions come from `layout`, computed once per scenario, so nothing jumps between steps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pausegame.sim.engine import OPEN_SOURCE
from pausegame.viz.charts import PAUSE_COLOUR, POOL_COLOUR, RACE_COLOUR
from pausegame.viz.session import Frame
from pausegame.viz.svg import FONT, esc, number

WIDTH, HEIGHT = 640, 500
TREATY_COLOUR = "#7fb7e0"
DETECTED_COLOUR = "#f4b400"
FALSE_ALARM_COLOUR = "#9c27b0"
VIOLATOR_COLOUR = "#c1121f"
THRESHOLD_RADIUS = 15.0  # pixels: a node exactly at the threshold fills its dashed ring
MAX_RADIUS = 2.4 * THRESHOLD_RADIUS  # far past the threshold, nodes stop growing on screen
RING = 'stroke-width="1" stroke-dasharray="3 2.5"'  # the dashed threshold ring of a node

_STYLE = (
    "<style>"
    "@keyframes pg-flash{0%{opacity:1;transform:scale(2.2)}70%{opacity:.9}"
    "100%{opacity:.85;transform:scale(1)}}"
    ".pg-flash{animation:pg-flash .8s ease-out 2;transform-box:fill-box;"
    "transform-origin:center}"
    "</style>"
)


@dataclass(frozen=True)
class Layout:
    """Fixed pixel positions of every state hub, lab and the open-source pool."""

    state_xy: np.ndarray  # (S, 2)
    lab_xy: np.ndarray  # (L, 2)
    pool_xy: np.ndarray  # (2,)
    label_above: np.ndarray  # (L,) bool: the lab sits above its hub, so its label goes on top


def layout(lab_state: np.ndarray, n_states: int) -> Layout:
    """States evenly on a circle (the first at the top), each state's labs fanned outward.

    Depends only on who belongs where, so one scenario always draws the same picture.
    """
    ring = 1.0 if n_states > 1 else 0.0
    angles = -math.pi / 2 + 2 * math.pi * np.arange(n_states) / max(n_states, 1)
    state_xy = ring * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    lab_xy = np.zeros((len(lab_state), 2))
    for k in range(n_states):
        labs = np.flatnonzero(lab_state == k)
        if labs.size == 0:
            continue
        spread = min(math.radians(160), math.radians(62) * (labs.size - 1))
        offsets = np.linspace(-spread / 2, spread / 2, labs.size) if labs.size > 1 else [0.0]
        distance = 0.5 if labs.size < 4 else 0.58
        for lab, offset in zip(labs, offsets, strict=True):
            angle = angles[k] + offset
            lab_xy[lab] = state_xy[k] + distance * np.array([math.cos(angle), math.sin(angle)])
    # Scale the unit drawing into the picture, leaving room for the largest nodes and labels.
    spots = np.vstack([state_xy, lab_xy, np.zeros((1, 2))])
    low, high = spots.min(axis=0), spots.max(axis=0)
    box_low = np.array([MAX_RADIUS + 34.0, MAX_RADIUS + 52.0])
    box_high = np.array([WIDTH - MAX_RADIUS - 34.0, HEIGHT - MAX_RADIUS - 30.0])
    # Stretch wider than tall when the box is: circles are drawn in pixels, so only the
    # spacing changes, and the labels get the room they need.
    scale = (box_high - box_low) / np.maximum(high - low, 1e-9)
    scale = np.minimum(scale, 1.5 * scale.min())
    offset = (box_low + box_high) / 2 - scale * (low + high) / 2  # where the pool, at 0, goes
    lab_xy, state_xy = offset + scale * lab_xy, offset + scale * state_xy
    above = lab_xy[:, 1] < state_xy[lab_state, 1] - 1.0 if len(lab_state) else np.zeros(0, bool)
    return Layout(state_xy=state_xy, lab_xy=lab_xy, pool_xy=offset, label_above=above)


def node_radius(capability: float, threshold: float) -> float:
    """On-screen radius: area proportional to capability, the threshold at THRESHOLD_RADIUS."""
    if threshold <= 0:
        return MAX_RADIUS
    return float(min(MAX_RADIUS, THRESHOLD_RADIUS * math.sqrt(max(capability, 0.0) / threshold)))


def coalition_svg(frame: Frame, where: Layout) -> str:
    """The coalition view of one step as an SVG string."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="100%" style="max-width:{WIDTH}px;{FONT}" data-view="coalition"'
        f' data-step="{frame.step}" role="img" aria-label="coalition view, month {frame.step}">',
        _STYLE,
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        _treaty(frame, where),
        _leakage(frame, where),
    ]
    for k, name in enumerate(frame.state_names):
        parts.append(_state_hub(name, bool(frame.member[k]), where.state_xy[k]))
    for i, name in enumerate(frame.lab_names):
        parts.append(_lab_node(frame, i, name, where.lab_xy[i], bool(where.label_above[i])))
    parts.append(_pool_node(frame, where.pool_xy))
    parts.append(_caption(frame))
    if frame.catastrophe_step is not None:
        parts.append(
            f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{VIOLATOR_COLOUR}"'
            ' fill-opacity="0.16"/>'
            f'<text x="{WIDTH / 2}" y="{HEIGHT - 40}" text-anchor="middle" font-size="22"'
            f' font-weight="700" fill="{VIOLATOR_COLOUR}" data-catastrophe="1">Catastrophe in'
            f" month {frame.catastrophe_step}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _treaty(frame: Frame, where: Layout) -> str:
    """A translucent band through the member hubs and a halo around each member's cluster."""
    members = np.flatnonzero(frame.member)
    if members.size == 0:
        return ""
    dash = "" if frame.binding else ' stroke-dasharray="8 6"'
    parts = [
        f'<g data-treaty="{",".join(esc(frame.state_names[k]) for k in members)}"'
        f' data-binding="{int(frame.binding)}">'
    ]
    if members.size > 1:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in where.state_xy[members])
        shape = "polygon" if members.size > 2 else "polyline"
        parts.append(
            f'<{shape} points="{points}" fill="{TREATY_COLOUR}" fill-opacity="0.25"'
            f' stroke="{TREATY_COLOUR}" stroke-opacity="0.45" stroke-width="46"'
            ' stroke-linejoin="round" stroke-linecap="round"/>'
        )
    for k in members:
        labs = np.flatnonzero(frame.lab_state == k)
        spots = np.vstack([where.state_xy[k][None, :], where.lab_xy[labs]])
        centre = spots.mean(axis=0)
        radius = float(np.max(np.linalg.norm(spots - centre, axis=1))) + MAX_RADIUS * 0.9
        parts.append(
            f'<circle cx="{centre[0]:.1f}" cy="{centre[1]:.1f}" r="{radius:.1f}"'
            f' fill="{TREATY_COLOUR}" fill-opacity="0.18" stroke="{PAUSE_COLOUR}"'
            f' stroke-width="1.5"{dash}><title>treaty member: {esc(frame.state_names[k])}'
            "</title></circle>"
        )
    parts.append("</g>")
    return "".join(parts)


def _leakage(frame: Frame, where: Layout) -> str:
    """Faint lines along which capability leaks to the pool; open-weight labs release directly."""
    parts = []
    for i, (x, y) in enumerate(where.lab_xy):
        style = (
            'stroke="#777" stroke-width="1.4"'
            if frame.open_weights[i]
            else 'stroke="#ccc" stroke-width="0.8" stroke-dasharray="2 3"'
        )
        parts.append(
            f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{where.pool_xy[0]:.1f}"'
            f' y2="{where.pool_xy[1]:.1f}" {style}/>'
        )
    return "".join(parts)


def _state_hub(name: str, member: bool, xy: np.ndarray) -> str:
    fill = PAUSE_COLOUR if member else RACE_COLOUR
    action = "pause" if member else "race"
    width = max(40.0, 9.0 * len(name) + 12)
    return (
        f'<g data-agent="{esc(name)}" data-kind="state" data-action="{action}">'
        f"<title>{esc(name)}: {'in the treaty' if member else 'outside the treaty'}</title>"
        f'<rect x="{xy[0] - width / 2:.1f}" y="{xy[1] - 12:.1f}" width="{width:.1f}" height="24"'
        f' rx="5" fill="{fill}" stroke="#222" stroke-width="1"/>'
        f'<text x="{xy[0]:.1f}" y="{xy[1] + 4.5:.1f}" text-anchor="middle" font-size="13.5"'
        f' font-weight="700" fill="white">{esc(name)}</text></g>'
    )


def _lab_node(frame: Frame, i: int, name: str, xy: np.ndarray, label_above: bool) -> str:
    capability = float(frame.capability[i])
    pausing = bool(frame.pausing[i])
    radius = node_radius(capability, frame.threshold)
    fill = PAUSE_COLOUR if pausing else RACE_COLOUR
    violator = bool(frame.violator[i])
    stroke = (
        f'stroke="{VIOLATOR_COLOUR}" stroke-width="3.5"'
        if violator
        else 'stroke="#222" stroke-width="1"'
    )
    status = [("PAUSE" if pausing else "RACE"), f"capability {capability:.3f}"]
    if capability >= frame.threshold:
        status.append("past the self-improvement threshold")
    if violator:
        status.append("VIOLATOR: required to pause, racing")
    action = "pause" if pausing else "race"
    parts = [
        f'<g data-agent="{esc(name)}" data-kind="lab" data-action="{action}"'
        f' data-violator="{int(violator)}" data-capability="{capability:.4f}">'
        f"<title>{esc(name)}: {esc(', '.join(status))}</title>",
        _circle(xy, radius, f'fill="{fill}" fill-opacity="0.9" {stroke}'),
        _circle(xy, THRESHOLD_RADIUS, f'fill="none" stroke="#111" {RING}'),
    ]
    if violator:
        parts.append(
            f'<text x="{xy[0] + radius * 0.75:.1f}" y="{xy[1] - radius * 0.55:.1f}"'
            f' font-size="15" font-weight="900" fill="{VIOLATOR_COLOUR}">!</text>'
        )
    if frame.detected[i]:
        parts.append(_flash(xy, radius, DETECTED_COLOUR, "detection"))
    if frame.false_alarm[i]:
        parts.append(_flash(xy, radius, FALSE_ALARM_COLOUR, "false-alarm"))
    reach = max(radius, THRESHOLD_RADIUS)
    label_y = xy[1] - reach - 20 if label_above else xy[1] + reach + 14
    parts.append(
        f'<text x="{xy[0]:.1f}" y="{label_y:.1f}" text-anchor="middle" font-size="13.5"'
        f' fill="#222">{esc(name)}</text>'
        f'<text x="{xy[0]:.1f}" y="{label_y + 14:.1f}" text-anchor="middle" font-size="13.5"'
        f' fill="#666">{number(capability)}</text></g>'
    )
    return "".join(parts)


def _circle(xy: np.ndarray, radius: float, style: str) -> str:
    return f'<circle cx="{xy[0]:.1f}" cy="{xy[1]:.1f}" r="{radius:.1f}" {style}/>'


def _flash(xy: np.ndarray, radius: float, colour: str, kind: str) -> str:
    """An event ring that bursts out when the step is drawn, then stays for the step."""
    style = f'fill="none" stroke="{colour}" stroke-width="4" class="pg-flash" data-event="{kind}"'
    return _circle(xy, radius + 6, style)


def _pool_node(frame: Frame, xy: np.ndarray) -> str:
    radius = node_radius(frame.open_source, frame.threshold)
    below = xy[1] + max(radius, THRESHOLD_RADIUS)
    return (
        f'<g data-agent="{OPEN_SOURCE}" data-kind="open_source" data-action="race"'
        f' data-capability="{frame.open_source:.4f}"><title>open-source pool: never pauses,'
        f" no safety, capability {frame.open_source:.3f}</title>"
        + _circle(xy, radius, f'fill="{POOL_COLOUR}" fill-opacity="0.85" stroke="#000"')
        + _circle(xy, THRESHOLD_RADIUS, f'fill="none" stroke="#fff" {RING}')
        + f'<text x="{xy[0]:.1f}" y="{below + 12:.1f}" text-anchor="middle" font-size="13.5"'
        f' font-weight="600">open source</text><text x="{xy[0]:.1f}" y="{below + 27:.1f}"'
        f' text-anchor="middle" font-size="13.5" fill="#666">{number(frame.open_source)}</text></g>'
    )


def _caption(frame: Frame) -> str:
    members = [name for name, m in zip(frame.state_names, frame.member, strict=True) if m]
    treaty = ", ".join(members) if members else "nobody"
    binding = "" if not members else (" (binding)" if frame.binding else " (not yet binding)")
    lines = [
        (f"treaty: {treaty}{binding}", "#333"),
        (f"labs pausing: {int(frame.pausing.sum())} of {len(frame.lab_names)}", "#333"),
    ]
    for i, name in enumerate(frame.lab_names):
        if frame.detected[i]:
            lines.append((f"{name} caught cheating", "#b07d00"))
        if frame.false_alarm[i]:
            lines.append((f"false alarm on {name}", FALSE_ALARM_COLOUR))
    parts = [f'<text x="10" y="20" font-size="16" font-weight="600">Month {frame.step}</text>']
    for n, (text, fill) in enumerate(lines):
        parts.append(
            f'<text x="10" y="{40 + 17 * n}" font-size="13.5" fill="{fill}">{esc(text)}</text>'
        )
    return "".join(parts)


LEGEND_CSS = (
    ".pg-legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;color:#333;"
    "margin-top:4px}.pg-legend span{display:inline-flex;align-items:center;gap:5px}"
    ".pg-legend i{display:inline-block;width:12px;height:12px;border-radius:50%}"
)


def legend_html() -> str:
    """The coalition view's key, as HTML text below the picture (legible at any width)."""
    items = [
        (f"background:{PAUSE_COLOUR}", "PAUSE / member"),
        (f"background:{RACE_COLOUR}", "RACE"),
        (f"background:{TREATY_COLOUR};border-radius:6px;width:22px", "treaty"),
        ("border:1px dashed #111", "threshold size"),
        (f"border:3px solid {VIOLATOR_COLOUR}", "violator"),
        (f"border:3px solid {DETECTED_COLOUR}", "caught"),
        (f"border:3px solid {FALSE_ALARM_COLOUR}", "false alarm"),
    ]
    keys = "".join(f'<span><i style="{style}"></i>{text}</span>' for style, text in items)
    note = (
        "<span>node area ~ capability; grey lines: leakage to the open-source pool"
        " (solid: open weights); click a node to inspect it</span>"
    )
    return f"<style>{LEGEND_CSS}</style><div class='pg-legend'>{keys}{note}</div>"
