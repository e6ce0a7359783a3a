"""Robustness studies: claims judged per joint draw, shares with Wilson intervals, draws that
follow their declared distribution, resume, and one-line refusals of bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pausegame.cli import main
from pausegame.experiments import robustness
from pausegame.experiments.report import wilson_interval
from pausegame.experiments.robustness_claims import BY_NAME, CLAIMS, VARIANTS, share
from pausegame.experiments.sensitivity_space import BATCH_LEVELS, batch_shared
from pausegame.sim.engine import run_ensemble
from pausegame.sim.scenario import load_scenario


def exit_code(argv: list[str]) -> int:
    """The exit status of the command line, whether argparse or the command refused."""
    try:
        return main(argv)
    except SystemExit as stop:
        return int(stop.code)


SMALL = {"draws": 3, "seeds": 2, "steps": 8}
PARAMETERS = ("hazard_max", "fine", "share_exponent", "lookahead")


def test_every_claim_names_known_variants_and_unique_names():
    assert len(BY_NAME) == len(CLAIMS)
    for claim in CLAIMS:
        assert claim.variants and set(claim.variants) <= set(VARIANTS), claim.name


def test_a_claim_is_judged_per_draw_from_its_rows():
    # Draw 0: 1 of 4 runs in a global pause (25%); draw 1: none; draw 2: all.
    outcomes = ["global_pause", "race", "race", "race"] + ["race"] * 4 + ["global_pause"] * 4
    runs = pd.DataFrame({"point_id": np.repeat([0, 1, 2], 4), "outcome": outcomes})
    assert share(runs, "global_pause").tolist() == [0.25, 0.0, 1.0]
    holds = BY_NAME["no-global-pause"].holds({"article": runs})
    assert holds.tolist() == [False, True, False]


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 60), st.floats(1.1, 10.0), st.integers(0, 2**32))
def test_draws_stay_in_their_range_and_start_from_the_defaults(draws, factor, seed):
    study = robustness.Study(("no-global-pause",), PARAMETERS, draws, 1, None, factor, seed)
    factors = robustness.multipliers(study)
    assert factors.shape == (draws + 1, len(PARAMETERS))
    assert np.all(factors[0] == 1.0)
    assert np.all((factors >= 1 / factor - 1e-12) & (factors <= factor + 1e-12))
    for d, name in enumerate(PARAMETERS):
        if batch_shared(name):
            assert len(np.unique(factors[1:, d])) <= BATCH_LEVELS
    np.testing.assert_array_equal(factors, robustness.multipliers(study))


def test_free_draws_are_log_uniform():
    study = robustness.Study(("no-global-pause",), ("hazard_max",), 4000, 1, None, 2.0, 3)
    logs = np.log(robustness.multipliers(study)[1:, 0]) / np.log(2.0)  # uniform on [-1, 1]
    counts, _ = np.histogram(logs, bins=4, range=(-1, 1))
    expected = len(logs) / 4
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    assert chi2 < 16.3  # the chi-square(3) 99.9% quantile


@pytest.fixture(scope="module")
def study_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("robustness")
    study = robustness.make_study(None, PARAMETERS, **SMALL)
    table, draws = robustness.run_study(study, out, workers=1, progress=False)
    return study, out, table, draws


def test_the_table_counts_draws_with_wilson_intervals(study_folder):
    study, _, table, draws = study_folder
    assert list(table["claim"]) == [c.name for c in CLAIMS]
    assert len(draws) == study.draws + 1
    for row in table.itertuples():
        holds = draws[f"claim.{row.claim}"].to_numpy()
        assert row.holds == holds[1:].sum() and row.draws == study.draws
        assert row.at_defaults == holds[0]
        assert (row.low, row.high) == pytest.approx(wilson_interval(row.holds, row.draws))
        assert row.low <= row.share <= row.high


def test_draw_zero_is_the_scenario_as_it_is(study_folder):
    study, out, _, _ = study_folder
    for variant in study.variants:
        rows = pd.read_parquet(out / variant).sort_values("run_id")
        first = rows[rows["point_id"] == 0]
        plain = run_ensemble(load_scenario(VARIANTS[variant].scenario), [{}], range(2), 8)
        assert first["outcome"].tolist() == [s["outcome"] for s in plain]
        assert first["cumulative_catastrophe_probability"].tolist() == [
            s["cumulative_catastrophe_probability"] for s in plain
        ]


def test_rerun_resumes_without_running_again(study_folder, capsys):
    _, out, table, _ = study_folder
    before = {p: p.stat().st_mtime_ns for p in out.rglob("part-*.parquet")}
    args = ["robustness", "--out", str(out), "--quiet", "--parameters", ",".join(PARAMETERS)]
    args += ["--draws", "3", "--seeds", "2", "--steps", "8", "--workers", "1"]
    assert main(args) == 0
    assert (out / "robustness.png").stat().st_size > 5_000
    assert {p: p.stat().st_mtime_ns for p in out.rglob("part-*.parquet")} == before
    assert "no-global-pause" in capsys.readouterr().out
    again = pd.read_csv(out / robustness.TABLE)
    assert again["holds"].tolist() == table["holds"].tolist()


def test_rerun_with_other_options_names_those_it_was_started_with(study_folder, capsys):
    _, out, _, _ = study_folder
    args = ["robustness", "--out", str(out), "--parameters", ",".join(PARAMETERS)]
    args += ["--draws", "4", "--seeds", "2", "--steps", "9", "--quiet"]
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    assert main(args) == 2
    assert capsys.readouterr().err == (
        f"pausegame: error: --out {out} holds a robustness study started with other options "
        "(--draws 3, --steps 8); use another folder, or those options\n"
    )
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--claims", "nonsense"], "--claims nonsense"),
        (["--factor", "1"], "--factor"),
        (["--parameters", "nope"], "--parameters nope"),
        (["--parameters", "lab.Meta.safety"], "--parameters lab.Meta.safety"),
        (["--draws", "0"], "--draws"),
        (["--seed", "-1"], "--seed -1"),
        (["--factor", "nan"], "--factor nan"),
        # an empty list is refused, not taken for every claim or parameter (a long study)
        (["--claims", ","], "--claims: empty; name at least one claim"),
        (["--parameters", ""], "--parameters: empty; name at least one parameter"),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(tmp_path, capsys, args, field):
    out = tmp_path / "out"
    assert exit_code(["robustness", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and field in err
    assert not out.exists()


def test_a_foreign_folder_is_refused(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["robustness", "--out", str(tmp_path), "--draws", "1"]) == 2
    assert "holds no robustness study" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
