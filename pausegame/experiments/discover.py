"""Scenario discovery: where in the parameter space an outcome happens, as PRIM boxes and a
CART tree over the runs of a sweep, sensitivity or robustness folder.

PRIM (Friedman & Fisher 1999; for scenario discovery Bryant & Lempert 2010) peels the box
of all cases a little at a time towards a higher density of cases of interest, then pastes
back, and gives a trajectory of boxes trading coverage (share of all cases of interest
inside the box) against density (share of the box's cases that are of interest). The
implementation is EMA Workbench's (Kwakkel 2017), with its quasi-p-values per limit (how
likely a limit this good arises by chance, from a one-sided binomial test). The chosen box is
the densest with at least `min_coverage`. CART is scikit-learn's decision tree on the same
cases, as a second view of the same question.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pausegame.errors import InputError
from pausegame.experiments.report import load_sweep
from pausegame.experiments.robustness import DRAWS
from pausegame.sim.engine import OUTCOMES
from pausegame.userfiles import is_file, parse_toml

PEEL_ALPHA = 0.05
PASTE_ALPHA = 0.05
MASS_MIN = 0.05


@dataclass(frozen=True)
class Cases:
    """The cases to explain: one row of uncertain inputs `x` per case, `y` True if of interest."""

    x: pd.DataFrame
    y: np.ndarray
    metric: str
    source: str


def load_cases(
    folder: Path, metric: str, above: float | None = None, below: float | None = None
) -> Cases:
    """The cases of a sweep or sensitivity folder (one per run) or a robustness folder (one
    per draw); `metric` is an outcome, `all_labs_pause`, `pausing.ACTOR`, a claim, or a
    numeric column with `above` or `below` a threshold."""
    folder = Path(folder)
    if above is not None and below is not None:
        raise InputError("--above and --below: give one threshold, not both")
    if is_file(folder / DRAWS):
        draws = pd.read_parquet(folder / DRAWS)
        draws = draws[draws["draw"] > 0]  # draw 0 is the defaults, not a draw
        x = draws.filter(like="factor.").rename(columns=lambda c: c.removeprefix("factor."))
        return Cases(
            x.reset_index(drop=True),
            _indicator(draws, metric, above, below),
            metric,
            "robustness draws (inputs are factors on each parameter)",
        )
    sweep = load_sweep(folder)
    if not sweep.swept:
        raise InputError(f"{folder}: nothing was swept, so there is no parameter to explain")
    runs = sweep.runs
    if metric == "all_labs_pause":
        labs = _lab_count(sweep.manifest)
        y = (runs["labs_pausing"] == labs).to_numpy()
    else:
        y = _indicator(runs, metric, above, below)
    return Cases(runs[sweep.swept].astype(float), y, metric, f"{len(runs)} runs")


def _lab_count(manifest: dict[str, Any]) -> int:
    return len(
        parse_toml(manifest.get("scenario_toml", ""), "the sweep's scenario").get("labs", [])
    )


def _indicator(
    frame: pd.DataFrame, metric: str, above: float | None, below: float | None
) -> np.ndarray:
    """Which rows are of interest: an outcome, a true flag, or a number past a threshold."""
    column = frame[metric] if metric in frame.columns else None
    is_outcome = metric in OUTCOMES and "outcome" in frame
    if (is_outcome or (column is not None and column.dtype == bool)) and (
        above is not None or below is not None
    ):
        raise InputError(f"--metric {metric}: a case holds or not; --above/--below are for numbers")
    if is_outcome:
        return (frame["outcome"] == metric).to_numpy()
    if column is not None and column.dtype == bool:
        return column.to_numpy()
    if column is None or not pd.api.types.is_numeric_dtype(column):  # absent, or text
        known = [*OUTCOMES, "all_labs_pause"] if "outcome" in frame else []
        known += [c for c in frame.columns if c.startswith(("pausing.", "claim."))]
        numeric = [c for c in frame.select_dtypes("number").columns if c not in ("run_id",)]
        raise InputError(
            f"--metric {metric}: expected one of {', '.join(known)}, or a number column "
            f"with --above/--below ({', '.join(numeric[:8])}, ...)"
        )
    if above is None and below is None:
        raise InputError(f"--metric {metric}: a number; say --above VALUE or --below VALUE")
    values = column.astype(float).to_numpy()
    return values > above if above is not None else values < below


@dataclass(frozen=True)
class PrimResult:
    """A PRIM trajectory, the chosen box's index, and its limits with quasi-p-values."""

    trajectory: pd.DataFrame  # per box: coverage, density, mass, res_dim, ...
    chosen: int
    limits: pd.DataFrame  # per restricted parameter: min, max, qp_min, qp_max, range
    bounds: pd.DataFrame  # per parameter: the full range of the cases (low, high)

    def as_dict(self) -> dict[str, Any]:
        row = self.trajectory.iloc[self.chosen]
        return {
            "chosen_box": self.chosen,
            "coverage": float(row["coverage"]),
            "density": float(row["density"]),
            "mass": float(row["mass"]),
            "restricted": _records(self.limits),
            "trajectory": _records(self.trajectory),
            "ranges": {name: [float(r.low), float(r.high)] for name, r in self.bounds.iterrows()},
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
        for row in frame.reset_index().to_dict("records")
    ]


