"""A sweep on a real Dask cluster (LocalCluster on 127.0.0.1) that loses its scheduler, or
all its workers: one line saying so, exit 1, committed runs intact, no lock left, and a
resume (here on the local pool) that completes the dataset exactly."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from pausegame.cli import main
from pausegame.experiments import sweep_executors
from tests.sweeps import grid_spec, leftovers, rows, sweep_fixtures, wait_for_parts

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]
SPEC = grid_spec(steps=6, seeds=6, verification=[0.1, 0.9], leak_pause=[0.0, 0.3])
RUNS = 24
SMALL = ["--batch-size", "2", "--chunk-size", "1", "--quiet"]

reference, spec_file = sweep_fixtures(SPEC, batch_size=4)


def local_cluster():
    return distributed.LocalCluster(
        host="127.0.0.1",
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        dashboard_address="127.0.0.1:0",
    )


def resume_locally(spec_file: Path, out: Path, reference: Path, capsys) -> None:
    committed = len(rows(out))
    assert main(["sweep", str(spec_file), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    assert f"{committed} were already done" in capsys.readouterr().out
    pd.testing.assert_frame_equal(rows(out), rows(reference))
    assert leftovers(out) == []


def test_a_lost_scheduler_is_one_line_and_the_sweep_resumes(reference, spec_file, tmp_path, capsys):
    out = tmp_path / "out"
    with local_cluster() as cluster:
        address = cluster.scheduler_address
        command = [sys.executable, "-m", "pausegame.cli", "sweep", str(spec_file)]
        command += ["--out", str(out), "--scheduler", address, *SMALL]
        process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
        try:
            wait_for_parts(out, process)
        except AssertionError:
            process.kill()
            raise
    # The cluster, its scheduler included, is gone now.
    _, error = process.communicate(timeout=90)
    assert process.returncode == 1, error
    lines = error.strip().splitlines()
    assert len(lines) == 1, error
    assert lines[0].startswith(
        f"pausegame: error: sweep stopped: lost the connection to the Dask scheduler at {address}"
    )
    assert f"of {RUNS} runs are committed in {out} and safe" in lines[0]
    assert "run the same command again to resume" in lines[0]
    assert leftovers(out) == []
    assert 0 < len(rows(out)) < RUNS
    resume_locally(spec_file, out, reference, capsys)


def test_a_cluster_that_loses_every_worker_is_one_line_not_a_hang(
    reference, spec_file, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(sweep_executors, "NO_WORKERS_SECONDS", 1.0)
    monkeypatch.setattr(sweep_executors, "POLL_SECONDS", 0.2)
    out = tmp_path / "out"
    with local_cluster() as cluster:

        def lose_the_workers() -> None:
            wait_for_parts(out)
            cluster.scale(0)

        killer = threading.Thread(target=lose_the_workers, daemon=True)
        killer.start()
        argv = ["sweep", str(spec_file), "--out", str(out)]
        code = main([*argv, "--scheduler", cluster.scheduler_address, *SMALL])
        killer.join(timeout=30)
    assert code == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert "has had no workers for 1 s" in lines[0] and "committed" in lines[0]
    assert "run the same command again to resume" in lines[0]
    assert leftovers(out) == []
    resume_locally(spec_file, out, reference, capsys)


def test_a_killed_pool_worker_is_one_line_and_the_sweep_resumes(
    reference, spec_file, tmp_path, capsys
):
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pausegame.cli", "sweep", str(spec_file), "--out", str(out)]
    process = subprocess.Popen(
        [*command, "--workers", "2", *SMALL], cwd=ROOT, stderr=subprocess.PIPE, text=True
    )
    wait_for_parts(out, process)
    workers = [
        child
        for child in psutil.Process(process.pid).children()
        if "spawn_main" in " ".join(child.cmdline())
    ]
    assert workers, "the pool's worker processes should be running"
    workers[0].kill()  # as the out-of-memory killer would
    _, error = process.communicate(timeout=60)
    assert process.returncode == 1, error
    lines = error.strip().splitlines()
    assert len(lines) == 1, error
    assert lines[0].startswith("pausegame: error: sweep stopped: a worker process died")
    assert "run the same command again to resume" in lines[0]
    assert leftovers(out) == []
    resume_locally(spec_file, out, reference, capsys)
