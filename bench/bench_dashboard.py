"""The dashboard's speed in a real browser, against a trivial Streamlit page served the same
way in the same run, and a bounded load test.

    .venv/bin/python bench/bench_dashboard.py [--rounds 3] [--clients 8] [--seconds 20]
    .venv/bin/python bench/bench_dashboard.py --rounds 5 --switches-against OTHER/dashboards/app.py
    .venv/bin/python bench/bench_dashboard.py --rounds 5 --first-against OTHER/dashboards/app.py

OTHER is e.g. a `git archive` of an earlier commit: when it holds its own kg/, its app is
served by its own `kg dashboard` command and modules (server flags and warming included).

What it measures (Debian's Chromium through Playwright, everything on 127.0.0.1):

- first render: from navigation to Streamlit's "script finished" signal, and to "drawn":
  every chart, data grid, code editor and the graph component has drawn (the graph and the
  editor draw in their own frames after the signal). "cold" is the first session after the
  server started (imports, store opening, queries); "new session" is a further visitor to a
  warm process. Each is given as a ratio to the trivial page measured the same way;
- every page's render time for a new session on a warm process, and the time from a click
  on a page's sidebar link to that page drawn within one session (its panels only: the
  "panel ≤ 1 s" goal), to the signal and to drawn; the next click waits until the page has
  drawn, so no page is charged for the drawing of the one before;
- how long each server takes from launch to answering its health check (the dashboard's
  includes warming: imports, store, every panel's first answer);
- load: N browser sessions each loading pages in turn for a fixed time; errors (a Streamlit
  exception shown, a failed navigation or a request off the machine), p50 and p99 latency.

The store is $KG_STORE if given, else a fresh offline build of the bundled seed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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
DRAWN = """(framesExpected) => new Promise(resolve => {
  const framed = (title, drawn) => {
    const frames = [...document.querySelectorAll(`iframe[title*='${title}']`)];
    return frames.length >= (framesExpected.includes(title) ? 1 : 0) && frames.every(frame => {
      const doc = frame.contentDocument;
      return doc !== null && drawn(doc);
    });
  };
  const all = (testid, inner) => [...document.querySelectorAll(`[data-testid='${testid}']`)]
    .every(element => element.querySelector(inner) !== null);
  const done = () =>
    framed("st_link_analysis", doc => {
      const box = doc.querySelector("#cy");
      const cy = box && box._cyreg && box._cyreg.cy;
      const drawer = cy && cy.renderer();
      // A frame drawn since the elements came, and none pending: Cytoscape draws them in an
      // animation frame after the component has laid them out (the canvas exists before).
      return Boolean(
        cy && cy.nodes().length && drawer && drawer.lastDrawTime && !drawer.requestedFrame
      );
    }) &&
    framed("code_editor", doc => doc.querySelector(".ace_line") !== null) &&
    all("stVegaLiteChart", "svg.marks, canvas.marks") &&
    all("stDataFrame", "[data-testid='data-grid-canvas']");
  const tick = () => done() ? requestAnimationFrame(() => resolve(true)) : setTimeout(tick, 10);
  tick();
})"""
"""Resolves once every chart, data grid, code editor and graph on the page has drawn, at the
next frame. A component's frame is created after the script-finished signal: the components
named in the argument must be on the page before their frames count as drawn (else a page
whose graph frame did not exist yet was "drawn" at once, and the next page was charged for
the graph)."""
FRAMES = {"": ["st_link_analysis"], "sparql": ["code_editor"]}
"""The component frames each page (by path) opens with."""


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


def _checkout(app: Path) -> Path | None:
    """The casekg checkout another app.py belongs to (e.g. a `git archive` of an earlier
    commit), if it has its own `kg dashboard` command; None for ours or a bare script."""
    root = app.resolve().parent.parent
    if app.resolve() == APP.resolve() or not (root / "kg" / "commands" / "dashboard.py").is_file():
        return None
    return root


def _command(app: Path, port: int, env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """How ``app`` is served: by its own checkout's command and modules when it has one (so
    a comparison with an earlier commit includes that commit's server flags and warming),
    else by ours."""
    root = _checkout(app)
    if root is None:
        return streamlit_command(app, "127.0.0.1", port), env
    theirs = dict(env, PYTHONPATH=str(root))
    asked = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys; from pathlib import Path; "
            "from kg.commands.dashboard import streamlit_command; "
            "print(json.dumps(streamlit_command(Path(sys.argv[1]), '127.0.0.1', "
            "int(sys.argv[2]))))",
            str(app),
            str(port),
        ],
        env=theirs,
        capture_output=True,
        text=True,
        check=True,
    )
    command: list[str] = json.loads(asked.stdout)
    return command, theirs


def start(app: Path, env: dict[str, str]) -> Server:
    port = _free_port()
    command, served_env = _command(app, port, env)
    process = subprocess.Popen(
        command,
        env=served_env,
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
) -> tuple[float, float]:
    """Seconds from navigation to the script finished signal, and to the page drawn."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.on("request", lambda request: offsite.check(request.url))
    started = time.perf_counter()
    await page.goto(f"{server.url}/{path}")
    await _ready(page, path, dashboard=dashboard)
    ready = time.perf_counter() - started
    await page.evaluate(DRAWN, FRAMES.get(path, []) if dashboard else [])
    drawn = time.perf_counter() - started
    await context.close()
    return ready, drawn


