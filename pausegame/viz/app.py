"""The web UI: tweak payoffs and watch pause coalitions form, hold and collapse.

`Page` is the Solara page (`solara run pausegame.viz.app`); Solara treats a module-level
`Layout` as the page's frame, so none is defined or imported here. Each browser tab renders
its own `Page`, which builds its own `LiveRun` with `use_memo`, so visitors never share a model.
The views are SVG/HTML strings built from a `RunView` snapshot (`draw`), so one animated
step costs a model step, one lab-game lookahead and a few milliseconds of text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import solara
import solara.lab

from pausegame.sim.parameters import Parameter
from pausegame.sim.scenario import Scenario, load_scenario
from pausegame.viz import charts, coalition_view, echarts, guard, player
from pausegame.viz.actor_panel import ActorPanels, actor_value, with_actor_changes
from pausegame.viz.compare_panel import PinnedRun, compare_html
from pausegame.viz.controls import NumberField, ParameterGroups, ScenarioPicker, index_slider
from pausegame.viz.decision_bars import decision_bars_svg
from pausegame.viz.equilibrium_panel import lab_game_report, treaty_game_report, treaty_html
from pausegame.viz.export_panel import ExportPanel
from pausegame.viz.inspector import CoalitionPicture, actor_html
from pausegame.viz.path_panel import PathMemo, path_timeline_html
from pausegame.viz.session import LiveRun
from pausegame.viz.views import (
    BLANK,
    attempt,
    draw,
    layout_for,
    overrides_of,
    slider_values,
    waiting_for_reset,
)

DEFAULT_SCENARIO = "article"
SPEEDS = (1, 2, 4, 8, 15, 30)  # months per second offered by the speed slider
SEED = Parameter(
    "seed", 0, 0, 2**63 - 1, "", "random seed of the run", "", "Behaviour", integer=True
)

CSS = """
.pg-table { border-collapse: collapse; font-size: 12.5px; width: 100%; }
.pg-table th, .pg-table td { border-bottom: 1px solid #eee; padding: 2px 6px; text-align: left;
  vertical-align: top; }
.pg-events { max-height: 320px; overflow-y: auto; }
.pg-charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr));
  gap: 10px 18px; }