def find_box(cases: Cases, min_coverage: float = 0.8, box: int | None = None) -> PrimResult:
    """PRIM over the cases: the peeling-and-pasting trajectory and the chosen box."""
    if not 0 < cases.y.sum() < len(cases.y):
        raise InputError(
            f"--metric {cases.metric}: {int(cases.y.sum())} of {len(cases.y)} cases are of "
            "interest; PRIM needs some of each"
        )
    with warnings.catch_warnings():  # it announces optional parallel back-ends on import
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        peeler = prim.Prim(
            cases.x,
            cases.y.astype(int),
            peel_alpha=PEEL_ALPHA,
            paste_alpha=PASTE_ALPHA,
            mass_min=MASS_MIN,
        )
        found = peeler.find_box()
    trajectory = found.peeling_trajectory.reset_index(drop=True)
    if box is None:
        covered = trajectory[trajectory["coverage"] >= min_coverage]
        box = int(covered["density"].idxmax()) if len(covered) else 0
    elif not 0 <= box < len(trajectory):
        raise InputError(f"--box {box}: expected a box in [0, {len(trajectory) - 1}]")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, table = found.inspect(box, style="data")[0]
    table.columns = ["min", "max", "qp_min", "qp_max"]
    bounds = pd.DataFrame({"low": cases.x.min(), "high": cases.x.max()})
    table["range_low"], table["range_high"] = (
        bounds.loc[table.index, "low"],
        bounds.loc[table.index, "high"],
    )
    return PrimResult(trajectory, box, table.rename_axis("parameter"), bounds)


@dataclass(frozen=True)
class Tree:
    """A fitted CART tree: its rules as text, its leaves, and its accuracy on the cases."""

    model: Any
    rules: str
    leaves: pd.DataFrame
    accuracy: float


def fit_tree(cases: Cases, depth: int = 3, seed: int = 0) -> Tree:
    """A classification tree of the cases (scikit-learn), its leaves at least 2% of them."""
    from sklearn.tree import DecisionTreeClassifier, export_text

    leaf = max(5, len(cases.y) // 50)
    model = DecisionTreeClassifier(max_depth=depth, min_samples_leaf=leaf, random_state=seed)
    model.fit(cases.x.to_numpy(), cases.y)
    rules = export_text(model, feature_names=list(cases.x.columns), show_weights=True, decimals=4)
    leaf_of = model.apply(cases.x.to_numpy())
    leaves = (
        pd.DataFrame({"leaf": leaf_of, "of_interest": cases.y})
        .groupby("leaf")["of_interest"]
        .agg(cases="size", density="mean")
        .reset_index()
    )
    leaves["coverage"] = leaves["density"] * leaves["cases"] / max(1, int(cases.y.sum()))
    return Tree(model, rules, leaves, float(model.score(cases.x.to_numpy(), cases.y)))
