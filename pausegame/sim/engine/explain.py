"""Why a best responder chooses: its two options' utilities split into the named terms.

The terms come from the kernel's own lookahead (`kernel.lookahead(..., explain=True)`) at
the very profiles the rule values: for a lab, itself racing and pausing with everyone else
as they are; for a state, out of and in the treaty at its own labs' anticipated answer
(`options.MembershipOptions`). So the totals are the rule's utilities, and the terms add
up to them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pausegame.sim.engine.memo import Lookaheads
from pausegame.sim.engine.options import MembershipOptions
from pausegame.sim.engine.rules import choice_probability
from pausegame.sim.engine.state import Runs


@dataclass(frozen=True)
class OptionTerms:
    """A decision maker's two options (race/out, pause/in), term by term."""

    agent: int  # its key among decision makers: labs, then states
    rule: str
    current: bool  # its action now (True: pause / in the treaty)
    race: dict[str, float]  # named terms of racing (a state: staying out)
    pause: dict[str, float]  # named terms of pausing (a state: being in)
    race_total: float  # the rule's utility of racing
    pause_total: float
    race_profile: np.ndarray  # (L,) bool: the lab profile each option is valued at
    pause_profile: np.ndarray
    #: A state only: (out, in) utility at its labs' anticipated answer minus at their
    #: current profile, the part of each option that comes through its own labs.
    through_labs: tuple[float, float] | None
    beta: float  # the scenario's logit_beta

    @property
    def probability(self) -> float:
        """The logit chance of choosing PAUSE (join); no difference: it keeps its action."""
        if self.race_total == self.pause_total:
            return float(self.current)
        return float(choice_probability(self.beta, self.pause_total - self.race_total))


def _settled(runs: Runs, row: int, state: int) -> tuple[np.ndarray, np.ndarray]:
    """(profiles, members) (2, L), (2, S) of a state's out and in cases, own labs settled."""
    options = MembershipOptions(runs, np.array([row]), np.array([state]))
    while not options.settled:
        queue = Lookaheads()
        options.queue(queue)
        options.absorb(runs.evaluate(queue))
    ((_, _, response),) = options.groups
    return response.profiles.copy(), options.members.copy()


def option_terms(runs: Runs, row: int, agent: int) -> OptionTerms:
    """The named terms of decision maker `agent`'s options in run `row`, as it stands now."""
    rows = np.array([row, row])
    current = bool(runs.actions(np.array([row]), np.array([agent]))[0])
    if agent < runs.n_labs:
        profiles = runs.state.pausing[rows]
        profiles[:, agent] = [False, True]
        members = runs.state.member[rows]
        look = runs.lookahead(rows, profiles, members, explain=True)
        values, terms, column, through = look.lab, look.lab_terms, agent, None
    else:
        column = agent - runs.n_labs
        profiles, members = _settled(runs, row, column)
        look = runs.lookahead(rows, profiles, members, explain=True)
        values, terms = look.state, look.state_terms
        now = runs.lookahead(rows, runs.state.pausing[rows], members).state[:, column]
        through = (float(values[0, column] - now[0]), float(values[1, column] - now[1]))
    assert terms is not None
    race = {name: float(value[0, column]) + 0.0 for name, value in terms.items()}
    pause = {name: float(value[1, column]) + 0.0 for name, value in terms.items()}
    return OptionTerms(
        agent=agent,
        rule=runs.inputs.rules[agent],
        current=current,
        race=race,
        pause=pause,
        race_total=float(values[0, column]),
        pause_total=float(values[1, column]),
        race_profile=profiles[0].copy(),
        pause_profile=profiles[1].copy(),
        through_labs=through,
        beta=float(runs.value("logit_beta", row)),
    )
