"""The vectorised kernel equals a slow, obvious reference implementation on random inputs."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pausegame.sim import kernel
from tests.sim.reference_kernel import reference_lookahead, reference_step
from tests.sim.strategies import situations, structure_of, world_state

RTOL, ATOL = 1e-9, 1e-9


def close(actual, expected) -> None:
    np.testing.assert_allclose(
        np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=RTOL, atol=ATOL
    )


def reference_inputs(s: dict) -> list:
    """A situation as the reference functions take it: positional, in their order."""
    run = [s["capability"], s["open_source"], s["step"], s["loss_multiplier"]]
    return [*run, s["pausing"], s["member"], s["world"], s["params"]]


@settings(max_examples=150, deadline=None)
@given(situations())
def test_one_step_matches_reference(s):
    structure = structure_of(s["world"])
    t = kernel.transition(
        world_state(s), np.array(s["pausing"]), np.array(s["member"]), structure, s["params"]
    )
    lab_u, state_u = kernel.expected_payoffs(t, structure, s["params"], s["loss_multiplier"])
    ref = reference_step(*reference_inputs(s))
    close(t.state.capability, ref["capability"])
    close(t.state.open_source, ref["open_source"])
    close(t.state.loss_multiplier, ref["loss_multiplier"])
    close(t.detection, ref["detection"])
    close(t.false_alarm, ref["false_alarm"])
    close(t.hazard, ref["hazard"])
    close(t.catastrophe, ref["catastrophe"])
    close(lab_u, ref["lab_utility"])
    close(state_u, ref["state_utility"])


@settings(max_examples=60, deadline=None)
@given(situations(max_labs=4, max_states=2), st.integers(1, 6), st.floats(0.0, 1.0))
def test_lookahead_matches_reference(s, horizon, discount):
    structure = structure_of(s["world"])
    look = kernel.lookahead(
        world_state(s),
        np.array(s["pausing"]),
        np.array(s["member"]),
        structure,
        s["params"],
        horizon,
        discount,
    )
    lab, state, catastrophe = reference_lookahead(*reference_inputs(s), horizon, discount)
    close(look.lab, lab)
    close(look.state, state)
    close(look.catastrophe, catastrophe)


@settings(max_examples=40, deadline=None)
@given(situations(max_labs=4, max_states=3), st.data())
def test_batched_call_equals_one_call_per_profile(s, data):
    """Many profiles in one call give exactly what one call per profile gives."""
    structure = structure_of(s["world"])
    n_labs, n_states = len(s["pausing"]), len(s["member"])
    n = data.draw(st.integers(2, 6))
    pausing = np.array(
        data.draw(
            st.lists(
                st.lists(st.booleans(), min_size=n_labs, max_size=n_labs), min_size=n, max_size=n
            )
        )
    )
    member = np.array(
        data.draw(
            st.lists(
                st.lists(st.booleans(), min_size=n_states, max_size=n_states),
                min_size=n,
                max_size=n,
            )
        )
    )
    batched = kernel.lookahead(world_state(s), pausing, member, structure, s["params"], 3, 0.9)
    for b in range(n):
        single = kernel.lookahead(
            world_state(s), pausing[b], member[b], structure, s["params"], 3, 0.9
        )
        np.testing.assert_array_equal(batched.lab[b], single.lab)
        np.testing.assert_array_equal(batched.state[b], single.state)
