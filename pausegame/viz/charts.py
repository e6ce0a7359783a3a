"""Charts over time of one run (and of two runs side by side).

Each function reads a `History` snapshot, describes one `LineChart` and returns it as the
page's ECharts option. None computes a payoff: the values are what the model recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from pausegame.sim.engine import OPEN_SOURCE
from pausegame.viz.echarts import Guide, LineChart, Series, line_option
from pausegame.viz.session import History
from pausegame.viz.svg import colour

Chart = dict  # an ECharts option
RACE_COLOUR = "#e4572e"
PAUSE_COLOUR = "#2e86ab"
POOL_COLOUR = "#444444"


def _over_time(h: History, title: str, series: list[Series], **how: Any) -> Chart:
    """A chart of `h`'s months, its time axis running to the scenario's last month."""
    return line_option(LineChart(title, h.step, series, h.horizon, **how))


def _each(names: tuple[str, ...], values: np.ndarray, first: int = 0, dash: str = "") -> list:
    """One series per actor: column `i` of `values`, coloured as actor `first + i`."""
    return [Series(n, values[:, i], colour(first + i), dash) for i, n in enumerate(names)]


def coalition_chart(h: History) -> Chart:
    """How many labs pause and how many states are in the treaty, month by month."""
    labs = Series("labs pausing", h.labs_pausing.astype(float), PAUSE_COLOUR, steps=True, width=2.2)
    states = Series(
        "states in treaty", h.states_in_treaty.astype(float), "#6a4c93", "5 3", 2.2, steps=True
    )
    return _over_time(
        h,
        "Pause coalition",
        [labs, states],
        y_label="members",
        floor=0.0,
        ceiling=max(len(h.lab_names), len(h.state_names)) + 0.3,
        integer=True,
        name="coalition",
    )


def capability_chart(h: History) -> Chart:
    """Each lab's capability and the open-source pool's, against the self-improvement threshold."""
    series = _each(h.lab_names, h.capability)
    series.append(Series(OPEN_SOURCE, h.open_source, POOL_COLOUR, dash="6 3", width=2.4))
    positive = h.capability[h.capability > 0]
    return _over_time(
        h,
        "Capability",
        series,
        y_label="capability (log)",
        log=True,
        floor=float(positive.min()) / 1.4 if positive.size else None,
        guides=[Guide(h.threshold, "self-improvement threshold")],
        name="capability",
    )


def catastrophe_step_chart(h: History) -> Chart:
    """The catastrophe probability of each month."""
    series = [Series("per month", h.catastrophe_probability, RACE_COLOUR, width=2.0)]
    return _over_time(
        h,
        "Catastrophe probability per month",
        series,
        y_label="probability",
        floor=0.0,
        name="catastrophe-step",
    )


def catastrophe_cumulative_chart(h: History) -> Chart:
    """The probability that a catastrophe has happened by each month (in expectation)."""
    return _over_time(
        h,
        "Cumulative catastrophe probability",
        [Series("cumulative", h.cumulative_probability, "#9d0208", width=2.2)],
        y_label="probability",
        floor=0.0,
        ceiling=max(0.05, float(h.cumulative_probability.max()) * 1.1),
        name="catastrophe-total",
    )


def lab_payoff_chart(h: History) -> Chart:
    """Each lab's cumulative payoff ($B) as the model paid it."""
    series = _each(h.lab_names, h.lab_payoff)
    return _over_time(h, "Lab payoffs (cumulative)", series, y_label="$B", name="lab-payoffs")


def state_payoff_chart(h: History) -> Chart:
    """Each state's cumulative payoff ($B) as the model paid it."""
    series = _each(h.state_names, h.state_payoff, len(h.lab_names), "5 2")
    return _over_time(h, "State payoffs (cumulative)", series, y_label="$B", name="state-payoffs")


def hazard_chart(h: History) -> Chart:
    """Per-month hazard stacked by source: each lab and the open-source pool on top."""
    series = _each(h.lab_names, h.hazard)
    series.append(Series(OPEN_SOURCE, h.hazard[:, -1], POOL_COLOUR))
    return _over_time(
        h,
        "Hazard by source (stacked)",
        series,
        y_label="hazard per month",
        floor=0.0,
        stacked=True,
        name="hazard",
    )


def run_charts(h: History) -> dict[str, Chart]:
    """Every chart of one run, by name, in page order."""
    return {
        "coalition": coalition_chart(h),
        "capability": capability_chart(h),
        "catastrophe-step": catastrophe_step_chart(h),
        "catastrophe-total": catastrophe_cumulative_chart(h),
        "hazard": hazard_chart(h),
        "lab-payoffs": lab_payoff_chart(h),
        "state-payoffs": state_payoff_chart(h),
    }


def compare_coalition_chart(a: History, b: History) -> Chart:
    """Coalition sizes of the pinned run A (dashed) and the current run B (solid)."""
    ceiling = max(len(a.lab_names), len(a.state_names), len(b.lab_names), len(b.state_names))
    return _a_and_b(
        a,
        b,
        "Coalition: A dashed, B solid",
        lambda h: np.stack([h.labs_pausing, h.states_in_treaty], 1),
        [("labs pausing", PAUSE_COLOUR), ("states in treaty", "#6a4c93")],
        steps=True,
        y_label="members",
        floor=0.0,
        ceiling=ceiling + 0.3,
        integer=True,
        name="compare-coalition",
    )


def compare_catastrophe_chart(a: History, b: History) -> Chart:
    """Cumulative catastrophe probability of run A (dashed) and run B (solid)."""
    top = max(float(a.cumulative_probability.max()), float(b.cumulative_probability.max()))
    return _a_and_b(
        a,
        b,
        "Cumulative catastrophe probability: A vs B",
        lambda h: h.cumulative_probability[:, None],
        [("", "#9d0208")],
        y_label="probability",
        floor=0.0,
        ceiling=max(0.05, top * 1.1),
        name="compare-catastrophe",
    )


def _a_and_b(
    a: History,
    b: History,
    title: str,
    columns: Callable[[History], np.ndarray],
    lines: list[tuple[str, str]],
    steps: bool = False,
    **how: Any,
) -> Chart:
    """Run A's columns (dashed) and run B's (solid) on one month axis, as NaN where not reached.

    Each run gets one line per (label, colour) of `lines`, its label prefixed "A: " or "B: ".
    """
    length = max(len(a.step), len(b.step))

    def pad(h: History) -> np.ndarray:
        values = np.asarray(columns(h), dtype=float)
        out = np.full((length, values.shape[1]), np.nan)
        out[: len(values)] = values
        return out

    series = [
        Series(f"{run}: {label}" if label else run, y[:, j], color, dash, width, steps)
        for run, y, dash, width in (("A", pad(a), "6 3", 1.6), ("B", pad(b), "", 2.2))
        for j, (label, color) in enumerate(lines)
    ]
    x_max = max(a.horizon, b.horizon)
    return line_option(LineChart(title, np.arange(length, dtype=float), series, x_max, **how))
