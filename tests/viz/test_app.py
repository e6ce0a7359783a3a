"""The page as Solara components, rendered without a browser (`solara.render`)."""

from __future__ import annotations

import re
import time

import ipyvuetify as v
import pytest
import solara
from solara.components.echarts import EchartsWidget
from solara.widgets import HTML

from pausegame.sim.parameters import GROUPS, PARAMETERS, lookup
from pausegame.sim.scenario import builtin_names, load_scenario
from pausegame.viz import app, guard
from pausegame.viz.app import SEED, Page
from pausegame.viz.inspector import CoalitionPicture
from pausegame.viz.session import LiveRun

SEED_RANGE = SEED.range_text


class SettledFinder:
    """Finds widgets of a rendered page once no render is under way or asked for.

    A click's render is left to a background thread that renders at that moment (the treaty
    analysis, say), so it may land after the click returns; a find waits for it.
    """

    def __init__(self, context) -> None:
        self.context = context

    def find(self, *args, **kwargs):
        deadline = time.monotonic() + 20.0
        # reacton keeps no public "idle" flag: its render lock and its pending-render mark
        while self.context.thread_lock.locked() or self.context._rerender_needed:
            if time.monotonic() > deadline:
                raise AssertionError("the page kept rendering")
            time.sleep(0.005)
        return self.context.find(*args, **kwargs)


def render() -> SettledFinder:
    """The page inside an app layout (so the sidebar renders), and its finder."""
    _, context = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)
    return SettledFinder(context)


def chart_points(found) -> dict[str, int]:
    """Months of history in each ECharts figure of the page, by chart name."""
    return {w.option["pgName"]: w.option["pgPoints"] for w in found.find(EchartsWidget).widgets}


def html(found, css_class: str) -> str:
    if css_class == "pg-coalition":
        return found.find(CoalitionPicture).widget.svg
    return found.find(HTML, attributes={"class": css_class}).widget.unsafe_innerHTML


def status(found) -> str:
    return found.find(v.Html, class_="pg-status").widget.children[0]


def month(found) -> int:
    return int(re.match(r"Month (\d+)", status(found)).group(1))


def button(found, css_class: str) -> v.Btn:
    return found.find(v.Btn, class_=css_class).widget


def params_in_force(found) -> dict[str, float]:
    return {
        k: float(x) for k, x in (pair.split("=") for pair in html(found, "pg-model-params").split())
    }


def slider(found, name: str) -> v.Slider:
    """The slider of parameter `name`, after opening its group (closed groups build none)."""
    groups = found.find(v.ExpansionPanels, class_="pg-groups").widget
    index = GROUPS.index(lookup(name).group)
    groups.v_model = sorted({*(groups.v_model or []), index})
    return found.find(v.Slider, class_=f"pg-slider-{name}").widget


def wait_for(condition, timeout: float = 20.0) -> None:
    """Wait until `condition()` holds (background work changes the page at its own pace)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def shown(found, css_class: str) -> str:
    """The text of the page's `css_class` note, once a render has put it there."""
    wait_for(lambda: found.find(v.Html, class_=css_class).widgets)
    return found.find(v.Html, class_=css_class).widget.children[0]


def test_closed_groups_build_no_sliders_and_open_ones_build_all_of_theirs():
    found = render()
    assert not found.find(v.Slider, class_="pg-slider-fine").widgets
    slider(found, "fine")
    shown = {w.class_.split()[-1] for w in found.find(v.Slider).widgets if w.class_}
    assert {f"pg-slider-{p.name}" for p in PARAMETERS if p.group == "Verification"} <= shown


def test_the_page_shows_month_zero_of_the_article_scenario():
    found = render()
    article = load_scenario("article")
    assert status(found).startswith(f"Month 0 of {article.steps}")
    assert 'data-step="0"' in html(found, "pg-coalition")
    assert len(chart_points(found)) == 7 and set(chart_points(found).values()) == {1}
    assert "Lab game at month 0" in html(found, "pg-equilibrium")
    assert params_in_force(found)["verification"] == article.params.verification


