"""Pieces the commands' text views share: lists of names, treaties, where a game was frozen."""

from __future__ import annotations

from collections.abc import Sequence


def listing(items: Sequence[str], empty: str = "none") -> str:
    """The names joined by commas, or `empty` when there are none."""
    return ", ".join(items) if items else empty


def treaty_text(row: dict, empty: str = "") -> str:
    """A treaty as `{members} pausing LABS`, and `, cheating LABS` when any would cheat."""
    text = f"{{{listing(row['members'], empty)}}} pausing {listing(row['pausing_labs'])}"
    return text + (f", cheating {listing(row['violators'])}" if row.get("violators") else "")


def origin_text(report: dict, start: str) -> str:
    """Where a report's game was taken: `start`, or month T of the run with seed S."""
    if report["seed"] is None:
        return start
    return f"month {report['at_step']} of run seed {report['seed']}"


def slug(name: str) -> str:
    """`name` fit for a file name: letters, digits, `-` and `_` kept, anything else `_`."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
