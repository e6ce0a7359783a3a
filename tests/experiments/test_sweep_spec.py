"""Sweep specs: expansion into runs, seeded samples, and one-line errors before any run."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pausegame.cli import main
from pausegame.experiments.sweep_spec import Sample, SweepSpecError, parse_sweep_spec
from pausegame.sim.parameters import lookup
from pausegame.sim.scenario import load_scenario

GRID_SPEC = """
steps = 12
seeds = [3, 1, 7]
[grid]
verification = [0.0, 0.5, 1]
lab.Anthropic.safety = [0.2, 0.9]
[fixed]
leak_pause = 0
"state.China.transparency" = 0.4
"""


def test_grid_expands_to_every_point_and_seed_with_ids_from_the_spec():
    spec = parse_sweep_spec(GRID_SPEC)
    runs = list(spec.runs())
    assert spec.run_count == len(runs) == 3 * 2 * 3
    assert [r.run_id for r in runs] == list(range(len(runs)))
    pairs = {
        (r.overrides["verification"], r.overrides["lab.Anthropic.safety"], r.seed) for r in runs
    }
    assert pairs == set(itertools.product([0.0, 0.5, 1.0], [0.2, 0.9], [3, 1, 7]))
    for run in runs:
        assert run.run_id == run.point_id * 3 + [3, 1, 7].index(run.seed)
        assert run.overrides["leak_pause"] == 0.0
        assert run.overrides["state.China.transparency"] == 0.4
        assert run.steps == 12
    assert spec.swept == ["verification", "lab.Anthropic.safety"]
    # Every point is a valid scenario, exactly as `--set` would build it.
    scenario = spec.base.with_overrides(runs[-1].overrides)
    assert scenario.params.verification == 1.0
    assert scenario.labs[0].safety == 0.9


def test_same_text_same_runs_and_hash_different_text_different_hash():
    first, again = parse_sweep_spec(GRID_SPEC), parse_sweep_spec(GRID_SPEC)
    assert first.digest() == again.digest()
    assert list(first.runs()) == list(again.runs())
    # Equal values written differently (1 vs 1.0) normalise to the same spec.
    assert (
        parse_sweep_spec(GRID_SPEC.replace("[0.0, 0.5, 1]", "[0, 0.5, 1.0]")).digest()
        == first.digest()
    )
    assert (
        parse_sweep_spec(GRID_SPEC.replace("steps = 12", "steps = 13")).digest() != first.digest()
    )
    assert parse_sweep_spec(GRID_SPEC, traces=True).digest() != first.digest()


def test_seed_count_means_seeds_from_zero_and_steps_default_to_the_scenario():
    spec = parse_sweep_spec("seeds = 4\n")
    assert spec.seeds == (0, 1, 2, 3)
    assert spec.steps == load_scenario("article").steps
    assert spec.run_count == 4 and spec.swept == []


def test_sample_is_crossed_with_the_grid_and_whole_number_parameters_stay_whole():
    spec = parse_sweep_spec("""
