"""The engine: R runs of one scenario's actors advanced in lockstep, one step at a time.

This is the one implementation of a step (MODEL.md section 2): revision, then growth,
leakage, verification, hazard and payoffs through the kernel, keyed draws for detections,
false alarms and catastrophe, settlement (fines, triggers, learning), threshold crossings
and records. Runs are independent: seeds and parameter points stack along the run axis,
and a run's numbers do not depend on which runs share its batch. A run that ends in a
catastrophe leaves the batch; its records stop at that step.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pausegame.sim import kernel
from pausegame.sim.engine.events import OPEN_SOURCE, Event
from pausegame.sim.engine.inputs import RunInputs
from pausegame.sim.engine.records import Recorder, RunRecord
from pausegame.sim.engine.revision import revise, rule_codes
from pausegame.sim.engine.rules import RULES
from pausegame.sim.engine.state import Runs
from pausegame.sim.randomness import WORLD, Purpose, keyed_normal, keyed_uniform


class Engine:
    """The live runs of one batch and the phases of their step.

    `keep_finished` keeps a finished run readable in the live arrays (the Mesa face reads
    its single run after the end); such a run must not be stepped again.
    """

    def __init__(
        self, inputs: RunInputs, steps: int, records: bool = False, keep_finished: bool = False
    ) -> None:
        self.all_inputs = inputs
        self.runs = Runs(inputs)
        self.recorder = Recorder(self.runs, steps) if records else None
        self.keep_finished = keep_finished
        self.finished: list[RunRecord | None] = [None] * inputs.size
        self.steps_done = 0
        self._structures: dict[int, kernel.Structure] = {}

    def step(self, step: int) -> None:
        """One month for every live run: revise, then the rest of the step."""
        self.runs.memo.clear()
        revise(self.runs, step)
        self.advance(step)

    def advance(self, step: int) -> None:
        """Everything after revision: grow, leak, verify, hazard, pay, settle, record."""
        runs = self.runs
        inputs, structure, params, state = (
            runs.inputs,
            runs.inputs.structure,
            runs.inputs.params,
            runs.state,
        )
        terms = kernel.profile_terms(state.pausing, state.member, structure, params)
        required = terms.required
        seeds = inputs.seed_keys
        lab_keys = np.arange(runs.n_labs)
        # Inspections come first: what others see of a lab depends on whether it was caught.
        detected = keyed_uniform(seeds[:, None], step, lab_keys, Purpose.DETECT) < terms.detection
        false_alarm = (
            keyed_uniform(seeds[:, None], step, lab_keys, Purpose.FALSE_ALARM) < terms.false_alarm
        )
        noise = self._observation_factor(step, required & state.pausing, detected)
        previous_multiplier = state.loss_multiplier
        world = kernel.WorldState(
            state.capability, state.open_source, runs.world_step, state.loss_multiplier
        )
        t = kernel.transition(
            world, state.pausing, state.member, structure, params, observation=noise, terms=terms
        )
        catastrophe = keyed_uniform(seeds, step, WORLD, Purpose.CATASTROPHE) < t.catastrophe
        occurred = catastrophe.astype(np.float64)
        charges = kernel.lab_charges(
            t, detected | false_alarm, occurred, structure, params, previous_multiplier
        )
        lab_pay = kernel.lab_payoff(t, charges)
        state_pay = kernel.state_payoff(t, occurred, structure, previous_multiplier)

        state.capability = t.state.capability
        state.open_source = np.asarray(t.state.open_source, dtype=np.float64)
        runs.world_step = t.state.step
        state.loss_multiplier = np.asarray(t.state.loss_multiplier)
        state.observed = state.capability * noise
        state.frontiers = kernel.state_frontiers(state.capability, structure)
        state.catastrophe_probability = t.catastrophe
        state.survival = state.survival * (1.0 - t.catastrophe)
        state.hazard = t.hazard
        state.hazard_totals = state.hazard_totals + t.hazard
        state.home_hazard = np.where(structure.home, t.hazard[:, None, :-1], 0.0).sum(-1)
        state.violator = required & ~state.pausing
        state.detected, state.false_alarm = detected, false_alarm
        self._settle(step, charges["fines"], lab_pay, state_pay)
        self._note_crossings(step, previous_multiplier)
        for r in np.flatnonzero(catastrophe).tolist():
            worst = [*structure.lab_names, OPEN_SOURCE][int(np.argmax(t.hazard[r]))]
            runs.log(r, Event(step, "catastrophe", worst))
        if self.recorder is not None:
            self.recorder.record(step, runs, catastrophe)
        runs.memo.clear()  # the planning state moved on
        self.steps_done = step
        if catastrophe.any():
            self._finish(np.flatnonzero(catastrophe), step, catastrophe_step=step)

    def _observation_factor(
        self, step: int, verified: np.ndarray, detected: np.ndarray
    ) -> np.ndarray:
        """Multiplicative noise (mean one) on what others see of closed labs not seen exactly.

        Seen exactly: open-weight labs, compliant labs under inspection (`verified`) and
        violators caught this step; an uncaught violator hides its progress like an
        uninspected lab.
        """
        runs = self.runs
        z = keyed_normal(runs.inputs.seed_keys[:, None], step, np.arange(runs.n_labs))
        exact = verified | detected | runs.inputs.structure.open_weights
        return kernel.observation_factor(z, exact, runs.inputs.params)

    def _settle(
        self, step: int, fines: np.ndarray, lab_pay: np.ndarray, state_pay: np.ndarray
    ) -> None:
        """Payoffs, fines (logged as charged) and trigger punishments, then the learning
        rules' update."""
        runs, state = self.runs, self.runs.state
        state.lab_payoff = lab_pay
        state.lab_total = state.lab_total + lab_pay
        home = runs.inputs.structure.lab_state
        for lab in range(runs.n_labs):
            # A false alarm is public and looks like a detection: triggers cannot tell them
            # apart, so both set off the punishment.
            for kind, fined in (
                ("violation detected", state.detected),
                ("false alarm", state.false_alarm),
            ):
                for r in np.flatnonzero(fined[:, lab]).tolist():
                    fine = f"fine {fines[r, lab]:.1f} $B"
                    runs.log(r, Event(step, kind, runs.names[lab], fine))
                    self._trigger(step, r, int(home[lab]))
        state.state_payoff = state_pay
        state.state_total = state.state_total + state_pay
        codes = rule_codes(runs)
        for code, rule in enumerate(RULES.values()):
            followers = np.flatnonzero(codes == code)
            if followers.size:
                rule.observe(runs, followers)

    def _trigger(self, step: int, row: int, offender: int) -> None:
        """Trigger punishment in one run: the other members leave for `trigger_steps`."""
        runs, state = self.runs, self.runs.state
        length = runs.value("trigger_steps", row)
        if length <= 0 or not state.member[row, offender]:
            return
        for k in range(runs.n_states):
            if k != offender and state.member[row, k]:
                state.member[row, k] = False
                state.punished_until[row, k] = step + length
                runs.log(
                    row, Event(step, "leave", runs.names[runs.n_labs + k], "trigger punishment")
                )

    def _note_crossings(self, step: int, previous_multiplier: np.ndarray) -> None:
        """Threshold crossings (labs, then the pool) and the Sputnik moment, as events."""
        runs, state = self.runs, self.runs.state
        theta = kernel.per_batch(runs.param("rsi_threshold"))
        now = np.concatenate([state.capability, state.open_source[:, None]], axis=1) >= theta
        fresh = now & ~state.crossed
        names = [*runs.inputs.structure.lab_names, OPEN_SOURCE]
        for r, actor in zip(*np.nonzero(fresh), strict=True):
            runs.log(r, Event(step, "threshold crossed", names[actor]))
        first = fresh.any(axis=1) & (state.first_threshold < 0)
        state.first_threshold[first] = step
        state.crossed = state.crossed | now
        for r in np.flatnonzero(state.loss_multiplier > previous_multiplier).tolist():
            detail = f"perceived loss x{runs.value('sputnik', r):g}"
            runs.log(r, Event(step, "sputnik moment", "", detail))

    # ----- runs leaving the batch --------------------------------------------------------
    def record(self, row: int, steps_run: int, catastrophe_step: int | None = None) -> RunRecord:
        """The run at live row `row` as it stands, as a record of its own."""
        runs = self.runs
        run_id = int(runs.ids[row])
        return RunRecord(
            game=runs.inputs.games[row],
            point=runs.inputs.points[row],
            seed=runs.inputs.seeds[row],
            steps=steps_run,
            structure=self._structure(runs.inputs.points[row]),
            state=runs.state.take(np.array([row])),
            world_step=runs.world_step,
            events=runs.events[run_id],
            catastrophe_step=catastrophe_step,
            records=self.recorder,
            record_index=run_id,
        )

    def _finish(self, rows: np.ndarray, steps_run: int, catastrophe_step: int | None) -> None:
        """Store finished runs' records and drop them from the live arrays."""
        for r in rows.tolist():
            self.finished[int(self.runs.ids[r])] = self.record(r, steps_run, catastrophe_step)
        if not self.keep_finished:
            self.runs.keep(np.setdiff1d(np.arange(self.runs.size), rows))

    def _structure(self, point: int) -> kernel.Structure:
        """A parameter point's own actors (what a single run of it holds), built once."""
        if point not in self._structures:
            game = self.all_inputs.games[self.all_inputs.points.index(point)]
            self._structures[point] = game.structure()
        return self._structures[point]

    def run(self, steps: int, on_step: Callable[[int], None] | None = None) -> list[RunRecord]:
        """Advance `steps` months or until every run has ended; every run's record, in order."""
        for step in range(1, steps + 1):
            if not self.runs.size:
                break
            self.step(step)
            if on_step is not None:
                on_step(step)
        if self.runs.size:
            self._finish(np.arange(self.runs.size), self.steps_done, None)
        return [run for run in self.finished if run is not None]