def test_step_advances_the_model_and_every_view():
    found = render()
    before = html(found, "pg-coalition")
    button(found, "pg-step-button").click()
    wait_for(lambda: month(found) == 1)
    assert 'data-step="1"' in html(found, "pg-coalition")
    assert set(chart_points(found).values()) == {2}  # months 0 and 1
    assert 'data-step="1"' in html(found, "pg-equilibrium")
    assert html(found, "pg-coalition") != before


def test_slider_changes_wait_for_reset_then_apply():
    found = render()
    original = params_in_force(found)["verification"]
    moved = slider(found, "verification")
    moved.v_model = moved.v_model + 30
    pending = shown(found, "pg-pending")
    chosen = float(re.search(r"verification \S+ -> (\S+)", pending).group(1))
    assert chosen > original
    assert params_in_force(found)["verification"] == original  # not yet
    button(found, "pg-step-button").click()
    button(found, "pg-reset").click()
    wait_for(lambda: month(found) == 0)
    assert params_in_force(found)["verification"] == chosen
    assert not found.find(v.Html, class_="pg-pending").widgets


def test_live_mode_applies_a_change_without_restarting():
    found = render()
    for _ in range(2):
        button(found, "pg-step-button").click()
    found.find(v.Switch, class_="pg-live").widget.v_model = True
    wait_for(lambda: "next month" in shown(found, "pg-apply-mode"))
    moved = slider(found, "fine")
    moved.v_model = moved.v_model + 10
    assert month(found) == 2  # the run goes on
    label = found.find(v.Html, class_="pg-pending").widgets
    assert not label  # nothing waits: the model already runs with it
    fine = params_in_force(found)["fine"]
    assert fine != load_scenario("article").params.fine


def test_two_pages_have_independent_models():
    first, second = render(), render()
    for _ in range(3):
        button(first, "pg-step-button").click()
    wait_for(lambda: month(first) == 3)
    assert month(second) == 0
    button(second, "pg-step-button").click()
    wait_for(lambda: month(second) == 1)
    assert (month(first), month(second)) == (3, 1)


def test_run_to_end_finishes_and_disables_stepping():
    found = render()
    button(found, "pg-run-to-end").click()
    wait_for(lambda: "(run over)" in status(found), timeout=60)
    wait_for(lambda: button(found, "pg-run-to-end").children == ["Run to end"])
    assert button(found, "pg-step-button").disabled
    assert button(found, "pg-play").disabled
    summary_month = month(found)
    assert 0 < summary_month <= load_scenario("article").steps


def test_run_to_end_can_be_stopped_and_stepping_goes_on():
    found = render()
    button(found, "pg-step-button").click()
    button(found, "pg-run-to-end").click()
    wait_for(lambda: button(found, "pg-run-to-end").children == ["Stop"])
    button(found, "pg-run-to-end").click()
    wait_for(lambda: button(found, "pg-run-to-end").children == ["Run to end"])
    time.sleep(0.3)
    stopped = month(found)
    time.sleep(0.6)
    assert month(found) == stopped
    assert stopped < load_scenario("article").steps  # stopped part-way, not at the end
    button(found, "pg-step-button").click()
    wait_for(lambda: month(found) == stopped + 1)


def test_play_animates_until_paused():
    found = render()
    button(found, "pg-play").click()
    wait_for(lambda: month(found) >= 2)
    button(found, "pg-play").click()  # Pause
    wait_for(lambda: button(found, "pg-play").children == ["Play"])
    stopped = month(found)
    time.sleep(0.8)
    assert month(found) - stopped <= 1


def test_pinning_a_run_shows_a_and_b_side_by_side():
    found = render()
    for _ in range(4):
        button(found, "pg-step-button").click()
    button(found, "pg-pin").click()
    moved = slider(found, "verification")
    moved.v_model = moved.v_model + 40
    button(found, "pg-reset").click()
    button(found, "pg-step-button").click()
    table = html(found, "pg-compare")
    assert "A (pinned)" in table and "B (current)" in table
    assert "<th>verification</th>" in table
    assert "month 4" in table and "month 1" in table


