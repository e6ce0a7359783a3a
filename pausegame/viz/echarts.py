"""Charts over time as ECharts options, drawn in the page by Solara's `FigureEcharts`.

`charts` describes each chart once as a `LineChart`; `line_option` draws it for the page
(tooltips, legend toggles, offline from the installed `solara-assets`). Series names come
from user files and ECharts renders them as text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import solara
import traitlets
from solara.components.echarts import EchartsWidget

FONT = {"fontSize": 12}
_UPDATE = "this.chart.setOption(this.option, true);\n    },"


def _guarded_template() -> str:
    """Solara's ECharts template, with option updates that wait until the chart exists.

    Solara's own template sets each new option on `this.chart`, which is only created once
    the ECharts library has loaded: a chart updated sooner (Play right after the page
    opens) throws in the browser. Here such an update is left to `create`, which sets the
    latest option anyway.
    """
    text = Path(EchartsWidget.template_file[0]).with_name(EchartsWidget.template_file[1])
    source = text.read_text(encoding="utf-8")
    if _UPDATE not in source:  # a Solara whose template changed: use it as it is
        return source
    return source.replace(_UPDATE, "if (this.chart) " + _UPDATE, 1)


class GuardedEcharts(EchartsWidget):
    """`EchartsWidget` whose option updates before the library loads do not throw."""

    template_file = None
    template = traitlets.Unicode(_guarded_template()).tag(sync=True)


@solara.component
def ChartGrid(options: dict, css_class: str) -> None:
    """Responsive ECharts figures in a grid, one per option by name (tooltips on hover)."""
    with solara.Div(classes=["pg-charts", css_class]):
        for name, option in options.items():
            attributes = {"style": "height: 250px", "class": f"pg-echart pg-echart-{name}"}
            GuardedEcharts.element(option=option, attributes=attributes, responsive=True)


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
class LineChart:
    """One line chart of `series` over months `x`, drawn by `line_option`.

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


def _values(y: np.ndarray) -> list[float | None]:
    """Plain floats of 6 significant digits for JSON (small hazards keep theirs); NaN and
    infinities (months a run has not reached) as gaps."""
    return [float(f"{v:.6g}") if math.isfinite(v) else None for v in np.asarray(y, float)]


def line_option(chart: LineChart) -> dict:
    """`chart` as an ECharts option (its size is the page's to choose)."""
    months = [int(v) for v in np.asarray(chart.x)]
    lines = []
    for s in chart.series:
        line: dict = {
            "name": s.label,
            "type": "line",
            "data": [[m, v] for m, v in zip(months, _values(s.y), strict=True)],
            "showSymbol": False,
            "lineStyle": {
                "color": s.color,
                "width": s.width,
                "type": "dashed" if s.dash else "solid",
            },
            "itemStyle": {"color": s.color},
            "animation": False,
        }
        if s.steps:
            line["step"] = "end"
        if chart.stacked:
            line.update(stack="total", areaStyle={"color": s.color, "opacity": 0.75})
        lines.append(line)
    if chart.guides and lines:
        lines[0]["markLine"] = {
            "silent": False,
            "symbol": "none",
            "label": {"formatter": "{b}", "position": "insideEndTop", **FONT},
            "data": [
                {"name": g.label, "yAxis": g.y, "lineStyle": {"color": g.color, "type": "dotted"}}
                for g in chart.guides
            ],
        }
    y_axis: dict = {
        "type": "log" if chart.log else "value",
        "name": chart.y_label,
        "nameTextStyle": FONT,
        "axisLabel": FONT,
        "scale": chart.floor is None,
    }
    if chart.floor is not None:
        y_axis["min"] = chart.floor
    if chart.ceiling is not None:
        y_axis["max"] = chart.ceiling
    if chart.integer:
        y_axis["minInterval"] = 1
    return {
        "title": {"text": chart.title, "textStyle": {"fontSize": 13}, "left": 4},
        "tooltip": {"trigger": "axis", "textStyle": FONT},
        "legend": {"type": "scroll", "top": 22, "textStyle": FONT},
        "grid": {"left": 56, "right": 18, "top": 62, "bottom": 34},
        "xAxis": {
            "type": "value",
            "min": int(months[0]) if months else 0,
            "max": max(float(chart.x_max), 1.0),
            "name": "month",
            "nameLocation": "middle",
            "nameGap": 22,
            "nameTextStyle": FONT,
            "axisLabel": FONT,
        },
        "yAxis": y_axis,
        "series": lines,
        "pgName": chart.name,  # ignored by ECharts; lets tests find a chart
        "pgPoints": len(months),
    }
