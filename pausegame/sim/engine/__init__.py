"""The one simulation engine: runs advanced in lockstep through the kernel.

`simulate_runs` / `simulate_ensemble` / `run_ensemble` run many runs; `Engine` is one
batch; the Mesa model (`pausegame.sim.model.PauseModel`) is a face over an engine of one
run. The rules are in `rules`, state anticipation in `anticipation`, records in `records`.
"""

from pausegame.sim.engine.batch import BATCH_SIZE, run_ensemble, simulate_ensemble, simulate_runs
from pausegame.sim.engine.core import Engine
from pausegame.sim.engine.events import OPEN_SOURCE, Event
from pausegame.sim.engine.outcome import OUTCOMES, classify_outcome
from pausegame.sim.engine.records import RunRecord

__all__ = [
    "BATCH_SIZE",
    "OPEN_SOURCE",
    "OUTCOMES",
    "Engine",
    "Event",
    "RunRecord",
    "classify_outcome",
    "run_ensemble",
    "simulate_ensemble",
    "simulate_runs",
]
