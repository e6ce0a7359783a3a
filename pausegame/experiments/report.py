"""Summaries of a finished sweep: outcome shares with Wilson intervals per parameter point,
a phase diagram of one metric over two swept parameters, and line plots over one.

Shares (an outcome, or a lab still pausing at the end) get Wilson score intervals, which
stay inside [0, 1] and behave at 0 and n (Wilson 1927; Brown, Cai & DasGupta 2001); means
of continuous results get normal intervals, mean +- z * sd / sqrt(n).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pyarrow import ArrowException

from pausegame.errors import InputError
from pausegame.experiments.sweep_store import read_manifest
from pausegame.sim.engine import OUTCOMES
from pausegame.userfiles import is_dir

Z95 = 1.959963984540054  # the standard normal's 97.5% quantile
MAX_LEVELS = 12  # a parameter with more distinct values (a sampled one) is binned
BINS = 8
MEAN_METRICS = (
    "cumulative_catastrophe_probability",
    "coalition_size",
    "labs_pausing",
    "states_in_treaty",
    "welfare_labs",
    "welfare_states",
    "open_source_hazard_share",
    "detections",
    "false_alarms",
    "steps_run",
)


def wilson_interval(successes: Any, trials: Any, z: float = Z95) -> tuple[Any, Any]:
    """The Wilson score interval of a binomial share; NaN where there are no trials.

    Works elementwise on arrays: (low, high) for `successes` out of `trials`.
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = k / n
        denominator = 1.0 + z * z / n
        centre = (share + z * z / (2.0 * n)) / denominator
        half = z / denominator * np.sqrt(share * (1.0 - share) / n + z * z / (4.0 * n * n))
    # The interval reaches 0 exactly at k = 0 and 1 at k = n; say so rather than round.
    low = np.where(k == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    high = np.where(k == n, 1.0, np.clip(centre + half, 0.0, 1.0))
    low, high = np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)
    return (float(low), float(high)) if low.ndim == 0 else (low, high)


@dataclass(frozen=True)
class Sweep:
    """A sweep folder's finished runs with its manifest."""

    folder: Path
    runs: pd.DataFrame
    manifest: dict[str, Any]

    @property
    def swept(self) -> list[str]:
        return list(self.manifest.get("swept", []))


def load_sweep(folder: Path) -> Sweep:
    """The committed runs of a sweep folder (possibly unfinished) and its manifest."""
    folder = Path(folder)
    if not is_dir(folder):
        raise InputError(f"{folder}: no such folder; run `pausegame sweep SPEC --out DIR` first")
    manifest = read_manifest(folder)
    if manifest is None:
        raise InputError(
            f"{folder}: not a sweep folder (no _manifest.json); "
            "run `pausegame sweep SPEC --out DIR` first"
        )
    swept, spec = manifest.get("swept", []), manifest.get("spec", {})
    if not isinstance(swept, list) or not all(isinstance(name, str) for name in swept):
        raise InputError(f"{folder}/_manifest.json: 'swept' must be a list of parameter names")
    if len(set(swept)) < len(swept):
        raise InputError(f"{folder}/_manifest.json: 'swept' names a parameter twice")
    if not isinstance(spec, dict):
        raise InputError(f"{folder}/_manifest.json: 'spec' must be an object")
    try:
        runs = pd.read_parquet(folder)
    except (OSError, ValueError, TypeError, ArrowException) as error:
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise InputError(f"{folder}: no finished runs to report ({reason})") from None
    if runs.empty:
        raise InputError(f"{folder}: no finished runs to report")
    _check_columns(runs, swept, folder)
    return Sweep(folder, runs.sort_values("run_id").reset_index(drop=True), manifest)


def _check_columns(runs: pd.DataFrame, swept: list[str], folder: Path) -> None:
    """The columns a report reads must be there, with the types a sweep writes."""
    numeric = ["run_id", *swept, "cumulative_catastrophe_probability", "coalition_size"]
    numeric.append("open_source_hazard_share")
    for name in ["outcome", *numeric]:
        if name not in runs.columns:
            raise InputError(f"{folder}: the runs have no column {name!r}; not a sweep's parts")
    for name in numeric:
        if not pd.api.types.is_numeric_dtype(runs[name]) or pd.api.types.is_bool_dtype(runs[name]):
            raise InputError(f"{folder}: column {name!r} holds {runs[name].dtype}, not numbers")
    if not np.isfinite(runs[swept].to_numpy(dtype=float)).all():
        raise InputError(f"{folder}: a swept parameter's column holds NaN or infinity")


def metric_names(runs: pd.DataFrame) -> list[str]:
    """Every metric a report can show: outcome shares, final pausing shares, means."""
    pausing = [c for c in runs.columns if c.startswith("pausing.")]
    return [*OUTCOMES, *pausing, *(m for m in MEAN_METRICS if m in runs.columns)]


