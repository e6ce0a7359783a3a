"""The page's exports: the scenario TOML reads back as the same scenario and reproduces the run."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pausegame.cli import main
from pausegame.sim.parameters import PARAMETERS
from pausegame.sim.scenario import builtin_names, load_scenario, parse_scenario
from pausegame.viz import export
from pausegame.viz.session import LiveRun


@pytest.mark.parametrize("name", builtin_names())
def test_every_built_in_reads_back_identical(name):
    scenario = load_scenario(name)
    assert parse_scenario(export.scenario_toml(scenario), origin=name) == scenario


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from([p for p in PARAMETERS if not p.integer]),
    st.floats(0, 1),
    st.floats(0, 1),
    st.text(min_size=1, max_size=12).filter(lambda t: t.strip() and t.isprintable()),
)
def test_changed_scenarios_read_back_identical(parameter, where, safety, name):
    base = load_scenario("article")
    value = parameter.low + where * (parameter.high - parameter.low)
    lab = base.labs[0].name
    changed = base.with_overrides({parameter.name: value, f"lab.{lab}.safety": safety})
    renamed = changed.__class__(**{**vars(changed), "name": name})
    assert parse_scenario(export.scenario_toml(renamed)) == renamed


def test_exported_toml_reproduces_the_run_json_byte_for_byte(tmp_path, capsys):
    scenario = load_scenario("article").with_overrides(
        {"verification": 0.8125, "lab.OpenAI.pause_affinity": 3.3}
    )
    run = LiveRun(scenario, seed=5)
    for _ in range(9):
        run.step()
    path = tmp_path / export.file_name(scenario)
    path.write_text(export.scenario_toml(scenario))
    offered = export.run_json(run.result(), scenario, 5, run.month)
    assert main(["run", "--scenario", str(path), "--seed", "5", "--steps", "9", "--json"]) == 0
    assert capsys.readouterr().out == offered


def test_records_and_figures_export_in_each_format():
    run = LiveRun(load_scenario("article"), seed=1)
    for _ in range(4):
        run.step()
    result = run.result()
    for fmt in ("csv", "parquet"):
        with zipfile.ZipFile(io.BytesIO(export.records_zip(result, fmt))) as archive:
            assert sorted(archive.namelist()) == [
                f"{n}.{fmt}" for n in ("agents", "events", "steps")
            ]
            read = pd.read_csv if fmt == "csv" else pd.read_parquet
            steps = read(io.BytesIO(archive.read(f"steps.{fmt}")))
            assert list(steps["step"]) == list(result.steps["step"])
    assert export.figure_bytes(result, 1.0, "png").startswith(b"\x89PNG")
    assert b"<svg" in export.figure_bytes(result, 1.0, "svg")[:400]
