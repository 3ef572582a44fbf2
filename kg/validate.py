"""SHACL validation of the graph (ontology/shapes.ttl): by kg.validate_shapes, which
implements the SHACL features the bundled shapes use with pySHACL's results, and by pySHACL
itself for shapes that use any other.

The data graph is the union of the named graphs plus the casekg ontology, so class targets
reach subclasses (a ckg:LabResult is checked as a ckg:Measurement) without running RDFS
inference, which would add thousands of triples and most of the cost.

What is counted: the distinct triples of that union (a triple in two named graphs counts
once, the shapes graph included). `kg build` checks the graphs it wrote, `kg validate` every
graph in the store, so after a fresh build the two agree; the store's own count (`kg stats`,
the build's "total") adds up its graphs, so a triple in two graphs counts twice there.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import BNode, ConjunctiveGraph, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.errors import InputError, StoreError
from kg.rdf.namespaces import SH, graph_iri, prefixed_graph
from kg.settings import ONTOLOGY_DIR
from kg.store import GraphStore
from kg.validate_shapes import DataIndex, Result, Triple, UnsupportedShapes, compile_shapes

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
    scope: str = "the graph given"
    """Which named graphs were checked, said in the summary."""

    def summary(self) -> str:
        checked = f"{self.triples} distinct triples of {self.scope}"
        if self.conforms:
            return f"conforms: {checked} checked against the shapes"
        by_message = Counter(v.message for v in self.violations)
        lines = [f"{len(self.violations)} violation(s) in {checked}:"]
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
    data: Graph,
    shapes: Graph | None = None,
    *,
    add_ontology: bool = True,
    scope: str = "the graph given",
) -> ValidationReport:
    """Check ``data`` against the shapes (default: ontology/shapes.ttl).

    Unless ``add_ontology`` is false (a build's data holds it already), the casekg ontology
    is mixed into ``data`` first, which is extended in place. A ``Dataset`` is checked as
    the union of its graphs. The shapes are checked by kg.validate_shapes where it
    implements every feature they use (the bundled ones), else by pySHACL; both give the
    same results (tests/test_validate_shapes.py).
    """
    started = time.perf_counter()
    if add_ontology:
        data += _read_turtle(ONTOLOGY_PATH)
    shapes_graph = _read_turtle(SHAPES_PATH) if shapes is None else shapes
    return _validate(lambda: _triples(data), lambda: data, shapes_graph, scope, started)


def _validate(
    triples: Callable[[], Iterable[Triple]],
    graph: Callable[[], Graph],
    shapes: Graph,
    scope: str,
    started: float,
) -> ValidationReport:
    """The report on the data (``triples``, or the same as one ``graph`` for pySHACL)."""
    try:
        compiled = compile_shapes(shapes)
        index = DataIndex.of(triples(), compiled.target_predicates)
        results = compiled.validate(index)
    except UnsupportedShapes:
        data = graph()
        conforms, violations = pyshacl_results(data, shapes)
        count = len(data)
    else:
        names = prefixed_graph()
        found = [_compiled_violation(shapes, result, names) for result in results]
        violations = sorted(found, key=_order)
        conforms = not results
        count = index.triples
    return ValidationReport(
        conforms=conforms,
        violations=tuple(violations),
        triples=count,
        seconds=time.perf_counter() - started,
        scope=scope,
    )


def _triples(data: Graph) -> Iterator[Triple]:
    """Every triple of ``data``, of each of its graphs in turn where it has several: asking
    rdflib's union for them works out the graphs of each triple, which cost seconds at 1 MB."""
    if not isinstance(data, ConjunctiveGraph):
        return data.triples((None, None, None))
    return itertools.chain.from_iterable(
        graph.triples((None, None, None)) for graph in data.contexts()
    )


def pyshacl_results(data: Graph, shapes: Graph) -> tuple[bool, list[Violation]]:
    """pySHACL's verdict and results for ``data`` (which holds the ontology already): the
    reference kg.validate_shapes is held to, and what checks shapes it does not implement."""
    conforms, results, _ = shacl_validate(
        data, shacl_graph=shapes, inference="none", inplace=True, allow_warnings=False
    )
    if not isinstance(results, Graph):
        raise TypeError("pySHACL returned no results graph")
    names = prefixed_graph()
    found = results.subjects(RDF.type, SH.ValidationResult)
    violations = sorted(
        (_violation(results, result, names) for result in found),
        key=_order,
    )
    return bool(conforms), violations


def validate_dataset(dataset: Dataset, *, scope: str) -> ValidationReport:
    """Check the union of a build's named graphs (``dataset.graphs()``, the write-only ones
    of a ``kg.rdf.BuildDataset`` too) against its own shapes graph (``graph/shapes``),
    reading each graph where it is: copying a large document's graphs into one data graph
    first cost as much as checking them."""
    started = time.perf_counter()

    def triples() -> Iterator[Triple]:
        return itertools.chain.from_iterable(
            graph.triples((None, None, None)) for graph in dataset.graphs()
        )

    def union() -> Graph:
        data = Graph()
        data.addN((*triple, data) for triple in triples())
        return data

    shapes = dataset.graph(graph_iri("shapes"))
    return _validate(triples, union, shapes, scope, started)


def validate_store(store: GraphStore) -> ValidationReport:
    """Validate every named graph of the store together (with the casekg ontology from
    ontology/ when the store holds none)."""
    if not store.has_graph():
        raise StoreError("the store holds no graph yet: run `kg build` first")
    has_ontology = str(graph_iri("ontology")) in store.named_graphs()
    return validate_graph(
        store.read_graph(), add_ontology=not has_ontology, scope="every named graph in the store"
    )


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


def _order(violation: Violation) -> tuple[str, str, str, str]:
    return (violation.message, violation.focus, violation.path or "", violation.value or "")


def _compiled_violation(shapes: Graph, result: Result, names: Graph) -> Violation:
    return Violation(
        focus=_show(result.focus, names),
        path=_show_path(shapes, result.path, names),
        message=result.message or "shape not satisfied",
        severity=_show(result.severity, names).removeprefix("sh:"),
        shape=_show(result.shape, names) if isinstance(result.shape, URIRef) else None,
        value=_show(result.value, names) if result.value is not None else None,
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
