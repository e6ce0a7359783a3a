"""Sensitivity studies: the indices are SALib's own on the same samples, the Ishigami function
through the same path recovers its published indices, and a study is the same dataset with one
worker, two, or a Dask cluster, and after a kill -9 and resume."""

from __future__ import annotations

import math
import signal
import subprocess
import sys
import time
from pathlib import Path

import distributed
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from SALib.analyze import morris as salib_morris
from SALib.analyze import sobol as salib_sobol
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from pausegame.cli import main
from pausegame.experiments.sensitivity import ANALYSIS_SEED, RESULTS, analyse, run_sensitivity
from pausegame.experiments.sensitivity_space import BATCH_LEVELS, Factor, snap
from pausegame.experiments.sensitivity_spec import make_design, parse_sensitivity_spec
from pausegame.sim.scenario import load_scenario

ROOT = Path(__file__).parents[2]
SOBOL = """
steps = 12
seeds = 2
method = "sobol"
samples = 4
seed = 3
[parameters]
hazard_max = { factor = 3 }
fine = [1.0, 30.0]
verification = { range = [0.0, 1.0], scale = "linear" }
"""
MORRIS = """
steps = 12
seeds = 2
method = "morris"
samples = 3
seed = 5
parameters = ["hazard_max", "fine", "lookahead"]
"""


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Ishigami & Homma (1990): sin x1 + a sin^2 x2 + b x3^4 sin x1."""
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


#: Its analytic indices for a = 7, b = 0.1, to four places (derived from the function's
#: variance decomposition; tabulated e.g. in Saltelli et al. 2008, Global Sensitivity
#: Analysis: The Primer, and in SALib's documentation).
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)


def test_ishigami_through_the_same_path_gets_its_published_indices():
    factors = tuple(Factor(f"x{i}", -math.pi, math.pi, False) for i in (1, 2, 3))
    design = make_design("sobol", factors, 2048, seed=7)
    assert len(design.x) == 2048 * (3 + 2)
    outputs = pd.DataFrame({"global_pause": ishigami(design.x)})
    indices = analyse(design, outputs).set_index("parameter")
    for name, s1, total in zip(indices.index, ISHIGAMI_S1, ISHIGAMI_ST, strict=True):
        row = indices.loc[name]
        assert abs(row["S1"] - s1) <= row["S1_conf"], (name, row["S1"], row["S1_conf"])
        assert abs(row["ST"] - total) <= row["ST_conf"], (name, row["ST"], row["ST_conf"])
        assert 0 < row["ST_conf"] < 0.1  # the intervals are tight enough to mean something


def test_morris_ranks_ishigami_like_its_total_indices():
    factors = tuple(Factor(f"x{i}", -math.pi, math.pi, False) for i in (1, 2, 3))
    design = make_design("morris", factors, 200, levels=4, seed=1)
    outputs = pd.DataFrame({"global_pause": ishigami(design.x)})
    mu_star = analyse(design, outputs).set_index("parameter")["mu_star"]
    assert mu_star["x3"] < mu_star["x1"] and mu_star["x3"] < mu_star["x2"]


@pytest.fixture(scope="module")
def sobol_study(tmp_path_factory):
    out = tmp_path_factory.mktemp("sobol")
    spec = parse_sensitivity_spec(SOBOL)
    return spec, run_sensitivity(spec, out, workers=1, progress=False)


@pytest.fixture(scope="module")
def morris_study(tmp_path_factory):
    out = tmp_path_factory.mktemp("morris")
    spec = parse_sensitivity_spec(MORRIS)
    return spec, run_sensitivity(spec, out, workers=1, progress=False)


def test_sobol_samples_are_salibs_own(sobol_study):
    spec, result = sobol_study
    problem = spec.design.problem
    assert problem["names"] == ["hazard_max", "fine", "verification"]
    hazard_max = load_scenario("article").params.hazard_max
    assert problem["bounds"][0] == pytest.approx(
        [math.log(hazard_max / 3), math.log(hazard_max * 3)]
    )
    assert problem["bounds"][1] == pytest.approx([0.0, math.log(30.0)])  # wide: log scale
    assert problem["bounds"][2] == [0.0, 1.0]
    samples = pd.read_parquet(result.folder / "samples.parquet")
    own = sobol_sample.sample(problem, 4, calc_second_order=False, seed=3)
    np.testing.assert_array_equal(samples.filter(like="x.").to_numpy(), own)
    np.testing.assert_allclose(samples["fine"], np.exp(own[:, 1]))


def test_sobol_indices_are_salibs_analysis_of_the_same_outputs(sobol_study):
    spec, result = sobol_study
    outputs = pd.read_parquet(result.folder / "outputs.parquet")
    indices = pd.read_parquet(result.folder / "indices.parquet")
    runs = pd.read_parquet(result.folder.parent)
    # Each output is the mean of its point's runs over the seeds, in SALib's row order.
    by_point = (runs["outcome"] == "catastrophe").groupby(runs["point_id"]).mean()
    np.testing.assert_array_equal(outputs["catastrophe"], by_point.loc[outputs["point_id"]])
    for metric in ("cumulative_catastrophe_probability", "welfare_states"):
        own = salib_sobol.analyze(
            spec.design.problem,
            outputs[metric].to_numpy(),
            calc_second_order=False,
            num_resamples=200,
            seed=ANALYSIS_SEED,
        )
        ours = indices[indices["metric"] == metric]
        for key in ("S1", "S1_conf", "ST", "ST_conf"):
            np.testing.assert_allclose(ours[key], own[key])


def test_morris_indices_are_salibs_analysis_of_the_same_samples(morris_study):
    spec, result = morris_study
    samples = pd.read_parquet(result.folder / "samples.parquet")
    outputs = pd.read_parquet(result.folder / "outputs.parquet")
    x = samples.filter(like="x.").to_numpy()
    np.testing.assert_array_equal(x, morris_sample.sample(spec.design.problem, 3, seed=5))
    assert set(samples["lookahead"]) <= {6, 10, 15, 24}  # 4 levels of 6..24, whole months
    indices = pd.read_parquet(result.folder / "indices.parquet")
    metric = "cumulative_catastrophe_probability"
    own = salib_morris.analyze(
        spec.design.problem, x, outputs[metric].to_numpy(), num_resamples=200, seed=ANALYSIS_SEED
    )
    ours = indices[indices["metric"] == metric]
    for key in ("mu", "mu_star", "sigma", "mu_star_conf"):
        np.testing.assert_allclose(ours[key], own[key])


def test_a_study_is_one_dataset_on_a_pool_and_on_dask(sobol_study, tmp_path):
    spec, reference = sobol_study
    expected = rows(reference.folder.parent)
    run_sensitivity(spec, tmp_path / "pool", workers=2, chunk_size=3, progress=False)
    pd.testing.assert_frame_equal(rows(tmp_path / "pool"), expected)
    with distributed.LocalCluster(
        host="127.0.0.1", n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        result = run_sensitivity(
            spec,
            tmp_path / "dask",
            scheduler=cluster.scheduler_address,
            chunk_size=5,
            progress=False,
        )
    assert result.sweep.executor.startswith("dask")
    pd.testing.assert_frame_equal(rows(tmp_path / "dask"), expected)
    pd.testing.assert_frame_equal(result.indices, reference.indices)


def rows(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder).sort_values("run_id").reset_index(drop=True)


def test_kill_9_mid_study_then_resume_gives_the_same_dataset(sobol_study, tmp_path, capsys):
    spec, reference = sobol_study
    spec_file = tmp_path / "study.toml"
    spec_file.write_text(SOBOL, encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pausegame.cli", "sensitivity", str(spec_file), "--out"]
    command += [str(out), "--workers", "1", "--batch-size", "2", "--chunk-size", "1", "--quiet"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(list(out.glob("part-*.parquet"))) < 2:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no batch committed in time"
        time.sleep(0.02)
    process.kill()
    process.communicate()
    assert process.returncode == -signal.SIGKILL
    done = len(pd.read_parquet(out))
    assert 0 < done < spec.run_count
    assert not (out / RESULTS).exists()  # the analysis is written only once all runs are in
    assert main(["sensitivity", str(spec_file), "--out", str(out), "--quiet"]) == 0
    assert f"{done} already done" in capsys.readouterr().out
    pd.testing.assert_frame_equal(rows(out), rows(reference.folder.parent))
    for name in ("samples", "outputs", "indices"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(out / RESULTS / f"{name}.parquet"),
            pd.read_parquet(reference.folder / f"{name}.parquet"),
        )
    assert (out / RESULTS / "sobol.png").stat().st_size > 10_000


def test_every_assumed_parameter_by_default():
    spec = parse_sensitivity_spec("steps = 5\nmethod = 'morris'\nsamples = 2\n")
    names = [f.name for f in spec.design.factors]
    assert "hazard_max" in names and "lookahead" in names
    assert "verification" not in names  # from the article, not assumed
    assert "trigger_steps" not in names and "pause_growth" not in names  # a lever; zero
    discount = next(f for f in spec.design.factors if f.name == "discount")
    assert (discount.low, discount.high, discount.log) == (0.485, 1.0, False)  # clipped


def test_an_actor_field_can_be_a_parameter_of_the_study():
    spec = parse_sensitivity_spec(
        "method = 'morris'\nsamples = 2\n[parameters]\nlab.Meta.safety = [0.1, 0.9]\n"
        "fine = { factor = 3, scale = 'linear' }\n"
    )
    meta, fine = spec.design.factors
    assert (meta.name, meta.low, meta.high, meta.log) == ("lab.Meta.safety", 0.1, 0.9, True)
    default = load_scenario("article").params.fine
    assert (fine.low, fine.high, fine.log) == (pytest.approx(default / 3), default * 3, False)
    assert spec.sweep.swept == ["lab.Meta.safety", "fine"]


def test_levels_are_checked_for_morris_only():
    spec = parse_sensitivity_spec("samples = 2\nlevels = 3\nparameters = ['fine']\n")
    assert spec.design.method == "sobol"


BAD = [
    ("method = 'fast'", "method: expected one of sobol, morris"),
    ("samples = 6", "samples: Sobol needs a power of 2"),
    ("method = 'morris'\nlevels = 3", "levels: Morris needs an even number"),
    ("method = 'morris'\nlevels = 1099511627776", "levels: expected a whole number in [2, 1,000]"),
    ("parameters = ['hazard_mux']", "unknown parameter 'hazard_mux'"),
    # fields of an actor no study can vary: named, not an internal error
    ("parameters = ['lab.Meta.state']", "lab.Meta.state: unknown lab field 'state' (settable: "),
    ("parameters = ['lab.Meta.open_weights']", "unknown lab field 'open_weights'"),
    ("parameters = ['state.US.rivalry']", "state.US.rivalry: unknown state field 'rivalry'"),
    ("parameters = ['__class__']", "parameters.__class__: unknown parameter '__class__'"),
    ("[parameters]\nfine = [5.0, 1.0]", "parameters.fine: expected low < high"),
    ("[parameters]\nverification = [0.0, 2.0]", "verification=2 is out of range"),
    ("[parameters]\nverification = { range = [0.0, 1.0], scale = 'log' }", "log scale needs"),
    ("[parameters]\npause_growth = { factor = 2 }", "pause_growth: its value is 0"),
    ("[parameters]\nfine = { factor = 0.5 }", "fine.factor: expected a number in (1, 100]"),
    ("[parameters]\nfine = { width = 2 }", "fine.width: unknown field"),
    # a range table under a misspelt name is refused by that name, not as `fien.factor`
    ("[parameters]\nfien = { factor = 2 }", "parameters.fien: unknown parameter 'fien'"),
    ("[parameters]\nlab.Meta.safty = { factor = 2 }", "lab.Meta.safty: unknown lab field 'safty'"),
    ("parameters = ['fine']\n[fixed]\nfine = 2.0", "fixed.fine: already a parameter"),
    ("seeds = 0", "seeds: expected a positive count"),
    # the sweep spec's check and message (spec_head), the value included
    ("scenario = 3", "scenario: expected a built-in name or a path, got 3"),
    ("colour = 'red'", "colour: unknown field"),
    ("steps = [", "malformed TOML"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_a_bad_spec_is_one_line_exit_2_nothing_written(tmp_path, capsys, text, message):
    spec_file = tmp_path / "bad.toml"
    spec_file.write_text(text + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sensitivity", str(spec_file), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("pausegame: error: bad.toml: ")
    assert message in err
    assert not out.exists()


def test_the_readme_sensitivity_spec_is_valid():
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### Sensitivity.*?```toml\n(.*?)```", readme, re.S)
    assert block, "README lost its sensitivity spec example"
    spec = parse_sensitivity_spec(block.group(1))
    assert [f.name for f in spec.design.factors] == [
        "verification",
        "fine",
        "hazard_max",
        "lab.Meta.pause_affinity",
    ]
    assert spec.run_count == 64 * (4 + 2) * 4


@settings(max_examples=40, deadline=None)
@given(
    st.floats(0.01, 10.0),
    st.floats(1.01, 50.0),
    st.integers(1, 8),
    st.booleans(),
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=30),
)
def test_sampled_values_stay_in_range_and_snapping_keeps_few_levels(low, ratio, levels, log, units):
    factor = Factor("hazard_max", low, low * ratio, log)
    a, b = factor.bounds()
    sampled = a + np.asarray(units) * (b - a)
    values = np.asarray(factor.values(sampled))
    assert np.all((values >= factor.low) & (values <= factor.high))
    snapped = snap(sampled, a, b, levels)
    assert len(np.unique(snapped)) <= levels
    assert np.all(np.abs(snapped - sampled) <= (b - a) / levels / 2 * (1 + 1e-9))


def test_a_sobol_design_puts_batch_shared_parameters_on_few_levels_in_batch_order():
    spec = parse_sensitivity_spec(
        "method = 'sobol'\nsamples = 16\nparameters = ['share_exponent', 'lookahead', 'fine']\n"
    )
    samples = [spec.sweep.points[p] for p in range(len(spec.order))]
    assert len({p["share_exponent"] for p in samples}) <= BATCH_LEVELS
    assert len({p["lookahead"] for p in samples}) <= BATCH_LEVELS
    assert len({p["fine"] for p in samples}) > BATCH_LEVELS  # the others stay continuous
    keys = [(p["lookahead"], p["share_exponent"]) for p in samples]
    assert keys == sorted(keys)  # runs that can share a batch are neighbours
    assert sorted(spec.order) == list(range(len(spec.design.x)))


def test_another_spec_against_a_study_folder_is_refused_untouched(sobol_study, tmp_path, capsys):
    _, result = sobol_study
    folder = result.folder.parent
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*")}
    spec_file = tmp_path / "other.toml"
    spec_file.write_text(SOBOL.replace("seed = 3", "seed = 4"), encoding="utf-8")
    assert main(["sensitivity", str(spec_file), "--out", str(folder)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "holds a different sweep" in err
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*")} == before
