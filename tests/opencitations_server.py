"""A local OpenCitations-Index-v2-compatible API, made from the recorded Crossref records.

The OpenCitations Index is built from Crossref's open reference lists; inverting the 1,817
recorded records' deposited ``reference[].DOI`` is the same operation on a smaller corpus
(../shared/reference/related-literature.md, section 5.5). Served under ``/index/v2``:
``/references/doi:X``, ``/citations/doi:X``, ``/citation-count/doi:X``,
``/reference-count/doi:X`` (unknown ids: 200 with ``[]`` / count "0", as the real one), and
the recorded Index v2 examples verbatim for their own URLs.

Rows as the real service writes them: ``citing``/``cited`` = ``omid:br/<synthetic> doi:<doi>``
(the OMIDs are deterministic and clearly made up), ``oci`` = the two OMID numbers,
``creation`` = the citing record's date at its precision, ``timespan`` by OpenCitations'
precision rules (years from the reference's own ``year`` when the cited work is no record),
``journal_sc`` = the two records share an ISSN, ``author_sc`` = they share an ORCID or a
family name with first initial (an approximation: OpenCitations compares author entities).

Like tests/crossref_server.py it advertises and enforces a rate (429 beyond it), logs every
request, and injects faults: status codes with Retry-After, latency, truncated bodies,
invalid JSON, a wrong content type, an id that is not a DOI.

    python tests/opencitations_server.py --port 8766 --rate 180 --interval 60
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import hashlib
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from crossref_server import fixtures_dir, load_records

PREFIX = "/index/v2"
Work = dict[str, Any]
Row = dict[str, str]


def omid(doi: str) -> str:
    """A synthetic, deterministic OMID number for a DOI (prefix 0690: not a real one)."""
    return "0690" + str(int(hashlib.sha1(doi.encode()).hexdigest()[:12], 16))[:9]


def _date_parts(work: Mapping[str, Any]) -> list[int]:
    parts = ((work.get("issued") or {}).get("date-parts") or [[None]])[0] or [None]
    return [int(part) for part in parts if part is not None][:3]


def _date_text(parts: Sequence[int]) -> str:
    return "-".join(f"{part:04d}" if n == 0 else f"{part:02d}" for n, part in enumerate(parts))


def timespan(citing: Sequence[int], cited: Sequence[int]) -> str:
    """OpenCitations' timespan: years always, months/days only if both dates have them,
    a leading ``-`` when the cited work is later, ``""`` when a date is missing."""
    if not citing or not cited:
        return ""
    precision = min(len(citing), len(cited))
    a, b = list(citing[:precision]), list(cited[:precision])
    sign = "-" if a < b else ""
    if a < b:
        a, b = b, a
    if precision == 1:
        return f"{sign}P{a[0] - b[0]}Y"
    months = (a[0] - b[0]) * 12 + (a[1] - b[1])
    days = 0
    if precision == 3:
        days = a[2] - b[2]
        if days < 0:
            months -= 1
            days += 30
    years, months = divmod(months, 12)
    return f"{sign}P{years}Y{months}M" + (f"{days}D" if precision == 3 else "")


def _authors(work: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for person in work.get("author") or []:
        if person.get("ORCID"):
            found.add(str(person["ORCID"]).rsplit("/", 1)[-1])
        if person.get("family"):
            found.add(f"{person['family'].lower()} {str(person.get('given') or ' ')[0].lower()}")
    return found


class CitationIndex:
    """Who cites whom among the records, as rows keyed by cited and by citing DOI."""

    def __init__(self, records: Iterable[Work]) -> None:
        self.records = {str(work["DOI"]).lower(): work for work in records}
        self.references: dict[str, list[Row]] = collections.defaultdict(list)
        self.citations: dict[str, list[Row]] = collections.defaultdict(list)
        for doi, work in self.records.items():
            seen: set[str] = set()
            for reference in work.get("reference") or []:
                cited = str(reference.get("DOI") or "").strip().lower()
                if not cited or cited == doi or cited in seen:
                    continue
                seen.add(cited)
                row = self._row(doi, work, cited, reference)
                self.references[doi].append(row)
                self.citations[cited].append(row)

    def _row(self, doi: str, work: Work, cited: str, reference: Mapping[str, Any]) -> Row:
        target = self.records.get(cited)
        citing_date = _date_parts(work)
        if target is not None:
            cited_date = _date_parts(target)
        else:
            year = str(reference.get("year") or "")
            cited_date = [int(year)] if year.isdigit() and len(year) == 4 else []
        same_journal = bool(target) and bool(
            set(work.get("ISSN") or []) & set((target or {}).get("ISSN") or [])
        )
        same_author = bool(target) and bool(_authors(work) & _authors(target or {}))
        return {
            "oci": f"{omid(doi)}-{omid(cited)}",
            "citing": f"omid:br/{omid(doi)} doi:{doi}",
            "cited": f"omid:br/{omid(cited)} doi:{cited}",
            "creation": _date_text(citing_date),
            "timespan": timespan(citing_date, cited_date),
            "journal_sc": "yes" if same_journal else "no",
            "author_sc": "yes" if same_author else "no",
        }


def _recorded_v2() -> dict[str, Any]:
    """The recorded Index v2 answers, by their path below the API root."""
    answers: dict[str, Any] = {}
    for path in sorted((fixtures_dir() / "opencitations").glob("index-v2-*.json")):
        recording = json.loads(path.read_text(encoding="utf-8"))
        uri = urllib.parse.urlsplit(recording["request"]["uri"]).path
        answers[uri.split("/index/v2", 1)[1]] = recording["response"]["json"]
    return answers


@dataclass
class Limits:
    """What the server advertises in its headers and enforces."""

    rate: int = 180
    interval: int = 60
    concurrency: int = 4
    enforce: bool = True


@dataclass
class Fault:
    """A misbehaviour for the next ``times`` requests whose path matches ``path``.

    ``kind``: ``status`` (answer ``status`` with optional ``retry_after``), ``latency``
    (wait ``seconds``, then answer), ``truncate`` (half the body, connection dropped),
    ``invalid-json``, ``content-type`` (an HTML page with status 200), ``bad-ids`` (the
    rows' ids hold no DOI).
    """

    kind: str
    status: int = 503
    retry_after: str | None = None
    seconds: float = 0.0
    path: str = ""
    times: int = 1


@dataclass(frozen=True)
class LoggedRequest:
    at: float
    path: str
    status: int
    authorization: str


@dataclass
class _State:
    limits: Limits
    clock: Callable[[], float]
    faults: list[Fault] = field(default_factory=list)
    log: list[LoggedRequest] = field(default_factory=list)
    arrivals: collections.deque[float] = field(default_factory=collections.deque)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class OpenCitationsServer:
    """The API on 127.0.0.1 (ephemeral port unless given), served from a thread."""

    def __init__(
        self,
        index: CitationIndex | None = None,
        *,
        limits: Limits | None = None,
        port: int = 0,
        clock: Callable[[], float] = time.monotonic,
        token: str | None = None,
    ) -> None:
        self.index = index or CitationIndex(load_records())
        self.recorded = _recorded_v2()
        self.token = token
        self._state = _State(limits=limits or Limits(), clock=clock)
        handler = type("Handler", (_Handler,), {"api": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The API root a client is given (``…/index/v2``)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}{PREFIX}"

    @property
    def limits(self) -> Limits:
        return self._state.limits

    @limits.setter
    def limits(self, limits: Limits) -> None:
        with self._state.lock:
            self._state.limits = limits

    def start(self) -> OpenCitationsServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="opencitations-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> OpenCitationsServer:
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

    @property
    def log(self) -> list[LoggedRequest]:
        with self._state.lock:
            return list(self._state.log)

    @property
    def max_in_flight(self) -> int:
        return self._state.max_in_flight

    def statuses(self) -> collections.Counter[int]:
        return collections.Counter(entry.status for entry in self.log)

    def reset_log(self) -> None:
        with self._state.lock:
            self._state.log.clear()
            self._state.max_in_flight = 0

    def admit(self) -> bool:
        """Count an arriving request; False when it exceeds the rate or concurrency."""
        state = self._state
        with state.lock:
            limits, now = state.limits, state.clock()
            state.arrivals.append(now)
            while state.arrivals and state.arrivals[0] <= now - limits.interval:
                state.arrivals.popleft()
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
            over = len(state.arrivals) > limits.rate or state.in_flight > limits.concurrency
            return not (limits.enforce and over)

    def take_fault(self, path: str) -> Fault | None:
        with self._state.lock:
            for fault in self._state.faults:
                if fault.times > 0 and re.search(fault.path, path):
                    fault.times -= 1
                    return fault
        return None

    def finish(self, path: str, status: int, authorization: str) -> None:
        with self._state.lock:
            self._state.in_flight -= 1
            self._state.log.append(LoggedRequest(self._state.clock(), path, status, authorization))

    def limit_headers(self) -> dict[str, str]:
        limits = self._state.limits
        return {
            "x-rate-limit-limit": str(limits.rate),
            "x-rate-limit-interval": f"{limits.interval}s",
            "x-concurrency-limit": str(limits.concurrency),
        }

    def answer(self, path: str) -> tuple[int, Any]:
        """Status and JSON body for a path below the API root."""
        if path in self.recorded:
            return 200, self.recorded[path]
        match = re.fullmatch(r"/(references|citations|citation-count|reference-count)/(.+)", path)
        if match is None:
            return 404, {"error": 404, "message": "the operation requested does not exist"}
        operation, identifier = match[1], match[2].lower()
        doi = identifier[4:] if identifier.startswith("doi:") else ""
        rows = {
            "references": self.index.references,
            "citations": self.index.citations,
            "citation-count": self.index.citations,
            "reference-count": self.index.references,
        }[operation].get(doi, [])
        if operation.endswith("-count"):
            return 200, [{"count": str(len(rows))}]
        return 200, rows


class _Handler(BaseHTTPRequestHandler):
    api: OpenCitationsServer
    protocol_version = "HTTP/1.1"
    server_version = "opencitations-test"

    def log_message(self, format: str, *args: Any) -> None:
        """Requests go to the server's own log, not to stderr."""

    def do_GET(self) -> None:
        raw = urllib.parse.urlsplit(self.path).path
        path = urllib.parse.unquote(raw)
        authorization = self.headers.get("authorization", "")
        headers = self.api.limit_headers()
        if not self.api.admit():
            self.api.finish(path, 429, authorization)
            self._send(429, "text/plain", b"rate limit exceeded", headers)
            return
        if self.api.token is not None and authorization and authorization != self.api.token:
            self.api.finish(path, 403, authorization)
            body = b"Invalid token. Remove the authorization HEADER or register a new token"
            self._send(403, "text/plain", body, headers)
            return
        fault = self.api.take_fault(path)
        if fault is not None and fault.kind == "latency":
            time.sleep(fault.seconds)
        status, payload = (
            self.api.answer(path[len(PREFIX) :])
            if path.startswith(PREFIX + "/")
            else (404, {"error": 404, "message": "not found"})
        )
        if fault is not None and fault.kind == "bad-ids" and isinstance(payload, list):
            bad = {"citing": "omid:br/1 issn:x", "cited": "doi:not-a-doi"}
            payload = [{**row, **bad} for row in payload]
        body = json.dumps(payload).encode()
        content_type, cut = "application/json", None
        if fault is not None and fault.kind == "status":
            status, content_type, body = fault.status, "text/plain", b"injected"
            if fault.retry_after is not None:
                headers = {**headers, "Retry-After": fault.retry_after}
        elif fault is not None and fault.kind == "invalid-json":
            body = body[: max(1, len(body) // 2)]
        elif fault is not None and fault.kind == "content-type":
            content_type, body = "text/html", b"<html><body>Maintenance</body></html>"
        elif fault is not None and fault.kind == "truncate":
            cut = len(body) // 2
        self.api.finish(path, status, authorization)
        self._send(status, content_type, body, headers, cut)

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
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body if cut is None else body[:cut])
            self.wfile.flush()


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--rate", type=int, default=180, help="requests per interval")
    parser.add_argument("--interval", type=int, default=60, help="seconds")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--no-enforce", action="store_true", help="advertise limits only")
    args = parser.parse_args(list(argv) if argv is not None else None)
    limits = Limits(args.rate, args.interval, args.concurrency, enforce=not args.no_enforce)
    server = OpenCitationsServer(limits=limits, port=args.port)
    print(f"serving {len(server.index.citations)} cited DOIs at {server.url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
