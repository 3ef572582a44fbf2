"""RDF for casekg: each stage's triples in its own named graph, plus PROV records.

Only this package builds triples. ``document_graph`` and the other stage graphs return one
rdflib ``Graph`` each; ``assemble`` puts them into a ``Dataset`` under their named-graph
IRIs and adds the provenance records of the command that made them.

A build owns two sorts of named graph: a document's own (``graph/<kind>/<key>`` for each of
``DOCUMENT_GRAPH_KINDS``), which `kg add` and `kg remove` replace or drop together and keep
for every other document; and the shared ones (``SHARED_GRAPH_KINDS``), made again by every
build, add and remove. Any other graph (`kg import`) is the user's and survives them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rdflib import Dataset, Graph, URIRef

from kg.rdf.namespaces import GRAPH, PREFIXES, graph_iri
from kg.rdf.provenance import (
    PROVENANCE_GRAPH,
    BuildActivity,
    InputFile,
    NamedGraph,
    document_record_iri,
    provenance_graph,
)

__all__ = [
    "DOCUMENT_GRAPH_KINDS",
    "PROVENANCE_GRAPH",
    "SHARED_GRAPH_KINDS",
    "BuildActivity",
    "InputFile",
    "NamedGraph",
    "assemble",
    "dataset_graph",
    "document_graph_iris",
    "document_keys",
    "document_record_iri",
    "is_build_graph",
]

# One graph of each kind per document, named graph/<kind>/<key>; the document's provenance
# record (graph/provenance/document/<key>) goes with them.
DOCUMENT_GRAPH_KINDS = ("document", "annotations", "crossref")
# Graphs made once for the whole graph (graph/<kind>, or graph/<kind>/<name> below it).
SHARED_GRAPH_KINDS = ("vocabulary", "ontology", "shapes", "related")


def document_graph_iris(key: str) -> list[str]:
    """Every named graph that belongs to document ``key``, its provenance record included."""
    graphs = [str(graph_iri(kind, key)) for kind in DOCUMENT_GRAPH_KINDS]
    return [*graphs, str(document_record_iri(key))]


def document_keys(graphs: Iterable[str]) -> list[str]:
    """The keys of the documents among ``graphs`` (those with a ``graph/document/<key>``)."""
    base = f"{graph_iri('document')}/"
    return sorted(iri.removeprefix(base) for iri in graphs if iri.startswith(base))


def is_build_graph(iri: str) -> bool:
    """True for graphs a build owns; others (``kg import``) survive a rebuild."""
    if iri == str(PROVENANCE_GRAPH) or iri.startswith(f"{graph_iri('provenance/document')}/"):
        return True
    for kind in DOCUMENT_GRAPH_KINDS:
        if iri.startswith(f"{GRAPH[kind]}/"):
            return True
    for kind in SHARED_GRAPH_KINDS:
        base = str(GRAPH[kind])
        if iri == base or iri.startswith(base + "/"):
            return True
    return False


def dataset_graph(dataset: Dataset, iri: URIRef) -> Graph:
    """The graph named ``iri`` in ``dataset``, for a stage to write its triples into
    directly: ``assemble`` into the same dataset then has nothing to copy (a 1 MB document
    gives ~300k triples, bench/RESULTS.md)."""
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=False)
    return dataset.graph(iri)


def assemble(
    graphs: Sequence[NamedGraph], activity: BuildActivity, dataset: Dataset | None = None
) -> Dataset:
    """The dataset of one command: every graph it made plus the provenance records of them
    (one per record graph the graphs name: a document's own, or the shared one). A graph
    the stage wrote into ``dataset`` already (``dataset_graph``) stays where it is."""
    dataset = Dataset() if dataset is None else dataset
    seen: set[URIRef] = set()
    records: dict[URIRef, list[NamedGraph]] = {}
    for named in graphs:
        if named.iri in seen:
            raise ValueError(f"two stages produced the same named graph {named.iri}")
        seen.add(named.iri)
        records.setdefault(named.record, []).append(named)
        if named.graph.store is dataset.store and named.graph.identifier == named.iri:
            continue
        target = dataset.graph(named.iri)
        for prefix, namespace in named.graph.namespaces():
            dataset.bind(prefix, namespace, override=False)
        target.addN((*triple, target) for triple in named.graph)
    for iri, described in records.items():
        record = dataset.graph(iri)
        for triple in provenance_graph(activity, described):
            record.add(triple)
    return dataset
