"""Batch-invariant numerics the kernel is built from: per-batch parameters, powers, growth."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from pausegame.sim.world import Array


def per_batch(value: Any) -> Any:
    """A scalar stays; a batch-shaped parameter array gains a trailing axis to meet actors."""
    if isinstance(value, float | int) or np.ndim(value) == 0:
        return value
    return np.asarray(value)[..., None]


def power(base: Any, exponent: Any) -> Array:
    """base**exponent through NumPy's array loop, even for scalars.

    NumPy computes `**` on a lone float64 with the C library and on arrays with its own
    SIMD loop; the two can differ in the last bit, which would make a run's numbers depend
    on how many runs are batched together. Routing every power through the array loop keeps
    the kernel batch-invariant, so the engines agree exactly.
    """
    base = np.asarray(base, dtype=np.float64)
    exponent = np.asarray(exponent, dtype=np.float64)
    shape = base.shape
    if exponent.shape != shape:
        if exponent.ndim == 0:  # the usual case, a shared exponent: filled, not broadcast
            exponent = np.full(shape, exponent)
        else:
            shape = np.broadcast_shapes(shape, exponent.shape)
            base, exponent = np.broadcast_to(base, shape), np.broadcast_to(exponent, shape)
    # Same-shape contiguous operands: no 0-d or scalar-exponent shortcut (square, sqrt)
    # is taken for some batches and not others.
    flat_base = np.ascontiguousarray(base).reshape(-1)
    flat_exponent = np.ascontiguousarray(exponent).reshape(-1)
    return np.power(flat_base, flat_exponent).reshape(shape)


def sigmoid(x: Array) -> Array:
    """The logistic function, stable for large |x|."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def market_per_step(step: Array, size_2024: Any, cagr: Any) -> Array:
    """A market of `size_2024` $B a year in 2024 growing at `cagr`, per monthly step ($B)."""
    return size_2024 * market_growth(step, cagr) / 12.0


def market_growth(step: Array, cagr: Any) -> Array:
    """How many times the generative-AI market has grown since the start.

    Fines and perceived catastrophe losses are stated at 2024 values and scale with it, as
    turnover-based fines do, so deterrence does not erode as revenue grows 42% a year.
    """
    if np.ndim(step) == 0 and np.ndim(cagr) == 0:  # every run of a batch is at one step
        return _growth_at(float(step), float(cagr))
    return power(1.0 + np.asarray(cagr), np.asarray(step) / 12.0)


@functools.lru_cache(maxsize=4096)
def _growth_at(step: float, cagr: float) -> np.ndarray:
    """`market_growth` of one step, computed once: a lookahead asks for each month many times."""
    growth = power(1.0 + np.asarray(cagr), np.asarray(step) / 12.0)
    growth.flags.writeable = False
    return growth


def monthly_odds(annual: Any) -> Array:
    """The per-step chance that gives `annual` odds over twelve monthly steps."""
    return 1.0 - power(1.0 - np.asarray(annual, dtype=np.float64), 1.0 / 12.0)
