"""Set-up and built-in scenarios: what the Quick start and the scenario files promise."""

from __future__ import annotations

import dataclasses
import os
import subprocess
from pathlib import Path

import pytest

from pausegame.sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def test_set_up_stops_with_a_clear_message_without_python_312(tmp_path):
    """With only an old Python on PATH and no pyenv versions, make-venv says why it stops."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    old_python = bin_dir / "python3"
    old_python.write_text("#!/bin/sh\nexit 1\n")  # answers 'too old' to the version check
    old_python.chmod(0o755)
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "PYENV_ROOT": str(tmp_path / "no-pyenv"),
        "HOME": str(tmp_path),
    }
    process = subprocess.run(
        ["sh", str(ROOT / "scripts" / "make-venv.sh"), str(tmp_path / "venv")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert process.returncode == 1
    assert "needs Python >= 3.12" in process.stderr
    assert not (tmp_path / "venv").exists()


def test_set_up_keeps_a_good_existing_venv(tmp_path):
    venv = ROOT / ".venv"
    if not (venv / "bin" / "python").exists():
        pytest.skip("no project venv here (make test creates it)")
    before = os.stat(venv / "bin" / "python").st_mtime
    process = subprocess.run(
        ["sh", str(ROOT / "scripts" / "make-venv.sh"), str(venv)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 0
    assert os.stat(venv / "bin" / "python").st_mtime == before


def test_strong_verification_differs_from_article_only_in_the_two_levers():
    article, strong = load_scenario("article"), load_scenario("strong-verification")
    changed = {
        name
        for name, value in vars(article.params).items()
        if getattr(strong.params, name) != value
    }
    # The levers, and the treaty's fine (a treaty term: three years of turnover).
    assert changed == {"verification", "leak_base", "leak_pause", "fine"}
    assert strong.params.verification >= 0.9
    assert strong.params.leak_base + strong.params.leak_pause <= 0.01
    assert strong.params.fine > article.params.fine
    assert (
        dataclasses.replace(
            strong, name=article.name, description=article.description, params=article.params
        )
        == article
    )
