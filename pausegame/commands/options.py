"""Options shared by subcommands: scenario selection and `--set` overrides."""

from __future__ import annotations

import argparse

from pausegame.sim.scenario import Scenario, load_scenario, parse_assignment


def add_scenario_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scenario",
        default="article",
        help="a built-in scenario (see `pausegame scenarios`) or a TOML file (default: article)",
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter (see `pausegame params`) or lab.NAME.FIELD / state.NAME.FIELD;"
        " repeatable",
    )


def scenario_from_args(args: argparse.Namespace) -> Scenario:
    """The scenario named by `--scenario` with the `--set` overrides applied, validated."""
    scenario = load_scenario(args.scenario)
    overrides = dict(parse_assignment(text) for text in args.overrides)
    return scenario.with_overrides(overrides) if overrides else scenario
