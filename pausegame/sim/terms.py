"""The named terms of a step's payoff, and their sum: the payoffs are nothing but that sum.

A lab's payoff and a state's payoff are each a fixed list of terms; the kernel computes
them, costs as positive amounts, and `total` adds the gains and subtracts the costs in this
order, so the utilities the rules use and what `pausegame explain` prints (`signed`: costs
negative) are one computation.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from pausegame.sim.world import Array

#: A lab's terms, in the order they are added, with what each is.
LAB_TERMS: dict[str, str] = {
    "genai_revenue": "generative-AI market revenue (share by capability^alpha)",
    "safety_revenue": "AI-safety market revenue (only while pausing)",
    "pause_affinity": "pause affinity: a share of turnover earned while pausing",
    "compute_cost": "compute cost of the capability gained (sanctions raise it)",
    "fines": "expected fines for detected violations",
    "false_alarm_fines": "expected fines for false alarms on a compliant lab",
    "catastrophe_loss": "expected perceived loss in a catastrophe",
}

#: A state's terms, in the order they are added.
STATE_TERMS: dict[str, str] = {
    "labs_revenue": "its labs' revenue",
    "rivalry": "rivalry: the value of its labs' lead over rivals",
    "verification_cost": "the treaty's inspection cost (members only)",
    "catastrophe_loss": "expected loss in a catastrophe",
}


#: The terms that are costs: computed as positive amounts and subtracted.
COSTS = frozenset(
    {"compute_cost", "fines", "false_alarm_fines", "catastrophe_loss", "verification_cost"}
)


def total(terms: Mapping[str, Array], start: Array | None = None) -> Array:
    """The gains added and the costs subtracted in their fixed order: the payoff itself.

    `start`, when given, is the sum of the terms before these (the sum goes on from it).
    """
    items = iter(terms.items())
    if start is None:
        name, result = next(items)
        result = -result if name in COSTS else result
    else:
        result = start
    for name, value in items:
        result = result - value if name in COSTS else result + value
    return result


def signed(terms: Mapping[str, Array]) -> dict[str, Array]:
    """The terms with costs negative, so that they simply add up to the payoff."""
    return {name: -value if name in COSTS else value for name, value in terms.items()}


class Accumulator:
    """Per-term sums weighted like a lookahead's utilities: sum_t w_t x term_t, signed."""

    def __init__(self) -> None:
        self.sums: dict[str, Array] = {}

    def add(self, weight: Array, terms: Mapping[str, Array]) -> None:
        for name, value in terms.items():
            weighted = weight * np.asarray(value)
            self.sums[name] = self.sums[name] + weighted if name in self.sums else weighted

    def deflated(self, deflator: Array) -> dict[str, Array]:
        """Every sum divided by `deflator`, as the utilities are."""
        return signed({name: value / deflator for name, value in self.sums.items()})
