"""The build pipeline: documents in, one dataset of named graphs out, published atomically.

``document_stages`` is the one place that lists what happens to a document, in order;
each stage adds the named graph of its source. Vocabulary and ontology files from
``ontology/`` join as graphs of their own. The store gets the whole dataset at once, so
a build that fails at any stage leaves the previous graph as it was.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.annotate import annotate
from kg.crossref import CrossrefClient
from kg.errors import InputError
from kg.ingest import ingest
from kg.rdf import BuildActivity, InputFile, NamedGraph, assemble, is_build_graph
from kg.rdf.annotations import annotation_graph
from kg.rdf.crossref import crossref_graph
from kg.rdf.document import document_graph, document_key, source_iri
from kg.rdf.namespaces import graph_iri
from kg.rdf.ontology import ontology_graphs
from kg.references import parse_reference
from kg.resolve import resolve_batch
from kg.settings import CORPUS_DIR, Settings
from kg.store import open_store
from kg.validate import ValidationReport, validate_named_graphs


@dataclass(frozen=True)
class BuildReport:
    store: Path
    documents: tuple[Path, ...]
    triples_per_graph: dict[str, int]
    started: dt.datetime
    ended: dt.datetime
    kept_graphs: tuple[str, ...] = ()
    validation: ValidationReport | None = None
    """SHACL report of the built graphs: a build that violates the shapes is still stored,
    and `kg build` prints the violations and exits 1."""
    crossref_notices: tuple[str, ...] = ()
    """What Crossref could not be asked about (offline or unreachable), one line each."""
    stage_seconds: tuple[tuple[str, float], ...] = ()
    """Where the build spent its time, stage by stage (bench/bench_build.py prints it)."""

    @property
    def total_triples(self) -> int:
        return sum(self.triples_per_graph.values())


def default_documents() -> list[Path]:
    """The bundled case reports (``corpus/*.txt``)."""
    return sorted(CORPUS_DIR.glob("*.txt"))


@dataclass(frozen=True)
class DocumentGraphs:
    graphs: list[NamedGraph]
    crossref_notice: str | None


def document_stages(path: Path, crossref: CrossrefClient, settings: Settings) -> DocumentGraphs:
    """Everything that happens to one document, in order, each stage giving a named graph."""
    document = ingest(path)
    references = [parse_reference(raw.text, raw.number) for raw in document.references]
    key = document_key(document)
    source = InputFile(source_iri(key), path.name, document.sha256)
    annotations = annotate(document, references)
    resolution = resolve_batch(references, settings, client=crossref)
    return DocumentGraphs(
        [
            NamedGraph(graph_iri("document", key), document_graph(document, references), (source,)),
            NamedGraph(
                graph_iri("annotations", key), annotation_graph(document, annotations), (source,)
            ),
            NamedGraph(
                graph_iri("crossref", key),
                crossref_graph(document, references, resolution.resolutions),
                (source,),
            ),
        ],
        resolution.notice,
    )


def build(paths: Sequence[Path], settings: Settings) -> BuildReport:
    """Build the graph of ``paths`` (default: the bundled corpus) and publish it."""
    documents = list(paths) or default_documents()
    if not documents:
        raise InputError(f"no documents given and none bundled in {CORPUS_DIR}")
    started = dt.datetime.now(dt.UTC)
    clock = _StageClock()
    graphs: list[NamedGraph] = []
    origins: dict[str, Path] = {}
    notices: list[str] = []
    with CrossrefClient.from_settings(settings) as crossref:
        staged = [(path, document_stages(path, crossref, settings)) for path in documents]
    clock.lap("documents")
    for path, stages in staged:
        if stages.crossref_notice:
            notices.append(f"{path.name}: {stages.crossref_notice}")
        for named in stages.graphs:
            if named.iri in origins:
                raise InputError(
                    f"{path} and {origins[named.iri]} both give the graph {named.iri}: "
                    "the same document twice?"
                )
            origins[named.iri] = path
            graphs.append(named)
    graphs.extend(ontology_graphs())
    clock.lap("ontology files")
    validation = validate_named_graphs(graphs)
    clock.lap("SHACL validation")
    with open_store(settings.store, create=True) as store:
        existing = store.named_graphs() if store.has_graph() else []
        kept = tuple(iri for iri in existing if not is_build_graph(iri))
        dataset = assemble(graphs, BuildActivity(started, dt.datetime.now(dt.UTC)))
        clock.lap("assemble dataset")
        store.replace(dataset, keep=kept)
        counts = store.count_by_graph()
        clock.lap("store")
    return BuildReport(
        store=settings.store,
        documents=tuple(documents),
        triples_per_graph=counts,
        started=started,
        ended=dt.datetime.now(dt.UTC),
        kept_graphs=kept,
        validation=validation,
        crossref_notices=tuple(notices),
        stage_seconds=tuple(clock.laps),
    )


class _StageClock:
    def __init__(self) -> None:
        self.laps: list[tuple[str, float]] = []
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps.append((stage, now - self._last))
        self._last = now
