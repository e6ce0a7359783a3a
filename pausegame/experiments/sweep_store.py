"""A sweep's results folder: Parquet part files committed atomically, a manifest, and resume.

Layout of DIR:
    part-000001.parquet ...   one row per finished run (read them all: `pd.read_parquet(DIR)`)
    _traces/part-000001.parquet ...   per-step records, when traces are kept
    _manifest.json            the normalised spec, its hash, versions, times and counts
Names starting with `_` or `.` are skipped by Parquet readers, so the folder reads as one
table. Each part is written to a hidden temporary name and renamed into place; a traces
part is renamed before its runs part, and the runs part is the commit: a sweep killed at
any moment leaves only whole parts, and resuming skips every run found in them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pausegame import __version__
from pausegame.errors import InputError
from pausegame.experiments.sweep_engine import NULLABLE_COLUMNS, RunOutput, model_fingerprint
from pausegame.experiments.sweep_spec import SweepSpec
from pausegame.userfiles import (
    MAX_JSON_BYTES,
    is_file,
    is_temporary,
    parse_json,
    read_text,
    replace_atomically,
)

MANIFEST = "_manifest.json"
TRACES = "_traces"
LOCK = "_sweep.lock"
FORMAT = "pausegame-sweep/1"
PART = re.compile(r"^part-(\d{6,})\.parquet$")


class SweepFolderError(InputError):
    """The output folder cannot take this sweep: another sweep's, or not a sweep folder."""


class OtherSweepError(SweepFolderError):
    """The output folder holds a different sweep (its spec differs)."""


def now() -> str:
    """The current UTC time in ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's manifest, or None if it has none."""
    path = folder / MANIFEST
    if not is_file(path):
        return None
    text = read_text(path, "manifest", MAX_JSON_BYTES, SweepFolderError)
    try:
        manifest = parse_json(text, str(path), SweepFolderError)
    except SweepFolderError as error:
        raise SweepFolderError(f"unreadable manifest: {error}") from None
    if not isinstance(manifest, dict):
        raise SweepFolderError(f"{path}: unreadable manifest (expected a JSON object)")
    return manifest


def part_files(folder: Path) -> list[Path]:
    """The committed part files of a folder, in commit order."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if PART.match(p.name)), key=_sequence)


def committed_runs(folder: Path) -> int:
    """How many runs the folder's committed parts hold (0 for a folder with none)."""
    done = 0
    for part in part_files(folder):
        with contextlib.suppress(OSError, pa.ArrowException):
            done += pq.read_metadata(part).num_rows
    return done


def _sequence(path: Path) -> int:
    return int(PART.match(path.name).group(1))  # type: ignore[union-attr]


# How a refusal names a manifest key that is not a field of the spec file.
_DIFFERENCE_NAMES = {
    "scenario_sha256": "the scenario file's contents",
    "points_sha256": "the parameter points it expands to",
}


