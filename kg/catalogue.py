"""What documents the graph holds: the saved query ``documents`` read into plain records.

`kg documents` prints them; `kg remove` finds the document a user names among them (by key,
DOI or the file it was built from).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import Literal
from rdflib.term import Node

from kg.doi import InvalidDoi, normalize_doi
from kg.errors import InputError
from kg.query import run_query, saved_query
from kg.store import GraphStore

COUNTS = ("references", "resolved", "pointers", "mentions", "claims")


@dataclass(frozen=True)
class StoredDocument:
    """One case report in the graph: the key that names its graphs, and what it gave."""

    key: str
    title: str | None
    doi: str | None
    files: tuple[str, ...]
    built: str | None
    counts: dict[str, int]


def stored_documents(store: GraphStore) -> list[StoredDocument]:
    """Every document in the graph, in key order (none when nothing is built yet)."""
    if not store.has_graph():
        return []
    result = run_query(store, saved_query("documents").text, timeout=None, limit=None)
    assert result is not None
    return [
        StoredDocument(
            key=str(row["key"]),
            title=_text(row.get("title")),
            doi=_text(row.get("doi")),
            files=tuple(str(row.get("files", "")).split()),
            built=_text(row.get("built")),
            counts={name: _count(row.get(name)) for name in COUNTS},
        )
        for row in result.bindings()
    ]


def find_document(name: str, documents: Sequence[StoredDocument]) -> StoredDocument:
    """The document ``name`` stands for: its key, its DOI or the name of its source file."""
    try:
        doi = normalize_doi(name)
    except InvalidDoi:
        doi = None
    for matches in (
        [d for d in documents if d.key == name],
        [d for d in documents if doi is not None and d.doi and d.doi.lower() == doi.lower()],
        [d for d in documents if name in d.files],
    ):
        if len(matches) == 1:
            return matches[0]
        if matches:
            keys = ", ".join(d.key for d in matches)
            raise InputError(f"{name!r} names more than one document ({keys}): give the key")
    held = ", ".join(d.key for d in documents) or "none"
    raise InputError(f"no document {name!r} in the graph (it holds: {held}; see kg documents)")


def _text(term: Node | None) -> str | None:
    return str(term) if term is not None else None


def _count(term: Node | None) -> int:
    return int(term.toPython()) if isinstance(term, Literal) else 0
