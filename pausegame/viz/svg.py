"""What the web UI's SVG pictures share: the font, the actors' colours, escaping, numbers.

The coalition view, the decision bars and the path timeline are SVG text the browser draws
with no JavaScript library, so they work offline and are built in well under a millisecond.
"""

from __future__ import annotations

from html import escape

FONT = "font-family:Roboto,Helvetica,Arial,sans-serif"
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#8c6d31",
)


def esc(text: object) -> str:
    """Text made safe for SVG/HTML content and attribute values."""
    return escape(str(text), quote=True)


def colour(index: int) -> str:
    """A stable colour for the actor at `index` (the same in every chart)."""
    return PALETTE[index % len(PALETTE)]


def number(value: float) -> str:
    """A compact number label: 0.25, 3, 1.2k, 2M."""
    magnitude = abs(value)
    if magnitude >= 1e6:
        return f"{value / 1e6:g}M"
    if magnitude >= 1e4:
        return f"{value / 1e3:g}k"
    if magnitude >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}"
