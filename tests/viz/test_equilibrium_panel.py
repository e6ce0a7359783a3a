"""The equilibrium panel agrees with the agents' own utilities and with direct kernel calls."""

from __future__ import annotations

import numpy as np
import pytest

from pausegame.sim import kernel
from pausegame.sim.scenario import load_scenario
from pausegame.viz.equilibrium_panel import (
    lab_game_html,
    lab_game_report,
    treaty_game_report,
    treaty_html,
)
from pausegame.viz.session import LiveRun


@pytest.fixture(scope="module")
def run_at_month_12():
    run = LiveRun(load_scenario("article"), seed=11)
    for _ in range(12):
        run.step()
    return run


def lab_utility(run: LiveRun, profile: tuple[int, ...]) -> np.ndarray:
    """Every lab's lookahead utility of holding `profile`: one plain kernel call."""
    model = run.model
    return kernel.lookahead(
        model.planning_state(),
        np.array(profile, dtype=bool),
        model.member,
        model.structure,
        model.params,
        model.params.lookahead,
        model.params.discount,
    ).lab


def test_current_regret_is_what_each_lab_would_gain_by_switching_alone(run_at_month_12):
    run = run_at_month_12
    report = lab_game_report(run.view().position)
    assert report.current == tuple(int(p) for p in run.model.pausing)
    here = lab_utility(run, report.current)
    for i in range(run.model.structure.n_labs):
        switched = list(report.current)
        switched[i] = 1 - switched[i]
        gain = lab_utility(run, tuple(switched))[i] - here[i]
        assert report.gains[i] == pytest.approx(max(0.0, gain), abs=1e-7)
    assert report.regret == pytest.approx(max(report.gains.max(), 0.0))
    assert report.current_is_equilibrium == (report.regret == 0.0)


def test_reported_equilibria_leave_no_lab_a_profitable_switch(run_at_month_12):
    run = run_at_month_12
    report = lab_game_report(run.view().position)
    assert report.equilibria, "the article's lab game has a pure equilibrium here"
    for profile in report.equilibria[:4]:
        here = lab_utility(run, profile)
        for i in range(len(profile)):
            flipped = list(profile)
            flipped[i] = 1 - flipped[i]
            assert lab_utility(run, tuple(flipped))[i] <= here[i] + 1e-7


def test_the_social_optimum_has_the_largest_lab_welfare(run_at_month_12):
    report = lab_game_report(run_at_month_12.view().position)
    assert report.welfare[report.optimum] == pytest.approx(report.welfare.max())
    direct = lab_utility(run_at_month_12, report.optimum).sum()
    assert report.welfare[report.optimum] == pytest.approx(direct)


def test_the_panel_text_states_the_verdict_and_the_treaty(run_at_month_12):
    report = lab_game_report(run_at_month_12.view().position)
    html = lab_game_html(report)
    assert f'data-step="{report.step}"' in html
    assert f'data-equilibrium="{int(report.current_is_equilibrium)}"' in html
    assert f"over the next {report.horizon} months" in html
    members = [
        n
        for n, m in zip(
            run_at_month_12.model.structure.state_names, run_at_month_12.model.member, strict=True
        )
        if m
    ]
    assert (", ".join(members) or "no treaty") in html


def test_stable_treaties_come_from_the_treaty_game(run_at_month_12):
    position = run_at_month_12.view().position
    report = treaty_game_report(position)
    html = treaty_html(report, current_step=position.where.step)
    assert f'data-step="{position.where.step}"' in html
    assert ("<b>is</b> stable" in html) == report.global_pause_stable
    for row in report.rows:
        assert row["internally_stable"] and row["externally_stable"]
    assert "as of month" in treaty_html(report, current_step=position.where.step + 2)
    assert "stands still" in treaty_html(None, current_step=0)
