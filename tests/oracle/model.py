"""Test oracle: the plain scalar Mesa model the engine must equal, run for run and bit for bit.

Labs and states are Mesa agents that revise RACE/PAUSE in a keyed random order; the kernel
moves capabilities, leakage, hazard and payoffs; keyed draws decide detections, false
alarms and catastrophe; a DataCollector and an event log record everything.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from pausegame.sim import kernel
from pausegame.sim.engine.events import OPEN_SOURCE, Event
from pausegame.sim.randomness import WORLD, Purpose, keyed_normal, keyed_uniform
from pausegame.sim.scenario import Scenario
from tests.oracle.actors import DecisionMaker, LabAgent, OpenSourcePool, StateAgent
from tests.oracle.anticipation import settle_own_labs
from tests.oracle.rules import make_rule

#: The per-agent record columns and the agent attribute each one reads.
AGENT_COLUMNS = (
    "name", "kind", "home", "action", "capability", "payoff", "total_payoff", "hazard",
    "violator", "detected", "false_alarm",
)  # fmt: skip
AGENT_ATTRIBUTES = [("last_payoff" if c == "payoff" else c) for c in AGENT_COLUMNS]


class PauseModel(mesa.Model):
    """Labs and states choosing between racing and pausing under a pause treaty."""

    def __init__(self, scenario: Scenario, seed: int = 0) -> None:
        super().__init__(rng=seed)
        self.game = scenario  # (Mesa reserves `scenario` for its own experimental class)
        self.seed = int(seed)
        self.params = scenario.params
        self.structure = scenario.structure()
        self.world = scenario.initial_state()
        self.observed = self.world.capability.copy()
        self.pausing, self.member = (a.copy() for a in scenario.initial_profile())
        self.frontiers = kernel.state_frontiers(self.world.capability, self.structure)
        self.punished_until = np.zeros(self.structure.n_states, dtype=np.int64)
        n_labs = self.structure.n_labs
        self.labs = [
            LabAgent(self, lab.name, i, i, make_rule(rule))
            for i, (lab, rule) in enumerate(zip(scenario.labs, scenario.lab_rules(), strict=True))
        ]
        self.states = [
            StateAgent(self, s.name, k, n_labs + k, make_rule(rule))
            for k, (s, rule) in enumerate(zip(scenario.states, scenario.state_rules(), strict=True))
        ]
        self.pool = OpenSourcePool(self, OPEN_SOURCE, n_labs)
        self.deciders: list[DecisionMaker] = [*self.labs, *self.states]
        self.events: list[Event] = []
        # Lookahead rows of the current planning state; cleared whenever that state changes.
        self._memo: dict[bytes, tuple[np.ndarray, np.ndarray, float]] = {}
        self.last_catastrophe_probability = 0.0
        self.survival = 1.0
        self.catastrophe_step: int | None = None
        self.first_threshold_step: int | None = None
        self.crossed = np.zeros(n_labs + 1, dtype=bool)
        self.hazard_totals = np.zeros(n_labs + 1)  # summed per-step hazard, labs then the pool
        self._step_rows: list[dict] = []  # one per step, from `_step_row`
        self.datacollector = mesa.DataCollector(
            agent_reporters=dict(zip(AGENT_COLUMNS, AGENT_ATTRIBUTES, strict=True))
        )

    def apply_scenario(self, scenario: Scenario) -> None:
        """Continue the run under new parameter values for the same actors (live tweaks)."""
        structure = scenario.structure()
        same_labs = structure.lab_names == self.structure.lab_names
        if not same_labs or structure.state_names != self.structure.state_names:
            raise ValueError("apply_scenario needs the same labs and states as the run")
        self.game, self.params, self.structure = scenario, scenario.params, structure
        self._memo.clear()

    # ----- what decision rules ask of the model -------------------------------------------
    def uniform(self, agent_key: int, purpose: Purpose) -> float:
        """This step's keyed uniform draw for one agent and purpose."""
        return float(keyed_uniform(self.seed, self.steps, agent_key, purpose))

    def decision_makers(self, kind: str) -> list[DecisionMaker]:
        return self.labs if kind == "lab" else self.states

    def planning_state(self) -> kernel.WorldState:
        """The public view agents plan from: observed (noisy where uninspected) capabilities."""
        return kernel.WorldState(
            self.observed, self.world.open_source, self.world.step, self.world.loss_multiplier
        )

    def _lookahead(self, pausing: np.ndarray, member: np.ndarray) -> kernel.Lookahead:
        """Lookahead utilities of a batch of profiles from the planning state, memoised.

        Within a step the planning state is fixed, so each distinct profile is evaluated
        once; the kernel is batch-invariant, so memoised rows equal freshly computed ones.
        """
        n_labs, n_states = self.structure.n_labs, self.structure.n_states
        shape = np.broadcast_shapes(pausing.shape[:-1], member.shape[:-1])
        rows_p = np.broadcast_to(pausing, (*shape, n_labs)).reshape(-1, n_labs)
        rows_m = np.broadcast_to(member, (*shape, n_states)).reshape(-1, n_states)
        keys = [a.tobytes() + b.tobytes() for a, b in zip(rows_p, rows_m, strict=True)]
        missing = list(dict.fromkeys(k for k in keys if k not in self._memo))
        if missing:
            first = {k: i for i, k in reversed(list(enumerate(keys)))}
            index = [first[k] for k in missing]
            fresh = kernel.lookahead(
                self.planning_state(),
                rows_p[index],
                rows_m[index],
                self.structure,
                self.params,
                self.params.lookahead,
                self.params.discount,
            )
            for j, key in enumerate(missing):
                self._memo[key] = (fresh.lab[j], fresh.state[j], fresh.catastrophe[j])
        found = [self._memo[k] for k in keys]
        return kernel.Lookahead(
            np.array([f[0] for f in found]).reshape(*shape, n_labs),
            np.array([f[1] for f in found]).reshape(*shape, n_states),
            np.array([f[2] for f in found]).reshape(shape),
        )

    def lab_utilities(self, lab: int) -> tuple[float, float]:
        """Lab `lab`'s lookahead utility of (RACE, PAUSE), everyone else as they are."""
        profiles = np.repeat(self.pausing[None, :], 2, axis=0)
        profiles[:, lab] = [False, True]
        utility = self._lookahead(profiles, self.member).lab[:, lab]
        return float(utility[0]), float(utility[1])

    def anticipated_lab_response(self, members: np.ndarray, state: int) -> np.ndarray:
        """Each membership row's lab profile after the state's own labs best-respond to it.

        `members` is (M, S); returns (M, L). See `settle_own_labs` for the rule.
        """
        own = np.flatnonzero(self.structure.lab_state == state)
        profiles = np.repeat(self.pausing[None, :], len(members), axis=0)
        in_treaty = members[:, None, None, :]  # one row per candidate profile
        return settle_own_labs(
            profiles, own, lambda candidates: self._lookahead(candidates, in_treaty).lab
        )

    def membership_utilities(self, state: int) -> tuple[float, float]:
        """State `state`'s lookahead utility out of and in the treaty, labs anticipated."""
        members = np.repeat(self.member[None, :], 2, axis=0)
        members[:, state] = [False, True]
        profiles = self.anticipated_lab_response(members, state)
        utility = self._lookahead(profiles, members).state[:, state]
        return float(utility[0]), float(utility[1])

    # ----- one step ----------------------------------------------------------------------
    def step(self) -> None:
        """One month: revise, grow, leak, verify, hazard, pay, Sputnik, record."""
        step = self.steps
        self._revise(step)
        binding = kernel.treaty_binding(self.member, self.params)
        required = kernel.labs_required(self.member, binding, self.structure)
        lab_keys = np.arange(self.structure.n_labs)
        # Inspections before anything is seen: a caught violator is seen as it is.
        detection = kernel.detection_probability(
            required, self.pausing, self.structure, self.params
        )
        false_odds = kernel.false_alarm_probability(required, self.pausing, self.params)
        detected = keyed_uniform(self.seed, step, lab_keys, Purpose.DETECT) < detection
        false_alarm = keyed_uniform(self.seed, step, lab_keys, Purpose.FALSE_ALARM) < false_odds
        noise = self._observation_factor(step, required, detected)
        previous_multiplier = self.world.loss_multiplier
        t = kernel.transition(
            self.world, self.pausing, self.member, self.structure, self.params, observation=noise
        )
        catastrophe = bool(
            keyed_uniform(self.seed, step, WORLD, Purpose.CATASTROPHE) < t.catastrophe
        )
        charges = kernel.lab_charges(
            t,
            detected | false_alarm,
            float(catastrophe),
            self.structure,
            self.params,
            previous_multiplier,
        )
        lab_pay = kernel.lab_payoff(t, charges)
        state_pay = kernel.state_payoff(t, float(catastrophe), self.structure, previous_multiplier)

        self.world = t.state
        self.observed = t.state.capability * noise
        self._memo.clear()
        self.frontiers = kernel.state_frontiers(self.world.capability, self.structure)
        self.last_catastrophe_probability = float(t.catastrophe)
        self.survival *= 1.0 - float(t.catastrophe)
        self.hazard_totals += t.hazard
        self._settle(step, t, required, detected, false_alarm, lab_pay, state_pay)
        self._note_crossings(step, previous_multiplier)
        if catastrophe:
            self.catastrophe_step = step
            self.events.append(Event(step, "catastrophe", self._worst_source(t.hazard)))
            self.running = False
        self._step_rows.append(self._step_row())
        self.datacollector.collect(self)

    def _step_row(self) -> dict:
        """The step table's row: coalitions, treaty, pool, frontier, risk, Sputnik, catastrophe."""
        return {
            "labs_pausing": int(self.pausing.sum()),
            "states_in_treaty": int(self.member.sum()),
            "treaty_binding": bool(kernel.treaty_binding(self.member, self.params)),
            "open_source": float(self.world.open_source),
            "frontier": float(self.world.capability.max()),
            "catastrophe_probability": self.last_catastrophe_probability,
            "cumulative_catastrophe_probability": 1.0 - self.survival,
            "loss_multiplier": float(self.world.loss_multiplier),
            "catastrophe": self.catastrophe_step is not None,
        }

    def _revise(self, step: int) -> None:
        keys = np.array([agent.key for agent in self.deciders])
        order = np.argsort(keyed_uniform(self.seed, step, keys, Purpose.ORDER), kind="stable")
        revises = keyed_uniform(self.seed, step, keys, Purpose.REVISE) < self.params.revision_rate
        for position in order:
            agent = self.deciders[position]
            if agent.kind == "state" and self.punished_until[agent.index] >= step:
                continue
            if revises[position] and agent.revise():
                verb = (
                    ("pause" if agent.pausing else "race")
                    if agent.kind == "lab"
                    else ("join" if agent.pausing else "leave")
                )
                self.events.append(Event(step, verb, agent.name))

    def _observation_factor(
        self, step: int, required: np.ndarray, detected: np.ndarray
    ) -> np.ndarray:
        """Multiplicative noise (mean one) on what others see of each lab.

        A lab is seen exactly if its weights are open, or it is inspected and pausing, or it
        was caught violating this step; an uncaught violator is seen through the noise.
        """
        z = keyed_normal(self.seed, step, np.arange(self.structure.n_labs))
        exact = np.zeros(self.structure.n_labs, dtype=bool)
        for i in range(self.structure.n_labs):
            inspected_and_compliant = bool(required[i]) and bool(self.pausing[i])
            exact[i] = (
                bool(self.structure.open_weights[i]) or inspected_and_compliant or bool(detected[i])
            )
        return kernel.observation_factor(z, exact, self.params)

    def _settle(self, step, t, required, detected, false_alarm, lab_pay, state_pay) -> None:
        violators = required & ~self.pausing
        for lab in self.labs:
            i = lab.index
            lab.violator, lab.detected = bool(violators[i]), bool(detected[i])
            lab.false_alarm, lab.hazard = bool(false_alarm[i]), float(t.hazard[i])
            lab.last_payoff = float(lab_pay[i])
            lab.total_payoff += lab.last_payoff
            fine = f"fine {self.params.fine * (12.0 * float(t.revenue[i])):.1f} $B"  # as charged
            if lab.detected:
                self.events.append(Event(step, "violation detected", lab.name, fine))
                self._trigger(step, self.structure.lab_state[i])
            if lab.false_alarm:
                # Public, and to other states indistinguishable from a detection.
                self.events.append(Event(step, "false alarm", lab.name, fine))
                self._trigger(step, self.structure.lab_state[i])
        home_hazard = np.where(self.structure.home, t.hazard[None, :-1], 0.0).sum(-1)
        for state in self.states:
            state.hazard = float(home_hazard[state.index])
            state.last_payoff = float(state_pay[state.index])
            state.total_payoff += state.last_payoff
        self.pool.hazard = float(t.hazard[-1])
        for agent in self.deciders:
            agent.rule.observe(agent, agent.last_payoff)

    def _trigger(self, step: int, offender_state: int) -> None:
        """Trigger punishment: the other members leave the treaty for `trigger_steps` steps."""
        if self.params.trigger_steps <= 0 or not self.member[offender_state]:
            return
        for state in self.states:
            if state.index != offender_state and state.pausing:
                state.pausing = False
                self.punished_until[state.index] = step + self.params.trigger_steps
                self.events.append(Event(step, "leave", state.name, "trigger punishment"))

    def _note_crossings(self, step: int, previous_multiplier: float) -> None:
        theta = self.params.rsi_threshold
        now = np.append(self.world.capability, self.world.open_source) >= theta
        names = [*self.structure.lab_names, OPEN_SOURCE]
        for i in np.flatnonzero(now & ~self.crossed):
            self.events.append(Event(step, "threshold crossed", names[i]))
            if self.first_threshold_step is None:
                self.first_threshold_step = step
        self.crossed |= now
        if self.world.loss_multiplier > previous_multiplier:
            self.events.append(
                Event(step, "sputnik moment", "", f"perceived loss x{self.params.sputnik:g}")
            )

    def _worst_source(self, hazards: np.ndarray) -> str:
        names = [*self.structure.lab_names, OPEN_SOURCE]
        return names[int(np.argmax(hazards))]

    # ----- results -----------------------------------------------------------------------
    def agent_records(self) -> pd.DataFrame:
        """Tidy per-step, per-agent records: one row per step and agent."""
        frame = self.datacollector.get_agent_vars_dataframe().reset_index()
        frame = frame.rename(columns={"Step": "step"}).drop(columns=["AgentID"])
        return frame

    def step_records(self) -> pd.DataFrame:
        """One row per step: coalition sizes, open-source pool, hazard, cumulative risk."""
        columns = {name: [row[name] for row in self._step_rows] for name in self._step_row()}
        return pd.DataFrame({"step": np.arange(1, len(self._step_rows) + 1), **columns})

    def event_records(self) -> pd.DataFrame:
        """The event log as a table."""
        return pd.DataFrame(
            [vars(e) for e in self.events], columns=["step", "kind", "agent", "detail"]
        )
