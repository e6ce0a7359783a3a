"""`pausegame params` and `pausegame scenarios`: what can be set, and what is built in."""

from __future__ import annotations

import argparse

from pausegame.sim.parameters import PARAMETERS
from pausegame.sim.scenario import builtin_names, load_scenario


def register(subparsers: argparse._SubParsersAction) -> None:
    params = subparsers.add_parser(
        "params",
        help="list every parameter with range and source",
        description="Every model parameter: its default, allowed range, unit, group, meaning "
        "and source (the article, or assumed). Any of them can be set with --set NAME=VALUE.",
    )
    params.add_argument("--markdown", action="store_true", help="print a Markdown table")
    params.set_defaults(func=print_params)
    scenarios = subparsers.add_parser(
        "scenarios",
        help="list the built-in scenarios",
        description="The scenarios shipped with pausegame, with their actors, run length and "
        "description; pass a name to --scenario, or a TOML file of your own.",
    )
    scenarios.set_defaults(func=print_scenarios)


def parameter_table(markdown: bool = False) -> str:
    """The parameter declarations as a table (plain text or Markdown)."""
    header = ("name", "default", "range", "unit", "group", "meaning", "source")
    rows = [
        (p.name, f"{p.default:g}", p.range_text, p.unit, p.group, p.meaning, p.source)
        for p in PARAMETERS
    ]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += [
            "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows
        ]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(5)]
    lines = []
    for row in (header, *rows):
        fixed = "  ".join(cell.ljust(w) for cell, w in zip(row[:5], widths, strict=True))
        lines.append(
            f"{fixed}  {row[5]}  [{row[6]}]" if row is not header else fixed + "  meaning  [source]"
        )
    return "\n".join(lines)


def print_params(args: argparse.Namespace) -> int:
    print(parameter_table(args.markdown))
    return 0


def print_scenarios(args: argparse.Namespace) -> int:
    for name in builtin_names():
        scenario = load_scenario(name)
        print(
            f"{name:<22} {len(scenario.labs)} labs, {len(scenario.states)} states, "
            f"{scenario.steps} steps  {scenario.description}"
        )
    return 0