@pytest.mark.skipif(
    "strong-verification" not in builtin_names(),
    reason="needs the strong-verification built-in scenario",
)
def test_choosing_a_scenario_restarts_with_its_values():
    found = render()
    button(found, "pg-step-button").click()
    found.find(v.Select, label="Scenario").widget.v_model = "strong-verification"
    strong = load_scenario("strong-verification")
    assert month(found) == 0
    assert params_in_force(found)["verification"] == strong.params.verification
    assert not found.find(v.Html, class_="pg-pending").widgets


def test_a_new_seed_waits_for_reset_and_a_bad_one_is_refused():
    found = render()
    seed = found.find(v.TextField, class_="pg-seed").widget
    seed.v_model = "-3"
    wait_for(lambda: found.find(v.Alert).widgets)  # an error message, the seed unchanged
    assert found.find(v.TextField, class_="pg-seed").widget is seed  # and what was typed stays
    assert seed.v_model == "-3"
    seed.v_model = "5"
    wait_for(lambda: "seed 0 -> 5" in shown(found, "pg-pending"))
    button(found, "pg-reset").click()
    wait_for(lambda: not found.find(v.Html, class_="pg-pending").widgets)


SMALL_SCENARIO = """
name = "mine"
steps = 24
[params]
verification = 0.35
[[states]]
name = "North"
transparency = 0.7
rivalry = { South = 1.0 }
[[states]]
name = "South"
transparency = 0.4
[[labs]]
name = "Alpha"
state = "North"
capability = 0.5
safety = 0.6
[[labs]]
name = "Beta"
state = "South"
capability = 0.4
safety = 0.2
open_weights = true
"""


def test_a_folder_scenario_loads_and_a_path_outside_shows_an_error(tmp_path, monkeypatch):
    (tmp_path / "mine.toml").write_text(SMALL_SCENARIO)
    monkeypatch.setenv(guard.SCENARIO_DIR_ENV, str(tmp_path))
    found = render()
    button(found, "pg-step-button").click()
    name = found.find(v.TextField, label="or a file name in the scenario folder").widget
    name.v_model = "mine.toml"
    found.find(v.Btn, children=["Load"]).widget.click()
    wait_for(lambda: status(found).startswith("Month 0 of 24"))
    assert found.find(v.Select, label="Scenario").widget.v_model == "mine.toml"
    assert params_in_force(found)["verification"] == 0.35
    coalition = html(found, "pg-coalition")
    assert 'data-agent="Alpha"' in coalition and 'data-agent="Anthropic"' not in coalition
    button(found, "pg-step-button").click()
    wait_for(lambda: month(found) == 1)
    name.v_model = str(tmp_path / "mine.toml")
    found.find(v.Btn, children=["Load"]).widget.click()
    wait_for(lambda: found.find(v.Alert).widgets)  # a render under way may finish first
    assert found.find(v.Alert).widget.children == [f"scenario: {guard.NOT_OFFERED}"]
    assert found.find(v.Select, label="Scenario").widget.v_model == "mine.toml"
    assert month(found) == 1
    name.v_model = "mine.toml"  # typing again clears the message about the last name
    wait_for(lambda: not found.find(v.Alert).widgets)


def test_without_a_scenario_folder_there_is_no_path_box(monkeypatch):
    monkeypatch.delenv(guard.SCENARIO_DIR_ENV, raising=False)
    found = render()
    assert not found.find(v.TextField, label="or a file name in the scenario folder").widgets
    assert [w for w in found.find(v.TextField).widgets if "path" in str(w.label)] == []


def test_an_opened_actor_panel_builds_its_fields_and_its_rule_waits_for_reset():
    found = render()
    lab = load_scenario("article").labs[0].name
    assert not found.find(v.Slider, class_=f"pg-actor-slider-lab-{lab}-safety").widgets
    panels = found.find(v.ExpansionPanels, class_="pg-actors").widget
    panels.v_model = [0]
    assert found.find(v.Slider, class_=f"pg-actor-slider-lab-{lab}-safety").widget
    found.find(v.Select, class_=f"pg-actor-rule-lab-{lab}").widget.v_model = "fixed"
    pending = shown(found, "pg-pending")
    assert f"lab.{lab}.rule -> fixed" in pending
    headers = [h.children[0] for h in found.find(v.ExpansionPanelHeader).widgets]
    assert f"Lab {lab} (1 changed)" in headers


