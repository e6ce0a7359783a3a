"""Small SVG line charts drawn as text, for the web UI's per-step redraw.

A chart is a string the browser renders with no JavaScript library, so the page works
offline, and building one takes well under a millisecond (a Matplotlib figure of the same
size takes tens), which keeps an animated step of every view inside the frame budget.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

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
    """A compact tick label: 0.25, 3, 1.2k, 2M."""
    magnitude = abs(value)
    if magnitude >= 1e6:
        return f"{value / 1e6:g}M"
    if magnitude >= 1e4:
        return f"{value / 1e3:g}k"
    if magnitude >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}"


def nice_ticks(low: float, high: float, count: int = 5, integer: bool = False) -> list[float]:
    """Round tick positions (steps of 1, 2, 2.5 or 5 times a power of ten) covering the range.

    `integer` keeps the steps whole, for counts.
    """
    if not high > low:
        return [low]
    raw = (high - low) / count
    power = 10.0 ** math.floor(math.log10(raw))
    multiples = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(m * power for m in multiples if m * power >= raw)
    step = max(step, 1.0) if integer else step
    first = math.ceil(low / step - 1e-9) * step
    ticks = np.arange(first, high + step * 1e-6, step)
    ticks = ticks[ticks <= high + 1e-9 * (high - low)]  # the slack above must not add a tick
    return [0.0 if abs(t) < step * 1e-9 else float(t) for t in ticks]


def log_ticks(low: float, high: float) -> list[float]:
    """Ticks at powers of ten, with 2 and 5 in between when the range spans under two decades."""
    decades = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    factors = (1, 2, 5) if math.log10(high / low) < 2 else (1,)
    ticks = [f * 10.0**d for d in decades for f in factors]
    return [t for t in ticks if low * (1 - 1e-9) <= t <= high * (1 + 1e-9)]


@dataclass(frozen=True)
class Series:
    """One line of a chart; `steps` draws a step function (for counts that jump)."""

    label: str
    y: np.ndarray
    color: str
    dash: str = ""
    width: float = 1.6
    steps: bool = False


@dataclass(frozen=True)
class Guide:
    """A labelled horizontal reference line, e.g. the self-improvement threshold."""

    y: float
    label: str
    color: str = "#d62728"


@dataclass(frozen=True)
class PlotArea:
    """The plot area of a chart and its data ranges: maps data to pixels."""

    left: float
    top: float
    width: float
    height: float
    x_max: float
    y_low: float
    y_high: float
    log: bool = False
    integer: bool = False

    def x(self, value: np.ndarray | float) -> np.ndarray:
        return self.left + np.asarray(value, dtype=float) / max(self.x_max, 1e-12) * self.width

    def y(self, value: np.ndarray | float) -> np.ndarray:
        value = np.asarray(value, dtype=float)
        if self.log:
            value = np.log10(np.clip(value, self.y_low, None))
            low, high = math.log10(self.y_low), math.log10(self.y_high)
        else:
            low, high = self.y_low, self.y_high
        share = (value - low) / (high - low)
        return self.top + (1.0 - np.clip(share, -0.02, 1.02)) * self.height


@dataclass(frozen=True)
class LineChart:
    """One line chart of `series` over months `x`, drawn as SVG (`line_chart`) or ECharts.

    The time axis runs to `x_max` from the first step, so the frame stays put as a run grows;
    `integer` puts y ticks on whole numbers only; `name` lets tests find the chart.
    """

    title: str
    x: np.ndarray
    series: Sequence[Series]
    x_max: float
    y_label: str = ""
    guides: Sequence[Guide] = ()
    log: bool = False
    floor: float | None = None
    ceiling: float | None = None
    stacked: bool = False
    integer: bool = False
    name: str = ""
    width: int = 460
    height: int = 210


def _points(xs: np.ndarray, ys: np.ndarray) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))


def _step_points(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertices of a step-after line through (x, y)."""
    if len(x) < 2:
        return x, y
    return np.repeat(x, 2)[1:], np.repeat(y, 2)[:-1]


def value_range(
    series: Sequence[Series],
    guides: Sequence[Guide],
    log: bool,
    floor: float | None,
    ceiling: float | None,
) -> tuple[float, float]:
    """The y range that shows every finite value and guide, padded a little."""
    values = [s.y[np.isfinite(s.y)] for s in series] + [np.array([g.y for g in guides])]
    data = np.concatenate([v.ravel() for v in values]) if values else np.zeros(0)
    if log:
        data = data[data > 0]
        low = float(data.min()) if data.size else 0.1
        high = float(data.max()) if data.size else 1.0
        low = floor if floor is not None else low / 1.3
        high = ceiling if ceiling is not None else max(high * 1.3, low * 10)
        return low, high
    low = min(0.0, float(data.min())) if data.size else 0.0
    high = float(data.max()) if data.size else 1.0
    pad = 0.06 * (high - low) if high > low else 1.0
    low = floor if floor is not None else (low - pad if low < 0 else low)
    high = ceiling if ceiling is not None else high + pad
    return low, max(high, low + 1e-9)


