"""A full disk, a refused write and Ctrl-C: one line, a non-zero exit, no partial file, no
lock left behind, and a resume that completes the dataset exactly.

The full disk is simulated where the bytes are written: the writer puts some bytes into its
temporary file and then fails with ENOSPC, as a real full file system does mid-write.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pausegame.cli import main
from pausegame.experiments import sweep_plots, sweep_store
from tests.sweeps import grid_spec, leftovers, rows, sweep_fixtures, wait_for_parts

ROOT = Path(__file__).resolve().parents[1]
SPEC = grid_spec(steps=5, seeds=2, verification=[0.1, 0.9], leak_pause=[0.0, 0.3])
RUNS = 8

reference, spec_file = sweep_fixtures(SPEC, batch_size=2)


class FullDisk:
    """Lets the first `allowed` writes through; every later one writes a few bytes and fails."""

    def __init__(self, allowed: int, code: int = errno.ENOSPC) -> None:
        self.allowed, self.code, self.calls = allowed, code, 0

    def wrap(self, original):
        def replace(target: Path, write) -> None:
            self.calls += 1
            if self.calls <= self.allowed:
                return original(target, write)

            def fail(temporary: Path) -> None:
                temporary.write_bytes(b"PAR1 half a part")
                raise OSError(self.code, os.strerror(self.code), str(temporary))

            return original(target, fail)

        return replace


def one_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


@pytest.mark.parametrize(
    ("allowed", "code", "reason", "committed"),
    [
        (5, errno.ENOSPC, "disk full", 4),  # full after two parts (and their manifests)
        (0, errno.ENOSPC, "disk full", 0),  # full from the first manifest on
        (3, errno.EACCES, "permission denied", 2),
    ],
)
def test_a_full_disk_mid_sweep_is_one_line_and_resume_completes_it(
    reference, spec_file, tmp_path, capsys, monkeypatch, allowed, code, reason, committed
):
    out = tmp_path / "out"
    disk = FullDisk(allowed, code)
    monkeypatch.setattr(
        sweep_store, "replace_atomically", disk.wrap(sweep_store.replace_atomically)
    )
    argv = ["sweep", str(spec_file), "--out", str(out), "--workers", "1", "--batch-size", "2"]
    assert main([*argv, "--quiet"]) == 1
    line = one_line(capsys)
    assert line.startswith(f"pausegame: error: sweep stopped: {reason}")
    saved = f"{committed} of {RUNS} runs are committed" if committed else "no runs were committed"
    assert saved in line and "run the same command again to resume" in line
    assert leftovers(out) == []
    assert len(list(out.glob("part-*.parquet"))) == committed // 2

    monkeypatch.undo()  # space is freed
    assert main([*argv, "--quiet"]) == 0
    assert f"{committed} were already done" in capsys.readouterr().out
    pd.testing.assert_frame_equal(rows(out), rows(reference))
    assert leftovers(out) == []


def test_a_full_disk_while_writing_run_records_leaves_no_file(tmp_path, capsys, monkeypatch):
    from pausegame import userfiles
    from pausegame.commands import run as run_command

    def disk_fills_at_the_second_file(writes):
        def fail(temporary: Path) -> None:
            Path(temporary).write_bytes(b"PAR1 half")
            raise OSError(errno.ENOSPC, "No space left on device", str(temporary))

        userfiles.replace_all_atomically(
            [(t, fail if i == 1 else w) for i, (t, w) in enumerate(writes)]
        )

    monkeypatch.setattr(run_command, "replace_all_atomically", disk_fills_at_the_second_file)
    out = tmp_path / "records" / "run.parquet"
    assert main(["run", "--steps", "3", "--out", str(out)]) == 1
    line = one_line(capsys)
    assert line.startswith("pausegame: error: disk full") and "no partial file" in line
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_full_disk_while_writing_a_report_leaves_no_file(
    reference, tmp_path, capsys, monkeypatch
):
    def save(figure, path):
        Path(path).write_bytes(b"\x89PNG half")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(sweep_plots, "save", save)
    out = tmp_path / "report"
    assert main(["report", str(reference), "--out", str(out)]) == 1
    assert one_line(capsys).startswith("pausegame: error: disk full")
    assert list(out.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT")
def test_ctrl_c_says_what_is_safe_and_how_to_resume(reference, spec_file, tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pausegame.cli", "sweep", str(spec_file), "--out", str(out)]
    command += ["--workers", "2", "--batch-size", "2", "--chunk-size", "1", "--quiet"]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    wait_for_parts(out, process)
    process.send_signal(signal.SIGINT)
    _, error = process.communicate(timeout=60)
    assert process.returncode == 130
    lines = error.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pausegame: error: sweep stopped: interrupted")
    assert f"of {RUNS} runs are committed in {out} and safe" in lines[0]
    assert "run the same command again to resume" in lines[0]
    assert leftovers(out) == []
    assert main(["sweep", str(spec_file), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    pd.testing.assert_frame_equal(rows(out), rows(reference))


def test_a_finished_sweep_leaves_no_lock(reference):
    assert leftovers(reference) == []
    assert (reference / "_manifest.json").is_file()


@pytest.mark.parametrize(
    ("argv", "job"),
    [
        (["sensitivity", "SPEC", "--workers", "1", "--batch-size", "2"], "sensitivity"),
        (["robustness", "--draws", "2", "--seeds", "1", "--steps", "2", "--workers", "1"], None),
    ],
)
def test_a_full_disk_stops_a_study_in_one_line_that_says_how_to_resume(
    tmp_path, capsys, monkeypatch, argv, job
):
    spec = tmp_path / "study.toml"
    spec.write_text(
        "steps = 3\nseeds = 1\nmethod = 'morris'\nsamples = 2\nparameters = ['fine']\n",
        encoding="utf-8",
    )
    argv = [str(spec) if a == "SPEC" else a for a in argv]
    job = job or argv[0]
    monkeypatch.setattr(
        sweep_store, "replace_atomically", FullDisk(1).wrap(sweep_store.replace_atomically)
    )
    assert main([*argv, "--out", str(tmp_path / "out"), "--quiet"]) == 1
    line = one_line(capsys)
    assert line.startswith(f"pausegame: error: {job} stopped: disk full")
    assert "run the same command again to resume" in line
    assert leftovers(tmp_path / "out") == []


@pytest.mark.parametrize(
    ("argv", "written", "failing"),
    [  # the failing Parquet table comes after a file written before it
        (["sensitivity", "SPEC", "--workers", "1"], "_sensitivity/*", 1),  # after samples
        (["robustness", "--draws", "2", "--seeds", "1", "--steps", "2"], "*.*", 0),  # after csv
    ],
)
def test_a_full_disk_while_writing_a_studys_results_leaves_none_of_them(
    tmp_path, capsys, monkeypatch, argv, written, failing
):
    spec = tmp_path / "study.toml"
    spec.write_text(
        "steps = 3\nseeds = 1\nmethod = 'morris'\nsamples = 2\nparameters = ['fine']\n",
        encoding="utf-8",
    )
    real = pd.DataFrame.to_parquet

    def to_parquet(frame, path, *args, **kwargs):
        if to_parquet.calls == failing:
            Path(path).write_bytes(b"PAR1 half a table")
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        to_parquet.calls += 1
        return real(frame, path, *args, **kwargs)

    to_parquet.calls = 0
    monkeypatch.setattr(pd.DataFrame, "to_parquet", to_parquet)
    out = tmp_path / "out"
    argv = [str(spec) if a == "SPEC" else a for a in argv]
    assert main([*argv, "--out", str(out), "--quiet"]) == 1
    assert "stopped: disk full" in one_line(capsys)
    assert to_parquet.calls == failing  # the study got as far as its results
    leftover = [p.name for p in out.glob(written) if p.is_file() and p.suffix != ".json"]
    assert leftover == []
