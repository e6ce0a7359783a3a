"""Where a run came from, recorded in every output so it can be reproduced from that output.

The scenario's name, the file (or built-in) it was read from and the SHA-256 of its text,
the `--set` overrides as typed, the seed, the steps and the pausegame version.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pausegame
from pausegame.sim.scenario import Scenario, builtin_names


def provenance(
    scenario: Scenario,
    source: str,
    text: bytes,
    overrides: dict[str, str],
    seed: int,
    steps: int,
) -> dict:
    """The record that says how to reproduce a run (JSON-ready, keys in a fixed order)."""
    return {
        "scenario": scenario.name,
        "scenario_file": source if source in builtin_names() else Path(source).name,
        "scenario_sha256": hashlib.sha256(text).hexdigest(),
        "overrides": dict(overrides),
        "seed": int(seed),
        "steps": int(steps),
        "version": pausegame.__version__,
    }


def provenance_line(record: dict) -> str:
    """One readable line of a provenance record, for the text summary."""
    changes = ", ".join(f"{k}={v}" for k, v in record["overrides"].items()) or "none"
    return (
        f"Scenario file {record['scenario_file']} (sha256 {record['scenario_sha256'][:12]}),"
        f" overrides: {changes}; seed {record['seed']}, {record['steps']} steps,"
        f" pausegame {record['version']}"
    )
