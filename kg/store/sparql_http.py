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
  silently) and ``MaxQueryExecutionTime``. A dump compares what it got with the graph's
  count, so a cap is an error that says so, never a short export (paging is no way round:
  Virtuoso sorts at most 10,000 rows for an ORDER BY ... OFFSET); set the cap in
  virtuoso.ini for big answers (tests/virtuoso_server.py sets 10,000,000).
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
from kg.queries import internal_query
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
CONNECT_TIMEOUT = 10.0
RESULTS_XML = "application/sparql-results+xml"
N_TRIPLES = "application/n-triples"
EMPTY_GRAPH = "urn:x-casekg:no-graph"
"""Named as the whole dataset while casekg has no graph on the server (else it would be
the server's own default)."""


class SparqlHttpStore(GraphStore):
    def __init__(self, location: str, *, create: bool = False) -> None:
        self.location = location
        self.endpoint = location.removeprefix(SCHEME)
        self.graph_store = os.environ.get("KG_STORE_GRAPH_STORE") or _graph_store_beside(
            self.endpoint
        )
        self._session = requests.Session()
        self._known_graphs: list[str] | None = None
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
        return self._query(sparql, prefixes, timeout, limit)

    def _query(
        self,
        sparql: str,
        prefixes: Mapping[str, str] | None = None,
        timeout: float | None = None,
        limit: int | None = None,
        named: list[str] | None = None,
    ) -> QueryResult:
        """Queries see casekg's graphs only (``named``: these; ``[]``: the server's own
        dataset, to list the graphs)."""
        request = parse_request(sparql, tuple(prefixes or ()))
        if request.operation == "update":
            raise InputError("this is an update: use update()")
        graph_form = request.operation in ("construct", "describe")
        body = self._send(
            "POST",
            self.endpoint,
            timeout,
            data={"query": _with_prefixes(sparql, prefixes), **self._dataset(named)},
            headers={"Accept": N_TRIPLES if graph_form else RESULTS_XML},
        )
        try:
            if graph_form:
                triples = (
                    ox.Triple(q.subject, q.predicate, q.object)
                    for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
                )
                return ox_answer(triples, limit)
            answer = ox_answer(
                ox.parse_query_results(body, format=ox.QueryResultsFormat.XML), limit
            )
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"the SPARQL server's answer is not valid: {exc}") from exc
        if request.operation == "ask" and answer.form == "select":
            return _ask_as_select(answer)
        return answer

    def _dataset(self, named: list[str] | None) -> dict[str, list[str]]:
        """The Protocol's dataset parameters: casekg's graphs as the default graph (their
        union) and as the named graphs, so that the server's own graphs stay out."""
        if named == []:
            return {}
        graphs = (named if named is not None else self._graphs()) or [EMPTY_GRAPH]
        return {"default-graph-uri": graphs, "named-graph-uri": graphs}

    def named_graphs(self) -> list[str]:
        result = self._query(internal_query("store/named_graphs"), named=[])
        return [str(row[0]) for row in result.rows if not _server_graph(str(row[0]))]

    def _graphs(self) -> list[str]:
        """casekg's graphs on the server, asked once and again after each write."""
        if self._known_graphs is None:
            self._known_graphs = self.named_graphs()
        return self._known_graphs

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
        """Every quad of one graph; an error if the server's row cap cut the answer short
        of the graph's own count (never a short export)."""
        name = ox.NamedNode(graph)
        expected = self._count(graph)
        body = self._send(
            "POST",
            self.endpoint,
            None,
            data={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
            headers={"Accept": N_TRIPLES},
        )
        quads = [
            ox.Quad(q.subject, q.predicate, q.object, name)
            for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        ]
        if len(quads) != expected:
            raise StoreError(
                f"the SPARQL server returned {len(quads)} of the {expected} triples of {graph}: "
                "raise its row cap (Virtuoso: ResultSetMaxRows in the [SPARQL] section)"
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
        request.check_update()
        before = self._size()
        self._known_graphs = None
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
        self._known_graphs = None
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
        self._known_graphs = None
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


def _ask_as_select(answer: QueryResult) -> QueryResult:
    """Virtuoso 7 answers ASK as one row of one integer (``__ASK_RETVAL``): a boolean."""
    values = [str(row[0]) for row in answer.rows if row and row[0] is not None]
    return QueryResult(form="ask", boolean=bool(values) and values[0] in ("1", "true"))


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
