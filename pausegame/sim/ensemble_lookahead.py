"""Lookahead rows of many runs: memoised within a step, the new ones in one kernel call.

A row is (run, lab profile, treaty members); its lookahead starts from that run's public
planning state (observed capabilities) with that run's parameters and actors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pausegame.sim import kernel

if TYPE_CHECKING:
    from pausegame.sim.ensemble import Ensemble

#: Bits of a memo key (a run and its actions in one int64); wider games are not memoised.
KEY_BITS = 62


class StepMemo:
    """Lookaheads already computed this step, keyed by (run, lab profile, treaty members).

    Within a step a run's planning state is fixed, so a row asked for again (the current
    profile is a candidate of every decision) is looked up instead of recomputed; the
    kernel is batch-invariant, so a looked-up row equals a fresh one.
    """

    def __init__(self, n_labs: int, n_states: int, runs: int) -> None:
        width = n_labs + n_states
        self.enabled = width + max(1, runs).bit_length() <= KEY_BITS
        self.bits = np.left_shift(1, np.arange(width, dtype=np.int64)) if self.enabled else None
        self.width = width
        self.clear()

    def clear(self) -> None:
        """Forget every row: the planning state moved on."""
        self.keys = np.zeros(0, dtype=np.int64)
        self.lab: np.ndarray | None = None
        self.state: np.ndarray | None = None

    def key(self, runs: np.ndarray, pausing: np.ndarray, member: np.ndarray) -> np.ndarray:
        """One integer per row: the run in the high bits, the actions below."""
        actions = np.concatenate([pausing, member], axis=1).astype(np.int64)
        return (runs.astype(np.int64) << self.width) | (actions @ self.bits)

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(found, where) for each key."""
        where = np.searchsorted(self.keys, keys)
        found = where < len(self.keys)
        found[found] = self.keys[where[found]] == keys[found]
        return found, where

    def add(self, keys: np.ndarray, lab: np.ndarray, state: np.ndarray) -> None:
        """Remember new rows (keys not yet known)."""
        keys = np.concatenate([self.keys, keys])
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.lab = lab[order] if self.lab is None else np.concatenate([self.lab, lab])[order]
        self.state = (
            state[order] if self.state is None else np.concatenate([self.state, state])[order]
        )


class Lookaheads:
    """Lookahead rows (run, lab profile, treaty members) collected for one kernel call."""

    def __init__(self) -> None:
        self._runs: list[np.ndarray] = []
        self._pausing: list[np.ndarray] = []
        self._member: list[np.ndarray] = []
        self._size = 0

    def add(self, runs: np.ndarray, pausing: np.ndarray, member: np.ndarray) -> slice:
        """Queue rows; returns where their results will be in `evaluate`'s answer."""
        start = self._size
        self._runs.append(runs)
        self._pausing.append(pausing)
        self._member.append(member)
        self._size += len(runs)
        return slice(start, self._size)

    def __len__(self) -> int:
        return self._size

    def known(self, ens: Ensemble) -> bool:
        """Whether every queued row is in the step's memo (evaluating needs no kernel call)."""
        if not self._size or not ens.memo.enabled:
            return not self._size
        keys = ens.memo.key(
            np.concatenate(self._runs), np.concatenate(self._pausing), np.concatenate(self._member)
        )
        return bool(ens.memo.find(keys)[0].all())

    def evaluate(self, ens: Ensemble) -> kernel.Lookahead:
        """Every queued row's lookahead from its run's public state, new rows in one call."""
        runs = np.concatenate(self._runs)
        pausing, member = np.concatenate(self._pausing), np.concatenate(self._member)
        memo = ens.memo
        if not memo.enabled:
            return _lookahead(ens, runs, pausing, member)
        keys = memo.key(runs, pausing, member)
        found, _ = memo.find(keys)
        if not found.all():
            new_keys, first = np.unique(keys[~found], return_index=True)
            fresh = np.flatnonzero(~found)[first]
            result = _lookahead(ens, runs[fresh], pausing[fresh], member[fresh])
            memo.add(new_keys, result.lab, result.state)
        _, where = memo.find(keys)
        # Decisions read only the utilities; the horizon's catastrophe odds are not kept.
        return kernel.Lookahead(memo.lab[where], memo.state[where], np.zeros(0))


def _lookahead(
    ens: Ensemble, runs: np.ndarray, pausing: np.ndarray, member: np.ndarray
) -> kernel.Lookahead:
    """The kernel's lookahead of rows, each from its own run's planning state."""
    params, structure = ens.inputs.rows(runs)
    state = kernel.WorldState(
        ens.observed[runs], ens.open_source[runs], ens.world_step, ens.loss_multiplier[runs]
    )
    return kernel.lookahead(
        state, pausing, member, structure, params, params.lookahead, params.discount
    )
