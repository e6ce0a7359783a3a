"""Stochastic stability: the exact long-run distribution of the agents' revision dynamics.

Decision makers with two actions revise one at a time: at each revision opportunity one of
the n deciders, drawn uniformly, reconsiders (a revision rate mu only slows the clock and
leaves the long-run distribution unchanged). It switches by its rule (logit best response
or Fermi imitation, both with the scenario's beta) and, with a small mutation probability,
explores the other action whatever the rule says, as in Traulsen et al. (2006) and EGTtools.
Over all 2^n profiles this is a Markov chain with n + 1 non-zero transitions per row, built
as a `scipy.sparse` matrix; its stationary distribution is solved exactly (a sparse linear
system, not a simulation). Applied to the lab game G(S) (labs revise, the treaty fixed) and
to the two-level game (states revise membership anticipating their own labs' response, as
the agents do), it says which profiles the dynamics spend their time in: the stochastically
stable outcomes of Foster & Young (1990) and Young (1993) as the mutation rate shrinks.

References
----------
- Blume, L. E. (1993). The statistical mechanics of strategic interaction. Games and Economic
  Behavior 5(3), 387-424.
- Foster, D. & Young, P. (1990). Stochastic evolutionary game dynamics. Theoretical
  Population Biology 38(2), 219-232.
- Young, H. P. (1993). The evolution of conventions. Econometrica 61(1), 57-84.
- Traulsen, A., Nowak, M. A. & Pacheco, J. M. (2006). Stochastic dynamics of invasion and
  fixation. Physical Review E 74, 011909.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sparse
import scipy.sparse.linalg as sparse_linalg

from pausegame.errors import InputError
from pausegame.sim.engine.rules import choice_probability  # the agents' own logit rule

RULES = ("logit", "imitation")
#: Profiles in a chain at most: 2^16 rows of n + 1 entries solve in about a second.
MAX_PROFILES = 2**16


# ----- the chain ------------------------------------------------------------------------------


def bits(n: int) -> np.ndarray:
    """(2^n, n) int8, every profile in C order: decider 0 is the most significant bit."""
    index = np.arange(2**n)[:, None]
    return ((index >> np.arange(n - 1, -1, -1)[None, :]) & 1).astype(np.int8)


def flip_masks(n: int) -> np.ndarray:
    """(n,) the index offset XOR-ed in when decider i switches."""
    return 1 << np.arange(n - 1, -1, -1)


def logit_switch(gains: np.ndarray, beta: float) -> np.ndarray:
    """P(switch) of a best responder whose switch gains `gains`; no gain: it stays (agents)."""
    return np.where(gains != 0, choice_probability(beta, gains), 0.0)


def imitation_switch(payoffs: np.ndarray, profiles: np.ndarray, beta: float) -> np.ndarray:
    """P(switch) of a Fermi imitator (2^n, n): a uniform other decider, copied if it differs.

    `payoffs[x, i]` is decider i's payoff at profile x; the copy probability is
    1/(1 + exp(-beta (pi_other - pi_self))) (Szabo & Toke 1998; Traulsen et al. 2006).
    """
    n = profiles.shape[1]
    if n < 2:
        return np.zeros(profiles.shape)
    differs = profiles[:, None, :] != profiles[:, :, None]  # [x, i, j]
    advantage = payoffs[:, None, :] - payoffs[:, :, None]
    copy = choice_probability(beta, advantage) * differs
    return copy.sum(axis=2) / (n - 1)


def revision_chain(switch: np.ndarray, mutation: float) -> sparse.csr_matrix:
    """Transition matrix over 2^n profiles; `switch[x, i]` is i's switch probability at x.

    At each opportunity decider i (probability 1/n) switches with probability
    (1 - mutation) switch[x, i] + mutation.
    """
    size, n = switch.shape
    if size != 2**n:
        raise ValueError(f"switch has {size} rows for {n} deciders; expected 2^{n}")
    if not 0.0 <= mutation <= 1.0:
        raise InputError(f"mutation {mutation}: expected a probability in [0, 1]")
    moves = ((1.0 - mutation) * switch + mutation) / n
    rows = np.repeat(np.arange(size), n)
    columns = (np.arange(size)[:, None] ^ flip_masks(n)[None, :]).ravel()
    stay = 1.0 - moves.sum(axis=1)
    return sparse.csr_matrix(
        (
            np.concatenate([moves.ravel(), stay]),
            (np.concatenate([rows, np.arange(size)]), np.concatenate([columns, np.arange(size)])),
        ),
        shape=(size, size),
    )


#: The month chain enumerates orders over subsets; 2^8 profiles keep it to tens of MiB.
MAX_MONTH_DECIDERS = 8


def month_chain(switch: np.ndarray, revision_rate: float, mutation: float) -> np.ndarray:
    """The engine's month as a transition matrix (2^n, 2^n): every decider revises with
    probability `revision_rate`, in a uniformly random order, each seeing the earlier
    revisions (MODEL.md section 2.1), each reviser switching with probability
    (1 - mutation) switch[x, i] + mutation.

    The average over orders is built up over subsets T of deciders: A(T) is the mean over
    the last decider d in T of A(T - d) F_d, with F_d = (1 - rate) I + rate K_d.
    """
    size, n = switch.shape
    if n > MAX_MONTH_DECIDERS:
        raise InputError(f"{n} deciders: the month chain is limited to {MAX_MONTH_DECIDERS}")
    moves = (1.0 - mutation) * switch + mutation
    index = np.arange(size)
    flips = index[:, None] ^ flip_masks(n)[None, :]

    def then(matrix: np.ndarray, d: int) -> np.ndarray:
        """matrix F_d: after `matrix`, decider d revises with probability revision_rate."""
        go = revision_rate * moves[:, d]
        # Mass at profile y stays with 1 - go[y] and moves to y ^ d with go[y].
        return matrix * (1.0 - go)[None, :] + (matrix * go[None, :])[:, flips[:, d]]

    layer = {0: np.eye(size)}
    for _ in range(n):
        following: dict[int, np.ndarray] = {}
        for subset, matrix in layer.items():
            for d in range(n):
                bit = 1 << d
                if subset & bit:
                    continue
                step = then(matrix, d)
                following[subset | bit] = following.get(subset | bit, 0) + step
        layer = {t: m / bin(t).count("1") for t, m in following.items()}
    return layer[(1 << n) - 1]


#: A weight this many times the fixed one's means the fixed profile is rarely visited.
ILL_CONDITIONED = 1e8


def stationary_distribution(transitions: sparse.spmatrix) -> np.ndarray:
    """pi with pi T = pi and sum 1, from sparse LU solves (the chain must be irreducible).

    The balance equations pi (T - I) = 0 have rank size - 1: fixing one profile's weight at
    1 leaves a sparse nonsingular system for the others (a row of ones for the
    normalisation would make the factorisation dense), and the result is normalised. A
    profile the chain rarely visits makes that system ill-conditioned (its weight fixed at
    1, the others come out near 1e17, and their sum loses every digit), so then the solve is
    repeated with the weight of the most visited profile of the first solve fixed instead.
    """
    size = transitions.shape[0]
    if size == 1:
        return np.ones(1)
    system = (sparse.csr_matrix(transitions).T - sparse.identity(size, format="csr")).tocsc()
    pi = _pinned_solve(system, size - 1)
    if np.isfinite(pi).all() and np.abs(pi).max() > ILL_CONDITIONED:
        pi = _pinned_solve(system, int(np.argmax(np.abs(pi))))
    if not np.isfinite(pi).all() or pi.sum() <= 0:
        raise InputError(
            "the revision chain is not irreducible (some profiles are never left): "
            "use a positive mutation rate"
        )
    pi = np.clip(pi, 0.0, None)
    return pi / pi.sum()


def _pinned_solve(system: sparse.csc_matrix, pinned: int) -> np.ndarray:
    """The balance equations solved with profile `pinned`'s weight fixed at 1."""
    keep = np.flatnonzero(np.arange(system.shape[0]) != pinned)
    rows = system[keep]
    reduced = rows[:, keep]
    right = -rows[:, [pinned]].toarray().ravel()
    # Minimum-degree ordering on A^T + A keeps the hypercube's fill-in small (COLAMD: 9x slower).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sparse_linalg.MatrixRankWarning)  # reported above
        solved = sparse_linalg.spsolve(reduced.tocsc(), right, permc_spec="MMD_AT_PLUS_A")
    return np.insert(np.asarray(solved, dtype=np.float64), pinned, 1.0)


