"""One visitor's live run: the scenario, its Mesa model and the history the views draw.

`LiveRun` is plain Python so it can be tested without a browser. The page keeps one per
browser tab; a lock lets the Play timer thread and button clicks step the same model safely,
and every view reads an immutable `RunView` snapshot instead of the moving model.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from pausegame.experiments import treaty
from pausegame.experiments.explain import explain_decider
from pausegame.experiments.runs import RunResult
from pausegame.sim import kernel
from pausegame.sim.engine import Event
from pausegame.sim.model import PauseModel
from pausegame.sim.scenario import Scenario


@dataclass(frozen=True)
class Frame:
    """The coalition as it stands after one step: who pauses, who cheats, who was caught."""

    step: int
    lab_names: tuple[str, ...]
    state_names: tuple[str, ...]
    lab_state: np.ndarray  # (L,) index of each lab's home state
    open_weights: np.ndarray  # (L,) bool
    pausing: np.ndarray  # (L,) bool
    member: np.ndarray  # (S,) bool
    binding: bool  # the treaty binds (enough members)
    capability: np.ndarray  # (L,)
    open_source: float
    violator: np.ndarray  # (L,) bool: required to pause but racing
    detected: np.ndarray  # (L,) bool: caught this step
    false_alarm: np.ndarray  # (L,) bool: wrongly fined this step
    threshold: float
    catastrophe_step: int | None


@dataclass(frozen=True)
class History:
    """Per-step records of a run, row 0 being the start, for the charts over time."""

    lab_names: tuple[str, ...]
    state_names: tuple[str, ...]
    threshold: float
    horizon: int  # the scenario's run length, so the time axis never rescales
    step: np.ndarray  # (T,)
    pausing: np.ndarray  # (T, L) bool
    member: np.ndarray  # (T, S) bool
    capability: np.ndarray  # (T, L)
    open_source: np.ndarray  # (T,)
    catastrophe_probability: np.ndarray  # (T,) per step
    cumulative_probability: np.ndarray  # (T,)
    lab_payoff: np.ndarray  # (T, L) cumulative $B
    state_payoff: np.ndarray  # (T, S) cumulative $B
    hazard: np.ndarray  # (T, L + 1) per-step hazard by source, the pool last

    @property
    def labs_pausing(self) -> np.ndarray:
        return self.pausing.sum(axis=1)

    @property
    def states_in_treaty(self) -> np.ndarray:
        return self.member.sum(axis=1)


@dataclass(frozen=True)
class Position:
    """A frozen copy of what the stage-game analysis needs from a run at one step."""

    structure: kernel.Structure
    params: Any
    where: treaty.Position  # the public state agents plan from, and the current play
    key: tuple[int, int]  # (generation, step) of the run it came from


@dataclass(frozen=True)
class RunView:
    """An immutable snapshot of a live run: everything a page redraw needs."""

    generation: int  # changes on every reset, so caches keyed on it never mix runs
    scenario: Scenario
    seed: int
    frame: Frame
    history: History
    events: tuple[Event, ...]
    finished: bool
    outcome: str
    position: Position  # the same moment, for the stage-game analysis

    @property
    def step(self) -> int:
        return self.frame.step

    @property
    def key(self) -> tuple[int, int]:
        """Identifies this state of this run: (generation, step)."""
        return self.generation, self.frame.step


def history(model: PauseModel, scenario: Scenario) -> History:
    """The run's records so far (the engine's, row 0 the start) as the charts read them."""
    recorder = model.engine.recorder
    assert recorder is not None, "the Mesa model keeps its engine's records"
    rows, n_labs, n_states = int(model.steps) + 1, model.structure.n_labs, model.structure.n_states
    steps = {name: column[:rows, 0] for name, column in recorder.steps.items()}
    agents = {name: column[:rows, 0] for name, column in recorder.agents.items()}
    return History(
        lab_names=model.structure.lab_names,
        state_names=model.structure.state_names,
        threshold=float(scenario.params.rsi_threshold),
        horizon=int(scenario.steps),
        step=np.arange(rows),
        pausing=agents["pausing"][:, :n_labs].copy(),
        member=agents["pausing"][:, n_labs : n_labs + n_states].copy(),
        capability=agents["capability"][:, :n_labs].copy(),
        open_source=steps["open_source"].copy(),
        catastrophe_probability=steps["catastrophe_probability"].copy(),
        cumulative_probability=steps["cumulative_catastrophe_probability"].copy(),
        lab_payoff=agents["total_payoff"][:, :n_labs].copy(),
        state_payoff=agents["total_payoff"][:, n_labs : n_labs + n_states].copy(),
        hazard=np.concatenate([agents["hazard"][:, :n_labs], agents["hazard"][:, -1:]], axis=1),
    )


class LiveRun:
    """A model that a page steps, resets and re-parameterises; thread-safe."""

    def __init__(self, scenario: Scenario, seed: int = 0) -> None:
        self._lock = threading.RLock()
        self.generation = 0
        self.epoch = 0  # counts resets only: background work stops when it changes
        self.reset(scenario, seed)

    def reset(self, scenario: Scenario, seed: int) -> None:
        """Start over: a fresh model of `scenario` with `seed`, history from step 0."""
        model = PauseModel(scenario, seed=int(seed))  # a scenario that fails leaves the run be
        with self._lock:
            self.scenario = scenario
            self.seed = int(seed)
            self.model = model
            self.generation += 1
            self.epoch += 1
            self.changed_live = False  # parameters changed mid-run: not one scenario's run

    @property
    def finished(self) -> bool:
        """The run is over: a catastrophe happened or the scenario's last month is done."""
        with self._lock:
            return not self.model.running or self.model.steps >= self.scenario.steps

    @property
    def month(self) -> int:
        """Months simulated so far."""
        with self._lock:
            return int(self.model.steps)

    def step(self, epoch: int | None = None) -> bool:
        """Advance one month unless the run is over (or was reset since `epoch`)."""
        with self._lock:
            if self.finished or (epoch is not None and epoch != self.epoch):
                return False
            self.model.step()
            return True

    def apply_live(self, scenario: Scenario) -> None:
        """Continue the running model under `scenario`'s parameter values from the next step.

        Only global parameters may change live: the actors must be the same, and keep the
        run's own values and rules (those set at the last reset). The history so far is kept,
        since it happened under the old values.
        """
        with self._lock:
            asked, running = scenario.structure(), self.model.structure
            if (asked.lab_names, asked.state_names) != (running.lab_names, running.state_names):
                raise ValueError("a live change must keep the scenario's labs and states")
            live = replace(self.scenario, params=scenario.params)
            self.model.apply_scenario(live)
            self.scenario = live
            self.generation += 1
            self.changed_live = True

    def result(self) -> RunResult:
        """The run so far as `pausegame run` returns it: summary and tidy records."""
        with self._lock:
            model = self.model
            return RunResult(
                model.summary(), model.agent_records(), model.step_records(), model.event_records()
            )

    def summary(self) -> dict:
        """The run's JSON-ready summary so far (outcome, coalition, risk, hazard by source)."""
        with self._lock:
            return self.model.summary()

    def view(self) -> RunView:
        """A consistent snapshot of the run for drawing."""
        with self._lock:
            model = self.model
            structure = model.structure
            step = int(model.steps)
            frame = Frame(
                step=step,
                lab_names=structure.lab_names,
                state_names=structure.state_names,
                lab_state=structure.lab_state.copy(),
                open_weights=np.asarray(structure.open_weights, dtype=bool).copy(),
                pausing=model.pausing.copy(),
                member=model.member.copy(),
                binding=bool(kernel.treaty_binding(model.member, model.params)),
                capability=np.asarray(model.world.capability, dtype=float).copy(),
                open_source=float(model.world.open_source),
                violator=np.array([lab.violator for lab in model.labs], dtype=bool),
                detected=np.array([lab.detected for lab in model.labs], dtype=bool),
                false_alarm=np.array([lab.false_alarm for lab in model.labs], dtype=bool),
                threshold=float(model.params.rsi_threshold),
                catastrophe_step=model.catastrophe_step,
            )
            return RunView(
                generation=self.generation,
                scenario=self.scenario,
                seed=self.seed,
                frame=frame,
                history=history(self.model, self.scenario),
                events=tuple(model.events),
                finished=self.finished,
                outcome=model.record().outcome,
                position=self.position(),
            )

    def explain(self, name: str) -> dict:
        """Decision maker `name`'s payoff terms for its two options at the current month."""
        with self._lock:
            return explain_decider(self.model, name)

    def view_with_summary(self) -> tuple[RunView, dict]:
        """A snapshot and the run's summary taken at the same moment."""
        with self._lock:
            return self.view(), self.summary()

    def position(self) -> Position:
        """The run's current position for the stage game: planning state and current play."""
        with self._lock:
            model = self.model
            planning = model.planning_state()
            state = kernel.WorldState(
                np.array(planning.capability, dtype=float),
                np.array(planning.open_source),
                np.array(planning.step),
                np.array(planning.loss_multiplier),
            )
            where = treaty.Position(
                state,
                model.pausing.copy(),
                model.member.copy(),
                int(model.steps),
                self.seed,
                model.catastrophe_step,
            )
            return Position(model.structure, model.params, where, (self.generation, where.step))
