"""Executing a sweep's runs: a chunk of runs through the engine, one result row per run.

`execute_chunk` is the unit of work: a top-level, picklable function of (scenario text,
runs, traces) whose rows depend on nothing else, so a run gives the same row in any
process, on any machine, in any chunk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from functools import cache, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import NamedTuple

import pandas as pd
import pyarrow as pa

from pausegame.experiments.sweep_spec import RunSpec, SweepSpec, base_scenario, override_kind
from pausegame.sim.engine import OPEN_SOURCE, simulate_runs
from pausegame.sim.scenario import Scenario

#: Result columns of every run row, after the run id, the point id and the parameters.
RESULT_COLUMNS: dict[str, pa.DataType] = {
    "seed": pa.int64(),
    "scenario": pa.string(),
    "steps": pa.int64(),
    "steps_run": pa.int64(),
    "outcome": pa.string(),
    "first_threshold_step": pa.int64(),
    "catastrophe_step": pa.int64(),
    "cumulative_catastrophe_probability": pa.float64(),
    "coalition_size": pa.int64(),
    "labs_pausing": pa.int64(),
    "states_in_treaty": pa.int64(),
    "coalition": pa.string(),
    "welfare_labs": pa.float64(),
    "welfare_states": pa.float64(),
    "open_source_hazard_share": pa.float64(),
    "detections": pa.int64(),
    "false_alarms": pa.int64(),
}
#: Integer columns that are empty when the event never happened.
NULLABLE_COLUMNS = ("first_threshold_step", "catastrophe_step")
#: Separator of the names in the `coalition` column.
COALITION_SEPARATOR = "; "


class RunOutput(NamedTuple):
    """One finished run: its row, and its per-step records when traces are kept."""

    row: dict
    trace: pd.DataFrame | None


@lru_cache(maxsize=4)
def _base(scenario: str) -> Scenario:
    # Workers see the same scenario text for every run of a sweep: parse it once.
    return base_scenario(scenario)


def summary_row(summary: dict, overrides: Mapping[str, float | int], seed: int, steps: int) -> dict:
    """A run's result row from its summary (the dict `runs.summarise` gives): any engine that
    produces such summaries produces the same rows."""
    labs = [a for a in summary["agents"] if a["kind"] == "lab"]
    states = [a for a in summary["agents"] if a["kind"] == "state"]
    return {
        **overrides,
        "seed": seed,
        "scenario": summary["scenario"],
        "steps": steps,
        "steps_run": summary["steps_run"],
        "outcome": summary["outcome"],
        "first_threshold_step": summary["first_threshold_step"],
        "catastrophe_step": summary["catastrophe_step"],
        "cumulative_catastrophe_probability": summary["cumulative_catastrophe_probability"],
        "coalition_size": len(summary["final_coalition"]),
        "labs_pausing": sum(a["action"] == "pause" for a in labs),
        "states_in_treaty": sum(a["action"] == "pause" for a in states),
        "coalition": COALITION_SEPARATOR.join(summary["final_coalition"]),
        "welfare_labs": float(sum(a["total_payoff"] for a in labs)),
        "welfare_states": float(sum(a["total_payoff"] for a in states)),
        "open_source_hazard_share": summary["hazard_share_by_source"].get(OPEN_SOURCE, 0.0),
        "detections": summary["detections"],
        "false_alarms": summary["false_alarms"],
        **{f"pausing.{a['name']}": a["action"] == "pause" for a in summary["agents"]},
    }


def execute_chunk(scenario: str, runs: Sequence[RunSpec], traces: bool) -> list[RunOutput]:
    """The task a worker runs: a chunk of runs advanced together through the engine.

    `scenario` is a built-in name or a scenario's TOML text. A run's row depends only on
    the scenario, its overrides and its seed, never on the other runs of its chunk.
    """
    points: dict[int, int] = {}  # point id -> index in `overrides`
    overrides: list[Mapping[str, float | int]] = []
    for run in runs:
        if run.point_id not in points:
            points[run.point_id] = len(overrides)
            overrides.append(run.overrides)
    outputs: dict[int, RunOutput] = {}
    for steps in sorted({run.steps for run in runs}):
        chunk = [run for run in runs if run.steps == steps]
        pairs = [(points[run.point_id], run.seed) for run in chunk]
        finished = simulate_runs(_base(scenario), overrides, pairs, steps, records=traces)
        for run, result in zip(chunk, finished, strict=True):
            trace = result.step_records() if traces else None
            if trace is not None:
                trace.insert(0, "run_id", run.run_id)
            row = summary_row(result.summary(), run.overrides, run.seed, run.steps)
            outputs[run.run_id] = RunOutput(
                {"run_id": run.run_id, "point_id": run.point_id, **row}, trace
            )
    return [outputs[run.run_id] for run in runs]


#: The source that decides a run's row: the model, its agents, and how a run is summarised.
MODEL_SOURCES = ("sim", "experiments/sweep_engine.py")


@cache
def model_fingerprint() -> str:
    """A hash of the source code that decides a run's row, to tell model versions apart."""
    digest = hashlib.sha256()
    root = resources.files("pausegame")
    for name in MODEL_SOURCES:
        for path, source in sorted(_python_files(root.joinpath(name), name)):
            digest.update(f"{path}\n".encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()


def _python_files(item: Traversable, path: str) -> Iterator[tuple[str, Traversable]]:
    """Every `.py` file under `item` (itself if a file), with its path under the package."""
    if item.is_file():
        yield path, item
        return
    for child in item.iterdir():
        if child.is_dir() or child.name.endswith(".py"):
            yield from _python_files(child, f"{path}/{child.name}")


def row_schema(spec: SweepSpec) -> pa.Schema:
    """The Parquet schema of a sweep's rows: ids, parameters, results, final actions."""
    parameters = [
        pa.field(key, pa.int64() if override_kind(key) is int else pa.float64(), nullable=False)
        for key in spec.parameters
    ]
    actors = [*(lab.name for lab in spec.base.labs), *(s.name for s in spec.base.states)]
    return pa.schema(
        [
            pa.field("run_id", pa.int64(), nullable=False),
            pa.field("point_id", pa.int64(), nullable=False),
            *parameters,
            *(
                pa.field(name, kind, nullable=name in NULLABLE_COLUMNS)
                for name, kind in RESULT_COLUMNS.items()
            ),
            *(pa.field(f"pausing.{name}", pa.bool_(), nullable=False) for name in actors),
        ]
    )
