"""Runs per second of a 1,024-run Sobol design on the local pool, beside a plain sweep of
the same runs, and what ordering the design by the engine's batch keys buys.

The design: 6 assumed parameters (two of them values the engine batches on: lookahead and
share_exponent), 64 base samples, so 64 x (6 + 2) = 512 points x 2 seeds = 1,024 runs of
the article scenario, 60 months each, on a pool of 2 workers. Three timings, end to end:

- `pausegame sensitivity`: the sweep of the design plus reading it back, the Sobol analysis
  of 8 outputs with bootstrap intervals, and writing samples, outputs and indices;
- a plain sweep of exactly the same runs (the design's `DesignSpec` through `run_sweep`);
- with `--unsorted`, the same points in SALib's own row order rather than sorted by batch
  key (each point then tends to advance alone: several times slower).

Run with `python -m benchmarks.bench_sensitivity [--workers 2] [--steps 60]`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from benchmarks.bench_sweep import cpu_seconds
from pausegame.experiments.sensitivity import run_sensitivity
from pausegame.experiments.sensitivity_space import design_spec
from pausegame.experiments.sensitivity_spec import parse_sensitivity_spec
from pausegame.experiments.sweep import run_sweep

UNSORTED = "the same points in SALib's order (unsorted)"
SPEC = """
scenario = "article"
steps = {steps}
seeds = 2
method = "sobol"
samples = 64
seed = 1
parameters = ["hazard_max", "fine", "leak_base", "logit_beta", "share_exponent", "lookahead"]
"""


def timed(work) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    work()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="pool workers (default 2)")
    parser.add_argument("--steps", type=int, default=60, help="months per run (default 60)")
    parser.add_argument(
        "--unsorted", action="store_true", help="also time SALib's row order (slow: minutes)"
    )
    args = parser.parse_args()
    spec = parse_sensitivity_spec(SPEC.format(steps=args.steps))
    runs = spec.run_count
    unsorted = design_spec(
        replace(spec.sweep, design=()), list(spec.design.points), dict(spec.sweep.design_info)
    )
    print(
        f"Sobol design: {len(spec.design.factors)} parameters, {len(spec.design.x)} points x "
        f"{len(spec.sweep.seeds)} seeds = {runs} runs of {args.steps} months; pool of "
        f"{args.workers} workers; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        timings = {
            "pausegame sensitivity (sweep + Sobol analysis)": lambda: run_sensitivity(
                spec, root / "sensitivity", workers=args.workers, progress=False
            ),
            "plain sweep of the same runs": lambda: run_sweep(
                spec.sweep, root / "plain", workers=args.workers, progress=False
            ),
        }
        if args.unsorted:
            timings[UNSORTED] = lambda: run_sweep(
                unsorted, root / "unsorted", workers=args.workers, progress=False
            )
        results = {}
        for label, work in timings.items():
            results[label] = wall, cpu = timed(work)
            rate = runs / wall
            print(f"  {label:<48} {wall:6.1f} s {rate:6.1f} runs/s {cpu / runs:.4f} CPU s/run")
        same = pd.read_parquet(root / "sensitivity").sort_values("run_id").reset_index(drop=True)
        plain = pd.read_parquet(root / "plain").sort_values("run_id").reset_index(drop=True)
        assert same.equals(plain), "the study and the plain sweep ran different runs"
    (study, study_cpu), (sweep, sweep_cpu) = list(results.values())[:2]
    print("\noverhead of the study over the plain sweep of the same runs:")
    print(f"  wall clock {study / sweep - 1:+.1%}, CPU {study_cpu / sweep_cpu - 1:+.1%}")
    if args.unsorted:
        salib_order, salib_cpu = results[UNSORTED]
        print(
            f"sorting points by batch key: {salib_order / sweep:.2f}x faster wall clock, "
            f"{salib_cpu / sweep_cpu:.2f}x less CPU than SALib's order"
        )


if __name__ == "__main__":
    main()
