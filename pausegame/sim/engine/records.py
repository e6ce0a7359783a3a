"""What the engine keeps of its runs: per-step records, and each run's summary and tables.

A `RunRecord` is one run at its end (or as it stands): its summary and its step, agent and
event tables, built as Mesa's DataCollector builds the Mesa model's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pausegame.sim import kernel
from pausegame.sim.engine.events import OPEN_SOURCE, Event
from pausegame.sim.engine.outcome import classify_outcome
from pausegame.sim.engine.state import Runs, RunState
from pausegame.sim.scenario import Scenario

#: Per-step, per-agent columns of the agent table, as the Mesa model's DataCollector names them.
AGENT_COLUMNS = (
    "name", "kind", "home", "action", "capability", "payoff", "total_payoff", "hazard",
    "violator", "detected", "false_alarm",
)  # fmt: skip


class Recorder:
    """Per-step records of every run of a batch: (step, run) and (step, run, agent) arrays.

    Row 0 is the start and row t the end of step t. Agents are labs, states, then the
    open-source pool. The arrays grow when a run goes on past the steps first planned.
    """

    def __init__(self, runs: Runs, steps: int) -> None:
        self.n_states = runs.n_states
        start = self._columns(runs, np.zeros(runs.size, dtype=bool))
        self.steps, self.agents = (
            {
                name: np.zeros((steps + 1, *np.shape(v)), np.asarray(v).dtype)
                for name, v in table.items()
            }
            for table in start
        )
        self._store(0, runs, start)

    def _make_room(self, step: int) -> None:
        rows = len(self.steps["frontier"])
        if step < rows:
            return
        for table in (self.steps, self.agents):
            for name, column in table.items():
                more = np.zeros((max(rows, step + 1 - rows), *column.shape[1:]), column.dtype)
                table[name] = np.concatenate([column, more])

    def record(self, step: int, runs: Runs, catastrophe: np.ndarray) -> None:
        """Store the live runs' state at the end of `step` (0: the start)."""
        self._make_room(step)
        self._store(step, runs, self._columns(runs, catastrophe))

    def _store(self, step: int, runs: Runs, columns: tuple[dict, dict]) -> None:
        for table, values in zip((self.steps, self.agents), columns, strict=True):
            for name, value in values.items():
                table[name][step, runs.ids] = value

    def _columns(self, runs: Runs, catastrophe: np.ndarray) -> tuple[dict, dict]:
        """The live runs' step columns (per run) and agent columns (per run and agent)."""
        state, params = runs.state, runs.inputs.params
        steps = {
            "labs_pausing": state.pausing.sum(axis=1, dtype=np.int64),
            "states_in_treaty": state.member.sum(axis=1, dtype=np.int64),
            "treaty_binding": kernel.treaty_binding(state.member, params),
            "open_source": state.open_source,
            "frontier": state.capability.max(axis=1),
            "catastrophe_probability": state.catastrophe_probability,
            "cumulative_catastrophe_probability": 1.0 - state.survival,
            "loss_multiplier": state.loss_multiplier,
            "catastrophe": catastrophe,
        }
        none = np.zeros((runs.size, self.n_states + 1), dtype=bool)
        zero = np.zeros((runs.size, 1))
        hazard = state.hazard
        agents = {
            "pausing": np.concatenate([state.pausing, state.member, none[:, :1]], axis=1),
            "capability": np.concatenate(
                [state.capability, state.frontiers, state.open_source[:, None]], axis=1
            ),
            "payoff": np.concatenate([state.lab_payoff, state.state_payoff, zero], axis=1),
            "total_payoff": np.concatenate([state.lab_total, state.state_total, zero], axis=1),
            "hazard": np.concatenate([hazard[:, :-1], state.home_hazard, hazard[:, -1:]], axis=1),
            "violator": np.concatenate([state.violator, none], axis=1),
            "detected": np.concatenate([state.detected, none], axis=1),
            "false_alarm": np.concatenate([state.false_alarm, none], axis=1),
        }
        return steps, agents


@dataclass(frozen=True)
class DeciderOutcome:
    """A decision maker at the end of a run, with the fields a summary lists."""

    name: str
    kind: str
    pausing: bool
    capability: float
    total_payoff: float

    @property
    def action(self) -> str:
        return "pause" if self.pausing else "race"


