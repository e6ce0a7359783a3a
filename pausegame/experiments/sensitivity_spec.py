"""Sensitivity specs: read a sensitivity study's TOML, validate it, and build its design.

A spec names the scenario, run length and seeds like a sweep spec, the method (`sobol`:
Saltelli's scheme for first-order and total indices; `morris`: elementary effects), its
size (`samples`: base samples N for Sobol, trajectories for Morris), the sampler's seed, and
the `parameters` with their ranges: a list of names (each over a factor around its value),
or a table of `name = [low, high]`, `{ range = [low, high], scale = "log" }` or
`{ factor = F }`. Without `parameters`, every uncertain parameter (see `sensitivity_space`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from pausegame.experiments.sensitivity_space import (
    DEFAULT_FACTOR,
    DesignSpec,
    Factor,
    around,
    batch_order,
    batch_shared,
    design_spec,
    scaled,
    snap,
    uncertain_parameters,
)
from pausegame.experiments.sweep_spec import (
    SweepSpecError,
    _flat_table,
    _override,
    _spec_table,
    declaration,
    settable,
    spec_head,
)
from pausegame.sim.parameters import ParameterError
from pausegame.userfiles import MAX_TOML_BYTES, read_text

FIELDS = (
    "description",
    "scenario",
    "steps",
    "seeds",
    "method",
    "samples",
    "levels",
    "seed",
    "factor",
    "parameters",
    "fixed",
)
RANGE_FIELDS = ("range", "scale", "factor")
METHODS = ("sobol", "morris")
SCALES = ("auto", "linear", "log")
DEFAULT_SEEDS = 4
DEFAULT_SAMPLES = {"sobol": 64, "morris": 10}
MAX_RUNS = 10_000_000
MAX_LEVELS = 1_000  # Morris's grid: SALib holds arrays of this size (2**40 exhausts memory)


@dataclass(frozen=True)
class Design:
    """A sampled design: SALib's problem, its sample matrix X and each row's parameter values."""

    method: str
    factors: tuple[Factor, ...]
    samples: int
    levels: int
    seed: int
    x: np.ndarray  # (rows, factors) in sampling space, in SALib's order
    points: tuple[dict[str, float | int], ...]  # each row's parameter values

    @property
    def problem(self) -> dict[str, Any]:
        return _problem(self.factors)


def _problem(factors: tuple[Factor, ...]) -> dict[str, Any]:
    """SALib's description of the sampled space: the factors' names and sampling bounds."""
    return {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [f.bounds() for f in factors],
    }


def make_design(
    method: str, factors: tuple[Factor, ...], samples: int, levels: int = 4, seed: int = 0
) -> Design:
    """Sample a Sobol (Saltelli) or Morris design with SALib; the same arguments, the same design.

    For Sobol, a parameter the engine batches on is moved to one of a few stratum midpoints
    (`sensitivity_space.snap`): its index is then that of the discretised parameter.
    """
    from SALib.sample import morris, sobol

    problem = _problem(factors)
    if method == "sobol":
        x = sobol.sample(problem, samples, calc_second_order=False, seed=seed)
        for d, f in enumerate(factors):
            if batch_shared(f.name):
                x[:, d] = snap(x[:, d], *f.bounds())
    else:
        x = morris.sample(problem, samples, num_levels=levels, seed=seed)
    columns = [f.values(x[:, d]) for d, f in enumerate(factors)]
    points = tuple(
        {f.name: column[i] for f, column in zip(factors, columns, strict=True)}
        for i in range(len(x))
    )
    return Design(method, factors, samples, levels, seed, x, points)


@dataclass(frozen=True)
class SensitivitySpec:
    """A validated study: its design and the sweep that runs it (points in batch order)."""

    design: Design
    sweep: DesignSpec
    order: tuple[int, ...]  # order[point_id] = the design row that point runs

    @property
    def run_count(self) -> int:
        return self.sweep.run_count


def load_sensitivity_spec(path: str | Path) -> SensitivitySpec:
    """Read and validate a sensitivity spec file."""
    path = Path(path)
    text = read_text(path, "sensitivity spec", MAX_TOML_BYTES, SweepSpecError)
    return parse_sensitivity_spec(text, origin=path.name, folder=path.parent)


def parse_sensitivity_spec(
    text: str, origin: str = "<sensitivity>", folder: Path | None = None
) -> SensitivitySpec:
    """Parse and validate a spec's TOML text; a scenario path is relative to `folder`."""
    try:
        return _parse(text, origin, folder or Path("."))
    except ParameterError as error:
        raise SweepSpecError(str(error)) from None


