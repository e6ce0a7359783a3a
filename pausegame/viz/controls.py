"""The page's controls: parameter sliders generated from `PARAMETERS`, scenario and run controls.

Every slider comes from one parameter declaration: its label and unit, its range, and a
tooltip with its meaning and source. Parameters whose range spans several orders of magnitude
get logarithmically spaced stops, so the default (e.g. a loss of 8 years of turnover, in a
range up to a million) is as easy to reach as its neighbours.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import reacton.ipyvuetify as rv
import solara
from solara.components.input import use_change

from pausegame.errors import InputError
from pausegame.sim.parameters import GROUPS, PARAMETERS, Parameter
from pausegame.sim.scenario import Scenario
from pausegame.viz import guard

STOPS = 200  # positions of a continuous slider
WIDE = 200.0  # a range this many times the default is spread logarithmically


@dataclass(frozen=True)
class SliderScale:
    """The values a parameter's slider can take, ascending; always includes the given values."""

    parameter: Parameter
    values: tuple[float, ...]

    def index(self, value: float) -> int:
        """The stop nearest `value`."""
        return int(np.argmin(np.abs(np.asarray(self.values) - value)))

    def value(self, index: int) -> float | int:
        """The parameter value at stop `index`, coerced to the parameter's type."""
        index = int(min(max(index, 0), len(self.values) - 1))
        return self.parameter.coerce(self.values[index])

    @property
    def logarithmic(self) -> bool:
        return _is_wide(self.parameter)


def _is_wide(p: Parameter) -> bool:
    return not p.integer and p.low >= 0 and p.default > 0 and p.high > WIDE * p.default


def _round(values: np.ndarray) -> np.ndarray:
    """Three significant digits, so slider labels read 0.125 or 1500, not 0.12499."""
    magnitude = 10.0 ** (np.floor(np.log10(np.where(values > 0, values, 1.0))) - 2)
    return np.where(values > 0, np.round(values / magnitude) * magnitude, values)


def slider_scale(p: Parameter, *keep: float) -> SliderScale:
    """The stops of `p`'s slider: integers, a log spread for wide ranges, or an even spread.

    The values in `keep` (the default, the scenario's value) are stops themselves, so moving a
    slider away and back restores them exactly.
    """
    if p.integer:
        span = int(p.high - p.low)
        raw = (
            np.arange(int(p.low), int(p.high) + 1, dtype=float)
            if span <= 400
            else np.unique(np.round(np.geomspace(1, p.high, STOPS)))
        )
        values = raw[(raw >= p.low) & (raw <= p.high)]
    elif _is_wide(p):
        bottom = max(p.low, p.default / 100) if p.low > 0 else p.default / 100
        values = _round(np.geomspace(bottom, p.high, STOPS))
        if p.low == 0:
            values = np.concatenate([[0.0], values])
    else:
        values = _round(np.linspace(p.low, p.high, STOPS + 1))
    values = np.clip(values, p.low, p.high)
    extra = [float(v) for v in (p.default, *keep) if p.low <= v <= p.high]
    return SliderScale(p, tuple(float(v) for v in np.unique(np.concatenate([values, extra]))))


def value_text(p: Parameter, value: float) -> str:
    """A parameter value as the slider label shows it."""
    return f"{int(value)}" if p.integer else f"{value:g}"


def tooltip(p: Parameter) -> str:
    """Meaning, range and source of a parameter, for its slider's tooltip."""
    return f"{p.meaning}. Range {p.range_text} {p.unit}. Default {p.default:g}. Source: {p.source}"


# ----- components ----------------------------------------------------------------------------


