"""The live runs of one batch: their inputs, their state arrays, their logs and step memo.

Everything a decision rule or a step phase reads or writes about a run lives here, as
arrays with the run axis first; finished runs are dropped from every array at once.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from pausegame.sim import kernel
from pausegame.sim.engine.events import Event
from pausegame.sim.engine.inputs import RunInputs
from pausegame.sim.engine.memo import Lookaheads, StepMemo


@dataclass
class RunState:
    """What changes over a run, for R runs: world, play, payoffs and last step's outcomes."""

    capability: np.ndarray  # (R, L) true capability
    observed: np.ndarray  # (R, L) what others see of it (noisy where uninspected)
    open_source: np.ndarray  # (R,)
    loss_multiplier: np.ndarray  # (R,) 1 before the Sputnik moment, zeta after
    frontiers: np.ndarray  # (R, S) each state's best lab
    pausing: np.ndarray  # (R, L) bool
    member: np.ndarray  # (R, S) bool: in the treaty
    punished_until: np.ndarray  # (R, S) last step a state sits out after a trigger
    lab_payoff: np.ndarray  # (R, L) last step's
    lab_total: np.ndarray  # (R, L)
    state_payoff: np.ndarray  # (R, S) last step's
    state_total: np.ndarray  # (R, S)
    action_values: np.ndarray  # (R, D, 2) reinforcement's values of [race, pause]
    survival: np.ndarray  # (R,) chance of no catastrophe so far
    hazard_totals: np.ndarray  # (R, L + 1) summed per-step hazard, labs then the pool
    crossed: np.ndarray  # (R, L + 1) bool: has crossed the threshold
    first_threshold: np.ndarray  # (R,) step of the first crossing, -1 before it
    hazard: np.ndarray  # (R, L + 1) last step's hazard by source
    home_hazard: np.ndarray  # (R, S) last step's hazard of each state's labs
    catastrophe_probability: np.ndarray  # (R,) last step's
    violator: np.ndarray  # (R, L) bool: last step, required to pause but racing
    detected: np.ndarray  # (R, L) bool: caught last step
    false_alarm: np.ndarray  # (R, L) bool: wrongly fined last step

    @classmethod
    def start(cls, inputs: RunInputs) -> RunState:
        """Every run at its scenario's start: nothing paid, nothing crossed, nothing seen."""
        runs, structure = inputs.size, inputs.structure
        labs, states = structure.n_labs, structure.n_states
        capability = inputs.capability.copy()
        return cls(
            capability=capability,
            observed=capability.copy(),
            open_source=inputs.open_source.copy(),
            loss_multiplier=np.ones(runs),
            frontiers=kernel.state_frontiers(capability, structure),
            pausing=inputs.pausing.copy(),
            member=inputs.member.copy(),
            punished_until=np.zeros((runs, states), dtype=np.int64),
            lab_payoff=np.zeros((runs, labs)),
            lab_total=np.zeros((runs, labs)),
            state_payoff=np.zeros((runs, states)),
            state_total=np.zeros((runs, states)),
            action_values=np.zeros((runs, labs + states, 2)),
            survival=np.ones(runs),
            hazard_totals=np.zeros((runs, labs + 1)),
            crossed=np.zeros((runs, labs + 1), dtype=bool),
            first_threshold=np.full(runs, -1, dtype=np.int64),
            hazard=np.zeros((runs, labs + 1)),
            home_hazard=np.zeros((runs, states)),
            catastrophe_probability=np.zeros(runs),
            violator=np.zeros((runs, labs), dtype=bool),
            detected=np.zeros((runs, labs), dtype=bool),
            false_alarm=np.zeros((runs, labs), dtype=bool),
        )

    def take(self, rows: np.ndarray) -> RunState:
        """The state of the runs at `rows`, copied."""
        return RunState(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})


class Runs:
    """The live runs of a batch: fixed inputs, state, event logs, and the step's memo."""

    def __init__(self, inputs: RunInputs) -> None:
        structure = inputs.structure
        self.inputs = inputs
        self.n_labs, self.n_states = structure.n_labs, structure.n_states
        self.n_deciders = self.n_labs + self.n_states
        self.names = (*structure.lab_names, *structure.state_names)
        self.own_labs = [np.flatnonzero(structure.lab_state == k) for k in range(self.n_states)]
        self.ids = np.arange(inputs.size)  # each live row's run among all the batch's runs
        self.world_step: Any = np.array(0)  # shared: every live run is at the same step
        self.state = RunState.start(inputs)
        self.events: list[list[Event]] = [[] for _ in range(inputs.size)]  # by run id
        self.memo = StepMemo(self.n_labs, self.n_states, inputs.size)

    @property
    def size(self) -> int:
        return len(self.ids)

    def param(self, name: str, rows: np.ndarray | None = None) -> Any:
        """A parameter for the given rows: the shared value, or those rows' values."""
        return self.inputs.param(name, rows)

    def value(self, name: str, row: int) -> Any:
        """One row's value of a parameter, as a Python number like a single run holds it."""
        value = self.inputs.param(name)
        return value[row].item() if np.ndim(value) else value

    def log(self, row: int, event: Event) -> None:
        """Append to the event log of the run at `row`."""
        self.events[self.ids[row]].append(event)

    def actions(self, rows: np.ndarray, agents: np.ndarray) -> np.ndarray:
        """Current action (True: pause / in the treaty) of decision maker `agents` in `rows`."""
        lab = np.minimum(agents, self.n_labs - 1)
        state = np.clip(agents - self.n_labs, 0, self.n_states - 1)
        return np.where(
            agents < self.n_labs, self.state.pausing[rows, lab], self.state.member[rows, state]
        )

    def set_actions(
        self, rows: np.ndarray, agents: np.ndarray, new: np.ndarray, current: np.ndarray, step: int
    ) -> None:
        """Apply revised actions and log each change."""
        changed = np.flatnonzero(new != current)
        for r, agent, pausing in zip(
            rows[changed].tolist(), agents[changed].tolist(), new[changed].tolist(), strict=True
        ):
            if agent < self.n_labs:
                self.state.pausing[r, agent] = pausing
                verb = "pause" if pausing else "race"
            else:
                self.state.member[r, agent - self.n_labs] = pausing
                verb = "join" if pausing else "leave"
            self.log(r, Event(step, verb, self.names[agent]))

    def planning_state(self, rows: np.ndarray) -> kernel.WorldState:
        """The public view the runs at `rows` plan from: observed capabilities."""
        state = self.state
        return kernel.WorldState(
            state.observed[rows], state.open_source[rows], self.world_step,
            state.loss_multiplier[rows],
        )  # fmt: skip

    def lookahead(
        self, rows: np.ndarray, pausing: np.ndarray, member: np.ndarray, explain: bool = False
    ) -> kernel.Lookahead:
        """The kernel's lookahead of profile rows, each from its own run's planning state.

        `explain` also returns every named term (see `kernel.lookahead`).
        """
        params, structure = self.inputs.rows(rows)
        return kernel.lookahead(
            self.planning_state(rows), pausing, member, structure, params, params.lookahead,
            params.discount, explain,
        )  # fmt: skip

    def evaluate(self, queue: Lookaheads) -> kernel.Lookahead:
        """A queue's rows: from the step's memo, the new ones in one kernel call."""
        return queue.evaluate(self.memo, self.lookahead)

    def keep(self, rows: np.ndarray) -> None:
        """Drop every live run not in `rows` (finished runs leave the batch)."""
        self.inputs = self.inputs.take(rows)
        self.ids = self.ids[rows]
        self.state = self.state.take(rows)
