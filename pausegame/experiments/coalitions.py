"""Which coalition sizes are self-enforcing in a symmetric participation game (cartel stability).

N identical players each decide to join a coalition (a treaty, a cartel, a pause agreement) or stay
out. Everything that follows is summarised by two payoff schedules indexed by the number k of
members: ``member_payoff[k]`` (a member's payoff, k = 1..N) and ``nonmember_payoff[k]`` (an
outsider's payoff, k = 0..N-1). Entries ``member_payoff[0]`` and ``nonmember_payoff[N]`` describe no
one and are ignored.

A size k is stable when it is (d'Aspremont, Jacquemin, Gabszewicz & Weymark 1983)

- internally stable: no member gains by leaving, ``member_payoff[k] >= nonmember_payoff[k-1]``;
- externally stable: no outsider gains by joining, ``nonmember_payoff[k] >= member_payoff[k+1]``.

Conventions. Ties count as stable: a player who is indifferent keeps its current status, so both
conditions use >=, with a tolerance ``tol`` relative to the payoffs compared (``a >= b`` is read as
``a >= b - tol * max(1, |a|, |b|)``). k = N is externally stable (there is no outsider) and k = 0 is
internally stable (there is no member). :func:`stable_coalition_sizes` reports sizes k >= 1 only:
"no coalition" is the status quo the question is about, and k = 1 is internally stable exactly when
``member_payoff[1] >= nonmember_payoff[0]``, which already covers the case where a lone signatory
acts as it would outside.

References
----------
- d'Aspremont, C., Jacquemin, A., Gabszewicz, J. J. & Weymark, J. A. (1983). On the stability of
  collusive price leadership. Canadian Journal of Economics 16(1), 17-25.
- Carraro, C. & Siniscalco, D. (1993). Strategies for the international protection of the
  environment. Journal of Public Economics 52(3), 309-328.
- Barrett, S. (1994). Self-enforcing international environmental agreements. Oxford Economic
  Papers 46, 878-894.
- Rubio, S. J. & Ulph, A. (2006). Self-enforcing international environmental agreements
  revisited. Oxford Economic Papers 58(2), 233-263.
- Schelling, T. C. (1973). Hockey helmets, concealed weapons, and daylight saving: a study of
  binary choices with externalities. Journal of Conflict Resolution 17(3), 381-428.
"""

import math
from pathlib import Path
from typing import Any

import numpy as np

from pausegame.experiments.games import GameError
from pausegame.userfiles import MAX_JSON_BYTES, is_file, parse_json, read_text

MAX_PLAYERS = 1_000_000  # a coalition file's n; its schedules have n + 1 entries each

# --------------------------------------------------------------------------------------------
# Stability
# --------------------------------------------------------------------------------------------


def _schedules(member_payoff: Any, nonmember_payoff: Any) -> tuple[np.ndarray, np.ndarray]:
    """Both schedules as float arrays of one length N + 1 >= 2, finite where they are used."""
    try:
        member = np.asarray(member_payoff, dtype=float)
        outsider = np.asarray(nonmember_payoff, dtype=float)
    except (TypeError, ValueError):
        raise GameError("coalition payoffs must be lists of numbers") from None
    if member.ndim != 1 or outsider.ndim != 1:
        raise GameError("coalition payoffs must be one-dimensional lists indexed by size k")
    if len(member) != len(outsider) or len(member) < 2:
        raise GameError(
            f"member_payoff and nonmember_payoff must both have N + 1 >= 2 entries (k = 0..N), "
            f"got {len(member)} and {len(outsider)}"
        )
    if not np.isfinite(member[1:]).all() or not np.isfinite(outsider[:-1]).all():
        raise GameError("coalition payoffs contain NaN or infinity")
    return member, outsider


def _at_least(a: np.ndarray, b: np.ndarray, tol: float) -> np.ndarray:
    # Relative tolerance: the payoffs are often computed by different formulas that agree exactly
    # on paper (a tie is the typical knife edge of these models), so rounding must not break it.
    scale = np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
    return a >= b - tol * scale


