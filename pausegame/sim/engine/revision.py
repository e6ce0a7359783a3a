"""The revision phase of a step (MODEL.md section 2.1): who revises, in which order, and how.

Within a run, decision makers revise one after another in a keyed random order, each seeing
the actions of those who revised before it. Across runs everything is independent, so each
run works through its own revisers while one kernel call per round serves them all: a round
queues the lookahead rows every waiting best response needs, evaluates the new ones in one
batch, and lets every decision that has its rows go, so that a run's next reviser can start
in the next round.
"""

from __future__ import annotations

import numpy as np

from pausegame.sim import kernel
from pausegame.sim.engine.memo import Lookaheads
from pausegame.sim.engine.options import LabOptions, MembershipOptions
from pausegame.sim.engine.rules import RULES, logit_choice
from pausegame.sim.engine.state import Runs
from pausegame.sim.randomness import Purpose, keyed_uniform


def rule_codes(runs: Runs) -> np.ndarray:
    """Each decision maker's rule as its position in `RULES` (labs, then states)."""
    order = list(RULES)
    return np.array([order.index(name) for name in runs.inputs.rules], dtype=np.int64)


def revisers(runs: Runs, step: int) -> tuple[np.ndarray, np.ndarray]:
    """Each run's revisers this step in its keyed order (left-aligned), and how many.

    A decision maker revises with probability `revision_rate`; a state sitting out a
    trigger punishment does not revise at all.
    """
    keys = np.arange(runs.n_deciders)
    seeds = runs.inputs.seed_keys[:, None]
    order = np.argsort(keyed_uniform(seeds, step, keys, Purpose.ORDER), axis=-1, kind="stable")
    rate = kernel.per_batch(runs.param("revision_rate"))
    revises = np.take_along_axis(
        keyed_uniform(seeds, step, keys, Purpose.REVISE) < rate, order, axis=1
    )
    state = np.clip(order - runs.n_labs, 0, runs.n_states - 1)
    punished = (order >= runs.n_labs) & (
        np.take_along_axis(runs.state.punished_until, state, axis=1) >= step
    )
    acting = revises & ~punished
    ordered = np.take_along_axis(order, np.argsort(~acting, axis=1, kind="stable"), axis=1)
    return ordered, acting.sum(axis=1)


def decide(runs: Runs, rows: np.ndarray, agents: np.ndarray, step: int) -> None:
    """Decision makers `agents` of `rows` (one per run) revise now, each by its own rule."""
    codes = rule_codes(runs)[agents]
    current = runs.actions(rows, agents)
    new = current.copy()
    for code, rule in enumerate(RULES.values()):
        chosen = np.flatnonzero(codes == code)
        if chosen.size:
            new[chosen] = rule.decide(runs, rows[chosen], agents[chosen], step, current[chosen])
    runs.set_actions(rows, agents, new, current, step)


def _choose(
    runs: Runs, rows: np.ndarray, agents: np.ndarray, step: int, race: np.ndarray, pause: np.ndarray
) -> None:
    """Best responders whose options' utilities are known: choose, then act."""
    current = runs.actions(rows, agents)
    new = logit_choice(runs, rows, agents, step, current, race, pause)
    runs.set_actions(rows, agents, new, current, step)


def revise(runs: Runs, step: int) -> None:
    """Every live run's revision phase of `step`.

    A run's next reviser starts once the previous one has acted: rules without lookahead
    act at once; best responders queue their rows for the round's kernel call. A state's
    anticipation may take several rounds, during which its run waits and the others go on.
    """
    ordered, count = revisers(runs, step)
    best = rule_codes(runs) == list(RULES).index("best_response")
    cursor = np.zeros(len(count), dtype=np.int64)
    waiting = np.zeros(len(count), dtype=bool)
    anticipating: list[MembershipOptions] = []
    while True:
        # Free runs act through revisers that need no lookahead, up to a best responder.
        while True:
            free = np.flatnonzero(~waiting & (cursor < count))
            agents = ordered[free, cursor[free]]
            now = ~best[agents]
            if not now.any():
                break
            decide(runs, free[now], agents[now], step)
            cursor[free[now]] += 1
        queue = Lookaheads()
        is_lab = agents < runs.n_labs
        labs = LabOptions(runs, free[is_lab], agents[is_lab], queue) if is_lab.any() else None
        if not is_lab.all():
            states = MembershipOptions(runs, free[~is_lab], agents[~is_lab] - runs.n_labs)
            if runs.memo.enabled:
                states.queue_every_response(queue)
            anticipating.append(states)
            waiting[free[~is_lab]] = True
        for states in anticipating:
            states.queue(queue)
        if not len(queue):
            return
        result = runs.evaluate(queue)
        if labs is not None:
            _choose(runs, labs.rows, labs.labs, step, *labs.utilities(result))
            cursor[labs.rows] += 1
        for states in anticipating:
            states.absorb(result)
            states.settle_from_memo()
            rows, out, join = states.take_settled()
            _choose(runs, rows, ordered[rows, cursor[rows]], step, out, join)
            cursor[rows] += 1
            waiting[rows] = False
        anticipating = [states for states in anticipating if not states.finished]
