"""Any SPARQL 1.1 server as the store: Protocol for queries and updates, Graph Store
Protocol for loading graphs (Virtuoso 7 is the one the tests run).

The location is the query/update endpoint with ``sparql+`` in front:
``--store sparql+http://127.0.0.1:8890/sparql`` (or ``KG_STORE``). The Graph Store endpoint
defaults to Virtuoso's beside it (``/sparql-graph-crud``, ``/sparql-graph-crud-auth`` for
``/sparql-auth``); ``KG_STORE_GRAPH_STORE`` names another. Credentials come from
``KG_STORE_USER`` and ``KG_STORE_PASSWORD``; Basic or Digest is chosen from the server's
challenge.

What differs from the embedded store, and why:
- A server's default graph for queries and for an update's WHERE is its own choice;
  Virtuoso's is the union of all graphs, as casekg's. Its own system graphs (listed in
  ``SERVER_GRAPHS``) are left out of graph lists and counts.
- ``replace`` puts each graph (PUT, atomic per graph), then drops the graphs that are
  no longer wanted: readers may briefly see old and new graphs side by side, never none.
- ``update`` counts the store before and after: a server does not say which triples
  changed, so ``Changes.added``/``removed`` are None.
- Servers cap answers: Virtuoso at ``[SPARQL] ResultSetMaxRows`` (10,000 by default,
  silently) and ``MaxQueryExecutionTime``. Dumps page through a graph and compare with its
  count, so a cap below the page is an error that says so, never a short export; set the
  cap in virtuoso.ini for big query answers (tests/virtuoso_server.py sets 10,000,000).
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox
import requests
from rdflib import Dataset
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.errors import InputError, StoreError
from kg.store.base import (
    QUAD_FORMATS,
    Changes,
    GraphStore,
    QueryResult,
    QueryTimeout,
    integer,
    ox_answer,
    rdf_format,
    to_ox,
)
from kg.store.guard import parse_request
from kg.store.oxigraph import parse_rdf

SCHEME = "sparql+"
SERVER_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localhost:8890/sparql",
    "http://localuriqaserver/sparql",
)
"""Graphs a Virtuoso keeps for itself: not casekg's, so not listed or counted."""
PAGE = int(os.environ.get("KG_STORE_PAGE") or 100_000)
CONNECT_TIMEOUT = 10.0
RESULTS_XML = "application/sparql-results+xml"
N_TRIPLES = "application/n-triples"


