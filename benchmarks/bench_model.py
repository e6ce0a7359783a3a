"""Microseconds per model step of the article scenario, and where the time goes.

Times `PauseModel.step()` over whole runs, and splits it into the kernel (lookaheads and
the realised transition), Mesa's data collection, and the rest (Mesa's step machinery,
the agents' decision rules, keyed draws, events). Run with

    python -m benchmarks.bench_model [--runs 5] [--steps 120]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import mesa

from pausegame.sim import kernel
from pausegame.sim import model as model_module
from pausegame.sim.model import PauseModel
from pausegame.sim.scenario import load_scenario


class Stopwatch:
    """Accumulates the time spent inside wrapped functions, outermost calls only."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._depth = 0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self._depth:
                return function(*args, **kwargs)
            self._depth += 1
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self._depth -= 1

        return timed


def measure(runs: int, steps: int, instrument: bool) -> tuple[float, int, float, float]:
    """(total seconds in step(), steps taken, kernel seconds, data-collection seconds)."""
    scenario = load_scenario("article")
    kernel_time, collect_time = Stopwatch(), Stopwatch()
    originals = (kernel.lookahead, kernel.transition, mesa.DataCollector.collect)
    if instrument:
        kernel.lookahead = kernel_time.wrap(kernel.lookahead)
        kernel.transition = kernel_time.wrap(kernel.transition)
        mesa.DataCollector.collect = collect_time.wrap(mesa.DataCollector.collect)
    total, taken = 0.0, 0
    try:
        for seed in range(runs):
            model = PauseModel(scenario, seed=seed)
            for _ in range(steps):
                if not model.running:
                    break
                start = time.perf_counter()
                model.step()
                total += time.perf_counter() - start
                taken += 1
    finally:
        kernel.lookahead, kernel.transition, mesa.DataCollector.collect = originals
    return total, taken, kernel_time.seconds, collect_time.seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=120)
    args = parser.parse_args(argv)
    assert model_module.kernel is kernel  # the model calls the kernel through this module
    plain, plain_steps, _, _ = measure(args.runs, args.steps, instrument=False)
    total, taken, in_kernel, in_collect = measure(args.runs, args.steps, instrument=True)
    rest = total - in_kernel - in_collect
    print(f"article scenario, {args.runs} runs x up to {args.steps} steps ({plain_steps} steps)")
    print(f"  model step:                {1e6 * plain / plain_steps:9.0f} us  (uninstrumented)")
    print(
        f"  of which kernel:           {1e6 * in_kernel / taken:9.0f} us  "
        f"({in_kernel / total:5.1%})"
    )
    print(
        f"  of which Mesa DataCollector:{1e6 * in_collect / taken:8.0f} us  "
        f"({in_collect / total:5.1%})"
    )
    print(
        f"  rest (Mesa step, rules, draws, events): {1e6 * rest / taken:6.0f} us  "
        f"({rest / total:5.1%})"
    )


if __name__ == "__main__":
    main()
