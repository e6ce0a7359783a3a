"""The README cannot rot: its parameter table and example commands are checked."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from pausegame.cli import build_parser
from pausegame.commands.info import parameter_table

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_parameter_table_is_generated_from_the_declarations():
    block = re.search(
        r"<!-- parameter-table.*?-->\n(.*?)\n<!-- end parameter-table -->", README, re.S
    )
    assert block, "README lost its parameter table"
    assert block.group(1).strip() == parameter_table(markdown=True).strip()


COMMANDS = [
    line.split("#")[0].strip() for line in re.findall(r"^\.venv/bin/pausegame .*$", README, re.M)
]


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_commands_parse(command):
    """Every `pausegame ...` line in the README is accepted by the argument parser."""
    argv = shlex.split(command)[1:]
    build_parser().parse_args(argv)


def test_quick_start_commands_exist():
    assert "make run" in README and "make test" in README
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_readme_sweep_spec_is_valid():
    from pausegame.experiments.sweep_spec import parse_sweep_spec

    spec = re.search(r"### The spec\n\n```toml\n(.*?)```", README, re.S)
    assert spec, "README lost its sweep spec example"
    parsed = parse_sweep_spec(spec.group(1))
    assert parsed.run_count == 5 * 5 * 20 * 8


def test_the_sample_run_summary_is_what_the_default_run_prints(capsys):
    from pausegame.cli import main

    block = re.search(r"A run's summary starts like this.*?\n```\n(.*?)\n```", README, re.S)
    assert block, "README lost its sample run summary"
    assert main(["run"]) == 0
    printed = capsys.readouterr().out.splitlines()
    sample = block.group(1).splitlines()
    assert printed[: len(sample)] == sample


def test_the_sample_path_is_what_equilibria_path_prints(capsys):
    from pausegame.cli import main

    block = re.search(r"scenario's expected path\):\n\n```\n(.*?)\n\.\.\.\n```", README, re.S)
    assert block, "README lost its sample of the expected path"
    assert main(["equilibria", "--path", "--steps", "20", "--quiet"]) == 0  # the sample's months
    printed = capsys.readouterr().out.splitlines()
    sample = block.group(1).splitlines()
    assert printed[2 : 2 + len(sample)] == sample
