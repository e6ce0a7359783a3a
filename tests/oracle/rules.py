"""Decision rules: small interchangeable objects that pick RACE or PAUSE for one agent.

A rule's `decide(agent, model)` returns True for PAUSE (for a state: be in the treaty).
Best response reads payoffs from the kernel's lookahead (MODEL.md section 4); imitation
and reinforcement learn from realised payoffs; `fixed` never changes its mind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from pausegame.sim.kernel import sigmoid
from pausegame.sim.randomness import Purpose

if TYPE_CHECKING:
    from tests.oracle.actors import DecisionMaker
    from tests.oracle.model import PauseModel


def choice_probability(beta: object, advantage: object) -> np.ndarray:
    """Logit (Fermi) probability of taking an option `advantage` better; 1/2 at no advantage.

    Vectorised: the Mesa agents pass one advantage, the ensemble engine many at once.
    """
    advantage = np.asarray(advantage, dtype=np.float64)
    with np.errstate(over="ignore"):
        scaled = np.asarray(beta, dtype=np.float64) * advantage
        return np.where(advantage != 0, sigmoid(scaled), 0.5)


class DecisionRule:
    """Base class: a named rule; `observe` lets learning rules see realised payoffs."""

    name: ClassVar[str] = ""

    def decide(self, agent: DecisionMaker, model: PauseModel) -> bool:
        raise NotImplementedError

    def observe(self, agent: DecisionMaker, payoff: float) -> None:
        """Called after every step with the agent's realised payoff (default: ignore)."""


class Fixed(DecisionRule):
    """A committed actor: keeps its current action forever."""

    name = "fixed"

    def decide(self, agent: DecisionMaker, model: PauseModel) -> bool:
        return agent.pausing


class BestResponse(DecisionRule):
    """Logit best response to the current profile over a T-step lookahead (MODEL.md 4).

    A lab compares its own lookahead utility of racing and pausing with everyone else held
    fixed. A state compares being in and out of the treaty after its own labs best-respond
    to that membership, since membership matters only through what its labs then do.
    """

    name = "best_response"

    def decide(self, agent: DecisionMaker, model: PauseModel) -> bool:
        if agent.kind == "lab":
            race, pause = model.lab_utilities(agent.index)
        else:
            race, pause = model.membership_utilities(agent.index)
        if race == pause:
            return agent.pausing
        probability = float(choice_probability(model.params.logit_beta, pause - race))
        return bool(model.uniform(agent.key, Purpose.CHOICE) < probability)


class Imitation(DecisionRule):
    """Pairwise-comparison imitation with the Fermi rule (Szabo & Toke 1998; Traulsen 2006).

    Compare with a random other decision maker of the same kind and copy its action with
    probability 1/(1+exp(-beta (payoff_other - payoff_self))) on last step's realised payoffs.
    """

    name = "imitation"

    def decide(self, agent: DecisionMaker, model: PauseModel) -> bool:
        peers = [other for other in model.decision_makers(agent.kind) if other is not agent]
        if not peers:
            return agent.pausing
        pick = int(model.uniform(agent.key, Purpose.PARTNER) * len(peers))
        partner = peers[min(pick, len(peers) - 1)]
        if partner.pausing == agent.pausing:
            return agent.pausing
        advantage = partner.last_payoff - agent.last_payoff
        probability = float(choice_probability(model.params.logit_beta, advantage))
        if model.uniform(agent.key, Purpose.CHOICE) < probability:
            return partner.pausing
        return agent.pausing


class Reinforcement(DecisionRule):
    """Action-value reinforcement with logit choice (Erev & Roth 1998, averaging form).

    The value of the action played moves toward its realised payoff by the learning rate;
    PAUSE is chosen with probability 1/(1+exp(-beta (Q_pause - Q_race))).
    """

    name = "reinforcement"

    def decide(self, agent: DecisionMaker, model: PauseModel) -> bool:
        race, pause = agent.action_values
        if race == pause:
            return agent.pausing
        probability = float(choice_probability(model.params.logit_beta, pause - race))
        return bool(model.uniform(agent.key, Purpose.CHOICE) < probability)

    def observe(self, agent: DecisionMaker, payoff: float) -> None:
        rate = agent.model.params.learning_rate
        played = int(agent.pausing)
        agent.action_values[played] += rate * (payoff - agent.action_values[played])


RULES: dict[str, type[DecisionRule]] = {
    rule.name: rule for rule in (BestResponse, Imitation, Reinforcement, Fixed)
}


def make_rule(name: str) -> DecisionRule:
    """A fresh rule object by its scenario name."""
    return RULES[name]()
