"""Figures of a sweep: a phase diagram (heatmap) over two parameters, lines over one."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from pausegame.experiments.report import is_share, metric_label

MAX_LINES = 8


def _format(value: float, share: bool) -> str:
    if np.isnan(value):
        return ""
    return f"{value:.0%}" if share else f"{value:.3g}"


def phase_diagram(table: pd.DataFrame, x: str, y: str, metric: str, note: str = "") -> plt.Figure:
    """A heatmap of `metric` (table columns x, y, value, runs) with each cell's value written in."""
    grid = table.pivot_table(index=y, columns=x, values="value", aggfunc="first")
    runs = table.pivot_table(index=y, columns=x, values="runs", aggfunc="first")
    share = is_share(metric)
    figure, axes = plt.subplots(figsize=(1.2 * len(grid.columns) + 3, 0.9 * len(grid.index) + 2))
    image = axes.imshow(
        grid.to_numpy(dtype=float),
        origin="lower",
        aspect="auto",
        cmap="viridis",
        vmin=0.0 if share else None,
        vmax=1.0 if share else None,
    )
    for (row, column), value in np.ndenumerate(grid.to_numpy(dtype=float)):
        bright = share and value > 0.6
        axes.text(
            column,
            row,
            _format(value, share),
            ha="center",
            va="center",
            fontsize=8,
            color="black" if bright else "white",
        )
    axes.set_xticks(range(len(grid.columns)), [f"{v:g}" for v in grid.columns])
    axes.set_yticks(range(len(grid.index)), [f"{v:g}" for v in grid.index])
    axes.set_xlabel(x)
    axes.set_ylabel(y)
    counts = runs.to_numpy(dtype=float)
    fewest, most = int(np.nanmin(counts)), int(np.nanmax(counts))
    per_cell = f"{fewest}" if fewest == most else f"{fewest}-{most}"
    note = f"; {note}" if note else ""
    axes.set_title(f"{metric_label(metric)}\n({per_cell} runs per cell{note})", fontsize=10)
    bar = figure.colorbar(image, ax=axes)
    bar.set_label(metric_label(metric))
    figure.tight_layout()
    return figure


def line_plot(
    table: pd.DataFrame, x: str, metric: str, by: str | None = None, title: str = ""
) -> plt.Figure:
    """`metric` against `x` with its interval as a band; one line per value of `by`."""
    figure, axes = plt.subplots(figsize=(7, 4.5))
    groups = table.groupby(by, sort=True) if by else [(None, table)]
    for key, rows in groups:
        rows = rows.sort_values(x)
        label = f"{by} = {key:g}" if by else None
        (line,) = axes.plot(rows[x], rows["value"], marker="o", lw=1.5, label=label)
        axes.fill_between(
            rows[x], rows["low"], rows["high"], color=line.get_color(), alpha=0.15, lw=0
        )
    axes.set_xlabel(x)
    axes.set_ylabel(metric_label(metric))
    if is_share(metric):
        axes.set_ylim(-0.02, 1.02)
    axes.set_title(title or f"{metric_label(metric)} (band: 95% interval)", fontsize=10)
    if by:
        axes.legend(fontsize=8)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def save(figure: plt.Figure, path: Path) -> Path:
    """Save and close a figure."""
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
