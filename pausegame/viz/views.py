"""Pure functions of the page: drawing a snapshot, slider values, and failing safely.

Kept apart from `app.Page` so they can be used (and tested, and benchmarked) without the
component, and so that every error of a view becomes a message instead of a dead page.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import threading
from collections.abc import Callable
from dataclasses import dataclass

import solara.lab

from pausegame.sim.parameters import PARAMETERS
from pausegame.sim.scenario import Scenario
from pausegame.viz import charts, coalition_view, guard
from pausegame.viz.actor_panel import actor_value
from pausegame.viz.equilibrium_panel import LabGameReport, lab_game_html
from pausegame.viz.event_log import event_log_html, parameters_text
from pausegame.viz.session import RunView
from pausegame.viz.svg import esc


@dataclass(frozen=True)
class Drawn:
    """Every view of one run snapshot, as HTML/SVG text ready for the page."""

    coalition: str
    charts: dict  # chart name -> ECharts option
    lab_game: str
    events: str
    parameters: str


def layout_for(scenario: Scenario) -> coalition_view.Layout:
    """The fixed coalition-view layout of a scenario's actors."""
    structure = scenario.structure()
    return coalition_view.layout(structure.lab_state, structure.n_states)


def draw(view: RunView, where: coalition_view.Layout, report: LabGameReport | None) -> Drawn:
    """Build every per-step view of `view` (the redraw an animated step costs)."""
    return Drawn(
        coalition=coalition_view.coalition_svg(view.frame, where),
        charts=charts.run_charts(view.history),
        lab_game=lab_game_html(report),
        events=event_log_html(view.events),
        parameters=esc(parameters_text(view.scenario.params)),
    )


BLANK = Drawn("", {}, "", "", "")


def attempt[T](compute: Callable[[], T]) -> tuple[T | None, str]:
    """(result, "") or (None, a message for the page): a failing view never kills the page."""
    try:
        return compute(), ""
    except Exception as problem:
        return None, guard.public_message(problem)


def _release_memory() -> None:
    """After a tab's session closes: collect its cycles and hand freed heap back to the OS."""
    gc.collect()
    libc = ctypes.util.find_library("c")
    if libc:
        # Not glibc (no malloc_trim): freed memory is reused by the process instead.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(libc).malloc_trim(0)


def _on_kernel_start() -> Callable[[], None]:
    def release_later() -> None:
        # Twice: right after the close, and once the tab's last background work is done.
        for delay in (1.0, 15.0):
            threading.Timer(delay, _release_memory).start()

    return release_later


solara.lab.on_kernel_start(_on_kernel_start)


def slider_values(params: object) -> dict[str, float]:
    """The value of every declared parameter in `params`, by name."""
    return {p.name: getattr(params, p.name) for p in PARAMETERS}


def overrides_of(values: dict[str, float], scenario: Scenario) -> dict[str, float]:
    """The slider values that differ from the scenario's own."""
    return {name: v for name, v in values.items() if v != getattr(scenario.params, name)}


def waiting_for_reset(view: RunView, values: dict[str, float], seed: int, actors: dict) -> str:
    """The slider, per-actor and seed changes the running model does not have yet, in words."""
    in_force = slider_values(view.scenario.params)
    changes = [f"{n} {in_force[n]:g} -> {v:g}" for n, v in values.items() if v != in_force[n]]
    for key, value in actors.items():
        try:
            waiting = actor_value(view.scenario, key) != value
        except (KeyError, AttributeError):  # an actor or field the model's scenario lacks
            waiting = True
        if waiting:
            changes.append(f"{key} -> {value}")
    if seed != view.seed:
        changes.append(f"seed {view.seed} -> {seed}")
    return "Waiting for Reset: " + ", ".join(changes) if changes else ""
