"""Progress of a long batch of runs: a redrawn bar on a terminal, periodic lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 28


def format_duration(seconds: float) -> str:
    """`h:mm:ss` (or `m:ss` under an hour)."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Counts finished runs (or other `unit`s) and reports how many are done, rate, time left.

    On a terminal the bar is redrawn in place at most `redraw` seconds apart; on a pipe or
    log file a plain line is written every `interval` seconds and at the end.
    """

    def __init__(
        self,
        total: int,
        done: int = 0,
        label: str = "sweep",
        stream: TextIO | None = None,
        interval: float = 10.0,
        redraw: float = 0.2,
        enabled: bool = True,
        unit: str = "runs",
    ) -> None:
        self.total, self.done, self.label, self.unit = total, done, label, unit
        self.stream = sys.stderr if stream is None else stream
        self.terminal = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = redraw if self.terminal else interval
        self.enabled = enabled
        self.started = time.monotonic()
        self.done_at_start = done
        self._last = float("-inf")

    @property
    def rate(self) -> float:
        """Runs per second finished in this session."""
        elapsed = time.monotonic() - self.started
        return (self.done - self.done_at_start) / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        """The current state as one line of text."""
        share = self.done / self.total if self.total else 1.0
        rate = self.rate
        remaining = max(0, self.total - self.done)
        left = remaining / rate if rate > 0 else (0.0 if remaining == 0 else None)
        eta = format_duration(left) if left is not None else "?"
        text = (
            f"{self.done}/{self.total} {self.unit} ({share:.0%}), {rate:.2f} {self.unit}/s, "
            f"elapsed {format_duration(time.monotonic() - self.started)}, ETA {eta}"
        )
        if self.terminal:
            filled = round(share * BAR_WIDTH)
            return f"{self.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {text}"
        return f"{self.label}: {text}"

    def advance(self, runs: int) -> None:
        """Count `runs` more finished runs, and report if it is time to."""
        self.done += runs
        if time.monotonic() - self._last >= self.interval:
            self._show()

    def close(self) -> None:
        """Report the final state (and end the terminal's redrawn line)."""
        self._show()
        if self.enabled and self.terminal:
            self.stream.write("\n")
            self.stream.flush()

    def _show(self) -> None:
        self._last = time.monotonic()
        if not self.enabled:
            return
        if self.terminal:
            self.stream.write(f"\r{self.line()}\x1b[K")
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()
