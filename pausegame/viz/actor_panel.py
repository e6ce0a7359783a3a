"""Per-actor controls: one panel per lab and per state, from the declarations behind `--set`.

Each field of `LAB_FIELDS` / `STATE_FIELDS` gets a slider with a number field beside it,
and each actor a decision-rule menu. Changes are kept as `--set` style keys
(`lab.NAME.FIELD`, `state.NAME.FIELD`, and `lab.NAME.rule`) and take effect on Reset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import solara

from pausegame.errors import InputError
from pausegame.sim.parameters import Parameter
from pausegame.sim.scenario import LAB_FIELDS, RULES, STATE_FIELDS, Scenario, split_actor_key
from pausegame.viz.controls import LazyPanels, NumberField, slider_scale, stop_slider

DEFAULT_RULE = "scenario default"


def actor_value(scenario: Scenario, key: str) -> float | str:
    """The scenario's own value for an actor key such as `lab.OpenAI.safety`."""
    value = scenario.value(key)
    return DEFAULT_RULE if key.endswith(".rule") and value is None else value


def with_actor_changes(scenario: Scenario, changes: dict[str, float | str]) -> Scenario:
    """`scenario` with per-actor changes: fields through `with_overrides`, rules replaced."""
    fields = {k: v for k, v in changes.items() if not k.endswith(".rule")}
    changed = scenario.with_overrides(fields) if fields else scenario
    rules = {k: v for k, v in changes.items() if k.endswith(".rule")}
    if not rules:
        return changed
    labs, states = list(changed.labs), list(changed.states)
    for key, rule in rules.items():
        kind, name, _ = split_actor_key(key)
        if rule != DEFAULT_RULE and rule not in RULES:
            raise InputError(f"{key}: expected one of {', '.join(RULES)}")
        table = labs if kind == "lab" else states
        for n, actor in enumerate(table):
            if actor.name == name:
                table[n] = replace(actor, rule=None if rule == DEFAULT_RULE else rule)
    return replace(changed, labs=tuple(labs), states=tuple(states))


@solara.component
def ActorField(
    key: str,
    parameter: Parameter,
    value: float,
    own: float,
    on_value: Callable[[str, float | str], None],
) -> None:
    """A slider and a number field for one actor field; marks a value changed from `own`."""
    scale = solara.use_memo(lambda: slider_scale(parameter, own), [parameter.name, own])
    css = key.replace(".", "-").replace(" ", "_")
    with solara.Row(gap="6px", style={"align-items": "center"}, classes=[f"pg-actor-{css}"]):
        solara.Text(
            f"{parameter.name}{' *' if value != own else ''}",
            style={"font-size": "12px", "min-width": "96px"},
        )
        with solara.Column(style={"flex": "1", "min-width": "80px"}, gap="0px"):
            stop_slider(scale, value, lambda v: on_value(key, v), css, prefix="actor-")
        NumberField(
            key,
            parameter,
            value,
            on_value,
            where=f"{key.rsplit('.', 1)[0]}.",
            css=f"actor-number-{css}",
            width="80px",
        )


@solara.component
def ActorPanels(
    scenario: Scenario,
    changes: dict[str, float | str],
    on_value: Callable[[str, float | str], None],
) -> None:
    """One expandable panel per lab and per state; only open panels build their fields."""
    actors = [("lab", lab.name, LAB_FIELDS) for lab in scenario.labs] + [
        ("state", s.name, STATE_FIELDS) for s in scenario.states
    ]
    panels = []
    for kind, name, _ in actors:
        changed = sum(1 for k in changes if k.startswith(f"{kind}.{name}."))
        title = f"{kind.title()} {name}" + (f" ({changed} changed)" if changed else "")
        panels.append((title, "pg-actor-panel"))

    def fill(number: int) -> None:
        kind, name, fields = actors[number]
        prefix = f"{kind}.{name}."
        for field, parameter in fields.items():
            key = prefix + field
            own = actor_value(scenario, key)
            ActorField(key, parameter, changes.get(key, own), own, on_value)
        rule_key = prefix + "rule"
        solara.Select(
            "decision rule",
            values=[DEFAULT_RULE, *RULES],
            value=changes.get(rule_key, actor_value(scenario, rule_key)),
            on_value=lambda rule: on_value(rule_key, rule),
            classes=[f"pg-actor-rule-{kind}-{name}"],
        )

    LazyPanels("pg-actors", panels, fill)
