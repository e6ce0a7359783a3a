"""The revision phase of a step for many runs at once: the decision rules over run arrays.

Within a run, decision makers revise one after another in the keyed order, each seeing
the actions of those who revised before it. Across runs everything is independent, so
each run works through its own revisers while one kernel call per round serves them all:
a round queues the lookahead rows every waiting decision needs (labs' two options;
states' memberships with their own labs' anticipated response), evaluates the new ones in
one batch, and lets every decision that has its rows go, so that a run's next reviser
can start in the next round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pausegame.agents.rules import choice_probability
from pausegame.sim import kernel
from pausegame.sim.ensemble_lookahead import Lookaheads
from pausegame.sim.randomness import Purpose, keyed_uniform

if TYPE_CHECKING:
    from pausegame.sim.ensemble import Ensemble


#: A best-responding state's own labs are enumerated in every combination up to this many
#: (2**2 = 4 profiles per membership, no more than its rounds would visit), so its
#: anticipation settles in one kernel call; a state with more labs goes round by round,
#: its run waiting while the other runs' decisions share the same calls.
MAX_ENUMERATED_LABS = 2


class LabOptions:
    """Best-responding labs: each lab's utility of racing and of pausing, others as they are."""

    def __init__(
        self, ens: Ensemble, runs: np.ndarray, labs: np.ndarray, queue: Lookaheads
    ) -> None:
        self.runs, self.labs = runs, labs
        rows = np.repeat(runs, 2)
        pausing = ens.pausing[rows]
        pausing[np.arange(len(rows)), np.repeat(labs, 2)] = np.tile([False, True], len(runs))
        self.where = queue.add(rows, pausing, ens.member[rows])

    def utilities(self, result: kernel.Lookahead) -> tuple[np.ndarray, np.ndarray]:
        """(race, pause) utility of each lab."""
        own = result.lab[self.where][np.arange(2 * len(self.labs)), np.repeat(self.labs, 2)]
        return own[0::2], own[1::2]


