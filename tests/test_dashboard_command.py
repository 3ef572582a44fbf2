"""`kg dashboard`: binds to loopback, lets the browser keep a component's hashed files, and
stopping it stops the Streamlit server it started."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kg.commands.dashboard import CachedComponentFiles, server_options

if TYPE_CHECKING:
    from starlette.types import Message, Receive, Scope, Send


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


def test_the_server_is_headless_on_loopback_without_telemetry_or_hosted_links() -> None:
    options = server_options("127.0.0.1", 8501)
    assert options["server.address"] == "127.0.0.1"
    assert options["browser.gatherUsageStats"] is False
    assert options["client.toolbarMode"] == "viewer"  # no "Deploy"
    assert options["server.headless"] is True


def test_the_server_runs_no_full_garbage_collection_after_every_script_run() -> None:
    assert server_options("127.0.0.1", 8501)["runner.postScriptGC"] is False


def _cache_control(path: str) -> str:
    """The Cache-Control the middleware lets out for a response Streamlit marked public."""

    async def streamlit(_scope: Scope, _receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"cache-control", b"public")],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    async def receive() -> Message:
        return {"type": "http.request"}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {"type": "http", "method": "GET", "path": path, "headers": []}
    asyncio.run(CachedComponentFiles(streamlit)(scope, receive, send))
    value: bytes = dict(sent[0]["headers"])[b"cache-control"]
    return value.decode()


def test_a_components_content_hashed_file_is_kept_for_a_year() -> None:
    path = "/component/st_link_analysis.component/cytoscape.7a9ca86f3f5dd910655f.bundle.js"
    assert _cache_control(path) == "public, max-age=31536000, immutable"


def test_a_components_page_and_unhashed_files_keep_streamlits_headers() -> None:
    assert _cache_control("/component/st_link_analysis.component/index.html") == "public"
    assert _cache_control("/component/st_link_analysis.component/icons/home.svg") == "public"


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
