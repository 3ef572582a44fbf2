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

from collections.abc import Generator, Iterable, Iterator, Sequence
from typing import Any

from rdflib import Dataset, Graph, URIRef
from rdflib.store import Store

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
    "BuildDataset",
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


class BuildDataset(Dataset):
    """A command's dataset, which can hold large graphs beside rdflib's store.

    rdflib's context-aware memory store costs ~16 µs per triple added and ~5 µs per triple
    read back, for the bookkeeping of which graphs hold each triple; a 1 MB case report's
    annotations graph has ~370k triples and its document graph ~80k, which the build writes,
    then checks and stores by reading each once (bench/RESULTS.md). Such a graph
    (``dataset_graph(..., large=True)``) keeps its triples in a plain set, indexed only when
    something first reads it by pattern (the related layer reads the document graphs);
    ``graphs()`` gives it with the others, so the validation and the stores read it like
    any graph of the dataset.
    """

    def __init__(self) -> None:
        super().__init__()
        self.large: dict[URIRef, Graph] = {}

    def graphs(self, triple: Any = None) -> Generator[Graph, None, None]:
        yield from super().graphs(triple)
        if triple is None:
            yield from self.large.values()


class _TripleSet(Store):
    """The store of a large graph: its distinct triples in a set, and an index by subject,
    by predicate and by object made when a pattern is first asked for (and made again after
    the next write). Reading the whole graph needs no index."""

    def __init__(self) -> None:
        super().__init__()
        self._triples: set[tuple[Any, Any, Any]] = set()
        self._index: tuple[_Index, _Index, _Index] | None = None

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        self._triples.add(triple)
        self._index = None

    def addN(self, quads: Iterable[Any]) -> None:
        self._triples.update((s, p, o) for s, p, o, _ in quads)
        self._index = None

    def remove(self, triple: Any, context: Any = None) -> None:
        self._triples -= {found for found, _ in self.triples(triple)}
        self._index = None

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        subject, predicate, obj = triple_pattern
        if subject is None and predicate is None and obj is None:
            yield from ((triple, _NO_CONTEXTS) for triple in self._triples)
            return
        by_subject, by_predicate, by_object = self._indexed()
        if subject is not None:
            candidates = by_subject.get(subject, ())
        elif obj is not None:
            candidates = by_object.get(obj, ())
        else:
            candidates = by_predicate.get(predicate, ())
        for triple in list(candidates):
            if (
                (subject is None or triple[0] == subject)
                and (predicate is None or triple[1] == predicate)
                and (obj is None or triple[2] == obj)
            ):
                yield triple, _NO_CONTEXTS

    def _indexed(self) -> tuple[_Index, _Index, _Index]:
        if self._index is None:
            index: tuple[_Index, _Index, _Index] = ({}, {}, {})
            for triple in self._triples:
                for position, term in enumerate(triple):
                    index[position].setdefault(term, []).append(triple)
            self._index = index
        return self._index

    def __len__(self, context: Any = None) -> int:
        return len(self._triples)


_Index = dict[Any, list[tuple[Any, Any, Any]]]
_NO_CONTEXTS: tuple[Graph, ...] = ()


def dataset_graph(dataset: Dataset, iri: URIRef, *, large: bool = False) -> Graph:
    """The graph named ``iri`` in ``dataset``, for a stage to write its triples into
    directly: ``assemble`` into the same dataset then has nothing to copy (a 1 MB document
    gives ~450k triples, bench/RESULTS.md). ``large``, in a ``BuildDataset``: a graph kept
    in a plain set, for one written in bulk and read whole (see ``BuildDataset``)."""
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=False)
    if not large or not isinstance(dataset, BuildDataset):
        return dataset.graph(iri)
    graph = dataset.large.get(iri)
    if graph is None:
        graph = dataset.large[iri] = Graph(store=_TripleSet(), identifier=iri)
    return graph


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
        if isinstance(dataset, BuildDataset) and dataset.large.get(named.iri) is named.graph:
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
