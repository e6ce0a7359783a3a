"""The Export card: download the scenario in force, the run's JSON, records and plots.

Every file is built only when its button is pressed, from the run as it stands then.
"""

from __future__ import annotations

import solara

from pausegame.viz import export
from pausegame.viz.session import LiveRun


@solara.component
def ExportPanel(run: LiveRun, month: int) -> None:
    """Download buttons for the current run (`month` keeps the labels current)."""
    scenario, seed = run.scenario, run.seed
    name = export.file_name(scenario)
    stem = name.removesuffix(".toml")

    def toml() -> bytes:
        return export.scenario_toml(run.scenario).encode()

    def summary() -> bytes:
        return export.run_json(run.result(), run.scenario, run.seed, run.month).encode()

    def records(fmt: str):
        return lambda: export.records_zip(run.result(), fmt)

    def figure(fmt: str):
        return lambda: export.figure_bytes(run.result(), run.scenario.params.rsi_threshold, fmt)

    downloads = [  # (contents, file name, label)
        (summary, f"{stem}-seed{seed}-month{month}.json", "Run (.json)"),
        (records("csv"), f"{stem}-records-csv.zip", "Records (CSV)"),
        (records("parquet"), f"{stem}-records-parquet.zip", "Records (Parquet)"),
        (figure("png"), f"{stem}.png", "Plot (PNG)"),
        (figure("svg"), f"{stem}.svg", "Plot (SVG)"),
    ]
    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}, classes=["pg-export"]):
        solara.FileDownload(toml, filename=name, label="Scenario (.toml)", mime_type="text/plain")
        for contents, filename, label in downloads:
            solara.FileDownload(contents, filename=filename, label=label)
    solara.Text(
        f"Reproduce this run: pausegame run --scenario {name} --seed {seed} --steps {month} --json",
        classes=["pg-reproduce"],
        style={"font-family": "monospace", "font-size": "12px"},
    )
    if run.changed_live:
        solara.Text(
            "Parameters changed while this run was under way: the exported scenario holds the"
            " values in force now, so it reproduces a fresh run with them, not this one.",
            classes=["pg-export-note"],
            style={"font-size": "12px", "color": "#b35900"},
        )
