"""Hypothesis generators for kernel inputs: worlds, parameters, states and profiles."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from pausegame.sim.kernel import Structure, WorldState
from pausegame.sim.parameters import PARAMETERS, ModelParams

unit = st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False)


def reals(low: float, high: float) -> st.SearchStrategy[float]:
    """Finite floats in [low, high] without subnormals (their rounding is not the point)."""
    return st.floats(low, high, allow_nan=False, allow_subnormal=False)


@st.composite
def model_params(draw) -> ModelParams:
    """Any parameter point inside the declared ranges (heavy tails trimmed for floats)."""
    values = {}
    for p in PARAMETERS:
        high = min(p.high, p.low + 50.0) if not p.integer else min(p.high, p.low + 6)
        if p.integer:
            values[p.name] = draw(st.integers(int(p.low), int(high)))
        else:
            values[p.name] = draw(reals(p.low, high))
    return ModelParams(**values)


@st.composite
def worlds(draw, max_labs: int = 5, max_states: int = 3) -> dict:
    """A random set of labs and states, as plain lists (for the reference) and a Structure."""
    n_states = draw(st.integers(1, max_states))
    n_labs = draw(st.integers(1, max_labs))
    lab_state = draw(st.lists(st.integers(0, n_states - 1), min_size=n_labs, max_size=n_labs))
    world = {
        "lab_state": lab_state,
        "open_weights": draw(st.lists(st.booleans(), min_size=n_labs, max_size=n_labs)),
        "safety": draw(st.lists(unit, min_size=n_labs, max_size=n_labs)),
        "affinity": draw(st.lists(reals(-5, 5), min_size=n_labs, max_size=n_labs)),
        "lab_loss": draw(st.lists(reals(0, 1000), min_size=n_labs, max_size=n_labs)),
        "transparency": draw(st.lists(unit, min_size=n_states, max_size=n_states)),
        "rivalry": [
            draw(st.lists(reals(0, 2), min_size=n_states, max_size=n_states))
            for _ in range(n_states)
        ],
        "state_loss": draw(st.lists(reals(0, 10000), min_size=n_states, max_size=n_states)),
    }
    return world


def structure_of(world: dict) -> Structure:
    n_labs, n_states = len(world["lab_state"]), len(world["transparency"])
    return Structure(
        lab_names=tuple(f"lab{i}" for i in range(n_labs)),
        state_names=tuple(f"state{k}" for k in range(n_states)),
        lab_state=np.array(world["lab_state"]),
        open_weights=np.array(world["open_weights"], dtype=bool),
        safety=np.array(world["safety"]),
        affinity=np.array(world["affinity"]),
        lab_loss=np.array(world["lab_loss"]),
        transparency=np.array(world["transparency"]),
        rivalry=np.array(world["rivalry"]),
        state_loss=np.array(world["state_loss"]),
    )


@st.composite
def situations(draw, max_labs: int = 5, max_states: int = 3) -> dict:
    """A world, parameters, a dynamic state and an action profile."""
    world = draw(worlds(max_labs, max_states))
    n_labs, n_states = len(world["lab_state"]), len(world["transparency"])
    cap = draw(st.lists(reals(0.0, 3.0), min_size=n_labs, max_size=n_labs))
    return {
        "world": world,
        "params": draw(model_params()),
        "capability": cap,
        "open_source": draw(reals(0.0, 3.0)),
        "step": draw(st.integers(0, 120)),
        "loss_multiplier": draw(st.sampled_from([1.0, 3.0])),
        "pausing": draw(st.lists(st.booleans(), min_size=n_labs, max_size=n_labs)),
        "member": draw(st.lists(st.booleans(), min_size=n_states, max_size=n_states)),
    }


def world_state(s: dict) -> WorldState:
    return WorldState(
        np.array(s["capability"], dtype=float),
        np.array(s["open_source"]),
        np.array(s["step"]),
        np.array(s["loss_multiplier"]),
    )
