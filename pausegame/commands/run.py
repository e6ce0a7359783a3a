"""`pausegame run`: run one simulation and summarise it.

Run one simulation of a scenario and print what happened.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from pausegame.commands import options
from pausegame.commands.provenance import provenance, provenance_line
from pausegame.errors import InputError
from pausegame.userfiles import replace_all_atomically, replace_atomically

if TYPE_CHECKING:
    from pausegame.experiments.runs import RunResult

TABLE_SUFFIXES = (".parquet", ".csv")
#: How the summary words each event of the pause history.
VERBS = {
    "pause": "pauses",
    "race": "races again",
    "join": "joins the treaty",
    "leave": "leaves the treaty",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = options.add_command(subparsers, main)
    options.add_scenario_options(parser)
    options.add_option(parser, "--steps", "months to simulate (default: the scenario's)")
    options.add_option(parser, "--seed", "random seed (default 0)")
    records = "write per-step, per-agent records (plus .steps and .events tables)"
    options.add_option(parser, "--out", records, metavar="FILE.parquet|FILE.csv")
    options.add_option(parser, "--plot", "draw coalition size, capabilities and hazard over time")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="with --out: also write FILE.explain, the named terms of every best-response "
        "decision (see `pausegame explain`)",
    )
    options.add_option(parser, "--json")


def main(args: argparse.Namespace) -> int:
    scenario, text, overrides = options.scenario_source(args)
    steps = scenario.steps if args.steps is None else options.STEPS.coerce(args.steps, "--")
    seed = options.SEED.coerce(args.seed, "--")
    options.check_output(args.out, TABLE_SUFFIXES, "--out")
    options.check_output(args.plot, options.PLOT_SUFFIXES, "--plot")
    if args.explain and args.out is None:
        raise InputError("--explain: needs --out FILE to write the decision table to")
    from pausegame.experiments.runs import run

    result = run(scenario, seed, steps, explain=args.explain)
    origin = provenance(scenario, args.scenario, text.encode(), overrides, seed, steps)
    if args.out is not None:
        write_records(result, args.out, origin)
    if args.plot is not None:
        from pausegame.viz.plots import plot_run

        threshold = scenario.params.rsi_threshold
        replace_atomically(args.plot, lambda temporary: plot_run(result, threshold, temporary))
    if args.json:
        print(json.dumps({**result.summary, "provenance": origin}, indent=2))
    else:
        print(format_summary(result.summary))
        print(provenance_line(origin))
        if args.out is not None:
            extra = ", .explain" if args.explain else ""
            print(f"\nrecords: {args.out} (+ .steps, .events{extra}, .meta.json)")
        if args.plot is not None:
            print(f"plot:    {args.plot}")
    return 0


def table_paths(path: Path, explain: bool = False) -> dict[str, Path]:
    """Where `--out FILE` puts its tables: agents at FILE, steps and events (explain) beside."""
    stem, suffix = path.with_suffix(""), path.suffix
    names = ("steps", "events", "explain") if explain else ("steps", "events")
    return {"agents": path} | {n: stem.with_name(f"{stem.name}.{n}{suffix}") for n in names}


def write_records(result: RunResult, path: Path, origin: dict | None = None) -> None:
    """Write the tables to temporary files, then rename them all into place.

    `origin` (the run's provenance) goes into each Parquet file's metadata under
    "pausegame" and, for every format, into FILE.meta.json beside the tables.
    """
    writes = []
    for name, target in table_paths(path, result.explain is not None).items():
        frame = getattr(result, name)
        if target.suffix.lower() == ".csv":
            writes.append((target, lambda temporary, f=frame: f.to_csv(temporary, index=False)))
        else:
            writes.append((target, lambda temporary, f=frame: _write_parquet(f, temporary, origin)))
    if origin is not None:
        meta = path.with_suffix("").with_name(f"{path.with_suffix('').name}.meta.json")
        text = json.dumps(origin, indent=2) + "\n"
        writes.append((meta, lambda temporary: Path(temporary).write_text(text)))
    replace_all_atomically(writes)


def _write_parquet(frame, path: str, origin: dict | None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    if origin is not None:
        metadata = {**(table.schema.metadata or {}), b"pausegame": json.dumps(origin).encode()}
        table = table.replace_schema_metadata(metadata)
    pq.write_table(table, path)


def format_summary(summary: dict) -> str:
    """A readable account of one run."""
    lines = [
        f"Scenario {summary['scenario']}, seed {summary['seed']}: "
        f"{summary['steps_run']} months simulated",
        f"Outcome: {summary['outcome'].replace('_', ' ')}",
        f"Final coalition ({len(summary['final_coalition'])}): "
        + (", ".join(summary["final_coalition"]) or "nobody pauses"),
    ]
    crossing = summary["first_threshold_step"]
    lines.append(
        "Self-improvement threshold: "
        + (f"first crossed in month {crossing}" if crossing is not None else "never crossed")
    )
    if summary["catastrophe_step"] is not None:
        lines.append(f"Catastrophe in month {summary['catastrophe_step']}")
    lines += [
        f"Cumulative catastrophe probability: {summary['cumulative_catastrophe_probability']:.1%}",
        f"Violations detected: {summary['detections']}, false alarms: {summary['false_alarms']}",
        "\nWho paused when:",
    ]
    history = summary["pause_history"]
    if not history:
        lines.append("  nobody changed course")
    lines += [f"  month {e['step']:>4}: {e['agent']} {VERBS[e['event']]}" for e in history[:40]]
    if len(history) > 40:
        lines.append(f"  ... and {len(history) - 40} more changes (see --out events)")
    lines.append("\nHazard by source (share of summed per-step hazard):")
    for name, share in sorted(summary["hazard_share_by_source"].items(), key=lambda kv: -kv[1]):
        lines.append(f"  {name:<16} {share:6.1%}")
    lines += [
        "\nAgents at the end:",
        f"  {'name':<16} {'kind':<6} {'action':<6} {'capability':>10} {'payoff $B':>11}",
    ]
    lines += [
        f"  {agent['name']:<16} {agent['kind']:<6} {agent['action']:<6} "
        f"{agent['capability']:>10.3f} {agent['total_payoff']:>11.1f}"
        for agent in summary["agents"]
    ]
    return "\n".join(lines)
