"""Lookahead rows of many runs: memoised within a step, the new ones in one kernel call.

A row is (run, lab profile, treaty members); its lookahead starts from that run's public
planning state (observed capabilities) with that run's parameters and actors.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pausegame.sim import kernel

#: Computes fresh lookahead rows: (runs, lab profiles, treaty members) -> their lookahead.
Compute = Callable[[np.ndarray, np.ndarray, np.ndarray], kernel.Lookahead]

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

    def known(self, memo: StepMemo) -> bool:
        """Whether every queued row is in the step's memo (evaluating needs no kernel call)."""
        if not self._size or not memo.enabled:
            return not self._size
        keys = memo.key(
            np.concatenate(self._runs), np.concatenate(self._pausing), np.concatenate(self._member)
        )
        return bool(memo.find(keys)[0].all())

    def evaluate(self, memo: StepMemo, compute: Compute) -> kernel.Lookahead:
        """Every queued row's lookahead, the rows not in the memo computed in one call."""
        runs = np.concatenate(self._runs)
        pausing, member = np.concatenate(self._pausing), np.concatenate(self._member)
        if not memo.enabled:
            return compute(runs, pausing, member)
        keys = memo.key(runs, pausing, member)
        found, _ = memo.find(keys)
        if not found.all():
            new_keys, first = np.unique(keys[~found], return_index=True)
            fresh = np.flatnonzero(~found)[first]
            result = compute(runs[fresh], pausing[fresh], member[fresh])
            memo.add(new_keys, result.lab, result.state)
        _, where = memo.find(keys)
        # Decisions read only the utilities; the horizon's catastrophe odds are not kept.
        return kernel.Lookahead(memo.lab[where], memo.state[where], np.zeros(0))
