"""Runs per second of `pausegame sweep` (1 and 2 local workers) beside `mesa.batch_run`.

`mesa.batch_run` builds one `PauseModel` (the engine's Mesa face) per run; the sweep
advances chunks of runs together through the batched engine.

The same runs for each: the article scenario, 5 values of `verification` x 40 seeds = 200
runs of 60 monthly steps by default. Times are end to end: worker start-up, the runs, and
(for the sweep) writing Parquet parts. Wall-clock rates need an otherwise idle machine;
CPU seconds per run (this process and its finished child processes) are printed as well,
as they say what each run costs even when other work shares the CPUs. Run with

    python -m benchmarks.bench_sweep [--seeds 40] [--steps 60]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from collections.abc import Callable
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


def cpu_seconds() -> float:
    """CPU time of this process and of its child processes that have finished."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(work: Callable[[], pd.DataFrame]) -> tuple[float, float, pd.DataFrame]:
    """(wall seconds, CPU seconds, result) of `work()`."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = work()
    return time.perf_counter() - wall, cpu_seconds() - cpu, result


def sweep_spec_text(seeds: int, steps: int) -> str:
    values = ", ".join(f"{v:g}" for v in VERIFICATION)
    return f"steps = {steps}\nseeds = {seeds}\n[grid]\nverification = [{values}]\n"


def sweep_rows(seeds: int, steps: int, workers: int) -> pd.DataFrame:
    """Run the sweep into a temporary folder and read its rows back."""
    spec = parse_sweep_spec(sweep_spec_text(seeds, steps))
    with tempfile.TemporaryDirectory() as folder:
        run_sweep(spec, Path(folder), workers=workers, progress=False)
        return pd.read_parquet(folder)


def batch_run_rows(seeds: int, steps: int, processes: int) -> pd.DataFrame:
    """`mesa.batch_run` over the same runs: one row per run, from the last step's records."""
    records = batch_run(
        BatchPauseModel,
        parameters={"verification": VERIFICATION},
        number_processes=processes,
        rng=list(range(seeds)),
        max_steps=steps,
        data_collection_period=-1,
        display_progress=False,
    )
    frame = pd.DataFrame(records).drop_duplicates("RunId")
    return frame.assign(seed=frame["iteration"])  # rng[i] is seed i


def agree(sweep: pd.DataFrame, batch: pd.DataFrame) -> bool:
    """Whether both give every run the same cumulative catastrophe probability."""
    key = ["verification", "seed"]
    left = sweep.set_index(key)["cumulative_catastrophe_probability"].sort_index()
    right = batch.set_index(key)["cumulative_catastrophe_probability"].sort_index()
    return left.index.equals(right.index) and bool(
        np.array_equal(left.to_numpy(), right.to_numpy())
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=40, help="seeds per point (default 40)")
    parser.add_argument("--steps", type=int, default=60, help="steps per run (default 60)")
    args = parser.parse_args()
    runs = len(VERIFICATION) * args.seeds
    print(
        f"{runs} runs of the article scenario ({len(VERIFICATION)} verification values x "
        f"{args.seeds} seeds), {args.steps} steps each; {os.cpu_count()} CPUs; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}
    frames: dict[str, pd.DataFrame] = {}
    print(f"  {'':<46} {'wall s':>8} {'runs/s':>7} {'CPU s/run':>10}")
    # The sweep first: batch_run switches multiprocessing to `spawn` for the whole process.
    for label, rows, workers in (
        ("pausegame sweep, 1 worker (in-process)", sweep_rows, 1),
        ("pausegame sweep, 2 workers (local pool)", sweep_rows, 2),
        ("mesa.batch_run, 1 process", batch_run_rows, 1),
        ("mesa.batch_run, 2 processes", batch_run_rows, 2),
    ):
        wall[label], cpu[label], frames[label] = measure(
            lambda rows=rows, workers=workers: rows(args.seeds, args.steps, workers)
        )
        print(
            f"  {label:<46} {wall[label]:8.1f} {runs / wall[label]:7.2f} {cpu[label] / runs:10.3f}",
            flush=True,
        )
    one, two, batch_one, batch_two = wall.values()
    print("ratios of runs per second, wall clock (above 1: the first is faster):")
    print(f"  sweep, 1 worker   / batch_run, 1 process:   {batch_one / one:.2f}")
    print(f"  sweep, 2 workers  / batch_run, 2 processes: {batch_two / two:.2f}")
    print(f"  sweep, 2 workers  / sweep, 1 worker:        {one / two:.2f}")
    print(f"  batch_run, 2 proc / batch_run, 1 process:   {batch_one / batch_two:.2f}")
    one, two, batch_one, batch_two = cpu.values()
    print("ratios of CPU seconds per run (above 1: the first costs less):")
    print(f"  sweep, 1 worker   / batch_run, 1 process:   {batch_one / one:.2f}")
    print(f"  sweep, 2 workers  / batch_run, 2 processes: {batch_two / two:.2f}")
    names = list(wall)
    same = all(agree(frames[names[0]], frames[name]) for name in names[1:])
    print(f"\nevery run's cumulative catastrophe probability identical across all four: {same}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
