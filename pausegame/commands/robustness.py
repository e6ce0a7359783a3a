"""`pausegame robustness`: test named claims over joint draws of the uncertain parameters.

For each named claim, the share of joint draws of the uncertain (assumed) parameters in which
it holds, with a 95% Wilson interval. Each draw multiplies every parameter by a log-uniform
factor in [1/F, F]; each draw runs several seeds of every scenario the claims need. Resumable
like `sweep`.
"""

from __future__ import annotations

import argparse

from pausegame.commands import options
from pausegame.commands.sweep import resumable
from pausegame.errors import InputError
from pausegame.userfiles import replace_atomically


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = options.add_command(subparsers, main)
    options.add_option(parser, "--out", "results folder (resumed if it exists)")
    parser.add_argument("--claims", metavar="A,B", help="claims to test (default: all; --list)")
    parser.add_argument(
        "--parameters",
        metavar="P,Q",
        help="uncertain parameters (default: every assumed, non-zero, non-treaty parameter)",
    )
    parser.add_argument(
        "--draws", type=options.positive_int, default=100, help="joint draws (default 100)"
    )
    parser.add_argument(
        "--seeds", type=options.positive_int, default=8, help="seeds per draw (default 8)"
    )
    options.add_option(parser, "--steps", "months per run", type=options.positive_int)
    parser.add_argument(
        "--factor", type=float, default=2.0, metavar="F", help="draw range [1/F, F] (default 2)"
    )
    options.add_option(parser, "--seed", "seed of the draws (default 0)", type=int, default=0)
    options.add_executor_options(parser, batches=False)
    parser.add_argument("--list", action="store_true", help="list the claims and exit")
    options.add_option(parser, "--quiet")


def main(args: argparse.Namespace) -> int:
    from pausegame.experiments import robustness
    from pausegame.experiments.robustness_claims import CLAIMS

    if args.list:
        for claim in CLAIMS:
            print(f"{claim.name:<34} {claim.text}  [{', '.join(claim.variants)}]")
        return 0
    if args.out is None:
        raise InputError("--out DIR: required (the folder the study is written to)")
    options.check_folder(args.out, "--out")
    executor = options.executor_options(args)
    study = robustness.make_study(
        _names(args.claims),
        _names(args.parameters),
        draws=args.draws,
        seeds=args.seeds,
        steps=args.steps,
        factor=args.factor,
        seed=args.seed,
    )
    with resumable("robustness", args.out):
        table, _ = robustness.run_study(study, args.out, **executor, progress=not args.quiet)
    print(
        f"robustness: {study.draws} joint draws x {study.seeds} seeds of "
        f"{', '.join(study.variants)}; each of {len(study.parameters)} parameters "
        f"times a log-uniform factor in [1/{study.factor:g}, {study.factor:g}]"
    )
    print(robustness.format_table(table))
    from pausegame.experiments.robustness_plots import claims_plot
    from pausegame.experiments.sweep_plots import save

    title = (
        f"{study.draws} draws x {study.seeds} seeds; {len(study.parameters)} assumed parameters"
        f" each x [1/{study.factor:g}, {study.factor:g}] (log-uniform)"
    )
    plot = args.out / "robustness.png"
    replace_atomically(plot, lambda path: save(claims_plot(table, title), path))
    print(f"\nwritten: {args.out / robustness.TABLE}, {args.out / robustness.DRAWS}, {plot}")
    return 0


def _names(text: str | None) -> list[str] | None:
    return None if text is None else [name.strip() for name in text.split(",") if name.strip()]
