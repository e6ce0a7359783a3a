"""The `pausegame` command line: subcommands registered from `pausegame.commands`."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from pausegame import __version__, commands
from pausegame.errors import InputError


def command_modules() -> list[str]:
    """Every module of `pausegame.commands` with a `register(subparsers)` function."""
    return sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if m.name != "options")


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="pausegame",
        description="Simulate a frontier-AI pause as a game between labs and states.",
    )
    parser.add_argument("--version", action="version", version=f"pausegame {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    for name in command_modules():
        module = importlib.import_module(f"pausegame.commands.{name}")
        if hasattr(module, "register"):
            module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: run a subcommand; bad input is one `error:` line and exit status 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as error:
        print(f"pausegame: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pausegame: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
