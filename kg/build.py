"""The build pipeline: documents in, one dataset of named graphs out, published atomically.

Three commands write the graphs a build owns (README, "Many documents, one graph"):
``build`` makes them all from the documents given (any document built before goes);
``add`` builds the documents given, replacing those the graph holds under the same key, and
keeps every other document's graphs as stored; ``remove`` drops one document's graphs and
keeps the others. Graphs loaded with `kg import` survive all three.

``document_stages`` is the one place that lists what happens to a document, in order; each
stage adds the named graph of its source. ``whole_graph_stages`` lists what is made once for
the whole graph after the documents, on every build, add and remove alike: the ontology
files, and analyses across documents. The store gets the new graphs and the kept ones in
one switch, so a command that fails at any stage leaves the previous graph as it was.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph

from kg.annotate import annotate
from kg.catalogue import find_document, stored_documents
from kg.crossref import CrossrefClient
from kg.document import Document
from kg.errors import InputError, StoreError
from kg.ingest import ingest
from kg.literature import related_layer
from kg.locking import command_lock
from kg.progress import Progress
from kg.rdf import (
    BuildActivity,
    BuildDataset,
    InputFile,
    NamedGraph,
    assemble,
    dataset_graph,
    document_graph_iris,
    document_keys,
    document_record_iri,
    is_build_graph,
)
from kg.rdf.annotations import annotation_graph
from kg.rdf.crossref import crossref_graph
from kg.rdf.document import document_graph, document_key, source_iri
from kg.rdf.namespaces import graph_iri
from kg.rdf.ontology import ontology_graphs
from kg.references import parse_reference
from kg.resolve import Deadline, open_client, resolve_batch
from kg.resolve import Progress as ResolvedProgress
from kg.settings import CORPUS_DIR, Settings
from kg.store import GraphStore, open_store
from kg.validate import ValidationReport, validate_dataset
from kg.vocabulary import load_knowledge

CASE_REPORT_SUFFIXES = (".txt", ".xml")
"""The files a directory argument stands for: plain-text and JATS XML case reports."""


@dataclass(frozen=True)
class BuildReport:
    store: Path | str
    documents: tuple[Path, ...]
    """The documents this command built (none for ``remove``)."""
    triples_per_graph: dict[str, int]
    started: dt.datetime
    ended: dt.datetime
    kept_graphs: tuple[str, ...] = ()
    """Graphs loaded with `kg import`, kept as they were."""
    validation: ValidationReport | None = None
    """SHACL report of the graphs this command wrote: a build that violates the shapes is
    still stored, and `kg build` prints the violations and exits 1."""
    crossref_notices: tuple[str, ...] = ()
    """What Crossref could not check (offline, unreachable, failing, the deadline), one line
    per document."""
    unchecked: int = 0
    """References left unchecked for any reason but ``--offline``: the command exits 5."""
    stage_seconds: tuple[tuple[str, float], ...] = ()
    """Where the build spent its time, stage by stage (bench/bench_build.py prints it)."""
    command: str = "build"
    keys: tuple[str, ...] = ()
    """The key of each document built, in the order of ``documents``."""
    document_notices: tuple[str, ...] = ()
    """What ingest had to say about a document (no reference list...), one line each."""
    skipped: tuple[Path, ...] = ()
    """Files in directory arguments that are not case reports (not .txt or .xml)."""
    replaced: tuple[str, ...] = ()
    """Keys of documents the graph held before and this command built again."""
    kept_documents: tuple[str, ...] = ()
    """Keys of documents kept as stored (``add`` and ``remove``)."""
    removed: tuple[str, ...] = ()

    @property
    def total_triples(self) -> int:
        """The store's count: a triple in two named graphs counts twice."""
        return sum(self.triples_per_graph.values())


@dataclass(frozen=True)
class DocumentGraphs:
    """One document's graphs as the document stages made them, and what they had to say."""

    path: Path
    key: str
    graphs: list[NamedGraph]
    crossref_notice: str | None = None
    notices: tuple[str, ...] = ()
    unchecked: int = 0
    """References Crossref could not check, unless the user asked for --offline."""