async def _ready(page: Page, path: str, *, dashboard: bool = True) -> None:
    await page.wait_for_selector(CONNECTED, timeout=TIMEOUT_MS)
    await page.wait_for_selector(READY, timeout=TIMEOUT_MS)
    if path == "" and dashboard and not await page.title():
        raise RuntimeError("the page has no title")
    shown = await page.get_by_test_id("stException").all_inner_texts()
    if shown:
        raise RuntimeError(f"exception shown on /{path}: {' '.join(shown[0].split())[:300]}")


async def first_renders(
    browser: Browser, env: dict[str, str], apps: dict[str, Path], rounds: int, offsite: Offsite
) -> dict[str, list[float]]:
    """Cold and new-session first renders of each app's default page (Explore, or the
    trivial page), interleaved round by round."""
    times: dict[str, list[float]] = {}
    for _ in range(rounds):
        for name, app in apps.items():
            server = start(app, env)
            times.setdefault(f"{name} start", []).append(server.started_in)
            offsite.origin = server.url
            try:
                for kind in ("cold", "new session", "new session", "new session"):
                    ready, drawn = await render(
                        browser, server, "", offsite, dashboard=name != "trivial"
                    )
                    times.setdefault(f"{name} {kind}", []).append(ready)
                    times.setdefault(f"{name} {kind} drawn", []).append(drawn)
            finally:
                server.stop()
    return times


async def compare_first_renders(
    browser: Browser,
    env: dict[str, str],
    other: Path,
    trivial: Path,
    rounds: int,
    offsite: Offsite,
) -> int:
    """First renders of another app, of ours and of the trivial page in the same run."""
    apps = {"other": other, "ours": APP, "trivial": trivial}
    times = await first_renders(browser, env, apps, rounds, offsite)
    print(f"first render (median of {rounds} cold, {3 * rounds} new sessions; ratio to trivial):")
    print(f"  {'':17} {'other':>14} {'ours':>14} {'trivial':>8}")
    for kind in ("cold", "new session", "cold drawn", "new session drawn"):
        base = statistics.median(times[f"trivial {kind}"])
        other_s, ours_s = (statistics.median(times[f"{n} {kind}"]) for n in ("other", "ours"))
        print(
            f"  {kind:17} {other_s:6.2f} s ({other_s / base:4.2f}) "
            f"{ours_s:6.2f} s ({ours_s / base:4.2f}) {base:6.2f} s"
        )
    print(f"requests off the machine: {len(offsite.urls)}")
    return 1 if offsite.urls else 0


