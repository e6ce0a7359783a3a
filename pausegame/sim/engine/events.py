"""What a run's log holds: joins and leaves, pauses, detections, crossings, catastrophes."""

from __future__ import annotations

from dataclasses import dataclass

from pausegame.sim.scenario import OPEN_SOURCE  # the pool's name in records and events

__all__ = ["OPEN_SOURCE", "Event"]


@dataclass(frozen=True)
class Event:
    """Something that happened: a join, a leave, a detection, a crossing, a catastrophe."""

    step: int
    kind: str
    agent: str
    detail: str = ""
