"""Options shared by subcommands: scenario selection and `--set` overrides."""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from pausegame.errors import InputError
from pausegame.sim.scenario import Scenario, load_scenario, parse_assignment
from pausegame.userfiles import is_dir

#: How the labs' play of each treaty's game is chosen; equal to `lab_game.SELECTIONS` (a test
#: holds them equal), repeated here so that `--help` needs no NumPy.
SELECTIONS = ("dynamics", "welfare", "worst", "anticipation")


def add_scenario_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scenario",
        default="article",
        help="a built-in scenario (see `pausegame scenarios`) or a TOML file (default: article)",
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter (see `pausegame params`) or lab.NAME.FIELD / state.NAME.FIELD;"
        " repeatable",
    )


def scenario_from_args(args: argparse.Namespace) -> Scenario:
    """The scenario named by `--scenario` with the `--set` overrides applied, validated."""
    scenario = load_scenario(args.scenario)
    overrides = dict(parse_assignment(text) for text in args.overrides)
    return scenario.with_overrides(overrides) if overrides else scenario


def check_folder(folder: Path, option: str) -> None:
    """Refuse an output folder that cannot be created, before any work starts (nothing is made).

    The nearest existing ancestor must be a folder we may write into.
    """
    if "\x00" in str(folder):
        raise InputError(f"{option} {str(folder)!r}: a path cannot hold a NUL character")
    try:
        if folder.exists():
            if not folder.is_dir():
                raise InputError(f"{option} {folder}: exists and is not a folder")
            ancestor = folder
        else:
            ancestor = folder.absolute().parent
            while not ancestor.exists():
                ancestor = ancestor.parent
            if not ancestor.is_dir():
                raise InputError(f"{option} {folder}: {ancestor} is a file, not a folder")
        if not os.access(ancestor, os.W_OK | os.X_OK):
            raise InputError(f"{option} {folder}: no permission to write into {ancestor}")
    except InputError:
        raise
    except (OSError, ValueError) as error:  # a name too long, a NUL byte
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise InputError(f"{option} {folder}: not a usable path ({reason})") from None


def check_output(path: Path | None, suffixes: tuple[str, ...], option: str) -> None:
    """Refuse an output file with the wrong suffix or in a folder that cannot be created."""
    if path is None:
        return
    if path.suffix.lower() not in suffixes:
        raise InputError(f"{option} {path}: the file name must end in {' or '.join(suffixes)}")
    check_folder(path.parent, option)
    if is_dir(path):
        raise InputError(f"{option} {path}: is a folder; give a file name")
    if len(path.name) > 255:  # the longest file name most file systems allow
        raise InputError(f"{option}: the file name is {len(path.name)} characters, at most 255")


def replace_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """Write through `write(temporary)` beside `target`, then rename: never a partial file."""
    replace_all_atomically([(target, write)])


def replace_all_atomically(writes: list[tuple[Path, Callable[[Path], object]]]) -> None:
    """Write every file to a temporary beside its target, and rename them only once all are
    written: a failure (a full disk) leaves none of them, not some.

    The temporary names keep the suffix, so writers that pick a format from it still can.
    """
    mask = os.umask(0)
    os.umask(mask)
    written: list[tuple[Path, Path]] = []
    try:
        for target, write in writes:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.stem}.", suffix=target.suffix
            )
            os.close(handle)
            written.append((Path(name), target))
            write(Path(name))
            # mkstemp makes the file private; give it the permissions a plain open() would.
            os.chmod(name, 0o666 & ~mask)
        for temporary, target in written:
            os.replace(temporary, target)
    finally:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)


MAX_WORKERS = 1024  # local processes
MAX_SIZE = 1_000_000  # runs per part file or per task


def positive_int(text: str, most: int = MAX_SIZE) -> int:
    """An argparse type: a whole number in [1, most], range-checked before conversion."""
    digits = text.strip()
    if not digits.isdigit() or len(digits) > 9:
        raise argparse.ArgumentTypeError(f"expected a whole number in [1, {most:,}], got {text!r}")
    value = int(digits)
    if not 1 <= value <= most:
        raise argparse.ArgumentTypeError(f"expected a whole number in [1, {most:,}], got {value}")
    return value


def _workers(text: str) -> int:
    return positive_int(text, MAX_WORKERS)


def add_executor_options(parser: argparse.ArgumentParser, batches: bool = True) -> None:
    """Where a sweep-like job runs (`--workers` or `--scheduler`) and, with `batches`, how
    its runs are grouped into part files and worker tasks."""
    parser.add_argument(
        "--workers",
        type=_workers,
        default=None,
        metavar="N",
        help="local worker processes (default: one per CPU)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run on a Dask cluster, e.g. tcp://127.0.0.1:8786",
    )
    if batches:
        parser.add_argument(
            "--batch-size",
            type=positive_int,
            default=None,
            metavar="N",
            help="runs per committed part file (default: about 1/20 of the runs)",
        )
        parser.add_argument(
            "--chunk-size",
            type=positive_int,
            default=None,
            metavar="N",
            help="runs per task sent to a worker (default: automatic)",
        )


def executor_options(args: argparse.Namespace) -> dict[str, object]:
    """The executor options as a runner's keywords; `--workers` with `--scheduler` is refused,
    as only one of them runs the job."""
    if args.scheduler is not None and args.workers is not None:
        raise InputError(
            "--workers sets the local pool; with --scheduler the cluster's "
            "workers run the job: drop one of them"
        )
    names = ("workers", "scheduler", "batch_size", "chunk_size")
    return {name: getattr(args, name) for name in names if hasattr(args, name)}
