"""A read-only SPARQL 1.1 Protocol endpoint over the store, for tools that speak SPARQL.

``GET /sparql?query=…``, a form ``POST`` or an ``application/sparql-query`` body; answers in
SPARQL XML (what a client that asks for nothing gets), JSON, CSV or TSV, and graphs in
Turtle, N-Triples, JSON-LD or RDF/XML, by content negotiation; ``GET /sparql`` without a
query is the service description. Queries go through the same guard as `kg query`
(kg.query.run_query, parsed by kg.store.guard): updates, ``LOAD`` and ``SERVICE`` are refused
with a 4xx, every query has a time and row limit. One store is opened for the server and
follows the store's CURRENT version, so a rebuild is seen by the next request. The server
binds to loopback unless told otherwise; stdlib ``http.server`` is enough for one local
user and keeps the endpoint free of a web framework's surface.
"""

from __future__ import annotations

import errno
import threading
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import InputError, KgError
from kg.query import DEFAULT_LIMIT, DEFAULT_TIMEOUT, parse_request, run_query, serialise_result
from kg.rdf.service import service_description
from kg.store import GraphStore, QueryResult, QueryTimeout, open_store

MAX_REQUEST_BYTES = 1_000_000
"""A query is a few kilobytes; a bigger body is refused before it is read."""
MAX_RUNNING = 8
"""Queries evaluated at once; more clients wait their turn (a 2-core machine gains nothing
from more, and a query stopped by its time limit may still hold a core)."""

