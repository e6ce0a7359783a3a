"""The equilibrium path timeline: well-formed SVG with one column per analysed month."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pausegame.experiments import path
from pausegame.viz.path_timeline import ROWS, YES, path_timeline_svg
from tests.experiments.test_treaty import tiny_scenario

SVG = "{http://www.w3.org/2000/svg}"


def test_the_timeline_draws_every_month_of_the_path():
    scenario = tiny_scenario(verification=0.9)
    months = path.path_report(scenario, path.equilibrium_path(scenario, steps=8), None)["months"]
    svg = ET.fromstring(path_timeline_svg(months, current_step=3))
    titles = [t.text for t in svg.iter(f"{SVG}title")]
    for month in months:
        stable = "yes" if month["global_pause_stable"] else "no"
        assert f"month {month['step']}: global pause stable {stable}" in titles
    cells = [r for r in svg.iter(f"{SVG}rect")]
    assert len(cells) == len(ROWS) * len(months)
    shown = sum(r.get("fill") == YES for r in cells[0 :: len(ROWS)])
    assert shown == sum(m["global_pause_stable"] for m in months)
    assert any(c.find(f"{SVG}title").text == "month 3" for c in svg.iter(f"{SVG}circle"))


def test_an_empty_path_is_still_an_svg():
    svg = ET.fromstring(path_timeline_svg([]))
    assert "no months analysed" in "".join(svg.itertext())