def _parse(text: str, origin: str, folder: Path) -> SensitivitySpec:
    where, data, description = _spec_table(text, origin, FIELDS)
    plain = spec_head(data, where, origin, folder, DEFAULT_SEEDS)
    method = data.get("method", "sobol")
    if method not in METHODS:
        raise SweepSpecError(f"{where}method: expected one of {', '.join(METHODS)}, got {method!r}")
    samples = _whole(data.get("samples", DEFAULT_SAMPLES[method]), f"{where}samples", 2)
    if method == "sobol" and samples & (samples - 1):
        raise SweepSpecError(
            f"{where}samples: Sobol needs a power of 2 (64, 128, ...), got {samples}"
        )
    levels = _whole(data.get("levels", 4), f"{where}levels", 2, MAX_LEVELS)
    if method == "morris" and levels % 2:
        raise SweepSpecError(f"{where}levels: Morris needs an even number of levels, got {levels}")
    seed = _whole(data.get("seed", 0), f"{where}seed", 0)
    factor = _factor(data.get("factor", DEFAULT_FACTOR), f"{where}factor")
    fixed = {
        key: _override(plain.base, key, value, f"{where}fixed.")
        for key, value in _flat_table(data.get("fixed", {}), f"{where}fixed").items()
    }
    factors = _factors(data.get("parameters"), plain, factor, f"{where}parameters")
    for f in factors:
        if f.name in fixed:
            raise SweepSpecError(f"{where}fixed.{f.name}: already a parameter of the study")
    rows = samples * (len(factors) + (2 if method == "sobol" else 1))
    if rows * len(plain.seeds) > MAX_RUNS:
        raise SweepSpecError(
            f"{where}the study expands to {rows * len(plain.seeds):,} runs; at most {MAX_RUNS:,}"
        )
    design = make_design(method, factors, samples, levels, seed)
    order = batch_order(list(design.points))
    base = replace(plain, fixed=fixed, description=description)
    info = {
        "kind": "sensitivity",
        "method": method,
        "samples": samples,
        "levels": levels,
        "seed": seed,
        "factors": {f.name: f.describe() for f in factors},
    }
    sweep = design_spec(base, [design.points[i] for i in order], info)
    return SensitivitySpec(design, sweep, tuple(order))


def _factors(value: Any, plain: Any, factor: float, where: str) -> tuple[Factor, ...]:
    """The study's parameters with ranges: named, tabled with ranges, or every uncertain one."""
    base = plain.base
    if value is None:
        return tuple(around(base, name, factor) for name in uncertain_parameters(base))
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        table: dict[str, Any] = {name: {} for name in value}
        if len(table) != len(value):
            raise SweepSpecError(f"{where}: a parameter is listed twice")
    elif isinstance(value, dict):
        table = _ranges(value, where)
    else:
        raise SweepSpecError(f"{where}: expected parameter names or a table of ranges")
    if not table:
        raise SweepSpecError(f"{where}: empty; name at least one parameter")
    factors = []
    for name, item in table.items():
        here = f"{where}.{name}"
        settable(base, name, f"{where}.")  # a name no study can vary: the one line saying why
        if isinstance(item, list):
            item = {"range": item}
        if not isinstance(item, dict):
            raise SweepSpecError(f"{here}: expected [low, high] or a table")
        extra = [k for k in item if k not in RANGE_FIELDS]
        if extra:
            raise SweepSpecError(
                f"{here}.{extra[0]}: unknown field (allowed: {', '.join(RANGE_FIELDS)})"
            )
        scale = item.get("scale", "auto")
        if scale not in SCALES:
            raise SweepSpecError(
                f"{here}.scale: expected one of {', '.join(SCALES)}, got {scale!r}"
            )
        try:
            if "range" in item:
                bounds = item["range"]
                if not isinstance(bounds, list) or len(bounds) != 2:
                    raise SweepSpecError(f"{here}.range: expected [low, high]")
                low, high = (float(_override(base, name, b, f"{where}.")) for b in bounds)
                if not low < high:
                    raise SweepSpecError(f"{here}: expected low < high, got [{low:g}, {high:g}]")
                factors.append(scaled(name, low, high, scale))
            else:
                own = _factor(item.get("factor", factor), f"{here}.factor")
                factors.append(around(base, name, own, scale))
        except SweepSpecError as error:
            message = str(error)
            raise SweepSpecError(
                message if message.startswith(where) else f"{where}.{message}"
            ) from None
    return tuple(factors)


def _ranges(value: dict[str, Any], where: str, prefix: str = "") -> dict[str, Any]:
    """The `[parameters]` table by name: TOML dotted keys (`lab.Meta.safety = ...`) joined
    back, and a table under a settable name (`fine = { factor = 3 }`) kept as its range, as
    is one that reads as a range (`fien = { factor = 3 }`: refused by its name, not as
    `fien.factor`)."""
    flat: dict[str, Any] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict) and not (_settable(name) or _reads_as_range(item)):
            flat.update(_ranges(item, where, f"{name}."))
        else:
            flat[name] = item
    return flat


def _reads_as_range(item: dict[str, Any]) -> bool:
    """Whether a table holds only a range's fields (range, scale, factor), none a table."""
    return all(k in RANGE_FIELDS and not isinstance(v, dict) for k, v in item.items())


def _settable(name: str) -> bool:
    try:
        declaration(name)
    except (ParameterError, KeyError):
        return False
    return True


def _whole(value: Any, where: str, least: int, most: int | None = None) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < least
        or (most is not None and value > most)
    ):
        allowed = f"of at least {least}" if most is None else f"in [{least}, {most:,}]"
        raise SweepSpecError(f"{where}: expected a whole number {allowed}, got {value!r}")
    return value


def _factor(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 1 < value <= 100:
        raise SweepSpecError(f"{where}: expected a number in (1, 100], got {value!r}")
    return float(value)  # finite: the range check refuses inf and NaN
