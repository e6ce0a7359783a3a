"""Start the Solara server for the web UI as a child process, offline and without a browser.

The page is `pausegame.viz.app`. Telemetry and the version check are switched off, so
nothing calls out to the internet, and Solara's front-end files come from the locally
installed `solara-assets` package.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from pausegame.viz.guard import SCENARIO_DIR_ENV

APP_MODULE = "pausegame.viz.app"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
FLAGS = ("--production", "--no-open", "--no-check-version", "--log-level", "warning")

# Solara settings read from the environment (pydantic settings with these prefixes), and a
# warning filter: Solara warns about cookies on every plain-http address but "localhost".
SERVER_ENVIRONMENT = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_THEME_SHOW_BANNER": "False",
    "PYTHONUNBUFFERED": "1",
    "PYTHONWARNINGS": "ignore::UserWarning:solara.server.starlette",
    # Each tab's threads would otherwise get their own glibc heap arenas, whose freed pages
    # stay with the process: with two arenas a closed tab's memory goes back to the system.
    "MALLOC_ARENA_MAX": "2",
}


def url(host: str, port: int) -> str:
    """The address a browser opens."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def solara_executable() -> str:
    """The `solara` script installed beside this Python, else the one on PATH."""
    beside = Path(sys.executable).with_name("solara")
    if beside.exists():
        return str(beside)
    found = shutil.which("solara")
    if found is None:
        raise FileNotFoundError("the `solara` command is not installed (pip install solara)")
    return found


def command(host: str, port: int) -> list[str]:
    """The `solara run` command line: production mode, no browser, no version check."""
    return [solara_executable(), "run", APP_MODULE, "--host", host, "--port", str(port), *FLAGS]


# A closed tab's session is kept this long for a reconnect, then released (Solara keeps it
# 24 h by default); a server owner may set SOLARA_KERNEL_CULL_TIMEOUT to choose.
SESSION_TIMEOUT = "60s"


def environment(scenario_dir: Path | None = None) -> dict[str, str]:
    """This process's environment plus the settings that keep Solara offline and bounded."""
    env = {"SOLARA_KERNEL_CULL_TIMEOUT": SESSION_TIMEOUT, **os.environ, **SERVER_ENVIRONMENT}
    env.pop(SCENARIO_DIR_ENV, None)  # only an explicit --scenario-dir opens a folder
    if scenario_dir is not None:
        env[SCENARIO_DIR_ENV] = str(scenario_dir.resolve())
    return env


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on (host, port) yet; an OSError when nothing could listen
    there (an unknown host name, an address of another machine, a privileged port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return False
            raise  # the caller's error to report, not a busy port
    return True


def free_port(host: str = DEFAULT_HOST) -> int:
    """A port the operating system reports free on `host` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def start(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    scenario_dir: Path | None = None,
    **popen: object,
) -> subprocess.Popen:
    """Launch the server process; it serves until terminated."""
    env = environment(scenario_dir)
    return subprocess.Popen(command(host, port), env=env, **popen)  # type: ignore[call-overload]


def wait_until_serving(address: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    """Block until `address` answers HTTP, the process exits, or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the UI server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(address, timeout=2) as response:
                if response.status < 500:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    raise TimeoutError(f"the UI server did not answer at {address} within {timeout:g} s")
