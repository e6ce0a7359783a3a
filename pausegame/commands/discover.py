"""`pausegame discover`: scenario discovery: PRIM boxes and a CART tree for an outcome.

Find the regions of the swept parameters where an outcome happens: PRIM (peeling and pasting;
the coverage-density trade-off; the chosen box's limits with quasi-p-values) and a CART tree,
over the runs of a sweep or sensitivity folder or the draws of a robustness folder. Writes
JSON, CSV and PNG.
"""

from __future__ import annotations

import argparse
import json

from pausegame.commands import options
from pausegame.commands.text import slug
from pausegame.errors import InputError
from pausegame.userfiles import replace_all_atomically

DEFAULT_OUT = "_discover"  # inside the folder; the leading `_` keeps Parquet readers away


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = options.add_command(subparsers, main)
    options.add_option(parser, "folder", "a sweep, sensitivity or robustness folder")
    parser.add_argument(
        "--metric",
        default="global_pause",
        metavar="NAME",
        help="an outcome (global_pause, catastrophe, ...), all_labs_pause, pausing.ACTOR, "
        "claim.NAME (robustness), or a number column with --above/--below",
    )
    parser.add_argument("--above", type=float, metavar="V")
    parser.add_argument("--below", type=float, metavar="V")
    parser.add_argument(
        "--min-coverage",
        type=float,
        default=0.8,
        metavar="C",
        help="choose the densest box covering at least this share (default 0.8)",
    )
    parser.add_argument("--box", type=int, metavar="I", help="choose box I instead")
    parser.add_argument("--depth", type=int, default=3, help="CART tree depth (default 3)")
    options.add_option(parser, "--out", f"default: DIR/{DEFAULT_OUT}", metavar="FOLDER")


def main(args: argparse.Namespace) -> int:
    from pausegame.experiments import discover

    if not 0.0 <= args.min_coverage <= 1.0:
        raise InputError(f"--min-coverage {args.min_coverage:g}: expected a share in [0, 1]")
    if not 1 <= args.depth <= 12:
        raise InputError(f"--depth {args.depth}: expected a whole number in [1, 12]")
    cases = discover.load_cases(args.folder, args.metric, args.above, args.below)
    out = args.out if args.out is not None else args.folder / DEFAULT_OUT
    options.check_folder(out, "--out")
    result = discover.find_box(cases, args.min_coverage, args.box)
    tree = discover.fit_tree(cases, args.depth)
    from pausegame.experiments import discover_plots as plots
    from pausegame.experiments.sweep_plots import save

    stem = slug(args.metric)
    share = cases.y.mean()
    print(
        f"{args.folder}: {cases.source}; {args.metric}: {int(cases.y.sum())} of {len(cases.y)} "
        f"cases ({share:.1%})"
    )
    stats = result.trajectory.iloc[result.chosen]
    print(
        f"\nPRIM: {len(result.trajectory)} boxes peeled and pasted; chosen box {result.chosen}: "
        f"coverage {stats['coverage']:.0%}, density {stats['density']:.0%} "
        f"(base rate {share:.0%}), mass {stats['mass']:.0%}"
    )
    for name, limit in result.limits.iterrows():
        print(
            f"  {name:<24} [{limit['min']:.4g}, {limit['max']:.4g}]  of "
            f"[{limit['range_low']:.4g}, {limit['range_high']:.4g}]  "
            f"qp {_p(limit['qp_min'])} / {_p(limit['qp_max'])}"
        )
    print(f"\nCART (depth {tree.model.get_depth()}, accuracy {tree.accuracy:.0%}):")
    print(tree.rules.rstrip())
    payload = {"metric": args.metric, "cases": len(cases.y), "of_interest": int(cases.y.sum())}
    summary = json.dumps({**payload, **result.as_dict()}, indent=2, default=float) + "\n"
    names = list(cases.x.columns)
    writes = [
        (out / f"prim-{stem}.json", lambda p: p.write_text(summary, "utf-8")),
        (out / f"prim-box-{stem}.csv", result.limits.to_csv),
        (out / f"prim-trajectory-{stem}.csv", lambda p: result.trajectory.to_csv(p, index=False)),
        (
            out / f"prim-tradeoff-{stem}.png",
            lambda p: save(plots.tradeoff_plot(result), p),
        ),
        (out / f"prim-box-{stem}.png", lambda p: save(plots.box_plot(result), p)),
        (out / f"cart-{stem}.txt", lambda p: p.write_text(tree.rules, encoding="utf-8")),
        (out / f"cart-{stem}.png", lambda p: save(plots.tree_plot(tree, names), p)),
    ]
    replace_all_atomically(writes)  # a failure leaves none of them, not some
    written = [path for path, _ in writes]
    print("\nwritten:")
    for path in written:
        print(f"  {path}")
    return 0


def _p(value: float) -> str:
    return "-" if value != value else f"{value:.1e}"