def test_a_scenario_without_the_changed_actor_loads_and_drops_the_change(tmp_path, monkeypatch):
    (tmp_path / "mine.toml").write_text(SMALL_SCENARIO)
    monkeypatch.setenv(guard.SCENARIO_DIR_ENV, str(tmp_path))
    found = render()
    lab = load_scenario("article").labs[0].name
    found.find(v.ExpansionPanels, class_="pg-actors").widget.v_model = [0]
    found.find(v.Select, class_=f"pg-actor-rule-lab-{lab}").widget.v_model = "fixed"
    name = found.find(v.TextField, label="or a file name in the scenario folder").widget
    name.v_model = "mine.toml"
    found.find(v.Btn, children=["Load"]).widget.click()  # a scenario with no lab of that name
    wait_for(lambda: status(found).startswith("Month 0 of 24"))
    assert not found.find(v.Html, class_="pg-pending").widgets


def typed(found, css_class: str, text: str) -> v.TextField:
    """Type `text` into the number field `css_class` and press Enter (as a visitor does)."""
    field = found.find(v.TextField, class_=css_class).widget
    field.v_model = text
    field.fire_event("keyup.enter", {})
    return field


def test_a_typed_number_that_is_not_one_is_one_message_of_the_fields_check():
    found = render()
    lab = load_scenario("article").labs[0].name
    found.find(v.ExpansionPanels, class_="pg-actors").widget.v_model = [0]
    css = f"pg-actor-number-lab-{lab}-safety"
    for text, message in [
        ("5", f"lab.{lab}.safety=5 is out of range: allowed [0, 1]"),
        ("nan", f"lab.{lab}.safety=nan is out of range: allowed [0, 1]"),  # no render loop
        ("abc", f"lab.{lab}.safety: expected a number in [0, 1], got 'abc'"),  # not the last
    ]:
        field = typed(found, css, text)
        wait_for(lambda message=message: [a.children for a in found.find(v.Alert).widgets]
                 == [[message]])  # fmt: skip
        assert field.v_model == text and not field.error  # what was typed stays, one message
    typed(found, css, "0,3")
    assert "Waiting for Reset: lab." in shown(found, "pg-pending")
    assert f"lab.{lab}.safety -> 0.3" in shown(found, "pg-pending")
    assert not found.find(v.Alert).widgets


def test_what_is_typed_survives_a_redraw_before_enter():
    found = render()
    lab = load_scenario("article").labs[0].name
    found.find(v.ExpansionPanels, class_="pg-actors").widget.v_model = [0]
    field = found.find(v.TextField, class_=f"pg-actor-number-lab-{lab}-safety").widget
    field.v_model = "0.77"  # typed, Enter not yet pressed
    button(found, "pg-step-button").click()  # the page redraws meanwhile (a frame of Play)
    wait_for(lambda: month(found) == 1)
    assert field.v_model == "0.77"
    field.fire_event("keyup.enter", {})
    assert f"lab.{lab}.safety -> 0.77" in shown(found, "pg-pending")


def test_a_seed_message_names_the_seed_once_and_a_long_whole_number_is_out_of_range():
    found = render()
    seed = found.find(v.TextField, class_="pg-seed").widget
    seed.v_model = "-3"
    wait_for(lambda: found.find(v.Alert).widgets)
    assert found.find(v.Alert).widget.children == [f"seed=-3 is out of range: allowed {SEED_RANGE}"]
    seed.v_model = "9" * 5000
    wait_for(lambda: "5,000 digits" in found.find(v.Alert).widget.children[0])
    assert not seed.error  # no second message ("must be an integer") in the field's label


