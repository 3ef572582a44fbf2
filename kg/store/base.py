"""What casekg asks of a triple store, whichever store it is (see kg.store).

Named graphs are given as IRI strings; terms come back as rdflib terms. Queries, and the
WHERE of an update, see the union of all graphs as their default graph (``GRAPH ?g``
still names one); what an update writes or deletes names its graph.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

from kg.errors import InputError, KgError, StoreError
from kg.queries import internal_query

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
QUAD_FORMATS = frozenset({"trig", "nq", "jsonld"})
EXTENSIONS = {
    ".ttl": "ttl",
    ".nt": "nt",
    ".trig": "trig",
    ".nq": "nq",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "rdfxml",
    ".xml": "rdfxml",
    ".owl": "rdfxml",
}

QueryForm = Literal["select", "ask", "graph"]


class QueryTimeout(KgError):
    """A query ran longer than its time limit and was stopped."""

    exit_code = 2


@dataclass(frozen=True)
class QueryResult:
    """A query's answer in rdflib terms, whatever store produced it.

    ``form`` is ``select`` (``variables`` and ``rows``, ``None`` for unbound), ``ask``
    (``boolean``) or ``graph`` for CONSTRUCT/DESCRIBE (rows of subject, predicate, object).
    ``truncated`` says the row limit cut the answer short.
    """

    form: QueryForm
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Node | None, ...], ...] = ()
    boolean: bool | None = None
    truncated: bool = False

    def bindings(self) -> list[dict[str, Node]]:
        """Rows as dictionaries of the bound variables."""
        return [
            {name: term for name, term in zip(self.variables, row, strict=True) if term is not None}
            for row in self.rows
        ]

    def graph(self) -> Graph:
        """The triples of a CONSTRUCT or DESCRIBE answer."""
        graph = Graph()
        for subject, predicate, obj in self.rows:
            graph.add((subject, predicate, obj))  # type: ignore[arg-type]
        return graph


@dataclass(frozen=True)
class Changes:
    """What an update did, counted in quads (a triple in one named graph).

    ``added`` and ``removed`` are exact where the store can tell (embedded Oxigraph compares
    the versions before and after); a remote server only reports its size before and after,
    so there they are ``None``.
    """

    before: int
    after: int
    added: int | None = None
    removed: int | None = None

    @property
    def changed(self) -> bool | None:
        """Whether anything changed; None when a server cannot tell (same size after)."""
        if self.added is not None and self.removed is not None:
            return bool(self.added or self.removed)
        return True if self.before != self.after else None

    def describe(self) -> str:
        """One line for people: what changed, or that nothing did."""
        if self.added is not None and self.removed is not None:
            if not self.changed:
                return f"the update changed nothing (the store holds {self.after} triples)"
            return (
                f"the update added {self.added} and removed {self.removed} triples "
                f"(the store holds {self.after})"
            )
        if self.before == self.after:
            return (
                f"the store holds {self.after} triples, as before the update "
                "(the server does not say whether triples were swapped)"
            )
        return f"the update took the store from {self.before} to {self.after} triples"


def format_for_path(path: Path) -> str:
    """The RDF format name a file's extension stands for."""
    name = EXTENSIONS.get(path.suffix.lower())
    if name is None:
        known = ", ".join(sorted(EXTENSIONS))
        raise InputError(f"{path}: unknown RDF file extension {path.suffix!r} (known: {known})")
    return name


def rdf_format(name: str) -> ox.RdfFormat:
    try:
        return RDF_FORMATS[name]
    except KeyError:
        known = ", ".join(RDF_FORMATS)
        raise InputError(f"unknown RDF format {name!r} (known: {known})") from None


