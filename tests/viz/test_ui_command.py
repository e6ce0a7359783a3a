"""`pausegame ui`: the server command line, its offline settings, and bad input."""

from __future__ import annotations

import socket

import pytest

from pausegame.cli import main
from pausegame.viz import guard, server


def test_the_server_runs_the_page_in_production_without_a_browser():
    command = server.command("127.0.0.1", 9001)
    assert command[1:3] == ["run", "pausegame.viz.app"]
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "9001"
    assert {"--production", "--no-open", "--no-check-version"} <= set(command)


def test_the_server_environment_switches_telemetry_off():
    env = server.environment()
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"


def test_only_an_explicit_scenario_dir_reaches_the_server(monkeypatch, tmp_path):
    monkeypatch.setenv(guard.SCENARIO_DIR_ENV, "/")  # inherited from a shell: ignored
    assert guard.SCENARIO_DIR_ENV not in server.environment()
    assert server.environment(tmp_path)[guard.SCENARIO_DIR_ENV] == str(tmp_path.resolve())
    monkeypatch.delenv("SOLARA_KERNEL_CULL_TIMEOUT", raising=False)
    assert server.environment()["SOLARA_KERNEL_CULL_TIMEOUT"] == server.SESSION_TIMEOUT


def test_urls_bracket_ipv6_hosts():
    assert server.url("127.0.0.1", 8765) == "http://127.0.0.1:8765/"
    assert server.url("::1", 8765) == "http://[::1]:8765/"


def test_a_port_in_use_is_seen_as_busy():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert not server.port_is_free("127.0.0.1", port)
    assert server.port_is_free("127.0.0.1", server.free_port())


@pytest.mark.parametrize(
    "argv, message",
    [
        (["ui", "--port", "99999"], "out of range"),
        (["ui", "--port", "http"], "expected a number"),
        (["ui", "--host", ""], "--host"),
        (
            ["ui", "--scenario-dir", "/no/such/folder"],
            "--scenario-dir /no/such/folder: not a folder",
        ),
    ],
)
def test_bad_options_are_one_line_errors(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("pausegame: error:") and message in err
    assert err.count("\n") == 1


def test_a_busy_port_is_refused_before_starting_anything(capsys):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert main(["ui", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"--port {port}" in err and "already" in err


def test_an_address_of_another_machine_is_not_called_a_busy_port(capsys):
    # 192.0.2.1 (TEST-NET-1) is no address of this machine: binding fails at once, no traffic.
    assert main(["ui", "--host", "192.0.2.1", "--port", "8765"]) == 2
    assert capsys.readouterr().err == (
        "pausegame: error: --host 192.0.2.1: cannot listen there (not an address of this machine)\n"
    )


def test_a_privileged_port_is_not_called_busy(capsys, monkeypatch):
    import errno

    def refuse(self, address):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(socket.socket, "bind", refuse)  # as for a user who is not root
    assert main(["ui", "--port", "80"]) == 2
    assert capsys.readouterr().err == (
        "pausegame: error: --port 80: no permission to listen on it; "
        "choose a port in [1024, 65535]\n"
    )


def test_a_busy_ipv6_port_is_shown_with_brackets(capsys):
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    with socket.socket(socket.AF_INET6) as listener:
        try:
            listener.bind(("::1", 0))
        except OSError:
            pytest.skip("no IPv6 loopback")
        listener.listen()
        port = listener.getsockname()[1]
        assert main(["ui", "--host", "::1", "--port", str(port)]) == 2
    assert f"something already listens on [::1]:{port};" in capsys.readouterr().err


def test_an_unreadable_scenario_dir_is_refused_before_starting_anything(
    capsys, monkeypatch, tmp_path
):
    import os

    from pausegame.viz import server

    def never(*args, **kwargs):
        raise AssertionError("the server must not start")

    monkeypatch.setattr(server, "start", never)
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # as for a user who is not root
    assert main(["ui", "--port", str(server.free_port()), "--scenario-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"pausegame: error: --scenario-dir {tmp_path}: no permission to read it\n"
    )