@solara.component
def ParameterSlider(
    parameter: Parameter,
    value: float,
    scenario_value: float,
    in_force: float,
    on_value: Callable[[str, float], None],
) -> None:
    """One parameter's slider; marks values that differ from the scenario or the model."""
    scale = solara.use_memo(
        lambda: slider_scale(parameter, scenario_value), [parameter.name, scenario_value]
    )
    changed = value != scenario_value
    marks = " *" if changed else ""
    label = f"{parameter.name} = {value_text(parameter, value)} {parameter.unit}{marks}"
    with (
        solara.Tooltip(tooltip(parameter)),
        solara.Column(gap="0px", classes=[f"param-{parameter.name}", "pg-param"]),
    ):
        solara.Text(
            label,
            style={
                "font-size": "12px",
                "font-weight": "600" if changed else "400",
                "color": "#b35900" if value != in_force else "inherit",
            },
        )

        def slider() -> None:
            stop_slider(scale, value, lambda v: on_value(parameter.name, v), parameter.name)

        if not scale.logarithmic:
            slider()
        else:  # stops far apart: a number field beside sets any value in range
            with solara.Row(gap="6px", style={"align-items": "center"}):
                with solara.Column(style={"flex": "1"}, gap="0px"):
                    slider()
                NumberField(parameter.name, parameter, value, on_value)


def index_slider(
    index: int, count: int, on_index: Callable[[int], None], css: str, **more: object
) -> None:
    """A slider over positions 0 to `count - 1` (every key press and drag lands on one).

    A position the browser sends that is not a number (a forged message) is ignored, and
    one outside the range or between stops is taken to the nearest stop.
    """

    def moved(position: object) -> None:
        number = isinstance(position, int | float) and not isinstance(position, bool)
        if number and math.isfinite(position):
            on_index(min(max(round(position), 0), count - 1))

    rv.Slider(
        v_model=index,
        on_v_model=moved,
        min=0,
        max=count - 1,
        step=1,
        dense=True,
        hide_details=True,
        class_=css,
        **more,
    )


def stop_slider(
    scale: SliderScale, value: float, on_value: Callable[[float], None], css: str, prefix: str = ""
) -> None:
    """A slider over `scale`'s stops."""

    def on_index(index: int) -> None:
        on_value(scale.value(index))

    index_slider(scale.index(value), len(scale.values), on_index, f"pg-{prefix}slider-{css}")


@solara.component
def NumberField(
    key: str,
    parameter: Parameter,
    value: float,
    on_value: Callable[[str, float], None],
    where: str = "",
    css: str = "",
    width: str = "90px",
    label: str = "",
    whole: bool = False,
) -> None:
    """A number field that sets `key` to any value in `parameter`'s range (checked as typed).

    `where` prefixes the field's name in errors; `css` names its class (default `key`);
    a `whole` field checks each key press. The text goes to `parameter.coerce` as typed (an
    integer stays exact), so every refusal is one message of the model's own check; a comma
    reads as a decimal point in a field that is not `whole`.
    """
    error, set_error = solara.use_state("")
    # What is typed is this field's own state: a redraw of the page while a visitor types
    # (a frame of Play, a slider's answer) must not put the old value back before Enter.
    text, set_text = solara.use_state(str(value))
    solara.use_effect(lambda: set_text(str(value)), [value])  # Reset, Restore, a new value

    def typed(text: str) -> None:
        try:
            number = parameter.coerce(text if whole else text.replace(",", "."), where)
        except InputError as problem:
            set_error(str(problem))
            return
        set_error("")
        on_value(key, number)

    def keyed(new: str | None) -> None:
        set_text(new or "")
        if whole:  # checked at each key press; other fields on Enter or on leaving them
            typed(new or "")

    with solara.Column(gap="0px"):  # one parent whether or not there is an error, so the
        # field is kept as it is (with what was typed) when the message appears
        field = rv.TextField(
            label=label,
            v_model=text,
            on_v_model=keyed,
            class_=f"pg-{css or 'number-' + key}",
            style_=f"max-width: {width}",
        )
        use_change(field, lambda new: typed(new or ""), enabled=not whole)
        if error:
            solara.Error(error)


