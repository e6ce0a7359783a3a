"""The DSAIR AI race of Han, Pereira, Santos & Lenaerts (2020), solved exactly with pausegame.

Han, T. A., Pereira, L. M., Santos, F. C. & Lenaerts, T. (2020). To regulate or not: a
social dynamics analysis of an idealised AI race. Journal of Artificial Intelligence
Research 69, 881-921.

Two developers race W = 100 rounds to a prize B = 10^4. SAFE (AS) pays c = 1 a round and
moves at speed 1; UNSAFE (AU) skips safety, moves at speed s and suffers a disaster with
probability p_r, losing everything; a market b = 4 per round is shared by speed. The
paper's result for this early, short-timeline regime: with B/W large against b and c,
society is better off with safety once p_r > 1 - 1/s, and AS is favoured by selection
once p_r > 1 - 1/(3s); in between lies the dilemma where racing unsafely wins although
everyone would be better off safe. Below: the exact thresholds of
the payoffs, their limits, and the risk at which safe developers become the majority in
the long run of a population of Z = 100 imitating at beta = 0.01 (small-mutation limit).

Run: .venv/bin/python examples/ai_race.py
"""

from __future__ import annotations

import numpy as np

from pausegame.experiments import population

Z, BETA = 100, 0.01


def safe_share(risk: float, speed: float) -> float:
    """Long-run share of time the population is all-AS, small-mutation limit (exact)."""
    fitness = population.pairwise_fitness(Z, population.dsair_payoffs(risk, speed))
    return float(1 / (1 + np.exp(-population.fixation_log_ratio(*fitness, BETA))))


def main() -> None:
    print(f"DSAIR, early regime: b = 4, c = 1, B = 1e4, W = 100; Z = {Z}, beta = {BETA}")
    print(
        f"{'speed s':>8}{'society: exact':>16}{'1 - 1/s':>10}{'AS favoured: exact':>20}"
        f"{'1 - 1/(3s)':>12}{'finite Z':>10}"
    )
    for speed in (1.25, 1.5, 2.0, 3.0, 4.0, 5.0):
        t = population.dsair_thresholds(speed)
        finite = population.finite_population_threshold(
            lambda p, s=speed: population.dsair_payoffs(p, s), Z
        )
        print(
            f"{speed:>8.2f}{t['society_prefers_safety']:>16.4f}{t['society_limit']:>10.4f}"
            f"{t['safety_risk_dominant']:>20.4f}{t['risk_dominant_limit']:>12.4f}{finite:>10.4f}"
        )
    print()
    print("s = 1.5: long-run share of all-safe populations (small-mutation limit)")
    for risk in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9):
        print(f"  p_r = {risk:.2f}: {safe_share(risk, 1.5):.3f}")


if __name__ == "__main__":
    main()
