"""PROV-O records of how each named graph came to be: which command, which input files, when.

A ``kg build``, ``kg add`` or ``kg remove`` is a ``prov:Activity`` associated with the casekg
``prov:SoftwareAgent`` of this version; it ``prov:used`` every input file (a ``prov:Entity``
named by its SHA-256, given as ``dcterms:identifier "sha256:<hex>"``); every named graph it
wrote is a ``prov:Entity`` ``prov:wasGeneratedBy`` the activity and ``prov:wasDerivedFrom``
the files (or graphs) it was made from.

Each document's record is a named graph of its own (``graph/provenance/document/<key>``),
kept with the document's graphs: after ``kg add`` of another document it still names the
activity that really built it. ``graph/provenance`` records the graphs made for the whole
graph (ontology files, analyses across documents) by the latest command. Only the records
carry times, so two builds of the same input differ only there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SDO, XSD

from kg import __version__
from kg.rdf.namespaces import ID, graph_iri, prefixed_graph, slug

PROVENANCE_GRAPH = graph_iri("provenance")
"""The record of the graphs made for the whole graph, by the latest build, add or remove."""


def document_record_iri(key: str) -> URIRef:
    """The named graph recording how the graphs of document ``key`` were built."""
    return graph_iri("provenance/document", key)


@dataclass(frozen=True)
class InputFile:
    """A file a graph was derived from, identified by its content."""

    iri: URIRef
    name: str
    sha256: str

    @classmethod
    def read(cls, iri: URIRef, path: Path) -> InputFile:
        return cls(iri, path.name, hashlib.sha256(path.read_bytes()).hexdigest())


@dataclass(frozen=True)
class NamedGraph:
    """One named graph of a build, what it was derived from, and where that is recorded.

    ``derived_from`` are input files; ``derived_from_graphs`` other named graphs (an analysis
    across documents is derived from their graphs); ``record`` is the provenance graph that
    tells this graph's story (a document's own record, or the shared one).
    """

    iri: URIRef
    graph: Graph
    derived_from: tuple[InputFile, ...] = ()
    derived_from_graphs: tuple[URIRef, ...] = ()
    record: URIRef = PROVENANCE_GRAPH


@dataclass(frozen=True)
class BuildActivity:
    """One run of a command that writes build graphs: ``build``, ``add`` or ``remove``."""

    started: dt.datetime
    ended: dt.datetime
    software_version: str = __version__
    command: str = "build"

    @property
    def iri(self) -> URIRef:
        return ID[f"{self.command}/{_compact(self.started)}"]

    @property
    def agent(self) -> URIRef:
        return ID[f"software/casekg/{self.software_version}"]


def _compact(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _timestamp(moment: dt.datetime) -> Literal:
    return Literal(moment.astimezone(dt.UTC).isoformat(), datatype=XSD.dateTime)


def provenance_graph(activity: BuildActivity, graphs: Sequence[NamedGraph]) -> Graph:
    """The PROV record of one build that wrote ``graphs``."""
    record = prefixed_graph()
    build = activity.iri
    record.add((build, RDF.type, PROV.Activity))
    record.add((build, RDFS.label, Literal(f"kg {activity.command}")))
    record.add((build, PROV.startedAtTime, _timestamp(activity.started)))
    record.add((build, PROV.endedAtTime, _timestamp(activity.ended)))
    record.add((build, PROV.wasAssociatedWith, activity.agent))
    record.add((activity.agent, RDF.type, PROV.SoftwareAgent))
    record.add((activity.agent, RDFS.label, Literal(f"casekg {activity.software_version}")))
    record.add((activity.agent, SDO.softwareVersion, Literal(activity.software_version)))
    for source in _unique(f for named in graphs for f in named.derived_from):
        record.add((build, PROV.used, source.iri))
        record.add((source.iri, RDF.type, PROV.Entity))
        record.add((source.iri, RDFS.label, Literal(source.name)))
        record.add((source.iri, DCTERMS.identifier, Literal(f"sha256:{source.sha256}")))
    for named in graphs:
        record.add((named.iri, RDF.type, PROV.Entity))
        record.add((named.iri, PROV.wasGeneratedBy, build))
        record.add((named.iri, PROV.generatedAtTime, _timestamp(activity.ended)))
        for source in named.derived_from:
            record.add((named.iri, PROV.wasDerivedFrom, source.iri))
        for graph in named.derived_from_graphs:
            record.add((named.iri, PROV.wasDerivedFrom, graph))
    return record


def _unique(files: Iterable[InputFile]) -> list[InputFile]:
    return list(dict.fromkeys(files))


def import_record(target: URIRef, source: InputFile, moment: dt.datetime) -> Dataset:
    """The provenance graph a ``kg import`` adds beside the graph it loads."""
    record = Dataset()
    named = record.graph(graph_iri("provenance", f"import/{slug(target)}"))
    for triple in import_activity_graph(target, source, moment):
        named.add(triple)
    return record


def import_activity_graph(target: URIRef, source: InputFile, moment: dt.datetime) -> Graph:
    """The PROV record of one ``kg import``: the file it loaded into ``target``."""
    record = Graph()
    activity = ID[f"import/{_compact(moment)}"]
    agent = ID[f"software/casekg/{__version__}"]
    record.add((activity, RDF.type, PROV.Activity))
    record.add((activity, RDFS.label, Literal("kg import")))
    record.add((activity, PROV.startedAtTime, _timestamp(moment)))
    record.add((activity, PROV.wasAssociatedWith, agent))
    record.add((activity, PROV.used, source.iri))
    record.add((agent, RDF.type, PROV.SoftwareAgent))
    record.add((source.iri, RDF.type, PROV.Entity))
    record.add((source.iri, RDFS.label, Literal(source.name)))
    record.add((source.iri, DCTERMS.identifier, Literal(f"sha256:{source.sha256}")))
    record.add((target, RDF.type, PROV.Entity))
    record.add((target, PROV.wasGeneratedBy, activity))
    record.add((target, PROV.wasDerivedFrom, source.iri))
    return record