seeds = 2
[grid]
verification = [0.2, 0.8]
[sample]
method = "random"
count = 5
seed = 9
ranges = { lookahead = [3, 30], fine = [1.0, 20.0] }
""")
    points = spec.points
    assert len(points) == 2 * 5 and spec.run_count == 20
    for point in points:
        assert isinstance(point["lookahead"], int) and 3 <= point["lookahead"] <= 30
        assert 1.0 <= point["fine"] <= 20.0
    # The same sample for each grid value.
    assert [p["fine"] for p in points[:5]] == [p["fine"] for p in points[5:]]


@settings(max_examples=60, deadline=None)
@given(
    count=st.integers(1, 40),
    seed=st.integers(0, 2**32 - 1),
    method=st.sampled_from(["latin_hypercube", "random"]),
)
def test_samples_are_seeded_and_inside_their_ranges(count, seed, method):
    sample = Sample(method, count, seed, {"fine": (1.0, 21.0), "verification": (0.0, 0.5)})
    points = sample.points()
    assert points == Sample(method, count, seed, dict(sample.ranges)).points()
    assert len(points) == count
    for name, (low, high) in sample.ranges.items():
        values = np.array([p[name] for p in points])
        assert np.all((values >= low) & (values <= high))
        if method == "latin_hypercube":
            # One point in each of the `count` equal strata of every range.
            strata = np.floor((values - low) / (high - low) * count).astype(int)
            assert sorted(strata) == list(range(count))


def test_scenario_path_is_relative_to_the_spec(tmp_path):
    (tmp_path / "mine.toml").write_text(
        (Path(__file__).parents[2] / "pausegame" / "scenarios" / "article.toml")
        .read_text(encoding="utf-8")
        .replace('name = "article"', 'name = "mine"'),
        encoding="utf-8",
    )
    (tmp_path / "sweep.toml").write_text('scenario = "mine.toml"\nseeds = 1\n', encoding="utf-8")
    from pausegame.experiments.sweep_spec import load_sweep_spec

    spec = load_sweep_spec(tmp_path / "sweep.toml")
    assert spec.base.name == "mine"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        pytest.param(
            "seeds = 2\n[grid]\nverificaton = [0.1]\n", "grid.verificaton", id="unknown-parameter"
        ),
        pytest.param(
            "seeds = 2\n[grid]\nverification = [0.5, 1.5]\n",
            "grid.verification=1.5",
            id="out-of-range",
        ),
        pytest.param("seeds = 2\n[grid]\n", "grid", id="empty-grid"),
        pytest.param(
            "seeds = 2\n[grid]\nverification = []\n", "grid.verification", id="empty-values"
        ),
        pytest.param("seeds = 0\n", "seeds", id="zero-seeds"),
        pytest.param("seeds = -3\n", "seeds", id="negative-seeds"),
        pytest.param("seeds = []\n", "seeds", id="empty-seed-list"),
        pytest.param("seeds = 2\n[grid\n", "malformed TOML", id="bad-toml"),
        pytest.param("seeds = 2\ncolour = 'red'\n", "colour: unknown field", id="unknown-key"),
        pytest.param(
            "seeds = 1\n[fixed]\nlab.Nobody.safety = 0.5\n", "lab.Nobody.safety", id="unknown-lab"
        ),
        pytest.param(
            "seeds = 1\n[fixed]\nlab.Meta.height = 2\n", "lab.Meta.height", id="unknown-lab-field"
        ),
        pytest.param(
            "seeds = 1\n[grid]\nfine = [1, 2]\n[fixed]\nfine = 3\n", "fixed.fine", id="set-twice"
        ),
        pytest.param("steps = 10\n", "seeds", id="missing-seeds"),
        pytest.param(
            "seeds = 1\n[sample]\ncount = 3\nranges = { fine = [5, 1] }\n",
            "sample.ranges.fine",
            id="bad-sample-range",
        ),
        pytest.param(
            "seeds = 1\n[sample]\nmethod = 'sobol'\ncount = 3\nranges = { fine = [1, 5] }\n",
            "sample.method",
            id="bad-sample-method",
        ),
        pytest.param("seeds = 1\nsteps = 0\n", "steps", id="zero-steps"),
        pytest.param("seeds = 1\nscenario = 'nowhere.toml'\n", "scenario", id="no-scenario"),
    ],
)
def test_bad_spec_is_one_line_exit_2_and_creates_nothing(text, field, tmp_path, capsys):
    spec = tmp_path / "bad.toml"
    spec.write_text(text, encoding="utf-8")
    out = tmp_path / "results"
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "1", "--quiet"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("pausegame: error: bad.toml: ")
    assert field in lines[0]
    assert not out.exists()
    with pytest.raises(SweepSpecError, match=field.replace("[", r"\[")):
        parse_sweep_spec(text, origin="bad.toml")


def test_out_of_range_message_quotes_the_declared_range(tmp_path):
    with pytest.raises(SweepSpecError, match=r"allowed \[0, 1\]"):
        parse_sweep_spec("seeds = 1\n[grid]\nverification = [2]\n")
    declared = lookup("lookahead")
    with pytest.raises(SweepSpecError, match="lookahead"):
        parse_sweep_spec(f"seeds = 1\n[fixed]\nlookahead = {declared.high + 1}\n")


def test_missing_spec_file_is_an_input_error(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "none.toml"), "--out", str(tmp_path / "o")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("command", "what"), [("sweep", "sweep spec"), ("sensitivity", "sensitivity spec")]
)
def test_unreadable_spec_says_why_once(command, what, tmp_path, capsys):
    big = tmp_path / "big.toml"
    big.write_text("#" * (1 << 20 | 1), encoding="utf-8")
    for spec, why in (
        (tmp_path, "is a folder, not a file"),
        (big, "1,048,577 bytes, over the limit of 1,048,576"),
    ):
        assert main([command, str(spec), "--out", str(tmp_path / "o")]) == 2
        assert capsys.readouterr().err == f"pausegame: error: {what} {str(spec)!r}: {why}\n"
    assert not (tmp_path / "o").exists()
