"""The data a run is made of: who the actors are (`Structure`) and where the world stands.

These are plain arrays with any leading batch axes before the per-actor axis; scenarios
build them, the kernel advances them, the engine keeps one per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Structure:
    """Who is who in a scenario: per-lab and per-state attributes, fixed over a run.

    Per-actor arrays have the actor axis last and may carry batch axes in front.
    """

    lab_names: tuple[str, ...]
    state_names: tuple[str, ...]
    lab_state: Array  # (L,) int: index of each lab's home state
    open_weights: Array  # (..., L) bool
    safety: Array  # (..., L) in [0, 1]
    affinity: Array  # (..., L) $B per step while pausing
    lab_loss: Array  # (..., L) $B perceived catastrophe loss
    transparency: Array  # (..., S) in [0, 1]
    rivalry: Array  # (..., S, S) weight of rival r in state k's payoff
    state_loss: Array  # (..., S) $B perceived catastrophe loss

    @property
    def n_labs(self) -> int:
        return len(self.lab_names)

    @property
    def n_states(self) -> int:
        return len(self.state_names)

    @cached_property
    def home(self) -> Array:
        """(S, L) bool: home[k, i] is True when lab i is based in state k."""
        return self.lab_state[None, :] == np.arange(self.n_states)[:, None]


@dataclass(frozen=True)
class WorldState:
    """The dynamic state between steps: capabilities, the step count, the loss multiplier."""

    capability: Array  # (..., L)
    open_source: Array  # (...,)
    step: Array  # (...,) int, months since the start
    loss_multiplier: Array  # (...,) 1 before the Sputnik moment, zeta after

    def broadcast(self, shape: tuple[int, ...]) -> WorldState:
        """The same state repeated over new leading batch axes `shape`.

        A single step stays single: every row is at that month, and month-only amounts
        (the market's growth) are then computed once instead of once per row.
        """
        return WorldState(
            np.broadcast_to(self.capability, (*shape, *self.capability.shape[-1:])),
            np.broadcast_to(self.open_source, shape),
            self.step if np.ndim(self.step) == 0 else np.broadcast_to(self.step, shape),
            np.broadcast_to(self.loss_multiplier, shape),
        )