@dataclass(frozen=True)
class Corpus:
    """Every document the graph holds once a command is done, for the whole-graph stages:
    those built now (in memory) and those kept as stored (read from the store on demand)."""

    built: tuple[DocumentGraphs, ...]
    kept: tuple[str, ...]
    store: GraphStore

    @property
    def keys(self) -> list[str]:
        return sorted([*(document.key for document in self.built), *self.kept])

    def graphs(self, kind: str) -> list[NamedGraph]:
        """Each document's graph of ``kind`` ("document", "crossref"...), in key order."""
        made = {
            str(named.iri): named
            for document in self.built
            for named in document.graphs
            if named.iri == graph_iri(kind, document.key)
        }
        for key in self.kept:
            iri = graph_iri(kind, key)
            made[str(iri)] = NamedGraph(iri, self.store.read_graph(str(iri)))
        return [made[iri] for iri in sorted(made)]


def default_documents() -> list[Path]:
    """The bundled case reports (``corpus/*.txt``)."""
    return sorted(CORPUS_DIR.glob("*.txt"))


def case_report_files(arguments: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """The documents the arguments name, and the files skipped: a file stands for itself, a
    directory for its case-report files (``*.txt``, ``*.xml``, not its subdirectories)."""
    documents: dict[Path, Path] = {}
    skipped: list[Path] = []
    for argument in arguments:
        if not argument.is_dir():
            documents.setdefault(argument.resolve(), argument)
            continue
        entries = sorted(entry for entry in argument.iterdir() if entry.is_file())
        found = [entry for entry in entries if entry.suffix.lower() in CASE_REPORT_SUFFIXES]
        if not found:
            kinds = " or ".join(f"*{suffix}" for suffix in CASE_REPORT_SUFFIXES)
            raise InputError(f"{argument}: no case report files ({kinds}) in this directory")
        skipped += [entry for entry in entries if entry not in found]
        for entry in found:
            documents.setdefault(entry.resolve(), entry)
    return list(documents.values()), skipped


def document_stages(
    path: Path,
    crossref: CrossrefClient,
    settings: Settings,
    *,
    deadline: Deadline | None = None,
    progress: ResolvedProgress | None = None,
    dataset: Dataset | None = None,
) -> DocumentGraphs:
    """Everything that happens to one document, in order, each stage giving a named graph.
    ``deadline`` is the resolution time the command has left (shared by its documents);
    ``progress`` is called as each reference is resolved. With ``dataset``, the stages write
    their graphs into it directly (the command's dataset: ``assemble`` copies nothing)."""
    document = ingest(path)
    references = [parse_reference(raw.text, raw.number) for raw in document.references]
    key = document_key(document)
    source = InputFile(source_iri(key), path.name, document.sha256)

    def named(kind: str, graph: Graph) -> NamedGraph:
        return NamedGraph(graph_iri(kind, key), graph, (source,), record=document_record_iri(key))

    def into(kind: str, *, large: bool = False) -> Graph | None:
        if dataset is None:
            return None
        return dataset_graph(dataset, graph_iri(kind, key), large=large)

    annotations = annotate(document, references, load_knowledge())
    resolution = resolve_batch(
        references, settings, client=crossref, deadline=deadline, progress=progress
    )
    crossref_triples = crossref_graph(
        document, references, resolution.resolutions, into("crossref")
    )
    return DocumentGraphs(
        path,
        key,
        [
            named("document", document_graph(document, references, into("document", large=True))),
            named(
                "annotations",
                annotation_graph(document, annotations, into("annotations", large=True)),
            ),
            named("crossref", crossref_triples),
        ],
        resolution.notice,
        _notices(document),
        len(resolution.unchecked) if resolution.incomplete else 0,
    )


def whole_graph_stages(corpus: Corpus, settings: Settings) -> list[NamedGraph]:
    """What is made once for the whole graph, after the documents (on build, add, remove):
    the ontology files, and analyses across every document the graph will hold."""
    return [*ontology_graphs(), *related_layer(corpus, settings)]


def build(
    paths: Sequence[Path], settings: Settings, *, progress: Progress | None = None
) -> BuildReport:
    """Build the graph of ``paths`` (files, or directories of them; default: the bundled
    corpus) and publish it in place of every document the store held."""
    documents, skipped = case_report_files(paths) if paths else (default_documents(), [])
    if not documents:
        raise InputError(f"no documents given and none bundled in {CORPUS_DIR}")
    return _publish(_Command("build", documents, skipped), settings, progress)


def add(
    paths: Sequence[Path], settings: Settings, *, progress: Progress | None = None
) -> BuildReport:
    """Build ``paths`` into the stored graph: a document the graph holds under the same key
    (DOI, else file name) is replaced, every other one is kept as stored."""
    documents, skipped = case_report_files(paths)
    if not documents:
        raise InputError("name at least one case report to add")
    return _publish(_Command("add", documents, skipped, keep_others=True), settings, progress)


def remove(document: str, settings: Settings, *, progress: Progress | None = None) -> BuildReport:
    """Take one document (by key, DOI or source file name) out of the stored graph."""
    command = _Command("remove", [], [], keep_others=True, remove=document)
    return _publish(command, settings, progress)


@dataclass(frozen=True)
class _Command:
    name: str
    documents: list[Path]
    skipped: list[Path]
    keep_others: bool = False
    remove: str | None = None


@dataclass
class _Outcome:
    built: list[DocumentGraphs] = field(default_factory=list)
    crossref_notices: list[str] = field(default_factory=list)
    document_notices: list[str] = field(default_factory=list)


def _publish(command: _Command, settings: Settings, progress: Progress | None) -> BuildReport:
    started = dt.datetime.now(dt.UTC)
    clock = _StageClock()
    steps = len(command.documents) + 3
    with ExitStack() as held:
        held.enter_context(_collector_paused())
        store = held.enter_context(open_store(settings.store, create=True))
        bar = held.enter_context((progress or Progress.silent()).start(steps, f"kg {command.name}"))
        # The documents are built before the command lock is taken: a command waiting for
        # another does not hold it while it asks Crossref. What the store holds is read,
        # decided on and replaced under the lock, so concurrent commands lose nothing.
        dataset = BuildDataset()
        outcome = _document_stages_of(command.documents, settings, bar, dataset)
        clock.lap("documents")
        held.enter_context(command_lock(settings.store, create=command.remove is None))
        stored = store.named_graphs() if store.has_graph() else []
        present = document_keys(stored)
        if command.remove is not None and not stored:
            raise StoreError(f"no graph built yet at {settings.store}: nothing to remove")
        removed = [_stored_key(command.remove, present, store)] if command.remove else []
        built_keys = {document.key for document in outcome.built}
        kept_documents = tuple(
            key
            for key in (present if command.keep_others else [])
            if key not in built_keys and key not in removed
        )
        kept_graphs = tuple(iri for iri in stored if not is_build_graph(iri))
        bar.step("shared graphs")
        corpus = Corpus(tuple(outcome.built), kept_documents, store)
        shared = whole_graph_stages(corpus, settings)
        clock.lap("whole-graph stages")
        bar.step("checking the shapes")
        graphs = [named for document in outcome.built for named in document.graphs]
        activity = BuildActivity(started, dt.datetime.now(dt.UTC), command=command.name)
        assemble([*graphs, *shared], activity, dataset)
        clock.lap("assemble dataset")
        # The shapes are checked with the collector still paused: the checker's index of the
        # graphs is hundreds of thousands of sets and makes no cyclic garbage (a 1 MB text's
        # check took a quarter longer with the collector running, bench/RESULTS.md).
        validation = validate_dataset(dataset, scope=f"the graphs this {command.name} wrote")
        clock.lap("SHACL validation")
        with _collector_for_the_young():
            bar.step("writing the store")
            kept = {iri for key in kept_documents for iri in document_graph_iris(key)}
            store.replace(dataset, keep=[*kept_graphs, *(iri for iri in stored if iri in kept)])
            counts = store.count_by_graph()
            clock.lap("store")
    return BuildReport(
        store=settings.store,
        documents=tuple(document.path for document in outcome.built),
        triples_per_graph=counts,
        started=started,
        ended=dt.datetime.now(dt.UTC),
        kept_graphs=kept_graphs,
        validation=validation,
        crossref_notices=tuple(outcome.crossref_notices),
        unchecked=sum(document.unchecked for document in outcome.built),
        stage_seconds=tuple(clock.laps),
        command=command.name,
        keys=tuple(document.key for document in outcome.built),
        document_notices=(*store.damage, *outcome.document_notices),
        skipped=tuple(command.skipped),
        replaced=tuple(sorted(built_keys & set(present))) if command.keep_others else (),
        kept_documents=kept_documents,
        removed=tuple(removed),
    )


def _document_stages_of(
    documents: Sequence[Path], settings: Settings, bar: Progress, dataset: Dataset
) -> _Outcome:
    """Every document through its stages, each writing its graphs into ``dataset``; two
    documents with one key stop the command."""
    outcome = _Outcome()
    origins: dict[str, Path] = {}
    if not documents:
        return outcome
    deadline = Deadline(settings.resolve_deadline)
    with open_client(settings) as crossref:
        for path in documents:
            bar.step(path.name)
            counted = _ResolvedCounter(bar, path.name)
            staged = document_stages(
                path, crossref, settings, deadline=deadline, progress=counted, dataset=dataset
            )
            if staged.key in origins:
                raise InputError(
                    f"{origins[staged.key]} and {path} have the same key {staged.key} (from "
                    "the DOI, else the file name), which names their graphs: the same "
                    "document twice? Give each document once"
                )
            origins[staged.key] = path
            outcome.built.append(staged)
            if staged.crossref_notice:
                outcome.crossref_notices.append(f"{path.name}: {staged.crossref_notice}")
            outcome.document_notices += [f"{path.name}: {notice}" for notice in staged.notices]
    return outcome


class _ResolvedCounter:
    """Shows on the progress bar how many references of a document are resolved so far."""

    def __init__(self, bar: Progress, name: str) -> None:
        self._bar = bar
        self._name = name
        self._done = 0

    def __call__(self) -> None:
        self._done += 1
        self._bar.note(f"{self._name}: {self._done} references resolved")


def _stored_key(name: str, present: Sequence[str], store: GraphStore) -> str:
    """The key of the stored document ``name`` stands for: its key, DOI or source file name."""
    if name in present:
        return name
    return find_document(name, stored_documents(store)).key


def _notices(document: Document) -> tuple[str, ...]:
    """What ingest says the user should know about a document (``Document.notices``)."""
    notices: tuple[str, ...] = getattr(document, "notices", ())
    return notices


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a build holds its graphs in memory.

    A large document gives hundreds of thousands of rdflib terms and index tuples, all alive
    until the store has them; every full collection walks them all again, which made a 1 MB
    build a third slower than the same work without (bench/RESULTS.md). Reference counting
    still frees what the stages drop; the collector runs again afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _collector_for_the_young() -> Iterator[None]:
    """The collector back on, for what the build makes from here on only.

    The store write makes short-lived objects by the million; with no collection at all
    they pile up and the heap grows, which made it slower than with the collector running
    (bench/RESULTS.md). Freezing first moves the graphs built so far out of the collector's
    sight, so a collection does not walk them again.
    """
    gc.freeze()
    gc.enable()
    try:
        yield
    finally:
        gc.disable()
        gc.unfreeze()


class _StageClock:
    def __init__(self) -> None:
        self.laps: list[tuple[str, float]] = []
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps.append((stage, now - self._last))
        self._last = now
