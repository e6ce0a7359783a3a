"""The fixed inputs of runs advanced together: seeds, parameters and actors as run arrays.

A parameter or actor field that every run of a batch shares stays exactly as a single run
holds it (a Python number, an actor-axis array); one that differs between runs becomes an
array with a leading run axis, the batch shape the kernel broadcasts over.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from pausegame.sim.parameters import PARAMETERS, ModelParams
from pausegame.sim.scenario import Scenario
from pausegame.sim.world import Structure

#: Parameters every run of one batch must share. `lookahead` is a loop count. The others are
#: exponents, and NumPy computes `x ** y` by squaring, by C's pow or by SIMD pow depending on
#: whether the operands are scalars or arrays; the three differ in the last bit, so runs that
#: share these values are batched together and keep a single run's arithmetic exactly.
SHARED_IN_A_BATCH = ("lookahead", "share_exponent", "market_cagr", "safety_market_cagr")

#: Per-actor fields of `Structure` that overrides may change from run to run.
ACTOR_FIELDS = tuple(
    f.name for f in fields(Structure) if f.name not in ("lab_names", "state_names", "lab_state")
)


def batch_key(scenario: Scenario) -> tuple:
    """Runs with equal keys can advance in one batch (see `SHARED_IN_A_BATCH`)."""
    return tuple(getattr(scenario.params, name) for name in SHARED_IN_A_BATCH)


@dataclass(frozen=True)
class RunInputs:
    """Everything fixed about R runs: their games, seeds, parameters, actors and start."""

    games: tuple[Scenario, ...]  # each run's scenario, overrides applied
    points: tuple[int, ...]  # each run's parameter point (its index in the caller's list)
    seeds: tuple[int, ...]
    seed_keys: np.ndarray  # (R,) uint64: the seeds as the keyed draws read them
    params: ModelParams  # a field that differs between runs is an (R,) array
    structure: Structure  # a field that differs between runs has a leading (R,) axis
    varied_params: tuple[str, ...]
    varied_fields: tuple[str, ...]
    capability: np.ndarray  # (R, L) at the start
    open_source: np.ndarray  # (R,)
    pausing: np.ndarray  # (R, L) bool
    member: np.ndarray  # (R, S) bool
    rules: tuple[str, ...]  # each decision maker's rule: labs, then states

    @property
    def size(self) -> int:
        return len(self.seeds)

    def param(self, name: str, runs: np.ndarray | None = None) -> Any:
        """A parameter for the given runs: the shared value, or the runs' values."""
        value = getattr(self.params, name)
        return value[runs] if name in self.varied_params and runs is not None else value

    def rows(self, runs: np.ndarray) -> tuple[ModelParams, Structure]:
        """Parameters and actors for batch rows that belong to `runs` (one run per row)."""
        params = replace(
            self.params, **{n: getattr(self.params, n)[runs] for n in self.varied_params}
        )
        structure = replace(
            self.structure, **{f: getattr(self.structure, f)[runs] for f in self.varied_fields}
        )
        return params, structure

    def take(self, runs: np.ndarray) -> RunInputs:
        """The inputs of a subset of the runs, in the order of `runs`."""
        params, structure = self.rows(runs)
        picked = runs.tolist()
        return replace(
            self,
            games=tuple(self.games[r] for r in picked),
            points=tuple(self.points[r] for r in picked),
            seeds=tuple(self.seeds[r] for r in picked),
            seed_keys=self.seed_keys[runs],
            params=params,
            structure=structure,
            capability=self.capability[runs],
            open_source=self.open_source[runs],
            pausing=self.pausing[runs],
            member=self.member[runs],
        )


def seed_keys(seeds: Sequence[int]) -> np.ndarray:
    """Seeds as the unsigned 64-bit keys the keyed draws derive from any integer seed."""
    return np.array([int(s) % 2**64 for s in seeds], dtype=np.uint64)


def _shared_or_per_run(
    objects: Sequence[Any], names: Sequence[str], point_of_run: np.ndarray
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Each attribute's first value if all objects agree, else the values along a run axis;
    and the names of the attributes that vary."""
    merged: dict[str, Any] = {}
    varied = []
    for name in names:
        values = [getattr(o, name) for o in objects]
        merged[name] = values[0]
        if not all(np.array_equal(values[0], v) for v in values[1:]):
            merged[name] = np.asarray(values)[point_of_run]
            varied.append(name)
    return merged, tuple(varied)


def run_inputs(games: Mapping[int, Scenario], runs: Sequence[tuple[int, int]]) -> RunInputs:
    """Inputs of the runs `(point, seed)`, where `games[point]` is that point's scenario.

    Every game must have the same actors and rules, and share `SHARED_IN_A_BATCH`.
    """
    used = sorted({point for point, _ in runs})
    slot = {point: k for k, point in enumerate(used)}
    point_of_run = np.array([slot[point] for point, _ in runs], dtype=np.int64)
    scenarios = [games[point] for point in used]
    first = scenarios[0]
    rules = (*first.lab_rules(), *first.state_rules())
    structures = [game.structure() for game in scenarios]
    for game, structure in zip(scenarios[1:], structures[1:], strict=True):
        same_actors = (
            structure.lab_names == structures[0].lab_names
            and structure.state_names == structures[0].state_names
        )
        same_rules = (*game.lab_rules(), *game.state_rules()) == rules
        if not (same_actors and same_rules and batch_key(game) == batch_key(first)):
            raise ValueError(
                "runs of one batch must share actors, rules and " + ", ".join(SHARED_IN_A_BATCH)
            )
    params, varied_params = _shared_or_per_run(
        [game.params for game in scenarios], [p.name for p in PARAMETERS], point_of_run
    )
    actors, varied_fields = _shared_or_per_run(structures, ACTOR_FIELDS, point_of_run)
    starts = [game.initial_state() for game in scenarios]
    profiles = [game.initial_profile() for game in scenarios]
    seeds = tuple(int(seed) for _, seed in runs)
    return RunInputs(
        games=tuple(scenarios[k] for k in point_of_run.tolist()),
        points=tuple(point for point, _ in runs),
        seeds=seeds,
        seed_keys=seed_keys(seeds),
        params=replace(first.params, **params),
        structure=replace(structures[0], **actors),
        varied_params=varied_params,
        varied_fields=varied_fields,
        capability=np.stack([s.capability for s in starts])[point_of_run],
        open_source=np.array([float(s.open_source) for s in starts])[point_of_run],
        pausing=np.stack([p[0] for p in profiles])[point_of_run],
        member=np.stack([p[1] for p in profiles])[point_of_run],
        rules=rules,
    )
