"""What a run's log holds: joins and leaves, pauses, detections, crossings, catastrophes."""

from __future__ import annotations

from dataclasses import dataclass

#: The open-source pool's name in records, events and summaries.
OPEN_SOURCE = "open source"


@dataclass(frozen=True)
class Event:
    """Something that happened: a join, a leave, a detection, a crossing, a catastrophe."""

    step: int
    kind: str
    agent: str
    detail: str = ""
