"""`pausegame explain`: each actor's RACE vs PAUSE utilities split into named terms.

Step run --seed to month --at-step and show, for each decision maker (or --agent), its
lookahead utility of RACE and PAUSE (a state: out of and in the treaty, its own labs' answer
anticipated) split into named terms, and the chance its decision rule gives PAUSE.
"""

from __future__ import annotations

import argparse
import json

from pausegame.commands import options


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = options.add_command(subparsers, main)
    options.add_scenario_options(parser)
    options.add_option(parser, "--seed", "the run's seed (default 0)")
    month = "explain the decisions of month N"
    options.add_option(parser, "--at-step", month, required=True, metavar="N")
    parser.add_argument("--agent", metavar="NAME", help="only this lab or state")
    options.add_option(parser, "--json")


def main(args: argparse.Namespace) -> int:
    scenario = options.scenario_from_args(args)
    at_step = options.AT_STEP.coerce(args.at_step, "--")
    seed = options.SEED.coerce(args.seed, "--")
    from pausegame.experiments.explain import explain_at

    report = explain_at(scenario, seed, at_step, args.agent)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


def format_report(report: dict) -> str:
    """Every explained decision as a table of terms."""
    lines = [
        f"Scenario {report['scenario']}, seed {report['seed']}, month {report['at_step']} "
        f"(utilities in 2024 $B over the lookahead; logit_beta {report['logit_beta']:g})"
    ]
    for decider in report["deciders"]:
        lines += ["", *format_decider(decider)]
    return "\n".join(lines)


def format_decider(decider: dict) -> list[str]:
    """One actor's table: a row per term, the totals, the difference and its choice."""
    first, second = decider["options"]
    lines = [
        f"{decider['agent']} ({decider['kind']}, {decider['rule']}, now {decider['action']})",
        f"  {'term':<20} {first.upper():>12} {second.upper():>12} {'difference':>12}",
    ]
    for row in decider["terms"]:
        lines.append(
            f"  {row['term']:<20} {row[first]:>12.4f} {row[second]:>12.4f} "
            f"{row['difference']:>12.4f}"
        )
    total = decider["total"]
    lines.append(
        f"  {'total':<20} {total[first]:>12.4f} {total[second]:>12.4f} {total['difference']:>12.4f}"
    )
    through = decider.get("through_own_labs")
    if through is not None:
        lines.append(
            f"  {'(via own labs)':<20} {through[first]:>12.4f} {through[second]:>12.4f}"
            "   (at its labs' anticipated answer minus at their current play)"
        )
        for option in (first, second):
            pausing = ", ".join(decider["pausing_labs"][option]) or "none"
            lines.append(f"  labs pausing if {option}: {pausing}")
    probability = decider["probability"]
    chance = "depends on the peer drawn" if probability is None else f"{probability:.4g}"
    lines.append(f"  P({second.upper()}) when it revises: {chance}")
    lines.append(f"  rule: {decider['rule_note']}")
    return lines
