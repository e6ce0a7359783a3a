"""Global sensitivity analysis: run a design's points as a sweep, then SALib's Morris or Sobol.

Each design row runs `seeds` times; its outputs are the shares and means over those seeds
(`METRICS`), in the design's order, and SALib analyses them: Morris elementary effects
(mu, mu*, sigma; Morris 1991, Campolongo et al. 2007) or Sobol first-order and total indices
(Saltelli 2002; Jansen 1999 estimators as SALib implements them), each with a bootstrap
confidence interval. `seed_noise` says how much of an output's variance across design rows
is left-over seed noise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pausegame.experiments.report import aligned
from pausegame.experiments.sensitivity_spec import Design, SensitivitySpec
from pausegame.experiments.sweep import SweepResult, run_sweep
from pausegame.userfiles import replace_all_atomically

RESULTS = "_sensitivity"  # inside the study's folder; `_` keeps Parquet readers of DIR away
CONF_LEVEL = 0.95
RESAMPLES = 200
ANALYSIS_SEED = 1  # SALib draws its bootstrap from the global RNG when the seed is 0

#: Per run, each output's value; a design row's output is its mean over the row's seeds.
METRICS: dict[str, Callable[[pd.DataFrame, int], pd.Series]] = {
    "global_pause": lambda runs, labs: (runs["outcome"] == "global_pause").astype(float),
    "catastrophe": lambda runs, labs: (runs["outcome"] == "catastrophe").astype(float),
    "all_labs_pause": lambda runs, labs: (runs["labs_pausing"] == labs).astype(float),
    **{
        name: (lambda column: lambda runs, labs: runs[column].astype(float))(name)
        for name in (
            "cumulative_catastrophe_probability",
            "coalition_size",
            "open_source_hazard_share",
            "welfare_states",
            "welfare_labs",
        )
    },
}
#: Short column headings for the printed table.
HEADINGS = {
    "all_labs_pause": "all labs pause",
    "cumulative_catastrophe_probability": "P(catastrophe)",
    "coalition_size": "coalition",
    "open_source_hazard_share": "open-source hazard",
    "welfare_states": "welfare states",
    "welfare_labs": "welfare labs",
}


def design_outputs(spec: SensitivitySpec, runs: pd.DataFrame) -> pd.DataFrame:
    """Each design row's outputs (mean over its seeds) in the design's order.

    One row per design row: `sample`, `point_id`, the metrics, and `split.METRIC`: the mean
    over the seeds in even places of the seed list minus the mean over those in odd places,
    which `seed_noise` reads.
    """
    labs = len(spec.sweep.base.labs)
    values = pd.DataFrame({name: f(runs, labs) for name, f in METRICS.items()})
    values["point_id"] = runs["point_id"].to_numpy()
    even = runs["seed"].isin(spec.sweep.seeds[::2]).to_numpy()
    means = values.groupby("point_id").mean()
    split = values[even].groupby("point_id").mean() - values[~even].groupby("point_id").mean()
    frame = means.join(split.add_prefix("split.")).reindex(range(len(spec.order)))
    frame.insert(0, "sample", list(spec.order))
    frame = frame.rename_axis("point_id").reset_index()
    return frame.sort_values("sample").reset_index(drop=True)


def seed_noise(outputs: pd.DataFrame) -> dict[str, float]:
    """Per metric, the share of the variance across design rows that is seed noise.

    Every point runs the same seeds (common random numbers), so noise shared by all points
    moves every output alike and cannot change an index; what can is the noise that differs
    from point to point. Half the seeds against the other half estimates it: the variance
    across points of their difference, over 4, is that noise's variance in the full mean
    (a split of two equal halves; close to it for an odd count).
    """
    noise = {}
    for name in METRICS:
        total = float(outputs[name].var(ddof=1))
        split = outputs[f"split.{name}"]
        within = float(split.var(ddof=1)) / 4 if split.notna().all() else float("nan")
        noise[name] = within / total if total > 0 else float("nan")
    return noise


def analyse(
    design: Design,
    outputs: pd.DataFrame,
    metrics: list[str] | None = None,
    resamples: int = RESAMPLES,
    seed: int = ANALYSIS_SEED,
) -> pd.DataFrame:
    """SALib's analysis of each metric column of `outputs` (rows in design order).

    One row per (metric, parameter): Morris `mu`, `mu_star`, `sigma`, `mu_star_conf`, or
    Sobol `S1`, `S1_conf`, `ST`, `ST_conf` (half-widths of the 95% bootstrap interval).
    A metric that never varies has no indices (NaN).
    """
    from SALib.analyze import morris, sobol

    names = [f.name for f in design.factors]
    keys = ("mu", "mu_star", "sigma", "mu_star_conf")
    if design.method == "sobol":
        keys = ("S1", "S1_conf", "ST", "ST_conf")
    shared = {"num_resamples": resamples, "conf_level": CONF_LEVEL, "seed": seed}  # both methods
    rows = []
    for metric in metrics or [c for c in outputs.columns if c in METRICS]:
        y = outputs[metric].to_numpy(dtype=float)
        if len(y) != len(design.x) or not np.isfinite(y).all() or np.ptp(y) == 0:
            result = {key: np.full(len(names), np.nan) for key in keys}
        elif design.method == "sobol":
            result = sobol.analyze(design.problem, y, calc_second_order=False, **shared)
        else:
            result = morris.analyze(design.problem, design.x, y, num_levels=design.levels, **shared)
        for d, name in enumerate(names):
            rows.append(
                {"metric": metric, "parameter": name, **{k: float(result[k][d]) for k in keys}}
            )
    return pd.DataFrame(rows)


def samples_frame(spec: SensitivitySpec) -> pd.DataFrame:
    """The design: `sample` (SALib's row), `point_id` (the sweep's), sampling-space x and values."""
    design = spec.design
    point_of = {sample: point for point, sample in enumerate(spec.order)}
    frame = pd.DataFrame({"sample": np.arange(len(design.x))})
    frame["point_id"] = [point_of[i] for i in frame["sample"]]
    for d, f in enumerate(design.factors):
        frame[f"x.{f.name}"] = design.x[:, d]
        frame[f.name] = [p[f.name] for p in design.points]
    return frame


@dataclass(frozen=True)
class SensitivityResult:
    """A finished (or resumed) study: the sweep session, outputs, indices, seed noise, files."""

    sweep: SweepResult
    outputs: pd.DataFrame
    indices: pd.DataFrame
    noise: dict[str, float]
    folder: Path


def run_sensitivity(spec: SensitivitySpec, out: Path, **options: Any) -> SensitivityResult:
    """Run (or resume) the study's sweep into `out`, analyse it, write `out/_sensitivity/`.

    `options` are `run_sweep`'s (workers, scheduler, batch_size, chunk_size, progress).
    """
    sweep = run_sweep(spec.sweep, out, **options)
    runs = pd.read_parquet(out)
    outputs = design_outputs(spec, runs)
    indices = analyse(spec.design, outputs)
    noise = seed_noise(outputs)
    folder = Path(out) / RESULTS
    folder.mkdir(exist_ok=True)
    samples = samples_frame(spec)
    replace_all_atomically(  # a failure (a full disk) leaves none of them, not some
        [
            (folder / "samples.parquet", lambda path: samples.to_parquet(path, index=False)),
            (folder / "outputs.parquet", lambda path: outputs.to_parquet(path, index=False)),
            (folder / "indices.parquet", lambda path: indices.to_parquet(path, index=False)),
            (folder / "indices.csv", lambda path: indices.to_csv(path, index=False)),
        ]
    )
    return SensitivityResult(sweep, outputs, indices, noise, folder)


def format_indices(indices: pd.DataFrame, method: str, noise: dict[str, float]) -> str:
    """A table: one row per parameter, one column per metric (ST or mu*, with its interval)."""
    value, conf = ("ST", "ST_conf") if method == "sobol" else ("mu_star", "mu_star_conf")
    metrics = list(dict.fromkeys(indices["metric"]))
    parameters = list(dict.fromkeys(indices["parameter"]))
    cell = indices.set_index(["parameter", "metric"])
    header = ["parameter", *(HEADINGS.get(m, m.replace("_", " ")) for m in metrics)]
    lines = []
    for name in parameters:
        row = [name]
        for metric in metrics:
            v, c = cell.loc[(name, metric), value], cell.loc[(name, metric), conf]
            row.append("-" if np.isnan(v) else f"{v:.3g} ±{c:.2g}")
        lines.append(row)
    lines.append(["(seed noise)", *(_share(noise.get(m, np.nan)) for m in metrics)])
    return "\n".join(aligned([header, *lines], left=1))


def _share(value: float) -> str:
    return "-" if np.isnan(value) else f"{value:.0%}"
