"""The actors as Mesa agents: labs and states decide; the open-source pool only grows.

Agents hold no dynamics of their own: their actions and capabilities live in the model's
arrays (index `index`), which the kernel advances for all of them at once.
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING

import mesa

from tests.oracle.rules import DecisionRule

if TYPE_CHECKING:
    from tests.oracle.model import PauseModel


def model_entry(array: str, cast: type, *, writable: bool = False, doc: str = "") -> property:
    """The actor's entry (at its `index`) in the model array at `array` ("world.capability"),
    read as `cast`; assignable when `writable`."""
    find = operator.attrgetter(array)

    def get(actor: Actor):
        return cast(find(actor.model)[actor.index])

    def put(actor: Actor, value) -> None:
        find(actor.model)[actor.index] = value

    return property(get, put if writable else None, doc=doc or None)


class Actor(mesa.Agent):
    """Common record fields of every actor; `kind` is "lab", "state" or "open_source"."""

    kind = ""

    def __init__(self, model: PauseModel, name: str, index: int) -> None:
        super().__init__(model)
        self.name = name
        self.index = index
        self.last_payoff = 0.0
        self.total_payoff = 0.0
        self.hazard = 0.0
        self.detected = False
        self.false_alarm = False
        self.violator = False

    @property
    def action(self) -> str:
        return "pause" if self.pausing else "race"


class DecisionMaker(Actor):
    """A lab or a state: revises RACE/PAUSE by its decision rule."""

    def __init__(self, model: PauseModel, name: str, index: int, key: int, rule: DecisionRule):
        super().__init__(model, name, index)
        self.key = key  # the agent id of its random draws
        self.rule = rule
        self.action_values = [0.0, 0.0]  # used by the reinforcement rule: [race, pause]

    def revise(self) -> bool:
        """Apply the decision rule; return True when the action changed."""
        before = self.pausing
        self.pausing = self.rule.decide(self, self.model)
        return self.pausing != before


class LabAgent(DecisionMaker):
    """A frontier lab: races to grow capability or pauses; PAUSE is required in a treaty."""

    kind = "lab"
    pausing = model_entry("pausing", bool, writable=True)
    capability = model_entry("world.capability", float)

    @property
    def home(self) -> str:
        return self.model.structure.state_names[self.model.structure.lab_state[self.index]]


class StateAgent(DecisionMaker):
    """A state: PAUSE means being a member of the international pause treaty."""

    kind = "state"
    pausing = model_entry("member", bool, writable=True)
    capability = model_entry("frontiers", float, doc="Its frontier: the best of its labs.")

    @property
    def home(self) -> str:
        return self.name


class OpenSourcePool(Actor):
    """The open-source pool: never pauses, has no safety, takes market share unpaid."""

    kind = "open_source"
    pausing = False

    @property
    def capability(self) -> float:
        return float(self.model.world.open_source)

    @property
    def home(self) -> str:
        return ""
