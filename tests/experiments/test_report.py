"""`pausegame report`: Wilson intervals, outcome tables that match the runs, and the plots."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pausegame.cli import main
from pausegame.experiments.report import Z95, axis_values, wilson_interval
from pausegame.experiments.runs import OUTCOMES
from pausegame.experiments.sweep import run_sweep
from pausegame.experiments.sweep_spec import parse_sweep_spec
from tests.sweeps import grid_spec

SPEC = grid_spec(steps=8, seeds=3, verification=[0.1, 0.9], leak_pause=[0.0, 0.3])
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_wilson_interval_by_hand():
    # 8 successes in 10 trials, z = 1.96: centre (0.8 + z²/20) / (1 + z²/10), half-width
    # z / (1 + z²/10) * sqrt(0.8 * 0.2 / 10 + z² / 400).
    z2 = Z95 * Z95
    centre = (0.8 + z2 / 20) / (1 + z2 / 10)
    half = Z95 / (1 + z2 / 10) * math.sqrt(0.016 + z2 / 400)
    low, high = wilson_interval(8, 10)
    assert (low, high) == pytest.approx((centre - half, centre + half), abs=1e-12)
    assert (low, high) == pytest.approx((0.4902, 0.9433), abs=5e-5)


@pytest.mark.parametrize(
    ("k", "n", "expected"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3 (Wilson score).
        (81, 263, (0.2553, 0.3662)),
        (15, 148, (0.0624, 0.1605)),
        (0, 20, (0.0, 0.1611)),
        (1, 29, (0.0061, 0.1718)),
    ],
)
def test_wilson_interval_matches_published_values(k, n, expected):
    assert wilson_interval(k, n) == pytest.approx(expected, abs=5e-5)


@given(n=st.integers(1, 10_000), data=st.data())
def test_wilson_interval_holds_the_share_and_mirrors(n, data):
    k = data.draw(st.integers(0, n))
    low, high = wilson_interval(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0
    mirror_low, mirror_high = wilson_interval(n - k, n)
    assert (low, high) == pytest.approx((1 - mirror_high, 1 - mirror_low), abs=1e-12)
    wider_low, wider_high = wilson_interval(k, n, z=2.58)
    assert wider_low <= low and high <= wider_high


def test_wilson_interval_is_elementwise_and_empty_without_trials():
    low, high = wilson_interval(np.array([0, 8]), np.array([0, 10]))
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert (low[1], high[1]) == pytest.approx(wilson_interval(8, 10))


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sweep")
    run_sweep(parse_sweep_spec(SPEC), out, workers=1, progress=False)
    return out


def test_report_writes_the_table_heatmap_and_lines(sweep_folder, tmp_path, capsys):
    assert main(["report", str(sweep_folder), "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "Wilson" in text and "global pause" in text
    heatmap = tmp_path / "phase-global_pause-verification-leak_pause.png"
    lines = tmp_path / "lines-global_pause-verification.png"
    for png in (heatmap, lines):
        assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 10_000
    runs = pd.read_parquet(sweep_folder)
    table = pd.read_csv(tmp_path / "outcomes.csv")
    assert len(table) == 4 and table["runs"].eq(3).all()
    for _, row in table.iterrows():
        point = runs[
            (runs["verification"] == row["verification"])
            & (runs["leak_pause"] == row["leak_pause"])
        ]
        assert sum(row[f"{o}_count"] for o in OUTCOMES) == row["runs"] == len(point)
        for outcome in OUTCOMES:
            count = int((point["outcome"] == outcome).sum())
            assert row[f"{outcome}_count"] == count
            assert row[f"{outcome}_share"] == pytest.approx(count / len(point))
            low, high = wilson_interval(count, len(point))
            assert (row[f"{outcome}_low"], row[f"{outcome}_high"]) == pytest.approx((low, high))
        assert row["mean_cumulative_catastrophe_probability"] == pytest.approx(
            point["cumulative_catastrophe_probability"].mean()
        )
    cells = pd.read_csv(tmp_path / "global_pause-by-verification-leak_pause.csv")
    assert cells["value"].tolist() == pytest.approx(table["global_pause_share"].tolist())


def test_report_of_a_mean_metric_with_swapped_axes(sweep_folder, tmp_path, capsys):
    metric = "cumulative_catastrophe_probability"
    assert (
        main(
            [
                "report",
                str(sweep_folder),
                "--x",
                "leak_pause",
                "--y",
                "verification",
                "--metric",
                metric,
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert (tmp_path / f"phase-{metric}-leak_pause-verification.png").is_file()
    cells = pd.read_csv(tmp_path / f"{metric}-by-leak_pause-verification.csv")
    runs = pd.read_parquet(sweep_folder)
    means = runs.groupby(["leak_pause", "verification"])[metric].mean().to_numpy()
    assert cells["value"].to_numpy() == pytest.approx(means)
    assert (cells["low"] <= cells["value"]).all() and (cells["value"] <= cells["high"]).all()


def test_default_report_folder_keeps_the_sweep_readable(sweep_folder, capsys):
    assert main(["report", str(sweep_folder)]) == 0
    capsys.readouterr()
    assert (sweep_folder / "_report" / "outcomes.csv").is_file()
    assert len(pd.read_parquet(sweep_folder)) == parse_sweep_spec(SPEC).run_count


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--metric", "happiness"], "--metric happiness"),
        (["--x", "fine"], "--x fine: not a swept parameter"),
        (["--x", "verification", "--y", "verification"], "both verification"),
    ],
)
def test_bad_report_options_are_one_line(sweep_folder, tmp_path, capsys, argv, message):
    assert main(["report", str(sweep_folder), *argv, "--out", str(tmp_path / "r")]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and message in error[0]
    assert not (tmp_path / "r").exists()


def test_report_of_a_folder_that_is_no_sweep(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "not a sweep folder" in capsys.readouterr().err


def test_report_of_a_missing_folder_says_so(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err.startswith(
        f"pausegame: error: {tmp_path / 'nowhere'}: no such folder;"
    )


def test_a_manifest_naming_a_swept_parameter_twice_is_one_line(sweep_folder, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(sweep_folder, copy)
    manifest = json.loads((copy / "_manifest.json").read_text(encoding="utf-8"))
    manifest["swept"] = [*manifest["swept"], manifest["swept"][0]]
    (copy / "_manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert main(["report", str(copy), "--out", str(tmp_path / "r")]) == 2
    assert capsys.readouterr().err == (
        f"pausegame: error: {copy}/_manifest.json: 'swept' names a parameter twice\n"
    )


def test_many_sampled_values_are_binned_for_the_axes():
    values = pd.Series(np.linspace(0.0, 1.0, 50), name="fine")
    binned = axis_values(pd.DataFrame({"fine": values}), "fine")
    assert binned.nunique() <= 8
    assert (binned - values).abs().max() <= 1.0 / 16 + 1e-12  # within half a bin width
    few = pd.DataFrame({"fine": [1.0, 2.0, 2.0, 3.0]})
    assert axis_values(few, "fine").tolist() == [1.0, 2.0, 2.0, 3.0]


def test_report_of_a_sampled_sweep_bins_its_axes(tmp_path, capsys):
    spec = parse_sweep_spec("""
steps = 4
seeds = 1
[sample]
count = 16
seed = 3
ranges = { verification = [0.0, 1.0], fine = [1.0, 30.0] }
""")
    sweep = tmp_path / "sweep"
    run_sweep(spec, sweep, workers=1, progress=False)
    assert main(["report", str(sweep), "--out", str(tmp_path / "r")]) == 0
    capsys.readouterr()
    assert (tmp_path / "r" / "phase-global_pause-verification-fine.png").is_file()
    cells = pd.read_csv(tmp_path / "r" / "global_pause-by-verification-fine.csv")
    assert cells["runs"].sum() == 16 and cells["verification"].nunique() <= 8
