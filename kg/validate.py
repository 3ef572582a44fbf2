"""SHACL validation of the graph (ontology/shapes.ttl) with pySHACL.

The data graph is the union of the store's named graphs plus the casekg ontology, so class
targets reach subclasses (a ckg:LabResult is checked as a ckg:Measurement) without running
RDFS inference, which would add thousands of triples and most of the cost.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.errors import InputError, StoreError
from kg.rdf.namespaces import SH, graph_iri, prefixed_graph
from kg.rdf.provenance import NamedGraph
from kg.settings import ONTOLOGY_DIR
from kg.store import GraphStore

SHAPES_PATH = ONTOLOGY_DIR / "shapes.ttl"
ONTOLOGY_PATH = ONTOLOGY_DIR / "casekg.ttl"


@dataclass(frozen=True)
class Violation:
    """One SHACL result: which node, along which path, breaks which rule."""

    focus: str
    path: str | None
    message: str
    severity: str
    shape: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: tuple[Violation, ...]
    triples: int
    seconds: float

    def summary(self) -> str:
        if self.conforms:
            return f"conforms: {self.triples} triples checked against the shapes"
        by_message = Counter(v.message for v in self.violations)
        lines = [f"{len(self.violations)} violation(s) in {self.triples} triples:"]
        lines += [f"  {count:4d} x {message}" for message, count in by_message.most_common()]
        return "\n".join(lines)

    def text(self) -> str:
        """The readable report: a summary, then each violation with focus node and path."""
        blocks = [self.summary()]
        for v in self.violations:
            block = [f"{v.severity}: {v.message}", f"  focus node: {v.focus}"]
            if v.path:
                block.append(f"  path:       {v.path}")
            if v.value:
                block.append(f"  value:      {v.value}")
            if v.shape:
                block.append(f"  shape:      {v.shape}")
            blocks.append("\n".join(block))
        return "\n\n".join(blocks)


def _read_turtle(path: Path) -> Graph:
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many parser error types; all mean bad Turtle
        raise InputError(f"cannot read {path}: {exc}") from exc
    return graph


def validate_graph(
    data: Graph, shapes: Graph | None = None, *, add_ontology: bool = True
) -> ValidationReport:
    """Check ``data`` against the shapes (default: ontology/shapes.ttl).

    Unless ``add_ontology`` is false (a build's data holds it already), the casekg ontology
    is mixed into ``data`` first, which is extended in place.
    """
    started = time.perf_counter()
    if add_ontology:
        data += _read_turtle(ONTOLOGY_PATH)
    conforms, results, _ = shacl_validate(
        data,
        shacl_graph=_read_turtle(SHAPES_PATH) if shapes is None else shapes,
        inference="none",
        inplace=True,
        allow_warnings=False,
    )
    if not isinstance(results, Graph):
        raise TypeError("pySHACL returned no results graph")
    names = prefixed_graph()
    found = results.subjects(RDF.type, SH.ValidationResult)
    violations = sorted(
        (_violation(results, result, names) for result in found),
        key=lambda v: (v.message, v.focus, v.path or ""),
    )
    return ValidationReport(
        conforms=bool(conforms),
        violations=tuple(violations),
        triples=len(data),
        seconds=time.perf_counter() - started,
    )


def validate_named_graphs(graphs: Sequence[NamedGraph]) -> ValidationReport:
    """Check a build's graphs together against its own shapes graph (``graph/shapes``)."""
    data, shapes = Graph(), Graph()
    for named in graphs:
        if named.iri == graph_iri("shapes"):
            shapes = named.graph
        else:
            data += named.graph
    return validate_graph(data, shapes, add_ontology=False)


def validate_store(store: GraphStore) -> ValidationReport:
    """Validate every named graph of the store together."""
    if not store.has_graph():
        raise StoreError("the store holds no graph yet: run `kg build` first")
    return validate_graph(store.read_graph())


def _violation(results: Graph, result: Node, names: Graph) -> Violation:
    severity = results.value(result, SH.resultSeverity)
    shape = results.value(result, SH.sourceShape)
    value = results.value(result, SH.value)
    return Violation(
        focus=_show(results.value(result, SH.focusNode), names),
        path=_show_path(results, results.value(result, SH.resultPath), names),
        message=str(results.value(result, SH.resultMessage) or "shape not satisfied"),
        severity=_show(severity, names).removeprefix("sh:"),
        shape=_show(shape, names) if isinstance(shape, URIRef) else None,
        value=_show(value, names) if value is not None else None,
    )


def _show(term: Node | None, names: Graph) -> str:
    if isinstance(term, URIRef):
        try:
            return names.namespace_manager.normalizeUri(term)
        except ValueError:
            return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3(names.namespace_manager)
    return str(term)


def _show_path(results: Graph, path: Node | None, names: Graph) -> str | None:
    """A SHACL property path as people write it: ``a / b`` sequences, ``a | b`` alternatives."""
    if path is None:
        return None
    if isinstance(path, BNode):
        if results.value(path, RDF.first) is not None:
            steps = Collection(results, path)
            return " / ".join(_show_path(results, step, names) or "?" for step in steps)
        alternatives = results.value(path, SH.alternativePath)
        if alternatives is not None:
            steps = Collection(results, alternatives)
            return " | ".join(_show_path(results, step, names) or "?" for step in steps)
        inverse = results.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{_show_path(results, inverse, names)}"
    return _show(path, names)
