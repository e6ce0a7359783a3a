"""Background work of the page: Play at a steady rate, Run to end, and the treaty analysis.

Play keeps the chosen rate by the clock, not by counting frames: every tick it steps the
model up to the month that is due now and redraws once, so when drawing a frame takes
longer than a month lasts, several months pass per frame ("every k-th month drawn") and
the months per second stay what the speed setting says.

All visitors share one server process. Background work of every tab passes through one
gate (`GATE`), one piece at a time and each piece short (`SLICE` seconds at most), so a
click in another tab waits for at most one slice: heavy play in many tabs slows those tabs'
frames, not everybody's buttons.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import solara

from pausegame.viz.session import LiveRun

GATE = threading.Lock()  # one piece of background work at a time, server-wide
SLICE = 0.15  # seconds: the longest a background piece computes before letting others in
LAG = 1.0  # seconds: Play catches up when behind by less, else it starts counting afresh
MIN_FRAME = 1 / 8  # seconds: the shortest gap between two frames of one tab (browsers lag)


@dataclass
class Pace:
    """What Play delivered so far: months advanced and frames drawn (for the page's note)."""

    months: int = 0
    frames: int = 0

    @property
    def months_per_frame(self) -> float:
        return self.months / self.frames if self.frames else 1.0


def play(
    run: LiveRun,
    rate: float,
    redraw: Callable[[Pace], None],
    stop: threading.Event,
    finished: Callable[[], None],
) -> Pace:
    """Step `run` at `rate` months per second until `stop` is set or the run ends."""
    pace = Pace()
    epoch, began, first = run.epoch, time.monotonic(), run.month
    while not stop.is_set():
        with GATE:
            if stop.is_set():
                break
            deadline = time.monotonic() + SLICE
            due = first + int((time.monotonic() - began) * rate) + (1 if pace.frames == 0 else 0)
            stepped = 0
            while run.month < due and time.monotonic() < deadline:
                if not run.step(epoch):
                    break
                stepped += 1
            if run.month < due - max(rate * LAG, 1):  # far behind (a loaded server): rebase
                began, first = time.monotonic(), run.month
            if stepped:
                pace.months += stepped
                pace.frames += 1
                redraw(pace)
        if run.finished or run.epoch != epoch:
            finished()
            break
        next_due = began + (run.month - first + 1) / rate
        stop.wait(max(MIN_FRAME, next_due - time.monotonic()))
    return pace


def run_to_end(
    run: LiveRun,
    redraw: Callable[[], None],
    stop: threading.Event,
    done: Callable[[], None],
    every: float = 0.5,
) -> None:
    """Step `run` to its end in short slices, redrawing every `every` seconds; stoppable."""
    epoch, shown = run.epoch, time.monotonic()
    while not stop.is_set() and not run.finished and run.epoch == epoch:
        with GATE:
            deadline = time.monotonic() + SLICE
            while time.monotonic() < deadline and not stop.is_set() and run.step(epoch):
                pass
        if time.monotonic() - shown > every:
            redraw()
            shown = time.monotonic()
        time.sleep(0)  # let a waiting click take the gate
    done()


def use_thread(work: Callable[[threading.Event], None] | None, name: str, on: list) -> None:
    """Run `work(stop)` on a daemon thread whenever `on` changes (None: nothing to run).

    `stop` is set when `on` changes again or the page goes; a closed tab never keeps the
    server alive.
    """

    def start() -> Callable[[], None] | None:
        if work is None:
            return None
        stop = threading.Event()
        threading.Thread(target=lambda: work(stop), name=name, daemon=True).start()
        return stop.set

    solara.use_effect(start, on)
