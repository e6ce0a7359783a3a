"""Invariants of the kernel that must hold for every valid input (hypothesis)."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pausegame.sim import kernel
from tests.sim.strategies import reals, situations, structure_of, world_state


def step(s: dict, **changes):
    structure = structure_of(s["world"])
    if changes:
        structure = dataclasses.replace(structure, **changes)
    return kernel.transition(
        world_state(s), np.array(s["pausing"]), np.array(s["member"]), structure, s["params"]
    )


@settings(max_examples=200, deadline=None)
@given(situations())
def test_probabilities_are_probabilities(s):
    t = step(s)
    for probability in (t.detection, t.false_alarm, t.hazard, t.catastrophe):
        assert np.all((probability >= 0) & (probability <= 1))
    # A lab is never both a possible violator and a possible false alarm.
    assert not np.any((t.detection > 0) & (t.false_alarm > 0))


@settings(max_examples=200, deadline=None)
@given(situations())
def test_market_shares_sum_to_at_most_one(s):
    structure = structure_of(s["world"])
    t = step(s)
    market = kernel.market_per_step(t.state.step, s["params"].market_2024, s["params"].market_cagr)
    safety = kernel.market_per_step(
        t.state.step, s["params"].safety_market_2024, s["params"].safety_market_cagr
    )
    assert t.revenue.sum() <= (market + safety) * (1 + 1e-12) + 1e-12
    racing_market, racing_safety = kernel.revenue_parts(
        t.state.capability,
        t.state.open_source,
        np.zeros(len(s["pausing"]), bool),
        t.state.step,
        structure.safety,
        s["params"],
    )
    # Nobody pausing: nobody sells to the safety market, and the rest is at most the market.
    assert not racing_safety.any()
    assert racing_market.sum() <= market * (1 + 1e-12) + 1e-12


@settings(max_examples=200, deadline=None)
@given(situations())
def test_capability_never_falls(s):
    t = step(s)
    assert np.all(t.state.capability >= np.array(s["capability"]))
    assert t.state.open_source >= s["open_source"]


@settings(max_examples=200, deadline=None)
@given(situations())
def test_open_source_passes_the_frontier_only_when_labs_pause_or_release(s):
    """Diffusion alone never carries the pool past the frontier; a pause or a release can."""
    assume(s["open_source"] <= max(s["capability"]))
    racing = dict(s, pausing=[False] * len(s["pausing"]))
    t = step(racing)
    frontier = t.state.capability.max()
    # at most the frontier: a release at the frontier reaches it exactly, and a full leak
    # (leak 1) reaches it up to rounding (hypothesis found the pool one ulp above it)
    assert t.state.open_source <= frontier * (1 + 1e-12)


@settings(max_examples=200, deadline=None)
@given(situations())
def test_a_pause_feeds_the_open_source_pool(s):
    """The pool grows at least as fast with labs pausing as with the same labs racing, at
    the same capabilities (the pause-fed growth is never negative)."""
    p = s["params"]
    capability = np.array(s["capability"])
    pausing = np.array(s["pausing"])
    open_weights = np.zeros(len(capability), dtype=bool)
    pool = np.array(s["open_source"])
    fed = kernel.leak(pool, capability, pausing, open_weights, p)
    unfed = kernel.leak(pool, capability, np.zeros_like(pausing), open_weights, p)
    assert fed >= unfed
    own = kernel.paused_share(capability, pausing) * p.leak_pause * p.growth_rate * pool
    np.testing.assert_allclose(fed - unfed, own, rtol=1e-9, atol=1e-12 * max(1.0, float(fed)))


@settings(max_examples=200, deadline=None)
@given(situations(), st.integers(0, 4), reals(0.0, 1.0))
def test_hazard_rises_with_capability_and_falls_with_safety(s, lab, extra):
    """For closed labs (an open-weight lab's hazard is the pool's, tested below)."""
    lab = lab % len(s["capability"])
    p = s["params"]
    pausing = np.array(s["pausing"])
    base = np.array(s["capability"])
    safety = np.array(s["world"]["safety"])
    closed = np.zeros(len(base), dtype=bool)
    pool = np.array(s["open_source"])
    more_capable = base.copy()
    more_capable[lab] += extra
    h = kernel.hazard(base, pool, pausing, safety, closed, p)
    h_more = kernel.hazard(more_capable, pool, pausing, safety, closed, p)
    assert h_more[lab] >= h[lab]
    safer = safety.copy()
    safer[lab] = min(1.0, safer[lab] + extra)
    h_safer = kernel.hazard(base, pool, pausing, safer, closed, p)
    assert h_safer[lab] <= h[lab]
    # Pausing never raises a lab's hazard (the stop-now factor is at most one).
    paused = pausing.copy()
    paused[lab] = True
    assert kernel.hazard(base, pool, paused, safety, closed, p)[lab] <= h[lab] + 0.0


@settings(max_examples=200, deadline=None)
@given(situations())
def test_open_models_are_one_source_counted_once(s):
    """The pool's hazard appears once: on the releasing lab or on the pool, never on both."""
    t = step(s)
    p = s["params"]
    open_weights = np.array(s["world"]["open_weights"])
    h_pool = p.hazard_max * kernel.sigmoid((t.state.open_source - p.rsi_threshold) / p.hazard_width)
    open_columns = np.append(t.hazard[:-1][open_weights], t.hazard[-1])
    assert np.count_nonzero(open_columns) <= 1
    np.testing.assert_allclose(open_columns.sum(), h_pool, rtol=1e-12, atol=0)
    released = np.where(open_weights, t.state.capability, -np.inf).max()
    if t.state.open_source > released:  # leakage carried the pool past every release
        assert t.hazard[-1] == h_pool


@settings(max_examples=100, deadline=None)
@given(situations())
def test_catastrophe_probability_is_at_least_the_largest_hazard(s):
    t = step(s)
    assert t.catastrophe >= t.hazard.max() - 1e-15
    assert t.catastrophe <= min(1.0, t.hazard.sum()) + 1e-12