class SparqlHttpStore(GraphStore):
    def __init__(self, location: str, *, create: bool = False) -> None:
        self.location = location
        self.endpoint = location.removeprefix(SCHEME)
        self.graph_store = os.environ.get("KG_STORE_GRAPH_STORE") or _graph_store_beside(
            self.endpoint
        )
        self._session = requests.Session()
        self._credentials = (
            os.environ.get("KG_STORE_USER") or "",
            os.environ.get("KG_STORE_PASSWORD") or "",
        )
        if not create and not self.has_graph():
            raise StoreError(f"no graph built yet at {location}: run kg build")

    # HTTP

    def _send(self, method: str, url: str, timeout: float | None, **kwargs: Any) -> bytes:
        try:
            response = self._session.request(
                method, url, timeout=(CONNECT_TIMEOUT, timeout), **kwargs
            )
            if response.status_code == 401 and self._session.auth is None:
                self._session.auth = self._auth(response)
                response = self._session.request(
                    method, url, timeout=(CONNECT_TIMEOUT, timeout), **kwargs
                )
        except requests.ReadTimeout:
            raise QueryTimeout(f"stopped after {timeout:g} s without an answer") from None
        except requests.RequestException as exc:
            raise StoreError(f"cannot reach the SPARQL server at {self.endpoint}: {exc}") from exc
        if response.status_code >= 400:
            detail = " ".join(response.text.split())[:300]
            if response.status_code == 400:
                raise InputError(f"the SPARQL server refused the request: {detail}")
            if response.status_code in (401, 403):
                raise StoreError(
                    f"the SPARQL server at {self.endpoint} refused access "
                    f"({response.status_code}): set KG_STORE_USER and KG_STORE_PASSWORD"
                )
            raise StoreError(
                f"the SPARQL server at {self.endpoint} failed ({response.status_code}): {detail}"
            )
        return response.content

    def _auth(self, challenge: requests.Response) -> requests.auth.AuthBase | None:
        user, password = self._credentials
        if not user:
            return None
        scheme = challenge.headers.get("WWW-Authenticate", "").split(" ", 1)[0].lower()
        if scheme == "digest":
            return requests.auth.HTTPDigestAuth(user, password)
        return requests.auth.HTTPBasicAuth(user, password)

    # reading

    def query(
        self,
        sparql: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        timeout: float | None = None,
        limit: int | None = None,
    ) -> QueryResult:
        request = parse_request(sparql, tuple(prefixes or ()))
        if request.operation == "update":
            raise InputError("this is an update: use update()")
        graph_form = request.operation in ("construct", "describe")
        body = self._send(
            "POST",
            self.endpoint,
            timeout,
            data={"query": _with_prefixes(sparql, prefixes)},
            headers={"Accept": N_TRIPLES if graph_form else RESULTS_XML},
        )
        try:
            if graph_form:
                triples = (
                    ox.Triple(q.subject, q.predicate, q.object)
                    for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
                )
                return ox_answer(triples, limit)
            return ox_answer(ox.parse_query_results(body, format=ox.QueryResultsFormat.XML), limit)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"the SPARQL server's answer is not valid: {exc}") from exc

    def named_graphs(self) -> list[str]:
        return [g for g in super().named_graphs() if not _server_graph(g)]

    def count_by_graph(self) -> dict[str, int]:
        return {g: n for g, n in super().count_by_graph().items() if not _server_graph(g)}

    def count_by_class(self) -> dict[str, int]:
        return {c: n for c, n in super().count_by_class().items() if not _server_graph(c)}

    def _size(self) -> int:
        return sum(self.count_by_graph().values())

    def has_graph(self) -> bool:
        return bool(self.named_graphs())

    def dump(self, fmt: str, *, graph: str | None = None) -> bytes:
        target_format = rdf_format(fmt)
        graphs = [graph] if graph is not None else self.named_graphs()
        quads = [quad for name in graphs for quad in self._graph_quads(name)]
        if fmt in QUAD_FORMATS and graph is None:
            return _serialised(quads, target_format, fmt)
        triples = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
        return _serialised(triples, target_format, fmt)

    def _graph_quads(self, graph: str) -> list[ox.Quad]:
        """Every quad of one graph, in pages of ``PAGE`` rows; an error if the server's row
        cap cut a page short of the graph's own count."""
        name = ox.NamedNode(graph)
        expected = self._count(graph)
        quads: list[ox.Quad] = []
        while len(quads) < expected:
            page = self._send(
                "POST",
                self.endpoint,
                None,
                data={
                    "query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} "
                    f"ORDER BY ?s ?p ?o LIMIT {PAGE} OFFSET {len(quads)}"
                },
                headers={"Accept": N_TRIPLES},
            )
            got = [
                ox.Quad(q.subject, q.predicate, q.object, name)
                for q in ox.parse(page, format=ox.RdfFormat.N_TRIPLES)
            ]
            if not got:
                break
            quads += got
        if len(quads) != expected:
            raise StoreError(
                f"the SPARQL server returned {len(quads)} of the {expected} triples of {graph}: "
                "its row cap is below KG_STORE_PAGE "
                f"({PAGE}); raise it (Virtuoso: [SPARQL] ResultSetMaxRows) or lower KG_STORE_PAGE"
            )
        return quads

    def _count(self, graph: str) -> int:
        result = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return integer(result.rows[0][0])

    # writing

    def update(
        self,
        sparql: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Changes:
        request = parse_request(sparql, tuple(prefixes or ()))
        if request.operation != "update":
            raise InputError("not an update: use query() for queries")
        before = self._size()
        self._send(
            "POST", self.endpoint, timeout, data={"update": _with_prefixes(sparql, prefixes)}
        )
        return Changes(before=before, after=self._size())

    def replace(self, dataset: Dataset, *, keep: Iterable[str] = ()) -> None:
        wanted = set(keep)
        by_graph: dict[str, list[ox.Triple]] = defaultdict(list)
        for graph in dataset.graphs():
            if graph.identifier == DATASET_DEFAULT_GRAPH_ID:
                if len(graph):
                    raise StoreError("a SPARQL server store takes named graphs only")
                continue
            triples = by_graph[str(graph.identifier)]
            for subject, predicate, obj in graph:
                try:
                    triples.append(ox.Triple(to_ox(subject), to_ox(predicate), to_ox(obj)))
                except ValueError as exc:
                    raise StoreError(f"cannot store a triple of {graph.identifier}: {exc}") from exc
        old = self.named_graphs()
        for name, triples in by_graph.items():
            self._put(name, triples, replace=True)
        for name in old:
            if name not in by_graph and name not in wanted:
                self._send(
                    "POST", self.endpoint, None, data={"update": f"DROP SILENT GRAPH <{name}>"}
                )

    def load(self, data: bytes, fmt: str, *, graph: str, metadata: Dataset | None = None) -> int:
        try:
            target = ox.NamedNode(graph)
        except ValueError as exc:
            raise InputError(f"not an IRI for a named graph: {graph!r} ({exc})") from exc
        quads = parse_rdf(data, fmt, target)
        by_graph: dict[str, list[ox.Triple]] = defaultdict(list)
        for quad in quads:
            assert not isinstance(quad.graph_name, ox.DefaultGraph)  # parse_rdf names it
            by_graph[quad.graph_name.value].append(
                ox.Triple(quad.subject, quad.predicate, quad.object)
            )
        for named in (metadata or Dataset()).graphs():
            if named.identifier == DATASET_DEFAULT_GRAPH_ID:
                continue
            by_graph[str(named.identifier)] += [
                ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in named
            ]
        for name, triples in by_graph.items():
            self._put(name, triples, replace=False)
        return len(quads)

    def _put(self, graph: str, triples: list[ox.Triple], *, replace: bool) -> None:
        """Graph Store Protocol: PUT replaces the graph, POST adds to it."""
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        self._send(
            "PUT" if replace else "POST",
            self.graph_store,
            None,
            params={"graph-uri": graph},
            data=body,
            headers={"Content-Type": "text/turtle"},
        )

    def close(self) -> None:
        self._session.close()


def _graph_store_beside(endpoint: str) -> str:
    base, _, last = endpoint.rstrip("/").rpartition("/")
    crud = "sparql-graph-crud-auth" if last == "sparql-auth" else "sparql-graph-crud"
    return f"{base}/{crud}"


def _server_graph(iri: str) -> bool:
    return iri.startswith(SERVER_GRAPHS)


def _with_prefixes(sparql: str, prefixes: Mapping[str, str] | None) -> str:
    """The request with the caller's predeclared prefixes written out (a server has none)."""
    declared = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in (prefixes or {}).items())
    return declared + sparql


def _serialised(items: Iterable[Any], target_format: ox.RdfFormat, fmt: str) -> bytes:
    prefixes = None
    if fmt in {"ttl", "trig", "rdfxml"}:
        from kg.rdf.namespaces import prefix_map

        prefixes = prefix_map()
    return ox.serialize(items, format=target_format, prefixes=prefixes) or b""
