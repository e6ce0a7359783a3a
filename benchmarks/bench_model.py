"""Microseconds per Mesa-model step of the article scenario, beside the scalar oracle.

Times `PauseModel.step()` (the Mesa face of the engine) over whole runs, and in the same
run the plain scalar step of `tests/oracle` (one agent and one kernel call at a time, as
the model was before it became the engine's face), and prints their ratio. It splits the
face's step into the kernel (lookaheads and the realised transition), Mesa's data
collection, and the rest (Mesa's step machinery, the rules, keyed draws, events). Run with

    python -m benchmarks.bench_model [--runs 5] [--steps 120]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import mesa

from pausegame.sim import kernel
from pausegame.sim.model import PauseModel
from pausegame.sim.scenario import load_scenario
from tests.oracle.model import PauseModel as ScalarOracle


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


def measure(
    seeds: range, steps: int, instrument: bool, model_class: type[mesa.Model] = PauseModel
) -> tuple[float, int, float, float]:
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
        for seed in seeds:
            model = model_class(scenario, seed=seed)
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
    # Alternate face and oracle run by run, so a change in machine load hits both alike.
    face = oracle = 0.0
    face_steps = oracle_steps = 0
    for seed in range(args.runs):
        seconds, taken, _, _ = measure(range(seed, seed + 1), args.steps, False, PauseModel)
        face, face_steps = face + seconds, face_steps + taken
        seconds, taken, _, _ = measure(range(seed, seed + 1), args.steps, False, ScalarOracle)
        oracle, oracle_steps = oracle + seconds, oracle_steps + taken
    total, taken, in_kernel, in_collect = measure(range(args.runs), args.steps, instrument=True)
    rest = total - in_kernel - in_collect
    print(f"article scenario, {args.runs} runs x up to {args.steps} steps ({face_steps} steps)")
    print(f"  Mesa-model step (engine face): {1e6 * face / face_steps:7.0f} us  (uninstrumented)")
    print(f"  scalar oracle step:            {1e6 * oracle / oracle_steps:7.0f} us")
    print(
        f"  ratio face / oracle:           {(face / face_steps) / (oracle / oracle_steps):7.2f} x"
    )
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
