"""`pausegame stationary`: long-run (stationary) distribution of the agents' revision dynamics.

Freeze the game at one position and let its decision makers revise one at a time (logit best
response or Fermi imitation with the scenario's beta, plus exploration with probability
--mutation): the exact stationary distribution over every lab profile of the lab game under the
treaty in force, and over every (treaty, lab profile) of the two-level game, beside the agents'
runs' last months.
"""

from __future__ import annotations

import argparse
import json

from pausegame.commands import options
from pausegame.commands.text import listing, origin_text
from pausegame.sim.parameters import Parameter

MUTATION = Parameter("mutation", 0.01, 1e-9, 1.0, "probability", "", "", "Behaviour")
SEEDS = options.whole_number("seeds", "runs")
WINDOW = options.whole_number("window", "months", low=1)
TOP = options.whole_number("top", "profiles", low=1, high=1000)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = options.add_command(subparsers, main)
    options.add_scenario_options(parser)
    options.add_option(parser, "--at-step", "freeze month T of run --seed")
    options.add_option(parser, "--seed", "the run's seed for --at-step (default 0)")
    parser.add_argument("--mutation", default="0.01", help="exploration probability (0.01)")
    parser.add_argument(
        "--rule",
        choices=("logit", "imitation"),
        help="revision rule (default: the scenario's lab rule)",
    )
    parser.add_argument("--seeds", default="10", help="agents' runs to compare with (10; 0: none)")
    parser.add_argument("--window", default="24", help="the runs' last months counted (24)")
    parser.add_argument("--top", default="5", help="most likely profiles listed (5)")
    options.add_option(parser, "--json")


def main(args: argparse.Namespace) -> int:
    from pausegame.experiments.stochastic_scenario import stationary_report

    scenario = options.scenario_from_args(args)
    report = stationary_report(
        scenario,
        at_step=None if args.at_step is None else options.AT_STEP.coerce(args.at_step, "--"),
        seed=options.SEED.coerce(args.seed, "--"),
        mutation=MUTATION.coerce(args.mutation, "--"),
        rule=args.rule,
        seeds=SEEDS.coerce(args.seeds, "--"),
        window=WINDOW.coerce(args.window, "--"),
        count=TOP.coerce(args.top, "--"),
    )
    print(json.dumps(report, indent=2) if args.json else format_stationary(report))
    return 0


def _block(title: str, summary: dict) -> list[str]:
    lines = [title]
    for row in summary["most_likely"]:
        lines.append(
            f"  {row['probability']:7.2%}  treaty {{{listing(row['members'], '')}}}, "
            f"pausing {listing(row['pausing_labs'])}"
        )
    shares = ", ".join(f"{name} {p:.0%}" for name, p in summary["pause_probability"].items())
    lines += [
        f"  labs pausing, long-run share: {summary['lab_pause_share']:.1%} ({shares})",
        "  states in the treaty: "
        + ", ".join(f"{n} {p:.0%}" for n, p in summary["membership_probability"].items()),
        f"  global pause (every state in, every lab pausing): "
        f"{summary['global_pause_probability']:.3g}",
    ]
    month = summary.get("month_chain")
    if month is not None:
        distance = month["total_variation_to_one_at_a_time"]
        lines.append(
            f"  the engine's month instead (each decider revising with probability "
            f"{month['revision_rate']:g}, in random order): labs pausing "
            f"{month['lab_pause_share']:.1%}, distance {distance:.2g}"
        )
    return lines


def format_stationary(report: dict) -> str:
    """The two chains' most likely profiles and pause shares, then the agents' runs."""
    origin = origin_text(report, "its start")
    lines = [
        f"Scenario {report['scenario']}, game frozen at {origin}; {report['rule']} revision, "
        f"beta {report['beta']:g}, mutation {report['mutation']:g}, one reviser at a time "
        f"(the engine's month, each revising with probability {report['revision_rate']:g}, "
        "is checked where it fits)",
        "",
    ]
    lab = report["lab_game"]
    lines += _block(f"Labs revising in the lab game under {{{listing(lab['members'], '')}}}:", lab)
    lines += ["", *_block("Labs and states revising (two-level game):", report["two_level"])]
    agents = report["agents"]
    first, last = agents["months"]
    lines.append("")
    if not agents["run_months"]:
        lines.append(f"Agents' runs: none reached months {first}-{last}")
        return "\n".join(lines)
    lines += _block(
        f"Agents' runs ({agents['seeds']} seeds, months {first}-{last}, "
        f"{agents['run_months']} run-months):",
        agents,
    )
    chain = agents["chain_from_runs"]
    lines += [
        f"  distance (total variation) to the two-level chain above: "
        f"{agents['total_variation_to_two_level']:.2f}",
        "",
        *_block(
            f"Two-level chain from where each run stood at month {chain['month']} "
            f"(averaged over {chain['runs']} runs):",
            chain,
        ),
        f"  distance (total variation) to the agents' months: "
        f"{chain['total_variation_to_agents']:.2f}",
    ]
    return "\n".join(lines)