.pg-model-params { font-family: monospace; font-size: 11.5px; color: #444; }
.pg-panel p { margin: 4px 0; font-size: 13px; }
.pg-status { font-size: 15px; font-weight: 600; }
.pg-shell.pg-shell { display: grid !important; grid-template-columns: 310px minmax(0, 1fr);
  grid-template-areas: "side top" "side views"; gap: 12px; align-items: start !important; }
.pg-side > .v-input { flex: 0 0 auto !important; }
.pg-side { grid-area: side; } .pg-top { grid-area: top; } .pg-views { grid-area: views; }
.pg-two.pg-two { display: grid !important; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); }
@media (max-width: 1000px) {
  .pg-shell.pg-shell { grid-template-columns: minmax(0, 1fr);
    grid-template-areas: "top" "side" "views"; }
  .pg-two.pg-two { grid-template-columns: minmax(0, 1fr); }
}
"""


@solara.component
def Page() -> None:
    """The whole page: controls in the sidebar, views in the main area."""
    run = solara.use_memo(lambda: LiveRun(load_scenario(DEFAULT_SCENARIO), 0), [])
    version, set_version = solara.use_state(0)
    base, set_base = solara.use_state(run.scenario)
    values, set_values = solara.use_state(slider_values(run.scenario.params))
    seed, set_seed = solara.use_state(0)
    error, set_error = solara.use_state("")
    live, set_live = solara.use_state(False)
    playing, set_playing = solara.use_state(False)
    speed_index, set_speed_index = solara.use_state(2)
    pinned, set_pinned = solara.use_state(None)
    running, set_running = solara.use_state(False)
    skip, set_skip = solara.use_state(1)
    picked, set_picked = solara.use_state("")  # the actor shown in the inspector
    actor_changes, set_actor_changes = solara.use_state({})  # lab.NAME.FIELD -> value
    treaties, set_treaties = solara.use_state((None, None, ""))  # (key, report, error)
    timeline, set_timeline = solara.use_state((None, None, ""))  # (key, svg, error)
    path_memo = solara.use_memo(PathMemo, [])  # the months of this run analysed so far

    def redraw() -> None:
        set_version(lambda v: v + 1)

    view, summary = solara.use_memo(run.view_with_summary, [version])
    where = solara.use_memo(
        lambda: layout_for(view.scenario),
        [view.scenario.name, view.frame.lab_names, view.frame.state_names],
    )
    report, report_error = solara.use_memo(
        lambda: attempt(lambda: lab_game_report(view.position)), [view.key]
    )
    deciders = (*view.frame.lab_names, *view.frame.state_names)
    decision, decision_error = solara.use_memo(
        lambda: (
            attempt(lambda: decision_bars_svg(run.explain(picked)))
            if picked in deciders and not view.finished
            else (None, "")
        ),
        [version, picked],
    )
    drawn, draw_error = solara.use_memo(
        lambda: attempt(lambda: draw(view, where, report)), [version]
    )
    drawn = drawn or BLANK

    # ----- actions ----------------------------------------------------------------------
    # Handlers read the state through a ref, not their closure: a render requested while the
    # Play thread renders is done later, and a click in between must not act on stale values.
    # It also keeps the slider callback identical across renders, so moving one slider
    # re-renders that slider only.
    latest = solara.use_ref({})
    latest.current = {
        "values": values,
        "base": base,
        "live": live,
        "seed": seed,
        "actors": actor_changes,
    }

    def with_sliders(values: dict[str, float]) -> Scenario:
        """The base scenario with the slider `values` that differ from its own."""
        return latest.current["base"].with_overrides(overrides_of(values, latest.current["base"]))

    def configured() -> Scenario:
        """The base scenario with every slider and per-actor change (what Reset starts)."""
        return with_actor_changes(with_sliders(latest.current["values"]), latest.current["actors"])

    def restart(make: Callable[[], Scenario]) -> bool:
        """Stop, and start the scenario `make` builds with the chosen seed; False if it fails."""
        try:
            scenario = make()
            set_playing(False)
            set_running(False)
            run.reset(scenario, latest.current["seed"])
        except Exception as problem:  # a model that cannot be built leaves the old run be
            set_error(guard.public_message(problem))
            return False
        set_error("")
        redraw()
        return True

    def on_scenario(scenario: Scenario) -> None:
        if restart(lambda: scenario):
            latest.current["base"] = scenario
            set_base(scenario)
            set_picked("")
            restore()

    def change_value(name: str, value: float) -> None:
        now = latest.current
        new = {**now["values"], name: value}
        now["values"] = new  # a second event before the re-render builds on this one
        set_values(new)
        if now["live"]:
            run.apply_live(with_sliders(new))
            redraw()

    on_value = solara.use_memo(lambda: change_value, [])

    def on_live(on: bool) -> None:
        now = latest.current
        now["live"] = on
        set_live(on)
        if on:
            run.apply_live(with_sliders(now["values"]))
            redraw()

    def on_seed(_: str, value: int) -> None:
        latest.current["seed"] = value
        set_seed(value)

    def restore() -> None:
        now = latest.current
        now["values"] = slider_values(now["base"].params)
        now["actors"] = {}
        set_values(now["values"])
        set_actor_changes({})
        if now["live"] and run.scenario.params != now["base"].params:  # as sliders moved back
            run.apply_live(now["base"])
            redraw()

    def change_actor(key: str, value: float | str) -> None:
        now = latest.current
        new = {k: v for k, v in now["actors"].items() if k != key}
        if value != actor_value(now["base"], key):
            new[key] = value
        now["actors"] = new
        set_actor_changes(new)

    on_actor = solara.use_memo(lambda: change_actor, [])

    def step() -> None:
        set_playing(False)
        if run.step():
            redraw()

    def toggle_play() -> None:
        set_skip(1)
        set_playing(lambda on: not on)

    def toggle_run() -> None:
        set_playing(False)  # one thread steps the run: Run to end takes over from Play
        set_running(lambda on: not on)

    def play(stop: threading.Event) -> None:
        """Step the model at the chosen rate while Play is on (see `player.play`)."""

        def frame(pace: player.Pace) -> None:
            set_skip(max(round(pace.months_per_frame), 1) if pace.frames >= 3 else 1)
            redraw()

        player.play(run, SPEEDS[speed_index], frame, stop, lambda: set_playing(False))

    player.use_thread(play if playing else None, "pausegame-play", [playing, speed_index])

    def run_to_end(stop: threading.Event) -> None:
        """Run to end in short slices, until the end or until Stop."""

        def done() -> None:
            set_running(False)
            redraw()

        player.run_to_end(run, redraw, stop, done)

    player.use_thread(run_to_end if running else None, "pausegame-run", [running])

    # The treaty game costs ~0.2 s: it is analysed on a thread whenever the run stands still,
    # and the last analysis stays on show (marked with its month) while the run moves.
    treaty_key = None if playing or running else view.key

    def analyse_treaties(stop: threading.Event) -> None:
        with player.GATE:
            if stop.is_set():
                return
            result = attempt(lambda: treaty_game_report(view.position))
        if not stop.is_set():
            set_treaties((treaty_key, *result))

    def analyse_path(stop: threading.Event) -> None:
        """The equilibrium path to this month, in gated pieces (`path_panel`)."""
        svg, problem = attempt(
            lambda: path_timeline_html(view.scenario, view.seed, view.step, stop, path_memo)
        )
        if not stop.is_set():
            set_timeline((treaty_key, svg, problem))

    def due(shown: tuple) -> bool:
        """The run stands still, at a moment the analysis on show is not of."""
        return treaty_key is not None and shown[0] != treaty_key

    player.use_thread(
        analyse_treaties if due(treaties) else None, "pausegame-treaties", [treaty_key]
    )
    player.use_thread(analyse_path if due(timeline) else None, "pausegame-path", [treaty_key])

    # ----- layout ----------------------------------------------------------------------
    solara.Title("pausegame: pause coalitions")
    solara.Style(CSS)
    in_force = slider_values(view.scenario.params)
    with solara.Column(gap="0px", classes=["pg-shell"]):
        with solara.Column(gap="8px", classes=["pg-side"]):
            solara.HTML(tag="h4", unsafe_innerHTML="Scenario")
            ScenarioPicker(base.name, on_scenario)
            NumberField(
                "seed", SEED, seed, on_seed, css="seed", width="none",
                label="Seed (applies on Reset)", whole=True,
            )  # fmt: skip
            solara.Switch(
                label="Apply parameter changes live",
                value=live,
                on_value=on_live,
                classes=["pg-live"],
            )
            solara.Text(
                "Slider changes take effect from the next month; Reset restarts with them."
                if live
                else "Slider changes take effect when you press Reset.",
                classes=["pg-apply-mode"],
                style={"font-size": "12px", "color": "#555"},
            )
            ParameterGroups(values, slider_values(base.params), in_force, on_value)
            solara.HTML(tag="h4", unsafe_innerHTML="Labs and states (apply on Reset)")
            ActorPanels(base, actor_changes, on_actor)
            solara.Button("Restore the scenario's values", text=True, small=True, on_click=restore)

        with (
            solara.Column(gap="12px", classes=["pg-top"]),
            solara.Card(margin=0, classes=["pg-controls"]),
        ):
            with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
                solara.Button(
                    "Pause" if playing else "Play",
                    color="primary",
                    on_click=toggle_play,
                    disabled=(view.finished and not playing) or running,
                    classes=["pg-play"],
                )
                solara.Button(
                    "Step",
                    on_click=step,
                    disabled=view.finished or running,
                    classes=["pg-step-button"],
                )
                solara.Button("Reset", on_click=lambda: restart(configured), classes=["pg-reset"])
                solara.Button(
                    "Stop" if running else "Run to end",
                    on_click=toggle_run,
                    disabled=view.finished and not running,
                    outlined=True,
                    classes=["pg-run-to-end"],
                )
                with solara.Column(gap="0px", style={"min-width": "200px"}):
                    solara.Text(
                        f"speed: {SPEEDS[speed_index]} months/s",
                        classes=["pg-speed-label"],
                        style={"font-size": "12px"},
                    )
                    index_slider(
                        speed_index, len(SPEEDS), set_speed_index, "pg-speed", ticks="always"
                    )
            status = f"Month {view.step} of {view.scenario.steps}: {view.outcome.replace('_', ' ')}"
            if view.finished:
                status += " (run over)"
            solara.Text(status, classes=["pg-status"])
            if playing and skip > 1:
                solara.Text(
                    f"Drawing every {skip}th month to keep {SPEEDS[speed_index]} months/s"
                    " (every month is simulated and recorded).",
                    classes=["pg-skip-note"],
                    style={"font-size": "12px", "color": "#555"},
                )
            for problem in (error, draw_error, report_error, treaties[2], timeline[2]):
                if problem:
                    solara.Error(problem, classes=["pg-page-error"])
            waiting = waiting_for_reset(view, values, seed, actor_changes)
            if waiting:
                solara.Text(waiting, classes=["pg-pending"], style={"color": "#b35900"})

        with solara.Column(gap="12px", classes=["pg-views"]):
            with solara.Column(gap="12px", classes=["pg-two"]):
                with solara.Card("Coalition", margin=0):
                    CoalitionPicture.element(
                        svg=drawn.coalition, picked=picked, on_picked=set_picked
                    )
                    solara.HTML(unsafe_innerHTML=coalition_view.legend_html())
                    if timeline[1]:
                        solara.HTML(
                            unsafe_innerHTML=f"<p class='pg-caption' data-month='{timeline[0][1]}'>"
                            "Equilibrium path of this seed to this month (as"
                            " <code>equilibria --path</code>)</p>" + timeline[1],
                            classes=["pg-path-timeline"],
                        )
                    inspected = actor_html(view.scenario, view.frame, picked) if picked else ""
                    if inspected:
                        solara.HTML(unsafe_innerHTML=inspected, classes=["pg-inspector-panel"])
                        if decision:
                            solara.HTML(unsafe_innerHTML=decision, classes=["pg-decision-panel"])
                        elif decision_error:
                            solara.Text(decision_error, classes=["pg-decision-error"])
                        solara.Button(
                            "Close", text=True, small=True, on_click=lambda: set_picked("")
                        )
                with solara.Card("Equilibrium", margin=0, classes=["pg-panel"]):
                    solara.HTML(unsafe_innerHTML=drawn.lab_game, classes=["pg-equilibrium"])
                    solara.HTML(
                        unsafe_innerHTML=treaty_html(treaties[1], view.step),
                        classes=["pg-treaty-panel"],
                    )

            with solara.Card("Over time", margin=0):
                echarts.ChartGrid(drawn.charts, "pg-chart-grid")

            with solara.Card("Compare runs", margin=0, classes=["pg-compare-card"]):
                with solara.Row(gap="8px"):
                    solara.Button(
                        "Pin this run as A",
                        on_click=lambda: set_pinned(PinnedRun.of(*run.view_with_summary())),
                        outlined=True,
                        classes=["pg-pin"],
                    )
                    solara.Button(
                        "Clear A",
                        on_click=lambda: set_pinned(None),
                        text=True,
                        disabled=pinned is None,
                    )
                if pinned is None:
                    solara.Text(
                        "Pin a run, change parameters, Reset and run again: A and B appear"
                        " side by side here.",
                        style={"font-size": "13px"},
                    )
                else:
                    current = compare_html(pinned, PinnedRun.of(view, summary))
                    solara.HTML(unsafe_innerHTML=current, classes=["pg-compare"])
                    a, b = pinned.history, view.history
                    echarts.ChartGrid(
                        {
                            "compare-coalition": charts.compare_coalition_chart(a, b),
                            "compare-catastrophe": charts.compare_catastrophe_chart(a, b),
                        },
                        "pg-compare-charts",
                    )

            with solara.Card("Export", margin=0, classes=["pg-export-card"]):
                ExportPanel(run, view.step)

            with solara.Column(gap="12px", classes=["pg-two"]):
                with solara.Card("Event log", margin=0):
                    solara.HTML(unsafe_innerHTML=drawn.events, classes=["pg-event-log"])
                with solara.Card("Model parameters in force", margin=0):
                    solara.HTML(unsafe_innerHTML=drawn.parameters, classes=["pg-model-params"])