@dataclass(frozen=True)
class RunRecord:
    """One run as it stands (at its end, or now): final state, events and records."""

    game: Scenario
    point: int
    seed: int
    steps: int  # steps run
    structure: kernel.Structure
    state: RunState  # this run's row alone
    world_step: Any
    events: list[Event]
    catastrophe_step: int | None
    records: Recorder | None = None
    record_index: int = 0

    @property
    def pausing(self) -> np.ndarray:
        return self.state.pausing[0]

    @property
    def member(self) -> np.ndarray:
        return self.state.member[0]

    @property
    def survival(self) -> float:
        return float(self.state.survival[0])

    @property
    def first_threshold_step(self) -> int | None:
        first = int(self.state.first_threshold[0])
        return first if first >= 0 else None

    @property
    def deciders(self) -> list[DeciderOutcome]:
        state, structure = self.state, self.structure
        return [
            DeciderOutcome(name, kind, bool(p), float(c), float(total))
            for kind, names, pausing, capability, totals in (
                ("lab", structure.lab_names, state.pausing, state.capability, state.lab_total),
                ("state", structure.state_names, state.member, state.frontiers, state.state_total),
            )
            for name, p, c, total in zip(names, pausing[0], capability[0], totals[0], strict=True)
        ]

    @property
    def outcome(self) -> str:
        """How the run ends (or stands): catastrophe, global or partial pause, or race."""
        structure = self.structure
        return classify_outcome(
            self.catastrophe_step is not None, int(self.pausing.sum()), structure.n_labs,
            int(self.member.sum()), structure.n_states,
        )  # fmt: skip

    def planning_state(self) -> kernel.WorldState:
        """The public view agents plan from (observed capabilities)."""
        state = self.state
        return kernel.WorldState(
            state.observed[0].copy(), np.float64(state.open_source[0]), self.world_step,
            np.float64(state.loss_multiplier[0]),
        )  # fmt: skip

    def summary(self) -> dict:
        """The run's JSON-ready summary: outcome, coalition, crossing, risk, hazard, agents."""
        structure, deciders = self.structure, self.deciders
        names = [*structure.lab_names, OPEN_SOURCE]
        totals = self.state.hazard_totals[0]
        total_hazard = float(totals.sum())
        shares = {
            name: (float(h) / total_hazard if total_hazard > 0 else 0.0)
            for name, h in zip(names, totals, strict=True)
        }
        history = [
            {"step": e.step, "agent": e.agent, "event": e.kind}
            for e in self.events
            if e.kind in ("pause", "race", "join", "leave")
        ]
        return {
            "scenario": self.game.name,
            "seed": self.seed,
            "steps_run": int(self.steps),
            "outcome": self.outcome,
            "final_coalition": [a.name for a in deciders if a.pausing],
            "first_threshold_step": self.first_threshold_step,
            "catastrophe_step": self.catastrophe_step,
            "cumulative_catastrophe_probability": 1.0 - self.survival,
            "hazard_share_by_source": shares,
            "detections": sum(e.kind == "violation detected" for e in self.events),
            "false_alarms": sum(e.kind == "false alarm" for e in self.events),
            "pause_history": history,
            "agents": [
                {
                    "name": a.name, "kind": a.kind, "action": a.action,
                    "capability": a.capability, "total_payoff": a.total_payoff,
                }
                for a in deciders
            ],
        }  # fmt: skip

    def _recorded(self) -> Recorder:
        if self.records is None:
            raise ValueError("this run kept no records: simulate it with records=True")
        return self.records

    def agent_records(self) -> pd.DataFrame:
        """Tidy per-step, per-agent records: one row per step and agent."""
        recorded = self._recorded()
        structure = self.structure
        names = [*structure.lab_names, *structure.state_names, OPEN_SOURCE]
        kinds = ["lab"] * structure.n_labs + ["state"] * structure.n_states + ["open_source"]
        homes = [
            *(structure.state_names[k] for k in structure.lab_state),
            *structure.state_names,
            "",
        ]
        values: dict[str, Any] = {
            name: column[1 : self.steps + 1, self.record_index].tolist()
            for name, column in recorded.agents.items()
        }
        numbers = [values[name] for name in AGENT_COLUMNS[4:]]  # capability .. false_alarm
        rows = [
            (float(s + 1), a + 1, name, kind, home, "pause" if values["pausing"][s][a] else "race",
             *(column[s][a] for column in numbers))
            for s in range(self.steps)
            for a, (name, kind, home) in enumerate(zip(names, kinds, homes, strict=True))
        ]  # fmt: skip
        # Built as Mesa's DataCollector builds it (from an iterator), so the tables match to
        # the dtype, even the odd table of a run of no steps.
        frame = pd.DataFrame.from_records(
            data=iter(rows), columns=["Step", "AgentID", *AGENT_COLUMNS], index=["Step", "AgentID"]
        )
        frame = frame.reset_index().rename(columns={"Step": "step"}).drop(columns=["AgentID"])
        return frame

    def step_records(self) -> pd.DataFrame:
        """One row per step: coalition sizes, open-source pool, hazard, cumulative risk."""
        recorded = self._recorded()
        frame = pd.DataFrame(
            {
                name: column[1 : self.steps + 1, self.record_index].tolist()
                for name, column in recorded.steps.items()
            }
        )
        frame = frame.reset_index(drop=True)
        frame.insert(0, "step", np.arange(1, len(frame) + 1))
        return frame

    def event_records(self) -> pd.DataFrame:
        """The event log as a table."""
        return pd.DataFrame(
            [vars(e) for e in self.events], columns=["step", "kind", "agent", "detail"]
        )
