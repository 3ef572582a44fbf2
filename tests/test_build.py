"""kg.build: the seed through every stage into the store, deterministic, with provenance."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest
import seed_graph
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, RDF
from rdflib.term import Node
from seed_graph import single_number

from kg import __version__
from kg.build import BuildReport, build
from kg.errors import InputError
from kg.rdf import document_record_iri, is_build_graph
from kg.rdf.namespaces import PREFIXES, graph_iri
from kg.settings import Settings
from kg.store import open_store

SDO = PREFIXES["schema"]
SEED_KEY = "10-3348-jksr-2021-0181"
DOCUMENT_GRAPH = str(graph_iri("document", SEED_KEY))
PROVENANCE_GRAPH = str(graph_iri("provenance"))
SEED_RECORD = str(document_record_iri(SEED_KEY))
COUNT_REFERENCES = (
    "PREFIX biro: <http://purl.org/spar/biro/> "
    "SELECT (COUNT(?r) AS ?n) WHERE { ?r a biro:BibliographicReference }"
)


def offline_settings(directory: Path) -> Settings:
    return Settings.resolve(store=directory / "store", cache_dir=directory / "cache", offline=True)


@dataclass(frozen=True)
class Built:
    settings: Settings
    report: BuildReport
    document: Graph
    provenance: Graph


def build_and_read(directory: Path, documents: list[Path]) -> Built:
    settings = offline_settings(directory)
    report = build(documents, settings)
    with open_store(settings.store) as store:
        document = store.read_graph(DOCUMENT_GRAPH)
        provenance = store.read_graph(PROVENANCE_GRAPH, SEED_RECORD)
    return Built(settings, report, document, provenance)


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The default build: no document named, so the bundled seed."""
    return build_and_read(tmp_path_factory.mktemp("first"), [])


@pytest.fixture(scope="module")
def second(tmp_path_factory: pytest.TempPathFactory, seed_path: Path) -> Built:
    return build_and_read(tmp_path_factory.mktemp("second"), [seed_path])


def _references(settings: Settings) -> int:
    with open_store(settings.store) as store:
        return single_number(store.query(COUNT_REFERENCES))


def test_the_seed_is_built_into_the_store_with_its_nine_references(first: Built) -> None:
    assert _references(first.settings) == 9
    assert first.report.triples_per_graph[DOCUMENT_GRAPH] == len(first.document)


def test_without_documents_the_bundled_seed_is_built(first: Built) -> None:
    assert [path.name for path in first.report.documents] == ["000_a1de3a5e3bf7a0c8.txt"]


def test_ontology_files_become_their_own_named_graphs(first: Built) -> None:
    graphs = first.report.triples_per_graph
    assert graphs[str(graph_iri("ontology"))] > 0
    assert graphs[str(graph_iri("vocabulary"))] > 0


def test_building_twice_gives_the_same_graphs_apart_from_provenance_times(
    first: Built, second: Built
) -> None:
    assert isomorphic(first.document, second.document)
    assert first.report.triples_per_graph == second.report.triples_per_graph
    timeless = {PROV.startedAtTime, PROV.endedAtTime, PROV.generatedAtTime}
    activity = {first.provenance.value(None, RDF.type, PROV.Activity): URIRef("urn:build")}
    other = {second.provenance.value(None, RDF.type, PROV.Activity): URIRef("urn:build")}

    def without_times(graph: Graph, rename: dict[Node | None, URIRef]) -> set[tuple[Node, ...]]:
        return {
            tuple(rename.get(term, term) for term in triple)
            for triple in graph
            if triple[1] not in timeless
        }

    assert without_times(first.provenance, activity) == without_times(second.provenance, other)


def test_provenance_names_the_software_version_the_input_hash_and_the_times(
    first: Built, seed_path: Path
) -> None:
    record = first.provenance
    activity = record.value(None, RDF.type, PROV.Activity)
    assert activity is not None
    started = record.value(activity, PROV.startedAtTime)
    ended = record.value(activity, PROV.endedAtTime)
    assert isinstance(started, Literal) and isinstance(ended, Literal)
    assert started.toPython() <= ended.toPython()
    agent = record.value(activity, PROV.wasAssociatedWith)
    assert record.value(agent, SDO.softwareVersion) == Literal(__version__)
    digest = hashlib.sha256(seed_path.read_bytes()).hexdigest()
    source = record.value(None, DCTERMS.identifier, Literal(f"sha256:{digest}"))
    assert (activity, PROV.used, source) in record
    document = URIRef(DOCUMENT_GRAPH)
    assert (document, RDF.type, PROV.Entity) in record
    assert (document, PROV.wasGeneratedBy, activity) in record
    assert (document, PROV.wasDerivedFrom, source) in record


def test_every_named_graph_of_the_build_has_a_provenance_record(first: Built) -> None:
    generated = {str(g) for g in first.provenance.subjects(PROV.wasGeneratedBy, None)}
    assert generated == set(first.report.triples_per_graph) - {PROVENANCE_GRAPH, SEED_RECORD}


def test_a_documents_provenance_is_recorded_in_a_graph_of_its_own(first: Built) -> None:
    with open_store(first.settings.store) as store:
        record = store.read_graph(SEED_RECORD)
        shared = store.read_graph(PROVENANCE_GRAPH)
    assert {str(g) for g in record.subjects(PROV.wasGeneratedBy, None)} == {
        str(graph_iri(kind, SEED_KEY)) for kind in ("document", "annotations", "crossref")
    }
    assert (URIRef(DOCUMENT_GRAPH), None, None) not in shared
    assert (URIRef(str(graph_iri("ontology"))), PROV.wasGeneratedBy, None) in shared


def test_a_build_that_fails_half_way_leaves_the_previous_graph(
    first: Built, tmp_path: Path, seed_path: Path
) -> None:
    settings = first.settings
    current = (Path(settings.store) / "CURRENT").read_text()
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(InputError):
        build([seed_path, empty], settings)
    assert (Path(settings.store) / "CURRENT").read_text() == current
    assert _references(settings) == 9


def test_the_same_document_twice_is_refused(tmp_path: Path, seed_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_bytes(seed_path.read_bytes())
    with pytest.raises(InputError, match="the same document twice"):
        build([seed_path, copy], offline_settings(tmp_path))


def test_imported_graphs_survive_a_rebuild(
    tmp_path: Path, seed_path: Path, seed_dataset: Dataset
) -> None:
    settings = offline_settings(tmp_path)
    seed_graph.store_with(Path(settings.store), seed_dataset)
    imported = str(graph_iri("import", "extra"))
    with open_store(settings.store) as store:
        store.load(b"<http://example.org/a> <http://example.org/b> 1 .", "ttl", graph=imported)
    report = build([seed_path], settings)
    assert report.kept_graphs == (imported,)
    assert report.triples_per_graph[imported] == 1


def test_build_graphs_are_told_apart_from_imported_ones() -> None:
    assert is_build_graph(DOCUMENT_GRAPH)
    assert is_build_graph(str(graph_iri("annotations", "k")))
    assert is_build_graph(str(graph_iri("crossref", "k")))
    assert is_build_graph(str(graph_iri("vocabulary")))
    assert is_build_graph(PROVENANCE_GRAPH)
    assert is_build_graph(SEED_RECORD)
    assert not is_build_graph(str(graph_iri("import", "extra")))
    assert not is_build_graph(str(graph_iri("provenance", "import/extra")))
    assert not is_build_graph(str(graph_iri("documentation")))
    assert not is_build_graph("http://example.org/graph")
