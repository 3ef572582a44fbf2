"""kg.validate_shapes gives pySHACL's results: on the seed's whole build, and on that build
broken at random in ways that reach every constraint of ontology/shapes.ttl."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from kg.rdf import BuildDataset, dataset_graph
from kg.rdf.namespaces import OA, SH, graph_iri
from kg.store import open_store
from kg.validate import (
    SHAPES_PATH,
    Violation,
    pyshacl_results,
    validate_dataset,
    validate_graph,
)
from kg.validate_shapes import UnsupportedShapes, compile_shapes

STRANGER = URIRef("https://example.org/stranger")
SELECTOR = URIRef("https://example.org/selector")
EXAMPLE_SHAPE = URIRef("https://example.org/ExampleShape")
REPLACEMENTS: tuple[Node, ...] = (
    Literal(""),
    Literal("x"),
    Literal("x", lang="en"),
    Literal("x", lang="EN"),
    Literal(-3),
    Literal(0),
    Literal(7),
    Literal(Decimal("0.0")),
    Literal(Decimal("2.5")),
    Literal("2019", datatype=XSD.gYear),
    Literal("12a", datatype=XSD.integer),
    STRANGER,
    URIRef("http://id.nlm.nih.gov/mesh/D000001"),
)


@pytest.fixture(scope="module")
def seed_graph(seed_store: Path) -> Graph:
    """Every graph of the seed's build (ontology and shapes included) in one graph."""
    with open_store(seed_store) as store:
        return store.read_graph()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_PATH, format="turtle")


def _both(data: Graph, shapes: Graph) -> tuple[list[Violation], list[Violation]]:
    compiled = validate_graph(data, shapes, add_ontology=False)
    conforms, reference = pyshacl_results(data, shapes)
    assert compiled.conforms == conforms
    return list(compiled.violations), reference


def _broken(graph: Graph, seed: int, changes: int) -> Graph:
    """A copy of ``graph`` with ``changes`` random edits of the triples the shapes read (a
    predicate a shape names, or a type a shape targets): one removed, an object replaced by
    another kind of term, a second object added. Drawn from those triples only, so what the
    edits reach does not depend on how many other triples a build writes."""
    rng = random.Random(seed)
    broken = Graph()
    broken += graph
    named = {term for term in Graph().parse(SHAPES_PATH).all_nodes() if isinstance(term, URIRef)}
    shaped = sorted(
        (
            (subject, predicate, value)
            for subject, predicate, value in broken
            if not isinstance(subject, BNode)
            and (predicate in named if predicate != RDF.type else value in named)
        ),
        key=lambda triple: tuple(map(str, triple)),
    )
    for triple in rng.sample(shaped, changes):
        subject, predicate, _ = triple
        edit = rng.randrange(3)
        replacement = rng.choice(REPLACEMENTS)
        if edit in (0, 1):
            broken.remove(triple)
        if edit in (1, 2) and predicate != RDF.type:
            broken.add((subject, predicate, replacement))
    return broken


def test_the_seed_build_conforms_for_both(seed_graph: Graph, shapes: Graph) -> None:
    compiled, reference = _both(seed_graph, shapes)
    assert compiled == reference == []


@pytest.mark.parametrize("seed", range(6))
def test_a_randomly_broken_build_gives_pyshacls_results(
    seed_graph: Graph, shapes: Graph, seed: int
) -> None:
    compiled, reference = _both(_broken(seed_graph, seed, changes=400), shapes)
    assert reference
    assert compiled == reference


def test_each_kind_of_constraint_is_reached_by_the_broken_builds(
    seed_graph: Graph, shapes: Graph
) -> None:
    """The random edits above break the rules of every shape the seed's build has focus
    nodes for, so the equality is not shown on a few easy rules only."""
    messages: set[str] = set()
    for seed in range(6):
        messages |= {v.message for v in _both(_broken(seed_graph, seed, 400), shapes)[1]}
    expected = {
        "reference has no title and does not say that the printed reference gives none"
        " (dcterms:title or ckg:titleNotStated)",
        "annotation has no body",
        "a concept mention's body must be one vocabulary concept",
        "selector needs one oa:start, a non-negative integer before its oa:end",
        "quote selector needs one non-empty oa:exact",
        "concept needs a preferred label, at most one per language",
        "measurement has no unit (ckg:ucumUnit, a UCUM code)",
    }
    assert expected <= messages


def test_shapes_the_checker_does_not_implement_are_checked_by_pyshacl(seed_graph: Graph) -> None:
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix oa: <http://www.w3.org/ns/oa#> .
        <https://example.org/ExactShape> a sh:NodeShape ;
            sh:targetClass oa:TextQuoteSelector ;
            sh:property [ sh:path oa:exact ; sh:maxLength 3 ; sh:message "too long" ] .
        """,
        format="turtle",
    )
    with pytest.raises(UnsupportedShapes):
        compile_shapes(shapes)
    report = validate_graph(seed_graph, shapes, add_ontology=False)
    assert not report.conforms
    assert {v.message for v in report.violations} == {"too long"}


@pytest.mark.parametrize("checker", ["compiled", "pyshacl"])
def test_a_build_datasets_large_graph_is_checked(checker: str) -> None:
    """The annotations graph a build keeps beside rdflib's store is part of what either
    checker sees."""
    dataset = BuildDataset()
    shapes = Graph().parse(SHAPES_PATH, format="turtle")
    if checker == "pyshacl":
        shapes.add((EXAMPLE_SHAPE, SH.targetClass, OA.TextQuoteSelector))
        shapes.add((EXAMPLE_SHAPE, SH.deactivated, Literal(False)))
    stored_shapes = dataset_graph(dataset, graph_iri("shapes"))
    stored_shapes += shapes
    annotations = dataset_graph(dataset, graph_iri("annotations", "k"), large=True)
    annotations.add((SELECTOR, RDF.type, OA.TextQuoteSelector))
    annotations.add((SELECTOR, OA.prefix, Literal("a")))
    annotations.add((SELECTOR, OA.prefix, Literal("b")))
    report = validate_dataset(dataset, scope="the test's graphs")
    assert {(v.focus, v.path) for v in report.violations} == {
        ("<https://example.org/selector>", "oa:exact"),
        ("<https://example.org/selector>", "oa:prefix"),
    }