def line_chart(chart: LineChart) -> str:
    """`chart` as SVG text; a stacked chart fills areas on one another."""
    x, width, height = np.asarray(chart.x, dtype=float), chart.width, chart.height
    shown = list(chart.series)
    if chart.stacked:
        tops = np.cumsum([s.y for s in shown], axis=0) if shown else np.zeros((0, len(x)))
        shown = [Series(s.label, tops[i], s.color, s.dash, s.width) for i, s in enumerate(shown)]
    legend, legend_height = _legend(
        shown + [Series(g.label, np.zeros(0), g.color, "4 3") for g in chart.guides], width
    )
    low, high = value_range(shown, chart.guides, chart.log, chart.floor, chart.ceiling)
    area = PlotArea(
        left=52,
        top=24,
        width=width - 64,
        height=height - 58,
        x_max=chart.x_max,
        y_low=low,
        y_high=high,
        log=chart.log,
        integer=chart.integer,
    )
    title = esc(chart.title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + legend_height}"'
        f' width="100%" style="max-width:{width}px;{FONT}" data-chart="{esc(chart.name)}"'
        f' data-points="{len(x)}" role="img" aria-label="{title}">',
        f'<text x="{area.left}" y="15" font-size="13" font-weight="600">{title}</text>',
        _axes(area, chart.y_label),
    ]
    if chart.stacked:
        parts.append(_areas(area, x, shown))
    for guide in chart.guides:
        y = float(area.y(guide.y))
        parts.append(
            f'<line x1="{area.left}" x2="{area.left + area.width}" y1="{y:.1f}" y2="{y:.1f}"'
            f' stroke="{guide.color}" stroke-dasharray="4 3" stroke-width="1.2">'
            f"<title>{esc(guide.label)}: {number(guide.y)}</title></line>"
        )
    for s in shown:
        parts.append(_line(area, x, s))
    parts.append(f'<g transform="translate(0,{height})">{legend}</g>')
    parts.append("</svg>")
    return "".join(parts)


def _axes(area: PlotArea, y_label: str) -> str:
    bottom = area.top + area.height
    right = area.left + area.width
    parts = [
        f'<rect x="{area.left}" y="{area.top}" width="{area.width}" height="{area.height}"'
        ' fill="#fafafa" stroke="#bbb"/>'
    ]
    y_ticks = (
        log_ticks(area.y_low, area.y_high)
        if area.log
        else nice_ticks(area.y_low, area.y_high, 4, area.integer)
    )
    for tick in y_ticks:
        y = float(area.y(tick))
        parts.append(
            f'<line x1="{area.left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e4e4"/>'
            f'<text x="{area.left - 4}" y="{y + 3.5:.1f}" font-size="10" text-anchor="end"'
            f' fill="#555">{number(tick)}</text>'
        )
    for tick in nice_ticks(0, area.x_max, 6):
        x = float(area.x(tick))
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{bottom}" y2="{bottom + 4}" stroke="#999"/>'
            f'<text x="{x:.1f}" y="{bottom + 15}" font-size="10" text-anchor="middle"'
            f' fill="#555">{number(tick)}</text>'
        )
    parts.append(
        f'<text x="{right}" y="{bottom + 28}" font-size="10" text-anchor="end" fill="#555">'
        "month</text>"
    )
    if y_label:
        middle = area.top + area.height / 2
        parts.append(
            f'<text transform="translate(12,{middle:.1f}) rotate(-90)" font-size="10"'
            f' text-anchor="middle" fill="#555">{esc(y_label)}</text>'
        )
    return "".join(parts)


def _line(area: PlotArea, x: np.ndarray, s: Series) -> str:
    finite = np.isfinite(s.y)
    xs, ys = x[finite], s.y[finite]
    if s.steps:
        xs, ys = _step_points(xs, ys)
    if xs.size == 0:
        return ""
    px, py = area.x(xs), area.y(ys)
    dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
    last = f"{s.label}: {number(float(ys[-1]))}"
    return (
        f'<polyline points="{_points(px, py)}" fill="none" stroke="{s.color}"'
        f' stroke-width="{s.width}"{dash} stroke-linejoin="round"><title>{esc(last)}</title>'
        f'</polyline><circle cx="{px[-1]:.1f}" cy="{py[-1]:.1f}" r="2.2" fill="{s.color}"/>'
    )


def _areas(area: PlotArea, x: np.ndarray, tops: Sequence[Series]) -> str:
    parts = []
    below = np.zeros(len(x))
    px = area.x(x)
    for s in tops:
        upper = area.y(s.y)
        lower = area.y(below)
        outline = np.concatenate([px, px[::-1]]), np.concatenate([upper, lower[::-1]])
        parts.append(
            f'<polygon points="{_points(*outline)}" fill="{s.color}" fill-opacity="0.35"'
            f' stroke="none"><title>{esc(s.label)}</title></polygon>'
        )
        below = s.y
    return "".join(parts)


def _legend(series: Sequence[Series], width: int) -> tuple[str, int]:
    """Legend entries wrapped into rows under the plot; returns (svg, height)."""
    parts, x, row = [], 52.0, 0
    for s in series:
        item_width = 26 + 6.0 * len(s.label)
        if x + item_width > width and x > 52:
            x, row = 52.0, row + 1
        y = 8 + 14 * row
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        parts.append(
            f'<line x1="{x:.0f}" x2="{x + 16:.0f}" y1="{y}" y2="{y}" stroke="{s.color}"'
            f' stroke-width="2.4"{dash}/><text x="{x + 20:.0f}" y="{y + 3.5}" font-size="10"'
            f' fill="#333">{esc(s.label)}</text>'
        )
        x += item_width
    return "".join(parts), (14 * (row + 1) + 4) if series else 0
