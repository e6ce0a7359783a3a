"""The decision rules, each deciding for many (run, decision maker) pairs at once.

A rule's `decide(runs, rows, agents, step, current)` returns each pair's new action (True:
pause; for a state: be in the treaty). Best response reads lookahead utilities (MODEL.md
section 4); imitation and reinforcement learn from realised payoffs; `fixed` never changes
its mind. Every random draw is keyed by (seed, step, agent, purpose).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from pausegame.sim import kernel
from pausegame.sim.engine.options import option_values
from pausegame.sim.engine.state import Runs
from pausegame.sim.randomness import Purpose, keyed_uniform


def choice_probability(beta: object, advantage: object) -> np.ndarray:
    """Logit (Fermi) probability of taking an option `advantage` better; 1/2 at no advantage."""
    advantage = np.asarray(advantage, dtype=np.float64)
    with np.errstate(over="ignore"):
        scaled = np.asarray(beta, dtype=np.float64) * advantage
        return np.where(advantage != 0, kernel.sigmoid(scaled), 0.5)


def logit_choice(
    runs: Runs,
    rows: np.ndarray,
    agents: np.ndarray,
    step: int,
    current: np.ndarray,
    race: np.ndarray,
    pause: np.ndarray,
) -> np.ndarray:
    """Pause (join) with logit probability in the utility difference; no difference: stay."""
    probability = choice_probability(runs.param("logit_beta", rows), pause - race)
    draw = keyed_uniform(runs.inputs.seed_keys[rows], step, agents, Purpose.CHOICE)
    return np.where(race == pause, current, draw < probability)


class Rule:
    """A named decision rule; `observe` lets learning rules see the step's realised payoffs."""

    name: ClassVar[str] = ""

    def decide(
        self, runs: Runs, rows: np.ndarray, agents: np.ndarray, step: int, current: np.ndarray
    ) -> np.ndarray:
        raise NotImplementedError

    def observe(self, runs: Runs, agents: np.ndarray) -> None:
        """After every step, with `agents` the decision makers that follow this rule."""


class Fixed(Rule):
    """A committed actor: keeps its current action forever."""

    name = "fixed"

    def decide(
        self, runs: Runs, rows: np.ndarray, agents: np.ndarray, step: int, current: np.ndarray
    ) -> np.ndarray:
        return current.copy()


class BestResponse(Rule):
    """Logit best response to the current profile over a T-step lookahead (MODEL.md 4).

    A lab compares its own lookahead utility of racing and pausing with everyone else held
    fixed. A state compares being out of and in the treaty after its own labs best-respond
    to that membership, since membership matters only through what its labs then do.
    """

    name = "best_response"

    def decide(
        self, runs: Runs, rows: np.ndarray, agents: np.ndarray, step: int, current: np.ndarray
    ) -> np.ndarray:
        race, pause = option_values(runs, rows, agents)
        return logit_choice(runs, rows, agents, step, current, race, pause)


class Imitation(Rule):
    """Pairwise-comparison imitation with the Fermi rule (Szabo & Toke 1998; Traulsen 2006).

    Compare with a keyed random other decision maker of the same kind and copy its action
    with probability 1/(1+exp(-beta (payoff_other - payoff_self))) on last step's payoffs.
    """

    name = "imitation"

    def decide(
        self, runs: Runs, rows: np.ndarray, agents: np.ndarray, step: int, current: np.ndarray
    ) -> np.ndarray:
        new = current.copy()
        for is_state in (False, True):
            chosen = np.flatnonzero((agents >= runs.n_labs) == is_state)
            if chosen.size == 0:
                continue
            r, me = rows[chosen], agents[chosen] - (runs.n_labs if is_state else 0)
            actions = runs.state.member if is_state else runs.state.pausing
            payoffs = runs.state.state_payoff if is_state else runs.state.lab_payoff
            peers = actions.shape[1] - 1
            if peers == 0:
                continue
            seeds = runs.inputs.seed_keys[r]
            draw = keyed_uniform(seeds, step, agents[chosen], Purpose.PARTNER)
            pick = np.minimum((draw * peers).astype(np.int64), peers - 1)
            partner = pick + (pick >= me)
            theirs = actions[r, partner]
            advantage = payoffs[r, partner] - payoffs[r, me]
            probability = choice_probability(runs.param("logit_beta", r), advantage)
            copy = keyed_uniform(seeds, step, agents[chosen], Purpose.CHOICE) < probability
            new[chosen] = np.where((theirs != current[chosen]) & copy, theirs, current[chosen])
        return new


class Reinforcement(Rule):
    """Action-value reinforcement with logit choice (Erev & Roth 1998, averaging form).

    The value of the action played moves toward its realised payoff by the learning rate;
    PAUSE is chosen with probability 1/(1+exp(-beta (Q_pause - Q_race))).
    """

    name = "reinforcement"

    def decide(
        self, runs: Runs, rows: np.ndarray, agents: np.ndarray, step: int, current: np.ndarray
    ) -> np.ndarray:
        values = runs.state.action_values[rows, agents]
        return logit_choice(runs, rows, agents, step, current, values[:, 0], values[:, 1])

    def observe(self, runs: Runs, agents: np.ndarray) -> None:
        # A state's action is read after any trigger punishment of the step.
        state = runs.state
        rate = kernel.per_batch(runs.param("learning_rate"))
        payoff = np.concatenate([state.lab_payoff, state.state_payoff], axis=1)[:, agents]
        rows, learners = np.arange(runs.size)[:, None], agents[None, :]
        played = runs.actions(rows, learners).astype(np.int64)
        values = state.action_values[rows, learners, played]
        state.action_values[rows, learners, played] = values + rate * (payoff - values)


#: Every rule by its scenario name.
RULES: dict[str, Rule] = {
    rule.name: rule for rule in (BestResponse(), Imitation(), Reinforcement(), Fixed())
}
