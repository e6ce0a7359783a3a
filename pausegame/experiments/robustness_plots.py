"""The figure of a robustness study: each claim's share of draws with its Wilson interval."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


def claims_plot(table: pd.DataFrame, title: str = "") -> plt.Figure:
    """Horizontal bars: the share of draws where each claim holds, 95% Wilson interval,
    and a marker for whether it holds at the defaults."""
    rows = np.arange(len(table))[::-1]
    figure, axes = plt.subplots(figsize=(7.5, 0.8 + 0.45 * len(table)))
    errors = np.vstack([table["share"] - table["low"], table["high"] - table["share"]])
    axes.barh(
        rows,
        table["share"],
        xerr=errors,
        color="tab:blue",
        height=0.6,
        error_kw={"elinewidth": 1.0, "capsize": 3},
    )
    for row, holds in zip(rows, table["at_defaults"], strict=True):
        axes.text(
            1.03,
            row,
            "holds at defaults" if holds else "fails at defaults",
            va="center",
            fontsize=7,
            color="tab:green" if holds else "tab:red",
        )
    axes.set_yticks(rows, table["claim"], fontsize=8)
    axes.set_xlim(0.0, 1.3)
    axes.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"], fontsize=8)
    axes.set_xlabel(
        "share of joint parameter draws in which the claim holds (95% Wilson)", fontsize=8
    )
    axes.axvline(1.0, color="0.6", lw=0.6)
    axes.set_title(title, fontsize=9)
    figure.tight_layout()
    return figure
