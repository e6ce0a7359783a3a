"""What an ensemble keeps of its runs: per-step records, and each finished run's outcome.

An `EnsembleRun` offers what `runs.summarise` and the Mesa model's tables read, so a run
from the ensemble is summarised and tabulated by the same code as a Mesa run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pausegame.experiments.runs import summarise
from pausegame.sim import kernel
from pausegame.sim.model import OPEN_SOURCE, Event
from pausegame.sim.scenario import Scenario

if TYPE_CHECKING:
    from pausegame.sim.ensemble import Ensemble

#: Per-step, per-run columns of the step table, as the Mesa model's DataCollector names them.
STEP_COLUMNS = (
    "labs_pausing",
    "states_in_treaty",
    "treaty_binding",
    "open_source",
    "frontier",
    "catastrophe_probability",
    "cumulative_catastrophe_probability",
    "loss_multiplier",
    "catastrophe",
)
#: Per-step, per-agent columns of the agent table.
AGENT_COLUMNS = (
    "name",
    "kind",
    "home",
    "action",
    "capability",
    "payoff",
    "total_payoff",
    "hazard",
    "violator",
    "detected",
    "false_alarm",
)
_AGENT_NUMBERS = {
    "pausing": bool,
    "capability": float,
    "payoff": float,
    "total_payoff": float,
    "hazard": float,
    "violator": bool,
    "detected": bool,
    "false_alarm": bool,
}
_STEP_TYPES = {
    "labs_pausing": np.int64,
    "states_in_treaty": np.int64,
    "treaty_binding": bool,
    "catastrophe": bool,
}


class Recorder:
    """Per-step records of every run of a batch: (step, run) and (step, run, agent) arrays.

    Agents are in the Mesa model's order: labs, states, then the open-source pool.
    """

    def __init__(self, runs: int, steps: int, n_labs: int, n_states: int) -> None:
        agents = n_labs + n_states + 1
        self.n_labs, self.n_states = n_labs, n_states
        self.steps = {
            name: np.zeros((steps, runs), dtype=_STEP_TYPES.get(name, np.float64))
            for name in STEP_COLUMNS
        }
        self.agents = {
            name: np.zeros((steps, runs, agents), dtype=kind)
            for name, kind in _AGENT_NUMBERS.items()
        }

    def record(
        self,
        step: int,
        ens: Ensemble,
        t: kernel.Transition,
        violators: np.ndarray,
        detected: np.ndarray,
        false_alarm: np.ndarray,
        home_hazard: np.ndarray,
        catastrophe: np.ndarray,
    ) -> None:
        """Store the live runs' state at the end of `step` (what the Mesa model collects)."""
        at = (step - 1, ens.ids)
        columns = {
            "labs_pausing": ens.pausing.sum(axis=1),
            "states_in_treaty": ens.member.sum(axis=1),
            "treaty_binding": kernel.treaty_binding(ens.member, ens.inputs.params),
            "open_source": ens.open_source,
            "frontier": ens.capability.max(axis=1),
            "catastrophe_probability": t.catastrophe,
            "cumulative_catastrophe_probability": 1.0 - ens.survival,
            "loss_multiplier": ens.loss_multiplier,
            "catastrophe": catastrophe,
        }
        for name, values in columns.items():
            self.steps[name][at] = values
        n, none = len(ens.ids), np.zeros((len(ens.ids), self.n_states + 1), dtype=bool)
        zero = np.zeros((n, 1))
        agents = {
            "pausing": np.concatenate([ens.pausing, ens.member, none[:, :1]], axis=1),
            "capability": np.concatenate(
                [ens.capability, ens.frontiers, ens.open_source[:, None]], axis=1
            ),
            "payoff": np.concatenate([ens.lab_payoff, ens.state_payoff, zero], axis=1),
            "total_payoff": np.concatenate([ens.lab_total, ens.state_total, zero], axis=1),
            "hazard": np.concatenate([t.hazard[:, :-1], home_hazard, t.hazard[:, -1:]], axis=1),
            "violator": np.concatenate([violators, none], axis=1),
            "detected": np.concatenate([detected, none], axis=1),
            "false_alarm": np.concatenate([false_alarm, none], axis=1),
        }
        for name, values in agents.items():
            self.agents[name][at] = values


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
class EnsembleRun:
    """One finished run of an ensemble: its final state, totals, events and records."""

    game: Scenario
    point: int
    seed: int
    steps: int
    structure: kernel.Structure
    pausing: np.ndarray  # (L,) bool
    member: np.ndarray  # (S,) bool
    capability: np.ndarray  # (L,)
    open_source: float
    frontiers: np.ndarray  # (S,)
    lab_total: np.ndarray  # (L,)
    state_total: np.ndarray  # (S,)
    events: list[Event]
    hazard_totals: np.ndarray  # (L + 1,) summed per-step hazard, labs then the pool
    survival: float
    first_threshold_step: int | None
    catastrophe_step: int | None
    planning: kernel.WorldState
    records: Recorder | None = None
    record_index: int = 0

    @property
    def deciders(self) -> list[DeciderOutcome]:
        labs = [
            DeciderOutcome(name, "lab", bool(p), float(c), float(total))
            for name, p, c, total in zip(
                self.structure.lab_names, self.pausing, self.capability, self.lab_total, strict=True
            )
        ]
        states = [
            DeciderOutcome(name, "state", bool(p), float(c), float(total))
            for name, p, c, total in zip(
                self.structure.state_names,
                self.member,
                self.frontiers,
                self.state_total,
                strict=True,
            )
        ]
        return [*labs, *states]

    def summary(self) -> dict:
        """The run's summary, as `runs.summarise` gives it for a Mesa model."""
        return summarise(self)  # type: ignore[arg-type]

    def planning_state(self) -> kernel.WorldState:
        """The public view agents plan from at the end (observed capabilities)."""
        return self.planning

    def _recorded(self) -> Recorder:
        if self.records is None:
            raise ValueError("this ensemble kept no records: simulate it with records=True")
        return self.records

    def agent_records(self) -> pd.DataFrame:
        """Tidy per-step, per-agent records, as `PauseModel.agent_records()` gives them."""
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
            name: column[: self.steps, self.record_index].tolist()
            for name, column in recorded.agents.items()
        }
        rows = []
        for s in range(self.steps):
            for a, (name, kind, home) in enumerate(zip(names, kinds, homes, strict=True)):
                rows.append(
                    (
                        float(s + 1),
                        a + 1,
                        name,
                        kind,
                        home,
                        "pause" if values["pausing"][s][a] else "race",
                        values["capability"][s][a],
                        values["payoff"][s][a],
                        values["total_payoff"][s][a],
                        values["hazard"][s][a],
                        values["violator"][s][a],
                        values["detected"][s][a],
                        values["false_alarm"][s][a],
                    )
                )
        # Built as Mesa's DataCollector builds it (from an iterator), so the tables match to
        # the dtype, even the odd table of a run of no steps.
        frame = pd.DataFrame.from_records(
            data=iter(rows), columns=["Step", "AgentID", *AGENT_COLUMNS], index=["Step", "AgentID"]
        )
        frame = frame.reset_index().rename(columns={"Step": "step"}).drop(columns=["AgentID"])
        return frame

    def step_records(self) -> pd.DataFrame:
        """One row per step, as `PauseModel.step_records()` gives them."""
        recorded = self._recorded()
        frame = pd.DataFrame(
            {
                name: column[: self.steps, self.record_index].tolist()
                for name, column in recorded.steps.items()
            }
        )
        frame = frame.reset_index(drop=True)
        frame.insert(0, "step", np.arange(1, len(frame) + 1))
        return frame

    def event_records(self) -> pd.DataFrame:
        """The event log as a table, as `PauseModel.event_records()` gives it."""
        return pd.DataFrame(
            [vars(e) for e in self.events], columns=["step", "kind", "agent", "detail"]
        )
