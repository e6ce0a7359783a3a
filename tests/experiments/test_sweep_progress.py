"""Sweep progress: a redrawn bar on a terminal, plain periodic lines elsewhere."""

from __future__ import annotations

import io
import re

from pausegame.experiments.progress import Progress, format_duration


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_say_runs_done_rate_and_eta_when_not_a_terminal():
    stream = io.StringIO()
    progress = Progress(total=10, done=4, stream=stream, interval=0.0)
    progress.advance(2)
    progress.advance(4)
    progress.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3 and "\r" not in stream.getvalue()
    assert lines[0].startswith("sweep: 6/10 runs (60%)")
    assert re.search(r"[\d.]+ runs/s", lines[0]) and "ETA" in lines[0]
    assert lines[-1].startswith("sweep: 10/10 runs (100%)") and lines[-1].endswith("ETA 0:00")


def test_plain_lines_are_spaced_by_the_interval():
    stream = io.StringIO()
    progress = Progress(total=100, stream=stream, interval=3600.0)
    for _ in range(50):
        progress.advance(1)
    assert len(stream.getvalue().splitlines()) == 1  # the first, then nothing for an hour


def test_terminal_gets_a_bar_redrawn_in_place():
    stream = Terminal()
    progress = Progress(total=4, stream=stream, redraw=0.0)
    progress.advance(1)
    progress.advance(3)
    progress.close()
    text = stream.getvalue()
    assert text.count("\r") == 3 and text.endswith("\n")
    assert "[" + "#" * 28 + "]" in text and "4/4 runs" in text


def test_disabled_progress_writes_nothing():
    stream = Terminal()
    progress = Progress(total=3, stream=stream, enabled=False)
    progress.advance(3)
    progress.close()
    assert stream.getvalue() == ""


def test_durations():
    assert format_duration(5) == "0:05"
    assert format_duration(125) == "2:05"
    assert format_duration(3725) == "1:02:05"
