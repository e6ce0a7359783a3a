"""Sweep specifications: read a sweep's TOML, validate it, and expand it into runs.

A spec names a base scenario, the run length, the seeds, a full-factorial `[grid]`, an
optional seeded `[sample]` (Latin hypercube or uniform random over ranges), `[fixed]`
overrides and the outputs to keep. Every value is checked against the same declarations
as `--set`, so a bad spec fails with one line before any run starts.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from pausegame.errors import InputError
from pausegame.sim.parameters import Parameter, ParameterError, lookup
from pausegame.sim.scenario import (
    LAB_FIELDS,
    STATE_FIELDS,
    Scenario,
    builtin_names,
    builtin_text,
    load_scenario,
    parse_scenario,
    split_actor_key,
)
from pausegame.userfiles import MAX_TOML_BYTES, is_file, parse_toml, read_text

SPEC_FIELDS = ("description", "scenario", "steps", "seeds", "grid", "sample", "fixed", "outputs")
SAMPLE_FIELDS = ("method", "count", "seed", "ranges")
SAMPLE_METHODS = ("latin_hypercube", "random")
OUTPUT_FIELDS = ("traces",)
STEPS = Parameter("steps", 120, 1, 100_000, "steps", "", "", "Behaviour", integer=True)
SEED = Parameter("seed", 0, 0, 2**63 - 1, "", "", "", "Behaviour", integer=True)
SEED_COUNT = Parameter("seeds", 1, 1, 10_000_000, "", "", "", "Behaviour", integer=True)
MAX_POINTS = 100_000  # parameter points: each is held in memory and hashed into the digest
SAMPLE_COUNT = Parameter("count", 1, 1, MAX_POINTS, "", "", "", "Behaviour", integer=True)
MAX_RUNS = 100_000_000


class SweepSpecError(InputError):
    """A sweep spec that cannot be run: malformed, unknown field, or value out of range."""


@dataclass(frozen=True)
class Sample:
    """A seeded sample of parameter points over ranges: `count` points by `method`."""

    method: str
    count: int
    seed: int
    ranges: dict[str, tuple[float, float]]

    def points(self) -> list[dict[str, float | int]]:
        """The sampled points, in a fixed order: the same spec always gives the same points."""
        names = list(self.ranges)
        rng = np.random.default_rng(self.seed)
        if self.method == "latin_hypercube":
            # One point per stratum in every dimension, strata paired by independent shuffles.
            unit = np.empty((self.count, len(names)))
            for d in range(len(names)):
                unit[:, d] = (rng.permutation(self.count) + rng.random(self.count)) / self.count
        else:
            unit = rng.random((self.count, len(names)))
        points = []
        for row in unit:
            point: dict[str, float | int] = {}
            for name, u in zip(names, row, strict=True):
                low, high = self.ranges[name]
                value = low + float(u) * (high - low)
                point[name] = round(value) if override_kind(name) is int else value
            points.append(point)
        return points


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: its id, its parameter point and its seed."""

    run_id: int
    point_id: int
    overrides: dict[str, float | int]
    seed: int
    steps: int


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: the base scenario's text and every axis of the experiment."""

    origin: str
    scenario: str
    scenario_text: str
    base: Scenario
    steps: int
    seeds: tuple[int, ...]
    seeds_as_written: int | list[int]
    grid: dict[str, list[float | int]]
    sample: Sample | None
    fixed: dict[str, float | int]
    traces: bool
    description: str = ""

    @property
    def swept(self) -> list[str]:
        """The parameters that vary across points: grid ones first, then sampled ones."""
        return [*self.grid, *(self.sample.ranges if self.sample else ())]

    @property
    def parameters(self) -> list[str]:
        """Every parameter the sweep sets: swept, then fixed."""
        return [*self.swept, *self.fixed]

    @cached_property
    def points(self) -> list[dict[str, float | int]]:
        """Every parameter point: the grid's full factorial crossed with the sample."""
        grid = [
            dict(zip(self.grid, values, strict=True))
            for values in itertools.product(*self.grid.values())
        ]
        sampled = self.sample.points() if self.sample else [{}]
        return [{**g, **s, **self.fixed} for g in grid for s in sampled]

    @property
    def run_count(self) -> int:
        return len(self.points) * len(self.seeds)

    def runs(self) -> Iterator[RunSpec]:
        """Every (point, seed) once; the run id is the position in this order."""
        n_seeds = len(self.seeds)
        for p, point in enumerate(self.points):
            for s, seed in enumerate(self.seeds):
                yield RunSpec(p * n_seeds + s, p, point, seed, self.steps)

    def normalised(self) -> dict[str, Any]:
        """The spec in canonical, JSON-ready form (coerced values, defaults filled in)."""
        return {
            "scenario": self.scenario,
            "scenario_sha256": hashlib.sha256(self.scenario_text.encode()).hexdigest(),
            "steps": self.steps,
            "seeds": self.seeds_as_written,
            "grid": self.grid,
            "sample": None
            if self.sample is None
            else {
                "method": self.sample.method,
                "count": self.sample.count,
                "seed": self.sample.seed,
                "ranges": {k: list(v) for k, v in self.sample.ranges.items()},
            },
            "fixed": self.fixed,
            "traces": self.traces,
            "points_sha256": self.points_digest(),
        }

    def points_digest(self) -> str:
        """A hash of every expanded (point, seed) in run-id order, so that a change in how a
        sample is drawn can never silently give old run ids new parameters on resume."""
        runs = {"points": self.points, "seeds": list(self.seeds)}
        return hashlib.sha256(json.dumps(runs, separators=(",", ":")).encode()).hexdigest()

    def digest(self) -> str:
        """A hash of the normalised spec: two specs with equal digests give the same runs."""
        text = json.dumps(self.normalised(), separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def load_sweep_spec(path: str | Path, traces: bool = False) -> SweepSpec:
    """Read and validate a sweep spec file; `traces` (from `--traces`) overrides its outputs."""
    path = Path(path)
    text = read_text(path, "sweep spec", MAX_TOML_BYTES, SweepSpecError)
    return parse_sweep_spec(text, origin=path.name, folder=path.parent, traces=traces)


def parse_sweep_spec(
    text: str, origin: str = "<sweep>", folder: Path | None = None, traces: bool = False
) -> SweepSpec:
    """Parse and validate a spec's TOML text; a scenario path is relative to `folder`."""
    try:
        return _parse(text, origin, folder or Path("."), traces)
    except SweepSpecError:
        raise
    except ParameterError as error:  # a value checked by its declaration: already one line
        raise SweepSpecError(str(error)) from None


def _parse(text: str, origin: str, folder: Path, traces: bool) -> SweepSpec:
    where, data, description = _spec_table(text, origin, SPEC_FIELDS)
    head = spec_head(data, where, origin, folder, None)
    base = head.base
    grid = _grid(data.get("grid"), base, f"{where}grid")
    sample = _sample(data["sample"], base, f"{where}sample") if "sample" in data else None
    fixed = {
        key: _override(base, key, value, f"{where}fixed.")
        for key, value in _flat_table(data.get("fixed", {}), f"{where}fixed").items()
    }
    _disjoint(grid, sample, fixed, where)
    outputs = _table(data.get("outputs", {}), f"{where}outputs")
    _no_unknown(outputs, OUTPUT_FIELDS, f"{where}outputs.")
    keep_traces = outputs.get("traces", False)
    if not isinstance(keep_traces, bool):
        raise SweepSpecError(f"{where}outputs.traces: expected true or false, got {keep_traces!r}")
    n_points = math.prod(len(v) for v in grid.values()) * (sample.count if sample else 1)
    if n_points > MAX_POINTS:
        raise SweepSpecError(
            f"{where}the grid and sample make {n_points:,} parameter points; at most {MAX_POINTS:,}"
        )
    n_runs = n_points * len(head.seeds)
    if n_runs > MAX_RUNS:
        raise SweepSpecError(f"{where}the spec expands to {n_runs:,} runs; at most {MAX_RUNS:,}")
    return replace(
        head,
        grid=grid,
        sample=sample,
        fixed=fixed,
        traces=keep_traces or traces,
        description=description,
    )


def spec_head(
    data: dict, where: str, origin: str, folder: Path, default_seeds: int | None
) -> SweepSpec:
    """A spec's scenario, steps and seeds, checked in that order (a sweep spec's and a
    sensitivity spec's alike): the sweep they make, with no axes yet."""
    scenario = data.get("scenario", "article")
    if not isinstance(scenario, str) or not scenario.strip():
        raise SweepSpecError(
            f"{where}scenario: expected a built-in name or a path, got {scenario!r}"
        )
    plain = plain_sweep(scenario, None, 1, origin, folder)
    steps = STEPS.coerce(data.get("steps", plain.base.steps), where)
    seeds, seeds_as_written = _seeds(data.get("seeds", default_seeds), where)
    return replace(plain, steps=steps, seeds=seeds, seeds_as_written=seeds_as_written)


def plain_sweep(
    scenario: str,
    steps: int | None,
    seeds: int,
    origin: str = "<design>",
    folder: Path | None = None,
) -> SweepSpec:
    """A sweep of `scenario` (a built-in or a path) with seeds 0..seeds-1 and no axes yet."""
    text, base = _read_scenario(scenario, folder or Path("."), f"{origin}: ")
    return SweepSpec(
        origin=origin,
        scenario=scenario,
        scenario_text=text,
        base=base,
        steps=base.steps if steps is None else steps,
        seeds=tuple(range(seeds)),
        seeds_as_written=seeds,
        grid={},
        sample=None,
        fixed={},
        traces=False,
    )


def _spec_table(text: str, origin: str, fields: tuple[str, ...]) -> tuple[str, dict, str]:
    """A spec's prefix for messages, its TOML table (refusing unknown fields), its description."""
    where = f"{origin}: "
    data = parse_toml(text, origin, SweepSpecError)
    _no_unknown(data, fields, where)
    description = data.get("description", "")
    if not isinstance(description, str):
        raise SweepSpecError(f"{where}description: expected a string, got {description!r}")
    return where, data, description


def _read_scenario(name: str, folder: Path, where: str) -> tuple[str, Scenario]:
    """The scenario's TOML text and its validated form; errors name the spec's field."""
    if name in builtin_names():
        text = builtin_text(name)
        origin = name
    else:
        path = Path(name) if Path(name).is_absolute() else folder / name
        if not is_file(path):
            raise SweepSpecError(
                f"{where}scenario: {name!r} is no built-in ({', '.join(builtin_names())}) "
                "and no file (paths are relative to the spec)"
            )
        text = read_text(path, f"{where}scenario", MAX_TOML_BYTES, SweepSpecError)
        origin = path.name
    try:
        return text, parse_scenario(text, origin=origin)
    except ParameterError as error:
        raise SweepSpecError(f"{where}scenario: {error}") from None


def base_scenario(text: str) -> Scenario:
    """The scenario a worker runs: a built-in name or a scenario's TOML text."""
    return load_scenario(text) if text in builtin_names() else parse_scenario(text)


def _seeds(value: Any, where: str) -> tuple[tuple[int, ...], int | list[int]]:
    """Seeds 0..N-1 from a count N, or the listed seeds."""
    if value is None:
        raise SweepSpecError(f"{where}seeds: missing required field (a count, or a list of seeds)")
    if isinstance(value, list):
        if not value:
            raise SweepSpecError(f"{where}seeds: the list of seeds is empty")
        if len(value) > SEED_COUNT.high:
            raise SweepSpecError(f"{where}seeds: {len(value):,} seeds; at most {SEED_COUNT.high:,}")
        seeds = [replace(SEED, name=f"seeds[{i}]").coerce(v, where) for i, v in enumerate(value)]
        if len(set(seeds)) != len(seeds):
            raise SweepSpecError(f"{where}seeds: a seed is listed twice")
        return tuple(seeds), seeds
    if isinstance(value, int | float) and not isinstance(value, bool) and value <= 0:
        raise SweepSpecError(f"{where}seeds: expected a positive count of seeds, got {value}")
    count = SEED_COUNT.coerce(value, where)
    return tuple(range(count)), count


def _grid(value: Any, base: Scenario, where: str) -> dict[str, list[float | int]]:
    """The grid's axes: each parameter with its distinct, validated values."""
    if value is None:
        return {}
    table = _flat_table(value, where)
    if not table:
        raise SweepSpecError(f"{where}: empty; list at least one parameter with its values")
    grid = {}
    for key, values in table.items():
        if not isinstance(values, list) or not values:
            raise SweepSpecError(f"{where}.{key}: expected a non-empty list of values")
        if len(values) > MAX_POINTS:
            raise SweepSpecError(f"{where}.{key}: {len(values):,} values; at most {MAX_POINTS:,}")
        coerced = [_override(base, key, v, f"{where}.") for v in values]
        if len(set(coerced)) != len(coerced):
            raise SweepSpecError(f"{where}.{key}: a value is listed twice")
        grid[key] = coerced
    return grid


def _sample(value: Any, base: Scenario, where: str) -> Sample:
    """The `[sample]` table: method, count, seed and a [low, high] range per parameter."""
    table = _table(value, where)
    _no_unknown(table, SAMPLE_FIELDS, f"{where}.")
    method = table.get("method", "latin_hypercube")
    if method not in SAMPLE_METHODS:
        raise SweepSpecError(
            f"{where}.method: expected one of {', '.join(SAMPLE_METHODS)}, got {method!r}"
        )
    if "count" not in table:
        raise SweepSpecError(f"{where}.count: missing required field")
    count = SAMPLE_COUNT.coerce(table["count"], f"{where}.")
    seed = SEED.coerce(table.get("seed", 0), f"{where}.")
    raw = _flat_table(table.get("ranges", {}), f"{where}.ranges")
    if not raw:
        raise SweepSpecError(f"{where}.ranges: empty; give at least one parameter = [low, high]")
    ranges = {}
    for key, bounds in raw.items():
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise SweepSpecError(f"{where}.ranges.{key}: expected [low, high]")
        low, high = (_override(base, key, b, f"{where}.ranges.") for b in bounds)
        if not low < high:
            raise SweepSpecError(f"{where}.ranges.{key}: expected low < high, got [{low}, {high}]")
        ranges[key] = (low, high)
    return Sample(method, count, seed, ranges)


def _override(base: Scenario, key: str, value: Any, prefix: str) -> float | int:
    """`value` coerced for `key` (a parameter, lab.NAME.FIELD or state.NAME.FIELD), or one line.

    The value is checked against its declaration, then applied with `Scenario.with_overrides`
    exactly as each run will apply it.
    """
    declaration, prefix = settable(base, key, prefix)
    coerced = declaration.coerce(value, prefix)
    try:
        base.with_overrides({key: coerced})
    except ParameterError as error:
        raise SweepSpecError(f"{prefix}{declaration.name}: {error}") from None
    return coerced


def settable(base: Scenario, key: str, prefix: str) -> tuple[Parameter, str]:
    """The declaration of `key` (a parameter, lab.NAME.FIELD or state.NAME.FIELD of `base`)
    and the prefix its messages take, or one line naming what is wrong with the key."""
    actor_field = base.actor_key(key)
    if "." not in key:
        try:
            declaration = lookup(key)
        except ParameterError as error:
            raise SweepSpecError(f"{prefix}{key}: {error}") from None
    elif actor_field is not None:
        kind, name, attr = actor_field
        actors, fields = (base.labs, LAB_FIELDS) if kind == "lab" else (base.states, STATE_FIELDS)
        if name not in {a.name for a in actors}:
            raise SweepSpecError(
                f"{prefix}{key}: no {kind} named {name!r} in the scenario "
                f"(have {', '.join(a.name for a in actors)})"
            )
        if attr not in fields:
            raise SweepSpecError(
                f"{prefix}{key}: unknown {kind} field {attr!r} (settable: {', '.join(fields)})"
            )
        declaration, prefix = fields[attr], f"{prefix}{kind}.{name}."
    else:
        raise SweepSpecError(
            f"{prefix}{key}: expected a parameter name, lab.NAME.FIELD or state.NAME.FIELD"
        )
    return declaration, prefix


def declaration(name: str) -> Parameter:
    """The declaration of a parameter, `lab.NAME.FIELD` or `state.NAME.FIELD`."""
    actor_field = split_actor_key(name)
    if actor_field is None:
        return lookup(name)
    kind, _, attr = actor_field
    return (LAB_FIELDS if kind == "lab" else STATE_FIELDS)[attr]


def override_kind(key: str) -> type:
    """The column type of a swept or fixed parameter: int for whole-number parameters."""
    return int if declaration(key).integer else float


def _disjoint(grid: dict, sample: Sample | None, fixed: dict, where: str) -> None:
    seen: dict[str, str] = {}
    for section, keys in (
        ("grid", grid),
        ("sample.ranges", sample.ranges if sample else {}),
        ("fixed", fixed),
    ):
        for key in keys:
            if key in seen:
                raise SweepSpecError(f"{where}{section}.{key}: already set in [{seen[key]}]")
            seen[key] = section


def _flat_table(value: Any, where: str) -> dict[str, Any]:
    """A table with TOML dotted keys (`lab.Anthropic.safety = ...`) flattened back to text."""
    flat: dict[str, Any] = {}
    for key, item in _table(value, where).items():
        if isinstance(item, dict):
            for inner, leaf in _flat_table(item, f"{where}.{key}").items():
                flat[f"{key}.{inner}"] = leaf
        else:
            flat[key] = item
    return flat


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SweepSpecError(f"{where}: expected a table, got {type(value).__name__}")
    return value


def _no_unknown(raw: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = [key for key in raw if key not in allowed]
    if unknown:
        raise SweepSpecError(f"{where}{unknown[0]}: unknown field (allowed: {', '.join(allowed)})")
