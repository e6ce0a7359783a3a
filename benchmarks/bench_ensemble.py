"""Runs per second of the ensemble engine beside the Mesa model, and memory per run.

Two workloads of the article scenario, 120 monthly steps per run by default: 1,000 seeds
at the scenario's parameters, and a 12 x 12 grid of verification x leak_pause with 10
seeds per point (1,440 runs). The ensemble engine runs every run; the Mesa model runs an
evenly spread sample (20 runs by default) and its rate is extrapolated from the sample.
The sampled runs' summaries are checked equal between the engines. Memory is the
tracemalloc peak of a separate ensemble pass over the first workload, divided by its runs.
Run with

    python -m benchmarks.bench_ensemble [--runs 1000] [--grid 12] [--seeds 10] [--steps 120]
"""

from __future__ import annotations

import argparse
import itertools
import os
import time
import tracemalloc

import numpy as np
from pausegame.sim.ensemble import BATCH_SIZE, simulate_ensemble
from pausegame.sim.ensemble_records import Recorder

from pausegame.experiments.runs import simulate, summarise
from pausegame.sim.scenario import Scenario, load_scenario


def grid_points(size: int) -> list[dict[str, float]]:
    """size x size points: verification over [0, 1], leak_pause over [0, 0.3]."""
    return [
        {"verification": float(v), "leak_pause": float(leak)}
        for v, leak in itertools.product(np.linspace(0, 1, size), np.linspace(0, 0.3, size))
    ]


def compare(
    label: str, scenario: Scenario, points: list[dict], seeds: range, steps: int, sample: int
) -> None:
    """Time both engines on one workload and print runs per second and their ratio."""
    runs = len(points) * len(seeds)
    start, cpu = time.perf_counter(), time.process_time()
    outcomes = simulate_ensemble(scenario, points, seeds, steps)
    ensemble_seconds = time.perf_counter() - start
    ensemble_cpu = time.process_time() - cpu
    picked = np.unique(np.linspace(0, runs - 1, min(sample, runs)).round().astype(int))
    start, cpu = time.perf_counter(), time.process_time()
    identical = True
    for index in picked.tolist():
        run = outcomes[index]
        point = points[run.point]
        model = simulate(scenario.with_overrides(point) if point else scenario, run.seed, steps)
        identical &= summarise(model) == run.summary()
    mesa_seconds = time.perf_counter() - start
    mesa_cpu = time.process_time() - cpu
    ensemble_rate = runs / ensemble_seconds
    mesa_rate = len(picked) / mesa_seconds
    print(f"\n{label}: {runs:,} runs x {steps} steps")
    print(
        f"  ensemble engine  {ensemble_rate:9.1f} runs/s   ({ensemble_seconds:6.1f} s for all "
        f"{runs:,} runs)"
    )
    print(
        f"  Mesa model       {mesa_rate:9.2f} runs/s   ({mesa_seconds:6.1f} s for a sample of "
        f"{len(picked)}; {runs / mesa_rate:,.0f} s extrapolated to all {runs:,})"
    )
    print(
        f"  ratio            {ensemble_rate / mesa_rate:9.1f} x   (by CPU time, which other "
        f"programs disturb less: {(runs / ensemble_cpu) / (len(picked) / mesa_cpu):.1f} x)"
    )
    print(f"  sampled summaries identical in both engines: {identical}", flush=True)


def memory(scenario: Scenario, seeds: range, steps: int) -> None:
    """tracemalloc peak of one ensemble pass (summaries only), per run; records' size."""
    tracemalloc.start()
    simulate_ensemble(scenario, [{}], seeds, steps)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    structure = scenario.structure()
    recorder = Recorder(1, steps, structure.n_labs, structure.n_states)
    kept = sum(a.nbytes for a in (*recorder.steps.values(), *recorder.agents.values()))
    print(
        f"\nmemory: tracemalloc peak {peak / 2**20:.1f} MiB for {len(seeds):,} runs x {steps} "
        f"steps = {peak / len(seeds) / 1024:.1f} KiB per run (summaries only; batches of at "
        f"most {BATCH_SIZE:,} runs)"
    )
    print(f"  keeping per-step records adds {kept / 1024:.1f} KiB per run")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1000, help="article seeds (default 1000)")
    parser.add_argument("--grid", type=int, default=12, help="grid side (default 12)")
    parser.add_argument("--seeds", type=int, default=10, help="seeds per grid point (default 10)")
    parser.add_argument("--steps", type=int, default=120, help="steps per run (default 120)")
    parser.add_argument(
        "--mesa-sample", type=int, default=20, help="Mesa runs timed per workload (default 20)"
    )
    args = parser.parse_args()
    article = load_scenario("article")
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}; one process")
    compare("article scenario", article, [{}], range(args.runs), args.steps, args.mesa_sample)
    compare(
        f"{args.grid} x {args.grid} grid of verification x leak_pause, {args.seeds} seeds",
        article,
        grid_points(args.grid),
        range(args.seeds),
        args.steps,
        args.mesa_sample,
    )
    memory(article, range(args.runs), args.steps)


if __name__ == "__main__":
    main()
