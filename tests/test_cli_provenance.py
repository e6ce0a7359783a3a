"""Every `pausegame run` output says how to reproduce it: scenario, file hash, overrides, seed."""

from __future__ import annotations

import hashlib
import json
import shutil
from importlib import resources

import pyarrow.parquet as pq

import pausegame
from pausegame.cli import main

ARTICLE = resources.files("pausegame") / "scenarios" / "article.toml"


def test_json_records_file_hash_overrides_seed_and_version(capsys, tmp_path):
    copy = tmp_path / "renamed.toml"
    shutil.copyfile(str(ARTICLE), copy)
    argv = ["run", "--scenario", str(copy), "--steps", "4", "--seed", "3", "--json"]
    assert main([*argv, "--set", "verification=0.9", "--set", "lab.OpenAI.safety=0.5"]) == 0
    record = json.loads(capsys.readouterr().out)["provenance"]
    assert record == {
        "scenario": "article",
        "scenario_file": "renamed.toml",
        "scenario_sha256": hashlib.sha256(copy.read_bytes()).hexdigest(),
        "overrides": {"verification": "0.9", "lab.OpenAI.safety": "0.5"},
        "seed": 3,
        "steps": 4,
        "version": pausegame.__version__,
    }
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["provenance"]["overrides"] == {}


def test_summary_and_out_files_carry_the_same_record(capsys, tmp_path):
    out = tmp_path / "run.parquet"
    assert main(["run", "--steps", "3", "--set", "fine=2", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Scenario file article (sha256 " in text and "overrides: fine=2" in text
    record = json.loads((tmp_path / "run.meta.json").read_text())
    assert record["overrides"] == {"fine": "2"} and record["scenario_file"] == "article"
    assert json.loads(pq.read_schema(out).metadata[b"pausegame"]) == record
    csv = tmp_path / "run.csv"
    assert main(["run", "--steps", "3", "--seed", "9", "--out", str(csv)]) == 0
    assert json.loads((tmp_path / "run.meta.json").read_text())["seed"] == 9
