"""Slider scales generated from the parameter declarations."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pausegame.sim.parameters import PARAMETERS
from pausegame.viz.controls import slider_scale, tooltip


@pytest.mark.parametrize("parameter", PARAMETERS, ids=lambda p: p.name)
def test_every_parameter_gets_a_slider_over_its_declared_range(parameter):
    scale = slider_scale(parameter)
    values = list(scale.values)
    assert values == sorted(set(values))
    assert values[0] >= parameter.low and values[-1] <= parameter.high
    assert len(values) >= 2
    assert parameter.default in values  # the default is a stop, reachable exactly
    for index in range(len(values)):
        value = scale.value(index)
        assert parameter.coerce(value) == value  # every stop is a valid value
        assert scale.index(value) == index  # and maps back to its own stop
    if parameter.integer:
        assert all(float(v).is_integer() for v in values)


WIDE = [p for p in PARAMETERS if slider_scale(p).logarithmic]


def test_some_ranges_are_wide_enough_for_a_logarithmic_slider():
    assert {"fine", "lab_loss", "state_loss"} <= {p.name for p in WIDE}


@pytest.mark.parametrize("parameter", WIDE, ids=lambda p: p.name)
def test_wide_ranges_are_spread_logarithmically_around_the_default(parameter):
    scale = slider_scale(parameter)
    below = [v for v in scale.values if 0 < v < parameter.default]
    above = [v for v in scale.values if v > parameter.default]
    assert len(below) >= 20 and len(above) >= 20  # fine steps on both sides of the default


@given(st.sampled_from(PARAMETERS), st.data())
def test_scenario_values_become_exact_stops(parameter, data):
    value = data.draw(st.floats(min_value=parameter.low, max_value=parameter.high))
    if parameter.integer:
        value = float(round(value))
    scale = slider_scale(parameter, value)
    assert scale.value(scale.index(value)) == pytest.approx(value, rel=1e-12, abs=1e-12)


@given(st.sampled_from(PARAMETERS), st.integers(min_value=-5, max_value=10_000))
def test_out_of_range_positions_clamp_to_the_ends(parameter, index):
    scale = slider_scale(parameter)
    value = scale.value(index)
    assert parameter.low <= value <= parameter.high


def test_tooltips_carry_meaning_range_and_source():
    for parameter in PARAMETERS:
        text = tooltip(parameter)
        assert parameter.meaning in text and parameter.source in text
        assert parameter.range_text in text


def test_slider_stops_are_round_numbers():
    for parameter in PARAMETERS:
        for value in slider_scale(parameter).values:
            if value == 0:
                continue
            digits = value / 10 ** (math.floor(math.log10(abs(value))) - 2)
            is_round = abs(digits - round(digits)) < 1e-6
            assert (
                is_round or value == parameter.default or value in (parameter.low, parameter.high)
            )
