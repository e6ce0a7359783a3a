"""Crash safety and resume: a killed sweep keeps every committed batch, and rerunning the
same command completes it; another sweep's folder is refused untouched."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pausegame.cli import main
from pausegame.experiments.sweep import run_sweep
from pausegame.experiments.sweep_engine import row_schema
from pausegame.experiments.sweep_spec import parse_sweep_spec
from pausegame.experiments.sweep_store import MANIFEST, TRACES, SweepStore, read_manifest
from tests.sweeps import grid_spec, leftovers, rows, sweep_fixtures

SPEC = grid_spec(steps=10, seeds=4, verification=[0.2, 0.6], leak_pause=[0.0, 0.2], traces=True)
ROOT = Path(__file__).parents[2]


def traces(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / TRACES).sort_values(["run_id", "step"]).reset_index(drop=True)


def committed_ids(folder: Path) -> list[int]:
    """Run ids in the committed parts, read part by part (so a corrupt part would fail)."""
    ids: list[int] = []
    for part in sorted(folder.glob("part-*.parquet")):
        ids += pd.read_parquet(part, columns=["run_id"])["run_id"].tolist()
    return ids


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
    }


reference, spec_file = sweep_fixtures(SPEC, spec_scope="module")


def children(pid: int) -> set[int]:
    """The live child processes of `pid` (Linux /proc)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found.update(int(c) for c in task.read_text().split())
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def all_gone(pids: set[int], seconds: float = 15.0) -> bool:
    """Whether every process in `pids` has exited within `seconds`."""
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not any(alive(pid) for pid in pids)