async def page_renders(
    browser: Browser, server: Server, offsite: Offsite
) -> dict[str, list[float]]:
    await render(browser, server, "", offsite)  # warm the process
    times: dict[str, list[float]] = {}
    for path in PAGES:
        times[path or "explore"] = [
            (await render(browser, server, path, offsite))[0] for _ in range(3)
        ]
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
    """Seconds from a click on a page's link in the sidebar to that page's script finished
    signal (``page``) and to the page drawn (``page drawn``), in one session (Streamlit's
    frontend already loaded: the page's own panels only). Each click waits for the page
    before to have drawn: its graph or charts drawing after the signal would otherwise be
    timed as the next page's."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.on("request", lambda request: offsite.check(request.url))
    await page.goto(f"{server.url}/")
    await _ready(page, "")
    await page.evaluate(DRAWN, FRAMES[""])
    times: dict[str, list[float]] = {}
    for _ in range(rounds):
        for path in (*PAGES[1:], PAGES[0]):
            title = TITLES[path]
            started = time.perf_counter()
            await page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
            await page.locator("h1", has_text=title).first.wait_for(timeout=TIMEOUT_MS)
            await _ready(page, path)
            times.setdefault(path or "explore", []).append(time.perf_counter() - started)
            await page.evaluate(DRAWN, FRAMES.get(path, []))
            times.setdefault(f"{path or 'explore'} drawn", []).append(time.perf_counter() - started)
    await context.close()
    return times


async def compare_switches(
    browser: Browser, env: dict[str, str], other: Path, rounds: int, offsite: Offsite
) -> int:
    """Page switches of another app and of ours, alternating round by round (same load)."""
    apps = {"other": other, "ours": APP}
    servers = {name: start(app, env) for name, app in apps.items()}
    times: dict[str, dict[str, list[float]]] = {name: {} for name in apps}
    try:
        for _ in range(rounds):
            for name, server in servers.items():
                offsite.origin = server.url
                for path, values in (await page_switches(browser, server, offsite, 1)).items():
                    times[name].setdefault(path, []).append(values[0])
    finally:
        for server in servers.values():
            server.stop()
    print(f"page switch in one session, sidebar click to drawn (median of {rounds}):")
    print(f"  {'page':17} {'other':>8} {'ours':>8}  ratio ours/other")
    for path in times["ours"]:
        before = statistics.median(times["other"][path])
        after = statistics.median(times["ours"][path])
        print(f"  {path:17} {before:6.2f} s {after:6.2f} s  {after / before:5.2f}")
    print(f"requests off the machine: {len(offsite.urls)}")
    return 1 if offsite.urls else 0


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
    parser.add_argument(
        "--first-against",
        type=Path,
        metavar="APP",
        help="measure only first renders, of this app.py, of ours and of the trivial page, "
        "round by round in the same run",
    )
    parser.add_argument(
        "--switches-against",
        type=Path,
        metavar="APP",
        help="measure only page switches, of this app.py (e.g. a checkout of an earlier "
        "commit) and of ours, round by round in the same run",
    )
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
            if args.switches_against is not None:
                return await compare_switches(
                    browser, env, args.switches_against, args.rounds, offsite
                )
            if args.first_against is not None:
                return await compare_first_renders(
                    browser, env, args.first_against, trivial, args.rounds, offsite
                )
            firsts = await first_renders(
                browser, env, {"dashboard": APP, "trivial": trivial}, args.rounds, offsite
            )
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
    for kind in ("cold", "new session", "cold drawn", "new session drawn"):
        ours = statistics.median(firsts[f"dashboard {kind}"])
        base = statistics.median(firsts[f"trivial {kind}"])
        print(
            f"  {kind:17} dashboard {ours:6.2f} s  trivial {base:6.2f} s  ratio {ours / base:5.2f}"
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
    print(
        f"page switch in one session, sidebar click to script finished / to drawn "
        f"(median of {args.rounds}):"
    )
    for name, values in switches.items():
        print(f"  {name:17} {statistics.median(values):6.2f} s  max {max(values):6.2f} s")
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