@solara.component
def LazyPanels(css: str, panels: list[tuple[str, str]], fill: Callable[[int], None]) -> None:
    """Expandable panels, a (title, class) each; `fill(index)` builds only the open ones.

    Every widget on the page costs time at each animated step, and closed panels would add
    over a hundred.
    """
    open_panels, set_open_panels = solara.use_state([])
    with rv.ExpansionPanels(
        multiple=True, accordion=True, class_=css, v_model=open_panels, on_v_model=set_open_panels
    ):
        for number, (title, panel_css) in enumerate(panels):
            with rv.ExpansionPanel(class_=panel_css):
                rv.ExpansionPanelHeader(children=[title])  # text, never HTML
                with rv.ExpansionPanelContent():
                    if number in (open_panels or []):
                        fill(number)


@solara.component
def ParameterGroups(
    values: dict[str, float],
    scenario_values: dict[str, float],
    in_force: dict[str, float],
    on_value: Callable[[str, float], None],
) -> None:
    """Expandable groups of sliders, one per parameter group, in declaration order."""
    groups = [[p for p in PARAMETERS if p.group == group] for group in GROUPS]
    panels = []
    for group, members in zip(GROUPS, groups, strict=True):
        changed = sum(values[p.name] != scenario_values[p.name] for p in members)
        title = f"{group} ({len(members)})" + (f", {changed} changed" if changed else "")
        panels.append((title, f"pg-group pg-group-{group.split()[0].lower()}"))

    def fill(number: int) -> None:
        for p in groups[number]:
            ParameterSlider(p, values[p.name], scenario_values[p.name], in_force[p.name], on_value)

    LazyPanels("pg-groups", panels, fill)


@solara.component
def ScenarioPicker(current: str, on_scenario: Callable[[Scenario], None]) -> None:
    """Choose an offered scenario (built-in or in the server's folder) or upload a TOML file.

    Nothing here opens a path the visitor typed: the dropdown accepts only its own options,
    and the name box (shown only when the server was given `--scenario-dir`) only the
    folder's own `.toml` files. Every error, whatever raised it, becomes a message.
    """
    error, set_error = solara.use_state("")
    typed, set_typed = solara.use_state("")
    # The option last opened (`current` at first), not the scenario's own name: a file may
    # name itself "article", and the built-in must stay one pick away.
    chosen, set_chosen = solara.use_state(current)
    folder = solara.use_memo(guard.scenario_dir, [])
    options = guard.offered(folder)
    shown = options if chosen in options else [*options, chosen]

    def attempt(load: Callable[[], Scenario], option: Callable[[Scenario], str]) -> None:
        try:
            scenario = load()
        except Exception as problem:  # any failure is a message, never a dead page
            set_error(guard.public_message(problem))
            return
        set_error("")
        set_chosen(option(scenario))
        on_scenario(scenario)

    def retype(text: str) -> None:
        set_typed(text)
        set_error("")  # the message was about the last name tried, not this one

    def choose(name: object) -> None:
        if name != chosen:
            attempt(lambda: guard.open_offered(name, folder), lambda _: str(name))

    def upload(file: dict) -> None:
        handle = file.get("file_obj")
        attempt(
            lambda: guard.open_upload(
                file.get("name", ""),
                int(file.get("size") or 0),
                lambda: handle.read(guard.UPLOAD_LIMIT + 1) if handle else b"",
            ),
            lambda scenario: f"{scenario.name} (dropped file)",
        )

    solara.Select("Scenario", values=shown, value=chosen, on_value=choose)
    if folder is not None:
        with solara.Row(gap="4px", style={"align-items": "center"}):
            solara.InputText(
                "or a file name in the scenario folder",
                value=typed,
                on_value=retype,
                continuous_update=True,
                classes=["pg-folder-name"],
            )
            solara.Button(
                "Load",
                on_click=lambda: attempt(
                    lambda: guard.open_offered(typed.strip(), folder), lambda _: typed.strip()
                ),
                disabled=not typed.strip(),
                small=True,
                classes=["pg-folder-load"],
            )
    solara.FileDrop(
        label=f"... or drop a scenario .toml here (up to {guard.UPLOAD_LIMIT >> 20} MiB)",
        on_file=upload,
        lazy=True,
    )
    if error:
        solara.Error(error, classes=["pg-scenario-error"])
