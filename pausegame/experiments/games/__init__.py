"""Equilibria, regret, welfare and dominance of any finite normal-form game as a payoff tensor.

A game with N players is the float array ``payoffs[i, a_1, ..., a_N]``: player ``i``'s payoff
when player ``j`` plays action ``a_j`` (indices from 0), shape ``(N, m_1, ..., m_N)``. The pause
game, its treaty sub-games and the textbook games used as checks all go through these solvers:
`pure` (the tensor, regret, pure equilibria, welfare, dominance), `mixed` (mixed equilibria)
and `summary` (the JSON summary and game files).

References
----------
- Nash, J. (1951). Non-cooperative games. Annals of Mathematics 54(2), 286-295.
- Dickhaut, J. & Kaplan, T. (1991). A program for finding Nash equilibria.
  Mathematica Journal 1(4), 87-93 (support enumeration).
- Mangasarian, O. L. (1964). Equilibrium points of bimatrix games. J. SIAM 12(4), 778-780.
- Avis, D., Rosenberg, G., Savani, R. & von Stengel, B. (2010). Enumeration of Nash equilibria
  for two-player games. Economic Theory 42(1), 9-37.
- Porter, R., Nudelman, E. & Shoham, Y. (2008). Simple search methods for finding a Nash
  equilibrium. Games and Economic Behavior 63(2), 642-662.
- Koutsoupias, E. & Papadimitriou, C. (1999). Worst-case equilibria. STACS 1999;
  Anshelevich, E. et al. (2004). The price of stability for network design. FOCS 2004.
"""

from pausegame.experiments.games.mixed import mixed_equilibria_2p, mixed_equilibrium_nplayer
from pausegame.experiments.games.pure import (
    MAX_BIMATRIX_SYSTEMS,
    MAX_ENTRIES,
    PURE_TOL,
    GameError,
    SolverError,
    deviation_gains,
    dominated_strategies,
    epsilon_equilibria,
    expected_payoffs,
    mixed_regret,
    price_of_anarchy,
    price_of_stability,
    pure_equilibria,
    regret,
    social_optimum,
    validate_game,
    welfare_gap,
)
from pausegame.experiments.games.summary import load_game, solve

__all__ = [
    "MAX_BIMATRIX_SYSTEMS",
    "MAX_ENTRIES",
    "PURE_TOL",
    "GameError",
    "SolverError",
    "deviation_gains",
    "dominated_strategies",
    "epsilon_equilibria",
    "expected_payoffs",
    "load_game",
    "mixed_equilibria_2p",
    "mixed_equilibrium_nplayer",
    "mixed_regret",
    "price_of_anarchy",
    "price_of_stability",
    "pure_equilibria",
    "regret",
    "social_optimum",
    "solve",
    "validate_game",
    "welfare_gap",
]
