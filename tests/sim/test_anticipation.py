"""settle_own_labs: own labs best-respond together; nobody else moves; as the oracle does."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pausegame.sim.engine.anticipation import settle_own_labs
from tests.oracle.anticipation import settle_own_labs as oracle_settle


def table_utilities(table: np.ndarray):
    """Utilities read off a payoff table (L, 2, ..., 2), like a lab game."""
    by_profile = np.moveaxis(table, 0, -1)
    return lambda candidates: by_profile[tuple(np.moveaxis(candidates.astype(np.intp), -1, 0))]


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 4), st.data())
def test_settled_profiles_leave_other_labs_alone_and_stop_at_rest(n_labs, data):
    seed = data.draw(st.integers(0, 2**32 - 1))
    table = np.random.default_rng(seed).integers(-3, 4, size=(n_labs, *[2] * n_labs)).astype(float)
    own = np.array(sorted(data.draw(st.sets(st.integers(0, n_labs - 1), min_size=1))))
    start = np.array(data.draw(st.lists(st.booleans(), min_size=n_labs, max_size=n_labs)))
    settled = settle_own_labs(start[None, :], own, table_utilities(table))[0]
    others = np.setdiff1d(np.arange(n_labs), own)
    assert np.array_equal(settled[others], start[others])
    # Simultaneous revision may cycle; within the round limit it either rests, where no own
    # lab gains strictly by switching alone, or has used up its rounds.
    rests = all(
        table[(lab, *np.where(np.arange(n_labs) == lab, not settled[lab], settled).astype(int))]
        <= table[(lab, *settled.astype(int))]
        for lab in own
    )
    assert rests or len(own) >= 2


def test_a_dominant_pause_is_found_in_one_round():
    # Two labs, each gains 1 by pausing whatever the other does.
    table = np.zeros((2, 2, 2))
    for a, b in itertools.product((0, 1), repeat=2):
        table[0, a, b], table[1, a, b] = a, b
    settled = settle_own_labs(np.zeros((3, 2), bool), np.array([0, 1]), table_utilities(table))
    assert settled.all()


def test_indifferent_labs_keep_their_action():
    table = np.zeros((2, 2, 2))
    start = np.array([[True, False]])
    assert np.array_equal(settle_own_labs(start, np.array([0, 1]), table_utilities(table)), start)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5), st.data())
def test_round_by_round_settling_equals_the_oracle(n_labs, data):
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    table = rng.integers(-2, 3, size=(n_labs, *[2] * n_labs)).astype(float)
    own = np.array(sorted(data.draw(st.sets(st.integers(0, n_labs - 1)))), dtype=np.int64)
    starts = rng.integers(0, 2, size=(data.draw(st.integers(1, 6)), n_labs)).astype(bool)
    utilities = table_utilities(table)
    assert np.array_equal(
        settle_own_labs(starts, own, utilities), oracle_settle(starts, own, utilities)
    )
