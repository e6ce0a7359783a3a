"""Finite populations of identical players: the pairwise-comparison chain over counts.

Z players use strategy A or B; with k A-players, a randomly drawn player imitates another
randomly drawn one with the Fermi probability 1/(1 + exp(-beta (f_other - f_self))), or
with probability mu explores the other strategy (Traulsen, Nowak & Pacheco 2006). In games
played in groups of N drawn from the population, fitness is the expected payoff over the
hypergeometric composition of one's group (Santos & Pacheco 2011). This is the symmetric,
lumped form of `stochastic.revision_chain` under imitation, the convention EGTtools
implements; `examples/` uses it for the two classic games below.

References
----------
- Traulsen, A., Nowak, M. A. & Pacheco, J. M. (2006). Stochastic dynamics of invasion and
  fixation. Physical Review E 74, 011909.
- Santos, F. C. & Pacheco, J. M. (2011). Risk of collective failure provides an escape from
  the tragedy of the commons. PNAS 108(26), 10421-10425.
- Han, T. A., Pereira, L. M., Santos, F. C. & Lenaerts, T. (2020). To regulate or not: a
  social dynamics analysis of an idealised AI race. Journal of Artificial Intelligence
  Research 69, 881-921.
"""

from __future__ import annotations

from math import comb

import numpy as np
import scipy.sparse as sparse

from pausegame.experiments import stochastic

# ----- fitness in a population --------------------------------------------------------------


