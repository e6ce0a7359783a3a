"""`pausegame sweep`: run a batch experiment over parameters and seeds.

Run every (parameter point, seed) of a sweep spec once, committing result rows to a Parquet
folder in batches. Running it again resumes where it stopped.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pausegame.commands import options
from pausegame.errors import Fault, os_reason

TRACES = "_traces"  # as `sweep_store.TRACES`; named here so that `--help` needs no pandas


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = options.add_command(subparsers, main)
    options.add_option(parser, "spec", "the sweep spec")
    options.add_option(
        parser, "--out", "results folder (created; an existing one is resumed)", required=True
    )
    options.add_executor_options(parser)
    traces = f"also keep per-step records of every run (in DIR/{TRACES})"
    parser.add_argument("--traces", action="store_true", help=traces)
    options.add_option(parser, "--quiet")


def main(args: argparse.Namespace) -> int:
    executor = options.executor_options(args)
    from pausegame.experiments.sweep import run_sweep
    from pausegame.experiments.sweep_spec import load_sweep_spec
    from pausegame.experiments.sweep_store import MANIFEST

    spec = load_sweep_spec(args.spec, traces=args.traces)
    options.check_folder(args.out, "--out")
    with resumable("sweep", args.out, spec.run_count):
        result = run_sweep(spec, args.out, **executor, progress=not args.quiet)
    if result.ran == 0 and result.complete:
        print(f"sweep: all {result.total} runs already done in {result.folder}")
    else:
        rate = result.ran / result.seconds if result.seconds > 0 else 0.0
        print(
            f"sweep: {result.ran} runs in {result.seconds:.1f} s ({rate:.2f} runs/s) on "
            f"{result.executor}; {result.skipped} were already done; {result.total} in all"
        )
    print(f"results:  {result.folder}  (pandas.read_parquet({str(result.folder)!r}))")
    if spec.traces:
        print(f"traces:   {result.folder / TRACES}")
    print(f"manifest: {result.folder / MANIFEST}")
    return 0


@contextmanager
def resumable(job: str, folder: Path, total: int | None = None) -> Iterator[None]:
    """Run a resumable job (a sweep, a study): a fault or Ctrl-C ends in one line saying what
    happened, what is safe and how to go on. (`cli.main` turns a polite `kill` into Ctrl-C.)"""
    try:
        yield
    except KeyboardInterrupt:
        raise Fault(_stopped(job, "interrupted", folder, total), 130) from None
    except OSError as error:
        raise Fault(_stopped(job, os_reason(error), folder, total)) from None
    except MemoryError:
        raise Fault(_stopped(job, "out of memory", folder, total)) from None
    except Fault as fault:
        raise Fault(_stopped(job, str(fault), folder, total), fault.status) from None


def _stopped(job: str, what: str, folder: Path, total: int | None) -> str:
    """What a fault did to the job: what happened, what is safe, how to go on.

    With `total`, `folder` is one sweep folder and its committed runs are counted.
    """
    if total is None:
        saved = f"every finished batch is committed under {folder} and safe"
    else:
        from pausegame.experiments.sweep_store import committed_runs

        done = committed_runs(folder)
        saved = "no runs were committed yet" if not done else f"{done:,} of {total:,} runs are "
        saved += f"committed in {folder} and safe" if done else ""
    return f"{job} stopped: {what}; {saved}; run the same command again to resume"
