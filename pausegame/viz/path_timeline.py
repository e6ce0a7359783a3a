"""The equilibrium path as a timeline: one SVG strip per question, one column per month.

Input is `experiments.path.path_report(...)["months"]` (or `month_record` of each
`PathMonth`), so the view computes nothing itself: rows say whether the global pause is
stable, whether the current play is a lab equilibrium, how many treaties are stable, and
the current play's regret; a dashed line marks the Sputnik moment and a ring the month on
screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from pausegame.viz.svg import FONT, esc, number

YES, NO = "#2a7fbf", "#e6e6e6"
ROWS = ("global pause stable", "play at a lab equilibrium", "stable treaties", "regret, $B")
LABEL_WIDTH = 150
ROW_HEIGHT = 18


def _bar(x: float, row: int, width: float, share: float, fill: str, title: str) -> str:
    """A bar of `row` rising from its bottom, a `share` of the row's height (1: a full cell)."""
    height = (ROW_HEIGHT - 4) * share
    return (
        f'<rect x="{x:.1f}" y="{(row + 1) * ROW_HEIGHT - 2 - height:.1f}" '
        f'width="{max(width, 0.5):.1f}" height="{height:.1f}" fill="{fill}">'
        f"<title>{esc(title)}</title></rect>"
    )


def path_timeline_svg(
    months: Sequence[dict], width: int = 640, current_step: int | None = None
) -> str:
    """An SVG timeline of the path's months (dicts as `path.month_record` makes them)."""
    height = ROW_HEIGHT * len(ROWS) + 26
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" style="{FONT};font-size:11px" role="img" '
        'aria-label="equilibrium path">'
    ]
    for row, label in enumerate(ROWS):
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{row * ROW_HEIGHT + 12}" text-anchor="end">'
            f"{esc(label)}</text>"
        )
    if not months:
        parts.append(f'<text x="{LABEL_WIDTH}" y="12">no months analysed</text></svg>')
        return "".join(parts)
    first, last = months[0]["step"], months[-1]["step"]
    span = max(last - first + 1, 1)
    column = (width - LABEL_WIDTH - 4) / span
    most = max(max(len(m["stable_treaties"]) for m in months), 1)
    worst = max(max(m["current_regret"] for m in months), 1e-12)
    sputnik = None
    for previous, month in zip([None, *months[:-1]], months, strict=True):
        x = LABEL_WIDTH + (month["step"] - first) * column
        stable, at_eq = month["global_pause_stable"], month["at_lab_equilibrium"]
        count, regret = len(month["stable_treaties"]), month["current_regret"]
        cells = [
            (1, YES if stable else NO, f"global pause stable {'yes' if stable else 'no'}"),
            (1, YES if at_eq else NO, f"at a lab equilibrium {'yes' if at_eq else 'no'}"),
            (count / most, "#7a7a7a", f"{count} stable treaties"),
            (regret / worst, "#d9822b", f"regret {number(regret)} $B"),
        ]
        for row, (share, fill, title) in enumerate(cells):
            parts.append(_bar(x, row, column, share, fill, f"month {month['step']}: {title}"))
        if previous is not None and month["loss_multiplier"] > previous["loss_multiplier"]:
            sputnik = x
    bottom = ROW_HEIGHT * len(ROWS)
    if sputnik is not None:
        parts.append(
            f'<line x1="{sputnik:.1f}" x2="{sputnik:.1f}" y1="0" y2="{bottom}" stroke="#c0392b" '
            'stroke-dasharray="3 2"><title>Sputnik moment</title></line>'
        )
    if current_step is not None and first <= current_step <= last:
        x = LABEL_WIDTH + (current_step - first + 0.5) * column
        parts.append(
            f'<circle cx="{x:.1f}" cy="{bottom + 6}" r="4" fill="none" stroke="#000">'
            f"<title>month {current_step}</title></circle>"
        )
    parts.append(
        f'<text x="{LABEL_WIDTH}" y="{height - 2}">month {first}</text>'
        f'<text x="{width - 4}" y="{height - 2}" text-anchor="end">month {last}</text></svg>'
    )
    return "".join(parts)
