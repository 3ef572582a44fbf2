"""`kg import`: an RDF file into a named graph of its own, kept across rebuilds."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from kg.errors import InputError
from kg.locking import command_lock
from kg.rdf import DOCUMENT_GRAPH_KINDS, PROVENANCE_GRAPH, SHARED_GRAPH_KINDS, is_build_graph
from kg.rdf.namespaces import ID, graph_iri, slug
from kg.rdf.provenance import InputFile, import_record
from kg.settings import Settings
from kg.store import format_for_path, open_store


@dataclass(frozen=True)
class ImportReport:
    graph: str
    statements: int


def import_rdf(
    path: Path, settings: Settings, *, graph: str | None = None, fmt: str | None = None
) -> ImportReport:
    """Load an RDF file into its own named graph, kept across rebuilds, with provenance."""
    fmt = fmt or format_for_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    target = graph or str(graph_iri("import", slug(path.stem)))
    if not target.startswith(("http://", "https://", "urn:")):
        raise InputError(f"--graph must be an absolute IRI, got {target!r}")
    if is_build_graph(target):
        raise InputError(
            f"--graph {target} is a graph the build owns: kg build rewrites it from the "
            f"documents, so an import there would be lost; build-owned graphs: {build_graphs()}"
        )
    source = InputFile(
        ID[f"source/import/{slug(path.name)}"], path.name, hashlib.sha256(data).hexdigest()
    )
    record = import_record(URIRef(target), source, dt.datetime.now(dt.UTC))
    # Under the command lock: a build publishing meanwhile would not see the new graph
    # among those it keeps, and its new version would drop it.
    with command_lock(settings.store), open_store(settings.store, create=True) as store:
        count = store.load(data, fmt, graph=target, metadata=record)
    return ImportReport(target, count)


def build_graphs() -> str:
    """The graphs a build owns, as IRI patterns people can read."""
    shared = [f"{graph_iri(kind)}[/...]" for kind in SHARED_GRAPH_KINDS]
    per_document = [f"{graph_iri(kind)}/<document>" for kind in DOCUMENT_GRAPH_KINDS]
    records = [str(PROVENANCE_GRAPH), f"{graph_iri('provenance/document')}/<document>"]
    return ", ".join([*per_document, *shared, *records])