class SweepStore:
    """The results folder of one sweep, opened for appending finished runs."""

    def __init__(self, folder: Path, spec: SweepSpec, schema: pa.Schema) -> None:
        self.folder = Path(folder)
        self.spec = spec
        self.schema = schema
        self.manifest: dict[str, Any] = {}
        self._lock: Any = None
        self._next = 1
        #: Whether an earlier session ran a different version of the model's code.
        self.model_changed = False

    def check(self) -> None:
        """Refuse a folder that holds another sweep or other files; changes nothing on disk."""
        if self.folder.exists() and not self.folder.is_dir():
            raise SweepFolderError(f"--out {self.folder}: exists and is not a folder")
        manifest = read_manifest(self.folder)
        if manifest is None:
            if self.folder.is_dir() and any(
                p.name != LOCK and not is_temporary(p.name) for p in self.folder.iterdir()
            ):
                raise SweepFolderError(
                    f"--out {self.folder}: the folder is not empty and holds no sweep "
                    f"({MANIFEST} missing); choose a new or empty folder"
                )
            return
        self._check_fields(manifest)
        if manifest.get("spec_hash") != self.spec.digest():
            old, new = manifest["spec"], self.spec.normalised()
            differs = [
                _DIFFERENCE_NAMES.get(key, key) for key in new if old.get(key) != new[key]
            ] or ["format"]
            raise OtherSweepError(
                f"--out {self.folder} holds a different sweep (its spec differs in "
                f"{', '.join(differs)}); use another folder, or the spec it was started with"
            )

    def _check_fields(self, manifest: dict[str, Any]) -> None:
        """The manifest's fields a resume reads must have the types a sweep writes."""
        sessions = manifest.get("sessions")
        if not isinstance(manifest.get("spec"), dict):
            wrong = "'spec' must be an object"
        elif not isinstance(sessions, list) or not all(isinstance(s, dict) for s in sessions):
            wrong = "'sessions' must be a list of objects"
        elif type(manifest.get("runs_total")) is not int:
            wrong = "'runs_total' must be a whole number"
        else:
            return
        raise SweepFolderError(
            f"--out {self.folder}: unreadable manifest ({MANIFEST}: {wrong}); restore it, "
            "or use another folder"
        )

    def open(self, executor: str) -> set[int]:
        """Create or reopen the folder, clear leftovers of a killed sweep; the finished run ids."""
        self.check()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        try:
            return self._open(executor)
        except BaseException:  # a full disk at the first manifest: leave no lock behind
            self._release_lock()
            raise

    def _open(self, executor: str) -> set[int]:
        self._remove_leftovers()
        parts = part_files(self.folder)
        self._next = _sequence(parts[-1]) + 1 if parts else 1
        finished: set[int] = set()
        for part in parts:
            try:
                finished.update(pq.read_table(part, columns=["run_id"])["run_id"].to_pylist())
            except pa.ArrowException:  # a damaged disk, or a file put there by hand
                raise SweepFolderError(
                    f"--out {self.folder}: {part.name} is damaged (not a Parquet file of run "
                    "rows); move it out of the folder and run again to redo its runs"
                ) from None
        previous = read_manifest(self.folder)
        session = {
            "started": now(),
            "finished": None,
            "executor": executor,
            "runs": 0,
            "pausegame_version": __version__,
            "model_fingerprint": model_fingerprint(),
        }
        self.manifest = previous or {
            "format": FORMAT,
            "spec_file": self.spec.origin,
            "description": self.spec.description,
            "spec": self.spec.normalised(),
            "spec_hash": self.spec.digest(),
            "scenario_toml": self.spec.scenario_text,
            "swept": self.spec.swept,
            "parameters": self.spec.parameters,
            "started": session["started"],
            "finished": None,
            "runs_total": self.spec.run_count,
            "sessions": [],
        }
        self.model_changed = any(
            earlier.get("model_fingerprint") != session["model_fingerprint"]
            for earlier in self.manifest["sessions"]
            if earlier.get("runs")
        )
        self.manifest["sessions"].append(session)
        self.manifest.update(
            pausegame_version=__version__, runs_done=len(finished), parts=len(parts)
        )
        self._write_manifest()
        return finished

    def commit(self, outputs: Sequence[RunOutput]) -> Path:
        """Write one batch of finished runs as a new part (traces first); returns its path."""
        outputs = sorted(outputs, key=lambda o: o.row["run_id"])
        name = f"part-{self._next:06d}.parquet"
        traces = [o.trace for o in outputs if o.trace is not None]
        if traces:
            (self.folder / TRACES).mkdir(exist_ok=True)
            frame = pd.concat(traces, ignore_index=True)
            _write_atomically(
                pa.Table.from_pandas(frame, preserve_index=False), self.folder / TRACES / name
            )
        _write_atomically(self._table([o.row for o in outputs]), self.folder / name)
        self._next += 1
        session = self.manifest["sessions"][-1]
        session["runs"] += len(outputs)
        self.manifest["runs_done"] += len(outputs)
        self.manifest["parts"] += 1
        self._write_manifest()
        return self.folder / name

    def close(self) -> None:
        """Record the session's end (and the sweep's, if every run is done); release the lock.

        The lock is released (and its file removed) even when the manifest cannot be written,
        on a full disk say: the parts are the record of what finished, and a resume reads them.
        """
        try:
            if self.manifest:
                # Count from the parts themselves: an interrupt can land between a part's
                # rename and the manifest's update, and the parts are what was committed.
                parts = part_files(self.folder)
                done = committed_runs(self.folder)
                session = self.manifest["sessions"][-1]
                session["runs"] += done - self.manifest["runs_done"]
                session["finished"] = now()
                self.manifest.update(runs_done=done, parts=len(parts))
                if done == self.manifest["runs_total"]:
                    self.manifest["finished"] = session["finished"]
                self._write_manifest()
        finally:
            self._release_lock()

    def _table(self, rows: list[dict]) -> pa.Table:
        names = self.schema.names
        for row in rows:
            if set(row) != set(names):
                missing, extra = set(names) - set(row), set(row) - set(names)
                raise ValueError(
                    f"run {row.get('run_id')}: row columns differ from the schema "
                    f"(missing {sorted(missing)}, extra {sorted(extra)})"
                )
        frame = pd.DataFrame(rows, columns=names)
        # Nullable integers keep their type when read back into pandas.
        frame = frame.astype({name: "Int64" for name in NULLABLE_COLUMNS})
        return pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)

    def _write_manifest(self) -> None:
        text = json.dumps(self.manifest, indent=2) + "\n"
        replace_atomically(self.folder / MANIFEST, lambda path: path.write_text(text, "utf-8"))

    def _take_lock(self) -> None:
        """Hold an exclusive lock on the folder so two sweeps never write into it at once.

        The lock file exists only while a sweep holds it. A sweep that opened the file just
        before its holder removed it would lock a file nobody else sees, so after locking
        we check that the name still leads to the file we hold, and try again if not.
        """
        try:
            import fcntl
        except ImportError:  # no advisory locks on this platform
            return
        path = self.folder / LOCK
        for _ in range(10):
            handle = open(path, "a")  # noqa: SIM115 (held until close)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                raise SweepFolderError(
                    f"--out {self.folder}: another sweep is writing into it"
                ) from None
            try:
                same = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._lock = handle
                return
            handle.close()
        raise SweepFolderError(f"--out {self.folder}: cannot take the folder's lock")

    def _release_lock(self) -> None:
        handle, self._lock = self._lock, None
        if handle is not None:
            with contextlib.suppress(OSError):
                (self.folder / LOCK).unlink()  # removed while still held: see _take_lock
            handle.close()

    def _remove_leftovers(self) -> None:
        """Delete temporary files and traces parts whose runs part was never committed."""
        committed = {p.name for p in part_files(self.folder)}
        for folder in (self.folder, self.folder / TRACES):
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                uncommitted = folder.name == TRACES and path.name not in committed
                if is_temporary(path.name) or (uncommitted and PART.match(path.name)):
                    path.unlink()


def _write_atomically(table: pa.Table, target: Path) -> None:
    replace_atomically(target, lambda path: pq.write_table(table, path))
