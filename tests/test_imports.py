"""The quick commands stay quick: `--version`, `--help`, `params` and `scenarios` import
none of the heavy libraries, and every command module is registered in `cli.COMMANDS`."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from pausegame import cli

HEAVY = ("numpy", "pandas", "pyarrow", "scipy", "mesa", "solara", "matplotlib", "dask",
         "distributed", "networkx")  # fmt: skip
QUICK = (["--version"], ["--help"], ["params"], ["params", "--markdown"], ["scenarios"],
         ["run", "--help"], ["sweep", "--help"], ["equilibria", "--help"])  # fmt: skip

PROBE = """
import json, sys
from pausegame.cli import main
try:
    main(json.loads(sys.argv[1]))
except SystemExit:
    pass
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(sys.argv[2])))
print("HEAVY=" + json.dumps(heavy), file=sys.stderr)
"""


def imported_heavy(argv: list[str]) -> list[str]:
    process = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argv), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    line = [x for x in process.stderr.splitlines() if x.startswith("HEAVY=")][-1]
    return json.loads(line.removeprefix("HEAVY="))


@pytest.mark.parametrize("argv", QUICK, ids=" ".join)
def test_quick_commands_import_no_heavy_library(argv):
    assert imported_heavy(argv) == []


def test_the_probe_does_see_heavy_imports():
    """The check above can fail: a command that runs the model imports NumPy."""
    assert "numpy" in imported_heavy(["run", "--steps", "1", "--json"])


def test_importtime_agrees_for_version():
    process = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pausegame.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    modules = {line.split("|")[-1].strip().split(".")[0] for line in process.stderr.splitlines()}
    assert not modules & set(HEAVY)


def test_every_command_module_is_registered():
    folder = Path(str(resources.files("pausegame") / "commands"))
    with_register = {
        f"pausegame.commands.{path.stem}"
        for path in folder.glob("*.py")
        if any(
            isinstance(node, ast.FunctionDef) and node.name == "register"
            for node in ast.parse(path.read_text("utf-8")).body
        )
    }
    assert with_register == set(cli.COMMANDS)


def test_names_repeated_for_quick_help_match_their_source():
    from pausegame.commands import options, sweep
    from pausegame.experiments import lab_game, sweep_store

    assert options.SELECTIONS == lab_game.SELECTIONS
    assert sweep.TRACES == sweep_store.TRACES
