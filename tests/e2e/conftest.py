"""The dashboard served by `streamlit run` on a free loopback port, driven by Debian's
Chromium through Playwright (no browser download). Anything that cannot start FAILS the
test: the browser test is never skipped.

Every request the browser makes is recorded; one to anywhere but the app's own loopback
origin is refused and fails the test that caused it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from crossref_server import CrossrefServer, Limits, SearchIndex
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Route,
    expect,
    sync_playwright,
)

from e2e.markup import retitled_copy
from kg.commands.dashboard import APP, streamlit_command

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
]
START_TIMEOUT = 90.0
WAIT_MS = 180_000  # a first render imports and queries everything: generous on a busy machine
expect.set_options(timeout=WAIT_MS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("Debian's chromium is not installed (bash .ci/setup dev installs it)")
    return found


@dataclass
class Server:
    """A running `streamlit run` of the dashboard."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_streamlit(app: Path, env: dict[str, str], log: Path) -> Server:
    """Start the app headless on a free loopback port; fail unless it is healthy in time."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            streamlit_command(app, "127.0.0.1", port), env=env, stdout=out, stderr=out
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        try:
            process.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text()[-3000:]}")
    server.stop()
    pytest.fail(f"streamlit did not answer within {START_TIMEOUT:.0f} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def markup_store(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed store with the case report's title replaced by markup (a hostile title must
    show as text, never run)."""
    return retitled_copy(seed_store, Path(tmp_path_factory.mktemp("markup")) / "store")


@pytest.fixture(scope="session")
def e2e_crossref(crossref_index: SearchIndex) -> Iterator[CrossrefServer]:
    with CrossrefServer(crossref_index, limits=Limits(rate=1000, concurrency=8)) as server:
        yield server


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $KG_E2E_ARTIFACTS, else a session temp folder."""
    where = os.environ.get("KG_E2E_ARTIFACTS")
    path = Path(where) if where else tmp_path_factory.mktemp("e2e-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _dashboard_env(store: Path, crossref: CrossrefServer, root: Path) -> dict[str, str]:
    return dict(
        os.environ,
        KG_STORE=str(store),
        KG_CROSSREF_API=crossref.url,
        KG_CACHE_DIR=str(root / "cache"),
        KG_MAILTO="casekg-tests@example.org",
        KG_OFFLINE="",
    )


@pytest.fixture(scope="session")
def dashboard(
    markup_store: Path,
    e2e_crossref: CrossrefServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("dashboard")
    server = start_streamlit(
        APP, _dashboard_env(markup_store, e2e_crossref, root), root / "streamlit.log"
    )
    yield server
    server.stop()


@pytest.fixture
def fresh_dashboard(
    seed_store: Path, e2e_crossref: CrossrefServer, tmp_path: Path
) -> Iterator[Server]:
    """A dashboard started for one test alone, on the seed store: no session has used it."""
    server = start_streamlit(
        APP, _dashboard_env(seed_store, e2e_crossref, tmp_path), tmp_path / "streamlit.log"
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    try:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
    except Exception as exc:  # the test must fail, never skip, without a browser
        pytest.fail(f"Chromium did not start: {exc}")
    yield launched
    launched.close()


@dataclass
class Requests:
    """Every URL the browser asked for, and those refused as off the machine."""

    origin: str
    seen: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def route(self, route: Route) -> None:
        url = route.request.url
        self.seen.append(url)
        parts = urlsplit(url)
        local = parts.scheme in {"data", "blob", "about"} or (
            f"{parts.scheme}://{parts.netloc}" == self.origin
        )
        if local:
            route.continue_()
        else:
            self.refused.append(url)
            route.abort()


def new_context(browser: Browser, server: Server) -> tuple[BrowserContext, Requests]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    requests = Requests(server.url)
    context.route("**/*", requests.route)
    context.set_default_timeout(WAIT_MS)
    return context, requests


@pytest.fixture
def session(browser: Browser, dashboard: Server) -> Iterator[tuple[Page, Requests]]:
    context, requests = new_context(browser, dashboard)
    page = context.new_page()
    yield page, requests
    context.close()
    assert requests.refused == [], f"requests off the machine: {requests.refused}"


def wait_for_app(page: Page) -> None:
    """Streamlit's own readiness signals: connected, and the script has finished."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
