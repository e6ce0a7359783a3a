"""Every command says what it does: its help line and description come from its module."""

from __future__ import annotations

import argparse
import subprocess
import sys

from pausegame.cli import build_parser


def test_every_command_has_a_help_line_and_a_description():
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in commands._choices_actions}
    assert len(commands.choices) >= 13  # run, params, scenarios, equilibria, ..., ui
    for name, sub in commands.choices.items():
        assert helps[name] and not helps[name].endswith("."), name
        assert sub.description and "\n" not in sub.description, name
        assert sub.format_help().count("%") == sub.description.count("%"), name  # no "%%"


def test_help_is_the_same_under_python_oo_which_strips_docstrings():
    def helps(*flags: str) -> list[str]:
        command = [sys.executable, *flags, "-m", "pausegame.cli"]
        return [
            subprocess.run([*command, *name, "--help"], capture_output=True, text=True).stdout
            for name in ([], ["sweep"], ["explain"])
        ]

    plain, stripped = helps(), helps("-OO")
    assert "run a batch experiment over parameters and seeds" in plain[0]
    assert stripped == plain
