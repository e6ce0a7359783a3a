"""How a state expects its own labs to answer a change of treaty membership.

Membership matters only through what the state's labs then do (MODEL.md section 4), so a
best-responding state asks: if I join (or leave), where do my labs settle? `OwnLabResponse`
is that rule, a round at a time, so that the engine can serve the rounds of many runs from
shared kernel calls; `settle_own_labs` runs it to the end for the treaty game's tables.
The agents and the equilibrium analysis therefore anticipate the same way.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: Maps candidate profiles (..., L) bool to every lab's utility there, (..., L).
Utilities = Callable[[np.ndarray], np.ndarray]


class OwnLabResponse:
    """Profiles (C, L) whose `own` labs revise together by strict best response.

    In a round, every own lab compares RACE and PAUSE with the others as they are, and all
    switch at once. A profile where no own lab gains strictly by switching is at rest; one
    that has moved once per own lab stops there. Indifferent labs keep their action, and
    labs not in `own` never move.
    """

    def __init__(self, profiles: np.ndarray, own: np.ndarray) -> None:
        self.own = np.asarray(own, dtype=np.int64)
        self.profiles = np.array(profiles, dtype=bool)
        self.rounds = np.zeros(len(self.profiles), dtype=np.int64)
        self.at_rest = np.zeros(len(self.profiles), dtype=bool)

    def moving(self) -> np.ndarray:
        """Indices of the profiles that still take a round."""
        return np.flatnonzero(~self.at_rest & (self.rounds < self.own.size))

    def candidates(self, cases: np.ndarray) -> np.ndarray:
        """(n, J, 2, L): profile `cases[c]` with own lab j switched to action a (0 race)."""
        width = self.own.size
        candidates = np.repeat(self.profiles[cases][:, None, None, :], width, axis=1)
        candidates = np.repeat(candidates, 2, axis=2)
        for j, lab in enumerate(self.own.tolist()):
            candidates[:, j, 0, lab] = False
            candidates[:, j, 1, lab] = True
        return candidates

    def absorb(self, cases: np.ndarray, utility: np.ndarray) -> None:
        """Take every lab's utility (n, J, 2, L) at `candidates(cases)`: one round."""
        own, width = self.own, self.own.size
        gains = utility[:, np.arange(width), 1, own] - utility[:, np.arange(width), 0, own]
        current = self.profiles[cases][:, own]
        new = np.where(gains > 0, True, np.where(gains < 0, False, current))
        still = (new == current).all(axis=1)
        self.at_rest[cases[still]] = True
        moved = cases[~still]
        self.profiles[np.ix_(moved, own)] = new[~still]
        self.rounds[moved] += 1


def settle_own_labs(profiles: np.ndarray, own: np.ndarray, utilities: Utilities) -> np.ndarray:
    """Each row of `profiles` (M, L) after the `own` labs have settled (see `OwnLabResponse`)."""
    response = OwnLabResponse(profiles, own)
    while (cases := response.moving()).size:
        response.absorb(cases, utilities(response.candidates(cases)))
    return response.profiles
