"""The coalition view, the charts, the event log and the compare table, read back as SVG/HTML."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pausegame.sim.engine import OPEN_SOURCE, Event
from pausegame.sim.scenario import load_scenario
from pausegame.viz import charts
from pausegame.viz.coalition_view import (
    HEIGHT,
    THRESHOLD_RADIUS,
    WIDTH,
    coalition_svg,
    layout,
    node_radius,
)
from pausegame.viz.compare_panel import PinnedRun, compare_html, parameter_differences
from pausegame.viz.event_log import EVENTS, event_log_html, parameters_text, sentence
from pausegame.viz.session import LiveRun

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def article():
    return load_scenario("article")


@pytest.fixture(scope="module")
def played(article):
    """A run 30 months in, and the view of every month."""
    run = LiveRun(article, seed=3)
    views = [run.view()]
    for _ in range(30):
        if run.step():
            views.append(run.view())
    return run, views


def agents(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {g.get("data-agent"): g for g in root.iter(f"{SVG}g") if g.get("data-agent")}


def centre(group: ET.Element) -> tuple[float, float]:
    circle = group.find(f"{SVG}circle")
    if circle is None:
        box = group.find(f"{SVG}rect")
        return (
            float(box.get("x")) + float(box.get("width")) / 2,
            float(box.get("y")) + float(box.get("height")) / 2,
        )
    return float(circle.get("cx")), float(circle.get("cy"))


# ----- coalition view ------------------------------------------------------------------------


def test_the_view_shows_every_actor_as_it_stands(played, article):
    _, views = played
    structure = article.structure()
    where = layout(structure.lab_state, structure.n_states)
    for view in views[::5]:
        frame = view.frame
        found = agents(coalition_svg(frame, where))
        assert set(found) == {*structure.lab_names, *structure.state_names, OPEN_SOURCE}
        for i, name in enumerate(structure.lab_names):
            assert found[name].get("data-action") == ("pause" if frame.pausing[i] else "race")
            assert found[name].get("data-violator") == str(int(frame.violator[i]))
            assert math.isclose(
                float(found[name].get("data-capability")), frame.capability[i], abs_tol=1e-4
            )
        for k, name in enumerate(structure.state_names):
            assert found[name].get("data-action") == ("pause" if frame.member[k] else "race")
        root = ET.fromstring(coalition_svg(frame, where))
        assert root.get("data-step") == str(frame.step)
        treaty = [g for g in root.iter(f"{SVG}g") if g.get("data-treaty") is not None]
        members = [n for n, m in zip(structure.state_names, frame.member, strict=True) if m]
        if members:
            assert treaty[0].get("data-treaty").split(",") == members
        else:
            assert treaty == []


def test_positions_do_not_move_between_steps(played, article):
    _, views = played
    structure = article.structure()
    where = layout(structure.lab_state, structure.n_states)
    first = {name: centre(g) for name, g in agents(coalition_svg(views[0].frame, where)).items()}
    last = {name: centre(g) for name, g in agents(coalition_svg(views[-1].frame, where)).items()}
    assert first == last


def test_layout_is_fixed_by_the_scenario_and_fits_the_picture(article):
    structure = article.structure()
    one = layout(structure.lab_state, structure.n_states)
    two = layout(structure.lab_state, structure.n_states)
    np.testing.assert_array_equal(one.lab_xy, two.lab_xy)
    spots = np.vstack([one.state_xy, one.lab_xy, one.pool_xy[None, :]])
    assert np.all((spots[:, 0] > 0) & (spots[:, 0] < WIDTH))
    assert np.all((spots[:, 1] > 0) & (spots[:, 1] < HEIGHT))
    gaps = np.linalg.norm(spots[:, None, :] - spots[None, :, :], axis=-1)
    assert gaps[np.triu_indices(len(spots), 1)].min() > THRESHOLD_RADIUS  # nobody overlaps


@given(st.integers(min_value=1, max_value=7), st.lists(st.integers(0, 6), max_size=14))
def test_any_scenario_shape_gets_a_layout_inside_the_picture(n_states, homes):
    lab_state = np.array([h % n_states for h in homes], dtype=np.int64)
    where = layout(lab_state, n_states)
    spots = np.vstack([where.state_xy, where.lab_xy.reshape(-1, 2), where.pool_xy[None, :]])
    assert np.all(np.isfinite(spots))
    assert np.all((spots >= 0) & (spots <= [WIDTH, HEIGHT]))


@given(
    st.floats(min_value=0, max_value=50),
    st.floats(min_value=0, max_value=50),
    st.floats(min_value=0.05, max_value=10),
)
def test_node_size_grows_with_capability_and_marks_the_threshold(a, b, threshold):
    low, high = sorted((a, b))
    assert node_radius(low, threshold) <= node_radius(high, threshold)
    assert math.isclose(node_radius(threshold, threshold), THRESHOLD_RADIUS)


def test_detections_and_false_alarms_flash_only_in_their_step(article):
    structure = article.structure()
    where = layout(structure.lab_state, structure.n_states)
    strong = article.with_overrides({"verification": 1.0, "false_alarm": 0.3})
    run = LiveRun(strong, seed=1)
    flashes = 0
    for _ in range(40):
        if not run.step():
            break
        view = run.view()
        root = ET.fromstring(coalition_svg(view.frame, where))
        shown = {e.get("data-event") for e in root.iter() if e.get("data-event")}
        happened = {e.kind for e in view.events if e.step == view.step}
        assert ("detection" in shown) == ("violation detected" in happened)
        assert ("false-alarm" in shown) == ("false alarm" in happened)
        flashes += len(shown)
    assert flashes > 0  # the scenario did produce events to show


# ----- charts ----------------------------------------------------------------------------------


def test_every_chart_draws_the_whole_history(played):
    _, views = played
    view = views[-1]
    drawn = charts.run_charts(view.history)
    assert len(drawn) == 7
    for name, option in drawn.items():
        json.dumps(option)  # what the page is sent must be plain JSON
        assert option["pgName"] == name
        assert option["pgPoints"] == len(view.history.step)
        for line in option["series"]:
            assert [month for month, _ in line["data"]] == view.history.step.tolist()


def test_chart_lines_follow_the_recorded_values(played):
    _, views = played
    history = views[-1].history
    labs, states = charts.coalition_chart(history)["series"]
    assert labs["step"] == "end"  # counts jump from month to month
    assert [v for _, v in labs["data"]] == history.labs_pausing.tolist()
    assert [v for _, v in states["data"]] == history.states_in_treaty.tolist()
    stacked = charts.hazard_chart(history)["series"]
    assert {line["stack"] for line in stacked} == {"total"}
    pool = [v for _, v in stacked[-1]["data"]]
    np.testing.assert_allclose(pool, history.hazard[:, -1], rtol=5e-6, atol=0)  # 6 digits


def test_a_month_a_run_has_not_reached_is_a_gap_not_a_number(played):
    _, views = played
    short, long = views[5].history, views[-1].history
    option = charts.compare_catastrophe_chart(short, long)
    a_line, b_line = option["series"]
    assert [m for m, _ in a_line["data"]] == list(range(len(long.step)))
    assert all(v is None for _, v in a_line["data"][len(short.step) :])
    assert all(v is not None for _, v in b_line["data"])
    assert a_line["lineStyle"]["type"] == "dashed" and b_line["lineStyle"]["type"] == "solid"
    json.dumps(option, allow_nan=False)  # NaN would break the page's JSON


# ----- event log and parameters ------------------------------------------------------------


def test_every_event_kind_reads_as_a_sentence():
    for kind in EVENTS:
        text = sentence(Event(3, kind, "Meta", "fine 3 $B"))
        assert "{" not in text and text.endswith("(fine 3 $B)")
    assert sentence(Event(1, "join", "US")) == "US joins the treaty"


def test_the_event_log_lists_newest_first_and_escapes_names():
    events = [Event(1, "pause", "A<b>"), Event(2, "join", "US"), Event(5, "race", "A<b>")]
    html = event_log_html(events)
    assert (
        html.index("A&lt;b&gt; races again")
        < html.index("US joins")
        < html.index("A&lt;b&gt; pauses")
    )
    assert 'data-count="3"' in html
    assert "A<b>" not in html


def test_parameters_text_lists_every_parameter_in_force(article):
    text = parameters_text(article.params)
    pairs = dict(item.split("=") for item in text.split())
    assert set(pairs) == set(vars(article.params))
    assert float(pairs["verification"]) == article.params.verification


def test_compare_table_shows_both_runs_and_what_differs(article, played):
    run, views = played
    b_scenario = article.with_overrides({"verification": 0.9})
    a = PinnedRun(article.name, 3, article.params, views[-1].history, run.summary(), False)
    b_run = LiveRun(b_scenario, seed=3)
    for _ in range(10):
        b_run.step()
    b = PinnedRun(
        b_scenario.name, 3, b_scenario.params, b_run.view().history, b_run.summary(), False
    )
    assert parameter_differences(a.params, b.params) == [
        ("verification", f"{article.params.verification:g}", "0.9")
    ]
    html = compare_html(a, b)
    assert "A (pinned)" in html and "B (current)" in html
    assert f"month {a.summary['steps_run']}" in html and "month 10" in html
    assert "<th>verification</th>" in html


def test_compare_table_with_equal_parameters_says_so(article, played):
    run, views = played
    a = PinnedRun(article.name, 3, article.params, views[-1].history, run.summary(), True)
    b = replace(a, seed=4)
    assert "same parameters" in compare_html(a, b)
