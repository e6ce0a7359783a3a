"""The SVG chart primitives: ticks, the data-to-pixel map, and well-formed charts."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from pausegame.viz.svg import (
    Guide,
    LineChart,
    PlotArea,
    Series,
    line_chart,
    log_ticks,
    nice_ticks,
    number,
)

SVG = "{http://www.w3.org/2000/svg}"
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(finite, finite, st.integers(min_value=2, max_value=8))
def test_nice_ticks_are_evenly_spaced_round_numbers_inside_the_range(a, b, count):
    low, high = min(a, b), max(a, b)
    assume(high - low >= 1e-6 * max(1.0, abs(low), abs(high)))
    ticks = nice_ticks(low, high, count)
    assert ticks, (low, high)
    span = high - low
    assert all(low - 1e-9 * span <= t <= high + 1e-9 * span for t in ticks)
    assert len(ticks) <= 2 * count + 1
    steps = np.diff(ticks)
    if len(steps):
        np.testing.assert_allclose(steps, steps[0], rtol=1e-6)
        mantissa = steps[0] / 10 ** math.floor(math.log10(steps[0]))
        assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5, 10))


@given(st.integers(min_value=-50, max_value=50), st.integers(min_value=1, max_value=60))
def test_integer_ticks_are_whole_numbers(low, width):
    ticks = nice_ticks(low, low + width, 4, integer=True)
    assert all(float(t).is_integer() for t in ticks)


@given(st.floats(min_value=1e-4, max_value=1e3), st.floats(min_value=1.5, max_value=1e4))
def test_log_ticks_lie_in_the_range(low, ratio):
    high = low * ratio
    ticks = log_ticks(low, high)
    assert all(low * (1 - 1e-9) <= t <= high * (1 + 1e-9) for t in ticks)
    assert ticks == sorted(ticks)


@given(st.lists(st.floats(min_value=-1e3, max_value=1e3), min_size=2, max_size=20))
def test_the_plot_area_maps_larger_values_higher_up(values):
    area = PlotArea(left=10, top=5, width=300, height=100, x_max=10, y_low=-1e3, y_high=1e3)
    pixels = area.y(np.array(sorted(values)))
    assert np.all(np.diff(pixels) <= 1e-9)  # screen y grows downwards
    assert np.all((pixels >= area.top - 3) & (pixels <= area.top + area.height + 3))


def test_number_labels_are_compact():
    assert number(0.25) == "0.25"
    assert number(1500) == "1500"
    assert number(25_000) == "25k"
    assert number(3_000_000) == "3M"


def test_a_chart_is_well_formed_svg_with_one_line_per_series_and_escaped_text():
    x = np.arange(5)
    chart = line_chart(
        LineChart(
            "Risk & <reward>",
            x,
            [
                Series("a<b", np.array([0, 1, 2, 3, 4.0]), "#123456"),
                Series("c", np.array([4, 3, 2, 1, 0.0]), "#654321", steps=True),
            ],
            x_max=10,
            guides=[Guide(2.5, "threshold")],
            name="demo",
        )
    )
    root = ET.fromstring(chart)
    assert root.get("data-chart") == "demo"
    assert root.get("data-points") == "5"
    lines = root.findall(f".//{SVG}polyline")
    assert len(lines) == 2
    # the step function has a corner at every month, the plain line a vertex per month
    assert len(lines[0].get("points").split()) == 5
    assert len(lines[1].get("points").split()) == 9
    texts = "".join(root.itertext())
    assert "Risk & <reward>" in texts and "a<b" in texts and "threshold" in texts


def test_stacked_areas_sum_the_series():
    x = np.arange(3)
    chart = line_chart(
        LineChart(
            "stack",
            x,
            [Series("a", np.ones(3), "#111"), Series("b", np.full(3, 2.0), "#222")],
            x_max=2,
            floor=0.0,
            stacked=True,
        )
    )
    root = ET.fromstring(chart)
    assert len(root.findall(f".//{SVG}polygon")) == 2
    tops = [
        float(p.split(",")[1]) for p in root.findall(f".//{SVG}polyline")[1].get("points").split()
    ]
    bottoms = [
        float(p.split(",")[1]) for p in root.findall(f".//{SVG}polyline")[0].get("points").split()
    ]
    assert all(t < b for t, b in zip(tops, bottoms, strict=True))  # b sits on top of a


def test_missing_values_are_left_out_of_a_line():
    gaps = Series("a", np.array([1.0, np.nan, 2.0, np.nan]), "#111")
    chart = line_chart(LineChart("gaps", np.arange(4), [gaps], x_max=4))
    points = ET.fromstring(chart).find(f".//{SVG}polyline").get("points").split()
    assert len(points) == 2
