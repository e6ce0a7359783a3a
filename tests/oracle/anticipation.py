"""How a state expects its own labs to answer a change of treaty membership.

Membership matters only through what the state's labs then do (MODEL.md section 4), so a
best-responding state asks: if I join (or leave), where do my labs settle? The Mesa model
answers with kernel lookaheads and the treaty game with its lab-game tables; both call
`settle_own_labs`, so the agents and the equilibrium analysis anticipate the same way.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: Maps candidate profiles (..., L) bool to every lab's utility there, (..., L).
Utilities = Callable[[np.ndarray], np.ndarray]


def settle_own_labs(profiles: np.ndarray, own: np.ndarray, utilities: Utilities) -> np.ndarray:
    """Each row of `profiles` (M, L) after the `own` labs revise together by strict best response.

    Every own lab compares RACE and PAUSE with the others as they are; all switch at once;
    this repeats, at most one round per own lab, until none wants to move. Indifferent labs
    keep their action, and labs not in `own` never move.
    """
    profile = np.array(profiles, dtype=bool)
    if own.size == 0:
        return profile
    for _ in range(own.size):
        # candidates[m, j, a]: row m with own lab j switched to action a (0 race, 1 pause).
        candidates = np.repeat(profile[:, None, None, :], own.size, axis=1).repeat(2, axis=2)
        for j, lab in enumerate(own):
            candidates[:, j, 0, lab] = False
            candidates[:, j, 1, lab] = True
        utility = utilities(candidates)
        gains = np.stack(
            [utility[:, j, 1, lab] - utility[:, j, 0, lab] for j, lab in enumerate(own)], axis=1
        )
        new = profile.copy()
        new[:, own] = np.where(gains > 0, True, np.where(gains < 0, False, profile[:, own]))
        if np.array_equal(new, profile):
            break
        profile = new
    return profile
