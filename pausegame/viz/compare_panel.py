"""Compare two runs: pin the current run as A, change parameters, run B, see both.

The table reads each run's own summary (`pausegame.experiments.runs.summarise`); the charts
are in `charts.compare_*`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pausegame.sim.parameters import PARAMETERS
from pausegame.viz.session import History, RunView
from pausegame.viz.svg import esc


@dataclass(frozen=True)
class PinnedRun:
    """A run frozen for comparison: its parameters, history and summary at pinning time."""

    scenario: str
    seed: int
    params: Any  # ModelParams
    history: History
    summary: dict
    finished: bool

    @classmethod
    def of(cls, view: RunView, summary: dict) -> PinnedRun:
        """`view` frozen for comparison, with the run's summary taken at the same moment."""
        scenario = view.scenario
        return cls(scenario.name, view.seed, scenario.params, view.history, summary, view.finished)


def _outcome(run: PinnedRun) -> str:
    words = run.summary["outcome"].replace("_", " ")
    return words if run.finished else f"{words} so far (month {run.summary['steps_run']})"


def _coalition(run: PinnedRun) -> str:
    members = run.summary["final_coalition"]
    return ", ".join(members) if members else "nobody pauses"


def _month(value: int | None) -> str:
    return "never" if value is None else f"month {value}"


def parameter_differences(a: Any, b: Any) -> list[tuple[str, str, str]]:
    """(name, A value, B value) for every parameter on which two runs differ."""
    return [
        (p.name, f"{getattr(a, p.name):g}", f"{getattr(b, p.name):g}")
        for p in PARAMETERS
        if getattr(a, p.name) != getattr(b, p.name)
    ]


def compare_html(a: PinnedRun, b: PinnedRun) -> str:
    """A side-by-side table of runs A and B: setup, outcome, coalition, risk, hazard source."""

    def top_source(run: PinnedRun) -> str:
        shares = run.summary["hazard_share_by_source"]
        name = max(shares, key=shares.get) if shares else ""
        return f"{name} ({shares[name]:.0%})" if name else "-"

    rows = [
        ("scenario, seed", f"{a.scenario}, seed {a.seed}", f"{b.scenario}, seed {b.seed}"),
        ("outcome", _outcome(a), _outcome(b)),
        ("final coalition", _coalition(a), _coalition(b)),
        (
            "cumulative catastrophe probability",
            f"{a.summary['cumulative_catastrophe_probability']:.1%}",
            f"{b.summary['cumulative_catastrophe_probability']:.1%}",
        ),
        (
            "threshold first crossed",
            _month(a.summary["first_threshold_step"]),
            _month(b.summary["first_threshold_step"]),
        ),
        (
            "catastrophe",
            _month(a.summary["catastrophe_step"]),
            _month(b.summary["catastrophe_step"]),
        ),
        (
            "detections / false alarms",
            f"{a.summary['detections']} / {a.summary['false_alarms']}",
            f"{b.summary['detections']} / {b.summary['false_alarms']}",
        ),
        ("largest hazard source", top_source(a), top_source(b)),
    ]
    differences = parameter_differences(a.params, b.params)
    body = "".join(
        f"<tr><th>{esc(label)}</th><td>{esc(x)}</td><td>{esc(y)}</td></tr>" for label, x, y in rows
    )
    changed = (
        "".join(
            f"<tr><th>{esc(name)}</th><td>{esc(x)}</td><td>{esc(y)}</td></tr>"
            for name, x, y in differences
        )
        or '<tr><td colspan="3">same parameters (different seed or scenario only)</td></tr>'
    )
    return (
        '<table class="pg-table pg-compare"><tr><th></th><th>A (pinned)</th><th>B (current)</th>'
        f'</tr>{body}<tr><th colspan="3">parameters that differ</th></tr>{changed}</table>'
    )
