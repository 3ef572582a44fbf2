"""A read-only SPARQL 1.1 Protocol endpoint over the store, for tools that speak SPARQL.

Queries go through the same guard as `kg query` (kg.query.run_query): updates, ``LOAD``
and ``SERVICE`` are refused, every query has a time and row limit. Each request reads the
store's current version, so a rebuild is seen by the next request. The server binds to
loopback unless told otherwise; stdlib ``http.server`` is enough for one local user, and
keeps the endpoint free of a web framework's surface.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from kg.errors import InputError, KgError
from kg.query import DEFAULT_LIMIT, DEFAULT_TIMEOUT, format_result, parse_request, run_query
from kg.store import QueryResult, QueryTimeout, open_store

MAX_REQUEST_BYTES = 1_000_000
"""A query is a few kilobytes; a bigger body is refused before it is read."""

SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
}
SERVED_TYPES = {**SELECT_TYPES, **GRAPH_TYPES}
FORMAT_TYPES = {
    "json": "application/sparql-results+json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
}


@dataclass(frozen=True)
class Endpoint:
    store: Path | str
    timeout: float | None = DEFAULT_TIMEOUT
    limit: int | None = DEFAULT_LIMIT

    def answer(self, query: str, accept: str) -> tuple[str, str]:
        """The response body and its media type for one query."""
        with open_store(self.store) as store:
            result = run_query(store, query, timeout=self.timeout, limit=self.limit)
        assert result is not None  # run_query answers None only for allowed updates
        fmt = negotiate(accept, result)
        return format_result(result, fmt), FORMAT_TYPES[fmt]


def negotiate(accept: str, result: QueryResult) -> str:
    """The output format: the first acceptable media type that fits the query form."""
    offered = GRAPH_TYPES if result.form == "graph" else SELECT_TYPES
    for media_type in _accepted(accept):
        if media_type in offered:
            return offered[media_type]
        if media_type in ("*/*", "application/*", "text/*"):
            break
    else:
        if accept.strip():
            known = ", ".join(offered)
            raise NotAcceptable(f"none of the accepted media types is served here ({known})")
    return "ttl" if result.form == "graph" else "json"


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

    def __init__(self, address: tuple[str, int], endpoint: Endpoint) -> None:
        super().__init__(address, SparqlRequestHandler)
        self.endpoint = endpoint

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/sparql"


def make_server(endpoint: Endpoint, host: str = "127.0.0.1", port: int = 7878) -> SparqlServer:
    """The server, bound; fails now (StoreError) when there is no graph to serve."""
    open_store(endpoint.store).close()
    return SparqlServer((host, port), endpoint)


class SparqlRequestHandler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "casekg-sparql"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the endpoint serves one local user; errors go back in the response."""

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if not self._at_endpoint(url.path):
            return
        self._run(urllib.parse.parse_qs(url.query))

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if not self._at_endpoint(url.path):
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            self.close_connection = True
            self._fail(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"requests over {MAX_REQUEST_BYTES} bytes are refused",
            )
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media_type == "application/sparql-query":
            self._run({"query": [body]})
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
        except InputError as exc:
            self._fail(HTTPStatus.BAD_REQUEST, str(exc))
        except QueryTimeout as exc:
            self._fail(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
        except KgError as exc:
            self._fail(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
        else:
            self._send(HTTPStatus.OK, body, media_type)

    def _fail(self, status: HTTPStatus, message: str) -> None:
        self._send(status, message + "\n", "text/plain")

    def _send(self, status: HTTPStatus, body: str, media_type: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{media_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(data)
