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


def _month(value: int | None) -> str:
    return "never" if value is None else f"month {value}"


def _facts(run: PinnedRun) -> list[tuple[str, str]]:
    """(row label, value) of every row of a run's column in the comparison table."""
    s = run.summary
    outcome = s["outcome"].replace("_", " ")
    shares = s["hazard_share_by_source"]
    top = max(shares, key=shares.get) if shares else ""
    return [
        ("scenario, seed", f"{run.scenario}, seed {run.seed}"),
        ("outcome", outcome if run.finished else f"{outcome} so far (month {s['steps_run']})"),
        ("final coalition", ", ".join(s["final_coalition"]) or "nobody pauses"),
        ("cumulative catastrophe probability", f"{s['cumulative_catastrophe_probability']:.1%}"),
        ("threshold first crossed", _month(s["first_threshold_step"])),
        ("catastrophe", _month(s["catastrophe_step"])),
        ("detections / false alarms", f"{s['detections']} / {s['false_alarms']}"),
        ("largest hazard source", f"{top} ({shares[top]:.0%})" if top else "-"),
    ]


def parameter_differences(a: Any, b: Any) -> list[tuple[str, str, str]]:
    """(name, A value, B value) for every parameter on which two runs differ."""
    return [
        (p.name, f"{getattr(a, p.name):g}", f"{getattr(b, p.name):g}")
        for p in PARAMETERS
        if getattr(a, p.name) != getattr(b, p.name)
    ]


def _rows(rows: list[tuple[str, str, str]]) -> str:
    return "".join(
        f"<tr><th>{esc(h)}</th><td>{esc(x)}</td><td>{esc(y)}</td></tr>" for h, x, y in rows
    )


def compare_html(a: PinnedRun, b: PinnedRun) -> str:
    """A side-by-side table of runs A and B: setup, outcome, coalition, risk, hazard source."""
    facts = [(label, x, y) for (label, x), (_, y) in zip(_facts(a), _facts(b), strict=True)]
    changed = (
        _rows(parameter_differences(a.params, b.params))
        or '<tr><td colspan="3">same parameters (different seed or scenario only)</td></tr>'
    )
    return (
        '<table class="pg-table pg-compare"><tr><th></th><th>A (pinned)</th><th>B (current)</th>'
        f'</tr>{_rows(facts)}<tr><th colspan="3">parameters that differ</th></tr>{changed}</table>'
    )