def group_fitness(
    population: int, group: int, payoff_a: np.ndarray, payoff_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(f_A[k], f_B[k]) for k = 0..Z A-players, groups of N drawn without replacement.

    `payoff_a[j]` / `payoff_b[j]` is an A / B player's payoff in a group with j A-players
    in all (j = 0..N). An A-player's N - 1 co-players come from the other Z - 1 players, of
    whom k - 1 play A; a B-player's from Z - 1 players of whom k play A.
    """
    z, n = int(population), int(group)
    if not 2 <= n <= z:
        raise ValueError(f"group size {n}: expected 2 <= N <= Z = {z}")
    payoff_a, payoff_b = np.asarray(payoff_a, float), np.asarray(payoff_b, float)
    total = comb(z - 1, n - 1)
    fit_a, fit_b = np.zeros(z + 1), np.zeros(z + 1)
    for k in range(z + 1):
        for others in range(n):  # A-players among the N - 1 co-players
            if k >= 1:
                fit_a[k] += comb(k - 1, others) * comb(z - k, n - 1 - others) * payoff_a[others + 1]
            if k <= z - 1:
                fit_b[k] += comb(k, others) * comb(z - k - 1, n - 1 - others) * payoff_b[others]
    return fit_a / total, fit_b / total


def pairwise_fitness(population: int, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(f_A[k], f_B[k]) of a two-player game [[a, b], [c, d]] (rows A, B), no self-play."""
    (a, b), (c, d) = np.asarray(matrix, dtype=float)
    return group_fitness(population, 2, np.array([0.0, b, a]), np.array([d, c, 0.0]))


# ----- the chain ----------------------------------------------------------------------------


def transition_rates(
    fit_a: np.ndarray, fit_b: np.ndarray, beta: float, mutation: float
) -> tuple[np.ndarray, np.ndarray]:
    """(T+[k], T-[k]): the chance that the number of A-players rises / falls from k."""
    z = len(fit_a) - 1
    k = np.arange(z + 1)
    meet = k * (z - k) / (z * (z - 1))
    up = stochastic.choice_probability(beta, fit_a - fit_b)
    down = stochastic.choice_probability(beta, fit_b - fit_a)
    plus = (1.0 - mutation) * meet * up + mutation * (z - k) / z
    minus = (1.0 - mutation) * meet * down + mutation * k / z
    return plus, minus


def population_chain(
    fit_a: np.ndarray, fit_b: np.ndarray, beta: float, mutation: float
) -> sparse.csr_matrix:
    """The birth-death chain over k = 0..Z as a sparse tridiagonal transition matrix."""
    plus, minus = transition_rates(fit_a, fit_b, beta, mutation)
    size = len(plus)
    return sparse.diags(
        [minus[1:], 1.0 - plus - minus, plus[:-1]], offsets=[-1, 0, 1], shape=(size, size)
    ).tocsr()


def stationary(fit_a: np.ndarray, fit_b: np.ndarray, beta: float, mutation: float) -> np.ndarray:
    """The exact stationary distribution over k (detailed balance of a birth-death chain)."""
    if mutation <= 0:
        return stochastic.stationary_distribution(population_chain(fit_a, fit_b, beta, mutation))
    plus, minus = transition_rates(fit_a, fit_b, beta, mutation)
    # p[k+1]/p[k] = T+[k]/T-[k+1], summed in logs so that strong selection cannot overflow.
    log_ratio = np.log(plus[:-1]) - np.log(minus[1:])
    log_p = np.concatenate([[0.0], np.cumsum(log_ratio)])
    p = np.exp(log_p - log_p.max())
    return p / p.sum()


def fixation_log_ratio(fit_a: np.ndarray, fit_b: np.ndarray, beta: float) -> float:
    """log(rho_{B->A} / rho_{A->B}) = beta sum_k (f_A - f_B), k = 1..Z-1 (Fermi rule, exact)."""
    return float(beta * (np.asarray(fit_a)[1:-1] - np.asarray(fit_b)[1:-1]).sum())


# ----- the collective-risk dilemma (Santos & Pacheco 2011) ----------------------------------


def collective_risk(
    group: int, threshold: int, risk: float, cost: float = 0.1, endowment: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """(payoff_C[j], payoff_D[j]), j = 0..N cooperators in the group.

    Cooperators give the fraction `cost` of their endowment b; with at least M cooperators
    everyone keeps what is left, otherwise everything is lost with probability r:
    Pi_D(j) = b [theta(j - M) + (1 - r)(1 - theta(j - M))], Pi_C(j) = Pi_D(j) - c b.
    """
    j = np.arange(group + 1)
    reached = j >= threshold
    defector = endowment * np.where(reached, 1.0, 1.0 - risk)
    return defector - cost * endowment, defector


def group_achievement(distribution: np.ndarray, group: int, threshold: int) -> float:
    """eta_G: the long-run share of groups with at least M cooperators (Santos & Pacheco)."""
    z = len(distribution) - 1
    total = comb(z, group)
    success = np.array(
        [
            sum(comb(k, j) * comb(z - k, group - j) for j in range(threshold, group + 1)) / total
            for k in range(z + 1)
        ]
    )
    return float(np.asarray(distribution) @ success)


def critical_risk(group: int, threshold: int, cost: float = 0.1) -> float:
    """The least risk at which the replicator gradient has interior roots (infinite population).

    f_C - f_D = b [C(N-1, M-1) x^(M-1) (1-x)^(N-M) r - c]; its bracket peaks at
    x = (M-1)/(N-1), so interior fixed points exist from r = c / (C(N-1, M-1) x^(M-1)(1-x)^(N-M)).
    """
    x = (threshold - 1) / (group - 1)
    return cost / (
        comb(group - 1, threshold - 1) * x ** (threshold - 1) * (1 - x) ** (group - threshold)
    )


# ----- the DSAIR race (Han, Pereira, Santos & Lenaerts 2020) --------------------------------


def dsair_payoffs(
    risk: float,
    speed: float,
    benefit: float = 4.0,
    cost: float = 1.0,
    prize: float = 1e4,
    rounds: float = 100.0,
) -> np.ndarray:
    """Average per-round payoffs [[AS vs AS, AS vs AU], [AU vs AS, AU vs AU]] of the DSAIR.

    Two developers race W rounds to a prize B. Safe (AS) players pay c per round and move at
    speed 1; unsafe (AU) players skip it, move at speed s > 1, and lose everything with
    probability p_r. Per round a market b is shared by speed, and in the early regime
    modelled here an unsafe player always wins against a safe one.
    """
    s, b, c, big_b, w, p = speed, benefit, cost, prize, rounds, risk
    return np.array(
        [
            [-c + b / 2 + big_b / (2 * w), -c + b / (s + 1)],
            [(1 - p) * (s * b / (s + 1) + s * big_b / w), (1 - p) * (b / 2 + s * big_b / (2 * w))],
        ]
    )


def dsair_thresholds(
    speed: float, benefit: float = 4.0, cost: float = 1.0, prize: float = 1e4, rounds: float = 100.0
) -> dict[str, float]:
    """The risks at which society prefers safety and at which AS risk-dominates AU.

    Both payoffs of a row are linear in p_r, so each condition is one division; for B/W
    large against b and c they tend to 1 - 1/s and 1 - 1/(3s) (Han et al. 2020).
    """
    at_zero = dsair_payoffs(0.0, speed, benefit, cost, prize, rounds)
    (aa, ab), (ba, bb) = at_zero
    return {
        "society_prefers_safety": 1.0 - aa / bb,
        "safety_risk_dominant": 1.0 - (aa + ab) / (ba + bb),
        "society_limit": 1.0 - 1.0 / speed,
        "risk_dominant_limit": 1.0 - 1.0 / (3.0 * speed),
    }


def finite_population_threshold(
    matrix_at, population: int, low: float = 0.0, high: float = 1.0
) -> float:
    """The risk where A and B are equally favoured in the small-mutation limit.

    `matrix_at(p)` gives the 2x2 game at risk p; the fixation ratio's log is linear in the
    payoffs, so the root is found by bisection to machine precision.
    """

    def balance(p: float) -> float:
        return fixation_log_ratio(*pairwise_fitness(population, matrix_at(p)), beta=1.0)

    lo, hi = low, high
    f_lo = balance(lo)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        f_mid = balance(mid)
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
        if hi - lo < 1e-15:
            break
    return 0.5 * (lo + hi)