class GraphStore(ABC):
    """The store interface: load a named graph, replace everything atomically, SPARQL query
    and update, export. ``OxigraphStore`` and ``SparqlHttpStore`` implement it."""

    location: str
    damage: tuple[str, ...] = ()
    """What was wrong with a store opened to be rebuilt (``create``): said, then replaced."""

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        timeout: float | None = None,
        limit: int | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; ``timeout`` in seconds stops it, ``limit`` caps the rows."""

    @abstractmethod
    def update(
        self,
        sparql: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Changes:
        """Apply a SPARQL update atomically (all of it or none); what it changed."""

    @abstractmethod
    def replace(self, dataset: Dataset, *, keep: Iterable[str] = ()) -> None:
        """Make ``dataset`` (plus the current graphs named in ``keep``) the whole content."""

    @abstractmethod
    def load(self, data: bytes, fmt: str, *, graph: str, metadata: Dataset | None = None) -> int:
        """Add an RDF document (triples go to ``graph``) and ``metadata``; quads added."""

    @abstractmethod
    def dump(self, fmt: str, *, graph: str | None = None) -> bytes:
        """Serialise one named graph, or everything (triple formats get the union)."""

    @abstractmethod
    def has_graph(self) -> bool:
        """True once something has been built or loaded."""

    @abstractmethod
    def close(self) -> None:
        """Let go of the store; the object cannot be used afterwards."""

    def refresh(self) -> None:  # noqa: B027 - a no-op where reads are always current
        """Read the newest published graph from the next request on (a long-running reader
        such as `kg serve` calls this; a server store always answers with its newest)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def named_graphs(self) -> list[str]:
        result = self.query(internal_query("store/named_graphs"))
        return [str(row[0]) for row in result.rows]

    def count_by_graph(self) -> dict[str, int]:
        """Triples per named graph."""
        result = self.query(internal_query("store/triples_by_graph"))
        return {str(g): integer(n) for g, n in result.rows}

    def count_by_class(self) -> dict[str, int]:
        """Distinct instances per rdf:type over all graphs, most frequent first."""
        result = self.query(internal_query("store/instances_by_class"))
        return {str(c): integer(n) for c, n in result.rows}

    def read_graph(self, *graphs: str) -> Graph:
        """The named graphs (all of them if none given) merged into one rdflib Graph."""
        graph = Graph()
        for iri in graphs or self.named_graphs():
            graph.parse(data=self.dump("nt", graph=iri), format="nt")
        return graph


def integer(term: Node | None) -> int:
    if isinstance(term, RdfLiteral):
        return int(term.toPython())
    raise StoreError(f"expected a count, got {term!r}")


# rdflib <-> Oxigraph terms (the only place they meet)


def to_ox(term: Node) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, RdfLiteral):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"cannot store the term {term!r}")


def from_ox(term: Any) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return RdfLiteral(term.value, lang=term.language)
        return RdfLiteral(term.value, datatype=URIRef(term.datatype.value))
    raise StoreError(f"unsupported term in an answer: {term!r}")


def ox_answer(answer: Any, limit: int | None, stopped: Any = None) -> QueryResult:
    """An Oxigraph answer (from a store or parsed from a server's response) as a QueryResult,
    cut at ``limit`` rows; ``stopped()`` true ends reading early (a deadline passed)."""
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(form="ask", boolean=bool(answer))
    rows: list[tuple[Node | None, ...]] = []
    truncated = False
    if isinstance(answer, ox.QuerySolutions):
        variables = tuple(v.value for v in answer.variables)
        form: QueryForm = "select"
        items: Iterable[tuple[Any, ...]] = (tuple(s[v] for v in variables) for s in answer)
    else:
        variables = ("subject", "predicate", "object")
        form = "graph"
        items = ((t.subject, t.predicate, t.object) for t in answer)
    for item in items:
        if limit is not None and len(rows) >= limit:
            truncated = True
            break
        if stopped is not None and stopped():
            break
        rows.append(tuple(from_ox(term) for term in item))
    return QueryResult(form=form, variables=variables, rows=tuple(rows), truncated=truncated)
