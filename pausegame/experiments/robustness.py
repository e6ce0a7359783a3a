"""Robustness of named claims: in what share of joint draws of the uncertain parameters a
claim holds, with a Wilson interval.

Each draw multiplies every uncertain parameter by its own factor, log-uniform in
[1/F, F] (independent draws, so the count of draws where a claim holds is binomial and the
Wilson score interval applies); each variant applies the same multipliers to its own values,
clipped to the declared ranges. Draw 0 is the defaults (every multiplier 1), reported apart.
Parameters the engine batches on (`sensitivity_space.batch_shared`) take one of a few levels.
Every variant is one sweep over the draws (`DesignSpec`), in `DIR/VARIANT`, so a study runs
on the pool or on Dask and resumes like any sweep.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pausegame.errors import InputError
from pausegame.experiments.report import aligned, wilson_interval
from pausegame.experiments.robustness_claims import BY_NAME, CLAIMS, VARIANTS, Claim
from pausegame.experiments.sensitivity_space import (
    DEFAULT_FACTOR,
    DesignSpec,
    batch_shared,
    design_spec,
    snap,
    uncertain_parameters,
)
from pausegame.experiments.sweep import run_sweep
from pausegame.experiments.sweep_engine import row_schema
from pausegame.experiments.sweep_spec import declaration, plain_sweep
from pausegame.experiments.sweep_store import OtherSweepError, SweepStore
from pausegame.userfiles import replace_all_atomically

SETTINGS = "robustness.json"
TABLE = "robustness.csv"
DRAWS = "draws.parquet"


@dataclass(frozen=True)
class Study:
    """What a robustness study runs: claims, uncertain parameters, draws, seeds, run length."""

    claims: tuple[str, ...]
    parameters: tuple[str, ...]
    draws: int = 100
    seeds: int = 8
    steps: int | None = None
    factor: float = DEFAULT_FACTOR
    seed: int = 0

    @property
    def variants(self) -> list[str]:
        """The variants the claims need, in registry order."""
        needed = {v for name in self.claims for v in BY_NAME[name].variants}
        return [name for name in VARIANTS if name in needed]


def make_study(
    claims: Sequence[str] | None = None,
    parameters: Sequence[str] | None = None,
    draws: int = 100,
    seeds: int = 8,
    steps: int | None = None,
    factor: float = DEFAULT_FACTOR,
    seed: int = 0,
) -> Study:
    """A validated study; by default (None) every claim and every uncertain parameter of the
    article. An empty list is refused: `--claims ""` must not quietly mean every claim."""
    if claims is not None and not claims:
        raise InputError("--claims: empty; name at least one claim (see --list), or leave it out")
    if parameters is not None and not parameters:
        raise InputError("--parameters: empty; name at least one parameter, or leave it out")
    names = list(claims) if claims else [c.name for c in CLAIMS]
    for name in names:
        if name not in BY_NAME:
            raise InputError(f"--claims {name}: unknown claim (known: {', '.join(BY_NAME)})")
    for option, value, least in (("--draws", draws, 1), ("--seeds", seeds, 1)):
        if not isinstance(value, int) or value < least:
            raise InputError(f"{option} {value}: expected a whole number of at least {least}")
    if steps is not None and not 1 <= steps <= 100_000:
        raise InputError(f"--steps {steps}: expected a whole number in [1, 100000]")
    if not isinstance(seed, int) or seed < 0:
        raise InputError(f"--seed {seed}: expected a whole number of at least 0")
    if not 1.0 < factor <= 100.0:
        raise InputError(f"--factor {factor:g}: expected a number in (1, 100]")
    study = Study(tuple(names), (), draws, seeds, steps, float(factor), seed)
    bases = {v: plain_sweep(VARIANTS[v].scenario, steps, 1).base for v in study.variants}
    if parameters:
        chosen = list(parameters)
        for name in chosen:
            if "." in name:
                raise InputError(f"--parameters {name}: expected a model parameter")
            try:
                declaration(name)
            except InputError as error:
                raise InputError(f"--parameters {name}: {error}") from None
        if len(set(chosen)) != len(chosen):
            raise InputError("--parameters: a parameter is listed twice")
    else:
        chosen = uncertain_parameters(bases.get("article") or next(iter(bases.values())))
    return Study(tuple(names), tuple(chosen), draws, seeds, steps, float(factor), seed)


#: The options of a study that change its runs (its claims only change how they are judged).
RUN_OPTIONS = {
    "parameters": "--parameters",
    "draws": "--draws",
    "seeds": "--seeds",
    "steps": "--steps",
    "factor": "--factor",
    "seed": "--seed",
}


def _options_started_with(study: Study, out: Path) -> str:
    """The options, as typed, that the study in `out` was started with and `study` changes;
    empty if its settings cannot be read or none differ."""
    try:
        saved = json.loads((out / SETTINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    if not isinstance(saved, dict):
        return ""
    now = json.loads(json.dumps(asdict(study)))
    started = []
    for key, option in RUN_OPTIONS.items():
        if key in saved and saved[key] != now[key]:
            value = saved[key]
            if value is None:
                started.append(f"without {option}")
            else:
                text = ",".join(map(str, value)) if isinstance(value, list) else f"{value:g}"
                started.append(f"{option} {text}")
    return ", ".join(started)


def multipliers(study: Study) -> np.ndarray:
    """(draws + 1, parameters) factors: row 0 is all ones, the rest log-uniform in [1/F, F]."""
    rng = np.random.default_rng(study.seed)
    span = np.log(study.factor)
    drawn = rng.uniform(-span, span, size=(study.draws, len(study.parameters)))
    shared = [d for d, name in enumerate(study.parameters) if batch_shared(name)]
    drawn[:, shared] = snap(drawn[:, shared], -span, span)
    # Draws are independent, so reordering them changes nothing but lets runs that share the
    # engine's batch-shared values sit together (in id order) and advance in one batch.
    drawn = drawn[np.lexsort(drawn[:, shared[::-1]].T)] if shared else drawn
    return np.vstack([np.ones(len(study.parameters)), np.exp(drawn)])


def variant_spec(study: Study, variant: str, factors: np.ndarray) -> DesignSpec:
    """The sweep of one variant over the draws: its own values times each draw's factors."""
    base = plain_sweep(VARIANTS[variant].scenario, study.steps, study.seeds, f"<{variant}>")
    design = []
    for row in factors:
        point: dict[str, float | int] = {}
        for name, factor in zip(study.parameters, row, strict=True):
            declared = declaration(name)
            value = min(declared.high, max(declared.low, float(base.base.value(name)) * factor))
            point[name] = round(value) if declared.integer else float(value)
        design.append(point)
    info = {"kind": "robustness", "factor": study.factor, "seed": study.seed}
    return design_spec(base, design, {**info, "draws": study.draws})


