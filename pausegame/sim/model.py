"""The pause game as a Mesa model: a face over the engine, holding one run.

Labs and states are Mesa agents in `model.agents`; their attributes read the engine's
arrays, and each one's `step()` makes its own decision by its rule, in the keyed order the
engine draws. The engine then moves capabilities, leakage, hazard and payoffs through the
kernel, settles fines and triggers and logs events; a DataCollector records every step.
"""

from __future__ import annotations

from collections.abc import Callable

import mesa
import numpy as np
import pandas as pd

from pausegame.agents.actors import DecisionMaker, LabAgent, OpenSourcePool, StateAgent
from pausegame.sim import kernel
from pausegame.sim.engine import Engine, Event, RunRecord
from pausegame.sim.engine.inputs import run_inputs
from pausegame.sim.engine.options import option_values
from pausegame.sim.engine.records import AGENT_COLUMNS
from pausegame.sim.engine.revision import decide, revisers
from pausegame.sim.engine.state import RunState
from pausegame.sim.parameters import ModelParams
from pausegame.sim.scenario import Scenario


def _run_row(array: str, kind: type | None = None) -> property:
    """A model attribute that reads the engine's `array` for the model's one run."""
    if kind is None:
        return property(lambda model: getattr(model.run_state, array)[0])
    return property(lambda model: kind(getattr(model.run_state, array)[0]))


class PauseModel(mesa.Model):
    """Labs and states choosing between racing and pausing under a pause treaty."""

    def __init__(self, scenario: Scenario, seed: int = 0) -> None:
        super().__init__(rng=seed)
        self.game = scenario  # (Mesa reserves `scenario` for its own experimental class)
        self.seed = int(seed)
        self.engine = Engine(
            run_inputs({0: scenario}, [(0, self.seed)]),
            scenario.steps,
            records=True,
            keep_finished=True,
        )
        names = self.structure.lab_names, self.structure.state_names
        n_labs = len(names[0])
        self.labs = [LabAgent(self, name, i, i) for i, name in enumerate(names[0])]
        self.states = [StateAgent(self, name, k, n_labs + k) for k, name in enumerate(names[1])]
        self.pool = OpenSourcePool(self)
        self.deciders: list[DecisionMaker] = [*self.labs, *self.states]
        #: Called with a decision maker's key just before it revises (e.g. to explain it).
        self.before_decision: Callable[[int], None] | None = None
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "labs_pausing": lambda m: int(m.pausing.sum()),
                "states_in_treaty": lambda m: int(m.member.sum()),
                "treaty_binding": lambda m: bool(kernel.treaty_binding(m.member, m.params)),
                "open_source": lambda m: float(m.world.open_source),
                "frontier": lambda m: float(m.world.capability.max()),
                "catastrophe_probability": lambda m: m.last_catastrophe_probability,
                "cumulative_catastrophe_probability": lambda m: 1.0 - m.survival,
                "loss_multiplier": lambda m: float(m.world.loss_multiplier),
                "catastrophe": lambda m: m.catastrophe_step is not None,
            },
            agent_reporters={name: name for name in AGENT_COLUMNS},
        )

    # ----- the run's state, read from the engine -----------------------------------------
    @property
    def run_state(self) -> RunState:
        """The run's arrays (one row), live or, after a catastrophe, as it ended."""
        return self.engine.runs.state

    @property
    def params(self) -> ModelParams:
        return self.engine.runs.inputs.params

    @property
    def structure(self) -> kernel.Structure:
        return self.engine.runs.inputs.structure

    pausing = _run_row("pausing")
    member = _run_row("member")
    punished_until = _run_row("punished_until")
    survival = _run_row("survival", float)
    last_catastrophe_probability = _run_row("catastrophe_probability", float)

    @property
    def world(self) -> kernel.WorldState:
        state = self.run_state
        return kernel.WorldState(
            state.capability[0], state.open_source[0], self.engine.runs.world_step,
            state.loss_multiplier[0],
        )  # fmt: skip

    @property
    def events(self) -> list[Event]:
        return self.engine.runs.events[0]

    @property
    def catastrophe_step(self) -> int | None:
        finished = self.engine.finished[0]
        return None if finished is None else finished.catastrophe_step

    @property
    def first_threshold_step(self) -> int | None:
        return self.record().first_threshold_step

    def planning_state(self) -> kernel.WorldState:
        """The public view agents plan from: observed (noisy where uninspected) capabilities."""
        return self.record().planning_state()

    def record(self) -> RunRecord:
        """The run as it stands, as the engine records runs."""
        return self.engine.finished[0] or self.engine.record(0, int(self.steps))

    def summary(self) -> dict:
        """The run's JSON-ready summary so far (see `RunRecord.summary`)."""
        return self.record().summary()

    # ----- decisions ----------------------------------------------------------------------
    def decide(self, agent_key: int) -> None:
        """Decision maker `agent_key` (labs, then states) revises now by its rule."""
        if self.before_decision is not None:
            self.before_decision(agent_key)
        decide(self.engine.runs, np.array([0]), np.array([agent_key]), int(self.steps))

    def lab_utilities(self, lab: int) -> tuple[float, float]:
        """Lab `lab`'s lookahead utility of (RACE, PAUSE), everyone else as they are."""
        race, pause = option_values(self.engine.runs, np.array([0]), np.array([lab]))
        return float(race[0]), float(pause[0])

    def membership_utilities(self, state: int) -> tuple[float, float]:
        """State `state`'s lookahead utility out of and in the treaty, labs anticipated."""
        agent = np.array([self.structure.n_labs + state])
        race, pause = option_values(self.engine.runs, np.array([0]), agent)
        return float(race[0]), float(pause[0])

    def apply_scenario(self, scenario: Scenario) -> None:
        """Continue the run under new parameter values for the same actors (live tweaks)."""
        structure = scenario.structure()
        if (structure.lab_names, structure.state_names) != (
            self.structure.lab_names,
            self.structure.state_names,
        ):
            raise ValueError("apply_scenario needs the same labs and states as the run")
        self.game = scenario
        inputs = run_inputs({0: scenario}, [(0, self.seed)])
        self.engine.runs.inputs = inputs
        self.engine.all_inputs = inputs
        self.engine.runs.memo.clear()

    # ----- one step ----------------------------------------------------------------------
    def step(self) -> None:
        """One month: each reviser decides in the keyed order, then the engine advances."""
        step = int(self.steps)
        runs = self.engine.runs
        runs.memo.clear()
        ordered, count = revisers(runs, step)
        for key in ordered[0, : count[0]].tolist():
            self.deciders[key].step()
        self.engine.advance(step)
        if self.catastrophe_step is not None:
            self.running = False
        self.datacollector.collect(self)

    # ----- results -----------------------------------------------------------------------
    def agent_records(self) -> pd.DataFrame:
        """Tidy per-step, per-agent records: one row per step and agent."""
        frame = self.datacollector.get_agent_vars_dataframe().reset_index()
        return frame.rename(columns={"Step": "step"}).drop(columns=["AgentID"])

    def step_records(self) -> pd.DataFrame:
        """One row per step: coalition sizes, open-source pool, hazard, cumulative risk."""
        frame = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        frame.insert(0, "step", np.arange(1, len(frame) + 1))
        return frame

    def event_records(self) -> pd.DataFrame:
        """The event log as a table."""
        return pd.DataFrame(
            [vars(e) for e in self.events], columns=["step", "kind", "agent", "detail"]
        )
