"""The same sweep gives the same dataset in this process, on a local pool, and on Dask."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from pausegame.experiments.runs import OUTCOMES
from pausegame.experiments.sweep import run_sweep
from pausegame.experiments.sweep_engine import execute_chunk
from pausegame.experiments.sweep_spec import parse_sweep_spec
from pausegame.experiments.sweep_store import MANIFEST, TRACES
from tests.sweeps import leftovers

SPEC = """
steps = 10
seeds = [0, 5]
[grid]
verification = [0.1, 0.9]
leak_pause = [0.0, 0.3]
[outputs]
traces = true
"""


def dataset(folder: Path, traces: bool = False) -> pd.DataFrame:
    """A sweep folder's rows (or per-step traces), in run order."""
    frame = pd.read_parquet(folder / TRACES if traces else folder)
    keys = ["run_id", "step"] if traces else ["run_id"]
    return frame.sort_values(keys).reset_index(drop=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The sweep run in this process, one run after another."""
    out = tmp_path_factory.mktemp("reference")
    run_sweep(parse_sweep_spec(SPEC), out, workers=1, batch_size=3, progress=False)
    return out


def test_reference_has_one_row_per_run_with_every_documented_column(reference):
    spec = parse_sweep_spec(SPEC)
    rows = dataset(reference)
    assert rows["run_id"].tolist() == list(range(spec.run_count))
    for run in spec.runs():
        row = rows.loc[run.run_id]
        assert (row["verification"], row["leak_pause"], row["seed"]) == (
            run.overrides["verification"],
            run.overrides["leak_pause"],
            run.seed,
        )
    assert set(rows["outcome"]) <= set(OUTCOMES)
    assert rows["steps_run"].between(1, 10).all()
    assert rows["coalition_size"].eq(rows["labs_pausing"] + rows["states_in_treaty"]).all()
    pausing = rows.filter(like="pausing.")
    assert pausing.shape[1] == 12 and pausing.sum(axis=1).eq(rows["coalition_size"]).all()
    assert rows["cumulative_catastrophe_probability"].between(0, 1).all()
    assert rows["open_source_hazard_share"].between(0, 1).all()
    for column in (
        "welfare_labs",
        "welfare_states",
        "detections",
        "first_threshold_step",
        "catastrophe_step",
        "coalition",
    ):
        assert column in rows
    traces = dataset(reference, traces=True)
    assert traces.groupby("run_id").size().tolist() == rows["steps_run"].tolist()
    # Batches of three runs: several committed parts, no temporary files left.
    assert len(list(reference.glob("part-*.parquet"))) == 3
    assert leftovers(reference) == []
    assert (reference / MANIFEST).is_file()


def test_a_row_is_the_single_run_of_its_point_and_seed(reference):
    rows = dataset(reference)
    spec = parse_sweep_spec(SPEC)
    run = list(spec.runs())[5]
    row, trace = execute_chunk(spec.scenario_text, [run], traces=True)[0]
    stored = rows.loc[5]
    for key, value in row.items():
        if value is None:
            assert pd.isna(stored[key])
        else:
            assert stored[key] == value, key
    assert len(trace) == row["steps_run"]


def test_two_local_workers_give_the_identical_dataset(reference, tmp_path):
    result = run_sweep(
        parse_sweep_spec(SPEC), tmp_path, workers=2, batch_size=2, chunk_size=1, progress=False
    )
    assert "2 worker" in result.executor and result.ran == result.total == 8
    pd.testing.assert_frame_equal(dataset(tmp_path), dataset(reference))
    pd.testing.assert_frame_equal(dataset(tmp_path, True), dataset(reference, True))


def test_a_dask_cluster_gives_the_identical_dataset(reference, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        host="127.0.0.1", n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        result = run_sweep(
            parse_sweep_spec(SPEC),
            tmp_path,
            scheduler=cluster.scheduler_address,
            batch_size=3,
            chunk_size=2,
            progress=False,
        )
    assert result.executor.startswith("dask") and result.ran == 8
    pd.testing.assert_frame_equal(dataset(tmp_path), dataset(reference))
    pd.testing.assert_frame_equal(dataset(tmp_path, True), dataset(reference, True))


def test_unreachable_scheduler_is_one_line_and_leaves_no_folder(tmp_path, capsys, monkeypatch):
    from pausegame.cli import main
    from pausegame.experiments import sweep_executors

    monkeypatch.setattr(sweep_executors, "CONNECT_TIMEOUT", "1s")
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "out"
    # Port 9 (discard) on loopback: nothing listens there in a test environment.
    code = main(
        ["sweep", str(spec), "--out", str(out), "--scheduler", "tcp://127.0.0.1:9", "--quiet"]
    )
    assert code == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "cannot connect" in error[0]
    assert not out.exists()


@pytest.mark.parametrize(
    "address",
    [
        *("", "garbage", "tcp://", "http://127.0.0.1:8786", "inproc://x", " tcp://127.0.0.1:8786"),
        *("tcp://127.0.0.1:abc", "tcp://127.0.0.1:0", "tcp://127.0.0.1:99999"),
    ],
)
def test_a_malformed_scheduler_address_is_refused_at_once(tmp_path, capsys, address):
    """Dask would answer after a 20 s wait with a traceback from its client's `__del__`."""
    from pausegame.cli import main

    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "out"
    started = time.monotonic()
    assert main(["sweep", str(spec), "--out", str(out), "--scheduler", address]) == 2
    assert time.monotonic() - started < 5
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1, error
    assert error[0].startswith(f"pausegame: error: --scheduler {address!r}: expected a Dask")
    assert "PORT in [1, 65535]" in error[0] and not out.exists()


def test_an_unknown_scheduler_host_is_named(tmp_path, capsys, monkeypatch):
    import socket

    from pausegame.cli import main

    def unknown(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)  # no name server is asked
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "out"
    argv = ["robustness", "--out", str(out), "--scheduler", "tcp://no-such-host.invalid:8786"]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "pausegame: error: --scheduler tcp://no-such-host.invalid:8786: "
        "unknown host 'no-such-host.invalid'\n"
    )
    assert not out.exists()
