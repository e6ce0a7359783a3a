"""`pausegame report`: summarise a sweep: outcome shares, phase diagram, line plots.

Summarise a sweep folder: outcome shares with 95% Wilson intervals per parameter point (printed
and saved as CSV), a heatmap of a metric over two swept parameters and line plots over one
(PNG).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from pausegame.commands import options
from pausegame.commands.text import slug
from pausegame.errors import InputError
from pausegame.userfiles import replace_all_atomically

DEFAULT_OUT = "_report"  # inside the sweep folder; the leading `_` keeps Parquet readers away


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = options.add_command(subparsers, main)
    options.add_option(parser, "folder", "a `pausegame sweep` folder")
    for axis, which in (("x", "first"), ("y", "second")):
        text = f"swept parameter on the {axis} axis (default: the {which} swept)"
        parser.add_argument(f"--{axis}", metavar="PARAM", help=text)
    parser.add_argument(
        "--metric",
        default="global_pause",
        metavar="NAME",
        help="an outcome (global_pause, catastrophe, partial_pause, race), "
        "pausing.ACTOR, or a mean such as cumulative_catastrophe_probability "
        "(default: global_pause)",
    )
    where = f"where tables and plots go (default: DIR/{DEFAULT_OUT})"
    options.add_option(parser, "--out", where, metavar="FOLDER")


def main(args: argparse.Namespace) -> int:
    from pausegame.experiments import sweep_plots
    from pausegame.experiments.report import (
        OUTCOMES,
        check_metric,
        format_outcome_table,
        load_sweep,
        metric_table,
        outcome_table,
        wilson_interval,
    )

    sweep = load_sweep(args.folder)
    runs, swept = sweep.runs, sweep.swept
    check_metric(runs, args.metric)
    x, y = _axes(args.x, args.y, swept)
    out = args.out if args.out is not None else args.folder / DEFAULT_OUT
    options.check_folder(out, "--out")

    spec = sweep.manifest.get("spec", {})
    print(
        f"{sweep.folder}: {len(runs)} of {sweep.manifest.get('runs_total', '?')} runs, "
        f"scenario {spec.get('scenario', '?')}, {spec.get('steps', '?')} steps; "
        f"swept: {', '.join(swept) or 'nothing (seeds only)'}"
    )
    print("\nOutcomes over all runs (95% Wilson interval):")
    for outcome in OUTCOMES:
        count = int((runs["outcome"] == outcome).sum())
        low, high = wilson_interval(count, len(runs))
        print(
            f"  {outcome.replace('_', ' '):<14} {count:>6}  {count / len(runs):6.1%}  "
            f"[{low:.1%}, {high:.1%}]"
        )
    table = outcome_table(runs, swept)
    if swept:
        print("\nOutcomes per parameter point:")
        print(format_outcome_table(table, swept))
    # Everything is computed first and written last, all files renamed into place together.
    writes: list[tuple[Path, Callable[[Path], object]]] = [
        (out / "outcomes.csv", lambda path: table.to_csv(path, index=False))
    ]
    metric = slug(args.metric)
    if x is not None and y is not None:
        pooled = [name for name in swept if name not in (x, y)]
        cells = metric_table(runs, args.metric, [x, y])
        note = f"{spec.get('scenario', '?')}, {spec.get('steps', '?')} steps"
        note += f"; pooled over {', '.join(pooled)}" if pooled else ""
        phase = sweep_plots.phase_diagram(cells, x, y, args.metric, note=note)
        writes.append(
            (out / f"{metric}-by-{slug(x)}-{slug(y)}.csv", lambda p: cells.to_csv(p, index=False))
        )
        writes.append(
            (
                out / f"phase-{metric}-{slug(x)}-{slug(y)}.png",
                lambda p: sweep_plots.save(phase, p),
            )
        )
    if x is not None:
        by = y if y is not None and runs[y].nunique() <= sweep_plots.MAX_LINES else None
        lines = metric_table(runs, args.metric, [x, by] if by else [x])
        figure = sweep_plots.line_plot(lines, x, args.metric, by)
        writes.append(
            (out / f"lines-{metric}-{slug(x)}.png", lambda p: sweep_plots.save(figure, p))
        )
    replace_all_atomically(writes)
    print("\nwritten:")
    for path, _ in writes:
        print(f"  {path}")
    return 0


def _axes(x: str | None, y: str | None, swept: list[str]) -> tuple[str | None, str | None]:
    """The plot axes: the named swept parameters, or the first two swept by default."""
    for option, name in (("--x", x), ("--y", y)):
        if name is not None and name not in swept:
            raise InputError(
                f"{option} {name}: not a swept parameter of this sweep "
                f"(swept: {', '.join(swept) or 'none'})"
            )
    if x is not None and x == y:
        raise InputError(f"--x and --y are both {x}: choose two different parameters")
    rest = [name for name in swept if name not in (x, y)]
    if x is None and rest:
        x = rest.pop(0)
    if y is None and rest:
        y = rest.pop(0)
    return x, y