class MembershipOptions:
    """Best-responding states: utility out of and in the treaty, their own labs anticipated.

    Each (run, membership) case iterates its own labs' joint strict best response, at most
    one round per own lab, stopping at a fixed point. A case that settles was evaluated in
    its last round (its profile is the candidate with own lab 0 at its current action); one
    that never settles, or whose state has no labs, needs one more row at its final profile.

    Every profile those rounds can visit differs from the current one only in the state's
    own labs, so for a state with few labs all of them are queued at once with the labs'
    rows: the rounds then find every row in the step's memo and cost no further kernel call.
    """

    def __init__(self, ens: Ensemble, runs: np.ndarray, states: np.ndarray) -> None:
        self.ens = ens
        self.revisers = runs  # one run per revising state; its two cases follow
        self.reported = np.zeros(len(runs), dtype=bool)
        self.runs = np.repeat(runs, 2)
        self.states = np.repeat(states, 2)
        cases = len(self.runs)
        self.members = ens.member[self.runs]
        self.members[np.arange(cases), self.states] = np.tile([False, True], len(runs))
        self.profiles = ens.pausing[self.runs]
        self.rounds = np.zeros(cases, dtype=np.int64)
        self.own_count = ens.own_count[self.states]
        self.value = np.zeros(cases)
        self.done = np.zeros(cases, dtype=bool)
        self._final: tuple[np.ndarray, slice] | None = None
        self._rounds: list[tuple[int, np.ndarray, slice]] = []

    @property
    def settled(self) -> bool:
        return bool(self.done.all())

    @property
    def finished(self) -> bool:
        return bool(self.reported.all())

    def settle_from_memo(self) -> None:
        """Run further rounds as long as every row they need is already known."""
        while not self.settled:
            queue = Lookaheads()
            self.queue(queue)
            if not queue.known(self.ens):
                return
            self.absorb(queue.evaluate(self.ens))

    def take_settled(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(runs, out, in) of revisers whose two cases have settled since last asked."""
        ready = self.done[0::2] & self.done[1::2] & ~self.reported
        self.reported |= ready
        return self.revisers[ready], self.value[0::2][ready], self.value[1::2][ready]

    def queue_every_response(self, queue: Lookaheads) -> None:
        """Queue each case's profiles with its own labs in every combination (few labs only)."""
        for state in np.unique(self.states).tolist():
            own = self.ens.own_labs[state]
            if len(own) > MAX_ENUMERATED_LABS:
                continue
            cases = np.flatnonzero(self.states == state)
            combos = (np.arange(2 ** len(own))[:, None] >> np.arange(len(own))) & 1
            rows = np.repeat(self.profiles[cases][:, None, :], len(combos), axis=1)
            rows[:, :, own] = combos.astype(bool)
            queue.add(
                np.repeat(self.runs[cases], len(combos)),
                rows.reshape(-1, rows.shape[-1]),
                np.repeat(self.members[cases], len(combos), axis=0),
            )

    def queue(self, queue: Lookaheads) -> None:
        """Queue this round's rows: final profiles, and own labs' candidate switches."""
        final = np.flatnonzero(~self.done & (self.rounds >= self.own_count))
        self._final = None
        if final.size:
            where = queue.add(self.runs[final], self.profiles[final], self.members[final])
            self._final = (final, where)
        self._rounds = []
        pending = ~self.done & (self.rounds < self.own_count)
        for state in np.unique(self.states[pending]).tolist():
            cases = np.flatnonzero(pending & (self.states == state))
            own = self.ens.own_labs[state]
            n, width = len(cases), len(own)
            # candidates[c, j, a]: case c with own lab j switched to action a.
            candidates = np.repeat(self.profiles[cases][:, None, None, :], width, axis=1)
            candidates = np.repeat(candidates, 2, axis=2)
            for j, lab in enumerate(own.tolist()):
                candidates[:, j, 0, lab] = False
                candidates[:, j, 1, lab] = True
            members = np.repeat(self.members[cases], 2 * width, axis=0)
            where = queue.add(
                np.repeat(self.runs[cases], 2 * width),
                candidates.reshape(n * width * 2, -1),
                members,
            )
            self._rounds.append((state, cases, where))

    def absorb(self, result: kernel.Lookahead) -> None:
        """Take this round's results: settle cases, move the others' own labs."""
        if self._final is not None:
            final, where = self._final
            self.value[final] = result.state[where][np.arange(len(final)), self.states[final]]
            self.done[final] = True
        for state, cases, where in self._rounds:
            own = self.ens.own_labs[state]
            n, width = len(cases), len(own)
            labs = result.lab[where].reshape(n, width, 2, -1)
            gains = labs[:, np.arange(width), 1, own] - labs[:, np.arange(width), 0, own]
            current = self.profiles[cases][:, own]
            new = np.where(gains > 0, True, np.where(gains < 0, False, current))
            still = (new == current).all(axis=1)
            states = result.state[where].reshape(n, width, 2, -1)
            held = current[:, 0].astype(np.int64)
            self.value[cases[still]] = states[still, 0, held[still], state]
            self.done[cases[still]] = True
            moved = cases[~still]
            self.profiles[np.ix_(moved, own)] = new[~still]
            self.rounds[moved] += 1


def _logit_choice(
    ens: Ensemble,
    runs: np.ndarray,
    agents: np.ndarray,
    step: int,
    current: np.ndarray,
    race: np.ndarray,
    pause: np.ndarray,
) -> np.ndarray:
    """Pause (join) with logit probability in the utility difference; no difference: stay."""
    probability = choice_probability(ens.inputs.param("logit_beta", runs), pause - race)
    draw = keyed_uniform(ens.inputs.seed_keys[runs], step, agents, Purpose.CHOICE)
    return np.where(race == pause, current, draw < probability)


def _imitate(
    ens: Ensemble, runs: np.ndarray, agents: np.ndarray, step: int, current: np.ndarray
) -> np.ndarray:
    """Fermi imitation of a keyed random peer of the same kind, on last step's payoffs."""
    new = current.copy()
    for is_state in (False, True):
        chosen = np.flatnonzero((agents >= ens.n_labs) == is_state)
        if chosen.size == 0:
            continue
        r, me = runs[chosen], agents[chosen] - (ens.n_labs if is_state else 0)
        actions = ens.member if is_state else ens.pausing
        payoffs = ens.state_payoff if is_state else ens.lab_payoff
        peers = actions.shape[1] - 1
        if peers == 0:
            continue
        draw = keyed_uniform(ens.inputs.seed_keys[r], step, agents[chosen], Purpose.PARTNER)
        pick = np.minimum((draw * peers).astype(np.int64), peers - 1)
        partner = pick + (pick >= me)
        theirs = actions[r, partner]
        advantage = payoffs[r, partner] - payoffs[r, me]
        probability = choice_probability(ens.inputs.param("logit_beta", r), advantage)
        copy = (
            keyed_uniform(ens.inputs.seed_keys[r], step, agents[chosen], Purpose.CHOICE)
            < probability
        )
        new[chosen] = np.where((theirs != current[chosen]) & copy, theirs, current[chosen])
    return new


def _decide_by_rule(ens: Ensemble, runs: np.ndarray, agents: np.ndarray, step: int) -> None:
    """Revisers whose rule needs no lookahead: imitation, reinforcement, fixed."""
    current = ens.actions(runs, agents)
    new = current.copy()
    rule = ens.rule_of[agents]
    imitating = np.flatnonzero(rule == ens.IMITATION)
    if imitating.size:
        new[imitating] = _imitate(ens, runs[imitating], agents[imitating], step, current[imitating])
    learning = np.flatnonzero(rule == ens.REINFORCEMENT)
    if learning.size:
        values = ens.action_values[runs[learning], agents[learning]]
        new[learning] = _logit_choice(
            ens,
            runs[learning],
            agents[learning],
            step,
            current[learning],
            values[:, 0],
            values[:, 1],
        )
    ens.set_actions(runs, agents, new, current, step)


def _decide_by_utility(
    ens: Ensemble,
    runs: np.ndarray,
    agents: np.ndarray,
    step: int,
    race: np.ndarray,
    pause: np.ndarray,
) -> None:
    """Best responders whose lookahead utilities are known: logit choice, then act."""
    current = ens.actions(runs, agents)
    new = _logit_choice(ens, runs, agents, step, current, race, pause)
    ens.set_actions(runs, agents, new, current, step)


def _revisers(ens: Ensemble, step: int) -> tuple[np.ndarray, np.ndarray]:
    """Each run's revisers this step in its keyed order (left-aligned), and how many."""
    keys = np.arange(ens.n_deciders)
    seeds = ens.inputs.seed_keys[:, None]
    order = np.argsort(keyed_uniform(seeds, step, keys, Purpose.ORDER), axis=-1, kind="stable")
    rate = kernel.per_batch(ens.inputs.param("revision_rate"))
    revises = np.take_along_axis(
        keyed_uniform(seeds, step, keys, Purpose.REVISE) < rate, order, axis=1
    )
    # A punished state sits out the step whether or not it would have revised.
    state = np.clip(order - ens.n_labs, 0, ens.n_states - 1)
    punished = (order >= ens.n_labs) & (
        np.take_along_axis(ens.punished_until, state, axis=1) >= step
    )
    acting = revises & ~punished
    revisers = np.take_along_axis(order, np.argsort(~acting, axis=1, kind="stable"), axis=1)
    return revisers, acting.sum(axis=1)


def revise(ens: Ensemble, step: int) -> None:
    """Every live run's revision phase of `step` (MODEL.md section 2.1).

    A run's next reviser starts once the previous one has acted: rules without lookahead
    act at once; best responders queue their rows for the round's kernel call. A state's
    anticipation may take several rounds, during which its run waits and the others go on.
    """
    revisers, count = _revisers(ens, step)
    cursor = np.zeros(len(count), dtype=np.int64)
    waiting = np.zeros(len(count), dtype=bool)
    anticipating: list[MembershipOptions] = []
    while True:
        # Free runs act through revisers that need no lookahead, up to a best responder.
        while True:
            free = np.flatnonzero(~waiting & (cursor < count))
            agents = revisers[free, cursor[free]]
            best = ens.rule_of[agents] == ens.BEST_RESPONSE
            if best.all():
                break
            _decide_by_rule(ens, free[~best], agents[~best], step)
            cursor[free[~best]] += 1
        queue = Lookaheads()
        is_lab = agents < ens.n_labs
        labs = LabOptions(ens, free[is_lab], agents[is_lab], queue) if is_lab.any() else None
        if not is_lab.all():
            states = MembershipOptions(ens, free[~is_lab], agents[~is_lab] - ens.n_labs)
            if ens.memo.enabled:
                states.queue_every_response(queue)
            anticipating.append(states)
            waiting[free[~is_lab]] = True
        for states in anticipating:
            states.queue(queue)
        if not len(queue):
            return
        result = queue.evaluate(ens)
        if labs is not None:
            _decide_by_utility(ens, labs.runs, labs.labs, step, *labs.utilities(result))
            cursor[labs.runs] += 1
        for states in anticipating:
            states.absorb(result)
            states.settle_from_memo()
            runs, out, join = states.take_settled()
            agents = revisers[runs, cursor[runs]]
            _decide_by_utility(ens, runs, agents, step, out, join)
            cursor[runs] += 1
            waiting[runs] = False
        anticipating = [states for states in anticipating if not states.finished]