def internally_stable(member_payoff: Any, nonmember_payoff: Any, tol: float = 1e-12) -> np.ndarray:
    """Boolean array over k = 0..N: no member gains by leaving (member[k] >= nonmember[k-1]).

    Entry 0 is True by convention (a coalition with no member has no one to leave).
    """
    member, outsider = _schedules(member_payoff, nonmember_payoff)
    stable = np.ones(len(member), dtype=bool)
    stable[1:] = _at_least(member[1:], outsider[:-1], tol)
    return stable


def externally_stable(member_payoff: Any, nonmember_payoff: Any, tol: float = 1e-12) -> np.ndarray:
    """Boolean array over k = 0..N: no outsider gains by joining (nonmember[k] >= member[k+1]).

    Entry N is True by convention (the grand coalition has no outsider).
    """
    member, outsider = _schedules(member_payoff, nonmember_payoff)
    stable = np.ones(len(member), dtype=bool)
    stable[:-1] = _at_least(outsider[:-1], member[1:], tol)
    return stable


def stable_coalition_sizes(
    member_payoff: Any, nonmember_payoff: Any, tol: float = 1e-12
) -> list[int]:
    """Coalition sizes k >= 1 that are internally and externally stable (ties count as stable)."""
    stable = internally_stable(member_payoff, nonmember_payoff, tol) & externally_stable(
        member_payoff, nonmember_payoff, tol
    )
    return [int(k) for k in np.flatnonzero(stable) if k >= 1]


def solve_coalition_game(member_payoff: Any, nonmember_payoff: Any, tol: float = 1e-12) -> dict:
    """JSON-ready summary: n, the stable sizes, and the sizes k = 0..N meeting each condition."""
    member, outsider = _schedules(member_payoff, nonmember_payoff)
    inside = internally_stable(member, outsider, tol)
    outside = externally_stable(member, outsider, tol)
    return {
        "n": len(member) - 1,
        "stable_coalition_sizes": stable_coalition_sizes(member, outsider, tol),
        "internally_stable": [int(k) for k in np.flatnonzero(inside)],
        "externally_stable": [int(k) for k in np.flatnonzero(outside)],
    }


def load_coalition_game(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Read {"n": N, "member_payoff": [k=0..N], "nonmember_payoff": [k=0..N]} from JSON.

    Returns (member_payoff, nonmember_payoff); every problem raises GameError naming it. All N + 1
    entries must be finite numbers, including the two that are ignored (write 0 there).
    """
    path = Path(path)
    if not is_file(path):
        raise GameError(f"coalition game file not found: {path}")
    if path.suffix.lower() != ".json":
        raise GameError(f"unknown coalition game file extension {path.suffix!r} for {path}")
    text = read_text(path, "coalition game file", MAX_JSON_BYTES, GameError)
    document = parse_json(text, str(path), GameError)  # integers of at most 30 digits
    keys = ("n", "member_payoff", "nonmember_payoff")
    if not isinstance(document, dict):
        raise GameError(f"{path} is not a coalition game: expected an object with keys {keys}")
    missing = [key for key in keys if key not in document]
    if missing:
        raise GameError(f"{path} is not a coalition game: missing key(s) {', '.join(missing)}")
    n = document["n"]
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_PLAYERS:
        raise GameError(
            f"{path}: 'n' must be a positive integer, at most {MAX_PLAYERS:,}; got {n!r}"
        )
    schedules = []
    for key in keys[1:]:
        values = document[key]
        if not isinstance(values, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        ):
            raise GameError(f"{path}: '{key}' must be a list of numbers")
        if len(values) != n + 1:
            raise GameError(f"{path}: '{key}' has {len(values)} entries, expected n + 1 = {n + 1}")
        if not all(math.isfinite(v) for v in values):
            raise GameError(f"{path}: '{key}' contains NaN or infinity")
        schedules.append(np.array(values, dtype=float))
    return schedules[0], schedules[1]


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------


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
