"""`pausegame ui`: start the web UI (tweak payoffs, watch coalitions form and collapse).

Start the Solara web UI and print its address. Works offline. Stop it with Ctrl-C.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

from pausegame.commands import options
from pausegame.errors import InputError

PORT = options.whole_number("port", low=1, high=65535)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = options.add_command(subparsers, main)
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    parser.add_argument("--port", default="8765", help="TCP port (default 8765)")
    parser.add_argument(
        "--scenario-dir",
        type=Path,
        metavar="DIR",
        help="also offer the .toml scenario files directly inside DIR (visitors can open"
        " those and nothing else on this machine; without it, only built-ins and uploads)",
    )


def main(args: argparse.Namespace) -> int:
    from pausegame.viz import server

    port = PORT.coerce(args.port, "--")
    host = args.host.strip()
    if not host:
        raise InputError("--host: expected an address such as 127.0.0.1")
    try:
        free = server.port_is_free(host, port)
    except OSError as problem:
        if problem.errno == errno.EACCES:
            raise InputError(
                f"--port {port}: no permission to listen on it; choose a port in [1024, 65535]"
            ) from None
        away = problem.errno == errno.EADDRNOTAVAIL
        reason = "not an address of this machine" if away else problem
        raise InputError(f"--host {host}: cannot listen there ({reason})") from None
    if not free:
        where = server.url(host, port).removeprefix("http://").rstrip("/")
        raise InputError(
            f"--port {port}: something already listens on {where}; choose another port"
        )
    folder = args.scenario_dir
    if folder is not None and not folder.expanduser().is_dir():
        raise InputError(f"--scenario-dir {folder}: not a folder")
    if folder is not None and not os.access(folder.expanduser(), os.R_OK | os.X_OK):
        raise InputError(f"--scenario-dir {folder}: no permission to read it")
    address = server.url(host, port)
    process = server.start(host, port, folder.expanduser() if folder is not None else None)
    # A plain `kill` must stop the server too, not orphan it: turn SIGTERM into an exit.
    previous = signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        server.wait_until_serving(address, process)
        print(f"pausegame UI: {address}  (Ctrl-C to stop)", flush=True)
        return process.wait()
    except KeyboardInterrupt:
        return _stop(process, 130)
    except (RuntimeError, TimeoutError) as problem:
        print(f"pausegame: error: {problem}", file=sys.stderr)
        return _stop(process, 1)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if process.poll() is None:
            _stop(process, 0)


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _stop(process: subprocess.Popen, status: int) -> int:
    stop_process(process)
    return status


def stop_process(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Ask `process` to end; kill it if it has not within `grace` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
