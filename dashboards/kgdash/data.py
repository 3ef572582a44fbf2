"""The store, opened once per process, and saved queries run by name with cached answers.

Why: every page reads the graph through saved ``.rq`` files (the dashboard's own in
dashboards/queries/, the project's in kg/queries/, the related layer's in
kg/queries/network/), so each panel can show the SPARQL that produced it. Answers are cached
per published store version: a new ``kg build`` changes ``CURRENT`` and so every cache key.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st
from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.queries import QUERIES_DIR
from kg.query import SavedQuery, saved_queries, saved_query, with_bindings
from kg.rdf.namespaces import prefix_map
from kg.settings import Settings
from kg.store import GraphStore, QueryResult, open_store
from kg.store.oxigraph import CURRENT

DASHBOARD_QUERIES = Path(__file__).resolve().parent.parent / "queries"
NETWORK_QUERIES_ENV = "KG_NETWORK_QUERIES"
"""Where the related layer's saved queries are read from (default kg/queries/network/):
tests point it at stand-ins."""


SPARQL_TIME_LIMIT = 10.0
SPARQL_ROW_CAP = 5_000
"""The SPARQL page's limits per query (stated on the page)."""


def network_queries() -> Path:
    return Path(os.environ.get(NETWORK_QUERIES_ENV) or QUERIES_DIR / "network")


def query_dirs() -> tuple[Path, ...]:
    return (DASHBOARD_QUERIES, QUERIES_DIR, network_queries())


def find_saved(name: str) -> SavedQuery | None:
    """A saved query by name from the dashboard's, the project's or the network folder."""
    for directory in query_dirs():
        if (directory / f"{name}.rq").is_file():
            return saved_query(name, directory)
    return None


def user_saved_queries() -> list[SavedQuery]:
    """The queries offered on the SPARQL page: the project's and the network ones."""
    found = {q.name: q for q in saved_queries(QUERIES_DIR)}
    if network_queries().is_dir():
        found.update({q.name: q for q in saved_queries(network_queries())})
    return [found[name] for name in sorted(found)]


@dataclass(frozen=True)
class Rows:
    """A saved query's answer as plain strings (unbound = ""), with the SPARQL it ran."""

    name: str
    text: str
    variables: tuple[str, ...] = ()
    rows: list[dict[str, str]] = field(default_factory=list)
    truncated: bool = False
    missing: bool = False  # no saved query by this name (its layer is not installed)


def location() -> str:
    return str(Settings.resolve().store)


def store_version(where: str) -> str:
    """The published version's name: it changes with every build, and keys every cache."""
    try:
        return (Path(where) / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


_OPENING = threading.Lock()


@st.cache_resource(max_entries=2, show_spinner=False)
def _open(where: str, version: str) -> GraphStore:
    """One read-only handle per process and version, shared by every session (read-only
    pyoxigraph handles are safe across threads; pinning the version is done once here)."""
    with _OPENING:
        handle = open_store(where)
        handle.query("ASK {}")
    return handle


def store() -> GraphStore:
    """The store this process serves; KgError (with what to do) when there is none."""
    where = location()
    return _open(where, store_version(where))


def _plain(term: Node | None) -> str:
    return "" if term is None else str(term)


@st.cache_data(max_entries=512, show_spinner=False)
def _answer(
    where: str, version: str, name: str, bound: tuple[tuple[str, str, bool], ...], network: str
) -> Rows:
    query = find_saved(name)  # ``network`` (the folder searched) is part of the cache key
    if query is None:
        return Rows(name, "", missing=True)
    bindings: dict[str, Node] = {
        var: URIRef(value) if is_iri else Literal(value) for var, value, is_iri in bound
    }
    text = with_bindings(query.text, bindings) if bindings else query.text
    # A saved query is the project's own read-only file: it goes straight to the store,
    # without kg.query's safety parse (rdflib's parser is slow and, behind its lock, would
    # queue every session's panels one after another).
    result = _open(where, version).query(text, prefixes=prefix_map(), timeout=None)
    if result.form != "select":
        return Rows(name, text)
    rows = [
        {var: _plain(term) for var, term in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]
    return Rows(name, text, tuple(result.variables), rows, result.truncated)


def saved(name: str, **bindings: Node) -> Rows:
    """Run a saved query by name (variables fixed by ``bindings``); cached per version."""
    where = location()
    bound = tuple(
        (var, str(term), isinstance(term, URIRef)) for var, term in sorted(bindings.items())
    )
    return _answer(where, store_version(where), name, bound, str(network_queries()))


def saved_result(query: SavedQuery, *, timeout: float, limit: int) -> tuple[QueryResult, float]:
    """A saved query run as the SPARQL page runs it (its time limit and row cap), once per
    store version and shared by every session, with the seconds that run took. Saved
    queries are the project's own read-only files: no read-only parse is needed."""
    where = location()
    return _result(where, store_version(where), query.text, timeout, limit)


@st.cache_resource(max_entries=64, show_spinner=False)
def _result(
    where: str, version: str, text: str, timeout: float, limit: int
) -> tuple[QueryResult, float]:
    started = time.perf_counter()
    result = _open(where, version).query(text, prefixes=prefix_map(), timeout=timeout, limit=limit)
    return result, time.perf_counter() - started


def clear_caches() -> None:
    _answer.clear()
    _result.clear()
    _open.clear()
