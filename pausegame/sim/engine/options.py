"""What each option is worth to a best responder: lookahead utilities of RACE and PAUSE.

A lab compares its own lookahead utility of racing and of pausing with everyone else as
they are. A state compares being out of and in the treaty after its own labs have answered
that membership (`anticipation.OwnLabResponse`). Both queue the lookahead rows they need
on a shared `Lookaheads` queue, so one kernel call serves the decisions of many runs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pausegame.sim import kernel
from pausegame.sim.engine.anticipation import OwnLabResponse
from pausegame.sim.engine.memo import Lookaheads
from pausegame.sim.engine.state import Runs

#: A best-responding state's own labs are enumerated in every combination up to this many
#: (2**2 = 4 profiles per membership, no more than its rounds would visit), so its
#: anticipation settles from the step's memo after one kernel call; a state with more labs
#: goes round by round, its run waiting while the other runs' decisions share the calls.
MAX_ENUMERATED_LABS = 2


class LabOptions:
    """Labs' utility of racing and of pausing, one lab per row, others as they are."""

    def __init__(self, runs: Runs, rows: np.ndarray, labs: np.ndarray, queue: Lookaheads) -> None:
        self.rows, self.labs = rows, labs
        repeated = np.repeat(rows, 2)
        pausing = runs.state.pausing[repeated]
        pausing[np.arange(len(repeated)), np.repeat(labs, 2)] = np.tile([False, True], len(rows))
        self.where = queue.add(repeated, pausing, runs.state.member[repeated])

    def utilities(self, result: kernel.Lookahead) -> tuple[np.ndarray, np.ndarray]:
        """(race, pause) utility of each lab."""
        own = result.lab[self.where][np.arange(2 * len(self.labs)), np.repeat(self.labs, 2)]
        return own[0::2], own[1::2]


class MembershipOptions:
    """States' utility out of and in the treaty, their own labs' answer anticipated.

    Each revising state has two cases (out, in); each case's own labs settle round by round
    (one `OwnLabResponse` per state), then the state's utility is read at the settled
    profile. A row asked for again (a settled profile was a candidate of its last round)
    comes from the step's memo at no kernel cost.
    """

    def __init__(self, runs: Runs, rows: np.ndarray, states: np.ndarray) -> None:
        self.runs = runs
        self.revisers = rows  # one row per revising state; its two cases follow
        self.reported = np.zeros(len(rows), dtype=bool)
        self.rows = np.repeat(rows, 2)
        self.states = np.repeat(states, 2)
        cases = len(self.rows)
        self.members = runs.state.member[self.rows]
        self.members[np.arange(cases), self.states] = np.tile([False, True], len(rows))
        profiles = runs.state.pausing[self.rows]
        self.groups = []  # (state, its cases, their own labs' response)
        for state in np.unique(self.states).tolist():
            group = np.flatnonzero(self.states == state)
            self.groups.append(
                (state, group, OwnLabResponse(profiles[group], runs.own_labs[state]))
            )
        self.value = np.zeros(cases)
        self.valued = np.zeros(cases, dtype=bool)
        self._queued: list[tuple[str, int, np.ndarray, slice]] = []

    @property
    def settled(self) -> bool:
        return bool(self.valued.all())

    @property
    def finished(self) -> bool:
        return bool(self.reported.all())

    def queue_every_response(self, queue: Lookaheads) -> None:
        """Queue each case's profiles with its own labs in every combination (few labs only)."""
        for _, group, response in self.groups:
            own = response.own
            if len(own) > MAX_ENUMERATED_LABS:
                continue
            combos = (np.arange(2 ** len(own))[:, None] >> np.arange(len(own))) & 1
            rows = np.repeat(response.profiles[:, None, :], len(combos), axis=1)
            rows[:, :, own] = combos.astype(bool)
            queue.add(
                np.repeat(self.rows[group], len(combos)),
                rows.reshape(-1, rows.shape[-1]),
                np.repeat(self.members[group], len(combos), axis=0),
            )

    def queue(self, queue: Lookaheads) -> None:
        """Queue this round's rows: own labs' candidate switches, and settled profiles."""
        self._queued = []
        self._queue_rounds(queue)
        self._queue_values(queue)

    def _queue_rounds(self, queue: Lookaheads) -> None:
        for index, (_, group, response) in enumerate(self.groups):
            moving = response.moving()
            if moving.size:
                candidates = response.candidates(moving)
                n, width = candidates.shape[:2]
                where = queue.add(
                    np.repeat(self.rows[group[moving]], 2 * width),
                    candidates.reshape(n * width * 2, -1),
                    np.repeat(self.members[group[moving]], 2 * width, axis=0),
                )
                self._queued.append(("round", index, moving, where))

    def _queue_values(self, queue: Lookaheads) -> None:
        for index, (_, group, response) in enumerate(self.groups):
            ready = np.ones(len(group), dtype=bool)
            ready[response.moving()] = False
            ready = np.flatnonzero(ready & ~self.valued[group])
            if ready.size:
                cases = group[ready]
                where = queue.add(self.rows[cases], response.profiles[ready], self.members[cases])
                self._queued.append(("value", index, ready, where))

    def absorb(self, result: kernel.Lookahead) -> None:
        """Take this round's results: move own labs, value the settled cases."""
        for kind, index, cases, where in self._queued:
            state, group, response = self.groups[index]
            if kind == "round":
                width = response.own.size
                response.absorb(cases, result.lab[where].reshape(len(cases), width, 2, -1))
            else:
                self.value[group[cases]] = result.state[where][:, state]
                self.valued[group[cases]] = True
        self._queued = []

    def settle_from_memo(self) -> None:
        """Value settled cases and run further rounds while every row needed is known.

        A settled profile was a candidate of its last round, so its row is in the memo:
        its state decides at once, whatever the other cases still need.
        """
        while not self.settled:
            self._absorb_if_known(self._queue_values)
            if not self._absorb_if_known(self._queue_rounds):
                return

    def _absorb_if_known(self, queue_rows: Callable[[Lookaheads], None]) -> bool:
        """Queue rows with `queue_rows` and absorb them if the memo has them all."""
        self._queued = []
        queue = Lookaheads()
        queue_rows(queue)
        if not len(queue) or not queue.known(self.runs.memo):
            self._queued = []
            return False
        self.absorb(self.runs.evaluate(queue))
        return True

    def take_settled(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, out, in) of revisers whose two cases are valued since last asked."""
        ready = self.valued[0::2] & self.valued[1::2] & ~self.reported
        self.reported |= ready
        return self.revisers[ready], self.value[0::2][ready], self.value[1::2][ready]


def option_values(
    runs: Runs, rows: np.ndarray, agents: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(race, pause) lookahead utility of decision makers `agents` in `rows`, computed now.

    For a state, race is out of the treaty and pause is in it.
    """
    race, pause = np.zeros(len(rows)), np.zeros(len(rows))
    is_lab = agents < runs.n_labs
    queue = Lookaheads()
    labs = LabOptions(runs, rows[is_lab], agents[is_lab], queue) if is_lab.any() else None
    states = None
    if not is_lab.all():
        states = MembershipOptions(runs, rows[~is_lab], agents[~is_lab] - runs.n_labs)
        states.queue(queue)
    result = runs.evaluate(queue)
    if labs is not None:
        race[is_lab], pause[is_lab] = labs.utilities(result)
    if states is not None:
        states.absorb(result)
        while not states.settled:
            queue = Lookaheads()
            states.queue(queue)
            states.absorb(runs.evaluate(queue))
        race[~is_lab], pause[~is_lab] = states.value[0::2], states.value[1::2]
    return race, pause
