"""The uncertain parameter space of exploratory experiments, and sweeps over explicit designs.

A `Factor` is one uncertain parameter with its range and scale. By default the uncertain
parameters are the assumed ones (`pausegame params`: source "assumed"), each over a factor
around its value in the scenario, clipped to its declared range; a range whose ends differ by
`LOG_RATIO` or more is sampled on a log scale. Treaty levers (off by default) and parameters
whose value is zero are not uncertainties a factor can describe, so they are left out.

`DesignSpec` is a sweep whose parameter points are given (a sensitivity design, or the joint
draws of a robustness study), so those experiments run on the sweep's executors, store and
resume unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from pausegame.experiments.sweep_spec import SweepSpec, SweepSpecError, declaration, override_kind
from pausegame.sim.engine.inputs import SHARED_IN_A_BATCH
from pausegame.sim.parameters import PARAMETERS
from pausegame.sim.scenario import Scenario

DEFAULT_FACTOR = 2.0
#: A range whose high end is at least this many times its low end is sampled on a log scale.
LOG_RATIO = 4.0
#: Declared groups whose parameters are policy levers rather than uncertain assumptions.
LEVER_GROUPS = ("Treaty",)
#: Levels of a parameter the engine can only batch runs on when they share its value
#: (`SHARED_IN_A_BATCH`): sampled on so many strata midpoints, so that a design's runs still
#: advance in large batches instead of one batch per point.
BATCH_LEVELS = 4


@dataclass(frozen=True)
class Factor:
    """One uncertain parameter: its range [low, high] and whether it is sampled on log scale."""

    name: str
    low: float
    high: float
    log: bool
    integer: bool = False

    def bounds(self) -> list[float]:
        """The range in sampling space (natural log of the values on a log scale)."""
        return [math.log(self.low), math.log(self.high)] if self.log else [self.low, self.high]

    def values(self, sampled: np.ndarray) -> list[float | int]:
        """Parameter values from points in sampling space, rounded for whole-number ones."""
        raw = np.exp(sampled) if self.log else np.asarray(sampled, dtype=float)
        raw = np.clip(raw, self.low, self.high)
        return [round(float(v)) for v in raw] if self.integer else [float(v) for v in raw]

    def describe(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "scale": "log" if self.log else "linear"}


def batch_shared(name: str) -> bool:
    """Whether runs must share `name`'s value to advance in one engine batch."""
    return name in SHARED_IN_A_BATCH


def snap(sampled: np.ndarray, low: float, high: float, levels: int = BATCH_LEVELS) -> np.ndarray:
    """Points in [low, high] moved to the midpoint of their stratum, one of `levels` equal ones."""
    width = (high - low) / levels
    index = np.clip(np.floor((np.asarray(sampled) - low) / width), 0, levels - 1)
    return low + (index + 0.5) * width


def batch_order(points: list[dict[str, float | int]]) -> list[int]:
    """Point indices sorted (stably) by the values runs must share to batch together."""
    keys = [tuple(p.get(name, 0) for name in SHARED_IN_A_BATCH) for p in points]
    return sorted(range(len(points)), key=keys.__getitem__)


def uncertain_parameters(scenario: Scenario) -> list[str]:
    """The assumed parameters a factor can describe: not a treaty lever, not zero here."""
    return [
        p.name
        for p in PARAMETERS
        if p.source.startswith("assumed")
        and p.group not in LEVER_GROUPS
        and float(scenario.value(p.name)) > 0
    ]


def scaled(name: str, low: float, high: float, scale: str = "auto") -> Factor:
    """A factor over [low, high]: log scale if asked, or (auto) if the range is wide."""
    log = scale == "log" or (scale == "auto" and low > 0 and high / low >= LOG_RATIO)
    if log and low <= 0:
        raise SweepSpecError(f"{name}: a log scale needs low > 0, got [{low:g}, {high:g}]")
    return Factor(name, float(low), float(high), log, override_kind(name) is int)


def around(scenario: Scenario, name: str, factor: float, scale: str = "auto") -> Factor:
    """`name` over [value / factor, value * factor] around its value, clipped to its range."""
    declared, value = declaration(name), float(scenario.value(name))
    if value <= 0:
        raise SweepSpecError(
            f"{name}: its value is {value:g}, so a factor around it is empty; give a range"
        )
    low, high = max(declared.low, value / factor), min(declared.high, value * factor)
    return scaled(name, low, high, scale)


@dataclass(frozen=True)
class DesignSpec(SweepSpec):
    """A sweep over an explicit list of parameter points (a design), with the usual seeds."""

    design: tuple[dict[str, float | int], ...] = ()
    design_info: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def swept(self) -> list[str]:
        return list(self.design[0]) if self.design else []

    @cached_property
    def points(self) -> list[dict[str, float | int]]:
        return [{**point, **self.fixed} for point in self.design]

    def normalised(self) -> dict[str, Any]:
        return {**super().normalised(), "design": self.design_info}


def design_spec(
    base: SweepSpec, design: list[dict[str, float | int]], info: dict[str, Any]
) -> DesignSpec:
    """The sweep of `base` (scenario, steps, seeds, fixed) over the points of `design`."""
    values = {k: v for k, v in vars(base).items() if k in SweepSpec.__dataclass_fields__}
    return DesignSpec(**values, design=tuple(design), design_info=info)