def check_metric(runs: pd.DataFrame, metric: str) -> None:
    if metric not in metric_names(runs):
        raise InputError(f"--metric {metric}: expected one of {', '.join(metric_names(runs))}")


def is_share(metric: str) -> bool:
    """Whether `metric` is a share of runs (with Wilson intervals) rather than a mean."""
    return metric in OUTCOMES or metric.startswith("pausing.")


def _indicator(runs: pd.DataFrame, metric: str) -> pd.Series:
    if metric in OUTCOMES:
        return (runs["outcome"] == metric).astype(float)
    return runs[metric].astype(float)


def axis_values(runs: pd.DataFrame, name: str) -> pd.Series:
    """A parameter's values for grouping: as they are, or bin midpoints when there are many."""
    values = runs[name]
    if values.nunique() <= MAX_LEVELS:
        return values
    edges = np.linspace(values.min(), values.max(), BINS + 1)
    index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, BINS - 1)
    return pd.Series((edges[index] + edges[index + 1]) / 2, index=values.index, name=name)


def metric_table(runs: pd.DataFrame, metric: str, by: list[str], z: float = Z95) -> pd.DataFrame:
    """Per group of `by`: runs, the metric's value and its interval (low, high)."""
    check_metric(runs, metric)
    frame = pd.DataFrame({name: axis_values(runs, name) for name in by})
    frame["value"] = _indicator(runs, metric)
    groups = frame.groupby(by, sort=True)["value"] if by else [((), frame["value"])]
    rows = []
    for key, values in groups:
        key = key if isinstance(key, tuple) else (key,)
        n, mean = len(values), float(values.mean())
        if is_share(metric):
            low, high = wilson_interval(values.sum(), n, z)
        else:
            half = z * float(values.std(ddof=1)) / np.sqrt(n) if n > 1 else float("nan")
            low, high = mean - half, mean + half
        rows.append(
            {**dict(zip(by, key, strict=True)), "runs": n, "value": mean, "low": low, "high": high}
        )
    return pd.DataFrame(rows, columns=[*by, "runs", "value", "low", "high"])


def outcome_table(runs: pd.DataFrame, by: list[str], z: float = Z95) -> pd.DataFrame:
    """Per parameter point: each outcome's count, share and Wilson interval, and key means."""
    frame = runs.assign(**{name: axis_values(runs, name) for name in by})
    groups = frame.groupby(by, sort=True) if by else [((), frame)]
    rows = []
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        n = len(group)
        row: dict[str, Any] = {**dict(zip(by, key, strict=True)), "runs": n}
        for outcome in OUTCOMES:
            count = int((group["outcome"] == outcome).sum())
            low, high = wilson_interval(count, n, z)
            row.update(
                {
                    f"{outcome}_count": count,
                    f"{outcome}_share": count / n,
                    f"{outcome}_low": low,
                    f"{outcome}_high": high,
                }
            )
        for name in (
            "cumulative_catastrophe_probability",
            "coalition_size",
            "open_source_hazard_share",
        ):
            row[f"mean_{name}"] = float(group[name].mean())
        rows.append(row)
    return pd.DataFrame(rows)


def format_outcome_table(table: pd.DataFrame, by: list[str], limit: int = 40) -> str:
    """The outcome table as aligned text: each share with its interval."""
    header = [*by, "runs", *(o.replace("_", " ") for o in OUTCOMES), "mean P(catastrophe)"]
    lines = []
    for _, row in table.head(limit).iterrows():
        cells = [f"{row[name]:g}" for name in by] + [str(int(row["runs"]))]
        cells += [
            f"{row[f'{o}_share']:.0%} [{row[f'{o}_low']:.0%}, {row[f'{o}_high']:.0%}]"
            for o in OUTCOMES
        ]
        cells.append(f"{row['mean_cumulative_catastrophe_probability']:.3f}")
        lines.append(cells)
    text = aligned([header, *lines])
    if len(table) > limit:
        text.append(f"... and {len(table) - limit} more points (see the CSV)")
    return "\n".join(text)


def aligned(rows: list[list[str]], left: int = 0) -> list[str]:
    """Rows of cells as text columns two spaces apart: the first `left` columns flush left,
    the rest flush right."""
    widths = [max(len(c) for c in column) for column in zip(*rows, strict=True)]
    return [
        "  ".join(
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )
        for cells in rows
    ]


def metric_label(metric: str) -> str:
    """A readable axis or colour-bar label for a metric."""
    if metric in OUTCOMES:
        return f"share of runs ending in {metric.replace('_', ' ')}"
    if metric.startswith("pausing."):
        return f"share of runs with {metric.removeprefix('pausing.')} pausing at the end"
    return f"mean {metric.replace('_', ' ')}"
