"""Figures of a sensitivity study: Morris mu*-sigma scatter and Sobol index bars, per metric."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

COLUMNS = 4
LABELLED = 6  # parameters named in each Morris panel: those with the largest mu*
#: The Sobol panels' bars: (offset, index, legend label, colour), total above first order.
SOBOL_BARS = ((0.2, "ST", "ST (total)", "tab:orange"), (-0.2, "S1", "S1 (first order)", "tab:blue"))


def _panels(count: int, width: float, height: float) -> tuple[plt.Figure, list[plt.Axes]]:
    columns = min(COLUMNS, count)
    rows = math.ceil(count / columns)
    figure, axes = plt.subplots(
        rows, columns, figsize=(width * columns, height * rows), squeeze=False
    )
    flat = list(axes.ravel())
    for extra in flat[count:]:
        extra.set_visible(False)
    return figure, flat[:count]


def morris_plot(indices: pd.DataFrame, title: str = "") -> plt.Figure:
    """mu* against sigma per metric: far right matters, high up acts nonlinearly or jointly."""
    metrics = list(dict.fromkeys(indices["metric"]))
    figure, axes = _panels(len(metrics), 3.6, 3.2)
    for ax, metric in zip(axes, metrics, strict=True):
        table = indices[indices["metric"] == metric].dropna(subset=["mu_star"])
        ax.errorbar(
            table["mu_star"],
            table["sigma"],
            xerr=table["mu_star_conf"],
            fmt="o",
            ms=4,
            color="tab:blue",
            ecolor="tab:gray",
            elinewidth=0.8,
        )
        named = table[table["mu_star"] > 0].nlargest(LABELLED, "mu_star")
        for row in named.itertuples():
            ax.annotate(
                row.parameter,
                (row.mu_star, row.sigma),
                fontsize=7,
                xytext=(3, 2),
                textcoords="offset points",
            )
        top = float(np.nanmax([table["mu_star"].max(), table["sigma"].max(), 0.0])) or 1.0
        ax.plot([0, top], [0, top], ls=":", lw=0.8, color="tab:gray")
        ax.set_title(metric.replace("_", " "), fontsize=9)
        ax.set_xlabel("mu* (mean |elementary effect|)", fontsize=8)
        ax.set_ylabel("sigma", fontsize=8)
        ax.tick_params(labelsize=7)
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure


def sobol_plot(indices: pd.DataFrame, title: str = "") -> plt.Figure:
    """First-order (S1) and total (ST) indices with 95% intervals, per metric, largest ST first."""
    metrics = list(dict.fromkeys(indices["metric"]))
    count = indices["parameter"].nunique()
    figure, axes = _panels(len(metrics), 3.6, 0.8 + 0.22 * count)
    for ax, metric in zip(axes, metrics, strict=True):
        table = indices[indices["metric"] == metric].sort_values("ST", na_position="first")
        rows = np.arange(len(table))
        for shift, key, label, color in SOBOL_BARS:
            ax.barh(
                rows + shift,
                table[key],
                0.4,
                xerr=table[f"{key}_conf"],
                label=label,
                color=color,
                error_kw={"elinewidth": 0.8},
            )
        ax.set_yticks(rows, table["parameter"], fontsize=7)
        ax.axvline(0, color="black", lw=0.6)
        ax.set_xlim(-0.1, 1.05)
        ax.set_title(metric.replace("_", " "), fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
    axes[0].legend(fontsize=7, loc="lower right")
    if title:
        figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure
