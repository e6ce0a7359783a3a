"""The inspector's bar chart of a decision: each payoff term for the two options.

It draws what `pausegame explain` prints (`experiments.explain.explain_decider`): one row
per named term, a bar for each option (RACE/PAUSE for a lab, OUT/IN for a state) on one
shared scale in $B of lookahead utility, then the totals and the choice probability.
"""

from __future__ import annotations

from pausegame.viz.svg import FONT, esc, number

ROW = 30  # px per term: two bars and their gap
LABEL = 150  # px for the term names
BAR_COLOURS = ("#d62728", "#2ca02c")  # the first option (race/out), the second (pause/in)


def decision_bars_svg(explanation: dict, width: int = 460) -> str:
    """An SVG of the terms of `explanation` (the dict `explain_decider` returns)."""
    first, second = explanation["options"]
    rows = [*explanation["terms"], {"term": "total", **explanation["total"]}]
    scale = max((abs(row[option]) for row in rows for option in (first, second)), default=0) or 1.0
    plot = width - LABEL - 70
    zero = LABEL + plot / 2
    parts = []
    for index, row in enumerate(rows):
        top = 24 + index * ROW
        weight = "bold" if row["term"] == "total" else "normal"
        parts.append(
            f'<text x="{LABEL - 6}" y="{top + 13}" text-anchor="end" font-size="11"'
            f' font-weight="{weight}">{esc(row["term"].replace("_", " "))}</text>'
        )
        for offset, (option, fill) in enumerate(zip((first, second), BAR_COLOURS, strict=True)):
            value = float(row[option])
            length = abs(value) / scale * plot / 2
            left = zero if value >= 0 else zero - length
            y = top + 2 + offset * 11
            parts.append(
                f'<rect class="pg-term-bar" data-term="{esc(row["term"])}"'
                f' data-option="{esc(option)}" x="{left:.1f}" y="{y}" width="{length:.1f}"'
                f' height="9" fill="{fill}"><title>{esc(option)}: {number(value)}</title></rect>'
            )
        parts.append(
            f'<text x="{width - 4}" y="{top + 13}" text-anchor="end" font-size="11">'
            f"{esc(number(float(row[second]) - float(row[first])))}</text>"
        )
    height = 24 + len(rows) * ROW + 22
    probability = explanation.get("probability")
    chance = (
        f"chance of {second.upper()} when it revises: {probability:.1%}"
        if probability is not None
        else esc(explanation.get("rule_note", ""))
    )
    legend = (
        f'<rect x="{LABEL}" y="6" width="10" height="9" fill="{BAR_COLOURS[0]}"/>'
        f'<text x="{LABEL + 14}" y="14" font-size="11">{esc(first.upper())}</text>'
        f'<rect x="{LABEL + 70}" y="6" width="10" height="9" fill="{BAR_COLOURS[1]}"/>'
        f'<text x="{LABEL + 84}" y="14" font-size="11">{esc(second.upper())}</text>'
        f'<text x="{width - 4}" y="14" text-anchor="end" font-size="11">'
        f"{esc(second)} - {esc(first)}</text>"
    )
    axis = (
        f'<line x1="{zero:.1f}" y1="20" x2="{zero:.1f}" y2="{height - 22}"'
        ' stroke="#999" stroke-width="1"/>'
    )
    return (
        f'<svg class="pg-decision" xmlns="http://www.w3.org/2000/svg" width="{width}"'
        f' height="{height}" viewBox="0 0 {width} {height}" style="{FONT}">'
        f"{legend}{axis}{''.join(parts)}"
        f'<text x="{LABEL}" y="{height - 6}" font-size="11">{chance}</text></svg>'
    )
