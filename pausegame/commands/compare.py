"""`pausegame compare`: compare scenarios: equilibria beside the agents' outcomes.

For each scenario: its stable treaties and social optimum, and how N seeded runs end (outcome
shares, welfare, risk, distance from equilibrium). A scenario is a built-in name, a TOML path,
or either with overrides: NAME:param=value,param=value (e.g.
article:verification=0.95,leak_pause=0).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pausegame.commands import options
from pausegame.commands.text import listing, treaty_text
from pausegame.userfiles import replace_atomically

SEEDS = options.whole_number("seeds", "runs", low=1)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = options.add_command(subparsers, main)
    scenario = "NAME, PATH, or NAME:param=value,param=value"
    parser.add_argument("scenarios", nargs="+", metavar="SCENARIO", help=scenario)
    parser.add_argument(
        "--seeds", default="20", help="runs per scenario, seeds 0..N-1 (default 20)"
    )
    options.add_option(parser, "--steps", "months per run (default: each scenario's)")
    see = "how the labs' play of each G(S) is chosen (see `equilibria`)"
    options.add_option(parser, "--selection", see, default="dynamics")
    options.add_option(
        parser, "--plot", "draw outcome shares and equilibrium distance per scenario"
    )
    options.add_option(parser, "--quiet", "no progress on stderr")
    options.add_option(parser, "--json")


def main(args: argparse.Namespace) -> int:
    seeds = SEEDS.coerce(args.seeds, "--")
    steps = None if args.steps is None else options.STEPS.coerce(args.steps, "--")
    options.check_output(args.plot, options.PLOT_SUFFIXES, "--plot")
    from pausegame.experiments.compare import compare
    from pausegame.experiments.progress import Progress

    progress = Progress(seeds * len(args.scenarios), label="compare", enabled=not args.quiet)
    result = compare(
        args.scenarios,
        seeds,
        steps,
        args.selection,
        progress=lambda spec, done, total: progress.advance(1),
    )
    progress.close()
    if args.plot is not None:
        replace_atomically(args.plot, lambda temporary: plot_comparison(result, temporary))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(format_comparison(result))
        if args.plot is not None:
            print(f"\nplot: {args.plot}")
    return 0


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


#: The rows of the runs' table after the outcome shares: label, key in each scenario's runs,
#: how a value is shown; the row without a key is whether the global pause is stable at the start.
RUN_ROWS = (
    ("at a start-stable treaty", "share_at_start_stable_treaty", _percent),
    ("at a stable treaty (end)", "share_at_stable_treaty", _percent),
    ("at a lab equilibrium (end)", "share_at_lab_equilibrium", _percent),
    ("global pause stable (start)", None, None),
    ("global pause stable (end)", "share_global_pause_stable_at_end", _percent),
    ("mean regret, $B", "mean_regret", _number),
    ("mean states' welfare, $B", "mean_state_welfare", _number),
    ("mean labs' welfare, $B", "mean_lab_welfare", _number),
    ("mean P(catastrophe)", "mean_cumulative_catastrophe_probability", _percent),
)


def format_comparison(result: dict) -> str:
    """Each scenario's equilibrium set, then one table of run outcomes, a column per scenario."""
    from pausegame.sim.engine import OUTCOMES

    lines = []
    for number, entry in enumerate(result["scenarios"], start=1):
        eq = entry["equilibria"]
        lines.append(f"[{number}] {entry['scenario']}")
        lines.append(
            "    stable treaties: "
            + ("; ".join(treaty_text(t, "empty") for t in eq["stable_treaties"]) or "none")
        )
        lines.append(f"    global pause stable: {'yes' if eq['global_pause_stable'] else 'no'}")
        optimum = eq["social_optimum"]
        lines.append(
            f"    states' optimum: members {listing(optimum['members'])}, pausing "
            f"{listing(optimum['pausing_labs'])} (welfare {optimum['welfare']:.1f} $B)"
        )
        if eq["selection_matters"]:
            lines.append(
                "    the selection rule matters for: "
                + "; ".join(listing(m, "empty") for m in eq["selection_matters"])
            )
    first = result["scenarios"][0]["runs"]
    lines += [
        "",
        f"Runs: {result['seeds']} seeds each, {first['steps']} months. Shares at a "
        "treaty or equilibrium are of the runs without a catastrophe: 'start-stable' = a "
        "stable treaty listed above with its labs' play; '(end)' = judged in the game "
        "seen from the run's final state.",
    ]
    runs = [entry["runs"] for entry in result["scenarios"]]
    start = ["yes" if e["equilibria"]["global_pause_stable"] else "no" for e in result["scenarios"]]
    rows = [
        (f"ends in {o.replace('_', ' ')}", [_percent(r["outcome_shares"][o]) for r in runs])
        for o in OUTCOMES
    ]
    rows += [
        (label, start if key is None else [shown(r[key]) for r in runs])
        for label, key, shown in RUN_ROWS
    ]
    width = max(len(name) for name, _ in rows)
    header = " " * width + "".join(f"{f'[{n}]':>10}" for n in range(1, len(runs) + 1))
    lines.append(header)
    for name, cells in rows:
        lines.append(name.ljust(width) + "".join(f"{cell:>10}" for cell in cells))
    for number, r in enumerate(runs, start=1):
        at_end = r.get("stable_treaties_at_end", [])
        if at_end:
            lines.append(
                f"[{number}] stable at the runs' end states (share of survivors): "
                + "; ".join(f"{treaty_text(t, 'empty')} {_percent(t['share'])}" for t in at_end[:4])
            )
        if r["lab_equilibria_reached"]:
            lines.append(
                f"[{number}] lab equilibria reached: "
                + "; ".join(
                    f"{treaty_text(e, 'empty')} {_percent(e['share'])}"
                    for e in r["lab_equilibria_reached"][:4]
                )
            )
    return "\n".join(lines)


def plot_comparison(result: dict, path: Path) -> None:
    """Stacked outcome shares per scenario, with the share of runs at a stable treaty marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from pausegame.sim.engine import OUTCOMES

    entries = result["scenarios"]
    figure, axes = plt.subplots(figsize=(max(6.5, 3.5 + 1.4 * len(entries)), 4.5))
    positions = range(len(entries))
    bottom = [0.0] * len(entries)
    for outcome in OUTCOMES:
        shares = [e["runs"]["outcome_shares"][outcome] or 0.0 for e in entries]
        axes.bar(positions, shares, bottom=bottom, label=outcome.replace("_", " "), width=0.6)
        bottom = [b + s for b, s in zip(bottom, shares, strict=True)]
    stable = [e["runs"]["share_at_stable_treaty"] for e in entries]
    axes.scatter(
        [p for p, s in zip(positions, stable, strict=True) if s is not None],
        [s for s in stable if s is not None],
        color="black",
        marker="D",
        zorder=3,
        label="at a stable treaty (of survivors)",
    )
    axes.set_xticks(list(positions))
    axes.set_xticklabels(
        [
            f"[{n}]" + (" *" if e["equilibria"]["global_pause_stable"] else "")
            for n, e in enumerate(entries, start=1)
        ]
    )
    axes.set_ylim(0, 1.05)
    axes.set_ylabel(f"share of {result['seeds']} runs")
    axes.set_title("Outcomes by scenario (* = global pause stable)")
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    figure.text(
        0.01,
        0.01,
        "  ".join(f"[{n}] {e['scenario']}" for n, e in enumerate(entries, start=1)),
        fontsize=7,
    )
    figure.tight_layout(rect=(0, 0.05, 1, 1))
    figure.savefig(path)
    plt.close(figure)
