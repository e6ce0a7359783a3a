"""Test oracle: textbook participation games whose stable coalition sizes are known in closed form.

Each returns the member and outsider payoff schedules by coalition size k = 0..n, the input
of `pausegame.experiments.coalitions`, so the solver can be held to the literature.

References
----------
- Carraro, C. & Siniscalco, D. (1993). Strategies for the international protection of the
  environment. Journal of Public Economics 52(3), 309-328.
- Barrett, S. (1994). Self-enforcing international environmental agreements. Oxford Economic
  Papers 46, 878-894.
- Rubio, S. J. & Ulph, A. (2006). Self-enforcing international environmental agreements
  revisited. Oxford Economic Papers 58(2), 233-263.
- Schelling, T. C. (1973). Hockey helmets, concealed weapons, and daylight saving: a study of
  binary choices with externalities. Journal of Conflict Resolution 17(3), 381-428.
"""

from __future__ import annotations

import math

import numpy as np


def _check_model(n: int, **positive: float) -> None:
    if not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    for name, value in positive.items():
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive number, got {value!r}")


def linear_benefit_game(n: int, b: float = 1.0, c: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Member and outsider payoffs by coalition size with linear benefits and quadratic costs.

    Country i abates q_i and earns pi_i = b Q - (c/2) q_i**2 with Q the total abatement: each unit
    abated anywhere is worth b to everyone, and abating is increasingly costly (Carraro &
    Siniscalco 1993; the linear-benefit case of Barrett 1994). Because marginal benefit does not
    depend on Q, an outsider's best reply is the dominant q_n = b/c whatever others do. The k
    members choose a common q_s to maximise their joint payoff k(bQ) - k(c/2)q_s**2 with
    dQ/dq_s = k, so q_s = k b/c. Writing s = b**2/c:

        member_payoff[k]    = s (k**2/2 + n - k)
        nonmember_payoff[k] = s (k**2 + n - k - 1/2)

    Internal stability member[k] >= nonmember[k-1] reduces to (k - 1)(k - 3) <= 0, and external
    stability nonmember[k] >= member[k+1] to k(k - 2) >= 0. So the stable sizes are {2, 3} for
    every n >= 3 ({2} for n = 2, {1} for n = 1), whatever b and c: k = 3 is a tie for its members
    and k = 2 a tie for an outsider thinking of joining, both kept by the ties-are-stable rule.
    """
    _check_model(n, b=b, c=c)
    k = np.arange(n + 1, dtype=float)
    scale = b * b / c
    return scale * (k**2 / 2 + n - k), scale * (k**2 + n - k - 0.5)


def binary_abatement_game(n: int, b: float, c: float) -> tuple[np.ndarray, np.ndarray]:
    """Member and outsider payoffs by coalition size when abatement is a yes/no choice.

    Each abater pays c; every country gains b per abater, with b < c < n b: abating alone never
    pays (outsiders never abate) but universal abatement beats none (Schelling 1973). The k members
    abate together when it pays them, k b >= c (ties resolved towards abating); their payoff
    j (k b - c) from j abating members is linear in j, so it is all or none. Then

        member_payoff[k]    = k b - c  if k b >= c, else 0
        nonmember_payoff[k] = k b      if k b >= c, else 0

    With k* = ceil(c/b) the smallest coalition that abates (2 <= k* <= n): k* is stable (a member
    who leaves ends abatement and loses k* b - c >= 0; an outsider who joins pays c for b < c);
    any k > k* is not (a member who leaves saves c and loses only b); k* - 1 is stable only when
    c/b is an integer (an outsider who joins then gains k* b - c = 0); and every k <= k* - 2 is
    stable trivially, since nothing is abated whether one joins or leaves. So k* is the one stable
    size at which anything is abated.
    """
    _check_model(n, b=b, c=c)
    if not b < c < n * b:
        raise ValueError(f"need b < c < n*b for a social dilemma, got b={b}, c={c}, n={n}")
    k = np.arange(n + 1, dtype=float)
    abates = k * b >= c
    return np.where(abates, k * b - c, 0.0), np.where(abates, k * b, 0.0)


def barrett_abatement(n: int, a: float, b: float, c: float) -> tuple[np.ndarray, ...]:
    """Abatement by coalition size k = 0..n in Barrett's (1994) model: (q_member, q_outsider, Q).

    Country i's net benefit is pi_i = (b/n)(a Q - Q**2/2) - (c/2) q_i**2, Q = total abatement;
    write gamma = c/b. Derivation (signatories lead, outsiders follow):

    - An outsider's first-order condition (b/n)(a - Q) = c q_n gives q_n = (a - Q)/(gamma n).
    - Given each member's q_s, outsiders' replies solve Q = k q_s + (n - k)(a - Q)/(gamma n):
      Q = (gamma n k q_s + (n - k) a)/(gamma n + n - k), so dQ/dq_s = k lam with
      lam = gamma n / (gamma n + n - k) in (0, 1].
    - Members maximise k[(b/n)(a Q - Q**2/2) - (c/2) q_s**2] (concave in q_s); the first-order
      condition (b/n)(a - Q) k lam = c q_s gives q_s = k lam (a - Q)/(gamma n).
    - Substituting both into Q = k q_s + (n - k) q_n:
      Q = a (n - k + k**2 lam) / (gamma n + n - k + k**2 lam).

    Checks: k = 0 gives the Nash outcome Q = a/(1 + gamma); k = n gives full cooperation
    Q = a n/(n + gamma). All abatement is positive because Q < a.
    """
    _check_model(n, a=a, b=b, c=c)
    gamma = c / b
    k = np.arange(n + 1, dtype=float)
    lam = gamma * n / (gamma * n + n - k)
    reach = n - k + k**2 * lam
    total = a * reach / (gamma * n + reach)
    shortfall = a - total
    return k * lam * shortfall / (gamma * n), shortfall / (gamma * n), total


def barrett_quadratic_game(n: int, a: float, b: float, c: float) -> tuple[np.ndarray, np.ndarray]:
    """Member and outsider payoffs by coalition size in Barrett (1994), see barrett_abatement.

    Payoffs are pi = (b/n)(a Q - Q**2/2) - (c/2) q**2 at the abatement levels derived there. Barrett
    found numerically (his Table 1) that, depending on gamma = c/b, the stable size k* can be any
    number from 2 to n; k* is large only when gamma is small, which is when full cooperation gains
    little over the Nash outcome ("the paradox of cooperation"). As gamma grows the benefit
    becomes nearly linear over the relevant range of Q and the model approaches
    linear_benefit_game, where the stable sizes are 2 and 3. This is the model exactly as Barrett
    solved it: no upper bound on abatement (Rubio & Ulph 2006 add one and keep his conclusions).
    Payoff differences at very large gamma are close to rounding error.
    """
    q_member, q_outsider, total = barrett_abatement(n, a, b, c)
    benefit = (b / n) * (a * total - total**2 / 2)
    return benefit - c * q_member**2 / 2, benefit - c * q_outsider**2 / 2
