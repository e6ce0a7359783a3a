"""LiveRun: one tab's model, stepped, reset and re-parameterised, with its recorded history."""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np
import pytest

from pausegame.experiments.runs import simulate
from pausegame.sim.scenario import load_scenario
from pausegame.viz.session import LiveRun


@pytest.fixture(scope="module")
def article():
    return load_scenario("article")


def test_history_matches_an_independent_run_of_the_same_seed(article):
    run = LiveRun(article, seed=5)
    for _ in range(15):
        assert run.step()
    view = run.view()
    reference = simulate(article, 5, 15)
    records = reference.step_records()
    steps = len(records)
    assert view.step == reference.steps == steps
    assert view.history.step.tolist() == list(range(steps + 1))
    assert view.history.labs_pausing[1:].tolist() == records["labs_pausing"].tolist()
    assert view.history.states_in_treaty[1:].tolist() == records["states_in_treaty"].tolist()
    np.testing.assert_allclose(
        view.history.cumulative_probability[1:], records["cumulative_catastrophe_probability"]
    )
    np.testing.assert_allclose(view.history.open_source[1:], records["open_source"])
    np.testing.assert_allclose(view.history.capability[-1], reference.world.capability)
    assert [e.kind for e in view.events] == [e.kind for e in reference.events]


def test_history_starts_from_the_scenario_at_month_zero(article):
    view = LiveRun(article, seed=1).view()
    assert view.step == 0
    assert len(view.history.step) == 1
    pausing, member = article.initial_profile()
    assert view.history.pausing[0].tolist() == pausing.tolist()
    assert view.history.member[0].tolist() == member.tolist()
    np.testing.assert_allclose(view.history.capability[0], article.initial_state().capability)
    assert view.history.cumulative_probability[0] == 0.0


def test_reset_starts_over_with_new_parameters_and_a_new_generation(article):
    run = LiveRun(article, seed=2)
    for _ in range(4):
        run.step()
    first = run.view()
    changed = article.with_overrides({"verification": 0.77})
    run.reset(changed, seed=3)
    view = run.view()
    assert view.step == 0 and view.seed == 3
    assert view.scenario.params.verification == 0.77
    assert run.model.params.verification == 0.77
    assert view.generation != first.generation
    assert view.key != first.key


def test_a_run_ends_at_the_scenarios_last_month(article):
    short = replace(article, steps=3)
    run = LiveRun(short, seed=0)
    taken = 0
    while run.step():
        taken += 1
    assert run.finished
    assert taken == run.view().step <= 3
    assert not run.step()


def test_views_are_snapshots_that_later_steps_do_not_change(article):
    run = LiveRun(article, seed=4)
    run.step()
    view = run.view()
    frozen = (view.frame.capability.copy(), view.history.capability.copy())
    for _ in range(5):
        run.step()
    np.testing.assert_array_equal(view.frame.capability, frozen[0])
    np.testing.assert_array_equal(view.history.capability, frozen[1])
    assert view.step == 1


def revisions_after(run: LiveRun, start: int) -> list:
    return [e for e in run.view().events[start:] if e.kind in ("pause", "race", "join", "leave")]


def test_live_parameter_change_applies_from_the_next_step(article):
    control = LiveRun(article, seed=6)
    for _ in range(15):
        control.step()
    # Without the change, this seed's agents change course after month 3...
    assert revisions_after(control, len([e for e in control.view().events if e.step <= 3]))
    run = LiveRun(article, seed=6)
    for _ in range(3):
        run.step()
    before_events = len(run.view().events)
    # ... and with no revisions at all, nobody can change course after the change.
    frozen = article.with_overrides({"revision_rate": 0.0})
    run.apply_live(frozen)
    assert run.model.params.revision_rate == 0.0
    view = run.view()
    assert view.step == 3  # the history so far is kept
    for _ in range(12):
        run.step()
    assert revisions_after(run, before_events) == []


def test_live_change_must_keep_the_actors(article):
    run = LiveRun(article, seed=0)
    fewer = replace(article, labs=article.labs[:-1])
    with pytest.raises(ValueError):
        run.apply_live(fewer)


def test_concurrent_steps_from_two_threads_keep_the_history_consistent(article):
    run = LiveRun(article, seed=8)

    def stepper():
        for _ in range(10):
            run.step()

    threads = [threading.Thread(target=stepper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    view = run.view()
    assert view.step == min(20, article.steps) or view.finished
    assert view.history.step.tolist() == list(range(view.step + 1))
    assert len(view.history.capability) == view.step + 1


def test_position_is_the_planning_state_at_the_same_step(article):
    run = LiveRun(article, seed=9)
    for _ in range(5):
        run.step()
    position = run.view().position
    planning = run.model.planning_state()
    assert position.where.step == 5
    assert position.key == run.view().key
    np.testing.assert_array_equal(position.where.state.capability, planning.capability)
    np.testing.assert_array_equal(position.where.pausing, run.model.pausing)
    np.testing.assert_array_equal(position.where.members, run.model.member)