_RESULTS = {
    "xml": ox.QueryResultsFormat.XML,
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_GRAPHS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
SELECT_TYPES = {
    **{fmt.media_type.split(";")[0]: name for name, fmt in _RESULTS.items()},
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
GRAPH_TYPES = {
    **{fmt.media_type.split(";")[0]: name for name, fmt in _GRAPHS.items()},
    "application/x-turtle": "ttl",
    "text/plain": "nt",
    "application/xml": "rdfxml",
}
FORMAT_TYPES = {
    **{name: fmt.media_type.split(";")[0] for name, fmt in _RESULTS.items()},
    **{name: fmt.media_type.split(";")[0] for name, fmt in _GRAPHS.items()},
}
_RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


@dataclass
class Endpoint:
    """The store and the limits; ``answer`` is one query, safe to call from many threads."""

    store: Path | str
    timeout: float | None = DEFAULT_TIMEOUT
    limit: int | None = DEFAULT_LIMIT
    _opened: GraphStore | None = field(default=None, repr=False)
    _running: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(MAX_RUNNING), repr=False
    )

    def open(self) -> GraphStore:
        """The store, opened once; fails now (StoreError) when there is no graph to serve."""
        if self._opened is None:
            self._opened = open_store(self.store)
        return self._opened

    def close(self) -> None:
        if self._opened is not None:
            self._opened.close()
            self._opened = None

    def answer(self, query: str, accept: str) -> tuple[bytes, str]:
        """The response body and its media type for one query."""
        store = self.open()
        with self._running:
            store.refresh()
            result = run_query(store, query, timeout=self.timeout, limit=self.limit)
        fmt = negotiate(accept, result)
        return serialise_result(result, fmt), FORMAT_TYPES[fmt]

    def description(self, url: str, accept: str) -> tuple[bytes, str]:
        """The service description, in the RDF format the client accepts (Turtle first)."""
        fmt = _choose(accept, GRAPH_TYPES, "ttl")
        iris = [f.iri for f in _RESULTS.values()] + [f.iri for f in _GRAPHS.values()]
        graph = service_description(url, iris, timeout=self.timeout, limit=self.limit)
        return graph.serialize(format=_RDFLIB_FORMATS[fmt], encoding="utf-8"), FORMAT_TYPES[fmt]


def negotiate(accept: str, result: QueryResult) -> str:
    """The output format: the client's most preferred media type that fits the query form;
    SPARQL XML (Turtle for graphs) when it asks for nothing or for anything."""
    if result.form == "graph":
        return _choose(accept, GRAPH_TYPES, "ttl")
    return _choose(accept, SELECT_TYPES, "xml")


def _choose(accept: str, offered: Mapping[str, str], default: str) -> str:
    ranked = _accepted(accept)
    if not ranked:
        return default
    for media_type in ranked:
        if media_type in offered:
            return offered[media_type]
        if media_type in ("*/*", "application/*", "text/*"):
            return default
    known = ", ".join(offered)
    raise NotAcceptable(f"none of the accepted media types is served here ({known})")


def _accepted(accept: str) -> list[str]:
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        media_type, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media_type and quality > 0:
            ranked.append((-quality, position, media_type.lower()))
    return [media_type for _, _, media_type in sorted(ranked)]


class NotAcceptable(KgError):
    """The client accepts no media type the endpoint can answer this query in."""


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        super().__init__(address, SparqlRequestHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/sparql"

    def server_close(self) -> None:
        super().server_close()
        self.endpoint.close()


def make_server(endpoint: Endpoint, host: str = "127.0.0.1", port: int = 7878) -> SparqlServer:
    """The server, bound; fails now when there is no graph to serve (StoreError) or the
    port is taken (InputError)."""
    endpoint.open()
    try:
        return SparqlServer((host, port), endpoint)
    except OSError as exc:
        endpoint.close()
        if exc.errno == errno.EADDRINUSE:
            raise InputError(
                f"port {port} on {host} is in use: stop what serves there or pick --port"
            ) from exc
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc


class SparqlRequestHandler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "casekg-sparql"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the endpoint serves one local user; errors go back in the response."""

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if not self._at_endpoint(url.path):
            return
        parameters = urllib.parse.parse_qs(url.query)
        if not parameters:
            self._describe()
            return
        self._run(parameters)

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            self.close_connection = True
            self._fail(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"requests over {MAX_REQUEST_BYTES} bytes are refused",
            )
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        if not self._at_endpoint(url.path):
            return
        media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media_type == "application/sparql-query":
            self._run({**urllib.parse.parse_qs(url.query), "query": [body]})
        elif media_type == "application/x-www-form-urlencoded":
            self._run(urllib.parse.parse_qs(body))
        elif media_type == "application/sparql-update":
            self._fail(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
        else:
            self._fail(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                "POST a query as application/sparql-query or application/x-www-form-urlencoded",
            )

    def do_PUT(self) -> None:
        self._fail(HTTPStatus.METHOD_NOT_ALLOWED, "this endpoint is read-only")

    do_DELETE = do_PATCH = do_PUT

    def _at_endpoint(self, path: str) -> bool:
        if path == "/sparql":
            return True
        self._fail(HTTPStatus.NOT_FOUND, "the SPARQL endpoint is /sparql")
        return False

    def _describe(self) -> None:
        try:
            body, media_type = self.server.endpoint.description(
                self.server.url, self.headers.get("Accept") or ""
            )
        except NotAcceptable as exc:
            self._fail(HTTPStatus.NOT_ACCEPTABLE, str(exc))
        else:
            self._send(HTTPStatus.OK, body, media_type)

    def _run(self, parameters: Mapping[str, list[str]]) -> None:
        if "update" in parameters:
            self._fail(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
            return
        queries = parameters.get("query") or []
        if len(queries) != 1 or not queries[0].strip():
            self._fail(HTTPStatus.BAD_REQUEST, "give exactly one non-empty 'query'")
            return
        if any(key in parameters for key in ("default-graph-uri", "named-graph-uri")):
            self._fail(
                HTTPStatus.BAD_REQUEST,
                "default-graph-uri and named-graph-uri are not supported: use GRAPH in the query",
            )
            return
        try:
            if parse_request(queries[0]).operation == "update":
                self._fail(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
                return
            body, media_type = self.server.endpoint.answer(
                queries[0], self.headers.get("Accept") or ""
            )
        except NotAcceptable as exc:
            self._fail(HTTPStatus.NOT_ACCEPTABLE, str(exc))
        except QueryTimeout as exc:
            self._fail(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
        except InputError as exc:
            self._fail(HTTPStatus.BAD_REQUEST, str(exc))
        except KgError as exc:
            self._fail(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
        else:
            self._send(HTTPStatus.OK, body, media_type)

    def _fail(self, status: HTTPStatus, message: str) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain")

    def _send(self, status: HTTPStatus, data: bytes, media_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{media_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(data)
