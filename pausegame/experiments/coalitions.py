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
"""

import math
from pathlib import Path
from typing import Any

import numpy as np

from pausegame.experiments.games import GameError
from pausegame.userfiles import MAX_JSON_BYTES, is_dir, is_file, parse_json, read_text

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
    if is_dir(path):
        raise GameError(f"coalition game file {str(path)!r}: is a folder, not a file")
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
