"""RDF for casekg: each stage's triples in its own named graph, plus a PROV record.

Only this package builds triples. ``document_graph`` and the other stage graphs return one
rdflib ``Graph`` each; ``assemble`` puts them into a ``Dataset`` under their named-graph
IRIs and adds the provenance graph of the build.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Dataset, URIRef

from kg.rdf.namespaces import GRAPH, graph_iri
from kg.rdf.provenance import BuildActivity, InputFile, NamedGraph, provenance_graph

__all__ = [
    "BUILD_GRAPH_KINDS",
    "BuildActivity",
    "InputFile",
    "NamedGraph",
    "assemble",
    "is_build_graph",
]

# Named graphs a build writes: a rebuild replaces all of them (keyed kinds per document).
BUILD_GRAPH_KINDS = ("document", "annotations", "crossref", "vocabulary", "ontology", "shapes")
PROVENANCE_GRAPH = graph_iri("provenance")


def is_build_graph(iri: str) -> bool:
    """True for graphs a build owns; others (``kg import``) survive a rebuild."""
    if iri == str(PROVENANCE_GRAPH):
        return True
    for kind in BUILD_GRAPH_KINDS:
        base = str(GRAPH[kind])
        if iri == base or iri.startswith(base + "/"):
            return True
    return False


def assemble(graphs: Sequence[NamedGraph], activity: BuildActivity) -> Dataset:
    """The dataset of one build: every stage graph plus the build's provenance graph."""
    dataset = Dataset()
    seen: set[URIRef] = set()
    for named in graphs:
        if named.iri in seen:
            raise ValueError(f"two stages produced the same named graph {named.iri}")
        seen.add(named.iri)
        target = dataset.graph(named.iri)
        for prefix, namespace in named.graph.namespaces():
            dataset.bind(prefix, namespace, override=False)
        for triple in named.graph:
            target.add(triple)
    record = dataset.graph(PROVENANCE_GRAPH)
    for triple in provenance_graph(activity, graphs):
        record.add(triple)
    return dataset
