"""What the sweep tests share: a small grid spec, its fixtures and readers of a sweep folder."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from pausegame.experiments.sweep import run_sweep
from pausegame.experiments.sweep_spec import parse_sweep_spec
from pausegame.userfiles import is_temporary


def grid_spec(
    steps: int, seeds: int, verification: list[float], leak_pause: list[float], traces=False
) -> str:
    """The TOML text of a sweep over a verification x leak_pause grid."""
    text = f"\nsteps = {steps}\nseeds = {seeds}\n[grid]\n"
    text += f"verification = {verification}\nleak_pause = {leak_pause}\n"
    return text + ("[outputs]\ntraces = true\n" if traces else "")


def sweep_fixtures(spec: str, spec_scope: str = "function", **options):
    """The fixtures `reference` and `spec_file` of a test module, for `spec`'s sweep.

    `reference` (module-scoped) is the sweep's folder, run once in this process, uninterrupted
    (`options` go to `run_sweep`); `spec_file` (scoped `spec_scope`) is `spec` written to a
    file of its own.
    """

    @pytest.fixture(scope="module")
    def reference(tmp_path_factory) -> Path:
        out = tmp_path_factory.mktemp("reference") / "sweep"
        run_sweep(parse_sweep_spec(spec), out, workers=1, progress=False, **options)
        return out

    @pytest.fixture(scope=spec_scope)
    def spec_file(tmp_path_factory) -> Path:
        path = tmp_path_factory.mktemp("spec") / "spec.toml"
        path.write_text(spec, encoding="utf-8")
        return path

    return reference, spec_file


def rows(folder: Path) -> pd.DataFrame:
    """A sweep folder's rows, in run order."""
    return pd.read_parquet(folder).sort_values("run_id").reset_index(drop=True)


def leftovers(folder: Path) -> list[str]:
    """Temporary files and the lock: none may survive a sweep, however it ended."""
    return sorted(
        p.name for p in folder.rglob("*") if is_temporary(p.name) or p.name == "_sweep.lock"
    )


def wait_for_parts(out: Path, process: subprocess.Popen | None = None) -> None:
    """Poll until a sweep has committed a part to `out`, while `process` (if any) runs."""
    deadline = time.monotonic() + 120
    while not list(out.glob("part-*.parquet")):
        assert process is None or process.poll() is None, "the sweep ended before a commit"
        assert time.monotonic() < deadline, "no part committed in time"
        time.sleep(0.02)
