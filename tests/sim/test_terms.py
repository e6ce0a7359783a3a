"""The named payoff terms add up to the utilities the rules use, and each means what it says."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pausegame.sim import kernel, terms
from tests.sim.strategies import situations, structure_of, world_state

RELATIVE = 1e-12


def explained(s: dict, horizon: int, discount: float, structure=None, params=None):
    return kernel.lookahead(
        world_state(s),
        np.array(s["pausing"]),
        np.array(s["member"]),
        structure_of(s["world"]) if structure is None else structure,
        s["params"] if params is None else params,
        horizon,
        discount,
        explain=True,
    )


def assert_sums_to(named: dict, utility: np.ndarray) -> None:
    """sum of terms == utility, to 1e-12 of the terms' own size (no cancellation excuse)."""
    total = sum(named.values())
    scale = sum(np.abs(v) for v in named.values())
    assert np.all(np.abs(total - utility) <= RELATIVE * np.maximum(scale, 1e-300))


@settings(max_examples=80, deadline=None)
@given(situations(max_labs=4, max_states=3), st.integers(1, 8), st.floats(0.0, 1.0))
def test_terms_sum_to_the_utilities(s, horizon, discount):
    look = explained(s, horizon, discount)
    assert list(look.lab_terms) == list(terms.LAB_TERMS)
    assert list(look.state_terms) == list(terms.STATE_TERMS)
    assert_sums_to(look.lab_terms, look.lab)
    assert_sums_to(look.state_terms, look.state)
    # Asking for the terms does not change the utilities by a bit.
    plain = kernel.lookahead(
        world_state(s),
        np.array(s["pausing"]),
        np.array(s["member"]),
        structure_of(s["world"]),
        s["params"],
        horizon,
        discount,
    )
    np.testing.assert_array_equal(plain.lab, look.lab)
    np.testing.assert_array_equal(plain.state, look.state)
    assert plain.lab_terms is None and plain.state_terms is None


@settings(max_examples=60, deadline=None)
@given(situations(max_labs=4, max_states=3))
def test_each_step_payoff_is_its_terms_summed(s):
    structure = structure_of(s["world"])
    t = kernel.transition(
        world_state(s), np.array(s["pausing"]), np.array(s["member"]), structure, s["params"]
    )
    lab_terms, state_terms = kernel.expected_terms(t, structure, s["params"], s["loss_multiplier"])
    lab, state = kernel.expected_payoffs(t, structure, s["params"], s["loss_multiplier"])
    np.testing.assert_array_equal(terms.total(lab_terms), lab)
    np.testing.assert_array_equal(terms.total(state_terms), state)
    # Revenue is the two revenue terms; a racing lab sells no safety, earns no affinity,
    # cannot be falsely accused; a pausing lab pays no violation fine.
    np.testing.assert_array_equal(
        lab_terms["genai_revenue"] + lab_terms["safety_revenue"], t.revenue
    )
    pausing = np.array(s["pausing"])
    for name in ("safety_revenue", "pause_affinity", "false_alarm_fines"):
        assert np.all(lab_terms[name][~pausing] == 0)
    assert np.all(lab_terms["fines"][pausing] == 0)
    assert np.all(state_terms["verification_cost"][~np.array(s["member"])] == 0)
    # Costs are computed as positive amounts; signed, the terms simply add up.
    for cost in terms.COSTS & set(lab_terms):
        assert np.all(lab_terms[cost] >= 0)
    np.testing.assert_array_equal(sum(terms.signed(lab_terms).values()), lab)


@settings(max_examples=40, deadline=None)
@given(situations(max_labs=4, max_states=2), st.integers(1, 6), st.floats(0.1, 1.0))
def test_a_parameter_moves_only_its_own_terms(s, horizon, discount):
    """Doubling fine or a lab's loss weight doubles its terms and leaves the others."""
    base = explained(s, horizon, discount)
    doubled_fine = dataclasses.replace(s["params"], fine=2 * s["params"].fine)
    fined = explained(s, horizon, discount, params=doubled_fine)
    structure = structure_of(s["world"])
    heavier = dataclasses.replace(structure, lab_loss=2 * structure.lab_loss)
    feared = explained(s, horizon, discount, structure=heavier)
    for name in terms.LAB_TERMS:
        for changed, moved in (
            (fined, ("fines", "false_alarm_fines")),
            (feared, ("catastrophe_loss",)),
        ):
            expected = 2 * base.lab_terms[name] if name in moved else base.lab_terms[name]
            np.testing.assert_allclose(changed.lab_terms[name], expected, rtol=1e-12, atol=1e-300)
