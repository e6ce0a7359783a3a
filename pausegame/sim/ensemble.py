"""The ensemble engine: many runs of one scenario advanced in lockstep as arrays.

Each run is what `PauseModel(scenario, seed)` would produce, number for number: the same
kernel calls in the same order, the same keyed draws, the same sequential revisions and
events, with seeds and parameter points stacked along a leading run axis. A run that ends
in a catastrophe leaves the batch; its records stop at that step, as the Mesa model's do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from pausegame.sim import kernel
from pausegame.sim.ensemble_inputs import RunInputs, batch_key, run_inputs
from pausegame.sim.ensemble_lookahead import StepMemo
from pausegame.sim.ensemble_records import EnsembleRun, Recorder
from pausegame.sim.ensemble_rules import revise
from pausegame.sim.model import OPEN_SOURCE, Event
from pausegame.sim.randomness import WORLD, Purpose, keyed_normal, keyed_uniform
from pausegame.sim.scenario import Scenario

#: Runs advanced together at most; bigger ensembles go in several batches of this size.
BATCH_SIZE = 2048

Progress = Callable[[int, int], None]  # (runs done, runs in all)

#: The live runs' arrays, each with the run axis first; finished runs are dropped from all.
RUN_ARRAYS = (
    "capability", "open_source", "loss_multiplier", "observed", "frontiers", "pausing",
    "member", "punished_until", "lab_payoff", "lab_total", "state_payoff", "state_total",
    "action_values", "survival", "hazard_totals", "crossed", "first_threshold",
)  # fmt: skip


class Ensemble:
    """The live runs of one batch: their world, play and bookkeeping as run-axis arrays."""

    BEST_RESPONSE, IMITATION, REINFORCEMENT, FIXED = range(4)
    RULE_CODES: ClassVar[dict[str, int]] = {
        "best_response": 0,
        "imitation": 1,
        "reinforcement": 2,
        "fixed": 3,
    }

    def __init__(self, inputs: RunInputs, steps: int, keep_records: bool = False) -> None:
        structure = inputs.structure
        self.all_inputs = inputs
        self.inputs = inputs
        self.n_labs, self.n_states = structure.n_labs, structure.n_states
        self.n_deciders = self.n_labs + self.n_states
        self.names = (*structure.lab_names, *structure.state_names)
        self.rule_of = np.array([self.RULE_CODES[r] for r in inputs.rules], dtype=np.int64)
        self.own_labs = [np.flatnonzero(structure.lab_state == k) for k in range(self.n_states)]
        self.own_count = np.array([len(own) for own in self.own_labs], dtype=np.int64)
        runs = inputs.size
        self.ids = np.arange(runs)
        self.world_step: Any = np.array(0)  # shared: every live run is at the same step
        self.capability = inputs.capability.copy()
        self.open_source = inputs.open_source.copy()
        self.loss_multiplier = np.ones(runs)
        self.observed = self.capability.copy()
        self.frontiers = kernel.state_frontiers(self.capability, structure)
        self.pausing = inputs.pausing.copy()
        self.member = inputs.member.copy()
        self.punished_until = np.zeros((runs, self.n_states), dtype=np.int64)
        self.lab_payoff = np.zeros((runs, self.n_labs))
        self.lab_total = np.zeros((runs, self.n_labs))
        self.state_payoff = np.zeros((runs, self.n_states))
        self.state_total = np.zeros((runs, self.n_states))
        self.action_values = np.zeros((runs, self.n_deciders, 2))
        self.survival = np.ones(runs)
        self.hazard_totals = np.zeros((runs, self.n_labs + 1))
        self.crossed = np.zeros((runs, self.n_labs + 1), dtype=bool)
        self.first_threshold = np.full(runs, -1, dtype=np.int64)
        self.events: list[list[Event]] = [[] for _ in range(runs)]
        self.recorder = Recorder(runs, steps, self.n_labs, self.n_states) if keep_records else None
        self.finished: list[EnsembleRun | None] = [None] * runs
        self.steps_done = 0
        self.memo = StepMemo(self.n_labs, self.n_states, runs)
        self._structures: dict[int, kernel.Structure] = {}

    # ----- what the revision phase asks --------------------------------------------------
    def actions(self, runs: np.ndarray, agents: np.ndarray) -> np.ndarray:
        """Current action (True = pause / in the treaty) of decision maker `agents` in `runs`."""
        lab = np.minimum(agents, self.n_labs - 1)
        state = np.clip(agents - self.n_labs, 0, self.n_states - 1)
        return np.where(agents < self.n_labs, self.pausing[runs, lab], self.member[runs, state])

    def set_actions(
        self, runs: np.ndarray, agents: np.ndarray, new: np.ndarray, current: np.ndarray, step: int
    ) -> None:
        """Apply revised actions and log each change as the Mesa model does."""
        changed = np.flatnonzero(new != current)
        for r, agent, pausing in zip(
            runs[changed].tolist(), agents[changed].tolist(), new[changed].tolist(), strict=True
        ):
            if agent < self.n_labs:
                self.pausing[r, agent] = pausing
                verb = "pause" if pausing else "race"
            else:
                self.member[r, agent - self.n_labs] = pausing
                verb = "join" if pausing else "leave"
            self.events[self.ids[r]].append(Event(step, verb, self.names[agent]))

    def _value(self, name: str, run: int) -> Any:
        """One live run's value of a parameter, as a Python number like a single run holds it."""
        value = self.inputs.param(name)
        return value[run].item() if np.ndim(value) else value

    # ----- one step ----------------------------------------------------------------------
    def step(self, step: int) -> None:
        """One month for every live run: revise, grow, leak, verify, hazard, pay, record."""
        inputs, structure, params = self.inputs, self.inputs.structure, self.inputs.params
        self.memo.clear()
        revise(self, step)
        binding = kernel.treaty_binding(self.member, params)
        required = kernel.labs_required(self.member, binding, structure)
        noise = self._observation_factor(step, required)
        previous_multiplier = self.loss_multiplier
        world = kernel.WorldState(
            self.capability, self.open_source, self.world_step, self.loss_multiplier
        )
        t = kernel.transition(
            world, self.pausing, self.member, structure, params, observation=noise
        )
        seeds = inputs.seed_keys
        lab_keys = np.arange(self.n_labs)
        detected = keyed_uniform(seeds[:, None], step, lab_keys, Purpose.DETECT) < t.detection
        false_alarm = (
            keyed_uniform(seeds[:, None], step, lab_keys, Purpose.FALSE_ALARM) < t.false_alarm
        )
        catastrophe = keyed_uniform(seeds, step, WORLD, Purpose.CATASTROPHE) < t.catastrophe
        occurred = catastrophe.astype(np.float64)
        lab_pay = kernel.lab_payoff(
            t, detected | false_alarm, occurred, structure, params, previous_multiplier
        )
        state_pay = kernel.state_payoff(t, occurred, structure, previous_multiplier)

        self.capability = t.state.capability
        self.open_source = np.asarray(t.state.open_source, dtype=np.float64)
        self.world_step = t.state.step
        self.loss_multiplier = np.asarray(t.state.loss_multiplier)
        self.observed = self.capability * noise
        self.frontiers = kernel.state_frontiers(self.capability, structure)
        self.survival = self.survival * (1.0 - t.catastrophe)
        self.hazard_totals = self.hazard_totals + t.hazard
        violators = required & ~self.pausing
        home_hazard = self._settle(step, t, detected, false_alarm, lab_pay, state_pay)
        self._note_crossings(step, previous_multiplier)
        for r in np.flatnonzero(catastrophe).tolist():
            worst = [*structure.lab_names, OPEN_SOURCE][int(np.argmax(t.hazard[r]))]
            self.events[self.ids[r]].append(Event(step, "catastrophe", worst))
        if self.recorder is not None:
            self.recorder.record(
                step, self, t, violators, detected, false_alarm, home_hazard, catastrophe
            )
        self.steps_done = step
        if catastrophe.any():
            self._finish(np.flatnonzero(catastrophe), step, catastrophe_step=step)

    def _observation_factor(self, step: int, required: np.ndarray) -> np.ndarray:
        """Multiplicative noise on what others see of uninspected, closed labs (mean one)."""
        z = keyed_normal(self.inputs.seed_keys[:, None], step, np.arange(self.n_labs))
        exact = required | self.inputs.structure.open_weights
        return kernel.observation_factor(z, exact, self.inputs.params)

    def _settle(
        self,
        step: int,
        t: kernel.Transition,
        detected: np.ndarray,
        false_alarm: np.ndarray,
        lab_pay: np.ndarray,
        state_pay: np.ndarray,
    ) -> np.ndarray:
        """Payoffs, fines and trigger punishments; returns each state's home hazard."""
        self.lab_payoff = lab_pay
        self.lab_total = self.lab_total + lab_pay
        stakes = float(t.stakes)
        for lab in range(self.n_labs):
            caught = np.flatnonzero(detected[:, lab])
            for r in caught.tolist():
                fine = self._value("fine", r)
                self.events[self.ids[r]].append(
                    Event(
                        step, "violation detected", self.names[lab], f"fine {fine * stakes:.1f} $B"
                    )
                )
                self._trigger(step, r, int(self.inputs.structure.lab_state[lab]))
            for r in np.flatnonzero(false_alarm[:, lab]).tolist():
                fine = self._value("fine", r)
                self.events[self.ids[r]].append(
                    Event(step, "false alarm", self.names[lab], f"fine {fine * stakes:.1f} $B")
                )
        home_hazard = np.where(self.inputs.structure.home, t.hazard[:, None, :-1], 0.0).sum(-1)
        self.state_payoff = state_pay
        self.state_total = self.state_total + state_pay
        learners = np.flatnonzero(self.rule_of == self.REINFORCEMENT)
        if learners.size:
            # Reinforcement: the value of the action each learner now plays moves toward its
            # realised payoff (a state's action is read after any trigger punishment).
            rate = kernel.per_batch(self.inputs.param("learning_rate"))
            payoff = np.concatenate([self.lab_payoff, self.state_payoff], axis=1)[:, learners]
            rows, agents = np.arange(len(self.ids))[:, None], learners[None, :]
            played = self.actions(rows, agents).astype(np.int64)
            values = self.action_values[rows, agents, played]
            self.action_values[rows, agents, played] = values + rate * (payoff - values)
        return home_hazard

    def _trigger(self, step: int, run: int, offender: int) -> None:
        """Trigger punishment in one run: the other members leave for `trigger_steps`."""
        length = self._value("trigger_steps", run)
        if length <= 0 or not self.member[run, offender]:
            return
        for state in range(self.n_states):
            if state != offender and self.member[run, state]:
                self.member[run, state] = False
                self.punished_until[run, state] = step + length
                self.events[self.ids[run]].append(
                    Event(step, "leave", self.names[self.n_labs + state], "trigger punishment")
                )

    def _note_crossings(self, step: int, previous_multiplier: np.ndarray) -> None:
        """Threshold crossings (labs, then the pool) and the Sputnik moment, as events."""
        theta = kernel.per_batch(self.inputs.param("rsi_threshold"))
        now = np.concatenate([self.capability, self.open_source[:, None]], axis=1) >= theta
        fresh = now & ~self.crossed
        names = [*self.inputs.structure.lab_names, OPEN_SOURCE]
        for r, actor in zip(*np.nonzero(fresh), strict=True):
            self.events[self.ids[r]].append(Event(step, "threshold crossed", names[actor]))
        first = fresh.any(axis=1) & (self.first_threshold < 0)
        self.first_threshold[first] = step
        self.crossed = self.crossed | now
        for r in np.flatnonzero(self.loss_multiplier > previous_multiplier).tolist():
            self.events[self.ids[r]].append(
                Event(step, "sputnik moment", "", f"perceived loss x{self._value('sputnik', r):g}")
            )

    # ----- runs leaving the batch --------------------------------------------------------
    def _finish(self, runs: np.ndarray, steps_run: int, catastrophe_step: int | None) -> None:
        """Store finished runs' outcomes and drop them from the live arrays."""
        for r in runs.tolist():
            self.finished[self.ids[r]] = self._outcome(r, steps_run, catastrophe_step)
        keep = np.setdiff1d(np.arange(len(self.ids)), runs)
        self.inputs = self.inputs.take(keep)
        self.ids = self.ids[keep]
        for name in RUN_ARRAYS:
            setattr(self, name, getattr(self, name)[keep])

    def _outcome(self, r: int, steps_run: int, catastrophe_step: int | None) -> EnsembleRun:
        first = int(self.first_threshold[r])
        world = kernel.WorldState(
            self.observed[r].copy(),
            np.float64(self.open_source[r]),
            self.world_step,
            np.float64(self.loss_multiplier[r]),
        )
        return EnsembleRun(
            game=self.inputs.games[r],
            point=self.inputs.points[r],
            seed=self.inputs.seeds[r],
            steps=steps_run,
            structure=self._structure(self.inputs.points[r]),
            pausing=self.pausing[r].copy(),
            member=self.member[r].copy(),
            capability=self.capability[r].copy(),
            open_source=float(self.open_source[r]),
            frontiers=self.frontiers[r].copy(),
            lab_total=self.lab_total[r].copy(),
            state_total=self.state_total[r].copy(),
            events=self.events[self.ids[r]],
            hazard_totals=self.hazard_totals[r].copy(),
            survival=float(self.survival[r]),
            first_threshold_step=first if first >= 0 else None,
            catastrophe_step=catastrophe_step,
            planning=world,
            records=self.recorder,
            record_index=int(self.ids[r]),
        )

    def _structure(self, point: int) -> kernel.Structure:
        """A parameter point's own actors (what a single run of it holds), built once."""
        if point not in self._structures:
            game = self.all_inputs.games[self.all_inputs.points.index(point)]
            self._structures[point] = game.structure()
        return self._structures[point]

    def run(self, steps: int, on_step: Callable[[int], None] | None = None) -> list[EnsembleRun]:
        """Advance `steps` months or until every run has ended; every run's outcome, in order."""
        for step in range(1, steps + 1):
            if not len(self.ids):
                break
            self.step(step)
            if on_step is not None:
                on_step(step)
        if len(self.ids):
            self._finish(np.arange(len(self.ids)), self.steps_done, None)
        return [run for run in self.finished if run is not None]


