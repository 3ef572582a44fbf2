"""The triple store: the one package that knows which store is behind the graph.

Everyone else gets a ``GraphStore`` from ``open_store`` and asks it to query, update, load,
dump, count and read graphs into rdflib. Two implementations: embedded Oxigraph on disk
(kg.store.oxigraph, the default: a directory) and any SPARQL 1.1 server through the Protocol
and the Graph Store Protocol (kg.store.sparql_http: a ``sparql+http://…`` location).
"""

from __future__ import annotations

from pathlib import Path

from kg.store.base import (
    EXTENSIONS,
    QUAD_FORMATS,
    RDF_FORMATS,
    Changes,
    GraphStore,
    QueryResult,
    QueryTimeout,
    format_for_path,
)
from kg.store.oxigraph import OxigraphStore, StoreDamaged

__all__ = [
    "EXTENSIONS",
    "QUAD_FORMATS",
    "RDF_FORMATS",
    "Changes",
    "GraphStore",
    "OxigraphStore",
    "QueryResult",
    "QueryTimeout",
    "StoreDamaged",
    "format_for_path",
    "is_server_location",
    "open_store",
]


def is_server_location(location: Path | str) -> bool:
    """True for a SPARQL server's endpoint (``sparql+http://…`` or ``sparql+https://…``)."""
    return isinstance(location, str) and location.startswith(("sparql+http://", "sparql+https://"))


def open_store(location: Path | str, *, create: bool = False) -> GraphStore:
    """The store at ``location`` (a directory, or ``sparql+http://…`` for a SPARQL server);
    a store with no graph yet is a StoreError unless ``create`` is set."""
    if is_server_location(location):
        from kg.store.sparql_http import SparqlHttpStore

        return SparqlHttpStore(str(location), create=create)
    return OxigraphStore(Path(location), create=create)
