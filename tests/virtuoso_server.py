"""A throwaway Virtuoso Open Source 7 server on loopback, for tests and benchmarks.

The one place its config lives: the store contract tests and bench/bench_store.py both start
their Virtuoso here (the bench imports this file), so the limits a test passes with are the
ones the benchmark measures with.

Debian's ``virtuoso-opensource-7-bin`` (installed by ``.ci/setup``) ships ``virtuoso-t`` and
``isql-vt``; nothing is started as a service. ``VirtuosoServer`` writes a config of its own
into a temporary directory (database, logs, free 127.0.0.1 ports for ISQL and HTTP), starts
``virtuoso-t +wait`` (returns once the server answers), grants the ``SPARQL`` web user the
right to update, and stops the server by its PID afterwards. A missing Virtuoso raises
``VirtuosoUnavailable`` — the tests fail on it, never skip.

Virtuoso's defaults cap every result at 10,000 rows (silently) and queries at 60 s; the
config here sets both (``max_rows``, ``max_seconds``) so answers are complete. A query that
reaches ``max_seconds`` comes back as an "anytime" answer, flagged by the ``X-SQL-State``
header. The buffer pool (170,000 pages of 8 kB, ~1.3 GB) holds a 1M-triple graph warm.

Run it by hand (prints the endpoint, stops on Ctrl-C)::

    python tests/virtuoso_server.py
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

SERVER = "virtuoso-t"
ISQL = "isql-vt"
ADMIN = ("dba", "dba")
"""Virtuoso's default administrator: acceptable only for a throwaway database on loopback."""


class VirtuosoUnavailable(RuntimeError):
    """Virtuoso is not installed or did not start."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _config(
    directory: Path, isql_port: int, http_port: int, rows: int, seconds: int, allowed: str
) -> str:
    d = directory
    return f"""\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
DirsAllowed = ., {d}{allowed}
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
CheckpointInterval = 0
ThreadsPerQuery = 2
MaxQueryMem = 1G

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
ServerThreads = 20
MaxClientConnections = 20
MaxKeepAlives = 20
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = {rows}
MaxQueryExecutionTime = {seconds}
MaxQueryCostEstimationTime = 0
"""


class VirtuosoServer:
    """Virtuoso in a temporary directory; a context manager that starts and stops it.

    ``sparql_url`` answers SPARQL 1.1 Protocol queries and updates; ``store_location`` is the
    same as a casekg ``--store`` (``sparql+http://…``); ``auth_url`` is Virtuoso's endpoint
    behind HTTP Digest authentication (user ``dba``, password ``dba``). ``allowed`` are
    further directories the bulk loader may read files from.
    """

    def __init__(
        self,
        directory: Path | None = None,
        *,
        max_rows: int = 10_000_000,
        max_seconds: int = 600,
        start_timeout: float = 120.0,
        allowed: Sequence[Path] = (),
    ) -> None:
        self._own_directory = directory is None
        self.directory = directory or Path(tempfile.mkdtemp(prefix="casekg-virtuoso-"))
        self.max_rows = max_rows
        self.max_seconds = max_seconds
        self.start_timeout = start_timeout
        self.allowed = tuple(allowed)
        self.isql_port = 0
        self.http_port = 0
        self.pid: int | None = None

    @property
    def sparql_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def auth_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql-auth"

    @property
    def store_location(self) -> str:
        return "sparql+" + self.sparql_url

    def start(self) -> VirtuosoServer:
        for program in (SERVER, ISQL):
            if shutil.which(program) is None:
                raise VirtuosoUnavailable(
                    f"{program} not found: install Debian's virtuoso-opensource-7-bin "
                    "(bash .ci/setup does, as root)"
                )
        self.directory.mkdir(parents=True, exist_ok=True)
        self.isql_port, self.http_port = _free_port(), _free_port()
        config = self.directory / "virtuoso.ini"
        config.write_text(
            _config(
                self.directory,
                self.isql_port,
                self.http_port,
                self.max_rows,
                self.max_seconds,
                "".join(f", {path}" for path in self.allowed),
            ),
            encoding="utf-8",
        )
        try:
            started = subprocess.run(
                [SERVER, "+configfile", str(config), "+wait"],
                cwd=self.directory,
                capture_output=True,
                text=True,
                timeout=self.start_timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            self._kill_from_lock_file()
            raise VirtuosoUnavailable(
                f"virtuoso-t did not start within {self.start_timeout:g} s"
            ) from exc
        self.pid = self._pid_from_lock_file()
        if started.returncode != 0 or self.pid is None:
            log = self.directory / "virtuoso.log"
            tail = log.read_text(errors="replace").splitlines()[-5:] if log.exists() else []
            self.stop()
            raise VirtuosoUnavailable(
                f"virtuoso-t failed (exit {started.returncode}): "
                + " | ".join(tail or [started.stderr.strip()])
            )
        self.isql('grant SPARQL_UPDATE to "SPARQL";')
        return self

    def address(self) -> dict[str, object]:
        """What another process needs to use this server (``attach``)."""
        return {"isql_port": self.isql_port, "http_port": self.http_port}

    @classmethod
    def attach(cls, address: Mapping[str, object]) -> VirtuosoServer:
        """The server another process started, to load and query; ``stop`` leaves it be."""
        server = cls(Path(tempfile.gettempdir()))
        server.isql_port = int(str(address["isql_port"]))
        server.http_port = int(str(address["http_port"]))
        return server

    def isql(self, statements: str, timeout: float | None = None) -> str:
        """Run SQL statements (``exec=``) as the administrator; their output."""
        done = subprocess.run(
            [ISQL, str(self.isql_port), *ADMIN, f"exec={statements}"],
            capture_output=True,
            text=True,
            timeout=timeout or self.start_timeout,
            check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout:
            output = f"{done.stdout.strip()} {done.stderr.strip()}".strip()
            raise VirtuosoUnavailable(f"isql-vt failed: {output}")
        return done.stdout

    def bulk_load(self, path: Path, graph: str, timeout: float | None = None) -> None:
        """Load an N-Triples/Turtle file fast (Virtuoso's bulk loader) into ``graph`` (an
        N-Quads file's quads keep their own graph).

        The file must lie in this server's directory or an ``allowed`` one (``DirsAllowed``)."""
        self.isql(
            f"ld_dir('{path.parent}', '{path.name}', '{graph}'); rdf_loader_run(); checkpoint;",
            timeout,
        )

    def peak_memory_kb(self) -> int:
        """The server's high-water resident memory (VmHWM), in kB."""
        status = Path(f"/proc/{self.pid}/status").read_text(encoding="utf-8")
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise RuntimeError("no VmHWM in /proc status")

    def _pid_from_lock_file(self) -> int | None:
        lock = self.directory / "virtuoso.lck"
        with contextlib.suppress(OSError, ValueError):
            text = lock.read_text(encoding="utf-8").strip()
            return int(text.removeprefix("VIRT_PID="))
        return None

    def _kill_from_lock_file(self) -> None:
        self.pid = self._pid_from_lock_file()
        self.stop()

    def stop(self) -> None:
        """Stop the server (by its PID) and remove the directory if it was ours."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and _alive(self.pid):
                    time.sleep(0.05)
                if _alive(self.pid):
                    os.kill(self.pid, signal.SIGKILL)
            self.pid = None
        if self._own_directory:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> VirtuosoServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie child counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    return True


if __name__ == "__main__":
    with VirtuosoServer() as server:
        print(f"Virtuoso at {server.sparql_url} (--store {server.store_location}); Ctrl-C stops")
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
