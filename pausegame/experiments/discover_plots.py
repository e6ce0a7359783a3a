"""Figures of scenario discovery: PRIM's coverage-density trade-off, the chosen box's limits,
and the CART tree."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from pausegame.experiments.discover import PrimResult, Tree


def tradeoff_plot(result: PrimResult, title: str = "") -> plt.Figure:
    """Each box of the trajectory as (coverage, density), coloured by restricted dimensions."""
    trajectory = result.trajectory
    figure, axes = plt.subplots(figsize=(5.2, 4.2))
    points = axes.scatter(
        trajectory["coverage"],
        trajectory["density"],
        c=trajectory["res_dim"],
        cmap="viridis",
        s=18,
        zorder=2,
    )
    axes.plot(trajectory["coverage"], trajectory["density"], lw=0.6, color="tab:gray", zorder=1)
    chosen = trajectory.iloc[result.chosen]
    axes.scatter(
        [chosen["coverage"]],
        [chosen["density"]],
        s=120,
        facecolors="none",
        edgecolors="tab:red",
        lw=1.5,
        zorder=3,
        label=f"chosen box {result.chosen}",
    )
    dims = sorted(set(trajectory["res_dim"].astype(int)))
    colour = figure.colorbar(points, ax=axes, ticks=dims)
    colour.set_label("restricted dimensions")
    axes.set_xlabel("coverage (share of the cases of interest inside the box)")
    axes.set_ylabel("density (share of the box's cases of interest)")
    axes.set_xlim(-0.02, 1.02)
    axes.set_ylim(0.0, 1.02)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8, loc="lower left")
    axes.set_title(title or "PRIM peeling trajectory", fontsize=10)
    figure.tight_layout()
    return figure


def box_plot(result: PrimResult, title: str = "") -> plt.Figure:
    """The chosen box's limits on each restricted parameter, against the parameter's range."""
    limits = result.limits
    figure, axes = plt.subplots(figsize=(6.0, 0.9 + 0.55 * max(1, len(limits))))
    for row, (_, limit) in enumerate(limits.iterrows()):
        low, high = limit["range_low"], limit["range_high"]
        width = high - low if high > low else 1.0
        start, end = (limit["min"] - low) / width, (limit["max"] - low) / width
        axes.barh(row, 1.0, color="0.9", height=0.5)
        axes.barh(row, end - start, left=start, color="tab:blue", height=0.5)
        axes.text(start, row - 0.3, f"{limit['min']:.3g}", ha="center", va="bottom", fontsize=8)
        axes.text(end, row - 0.3, f"{limit['max']:.3g}", ha="center", va="bottom", fontsize=8)
        axes.text(1.02, row, _qp(limit["qp_min"], limit["qp_max"]), va="center", fontsize=7)
    axes.set_yticks(np.arange(len(limits)), list(limits.index), fontsize=9)
    axes.set_xlim(0.0, 1.45)
    axes.set_xticks([0.0, 0.5, 1.0], ["low end", "middle", "high end"], fontsize=8)
    axes.invert_yaxis()
    stats = result.trajectory.iloc[result.chosen]
    axes.set_title(
        title
        or f"PRIM box {result.chosen}: coverage {stats['coverage']:.0%}, "
        f"density {stats['density']:.0%}",
        fontsize=10,
    )
    figure.tight_layout()
    return figure


def _qp(low: float, high: float) -> str:
    parts = [f"{side} qp {value:.1e}" for side, value in (("min", low), ("max", high))]
    return "\n".join(p for p, v in zip(parts, (low, high), strict=True) if not np.isnan(v))


def tree_plot(tree: Tree, names: list[str]) -> plt.Figure:
    """The CART tree: each node's split, cases and share of cases of interest."""
    from sklearn.tree import plot_tree

    depth = tree.model.get_depth()
    figure, axes = plt.subplots(figsize=(max(6.0, 3.0 * 2 ** max(0, depth - 1)), 1.8 + 1.6 * depth))
    plot_tree(
        tree.model,
        feature_names=names,
        class_names=["other", "of interest"],
        filled=True,
        impurity=False,
        proportion=True,
        rounded=True,
        fontsize=8,
        ax=axes,
    )
    figure.tight_layout()
    return figure