def start_sweep(spec_file: Path, out: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "pausegame.cli",
        "sweep",
        str(spec_file),
        "--out",
        str(out),
        "--workers",
        "2",
        "--batch-size",
        "2",
        "--chunk-size",
        "1",
        "--quiet",
    ]
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for_first_batch(process: subprocess.Popen, out: Path) -> set[int]:
    """Poll until a part is committed; returns the sweep's worker processes seen by then."""
    deadline, workers = time.monotonic() + 180, set()
    while not list(out.glob("part-*.parquet")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no batch committed in time"
        workers |= children(process.pid)
        time.sleep(0.02)
    return workers | children(process.pid)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_sigkill_mid_sweep_then_resume_loses_and_duplicates_nothing(
    spec_file, reference, tmp_path, capsys
):
    out = tmp_path / "out"
    process = start_sweep(spec_file, out)
    workers = wait_for_first_batch(process, out)
    process.kill()
    process.communicate()
    assert process.returncode == -signal.SIGKILL
    committed = committed_ids(out)
    total = parse_sweep_spec(SPEC).run_count
    assert 0 < len(committed) < total, "the sweep should be cut off mid-way"
    assert len(set(committed)) == len(committed)
    assert set(committed) <= set(rows(reference)["run_id"])
    assert len(rows(out)) == len(committed)  # the folder reads as one table, no corrupt part
    # Orphaned pool workers notice their parent is gone and exit.
    assert all_gone(workers)

    assert main(["sweep", str(spec_file), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    assert f"{len(committed)} were already done" in capsys.readouterr().out
    finished = committed_ids(out)
    assert sorted(finished) == list(range(total))  # nothing lost, nothing twice
    pd.testing.assert_frame_equal(rows(out), rows(reference))
    pd.testing.assert_frame_equal(traces(out), traces(reference))
    manifest = read_manifest(out)
    assert manifest["runs_done"] == total and manifest["finished"] is not None
    assert len(manifest["sessions"]) == 2


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT")
def test_ctrl_c_commits_finished_runs_stops_the_workers_and_exits_130(
    spec_file, reference, tmp_path
):
    out = tmp_path / "out"
    process = start_sweep(spec_file, out)
    workers = wait_for_first_batch(process, out)
    process.send_signal(signal.SIGINT)
    _, error = process.communicate(timeout=60)
    assert process.returncode == 130 and "interrupted" in error
    assert all_gone(workers)
    committed = committed_ids(out)
    assert len(set(committed)) == len(committed) < parse_sweep_spec(SPEC).run_count
    manifest = read_manifest(out)
    assert manifest["runs_done"] == len(committed)
    assert manifest["sessions"][-1]["finished"] is not None and manifest["finished"] is None
    # What was committed is exactly what an uninterrupted sweep computes for those runs.
    expected = rows(reference).set_index("run_id").loc[sorted(committed)].reset_index()
    pd.testing.assert_frame_equal(rows(out), expected)


def test_resume_reruns_exactly_the_uncommitted_runs_and_clears_leftovers(reference, tmp_path):
    spec = parse_sweep_spec(SPEC)
    out = tmp_path / "out"
    run_sweep(spec, out, workers=1, batch_size=5, progress=False)
    parts = sorted(out.glob("part-*.parquet"))
    lost = set(pd.read_parquet(parts[1])["run_id"])
    parts[1].unlink()  # as if the sweep had died before committing this batch
    (out / ".part-000099.parquet.1.tmp").write_bytes(b"half a file")  # an earlier version's
    (out / ".part-000099.parquet.k3x9q2.tmp.parquet").write_bytes(b"half a file")  # this one's
    (out / TRACES / "part-000099.parquet").write_bytes(b"traces never committed")
    result = run_sweep(spec, out, workers=1, progress=False)
    assert result.ran == len(lost) and result.skipped == spec.run_count - len(lost)
    assert leftovers(out) == [] and not (out / TRACES / "part-000099.parquet").exists()
    pd.testing.assert_frame_equal(rows(out), rows(reference))
    pd.testing.assert_frame_equal(traces(out), traces(reference))


def test_a_finished_sweep_reruns_nothing(reference, spec_file, capsys, tmp_path):
    before = snapshot(reference)
    parts = {k: v for k, v in before.items() if k.startswith("part-")}
    assert main(["sweep", str(spec_file), "--out", str(reference), "--quiet"]) == 0
    assert "already done" in capsys.readouterr().out
    after = snapshot(reference)
    assert {k: v for k, v in after.items() if k.startswith("part-")} == parts


def test_a_different_spec_is_refused_and_the_folder_left_unchanged(reference, tmp_path, capsys):
    other = tmp_path / "other.toml"
    other.write_text(SPEC.replace("steps = 10", "steps = 11"), encoding="utf-8")
    before = snapshot(reference)
    assert main(["sweep", str(other), "--out", str(reference), "--workers", "1"]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "different sweep" in error[0] and "steps" in error[0]
    assert snapshot(reference) == before
    # `--traces` changes what the folder holds, so it is a different sweep too.
    plain = tmp_path / "plain.toml"
    plain.write_text(SPEC.replace("traces = true", "traces = false"), encoding="utf-8")
    assert main(["sweep", str(plain), "--out", str(reference), "--workers", "1"]) == 2
    assert "traces" in capsys.readouterr().err
    assert snapshot(reference) == before


def test_a_folder_with_other_files_is_refused(spec_file, tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["sweep", str(spec_file), "--out", str(tmp_path), "--workers", "1"]) == 2
    assert "not empty" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_two_sweeps_never_write_into_one_folder_at_once(tmp_path):
    spec = parse_sweep_spec(SPEC)
    holder = SweepStore(tmp_path, spec, row_schema(spec))
    holder.open("test")
    try:
        with pytest.raises(ValueError, match="another sweep is writing"):
            run_sweep(spec, tmp_path, workers=1, progress=False)
    finally:
        holder.close()
    assert (tmp_path / MANIFEST).is_file()


def test_workers_and_scheduler_together_are_refused(spec_file, tmp_path, capsys):
    code = main(
        [
            "sweep",
            str(spec_file),
            "--out",
            str(tmp_path / "o"),
            "--workers",
            "2",
            "--scheduler",
            "tcp://127.0.0.1:8786",
        ]
    )
    assert code == 2 and "--scheduler" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_an_edited_scenario_file_makes_it_a_different_sweep(tmp_path, capsys):
    scenario = tmp_path / "mine.toml"
    article = ROOT / "pausegame" / "scenarios" / "article.toml"
    scenario.write_text(article.read_text(encoding="utf-8"), encoding="utf-8")
    spec = tmp_path / "spec.toml"
    spec.write_text('scenario = "mine.toml"\nsteps = 2\nseeds = 1\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    capsys.readouterr()
    scenario.write_text(scenario.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "1", "--quiet"]) == 2
    assert "scenario file's contents" in capsys.readouterr().err


def test_resuming_with_changed_model_code_warns(reference, tmp_path, capsys):
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    manifest = read_manifest(out)
    manifest["sessions"][0]["model_fingerprint"] = "an older model"
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    sorted(out.glob("part-*.parquet"))[-1].unlink()
    run_sweep(parse_sweep_spec(SPEC), out, workers=1, progress=False)
    assert "model's code changed" in capsys.readouterr().err
    pd.testing.assert_frame_equal(rows(out), rows(reference))


def test_a_changed_sampler_is_refused_even_with_the_same_spec(tmp_path, capsys, monkeypatch):
    """The digest covers the expanded points, so a new sampling rule cannot remap run ids."""
    from pausegame.experiments import sweep_spec

    text = 'steps = 2\nseeds = 1\n[sample]\nmethod = "random"\ncount = 3\nseed = 1\n'
    text += "[sample.ranges]\nverification = [0.0, 1.0]\n"
    spec = tmp_path / "sampled.toml"
    spec.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    capsys.readouterr()
    before = snapshot(out)
    drawn = sweep_spec.Sample.points
    monkeypatch.setattr(sweep_spec.Sample, "points", lambda self: drawn(self)[::-1])
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "1", "--quiet"]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1
    assert error[0].split("differs in ")[1].split(")")[0] == "the parameter points it expands to"
    assert snapshot(out) == before


@pytest.mark.parametrize("damage", [b"", b"not parquet", "truncated"])
def test_a_damaged_part_is_one_line_naming_it_and_the_folder_is_kept(
    reference, spec_file, tmp_path, capsys, damage
):
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    part = sorted(out.glob("part-*.parquet"))[-1]
    whole = part.read_bytes()
    part.write_bytes(whole[: len(whole) // 2] if damage == "truncated" else damage)
    before = snapshot(out)
    assert main(["sweep", str(spec_file), "--out", str(out), "--workers", "1", "--quiet"]) == 2
    assert capsys.readouterr().err == (
        f"pausegame: error: --out {out}: {part.name} is damaged (not a Parquet file of run rows); "
        "move it out of the folder and run again to redo its runs\n"
    )
    assert snapshot(out) == before and leftovers(out) == []
    part.rename(tmp_path / part.name)  # as the message says: then the resume redoes its runs
    assert main(["sweep", str(spec_file), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    pd.testing.assert_frame_equal(rows(out), rows(reference))


@pytest.mark.parametrize(
    "field, value, wrong",
    [
        ("sessions", None, "'sessions' must be a list of objects"),
        ("sessions", [1], "'sessions' must be a list of objects"),
        ("runs_total", None, "'runs_total' must be a whole number"),
        ("spec", 5, "'spec' must be an object"),
    ],
)
def test_a_hand_edited_manifest_is_one_line_not_an_internal_error(
    reference, spec_file, tmp_path, capsys, field, value, wrong
):
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    sorted(out.glob("part-*.parquet"))[-1].unlink()  # a resume has runs to do
    manifest = read_manifest(out)
    if value is None:
        del manifest[field]
    else:
        manifest[field] = value
    if field == "spec":
        manifest["spec_hash"] = "edited"
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    before = snapshot(out)
    assert main(["sweep", str(spec_file), "--out", str(out), "--workers", "1", "--quiet"]) == 2
    assert capsys.readouterr().err == (
        f"pausegame: error: --out {out}: unreadable manifest ({MANIFEST}: {wrong}); "
        "restore it, or use another folder\n"
    )
    assert snapshot(out) == before and leftovers(out) == []
