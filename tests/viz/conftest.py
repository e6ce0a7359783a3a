"""Fixtures of the UI tests: the real `pausegame ui` server and the system's headless Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pausegame.commands.ui import stop_process
from pausegame.viz import server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SERVER_START_TIMEOUT = 120.0
STEP_TIMEOUT = 30_000  # ms: a server round trip (a Step, a click) on a loaded CI machine
# Every expectation waits that long: Playwright's 5 s default is shorter than a round trip
# under load, and a longer wait costs nothing when the page is already right.
expect.set_options(timeout=STEP_TIMEOUT)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """The system Chromium the browser tests drive (never a downloaded one)."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, chromium_path: Path) -> dict:
    """pytest-playwright's launch arguments, pointed at the system Chromium, headless."""
    return {
        **browser_type_launch_args,
        "executable_path": str(chromium_path),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots and the server log of the UI tests go."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def _pausegame_command() -> list[str]:
    script = Path(sys.executable).with_name("pausegame")
    if script.exists():
        return [str(script)]
    found = shutil.which("pausegame")
    return [found] if found else [sys.executable, "-m", "pausegame.cli"]


@contextlib.contextmanager
def serve(artifacts: Path, name: str, *args: str, env: dict[str, str] | None = None):
    """`pausegame ui --port <free port> ARGS` running until the block ends; yields (URL, pid)."""
    port = server.free_port()
    log_path = artifacts / f"{name}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*_pausegame_command(), "ui", "--port", str(port), *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        address = None
        while address is None:
            for line in log_path.read_text().splitlines():
                if line.startswith("pausegame UI: "):
                    address = line.split()[2]
            if process.poll() is not None:
                pytest.fail(f"pausegame ui exited early:\n{log_path.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"pausegame ui did not start in time:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield address, process.pid
    finally:
        stop_process(process, grace=20)


@pytest.fixture(scope="session")
def ui_server(chromium_path: Path, artifacts: Path):
    """`pausegame ui` running for the whole session; yields its URL."""
    with serve(artifacts, "ui-server") as (address, _):
        yield address
