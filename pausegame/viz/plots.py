"""Static plots of one run: coalition size, capabilities against the threshold, hazard."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from pausegame.experiments.runs import RunResult
from pausegame.sim.engine import OPEN_SOURCE


def run_figure(result: RunResult, threshold: float) -> plt.Figure:
    """A three-panel figure of one run."""
    steps, agents = result.steps, result.agents
    figure, (coalition, capability, hazard) = plt.subplots(3, 1, figsize=(9, 10), sharex=True)
    coalition.step(steps["step"], steps["labs_pausing"], where="post", label="labs pausing")
    coalition.step(steps["step"], steps["states_in_treaty"], where="post", label="states in treaty")
    coalition.set_ylabel("coalition size")
    coalition.legend(loc="upper left")
    coalition.set_title(
        f"{result.summary['scenario']}, seed {result.summary['seed']}: "
        f"{result.summary['outcome'].replace('_', ' ')}"
    )
    for name, rows in agents[agents["kind"] == "lab"].groupby("name", sort=False):
        capability.plot(rows["step"], rows["capability"], lw=1.2, label=name)
    pool = agents[agents["name"] == OPEN_SOURCE]
    capability.plot(pool["step"], pool["capability"], "k--", lw=2, label=OPEN_SOURCE)
    capability.axhline(threshold, color="red", lw=1, ls=":", label="self-improvement threshold")
    capability.set_ylabel("capability")
    capability.set_yscale("log")
    # Capability is an index near 1: plain numbers read better than powers of ten.
    plain = matplotlib.ticker.FormatStrFormatter("%.2g")
    capability.yaxis.set_major_formatter(plain)
    capability.yaxis.set_minor_formatter(plain)
    capability.legend(loc="upper left", fontsize=7, ncol=2)
    hazard.plot(steps["step"], steps["catastrophe_probability"], label="per step")
    hazard.plot(steps["step"], steps["cumulative_catastrophe_probability"], label="cumulative")
    hazard.set_ylabel("catastrophe probability")
    hazard.set_xlabel("month")
    hazard.legend(loc="upper left")
    figure.tight_layout()
    return figure


def plot_run(
    result: RunResult, threshold: float, path: Path | BinaryIO, fmt: str | None = None
) -> None:
    """Save `run_figure` to `path` (a file or a buffer), as `fmt` or as its suffix says."""
    figure = run_figure(result, threshold)
    figure.savefig(path, format=fmt, dpi=110)
    plt.close(figure)
