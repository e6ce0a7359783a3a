"""Charts over time of one run (and of two runs side by side).

Each function reads a `History` snapshot and returns one chart, drawn by `render`: SVG text
(`svg.line_chart`, the default) or an ECharts option for the page (`echarts.line_option`).
None computes a payoff: the values are what the model recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from pausegame.sim.engine import OPEN_SOURCE
from pausegame.viz.session import History
from pausegame.viz.svg import Guide, Series, colour, line_chart

Chart = Any  # an SVG string (svg.line_chart) or an ECharts option (echarts.line_option)
Render = Callable[..., Chart]
RACE_COLOUR = "#e4572e"
PAUSE_COLOUR = "#2e86ab"
POOL_COLOUR = "#444444"


def coalition_chart(h: History, render: Render = line_chart) -> Chart:
    """How many labs pause and how many states are in the treaty, month by month."""
    return render(
        "Pause coalition",
        h.step,
        [
            Series(
                "labs pausing", h.labs_pausing.astype(float), PAUSE_COLOUR, steps=True, width=2.2
            ),
            Series(
                "states in treaty",
                h.states_in_treaty.astype(float),
                "#6a4c93",
                dash="5 3",
                steps=True,
                width=2.2,
            ),
        ],
        x_max=h.horizon,
        y_label="members",
        floor=0.0,
        ceiling=max(len(h.lab_names), len(h.state_names)) + 0.3,
        integer=True,
        name="coalition",
    )


def capability_chart(h: History, render: Render = line_chart) -> Chart:
    """Each lab's capability and the open-source pool's, against the self-improvement threshold."""
    series = [Series(name, h.capability[:, i], colour(i)) for i, name in enumerate(h.lab_names)]
    series.append(Series(OPEN_SOURCE, h.open_source, POOL_COLOUR, dash="6 3", width=2.4))
    positive = h.capability[h.capability > 0]
    floor = float(positive.min()) / 1.4 if positive.size else None
    return render(
        "Capability",
        h.step,
        series,
        x_max=h.horizon,
        y_label="capability (log)",
        log=True,
        floor=floor,
        guides=[Guide(h.threshold, "self-improvement threshold")],
        name="capability",
    )


def catastrophe_step_chart(h: History, render: Render = line_chart) -> Chart:
    """The catastrophe probability of each month."""
    return render(
        "Catastrophe probability per month",
        h.step,
        [Series("per month", h.catastrophe_probability, RACE_COLOUR, width=2.0)],
        x_max=h.horizon,
        y_label="probability",
        floor=0.0,
        name="catastrophe-step",
    )


def catastrophe_cumulative_chart(h: History, render: Render = line_chart) -> Chart:
    """The probability that a catastrophe has happened by each month (in expectation)."""
    return render(
        "Cumulative catastrophe probability",
        h.step,
        [Series("cumulative", h.cumulative_probability, "#9d0208", width=2.2)],
        x_max=h.horizon,
        y_label="probability",
        floor=0.0,
        ceiling=max(0.05, float(h.cumulative_probability.max()) * 1.1),
        name="catastrophe-total",
    )


def lab_payoff_chart(h: History, render: Render = line_chart) -> Chart:
    """Each lab's cumulative payoff ($B) as the model paid it."""
    series = [Series(name, h.lab_payoff[:, i], colour(i)) for i, name in enumerate(h.lab_names)]
    return render(
        "Lab payoffs (cumulative)",
        h.step,
        series,
        x_max=h.horizon,
        y_label="$B",
        name="lab-payoffs",
    )


def state_payoff_chart(h: History, render: Render = line_chart) -> Chart:
    """Each state's cumulative payoff ($B) as the model paid it."""
    offset = len(h.lab_names)
    series = [
        Series(name, h.state_payoff[:, k], colour(offset + k), dash="5 2")
        for k, name in enumerate(h.state_names)
    ]
    return render(
        "State payoffs (cumulative)",
        h.step,
        series,
        x_max=h.horizon,
        y_label="$B",
        name="state-payoffs",
    )


def hazard_chart(h: History, render: Render = line_chart) -> Chart:
    """Per-month hazard stacked by source: each lab and the open-source pool on top."""
    series = [Series(name, h.hazard[:, i], colour(i)) for i, name in enumerate(h.lab_names)]
    series.append(Series(OPEN_SOURCE, h.hazard[:, -1], POOL_COLOUR))
    return render(
        "Hazard by source (stacked)",
        h.step,
        series,
        x_max=h.horizon,
        y_label="hazard per month",
        floor=0.0,
        stacked=True,
        name="hazard",
    )


def run_charts(h: History, render: Render = line_chart) -> dict[str, Chart]:
    """Every chart of one run, by name, in page order."""
    return {
        "coalition": coalition_chart(h, render),
        "capability": capability_chart(h, render),
        "catastrophe-step": catastrophe_step_chart(h, render),
        "catastrophe-total": catastrophe_cumulative_chart(h, render),
        "hazard": hazard_chart(h, render),
        "lab-payoffs": lab_payoff_chart(h, render),
        "state-payoffs": state_payoff_chart(h, render),
    }


def compare_coalition_chart(a: History, b: History, render: Render = line_chart) -> Chart:
    """Coalition sizes of the pinned run A (dashed) and the current run B (solid)."""
    x, ya, yb = _aligned(a, b, lambda h: np.stack([h.labs_pausing, h.states_in_treaty], 1))
    series = [
        Series("A: labs pausing", ya[:, 0], PAUSE_COLOUR, dash="6 3", steps=True),
        Series("A: states in treaty", ya[:, 1], "#6a4c93", dash="6 3", steps=True),
        Series("B: labs pausing", yb[:, 0], PAUSE_COLOUR, steps=True, width=2.2),
        Series("B: states in treaty", yb[:, 1], "#6a4c93", steps=True, width=2.2),
    ]
    ceiling = max(len(a.lab_names), len(a.state_names), len(b.lab_names), len(b.state_names))
    return render(
        "Coalition: A dashed, B solid",
        x,
        series,
        x_max=max(a.horizon, b.horizon),
        y_label="members",
        floor=0.0,
        ceiling=ceiling + 0.3,
        integer=True,
        name="compare-coalition",
    )


def compare_catastrophe_chart(a: History, b: History, render: Render = line_chart) -> Chart:
    """Cumulative catastrophe probability of run A (dashed) and run B (solid)."""
    x, ya, yb = _aligned(a, b, lambda h: h.cumulative_probability[:, None])
    top = np.nanmax(np.concatenate([ya.ravel(), yb.ravel()]))
    series = [
        Series("A", ya[:, 0], "#9d0208", dash="6 3"),
        Series("B", yb[:, 0], "#9d0208", width=2.2),
    ]
    return render(
        "Cumulative catastrophe probability: A vs B",
        x,
        series,
        x_max=max(a.horizon, b.horizon),
        y_label="probability",
        floor=0.0,
        ceiling=max(0.05, float(top) * 1.1),
        name="compare-catastrophe",
    )


def _aligned(a: History, b: History, columns) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Both runs' columns on one month axis; months a run has not reached are NaN."""
    length = max(len(a.step), len(b.step))
    x = np.arange(length, dtype=float)

    def pad(h: History) -> np.ndarray:
        values = np.asarray(columns(h), dtype=float)
        out = np.full((length, values.shape[1]), np.nan)
        out[: len(values)] = values
        return out

    return x, pad(a), pad(b)
