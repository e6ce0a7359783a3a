"""A game's JSON-ready summary (`solve`) and reading games from .npy or JSON files."""

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pausegame.experiments.games.mixed import mixed_equilibria_2p, mixed_equilibrium_nplayer
from pausegame.experiments.games.pure import (
    MAX_BIMATRIX_SYSTEMS,
    PURE_TOL,
    GameError,
    SolverError,
    _action_values,
    _mixed_regret,
    _profiles_below,
    _regret,
    dominated_strategies,
    price_of_anarchy,
    price_of_stability,
    social_optimum,
    validate_game,
)

# --------------------------------------------------------------------------------------------
# Summary and files
# --------------------------------------------------------------------------------------------


def _default_names(game: np.ndarray) -> tuple[list[str], list[list[str]]]:
    players = [f"P{i + 1}" for i in range(game.shape[0])]
    actions = [[f"a{j + 1}" for j in range(m)] for m in game.shape[1:]]
    return players, actions


def _check_names(game: np.ndarray, players: Any, actions: Any) -> None:
    if len(players) != game.shape[0]:
        raise GameError(f"{len(players)} player names for a game with {game.shape[0]} players")
    if len(actions) != game.shape[0]:
        raise GameError(f"{len(actions)} action lists for a game with {game.shape[0]} players")
    for player, (names, count) in enumerate(zip(actions, game.shape[1:], strict=True)):
        if len(names) != count:
            raise GameError(f"player {player} has {count} actions but {len(names)} action names")


def _nan_to_none(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def solve(
    payoffs: Any,
    player_names: Sequence[str] | None = None,
    action_names: Sequence[Sequence[str]] | None = None,
    mixed: bool = True,
) -> dict:
    """A JSON-ready summary: pure and mixed equilibria, social optimum, PoA/PoS, dominated actions.

    mixed_equilibria: for two players, every extreme equilibrium (mixed_equilibria_2p), unless the
    game is too large to enumerate; otherwise one equilibrium from mixed_equilibrium_nplayer (an
    empty list if its search gives up). Price of anarchy/stability are taken over the pure
    equilibria and the mixed ones listed, which for two players covers every Nash equilibrium
    (welfare is bilinear, so its extremes over a component sit at extreme points); NaN -> None.
    dominated: per player, the indices of actions strictly dominated by another pure action.
    """
    game = validate_game(payoffs)
    default_players, default_actions = _default_names(game)
    players = list(player_names) if player_names is not None else default_players
    actions = [list(a) for a in action_names] if action_names is not None else default_actions
    _check_names(game, players, actions)
    welfare = game.sum(axis=0)
    pure = _profiles_below(_regret(game), PURE_TOL)
    pure_rows = [
        {
            "profile": list(profile),
            "actions": [actions[i][a] for i, a in enumerate(profile)],
            "welfare": float(welfare[profile]),
            "payoffs": [float(v) for v in game[(slice(None), *profile)]],
        }
        for profile in pure
    ]

    mixed_found: list[list[np.ndarray]] = []
    if mixed:
        n_players = game.shape[0]
        enumerable = n_players == 2 and math.comb(sum(game.shape[1:]), game.shape[1]) <= (
            MAX_BIMATRIX_SYSTEMS
        )
        if enumerable:
            mixed_found = [list(pair) for pair in mixed_equilibria_2p(game[0], game[1])]
        else:
            try:
                mixed_found = [mixed_equilibrium_nplayer(game)]
            except SolverError:
                mixed_found = []
    mixed_rows = []
    for strategies in mixed_found:
        expected = np.array(
            [s @ v for s, v in zip(strategies, _action_values(game, strategies), strict=True)]
        )
        mixed_rows.append(
            {
                "strategies": [[float(p) for p in s] for s in strategies],
                "regret": _mixed_regret(game, strategies),
                "welfare": float(expected.sum()),
                "payoffs": [float(v) for v in expected],
            }
        )

    optimum_profile, optimum_welfare = social_optimum(game)
    equilibria = list(pure) + mixed_found
    return {
        "players": players,
        "actions": actions,
        "pure_equilibria": pure_rows,
        "mixed_equilibria": mixed_rows,
        "social_optimum": {
            "profile": list(optimum_profile),
            "actions": [actions[i][a] for i, a in enumerate(optimum_profile)],
            "welfare": optimum_welfare,
        },
        "price_of_anarchy": _nan_to_none(price_of_anarchy(game, equilibria)),
        "price_of_stability": _nan_to_none(price_of_stability(game, equilibria)),
        "dominated": dominated_strategies(game, strict=True),
    }


def load_game(path: str | Path) -> tuple[np.ndarray, list[str], list[list[str]]]:
    """Read a game from .npy (tensor of shape (N, m_1, ..., m_N)) or JSON; return (payoffs,
    players, actions).

    JSON: {"players": [...], "actions": [[...], ...], "payoffs": nested lists (N, m_1, ..., m_N)}.
    Every problem raises GameError naming the file and what is wrong.
    """
    path = Path(path)
    if not path.is_file():
        raise GameError(f"game file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".npy":
        try:
            array = np.load(path, allow_pickle=False)
        except (ValueError, OSError, EOFError) as exc:
            raise GameError(f"{path} is not a readable .npy array: {exc}") from None
        try:
            game = validate_game(array)
        except GameError as exc:
            raise GameError(f"{path}: {exc}") from None
        players, actions = _default_names(game)
        return game, players, actions
    if suffix != ".json":
        raise GameError(
            f"unknown game file extension {suffix or '(none)'!r} for {path}; use .npy or .json"
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise GameError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise GameError(
            f"{path} is not a game: expected a JSON object with keys players, actions, payoffs"
        )
    missing = [key for key in ("players", "actions", "payoffs") if key not in document]
    if missing:
        raise GameError(f"{path} is not a game: missing key(s) {', '.join(missing)}")
    players, actions = document["players"], document["actions"]
    if not isinstance(players, list) or not all(isinstance(p, str) for p in players):
        raise GameError(f"{path}: 'players' must be a list of names")
    if not isinstance(actions, list) or not all(
        isinstance(names, list) and all(isinstance(a, str) for a in names) for names in actions
    ):
        raise GameError(f"{path}: 'actions' must be a list of lists of names, one per player")
    try:
        game = validate_game(document["payoffs"])
    except GameError as exc:
        raise GameError(f"{path}: {exc}") from None
    expected = (len(players), *(len(names) for names in actions))
    if game.shape != expected:
        raise GameError(
            f"{path}: payoffs have shape {game.shape} but players and actions imply {expected}"
        )
    return game, players, [list(names) for names in actions]
