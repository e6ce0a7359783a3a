"""Counter-based random draws keyed by (seed, step, agent, purpose), independent of call order.

A run's results therefore never depend on the order in which agents are evaluated, on the
engine that advances it, or on how runs are spread over workers.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MUL1 = np.uint64(0xBF58476D1CE4E5B9)
_MUL2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 2.0**-53

#: The agent id used for draws that belong to the world, not to one agent.
WORLD = 1_000_000


class Purpose(IntEnum):
    """What a draw is for; each purpose has its own independent stream."""

    REVISE = 1
    ORDER = 2
    CHOICE = 3
    DETECT = 4
    FALSE_ALARM = 5
    CATASTROPHE = 6
    NOISE_A = 7
    NOISE_B = 8
    PARTNER = 9


def _mix(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser (Steele, Lea & Flood 2014): a bijective avalanche on 64 bits."""
    x = x + _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _MUL1
    x = (x ^ (x >> np.uint64(27))) * _MUL2
    return x ^ (x >> np.uint64(31))


def _key(value: object) -> np.ndarray:
    """Integer keys as uint64; seeds may be negative or wider than 64 bits (taken mod 2**64)."""
    array = np.asarray(value)
    if array.dtype == object:
        return np.vectorize(lambda v: int(v) % 2**64, otypes=[np.uint64])(array)
    if array.dtype.kind in "iu":
        return array.astype(np.int64).astype(np.uint64)
    raise TypeError(f"keys must be integers, got {array.dtype}")


def keyed_uniform(seed: object, step: object, agent: object, purpose: object) -> np.ndarray:
    """Uniform draws in [0, 1), one per broadcast element of the four integer keys."""
    with np.errstate(over="ignore"):
        h = _mix(_key(seed))
        h = _mix(h ^ _key(step))
        h = _mix(h ^ _key(agent))
        h = _mix(h ^ _key(purpose))
    return (h >> np.uint64(11)).astype(np.float64) * _TO_UNIT


def keyed_normal(seed: object, step: object, agent: object) -> np.ndarray:
    """Standard normal draws keyed like `keyed_uniform` (Box-Muller on two keyed uniforms)."""
    u1 = keyed_uniform(seed, step, agent, Purpose.NOISE_A)
    u2 = keyed_uniform(seed, step, agent, Purpose.NOISE_B)
    return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)
