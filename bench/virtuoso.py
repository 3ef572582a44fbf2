"""A throwaway Virtuoso Open Source 7 for the store benchmark, on free loopback ports.

Why here: the benchmark compares the embedded store with Virtuoso warm, and needs one it
starts and stops itself (../shared/reference/virtuoso.md: Debian's virtuoso-opensource-7-bin,
a config of our own in a temporary directory, ``+wait`` until ready). The row cap and query
time limit are set in the config (the defaults cut answers at 10,000 rows silently and
queries at 60 s); a query that reaches the limit comes back flagged, never counted as done.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

SERVER = "virtuoso-t"
ISQL = "isql-vt"

CONFIG = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DirsAllowed = ., {dir}, {data_dir}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ServerThreads = 10
CheckpointInterval = 0
CaseMode = 2
MaxQueryMem = 1G
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = {time_limit}
MaxQueryCostEstimationTime = 0
DefaultQuery = select * where {{ ?s ?p ?o }} limit 1
"""


def available() -> bool:
    return shutil.which(SERVER) is not None and shutil.which(ISQL) is not None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Answer:
    rows: int
    complete: bool


class Virtuoso:
    """A running ``virtuoso-t`` in ``directory``; stop it with ``close`` (or ``with``)."""

    def __init__(
        self,
        directory: Path,
        *,
        data_dir: Path,
        buffers: int = 170_000,
        time_limit: int = 600,
    ) -> None:
        self.directory = directory
        self.sql_port, self.http_port = _free_port(), _free_port()
        config = directory / "virtuoso.ini"
        config.write_text(
            CONFIG.format(
                dir=directory,
                data_dir=data_dir,
                sql_port=self.sql_port,
                http_port=self.http_port,
                buffers=buffers,
                dirty=buffers * 3 // 4,
                time_limit=time_limit,
            ),
            encoding="utf-8",
        )
        subprocess.run(
            [SERVER, "+configfile", str(config), "+wait"],
            cwd=directory,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )
        self.pid = int((directory / "virtuoso.lck").read_text().split("=")[-1].strip())
        self.endpoint = f"http://127.0.0.1:{self.http_port}/sparql"

    def attachment(self) -> dict[str, Any]:
        """What another process needs to use this server (see ``attach``)."""
        return {
            "directory": str(self.directory),
            "pid": self.pid,
            "sql_port": self.sql_port,
            "http_port": self.http_port,
        }

    @classmethod
    def attach(cls, attachment: dict[str, Any]) -> Virtuoso:
        """The server another process started, to load and query (not to stop)."""
        server = cls.__new__(cls)
        server.directory = Path(attachment["directory"])
        server.pid = attachment["pid"]
        server.sql_port = attachment["sql_port"]
        server.http_port = attachment["http_port"]
        server.endpoint = f"http://127.0.0.1:{server.http_port}/sparql"
        return server

    def isql(self, statements: str, timeout: float = 7200) -> str:
        result = subprocess.run(
            [ISQL, str(self.sql_port), "dba", "dba", f"exec={statements}"],
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if "*** Error" in result.stdout or "*** Error" in result.stderr:
            raise RuntimeError(f"isql failed: {result.stdout}{result.stderr}".strip())
        return result.stdout

    def bulk_load(self, path: Path) -> None:
        """Load an N-Quads (or N-Triples) file with the bulk loader; quads keep their graph."""
        directory, name = path.resolve().parent, path.name
        self.isql(
            f"ld_dir('{directory}', '{name}', 'urn:casekg:default'); rdf_loader_run(); checkpoint;"
        )

    def select(self, query: str, timeout: float) -> Answer:
        """Run a query through /sparql and read every row of its JSON answer."""
        body = urllib.parse.urlencode({"query": query}).encode()
        request = urllib.request.Request(
            self.endpoint,
            data=body,
            headers={
                "Accept": "application/sparql-results+json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                # An "anytime" answer cut by MaxQueryExecutionTime says so in this header.
                partial = response.headers.get("X-SQL-State") is not None
                answer: Any = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            detail = " ".join(exc.read().decode("utf-8", "replace").split())
            raise RuntimeError(f"Virtuoso answered {exc.code}: {detail[:300]}") from None
        rows = len(answer["results"]["bindings"]) if "results" in answer else 1
        return Answer(rows, not partial)

    def peak_memory_kb(self) -> int:
        """The server's high-water resident memory (VmHWM), in kB."""
        status = Path(f"/proc/{self.pid}/status").read_text(encoding="utf-8")
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise RuntimeError("no VmHWM in /proc status")

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        for _ in range(600):
            if not Path(f"/proc/{self.pid}").exists():
                return
            time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
