"""`pausegame run`: output, determinism and files."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pausegame.cli import main
from pausegame.experiments.runs import OUTCOMES
from pausegame.userfiles import MAX_FILE_NAME


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(["run", "--json", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_has_the_documented_fields(capsys):
    summary = run_json(capsys, "--steps", "30", "--seed", "4")
    assert summary["scenario"] == "article"
    assert summary["seed"] == 4
    assert 1 <= summary["steps_run"] <= 30
    assert summary["outcome"] in OUTCOMES
    assert 0.0 <= summary["cumulative_catastrophe_probability"] <= 1.0
    assert sum(summary["hazard_share_by_source"].values()) == pytest.approx(1.0)
    assert "open source" in summary["hazard_share_by_source"]
    names = {a["name"] for a in summary["agents"]}
    assert {"Anthropic", "OpenAI", "US", "China"} <= names
    assert set(summary["final_coalition"]) <= names
    for agent in summary["agents"]:
        assert set(agent) >= {"name", "kind", "action", "capability", "total_payoff"}
        assert (agent["name"] in summary["final_coalition"]) == (agent["action"] == "pause")


def test_same_seed_gives_byte_identical_json(capsys):
    assert main(["run", "--json", "--steps", "40", "--seed", "11"]) == 0
    first = capsys.readouterr().out
    assert main(["run", "--json", "--steps", "40", "--seed", "11"]) == 0
    assert capsys.readouterr().out == first
    assert main(["run", "--json", "--steps", "40", "--seed", "12"]) == 0
    assert capsys.readouterr().out != first


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_out_writes_identical_tidy_records(tmp_path, capsys, suffix):
    frames = []
    for attempt in range(2):
        path = tmp_path / f"run{attempt}{suffix}"
        assert main(["run", "--steps", "25", "--seed", "2", "--out", str(path)]) == 0
        read = pd.read_parquet if suffix == ".parquet" else pd.read_csv
        agents = read(path)
        steps = read(tmp_path / f"run{attempt}.steps{suffix}")
        frames.append((agents, steps))
        # One row per step and agent: 8 labs, 4 states and the open-source pool.
        assert len(agents) == len(steps) * 13
        assert agents.groupby("step").size().eq(13).all()
    pd.testing.assert_frame_equal(frames[0][0], frames[1][0])
    pd.testing.assert_frame_equal(frames[0][1], frames[1][1])
    capsys.readouterr()


def test_readable_summary_and_plot(tmp_path, capsys):
    plot = tmp_path / "run.png"
    assert main(["run", "--steps", "20", "--plot", str(plot)]) == 0
    text = capsys.readouterr().out
    assert "Outcome:" in text and "Hazard by source" in text and "Who paused when" in text
    assert plot.stat().st_size > 10_000


def test_records_get_ordinary_file_permissions(tmp_path, capsys):
    import os

    path = tmp_path / "r.parquet"
    assert main(["run", "--steps", "2", "--out", str(path)]) == 0
    capsys.readouterr()
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask


def test_a_plot_named_with_the_longest_allowed_file_name_is_written(tmp_path):
    plot = tmp_path / ("a" * (MAX_FILE_NAME - len(".png")) + ".png")
    assert main(["run", "--steps", "2", "--plot", str(plot)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == [plot.name]
