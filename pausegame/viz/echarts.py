"""Charts over time as ECharts options, drawn in the page by Solara's `FigureEcharts`.

`line_option` draws the same `svg.LineChart` as `svg.line_chart`, so `charts` describes each
chart once: ECharts in the page (tooltips, legend toggles, offline from the installed
`solara-assets`), SVG where a static picture is wanted. Series names come from user files
and ECharts renders them as text.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import solara
import traitlets
from solara.components.echarts import EchartsWidget

from pausegame.viz.svg import LineChart

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


def _values(y: np.ndarray) -> list[float | None]:
    """Plain floats for JSON; NaN (months a run has not reached) as gaps."""
    return [None if not math.isfinite(v) else round(float(v), 6) for v in np.asarray(y, float)]


def line_option(chart: LineChart) -> dict:
    """`chart` as an ECharts option (its width and height are the page's to choose)."""
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
