"""Many runs of one scenario through the engine: batches by what runs can share, in order.

Runs whose parameters differ only where the kernel can broadcast go in one batch (see
`inputs.SHARED_IN_A_BATCH`); each batch advances all its runs together.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from pausegame.sim.engine.core import Engine
from pausegame.sim.engine.inputs import batch_key, run_inputs
from pausegame.sim.engine.records import RunRecord
from pausegame.sim.scenario import Scenario

#: Runs advanced together at most; bigger ensembles go in several batches of this size.
BATCH_SIZE = 2048

Progress = Callable[[int, int], None]  # (runs done, runs in all)


def simulate_runs(
    scenario: Scenario,
    points: Sequence[Mapping[str, object]],
    runs: Sequence[tuple[int, int]],
    steps: int | None = None,
    records: bool = False,
    progress: Progress | None = None,
) -> list[RunRecord]:
    """The runs `(point, seed)`, in order; `points[point]` are the run's `--set` overrides.

    `steps` defaults to the scenario's; `records` keeps per-step tables (more memory);
    `progress` is told (runs done, runs in all) as the batches advance.
    """
    steps = scenario.steps if steps is None else int(steps)
    used = sorted({p for p, _ in runs})
    games = {p: scenario.with_overrides(dict(points[p])) if points[p] else scenario for p in used}
    batches: dict[tuple, list[int]] = {}
    for position, (p, _) in enumerate(runs):
        batches.setdefault(batch_key(games[p]), []).append(position)
    outcomes: list[RunRecord | None] = [None] * len(runs)
    done = 0
    for positions in batches.values():
        for start in range(0, len(positions), BATCH_SIZE):
            chunk = positions[start : start + BATCH_SIZE]
            engine = Engine(run_inputs(games, [runs[i] for i in chunk]), steps, records)

            def report(step: int, before: int = done, size: int = len(chunk)) -> None:
                if progress is not None:
                    progress(before + size * step // max(steps, 1), len(runs))

            for position, outcome in zip(chunk, engine.run(steps, report), strict=True):
                outcomes[position] = outcome
            done += len(chunk)
    if progress is not None:
        progress(done, len(runs))
    return [outcome for outcome in outcomes if outcome is not None]


def simulate_ensemble(
    scenario: Scenario,
    points: Sequence[Mapping[str, object]],
    seeds: Sequence[int],
    steps: int | None = None,
    records: bool = False,
    progress: Progress | None = None,
) -> list[RunRecord]:
    """Every (point, seed) run, point-major (see `simulate_runs`)."""
    runs = [(p, int(seed)) for p in range(len(points)) for seed in seeds]
    return simulate_runs(scenario, points, runs, steps, records, progress)


def run_ensemble(
    scenario: Scenario,
    points: Sequence[Mapping[str, object]],
    seeds: Sequence[int],
    steps: int | None = None,
) -> list[dict]:
    """One summary per (point, seed), point-major."""
    return [run.summary() for run in simulate_ensemble(scenario, points, seeds, steps)]
