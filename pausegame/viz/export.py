"""Exports of the page's run: the scenario as TOML, the run's JSON, its records and its plots.

The TOML holds every value of the scenario in force, changes included, so that
`pausegame run --scenario FILE --seed S --steps M --json` prints exactly the run JSON the
page offers for the same moment (`run_json`): the same summary, and the same provenance,
which names that file and hashes its text.
"""

from __future__ import annotations

import io
import json
import zipfile

import tomli_w

from pausegame.commands.provenance import provenance
from pausegame.experiments.runs import RunResult
from pausegame.sim.parameters import PARAMETERS
from pausegame.sim.scenario import Scenario


def scenario_data(scenario: Scenario) -> dict:
    """The scenario as the TOML tables `parse_scenario` reads, every value explicit."""
    data: dict = {"name": scenario.name}
    if scenario.description:
        data["description"] = scenario.description
    data["steps"] = scenario.steps
    data["rules"] = {"lab": scenario.lab_rule, "state": scenario.state_rule}
    data["params"] = {p.name: getattr(scenario.params, p.name) for p in PARAMETERS}
    data["states"] = [
        {
            "name": s.name,
            "transparency": s.transparency,
            "member": s.member,
            "loss_weight": s.loss_weight,
            **({"rule": s.rule} if s.rule else {}),
            **({"rivalry": dict(s.rivalry)} if s.rivalry else {}),
        }
        for s in scenario.states
    ]
    data["labs"] = [
        {
            "name": lab.name,
            "state": lab.state,
            "capability": lab.capability,
            "safety": lab.safety,
            "pause_affinity": lab.pause_affinity,
            "loss_weight": lab.loss_weight,
            "open_weights": lab.open_weights,
            "action": "pause" if lab.pausing else "race",
            **({"rule": lab.rule} if lab.rule else {}),
        }
        for lab in scenario.labs
    ]
    return data


def scenario_toml(scenario: Scenario) -> str:
    """The scenario as TOML text (floats written so they read back exactly)."""
    return "# Exported by pausegame: every value of the scenario in force.\n" + tomli_w.dumps(
        scenario_data(scenario)
    )


def file_name(scenario: Scenario) -> str:
    """A safe file name for the exported scenario."""
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in scenario.name)[:60]
    return f"{stem.strip('-') or 'scenario'}.toml"


def run_json(result: RunResult, scenario: Scenario, seed: int, steps: int) -> str:
    """What `pausegame run --scenario <exported file> --seed S --steps M --json` prints."""
    text = scenario_toml(scenario).encode()
    origin = provenance(scenario, file_name(scenario), text, {}, seed, steps)
    return json.dumps({**result.summary, "provenance": origin}, indent=2) + "\n"


def records_zip(result: RunResult, fmt: str) -> bytes:
    """The run's agents, steps and events tables as CSV or Parquet files in one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("agents", "steps", "events"):
            frame = getattr(result, name)
            table = io.BytesIO()
            if fmt == "csv":
                frame.to_csv(table, index=False)
            else:
                frame.to_parquet(table, index=False)
            archive.writestr(f"{name}.{fmt}", table.getvalue())
    return buffer.getvalue()


def figure_bytes(result: RunResult, threshold: float, fmt: str) -> bytes:
    """The run's three-panel figure (as `pausegame run --plot` draws it) as PNG or SVG."""
    from pausegame.viz.plots import plot_run

    buffer = io.BytesIO()
    plot_run(result, threshold, buffer, fmt)
    return buffer.getvalue()
