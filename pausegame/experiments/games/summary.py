"""A game's JSON-ready summary (`solve`) and reading games from .npy or JSON files."""

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pausegame.experiments.games.mixed import mixed_equilibria_2p, mixed_equilibrium_nplayer
from pausegame.experiments.games.pure import (
    MAX_BIMATRIX_SYSTEMS,
    MAX_ENTRIES,
    PURE_TOL,
    GameError,
    SolverError,
    _action_values,
    _mixed_regret,
    _profiles_below,
    _regret,
    check_shape,
    dominated_strategies,
    price_of_anarchy,
    price_of_stability,
    social_optimum,
    validate_game,
)
from pausegame.userfiles import MAX_JSON_BYTES, is_dir, is_file, parse_json, read_text

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


#: Largest payoff magnitude a game file may hold: sums and differences over every player
#: stay far from float overflow (1e308), and tolerances keep their meaning.
MAX_ABS_PAYOFF = 1e15


def load_game(path: str | Path) -> tuple[np.ndarray, list[str], list[list[str]]]:
    """Read a game from .npy (tensor of shape (N, m_1, ..., m_N)) or JSON; return (payoffs,
    players, actions).

    JSON: {"players": [...], "actions": [[...], ...], "payoffs": nested lists (N, m_1, ..., m_N)}.
    Every problem raises GameError naming the file and what is wrong; a .npy file's header is
    checked (type, shape, size) before its data is read, so a header claiming a huge shape
    allocates nothing.
    """
    path = Path(path)
    if is_dir(path):
        raise GameError(f"game file {str(path)!r}: is a folder, not a file")
    if not is_file(path):
        raise GameError(f"game file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".npy":
        _check_npy_header(path)
        try:
            array = np.load(path, allow_pickle=False)
        except (ValueError, OSError, EOFError) as exc:
            raise GameError(f"{path} is not a readable .npy array: {exc}") from None
        game = _checked(array, path)
        players, actions = _default_names(game)
        return game, players, actions
    if suffix != ".json":
        raise GameError(
            f"unknown game file extension {suffix or '(none)'!r} for {path}; use .npy or .json"
        )
    document = parse_json(
        read_text(path, "game file", MAX_JSON_BYTES, GameError), str(path), GameError
    )
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
    expected = (len(players), *(len(names) for names in actions))
    if math.prod(expected) > MAX_ENTRIES:
        raise GameError(
            f"{path}: players and actions imply {math.prod(expected):,} payoffs, "
            f"over the limit of {MAX_ENTRIES:,}"
        )
    game = _checked(document["payoffs"], path)
    if game.shape != expected:
        raise GameError(
            f"{path}: payoffs have shape {game.shape} but players and actions imply {expected}"
        )
    return game, players, [list(names) for names in actions]


def _checked(payoffs: Any, path: Path) -> np.ndarray:
    """The payoffs as a valid game tensor whose entries are within +-MAX_ABS_PAYOFF."""
    try:
        game = validate_game(payoffs)
    except GameError as exc:
        raise GameError(f"{path}: {exc}") from None
    largest = float(np.abs(game).max())
    if largest > MAX_ABS_PAYOFF:
        raise GameError(
            f"{path}: a payoff of magnitude {largest:.3g}; payoffs must lie within "
            f"[-{MAX_ABS_PAYOFF:g}, {MAX_ABS_PAYOFF:g}] (rescale the game)"
        )
    return game


def _check_npy_header(path: Path) -> None:
    """Refuse a .npy file whose header names no numeric game tensor, or more data than it has."""
    try:
        with path.open("rb") as handle:
            version = np.lib.format.read_magic(handle)
            read = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, _, dtype = read(handle)
            offset = handle.tell()
    except (ValueError, OSError, EOFError, SyntaxError, TypeError) as exc:
        raise GameError(f"{path} is not a readable .npy array: {exc}") from None
    if dtype.hasobject or dtype.kind not in "biuf" or dtype.fields is not None:
        raise GameError(f"{path}: payoffs must be numbers, got array of dtype {dtype}")
    check_shape(shape, f"{path}: ")
    entries = math.prod(shape)
    if entries > MAX_ENTRIES:
        raise GameError(
            f"{path}: a game of shape {shape} has {entries:,} payoff entries, "
            f"over the limit of {MAX_ENTRIES:,} (2**28)"
        )
    if path.stat().st_size < offset + entries * dtype.itemsize:
        raise GameError(f"{path}: the file holds less data than its header's shape {shape} needs")
