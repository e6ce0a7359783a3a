"""Hypothesis strategies for finite normal-form games, with and without payoff ties.

Small integer payoffs make ties (and so degenerate games) common; payoffs drawn from a continuous
distribution make ties a probability-zero event, so those games are generic.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays


@st.composite
def game_shapes(draw, min_players: int = 1, max_players: int = 4, max_actions: int = 3):
    """The action counts (m_1, ..., m_N) of a small game."""
    n_players = draw(st.integers(min_players, max_players))
    return tuple(
        draw(st.lists(st.integers(1, max_actions), min_size=n_players, max_size=n_players))
    )


@st.composite
def tied_games(
    draw,
    min_players: int = 1,
    max_players: int = 4,
    max_actions: int = 3,
    low: int = -3,
    high: int = 3,
):
    """Payoff tensors with small integer entries: many ties, often degenerate."""
    shape = draw(game_shapes(min_players, max_players, max_actions))
    return draw(arrays(np.float64, (len(shape), *shape), elements=st.integers(low, high)))


@st.composite
def generic_games(draw, min_players: int = 1, max_players: int = 4, max_actions: int = 3):
    """Payoff tensors with independent normal entries: no ties, almost surely nondegenerate."""
    shape = draw(game_shapes(min_players, max_players, max_actions))
    seed = draw(st.integers(0, 2**32 - 1))
    return np.random.default_rng(seed).normal(size=(len(shape), *shape))


def games(min_players: int = 1, max_players: int = 4, max_actions: int = 3):
    """Either kind of game."""
    return tied_games(min_players, max_players, max_actions) | generic_games(
        min_players, max_players, max_actions
    )


def bimatrix_games(max_actions: int = 4, ties: bool | None = None):
    """Two-player games as payoff tensors of shape (2, m, n); ties=None draws either kind."""
    tied = tied_games(2, 2, max_actions)
    generic = generic_games(2, 2, max_actions)
    if ties is None:
        return tied | generic
    return tied if ties else generic


@st.composite
def action_relabellings(draw, shape: tuple[int, ...]):
    """One permutation of each player's actions."""
    return [np.array(draw(st.permutations(range(m)))) for m in shape]
