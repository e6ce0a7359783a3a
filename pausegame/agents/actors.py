"""The actors as Mesa agents: labs and states decide; the open-source pool only grows.

Agents hold no state of their own: every attribute reads the engine's arrays for the
model's one run (row 0, column `index`), so nothing can drift from what the engine computes.
"""

from __future__ import annotations

from typing import Protocol

import mesa

from pausegame.sim.engine import Engine
from pausegame.sim.engine.events import OPEN_SOURCE
from pausegame.sim.engine.state import RunState
from pausegame.sim.world import Structure


class RunFace(Protocol):
    """What agents read of their model (`PauseModel`): the engine of its one run."""

    engine: Engine

    @property
    def run_state(self) -> RunState: ...

    @property
    def structure(self) -> Structure: ...

    def decide(self, agent_key: int) -> None: ...


class Actor(mesa.Agent):
    """Common record fields of every actor; `kind` is "lab", "state" or "open_source"."""

    kind = ""
    model: RunFace  # type: ignore[assignment]

    def __init__(self, model: RunFace, name: str, index: int) -> None:
        super().__init__(model)
        self.name = name
        self.index = index

    @property
    def _state(self) -> RunState:
        return self.model.run_state

    # An actor that never pauses and is never caught: labs read all four from the engine,
    # states their membership as `pausing`.
    pausing = False
    violator = False
    detected = False
    false_alarm = False

    @property
    def action(self) -> str:
        return "pause" if self.pausing else "race"


class DecisionMaker(Actor):
    """A lab or a state: revises RACE/PAUSE by its decision rule when the model asks."""

    def __init__(self, model: RunFace, name: str, index: int, key: int) -> None:
        super().__init__(model, name, index)
        self.key = key  # its column among decision makers, and the agent id of its draws

    @property
    def rule(self) -> str:
        """The name of its decision rule."""
        return self.model.engine.runs.inputs.rules[self.key]

    @property
    def action_values(self) -> list[float]:
        """Reinforcement's learned values of [race, pause]."""
        return self._state.action_values[0, self.key].tolist()

    def step(self) -> None:
        """Revise its action now, by its rule (the model calls revisers in the keyed order)."""
        self.model.decide(self.key)


def _column(array: str, kind: type = float, doc: str | None = None) -> property:
    """An agent attribute that reads the engine's `array` at the agent's own column."""
    return property(lambda agent: kind(getattr(agent._state, array)[0, agent.index]), doc=doc)


class LabAgent(DecisionMaker):
    """A frontier lab: races to grow capability or pauses; PAUSE is required in a treaty."""

    kind = "lab"
    pausing = _column("pausing", bool)
    capability = _column("capability")
    payoff = _column("lab_payoff")
    total_payoff = _column("lab_total")
    hazard = _column("hazard")
    violator = _column("violator", bool)
    detected = _column("detected", bool)
    false_alarm = _column("false_alarm", bool)

    @property
    def home(self) -> str:
        structure = self.model.structure
        return structure.state_names[structure.lab_state[self.index]]


class StateAgent(DecisionMaker):
    """A state: PAUSE means being a member of the international pause treaty."""

    kind = "state"
    pausing = _column("member", bool)
    capability = _column("frontiers", doc="Its frontier: the best of its labs.")
    payoff = _column("state_payoff")
    total_payoff = _column("state_total")
    hazard = _column("home_hazard", doc="Its labs' hazard in the last step.")

    @property
    def home(self) -> str:
        return self.name


class OpenSourcePool(Actor):
    """The open-source pool: never pauses, has no safety, takes market share unpaid."""

    kind = "open_source"
    home = ""
    payoff = 0.0
    total_payoff = 0.0

    def __init__(self, model: RunFace) -> None:
        super().__init__(model, OPEN_SOURCE, model.structure.n_labs)

    @property
    def capability(self) -> float:
        return float(self._state.open_source[0])

    @property
    def hazard(self) -> float:
        return float(self._state.hazard[0, -1])