def simulate_runs(
    scenario: Scenario,
    points: Sequence[Mapping[str, object]],
    runs: Sequence[tuple[int, int]],
    steps: int | None = None,
    records: bool = False,
    progress: Progress | None = None,
) -> list[EnsembleRun]:
    """The runs `(point, seed)`, in order; `points[point]` are the run's `--set` overrides.

    Each run's `summary()` and tables are what the Mesa model gives it. `steps` defaults to
    the scenario's; `records` keeps per-step tables (more memory); `progress` is told
    (runs done, runs in all) as the batches advance.
    """
    steps = scenario.steps if steps is None else int(steps)
    used = sorted({p for p, _ in runs})
    games = {p: scenario.with_overrides(dict(points[p])) if points[p] else scenario for p in used}
    batches: dict[tuple, list[int]] = {}
    for position, (p, _) in enumerate(runs):
        batches.setdefault(batch_key(games[p]), []).append(position)
    outcomes: list[EnsembleRun | None] = [None] * len(runs)
    done = 0
    for positions in batches.values():
        for start in range(0, len(positions), BATCH_SIZE):
            chunk = positions[start : start + BATCH_SIZE]
            ensemble = Ensemble(run_inputs(games, [runs[i] for i in chunk]), steps, records)

            def report(step: int, before: int = done, size: int = len(chunk)) -> None:
                if progress is not None:
                    progress(before + size * step // max(steps, 1), len(runs))

            for position, outcome in zip(chunk, ensemble.run(steps, report), strict=True):
                outcomes[position] = outcome
            done += len(chunk)
    if progress is not None:
        progress(done, len(runs))
    return [outcome for outcome in outcomes if outcome is not None]


def simulate_ensemble(
    scenario: Scenario,
    points: Sequence[Mapping[str, object]],
    seeds: Sequence[int],
    steps: int | None = None,
    records: bool = False,
    progress: Progress | None = None,
) -> list[EnsembleRun]:
    """Every (point, seed) run, point-major (see `simulate_runs`)."""
    runs = [(p, int(seed)) for p in range(len(points)) for seed in seeds]
    return simulate_runs(scenario, points, runs, steps, records, progress)


def run_ensemble(
    scenario: Scenario,
    points: Sequence[Mapping[str, object]],
    seeds: Sequence[int],
    steps: int | None = None,
) -> list[dict]:
    """One summary per (point, seed), point-major: the dicts `runs.summarise(model)` gives."""
    return [run.summary() for run in simulate_ensemble(scenario, points, seeds, steps)]