def run_study(
    study: Study,
    out: Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run (or resume) every variant's sweep into `out`; the claims table and per-draw frame."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / SETTINGS).is_file():
        raise InputError(f"--out {out}: not empty and holds no robustness study ({SETTINGS})")
    factors = multipliers(study)
    specs = {v: variant_spec(study, v, factors) for v in study.variants}
    for variant, spec in specs.items():  # refuse a mismatched folder before writing anything
        try:
            SweepStore(out / variant, spec, row_schema(spec)).check()
        except OtherSweepError:
            started = _options_started_with(study, out)
            if not started:
                raise
            raise InputError(
                f"--out {out} holds a robustness study started with other options "
                f"({started}); use another folder, or those options"
            ) from None
    out.mkdir(parents=True, exist_ok=True)
    (out / SETTINGS).write_text(json.dumps(asdict(study), indent=2) + "\n", encoding="utf-8")
    runs = {}
    for variant, spec in specs.items():
        run_sweep(spec, out / variant, workers=workers, scheduler=scheduler, progress=progress)
        runs[variant] = pd.read_parquet(out / variant)
    table, draws = evaluate(study, runs, factors)
    replace_all_atomically(  # a failure (a full disk) leaves neither, not one
        [
            (out / TABLE, lambda path: table.to_csv(path, index=False)),
            (out / DRAWS, lambda path: draws.to_parquet(path, index=False)),
        ]
    )
    return table, draws


def evaluate(
    study: Study, runs: dict[str, pd.DataFrame], factors: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each claim per draw, and per claim its share of draws with a 95% Wilson interval."""
    draws = pd.DataFrame(factors, columns=[f"factor.{p}" for p in study.parameters])
    draws.insert(0, "draw", np.arange(len(factors)))
    rows: list[dict[str, Any]] = []
    for name in study.claims:
        claim: Claim = BY_NAME[name]
        holds = claim.holds({v: runs[v] for v in claim.variants})
        holds = holds.reindex(draws["draw"]).fillna(False).astype(bool).to_numpy()
        draws[f"claim.{name}"] = holds
        count, n = int(holds[1:].sum()), len(holds) - 1
        low, high = wilson_interval(count, n)
        rows.append(
            {
                "claim": name,
                "text": claim.text,
                "at_defaults": bool(holds[0]),
                "draws": n,
                "holds": count,
                "share": count / n,
                "low": low,
                "high": high,
            }
        )
    return pd.DataFrame(rows), draws


def format_table(table: pd.DataFrame) -> str:
    """The claims table as aligned text."""
    header = ["claim", "at defaults", "holds", "share [95% Wilson]"]
    lines = [
        [
            row.claim,
            "yes" if row.at_defaults else "no",
            f"{row.holds}/{row.draws}",
            f"{row.share:.0%} [{row.low:.0%}, {row.high:.0%}]",
        ]
        for row in table.itertuples()
    ]
    return "\n".join(line.rstrip() for line in aligned([header, *lines], left=len(header)))
