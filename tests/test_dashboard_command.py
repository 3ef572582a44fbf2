"""`kg dashboard`: binds to loopback, and stopping it stops the Streamlit server it started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kg.commands.dashboard import streamlit_command


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        try:
            process.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"kg dashboard exited with {process.returncode}: {log.read_text()[-2000:]}")
    pytest.fail("kg dashboard did not answer within 90 s")


def test_the_command_is_headless_on_loopback_without_telemetry_or_hosted_links() -> None:
    command = streamlit_command(Path("app.py"), "127.0.0.1", 8501)
    flags = command[command.index("app.py") + 1 :]
    options = dict(zip(flags[::2], flags[1::2], strict=True))
    assert options["--server.address"] == "127.0.0.1"
    assert options["--browser.gatherUsageStats"] == "false"
    assert options["--client.toolbarMode"] == "viewer"  # no "Deploy"
    assert options["--server.headless"] == "true"


def test_the_server_runs_no_full_garbage_collection_after_every_script_run() -> None:
    command = streamlit_command(Path("app.py"), "127.0.0.1", 8501)
    flags = command[command.index("app.py") + 1 :]
    assert dict(zip(flags[::2], flags[1::2], strict=True))["--runner.postScriptGC"] == "false"


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_stopping_kg_dashboard_stops_its_server_and_frees_the_port(
    seed_store: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    port = _free_port()
    log = tmp_path / "dashboard.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kg.cli",
                "dashboard",
                "--store",
                str(seed_store),
                "--port",
                str(port),
            ],
            env=dict(os.environ),
            stdout=out,
            stderr=out,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _healthy(url, process, log)
        process.send_signal(stop)
        process.wait(timeout=30)
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
