"""Seconds for the equilibrium path of the article scenario against one analysis per month.

`equilibria --path` analyses every month of a path with every month's lab games from
batched kernel calls; the alternative is one `equilibria --at-step N --seed S` per month,
each simulating the run to month N and analysing there. The separate calls are timed on
every K-th month and scaled to all months (`--every 1` times them all). Last, the UI's
timeline at a stop of the last month, with the months before kept (`PathMemo`) and anew.
Run with

    python -m benchmarks.bench_path [--steps 120] [--seed 0] [--every 10]
"""

from __future__ import annotations

import argparse
import os
import threading
import time

from pausegame.experiments import path, treaty
from pausegame.sim.scenario import load_scenario
from pausegame.viz.path_panel import PathMemo, path_timeline_html

TARGET_SECONDS = 10.0


def timed(function, *args, **kwargs) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    function(*args, **kwargs)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=120)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--every", type=int, default=10)
    args = parser.parse_args()
    scenario = load_scenario("article")
    months = args.steps + 1
    load = os.getloadavg()[0]
    print(f"article scenario, months 0-{args.steps}, {os.cpu_count()} CPUs, load {load:.1f}")
    print(f"{'what':46}{'wall s':>9}{'CPU s':>9}{'wall/month':>12}")

    def row(name: str, wall: float, cpu: float) -> None:
        print(f"{name:46}{wall:9.2f}{cpu:9.2f}{1000 * wall / months:10.1f}ms", flush=True)

    path.WORKERS = 1
    wall, cpu = timed(path.equilibrium_path, scenario, None, args.steps)
    row("--path (expected path), 1 thread", wall, cpu)
    best = wall
    for workers in (1, 2):
        path.WORKERS = workers
        wall, cpu = timed(path.equilibrium_path, scenario, args.seed, args.steps)
        row(f"--path --seed {args.seed}, {workers} thread(s)", wall, cpu)
        best = min(best, wall)
    sampled = list(range(0, args.steps + 1, args.every))
    separate = [timed(treaty.analyse_scenario, scenario, "dynamics", n, args.seed) for n in sampled]
    scale = months / len(sampled)
    scaled = sum(w for w, _ in separate) * scale
    row(
        f"{months} separate --at-step calls (from {len(sampled)})",
        scaled,
        sum(c for _, c in separate) * scale,
    )
    print(
        f"path vs separate calls: {scaled / best:.1f}x faster (wall); "
        f"under the {TARGET_SECONDS:g} s target: {'yes' if best < TARGET_SECONDS else 'no'}"
    )
    memo, running = PathMemo(), threading.Event()
    path_timeline_html(scenario, args.seed, args.steps - 1, running, memo)  # the stop before
    kept = timed(path_timeline_html, scenario, args.seed, args.steps, running, memo)
    anew = timed(path_timeline_html, scenario, args.seed, args.steps, running)
    row(f"UI timeline at month {args.steps}, months kept", *kept)
    row(f"UI timeline at month {args.steps}, analysed anew", *anew)
    print(f"kept months vs anew: {anew[1] / kept[1]:.1f}x less CPU")


if __name__ == "__main__":
    main()
