"""`kg dashboard`: start the Streamlit app, bound to loopback unless told otherwise.

The server is this module run as a program (``python -m kg.commands.dashboard APP FLAGS``):
it warms the app first (see ``warm``), then hands over to `streamlit run` in the same process,
so the first visitor does not pay for imports, opening the store and the first queries.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from kg.errors import InputError
from kg.settings import PROJECT_ROOT, Settings

APP = PROJECT_ROOT / "dashboards" / "app.py"
WARMER = "kgdash.warm"
"""The module beside an app (``<app folder>/kgdash/warm.py``) whose ``warm()`` runs before the
server starts; an app without one (a trivial page) starts as `streamlit run` would."""


def streamlit_command(app: Path, host: str, port: int) -> list[str]:
    """The server's command: `streamlit run` through this module's ``serve`` (which warms
    the app first); headless, no telemetry, no file watcher, no hosted-service links
    ("Deploy"), and an explicit address so Streamlit never asks the internet for the
    machine's external IP. No full garbage collection after every script run: with the
    store, the terminologies and the page modules loaded it took ~0.2-0.35 s of each page
    switch, holding the GIL, so what the browser asked of the process next (a page's
    scripts, often the "script finished" message itself) waited for it (py-spy of the
    server, bench/RESULTS.md); Python's own generational collection still runs."""
    return [
        sys.executable,
        "-m",
        "kg.commands.dashboard",
        str(app),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--browser.serverAddress",
        host,
        "--client.toolbarMode",
        "viewer",
        "--global.developmentMode",
        "false",
        "--server.runOnSave",
        "false",
        "--runner.magicEnabled",
        "false",
        "--runner.postScriptGC",
        "false",
    ]


STOP_GRACE_SECONDS = 10.0
"""How long Streamlit may take to stop after SIGTERM before it is killed: a server that
hangs on its way out must not keep the port (seen once in CI after a SIGINT to `kg`)."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("dashboard", help="start the Streamlit dashboard")
    parser.add_argument("--store", help="store directory (default: $KG_STORE)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=8501, help="port (default: 8501)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not APP.is_file():
        raise InputError(f"dashboard app not found at {APP}")
    if not 0 < args.port < 65536:
        raise InputError(f"--port must be between 1 and 65535, not {args.port}")
    settings = Settings.resolve(store=args.store)
    env = dict(os.environ, KG_STORE=str(settings.store))
    server = subprocess.Popen(streamlit_command(APP, args.host, args.port), env=env)

    stopping: list[float] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        # Why: without this a SIGTERM ends only `kg` and leaves Streamlit holding the port.
        # SIGINT too, by handler rather than KeyboardInterrupt: a process started in the
        # background by a script inherits SIGINT ignored, and Python then raises nothing.
        stopping.append(time.monotonic())
        server.terminate()

    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        while True:
            try:
                return server.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                if stopping and time.monotonic() - stopping[0] > STOP_GRACE_SECONDS:
                    server.kill()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if server.poll() is None:
            server.kill()
            server.wait()


def warm(app: Path) -> None:
    """Run the app's warmer, if it has one, in this (the server's) process: its imports,
    store handle and cached answers are then the ones every session uses."""
    if not (app.parent / Path(*WARMER.split("."))).with_suffix(".py").is_file():
        return
    sys.path.insert(0, str(app.parent))  # where `streamlit run` puts it too
    importlib.import_module(WARMER).warm()
    # What warming made lives as long as the process: collections need not scan it again.
    gc.collect()
    gc.freeze()


def serve(argv: list[str]) -> None:
    """``APP [streamlit flags]``: warm the app, then `streamlit run` it (never returns)."""
    from streamlit.web import cli

    warm(Path(argv[0]).resolve())
    sys.argv = ["streamlit", "run", *argv]
    cli.main()


if __name__ == "__main__":
    serve(sys.argv[1:])
