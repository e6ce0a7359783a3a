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


def _cell(x: float, y: float, width: float, fill: str, title: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y}" width="{max(width, 0.5):.1f}" height="{ROW_HEIGHT - 4}" '
        f'fill="{fill}"><title>{esc(title)}</title></rect>'
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
        step = f"month {month['step']}"
        stable = month["global_pause_stable"]
        at_eq = month["at_lab_equilibrium"]
        parts.append(
            _cell(
                x,
                2,
                column,
                YES if stable else NO,
                f"{step}: global pause stable {'yes' if stable else 'no'}",
            )
        )
        parts.append(
            _cell(
                x,
                ROW_HEIGHT + 2,
                column,
                YES if at_eq else NO,
                f"{step}: at a lab equilibrium {'yes' if at_eq else 'no'}",
            )
        )
        count = len(month["stable_treaties"])
        bar = (ROW_HEIGHT - 4) * count / most
        parts.append(
            f'<rect x="{x:.1f}" y="{2 * ROW_HEIGHT + ROW_HEIGHT - 2 - bar:.1f}" '
            f'width="{max(column, 0.5):.1f}" height="{bar:.1f}" fill="#7a7a7a">'
            f"<title>{esc(f'{step}: {count} stable treaties')}</title></rect>"
        )
        regret = month["current_regret"]
        bar = (ROW_HEIGHT - 4) * regret / worst
        parts.append(
            f'<rect x="{x:.1f}" y="{3 * ROW_HEIGHT + ROW_HEIGHT - 2 - bar:.1f}" '
            f'width="{max(column, 0.5):.1f}" height="{bar:.1f}" fill="#d9822b">'
            f"<title>{esc(f'{step}: regret {number(regret)} $B')}</title></rect>"
        )
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
