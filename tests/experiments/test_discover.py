"""Scenario discovery: PRIM recovers a planted box and the verification threshold of the
verification-vs-leakage example; CART agrees; bad input is refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pausegame.cli import main
from pausegame.experiments.discover import Cases, find_box, fit_tree, load_cases
from pausegame.experiments.sweep import run_sweep
from pausegame.experiments.sweep_spec import parse_sweep_spec

ROOT = Path(__file__).parents[2]
#: The planted box: a in [0.2, 0.6], b in [0.5, 0.9]; c and d do not matter.
PLANTED = {"a": (0.2, 0.6), "b": (0.5, 0.9)}


def planted_cases(n: int, noise: float, seed: int) -> Cases:
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.random((n, 4)), columns=list("abcd"))
    inside = np.ones(n, dtype=bool)
    for name, (low, high) in PLANTED.items():
        inside &= (x[name] >= low) & (x[name] <= high)
    flip = rng.random(n) < noise
    return Cases(x, inside ^ flip, "planted", f"{n} synthetic cases")


@pytest.mark.parametrize(("noise", "tolerance"), [(0.0, 0.1), (0.02, 0.1)])
def test_prim_recovers_a_planted_box(noise, tolerance):
    cases = planted_cases(3000, noise, seed=11)
    result = find_box(cases, min_coverage=0.8)
    limits = result.limits
    assert set(limits.index) == set(PLANTED), limits  # c and d stay unrestricted
    for name, (low, high) in PLANTED.items():
        # Within 10% of each planted limit's value.
        assert limits.loc[name, "min"] == pytest.approx(low, rel=tolerance)
        assert limits.loc[name, "max"] == pytest.approx(high, rel=tolerance)
        assert limits.loc[name, "qp_min"] < 1e-6 and limits.loc[name, "qp_max"] < 1e-6
    chosen = result.trajectory.iloc[result.chosen]
    assert chosen["coverage"] >= 0.8 and chosen["density"] >= 0.85
    # Along the trajectory, a denser box never covers more: the trade-off.
    densest = result.trajectory["density"].idxmax()
    assert result.trajectory.loc[densest, "coverage"] <= result.trajectory["coverage"].max()


def test_cart_splits_where_the_box_is():
    cases = planted_cases(1500, 0.0, seed=3)
    tree = fit_tree(cases, depth=4)
    assert tree.accuracy > 0.97
    used = {cases.x.columns[f] for f in tree.model.tree_.feature if f >= 0}
    assert used <= {"a", "b"}


@pytest.fixture(scope="module")
def verification_sweep(tmp_path_factory) -> Path:
    """The README's verification-vs-leakage example, with 4 seeds per cell instead of 8."""
    text = (ROOT / "examples" / "verification-vs-leakage.toml").read_text(encoding="utf-8")
    spec = parse_sweep_spec(text.replace("seeds = 8", "seeds = 4"))
    assert spec.seeds == (0, 1, 2, 3)
    out = tmp_path_factory.mktemp("vl")
    run_sweep(spec, out, workers=1, progress=False)
    return out


def test_prim_finds_the_verification_threshold(verification_sweep):
    cases = load_cases(verification_sweep, "global_pause")
    result = find_box(cases)
    assert "verification" in result.limits.index
    threshold = result.limits.loc["verification", "min"]
    # The threshold the data show: the global-pause share by verification level rises past
    # the base rate between two levels; the box's lower limit sits between them.
    runs = pd.read_parquet(verification_sweep)
    by_level = (runs["outcome"] == "global_pause").groupby(runs["verification"]).mean()
    base = (runs["outcome"] == "global_pause").mean()
    below = by_level[by_level.index < threshold]
    above = by_level[by_level.index >= threshold]
    assert len(below) and len(above)
    assert below.max() < base < above.min(), by_level
    assert result.limits.loc["verification", "qp_min"] < 1e-3
    # CART splits on verification too (at the root or right below it: leakage is the
    # other lever, and which of the two a tree takes first depends on the calibration).
    tree = fit_tree(cases).model.tree_
    top = [
        tree.feature[0],
        tree.feature[tree.children_left[0]],
        tree.feature[tree.children_right[0]],
    ]
    assert "verification" in [cases.x.columns[f] for f in top if f >= 0]


def test_the_command_writes_boxes_trajectory_tree_and_plots(verification_sweep, tmp_path, capsys):
    out = tmp_path / "discovered"
    assert main(["discover", str(verification_sweep), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "chosen box" in printed and "verification" in printed
    boxes = json.loads((out / "prim-global_pause.json").read_text())
    assert boxes["restricted"][0]["parameter"] == "verification"
    assert boxes["coverage"] >= 0.8 and len(boxes["trajectory"]) > 1
    table = pd.read_csv(out / "prim-box-global_pause.csv")
    assert list(table.columns[:5]) == ["parameter", "min", "max", "qp_min", "qp_max"]
    for name in ("prim-tradeoff", "prim-box", "cart"):
        assert (out / f"{name}-global_pause.png").stat().st_size > 5_000


def test_a_write_that_fails_part_way_leaves_no_file(verification_sweep, tmp_path, monkeypatch):
    from pausegame.experiments import discover_plots

    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(discover_plots, "box_plot", full_disk)  # the fifth of seven files
    out = tmp_path / "discovered"
    assert main(["discover", str(verification_sweep), "--out", str(out)]) == 1
    assert not out.exists() or not list(out.iterdir())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--metric", "peace"], "--metric peace: expected one of"),
        (["--metric", "coalition_size"], "say --above VALUE or --below VALUE"),
        # a text column is no metric, with or without a threshold (not an internal error)
        (["--metric", "outcome", "--above", "1"], "--metric outcome: expected one of"),
        (["--metric", "coalition"], "--metric coalition: expected one of"),
        # an outcome holds or not: a threshold would be ignored, so it is refused
        (["--metric", "global_pause", "--above", "0.5"], "--above/--below are for numbers"),
        (["--metric", "coalition_size", "--above", "99"], "0 of 100 cases are of interest"),
        (["--min-coverage", "2"], "--min-coverage 2: expected a share in [0, 1]"),
        (["--box", "99"], "--box 99: expected a box in"),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(
    verification_sweep, tmp_path, capsys, args, message
):
    out = tmp_path / "discovered"
    assert main(["discover", str(verification_sweep), "--out", str(out), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err
    assert not out.exists()


def test_an_out_that_is_a_file_is_refused_before_any_work(verification_sweep, tmp_path, capsys):
    out = tmp_path / "taken"
    out.write_text("mine", encoding="utf-8")
    assert main(["discover", str(verification_sweep), "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"pausegame: error: --out {out}: exists and is not a folder\n"
    assert out.read_text(encoding="utf-8") == "mine"


def test_a_folder_that_is_no_study_is_refused(tmp_path, capsys):
    assert main(["discover", str(tmp_path)]) == 2
    assert "not a sweep folder" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_a_robustness_folder_gives_one_case_per_draw(tmp_path):
    from pausegame.experiments import robustness

    study = robustness.make_study(["no-global-pause"], ["hazard_max", "fine"], 5, 1, 4)
    robustness.run_study(study, tmp_path, workers=1, progress=False)
    cases = load_cases(tmp_path, "claim.no-global-pause")
    assert list(cases.x.columns) == ["hazard_max", "fine"] and len(cases.y) == 5
    draws = pd.read_parquet(tmp_path / "draws.parquet")
    np.testing.assert_array_equal(cases.y, draws["claim.no-global-pause"].to_numpy()[1:])
