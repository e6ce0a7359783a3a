"""Runs per second of `pausegame sweep` (1 and 2 local workers) beside `mesa.batch_run`.

The same runs for each: the article scenario, 5 values of `verification` x 40 seeds = 200
runs of 60 monthly steps by default. Times are end to end: worker start-up, the runs, and
(for the sweep) writing Parquet parts. Run with

    python -m benchmarks.bench_sweep [--seeds 40] [--steps 60]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
from mesa.batchrunner import batch_run

from pausegame.experiments.sweep import run_sweep
from pausegame.experiments.sweep_spec import parse_sweep_spec
from pausegame.sim.model import PauseModel
from pausegame.sim.scenario import load_scenario

VERIFICATION = [0.0, 0.25, 0.5, 0.75, 1.0]


class BatchPauseModel(PauseModel):
    """The article scenario with `verification` as a keyword, as `mesa.batch_run` builds models."""

    def __init__(self, verification: float = 0.1, rng: int = 0) -> None:
        scenario = load_scenario("article").with_overrides({"verification": verification})
        super().__init__(scenario, seed=rng)


assert issubclass(BatchPauseModel, mesa.Model)


def sweep_spec_text(seeds: int, steps: int) -> str:
    values = ", ".join(f"{v:g}" for v in VERIFICATION)
    return f"steps = {steps}\nseeds = {seeds}\n[grid]\nverification = [{values}]\n"


def time_sweep(seeds: int, steps: int, workers: int) -> tuple[float, pd.DataFrame]:
    """Seconds for the whole sweep, and its rows."""
    spec = parse_sweep_spec(sweep_spec_text(seeds, steps))
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        run_sweep(spec, Path(folder), workers=workers, progress=False)
        seconds = time.perf_counter() - start
        rows = pd.read_parquet(folder)
    return seconds, rows


def time_batch_run(seeds: int, steps: int, processes: int) -> tuple[float, pd.DataFrame]:
    """Seconds for `mesa.batch_run` over the same runs, and its last-step model records."""
    start = time.perf_counter()
    records = batch_run(BatchPauseModel, parameters={"verification": VERIFICATION},
                        number_processes=processes, rng=list(range(seeds)), max_steps=steps,
                        data_collection_period=-1, display_progress=False)
    seconds = time.perf_counter() - start
    frame = pd.DataFrame(records).drop_duplicates("RunId")
    frame["seed"] = frame["iteration"]  # rng[i] is seed i
    return seconds, frame


def agree(sweep: pd.DataFrame, batch: pd.DataFrame) -> bool:
    """Whether both give every run the same cumulative catastrophe probability."""
    key = ["verification", "seed"]
    left = sweep.set_index(key)["cumulative_catastrophe_probability"].sort_index()
    right = batch.set_index(key)["cumulative_catastrophe_probability"].sort_index()
    return left.index.equals(right.index) and bool(np.array_equal(left.to_numpy(),
                                                                  right.to_numpy()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=40, help="seeds per point (default 40)")
    parser.add_argument("--steps", type=int, default=60, help="steps per run (default 60)")
    args = parser.parse_args()
    runs = len(VERIFICATION) * args.seeds
    print(f"{runs} runs of the article scenario ({len(VERIFICATION)} verification values x "
          f"{args.seeds} seeds), {args.steps} steps each; {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    results: dict[str, float] = {}
    frames: dict[str, pd.DataFrame] = {}
    # The sweep first: batch_run switches multiprocessing to `spawn` for the whole process.
    for label, measure, workers in (
        ("pausegame sweep, 1 worker (in-process)", time_sweep, 1),
        ("pausegame sweep, 2 workers (local pool)", time_sweep, 2),
        ("mesa.batch_run, 1 process", time_batch_run, 1),
        ("mesa.batch_run, 2 processes", time_batch_run, 2),
    ):
        seconds, frames[label] = measure(args.seeds, args.steps, workers)
        results[label] = seconds
        print(f"  {label:<42} {seconds:7.1f} s  {runs / seconds:6.2f} runs/s", flush=True)
    one, two, batch_one, batch_two = results.values()
    print("\nratios of runs per second (higher: the first is faster):")
    print(f"  sweep, 1 worker   / batch_run, 1 process:   {batch_one / one:.2f}")
    print(f"  sweep, 2 workers  / batch_run, 2 processes: {batch_two / two:.2f}")
    print(f"  sweep, 2 workers  / sweep, 1 worker:        {one / two:.2f}")
    print(f"  batch_run, 2 proc / batch_run, 1 process:   {batch_one / batch_two:.2f}")
    names = list(results)
    same = all(agree(frames[names[0]], frames[name]) for name in names[1:])
    print(f"\nevery run's cumulative catastrophe probability identical across the four: {same}")


if __name__ == "__main__":
    main()