def test_a_live_change_keeps_the_actor_changes_the_run_was_reset_with(monkeypatch):
    runs = []
    monkeypatch.setattr(app, "LiveRun", lambda *a: runs.append(LiveRun(*a)) or runs[-1])
    found = render()
    article = load_scenario("article")
    lab = article.labs[0].name
    found.find(v.ExpansionPanels, class_="pg-actors").widget.v_model = [0]
    found.find(v.Select, class_=f"pg-actor-rule-lab-{lab}").widget.v_model = "fixed"
    typed(found, f"pg-actor-number-lab-{lab}-safety", "0.95")
    button(found, "pg-reset").click()
    wait_for(lambda: not found.find(v.Html, class_="pg-pending").widgets)
    found.find(v.Switch, class_="pg-live").widget.v_model = True
    moved = slider(found, "fine")
    moved.v_model = moved.v_model + 10
    (run,) = runs
    assert run.scenario.params.fine != article.params.fine  # the page's run says: this
    assert (run.scenario.labs[0].rule, run.scenario.labs[0].safety) == ("fixed", 0.95)
    same = LiveRun(run.scenario)  # and runs just that
    for _ in range(24):
        run.step(), same.step()
    assert (run.view().history.pausing == same.view().history.pausing).all()
    assert (run.view().history.capability == same.view().history.capability).all()


def test_restoring_the_scenarios_values_in_live_mode_applies_them_live():
    found = render()
    button(found, "pg-step-button").click()
    found.find(v.Switch, class_="pg-live").widget.v_model = True
    moved = slider(found, "fine")
    moved.v_model = moved.v_model + 10
    wait_for(lambda: params_in_force(found)["fine"] != load_scenario("article").params.fine)
    found.find(v.Btn, children=["Restore the scenario's values"]).widget.click()
    wait_for(lambda: params_in_force(found)["fine"] == load_scenario("article").params.fine)
    assert month(found) == 1  # the run goes on
    assert not found.find(v.Html, class_="pg-pending").widgets
    button(found, "pg-reset").click()
    found.find(v.Btn, children=["Restore the scenario's values"]).widget.click()
    wait_for(lambda: month(found) == 0)
    assert not found.find(v.Html, class_="pg-export-note").widgets  # nothing changed live


@pytest.mark.parametrize("forged", ["3", None, float("nan"), [1], 2.5, 99, -1])
def test_a_forged_slider_position_is_ignored_or_taken_to_the_nearest_stop(forged):
    found = render()
    found.find(v.Slider, class_="pg-speed").widget.v_model = forged  # the render survives
    slider(found, "verification").v_model = forged
    speed = found.find(v.Html, class_="pg-speed-label").widget.children[0]
    assert re.fullmatch(r"speed: \d+ months/s", speed)
    assert not found.find(v.Alert).widgets


def test_run_to_end_pressed_during_play_takes_over_and_play_ends_with_the_run():
    found = render()
    button(found, "pg-play").click()
    wait_for(lambda: month(found) >= 1)
    button(found, "pg-run-to-end").click()
    wait_for(lambda: button(found, "pg-play").children == ["Play"], timeout=5)
    wait_for(lambda: "(run over)" in status(found), timeout=60)
    wait_for(lambda: button(found, "pg-run-to-end").children == ["Run to end"])
    assert button(found, "pg-play").children == ["Play"] and button(found, "pg-play").disabled


def test_a_file_named_like_a_built_in_leaves_the_built_in_one_pick_away(tmp_path, monkeypatch):
    (tmp_path / "x.toml").write_text(SMALL_SCENARIO.replace('"mine"', '"article"'))
    monkeypatch.setenv(guard.SCENARIO_DIR_ENV, str(tmp_path))
    found = render()
    picker = found.find(v.Select, label="Scenario").widget
    picker.v_model = "x.toml"
    wait_for(lambda: status(found).startswith("Month 0 of 24"))
    assert picker.v_model == "x.toml"  # the option opened, not the name the file gives itself
    picker.v_model = "article"
    wait_for(lambda: status(found).startswith("Month 0 of 120"))
