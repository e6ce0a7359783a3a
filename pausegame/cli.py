"""The `pausegame` command line: one subcommand per module of `pausegame.commands`.

Command modules import only argparse-level code at the top, and their heavy libraries
(NumPy, pandas, Mesa, Dask) inside the function that runs the command, so `--version`,
`--help`, `params` and `scenarios` answer at once. Whatever goes wrong ends in one line:
bad input exits 2, a fault (disk, permissions, a cluster, Ctrl-C) exits non-zero.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys

from pausegame import __version__
from pausegame.errors import Fault, InputError, one_line, os_reason

#: The subcommand modules, in `--help` order; a new command adds its module's name here.
COMMANDS = (
    "pausegame.commands.run",
    "pausegame.commands.info",
    "pausegame.commands.equilibria",
    "pausegame.commands.compare",
    "pausegame.commands.sweep",
    "pausegame.commands.report",
    "pausegame.commands.sensitivity",
    "pausegame.commands.discover",
    "pausegame.commands.robustness",
    "pausegame.commands.stationary",
    "pausegame.commands.explain",
    "pausegame.commands.ui",
)
INTERNAL_ERROR = 70  # sysexits.h EX_SOFTWARE: a bug, not the user's input
DEBUG_VARIABLE = "PAUSEGAME_DEBUG"  # set it to see the traceback of an internal error


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see --help)\n")

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> object:
        # Python 3.12 turns `--opt=--` into an empty list instead of the value "--".
        if action.nargs is None and action.option_strings and arg_strings == ["--"]:
            self.error(f"argument {'/'.join(action.option_strings)}: expected one argument")
        return super()._get_values(action, arg_strings)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="pausegame",
        description="Simulate a frontier-AI pause as a game between labs and states.",
    )
    parser.add_argument("--version", action="version", version=f"pausegame {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    for name in COMMANDS:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: run a subcommand; every failure is one `pausegame: error:` line."""
    previous = _on_sigterm(_interrupt)
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args) or 0)
    except InputError as error:
        return _fail(f"error: {error}", 2)
    except Fault as fault:
        return _fail(f"error: {fault}", fault.status)
    except KeyboardInterrupt:
        return _fail("interrupted; nothing was left half-written", 130)
    except BrokenPipeError:
        # The reader of our output went away (`| head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as error:
        return _fail(f"error: {os_reason(error)}; no partial file was left", 1)
    except MemoryError:
        return _fail("error: out of memory; try a smaller input", 1)
    except Exception as error:
        if os.environ.get(DEBUG_VARIABLE):
            raise
        return _fail(
            f"internal error: {type(error).__name__}: {error} "
            f"(please report it; {DEBUG_VARIABLE}=1 shows the traceback)",
            INTERNAL_ERROR,
        )
    finally:
        _on_sigterm(previous)


def _interrupt(signum: int, frame: object) -> None:
    # A polite `kill` ends a command as Ctrl-C does: temporary files are removed on the way.
    raise KeyboardInterrupt


def _on_sigterm(handler: object) -> object:
    """Install a SIGTERM handler and return the previous one (no-op off the main thread)."""
    try:
        return signal.signal(signal.SIGTERM, handler)  # type: ignore[arg-type]
    except (ValueError, TypeError):  # not the main thread, or no handler to restore
        return handler


def _fail(message: str, status: int) -> int:
    print(f"pausegame: {one_line(message)}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
