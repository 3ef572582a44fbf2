"""The dashboard's speed in a real browser, against a trivial Streamlit page served the same
way in the same run, and a bounded load test.

    .venv/bin/python bench/bench_dashboard.py [--rounds 3] [--clients 8] [--seconds 20]

What it measures (Debian's Chromium through Playwright, everything on 127.0.0.1):

- first render: from navigation to Streamlit's "script finished" signal (the graph
  component then draws in its own frame; tests/e2e checks that it does). "cold" is the
  first session after the server started (imports, store opening, queries); "new session"
  is a further visitor to a warm process.
  Each is given as a ratio to the trivial page measured the same way;
- every page's render time for a new session on a warm process, and the time from a click
  on a page's sidebar link to that page drawn within one session (its panels only: the
  "panel ≤ 1 s" goal);
- how long each server takes from launch to answering its health check (the dashboard's
  includes warming: imports, store, every panel's first answer);
- load: N browser sessions each loading pages in turn for a fixed time; errors (a Streamlit
  exception shown, a failed navigation or a request off the machine), p50 and p99 latency.

The store is $KG_STORE if given, else a fresh offline build of the bundled seed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright

from kg.build import build
from kg.commands.dashboard import APP, streamlit_command
from kg.settings import Settings

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
PAGES = ("", "case", "literature", "sparql", "resolve")
TRIVIAL = 'import streamlit as st\n\nst.title("trivial")\nst.write("A trivial page.")\n'
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
TIMEOUT_MS = 300_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    started_in: float = 0.0  # seconds from launch to answering /_stcore/health

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def start(app: Path, env: dict[str, str]) -> Server:
    port = _free_port()
    process = subprocess.Popen(
        streamlit_command(app, "127.0.0.1", port),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    launched = time.monotonic()
    deadline = launched + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return Server(url, process, time.monotonic() - launched)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        try:
            process.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            continue
        raise SystemExit(f"streamlit exited with {process.returncode}")
    process.kill()
    raise SystemExit("streamlit did not start within 120 s")


@dataclass
class Offsite:
    """Requests that left the machine (there must be none)."""

    origin: str
    urls: list[str] = field(default_factory=list)

    def check(self, url: str) -> None:
        if not (url.startswith(self.origin) or url.startswith(("data:", "blob:", "about:"))):
            self.urls.append(url)


async def render(
    browser: Browser, server: Server, path: str, offsite: Offsite, *, dashboard: bool = True
) -> float:
    """Seconds from navigation to the page drawn (to the script finished signal)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.on("request", lambda request: offsite.check(request.url))
    started = time.perf_counter()
    await page.goto(f"{server.url}/{path}")
    await _ready(page, path, dashboard=dashboard)
    elapsed = time.perf_counter() - started
    await context.close()
    return elapsed


async def _ready(page: Page, path: str, *, dashboard: bool = True) -> None:
    await page.wait_for_selector(CONNECTED, timeout=TIMEOUT_MS)
    await page.wait_for_selector(READY, timeout=TIMEOUT_MS)
    if path == "" and dashboard and not await page.title():
        raise RuntimeError("the page has no title")
    shown = await page.get_by_test_id("stException").all_inner_texts()
    if shown:
        raise RuntimeError(f"exception shown on /{path}: {' '.join(shown[0].split())[:300]}")


async def first_renders(
    browser: Browser, env: dict[str, str], trivial: Path, rounds: int, offsite: Offsite
) -> dict[str, list[float]]:
    """Cold and new-session first renders of Explore and of the trivial page, interleaved."""
    times: dict[str, list[float]] = {
        "dashboard cold": [],
        "trivial cold": [],
        "dashboard new session": [],
        "trivial new session": [],
        "dashboard start": [],
        "trivial start": [],
    }
    for _ in range(rounds):
        for name, app in (("dashboard", APP), ("trivial", trivial)):
            server = start(app, env)
            times[f"{name} start"].append(server.started_in)
            offsite.origin = server.url
            try:
                times[f"{name} cold"].append(await render(browser, server, "", offsite))
                for _ in range(3):
                    times[f"{name} new session"].append(await render(browser, server, "", offsite))
            finally:
                server.stop()
    return times


async def page_renders(
    browser: Browser, server: Server, offsite: Offsite
) -> dict[str, list[float]]:
    await render(browser, server, "", offsite)  # warm the process
    times: dict[str, list[float]] = {}
    for path in PAGES:
        times[path or "explore"] = [await render(browser, server, path, offsite) for _ in range(3)]
    return times


