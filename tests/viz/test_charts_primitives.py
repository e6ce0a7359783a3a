"""The chart description drawn as an ECharts option, and the SVG pictures' shared helpers."""

from __future__ import annotations

import json

import numpy as np

from pausegame.viz.echarts import Guide, LineChart, Series, line_option
from pausegame.viz.svg import PALETTE, colour, esc, number


def test_a_line_chart_becomes_an_option_with_one_line_per_series():
    chart = LineChart(
        "Two lines",
        np.arange(5.0),
        [
            Series("a<b", np.array([0, 1, 2, 3, 4.0]), "#123456"),
            Series("c", np.array([4, 3, 2, 1, 0.0]), "#654321", dash="4 2", steps=True),
        ],
        x_max=10,
        y_label="units",
        guides=[Guide(2.5, "threshold")],
        floor=0.0,
        ceiling=5.0,
        integer=True,
        name="two",
    )
    option = line_option(chart)
    json.dumps(option, allow_nan=False)
    first, second = option["series"]
    assert first["name"] == "a<b"  # ECharts renders names as text: nothing to escape here
    assert first["data"] == [[m, float(m)] for m in range(5)]
    assert "step" not in first and second["step"] == "end"
    assert second["lineStyle"] == {"color": "#654321", "width": 1.6, "type": "dashed"}
    assert first["markLine"]["data"][0]["yAxis"] == 2.5
    assert option["xAxis"]["max"] == 10.0 and option["xAxis"]["min"] == 0
    assert option["yAxis"] == {
        "type": "value", "name": "units", "nameTextStyle": {"fontSize": 12},
        "axisLabel": {"fontSize": 12}, "scale": False, "min": 0.0, "max": 5.0, "minInterval": 1,
    }  # fmt: skip
    assert (option["pgName"], option["pgPoints"]) == ("two", 5)


def test_stacked_and_log_charts():
    series = [Series("a", np.ones(3), "#111"), Series("b", np.full(3, 2.0), "#222")]
    stacked = line_option(LineChart("stack", np.arange(3.0), series, x_max=3, stacked=True))
    assert [line["stack"] for line in stacked["series"]] == ["total", "total"]
    assert all(
        line["areaStyle"]["color"] == line["itemStyle"]["color"] for line in stacked["series"]
    )
    logged = line_option(LineChart("log", np.arange(3.0), series, x_max=3, log=True))
    assert logged["yAxis"]["type"] == "log" and logged["yAxis"]["scale"] is True


def test_missing_values_are_gaps():
    gaps = Series("a", np.array([1.0, np.nan, 2.0, np.inf]), "#111")
    option = line_option(LineChart("gaps", np.arange(4.0), [gaps], x_max=4))
    assert [v for _, v in option["series"][0]["data"]] == [1.0, None, 2.0, None]


def test_number_labels_are_compact():
    assert number(0.25) == "0.25"
    assert number(1500) == "1500"
    assert number(25_000) == "25k"
    assert number(3_000_000) == "3M"


def test_text_is_escaped_and_actor_colours_are_stable():
    assert esc('<a href="x">&') == "&lt;a href=&quot;x&quot;&gt;&amp;"
    assert colour(0) == colour(len(PALETTE)) != colour(1)
