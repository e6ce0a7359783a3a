"""`pausegame sweep`: run every (parameter point, seed) of a sweep spec into a Parquet folder."""

from __future__ import annotations

import argparse
import signal
from pathlib import Path

from pausegame.commands.options import add_executor_options, check_executor, check_folder
from pausegame.errors import Fault, os_reason

TRACES = "_traces"  # as `sweep_store.TRACES`; named here so that `--help` needs no pandas


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sweep",
        help="run a batch experiment over parameters and seeds",
        description="Run every (parameter point, seed) of a sweep spec once, committing result "
        "rows to a Parquet folder in batches. Running it again resumes where it stopped.",
    )
    parser.add_argument("spec", type=Path, metavar="SPEC.toml", help="the sweep spec")
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="results folder (created; an existing one is resumed)",
    )
    add_executor_options(parser)
    parser.add_argument(
        "--traces",
        action="store_true",
        help=f"also keep per-step records of every run (in DIR/{TRACES})",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    check_executor(args)
    from pausegame.experiments.sweep import run_sweep
    from pausegame.experiments.sweep_spec import load_sweep_spec
    from pausegame.experiments.sweep_store import MANIFEST

    spec = load_sweep_spec(args.spec, traces=args.traces)
    check_folder(args.out, "--out")
    # A polite `kill` commits finished runs on the way out, as Ctrl-C does.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        result = run_sweep(
            spec,
            args.out,
            workers=args.workers,
            scheduler=args.scheduler,
            batch_size=args.batch_size,
            chunk_size=args.chunk_size,
            progress=not args.quiet,
        )
    except KeyboardInterrupt:
        raise Fault(_stopped("interrupted", args.out, spec.run_count), 130) from None
    except OSError as error:
        raise Fault(_stopped(os_reason(error), args.out, spec.run_count)) from None
    except MemoryError:
        raise Fault(_stopped("out of memory", args.out, spec.run_count)) from None
    except Fault as fault:
        raise Fault(_stopped(str(fault), args.out, spec.run_count), fault.status) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
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


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stopped(what: str, folder: Path, total: int) -> str:
    """What a fault did to the sweep: what happened, what is safe, how to go on."""
    from pausegame.experiments.sweep_store import committed_runs

    done = committed_runs(folder)
    saved = "no runs were committed yet" if not done else f"{done:,} of {total:,} runs are "
    saved += f"committed in {folder} and safe" if done else ""
    return f"sweep stopped: {what}; {saved}; run the same command again to resume"
