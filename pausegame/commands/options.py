"""What subcommands share: their declaration, the options several take, output checks."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

from pausegame.errors import InputError
from pausegame.sim.parameters import Parameter
from pausegame.sim.scenario import Scenario, parse_assignment, read_scenario
from pausegame.userfiles import MAX_FILE_NAME, is_dir

#: How the labs' play of each treaty's game is chosen; equal to `lab_game.SELECTIONS` (a test
#: holds them equal), repeated here so that `--help` needs no NumPy.
SELECTIONS = ("dynamics", "welfare", "worst", "anticipation")
PLOT_SUFFIXES = (".png", ".svg", ".pdf")
MAX_WORKERS = 1024  # local processes
MAX_SIZE = 1_000_000  # runs per part file or per task
#: A Dask scheduler's address, `[SCHEME://]HOST:PORT` (an IPv6 host in brackets).
SCHEDULER = re.compile(
    r"(?:(?P<scheme>[a-z]+)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[\w.-]+):(?P<port>[0-9]{1,5})"
)
SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")


def positive_int(text: str, most: int = MAX_SIZE) -> int:
    """An argparse type: a whole number in [1, most], range-checked before conversion."""
    digits = text.strip()
    if not digits.isdigit() or len(digits) > 9:
        raise argparse.ArgumentTypeError(f"expected a whole number in [1, {most:,}], got {text!r}")
    value = int(digits)
    if not 1 <= value <= most:
        raise argparse.ArgumentTypeError(f"expected a whole number in [1, {most:,}], got {value}")
    return value


def _workers(text: str) -> int:
    return positive_int(text, MAX_WORKERS)


def given_path(text: str) -> Path:
    """An argparse type: a path, never an empty one (`Path("")` would be the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a path, got an empty one")
    return Path(text)


#: Options several commands take, declared once; a command gives its own help text and may
#: change a setting: `add_option(parser, "--seed", "the run's seed")`.
SHARED: dict[str, dict[str, object]] = {
    "--scenario": {
        "default": "article",
        "help": "a built-in scenario (see `pausegame scenarios`) or a TOML file (default: article)",
    },
    "--set": {
        "dest": "overrides",
        "action": "append",
        "default": [],
        "metavar": "NAME=VALUE",
        "help": "override a parameter (see `pausegame params`) or lab.NAME.FIELD / "
        "state.NAME.FIELD; repeatable",
    },
    "--json": {"action": "store_true", "help": "print one JSON object"},
    "--quiet": {"action": "store_true", "help": "no progress output"},
    "--seed": {"default": "0"},
    "--steps": {},
    "--at-step": {"metavar": "T"},
    "--selection": {"choices": SELECTIONS},
    "--plot": {"type": given_path, "metavar": "FILE.png"},
    "--out": {"type": given_path, "metavar": "DIR"},
    "spec": {"type": given_path, "metavar": "SPEC.toml"},
    "folder": {"type": given_path, "metavar": "DIR"},
    "--workers": {
        "type": _workers,
        "metavar": "N",
        "help": "local worker processes (default: one per CPU)",
    },
    "--scheduler": {
        "metavar": "ADDRESS",
        "help": "run on a Dask cluster, e.g. tcp://127.0.0.1:8786",
    },
    "--batch-size": {
        "type": positive_int,
        "metavar": "N",
        "help": "runs per committed part file (default: about 1/20 of the runs)",
    },
    "--chunk-size": {
        "type": positive_int,
        "metavar": "N",
        "help": "runs per task sent to a worker (default: automatic)",
    },
}


def add_command(
    subparsers: argparse._SubParsersAction, main: Callable[[argparse.Namespace], int]
) -> argparse.ArgumentParser:
    """Add the subcommand named after `main`'s module, which runs `main(args)`; its help and
    description are that module's docstring ("`pausegame NAME`: help." and a paragraph)."""
    module = main.__module__
    docstring = sys.modules[module].__doc__ or _source_docstring(sys.modules[module].__file__)
    summary, _, description = docstring.partition("\n\n")
    parser = subparsers.add_parser(
        module.rpartition(".")[2],
        help=summary.partition("`: ")[2].rstrip(".") or None,
        description=" ".join(description.split()) or None,
    )
    parser.set_defaults(func=main)
    return parser


def _source_docstring(path: str | None) -> str:
    """A module's docstring read from its source: `python -OO` strips `__doc__`."""
    import ast

    try:
        return ast.get_docstring(ast.parse(Path(path or "").read_text("utf-8"))) or ""
    except (OSError, SyntaxError, ValueError):
        return ""


def add_option(
    parser: argparse.ArgumentParser, name: str, help: str | None = None, **settings: object
) -> None:
    """Add one of the `SHARED` options with this command's help and changed settings."""
    given = {"help": help} if help is not None else {}
    parser.add_argument(name, **{**SHARED[name], **given, **settings})  # type: ignore[arg-type]


def add_scenario_options(parser: argparse.ArgumentParser) -> None:
    """`--scenario` and the repeatable `--set NAME=VALUE`, read by `scenario_from_args`."""
    add_option(parser, "--scenario")
    add_option(parser, "--set")


def add_executor_options(parser: argparse.ArgumentParser, batches: bool = True) -> None:
    """Where a sweep-like job runs (`--workers` or `--scheduler`) and, with `batches`, how
    its runs are grouped into part files and worker tasks."""
    for name in ("--workers", "--scheduler", "--batch-size", "--chunk-size")[: 4 if batches else 2]:
        add_option(parser, name)


def executor_options(args: argparse.Namespace) -> dict[str, object]:
    """The executor options as a runner's keywords; `--workers` with `--scheduler` is refused,
    as only one of them runs the job."""
    if args.scheduler is not None and args.workers is not None:
        raise InputError(
            "--workers sets the local pool; with --scheduler the cluster's "
            "workers run the job: drop one of them"
        )
    if args.scheduler is not None:
        check_scheduler(args.scheduler)
    names = ("workers", "scheduler", "batch_size", "chunk_size")
    return {name: getattr(args, name) for name in names if hasattr(args, name)}


def check_scheduler(address: str) -> None:
    """Refuse a scheduler address that names no reachable kind of host before connecting:
    Dask answers a malformed one late, with a traceback, and an unknown host as a timeout."""
    import socket

    match = SCHEDULER.fullmatch(address)
    known = match is not None and (match["scheme"] or "tcp") in SCHEMES
    if not known or not 1 <= int(match["port"]) <= 65535:  # type: ignore[index]
        raise InputError(
            f"--scheduler {address!r}: expected a Dask scheduler's address SCHEME://HOST:PORT "
            f"(SCHEME {', '.join(SCHEMES[:-1])} or {SCHEMES[-1]}, PORT in [1, 65535]), "
            "e.g. tcp://127.0.0.1:8786"
        )
    host = match["host"].strip("[]")
    try:
        socket.getaddrinfo(host, int(match["port"]), type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):  # socket.gaierror, or a label too long to encode
        raise InputError(f"--scheduler {address}: unknown host {host!r}") from None


def whole_number(name: str, unit: str = "", low: int = 0, high: int = 100_000) -> Parameter:
    """A whole-number option in [low, high], checked with a parameter's messages."""
    return Parameter(name, low, low, high, unit, "", "", "Behaviour", integer=True)


SEED = whole_number("seed", high=2**63 - 1)
STEPS = whole_number("steps", "steps")
AT_STEP = whole_number("at-step", "months")


def scenario_from_args(args: argparse.Namespace) -> Scenario:
    """The scenario named by `--scenario` with the `--set` overrides applied, validated."""
    return scenario_source(args)[0]


def scenario_source(args: argparse.Namespace) -> tuple[Scenario, str, dict[str, str]]:
    """`scenario_from_args`, with what a run's provenance records: the text the scenario was
    parsed from (read once) and the `--set` overrides as typed."""
    scenario, text = read_scenario(args.scenario)
    overrides = dict(parse_assignment(item) for item in args.overrides)
    return (scenario.with_overrides(overrides) if overrides else scenario), text, overrides


def check_folder(folder: Path, option: str) -> None:
    """Refuse an output folder that cannot be created, before any work starts (nothing is made).

    The nearest existing ancestor must be a folder we may write into.
    """
    if "\x00" in str(folder):
        raise InputError(f"{option} {str(folder)!r}: a path cannot hold a NUL character")
    try:
        if folder.exists():
            if not folder.is_dir():
                raise InputError(f"{option} {folder}: exists and is not a folder")
            ancestor = folder
        else:
            ancestor = folder.absolute().parent
            while not ancestor.exists():
                ancestor = ancestor.parent
            if not ancestor.is_dir():
                raise InputError(f"{option} {folder}: {ancestor} is a file, not a folder")
        if not os.access(ancestor, os.W_OK | os.X_OK):
            raise InputError(f"{option} {folder}: no permission to write into {ancestor}")
    except InputError:
        raise
    except (OSError, ValueError) as error:  # a name too long, a NUL byte
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise InputError(f"{option} {folder}: not a usable path ({reason})") from None


def check_output(path: Path | None, suffixes: tuple[str, ...], option: str) -> None:
    """Refuse an output file with the wrong suffix or in a folder that cannot be created."""
    if path is None:
        return
    if path.name.lower() in suffixes:  # `.csv` is a hidden file's name with no suffix
        raise InputError(f"{option} {path}: give the file a name before {path.name}")
    if path.suffix.lower() not in suffixes:
        raise InputError(f"{option} {path}: the file name must end in {' or '.join(suffixes)}")
    check_folder(path.parent, option)
    if is_dir(path):
        raise InputError(f"{option} {path}: is a folder; give a file name")
    if len(path.name) > MAX_FILE_NAME:
        raise InputError(
            f"{option}: the file name is {len(path.name)} characters, at most {MAX_FILE_NAME}"
        )