# ----- games as chains --------------------------------------------------------------------


def gains_of(payoffs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """From payoffs[i, a_1..a_n]: (by profile (2^n, n), gain of switching (2^n, n))."""
    n = payoffs.shape[0]
    by_profile = np.moveaxis(payoffs, 0, -1).reshape(2**n, n)
    flipped = np.arange(2**n)[:, None] ^ flip_masks(n)[None, :]
    own = np.arange(n)[None, :]
    return by_profile, by_profile[flipped, own] - by_profile


def switch_probabilities(payoffs: np.ndarray, rule: str, beta: float) -> np.ndarray:
    """(2^n, n) switch probabilities of the deciders of the game `payoffs` under `rule`."""
    if rule not in RULES:
        raise InputError(f"rule {rule!r}: expected one of {', '.join(RULES)}")
    n = np.asarray(payoffs).shape[0]
    if 2**n > MAX_PROFILES:
        raise InputError(f"{n} deciders: 2^{n} profiles exceed the chain limit of 2^16")
    by_profile, gains = gains_of(np.asarray(payoffs, dtype=np.float64))
    if rule == "logit":
        return logit_switch(gains, beta)
    return imitation_switch(by_profile, bits(payoffs.shape[0]), beta)


def game_chain(
    payoffs: np.ndarray, beta: float, mutation: float, rule: str = "logit"
) -> sparse.csr_matrix:
    """The revision chain of a binary-action game given as payoffs[i, a_1..a_n]."""
    return revision_chain(switch_probabilities(payoffs, rule, beta), mutation)


@dataclass(frozen=True)
class Stationary:
    """A stationary distribution over binary profiles of named deciders."""

    names: tuple[str, ...]
    distribution: np.ndarray  # (2^n,) in C order of the profiles


def stationary_of_game(
    payoffs: np.ndarray,
    names: tuple[str, ...],
    beta: float,
    mutation: float,
    rule: str = "logit",
) -> Stationary:
    """The long-run distribution of a binary-action game's revision dynamics."""
    return Stationary(
        tuple(names), stationary_distribution(game_chain(payoffs, beta, mutation, rule))
    )
