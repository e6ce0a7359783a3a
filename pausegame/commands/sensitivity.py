"""`pausegame sensitivity`: global sensitivity (Morris or Sobol) of outcomes to the parameters.

Sample the parameters named in a sensitivity spec (SALib: Sobol/Saltelli or Morris), run every
sample point over several seeds as a sweep (resumable, local pool or Dask), and analyse outcome
shares and means: Sobol S1 and ST, or Morris mu*, sigma, with 95% bootstrap intervals. Writes
DIR/_sensitivity/ (Parquet, CSV, PNG).
"""

from __future__ import annotations

import argparse

from pausegame.commands import options
from pausegame.commands.sweep import resumable
from pausegame.userfiles import replace_atomically


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = options.add_command(subparsers, main)
    options.add_option(parser, "spec", "the sensitivity spec")
    options.add_option(parser, "--out", "results folder (resumed)", required=True)
    options.add_executor_options(parser)
    options.add_option(parser, "--quiet")


def main(args: argparse.Namespace) -> int:
    from pausegame.experiments.sensitivity import format_indices, run_sensitivity
    from pausegame.experiments.sensitivity_spec import load_sensitivity_spec

    executor = options.executor_options(args)
    spec = load_sensitivity_spec(args.spec)
    options.check_folder(args.out, "--out")
    design = spec.design
    with resumable("sensitivity", args.out, spec.run_count):
        result = run_sensitivity(spec, args.out, **executor, progress=not args.quiet)
    from pausegame.experiments import sensitivity_plots, sweep_plots

    sweep = spec.sweep
    print(
        f"sensitivity ({design.method}): {len(design.factors)} parameters, {len(design.x)} "
        f"sample points x {len(sweep.seeds)} seeds = {sweep.run_count} runs of {sweep.steps} "
        f"months ({sweep.scenario}); {result.sweep.ran} run now, "
        f"{result.sweep.skipped} already done"
    )
    label = "ST (total Sobol index)" if design.method == "sobol" else "mu* (Morris)"
    print(f"{label} ± 95% half-width, per metric; last row: seed noise share of variance")
    print(format_indices(result.indices, design.method, result.noise))
    title = f"{sweep.scenario}, {sweep.steps} months, {len(sweep.seeds)} seeds per point"
    if design.method == "sobol":
        figure, name = sensitivity_plots.sobol_plot(result.indices, title), "sobol.png"
    else:
        figure, name = sensitivity_plots.morris_plot(result.indices, title), "morris.png"
    plot = result.folder / name
    replace_atomically(plot, lambda path: sweep_plots.save(figure, path))
    print(f"\nwritten: {result.folder}/{{samples,outputs,indices}}.parquet, indices.csv, {plot}")
    return 0
