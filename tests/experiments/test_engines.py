"""Sweeps and comparisons give the same results with the ensemble engine and the Mesa model."""

from __future__ import annotations

import pandas as pd

from pausegame.experiments.compare import compare, mesa_ensemble
from pausegame.experiments.sweep import run_sweep
from pausegame.experiments.sweep_spec import parse_sweep_spec
from pausegame.experiments.sweep_store import TRACES

SPEC = """
steps = 24
seeds = [0, 3, 9]
[grid]
verification = [0.1, 0.95]
trigger_steps = [0, 6]
[fixed]
"lab.Meta.safety" = 0.6
[outputs]
traces = true
"""


def dataset(folder, traces: bool = False) -> pd.DataFrame:
    frame = pd.read_parquet(folder / TRACES if traces else folder)
    keys = ["run_id", "step"] if traces else ["run_id"]
    return frame.sort_values(keys).reset_index(drop=True)


def test_sweep_rows_and_traces_are_identical_with_either_engine(tmp_path):
    spec = parse_sweep_spec(SPEC)
    for engine in ("mesa", "ensemble"):
        run_sweep(spec, tmp_path / engine, workers=1, engine=engine, progress=False)
    rows = {engine: dataset(tmp_path / engine) for engine in ("mesa", "ensemble")}
    assert len(rows["mesa"]) == 2 * 2 * 3
    pd.testing.assert_frame_equal(rows["mesa"], rows["ensemble"], check_exact=True)
    pd.testing.assert_frame_equal(
        dataset(tmp_path / "mesa", traces=True),
        dataset(tmp_path / "ensemble", traces=True),
        check_exact=True,
    )


def test_compare_is_identical_with_either_engine():
    specs = ["article", "article:verification=0.95,leak_pause=0"]
    fast = compare(specs, seeds=4, steps=30)
    slow = compare(specs, seeds=4, steps=30, ensemble=mesa_ensemble)
    assert fast == slow
