"""Batch experiments: expand a sweep spec into runs, execute them, and commit the results.

The three parts stay separate: `sweep_spec` expands a spec into `RunSpec`s, `sweep_engine`
turns chunks of runs into rows on an executor from `sweep_executors`, and
`sweep_store` commits finished rows in atomic batches. `run_sweep` ties them together and
skips every run an earlier, interrupted session already committed.
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pausegame.errors import InputError
from pausegame.experiments.progress import Progress
from pausegame.experiments.sweep_engine import RunOutput, row_schema
from pausegame.experiments.sweep_executors import Task, make_executor
from pausegame.experiments.sweep_spec import SweepSpec
from pausegame.experiments.sweep_store import SweepStore

FLUSH_SECONDS = 30.0


@dataclass(frozen=True)
class SweepResult:
    """What a session of a sweep did: runs found done, runs executed, time taken, where."""

    folder: Path
    total: int
    skipped: int
    ran: int
    seconds: float
    executor: str

    @property
    def complete(self) -> bool:
        return self.skipped + self.ran == self.total


def default_chunk_size(pending: int, capacity: int, batch_size: int = 2000) -> int:
    """Runs per task: an equal share per worker, at most 512 and at most a part file's worth.

    The engine's cost per run falls as it advances more runs together (levelling off at
    several hundred), so tasks are big, yet no bigger than a part, so commits stay as
    frequent as asked.
    """
    return max(1, min(512, batch_size, -(-pending // capacity)))


def default_batch_size(total: int) -> int:
    """Runs per part file: about twenty parts per sweep, each of 100 to 2,000 runs.

    The engine runs a hundred runs in seconds and gets faster the more it batches.
    """
    return max(100, min(2000, total // 20))


def run_sweep(
    spec: SweepSpec,
    out: Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    batch_size: int | None = None,
    chunk_size: int | None = None,
    flush_seconds: float = FLUSH_SECONDS,
    progress: bool = True,
) -> SweepResult:
    """Run every (point, seed) of `spec` not yet committed in `out`; commit rows in batches.

    Runs go to a Dask cluster if `scheduler` is an address, else to `workers` local
    processes (default: one per CPU). A batch is committed when `batch_size` rows are
    waiting or `flush_seconds` have passed, and once more on the way out, even on Ctrl-C.
    """
    if workers is not None and workers < 1:
        raise InputError(f"--workers {workers}: expected at least 1")
    store = SweepStore(out, spec, row_schema(spec))
    store.check()  # a mismatched folder is refused before any worker starts
    started = time.monotonic()
    with make_executor(workers, scheduler) as executor:
        finished = store.open(executor.description)
        if store.model_changed and len(finished) < spec.run_count:
            print(
                f"pausegame: warning: the model's code changed since {out} was started; "
                "its rows will mix two versions (see the sessions in its manifest)",
                file=sys.stderr,
            )
        pending = spec.run_count - len(finished)
        batch = batch_size or default_batch_size(spec.run_count)
        chunk = chunk_size or default_chunk_size(pending, executor.capacity, batch)
        tasks: Iterator[Task] = (
            (spec.scenario_text, runs, spec.traces)
            for runs in itertools.batched(
                (run for run in spec.runs() if run.run_id not in finished), chunk
            )
        )
        bar = Progress(spec.run_count, len(finished), enabled=progress and pending > 0)
        try:
            _execute(executor.results(tasks), store, bar, batch, flush_seconds)
        finally:
            bar.close()
            store.close()
    return SweepResult(
        Path(out),
        spec.run_count,
        len(finished),
        store.manifest["runs_done"] - len(finished),
        time.monotonic() - started,
        executor.description,
    )


def _execute(
    results: Iterator[list[RunOutput]],
    store: SweepStore,
    bar: Progress,
    batch_size: int,
    flush_seconds: float,
) -> None:
    """Commit finished runs as they arrive; whatever is finished is committed on the way out."""
    waiting: list[RunOutput] = []
    last_commit = time.monotonic()
    try:
        for outputs in results:
            waiting.extend(outputs)
            bar.advance(len(outputs))
            if len(waiting) >= batch_size or time.monotonic() - last_commit >= flush_seconds:
                # Hand the batch over before writing: an interrupt during the write can then
                # lose it (to be rerun), but never commit it twice.
                batch, waiting = waiting, []
                store.commit(batch)
                last_commit = time.monotonic()
    finally:
        if waiting:
            store.commit(waiting)