TITLES = {
    "": "Explore",
    "case": "Case",
    "literature": "Literature",
    "sparql": "SPARQL",
    "resolve": "Resolve",
}


async def page_switches(
    browser: Browser, server: Server, offsite: Offsite, rounds: int
) -> dict[str, list[float]]:
    """Seconds from a click on a page's link in the sidebar to that page drawn, in one
    session (Streamlit's frontend already loaded: the page's own panels only)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.on("request", lambda request: offsite.check(request.url))
    await page.goto(f"{server.url}/")
    await _ready(page, "")
    times: dict[str, list[float]] = {}
    for _ in range(rounds):
        for path in (*PAGES[1:], PAGES[0]):
            title = TITLES[path]
            started = time.perf_counter()
            await page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
            await page.locator("h1", has_text=title).first.wait_for(timeout=TIMEOUT_MS)
            await _ready(page, path)
            times.setdefault(path or "explore", []).append(time.perf_counter() - started)
    await context.close()
    return times


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def client(
    browser: Browser, server: Server, number: int, deadline: float, load: Load, offsite: Offsite
) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    page.on("request", lambda request: offsite.check(request.url))
    visit = number
    while time.monotonic() < deadline:
        path = PAGES[visit % len(PAGES)]
        visit += 1
        started = time.perf_counter()
        try:
            await page.goto(f"{server.url}/{path}")
            await _ready(page, path)
        except Exception as exc:  # counted, the run goes on
            load.errors.append(f"/{path}: {type(exc).__name__}: {str(exc)[:400]}")
            continue
        load.latencies.append(time.perf_counter() - started)
    await context.close()


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as scratch:
        root = Path(scratch)
        store = os.environ.get("KG_STORE")
        if not store:
            settings = Settings.resolve(
                store=root / "store", cache_dir=root / "cache", offline=True
            )
            build([], settings)
            store = str(settings.store)
        env = dict(
            os.environ,
            KG_STORE=store,
            KG_OFFLINE="1",
            KG_CROSSREF_API="http://127.0.0.1:9",
            KG_CACHE_DIR=str(root / "cache"),
        )
        trivial = root / "trivial.py"
        trivial.write_text(TRIVIAL, encoding="utf-8")
        offsite = Offsite("")
        async with async_playwright() as driver:
            browser = await driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            firsts = await first_renders(browser, env, trivial, args.rounds, offsite)
            server = start(APP, env)
            offsite.origin = server.url
            try:
                pages = await page_renders(browser, server, offsite)
                switches = await page_switches(browser, server, offsite, args.rounds)
                load = Load()
                deadline = time.monotonic() + args.seconds
                await asyncio.gather(
                    *(
                        client(browser, server, n, deadline, load, offsite)
                        for n in range(args.clients)
                    )
                )
            finally:
                server.stop()
            await browser.close()

    print(f"first render (median of {args.rounds} cold, {3 * args.rounds} new sessions):")
    for kind in ("cold", "new session"):
        ours = statistics.median(firsts[f"dashboard {kind}"])
        base = statistics.median(firsts[f"trivial {kind}"])
        print(
            f"  {kind:12} dashboard {ours:6.2f} s  trivial {base:6.2f} s  ratio {ours / base:5.2f}"
        )
    starts = {n: statistics.median(firsts[f"{n} start"]) for n in ("dashboard", "trivial")}
    print(
        f"  server start to healthy: dashboard {starts['dashboard']:.2f} s (warming included)  "
        f"trivial {starts['trivial']:.2f} s"
    )
    trivial_new = statistics.median(firsts["trivial new session"])
    print("page render for a new session on a warm process (median of 3; ratio to trivial):")
    for name, values in pages.items():
        median = statistics.median(values)
        print(f"  {name:11} {median:6.2f} s  ratio {median / trivial_new:5.2f}")
    print(f"page switch in one session, sidebar click to drawn (median of {args.rounds}):")
    for name, values in switches.items():
        print(f"  {name:11} {statistics.median(values):6.2f} s  max {max(values):6.2f} s")
    total = len(load.latencies) + len(load.errors)
    print(
        f"load: {args.clients} clients for {args.seconds:.0f} s: {total} page loads, "
        f"{len(load.errors)} errors"
    )
    if load.latencies:
        print(
            f"  p50 {_percentile(load.latencies, 0.5):.2f} s  "
            f"p99 {_percentile(load.latencies, 0.99):.2f} s  "
            f"max {max(load.latencies):.2f} s"
        )
    for error in load.errors[:5]:
        print(f"  error {error}")
    print(f"requests off the machine: {len(offsite.urls)}")
    return 1 if load.errors or offsite.urls else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
