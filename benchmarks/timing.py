"""What the benchmarks share: how a series of timings is summarised in one line."""

from __future__ import annotations

import statistics


def describe(values: list[float], decimals: int = 1) -> str:
    """The median and the 90th percentile (nearest rank) of `values`, in ms."""
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"median {statistics.median(values):6.{decimals}f} ms   p90 {p90:6.{decimals}f} ms"
