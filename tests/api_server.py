"""What the local Crossref and OpenCitations test servers share: limits, faults, the log.

Both stand in for a real rate-limited JSON API on 127.0.0.1: they advertise a rate and a
concurrency limit and really enforce them (429 beyond), answer with injected faults for the
requests a test names, and log every request so a test can count what reached the server.
Each server subclasses :class:`ApiServer` for its own paths and :class:`ApiHandler` for its
own replies.
"""

from __future__ import annotations

import collections
import contextlib
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


@dataclass
class Limits:
    """What the server advertises in its headers and enforces."""

    rate: int = 50
    interval: int = 1
    concurrency: int = 5
    enforce: bool = True


@dataclass
class Fault:
    """A misbehaviour for the next ``times`` requests whose path and query match ``path``.

    ``kind``: ``status`` (answer ``status`` with optional ``retry_after``), ``latency`` (wait
    ``seconds``, then answer normally), ``truncate`` (half the body, connection dropped),
    ``invalid-json``, and the server's own kinds (see its handler).
    """

    kind: str
    status: int = 503
    retry_after: str | None = None
    location: str = ""
    seconds: float = 0.0
    path: str = ""
    times: int = 1
    pass_every: int = 0
    """Let every ``pass_every``-th matching request through unharmed (20: a 95% fault rate)."""
    seen: int = 0


@dataclass(frozen=True)
class LoggedRequest:
    at: float
    method: str
    path: str
    params: dict[str, list[str]]
    user_agent: str
    authorization: str
    status: int


@dataclass
class _State:
    limits: Limits
    clock: Callable[[], float]
    faults: list[Fault] = field(default_factory=list)
    log: list[LoggedRequest] = field(default_factory=list)
    arrivals: collections.deque[float] = field(default_factory=collections.deque)
    in_flight: int = 0
    max_in_flight: int = 0
    refused: collections.Counter[str] = field(default_factory=collections.Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


class ApiHandler(BaseHTTPRequestHandler):
    """Writes replies; a server's handler subclasses it with ``do_GET``."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Requests go to the server's own log, not to stderr."""

    def _send(
        self,
        status: int,
        content_type: str,
        body: bytes,
        headers: Mapping[str, str],
        cut: int | None = None,
    ) -> None:
        if cut is not None:
            self.close_connection = True
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body if cut is None else body[:cut])
            self.wfile.flush()


class ApiServer:
    """A test API on 127.0.0.1 (an ephemeral port unless given), served from a thread."""

    name = "api-server"

    def __init__(
        self,
        handler: type[ApiHandler],
        *,
        limits: Limits,
        port: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._state = _State(limits=limits, clock=clock)
        bound = type("Handler", (handler,), {"api": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), bound)
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def root(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def limits(self) -> Limits:
        return self._state.limits

    @limits.setter
    def limits(self, limits: Limits) -> None:
        with self._state.lock:
            self._state.limits = limits

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.01},  # shutdown() waits one poll: keep tests quick
            name=self.name,
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (the command-line use)."""
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()

    def inject(self, fault: Fault) -> None:
        with self._state.lock:
            self._state.faults.append(fault)

    def clear_faults(self) -> None:
        with self._state.lock:
            self._state.faults.clear()

    @property
    def log(self) -> list[LoggedRequest]:
        with self._state.lock:
            return list(self._state.log)

    @property
    def request_count(self) -> int:
        with self._state.lock:
            return len(self._state.log)

    @property
    def max_in_flight(self) -> int:
        return self._state.max_in_flight

    def statuses(self) -> collections.Counter[int]:
        return collections.Counter(entry.status for entry in self.log)

    def reset_log(self) -> None:
        with self._state.lock:
            self._state.log.clear()
            self._state.max_in_flight = 0
            self._state.refused.clear()

    def stats(self) -> dict[str, Any]:
        log = self.log
        return {
            "requests": len(log),
            "statuses": {str(code): n for code, n in sorted(self.statuses().items())},
            "max_in_flight": self.max_in_flight,
            "refused": dict(self._state.refused),
            "seconds": log[-1].at - log[0].at if log else 0.0,  # first answer to last
        }

    # Request accounting, called by the handler.

    def admit(self) -> str | None:
        """Count an arriving request; the limit it exceeds (``rate``, ``concurrency``) or None."""
        state = self._state
        with state.lock:
            limits = state.limits
            now = state.clock()
            state.arrivals.append(now)
            while state.arrivals and state.arrivals[0] <= now - limits.interval:
                state.arrivals.popleft()
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
            exceeded = None
            if limits.enforce and len(state.arrivals) > limits.rate:
                exceeded = "rate"
            elif limits.enforce and state.in_flight > limits.concurrency:
                exceeded = "concurrency"
            if exceeded:
                state.refused[exceeded] += 1
            return exceeded

    def take_fault(self, target: str) -> Fault | None:
        with self._state.lock:
            for fault in self._state.faults:
                if fault.times > 0 and re.search(fault.path, target):
                    fault.seen += 1
                    if fault.pass_every and fault.seen % fault.pass_every == 0:
                        return None
                    fault.times -= 1
                    return fault
        return None

    def logged_path(self, raw: str) -> str:
        """The path as the log records it (as sent, unless a server says otherwise)."""
        return raw

    def finish(self, handler: BaseHTTPRequestHandler, status: int) -> None:
        """The request stops counting as in flight and goes into the log."""
        split = urllib.parse.urlsplit(handler.path)
        state = self._state
        with state.lock:
            state.in_flight -= 1
            state.log.append(
                LoggedRequest(
                    at=state.clock(),
                    method=handler.command,
                    path=self.logged_path(split.path),
                    params=urllib.parse.parse_qs(split.query),
                    user_agent=handler.headers.get("User-Agent", ""),
                    authorization=handler.headers.get("Authorization", ""),
                    status=status,
                )
            )

    def limit_headers(self) -> dict[str, str]:
        limits = self._state.limits
        return {
            "x-rate-limit-limit": str(limits.rate),
            "x-rate-limit-interval": f"{limits.interval}s",
            "x-concurrency-limit": str(limits.concurrency),
        }
