"""The crossref graph (kg.rdf.crossref): resolved works, their metadata, their references,
and the provenance of every resolution."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef, namespace
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF

from kg.document import Document
from kg.matching import Resolution, choose, confirm_doi
from kg.rdf.crossref import crossref_graph, resolution_iri
from kg.rdf.document import article_iri, document_key, reference_iri
from kg.rdf.namespaces import BIBO, BIRO, C4O, CITO, CKG, DOI, FABIO, FRBR, ORCID, PRISM, doi_iri
from kg.references import ParsedReference, parse_reference
from kg.settings import SHARED_DIR

FIXTURES = SHARED_DIR / "fixtures"
PLOS = "10.1371/journal.pone.0033693"
PLOS_IRI = DOI["10.1371/journal.pone.0033693"]
API = "http://127.0.0.1:8765/works/10.1371%2Fjournal.pone.0033693"
WHEN = datetime(2026, 6, 16, 13, 34, 19, tzinfo=UTC)
Work = dict[str, Any]


@pytest.fixture(scope="module")
def plos_work() -> Work:
    """The real recorded /works answer: a PLoS ONE article with 70 deposited references."""
    recording = json.loads((FIXTURES / "crossref" / "works-one-doi.json").read_text("utf-8"))
    message: Work = recording["response"]["json"]["message"]
    return message


@pytest.fixture(scope="module")
def records() -> dict[str, Work]:
    lines = (FIXTURES / "crossref-records" / "records.jsonl").read_text(encoding="utf-8")
    return {w["DOI"].lower(): w for w in map(json.loads, lines.splitlines())}


@pytest.fixture(scope="module")
def references(seed_document: Document) -> list[ParsedReference]:
    """Two of the seed's references: 1 as if it printed the PLoS DOI, and 3 (1949)."""
    by_number = {r.number: r for r in seed_document.references}
    first = parse_reference(f"{by_number[1].text} doi:{PLOS}", 1)
    return [first, parse_reference(by_number[3].text, 3)]


@pytest.fixture(scope="module")
def resolutions(references: list[ParsedReference], plos_work: Work) -> list[Resolution]:
    matched = Resolution(
        references[0].raw,
        PLOS,
        0.97,
        "matched",
        ("first author Sadasivan matches", "title similarity 0.97"),
        plos_work,
        API,
        WHEN,
    )
    return [matched, choose(references[1], [])]


@pytest.fixture(scope="module")
def graph(
    seed_document: Document, references: list[ParsedReference], resolutions: list[Resolution]
) -> Graph:
    return crossref_graph(seed_document, references, resolutions)


def one_work_graph(seed_document: Document, work: Work) -> Graph:
    reference = parse_reference(f"doi:{work['DOI']}", 1)
    resolution = confirm_doi(reference, work, source_url=API, retrieved_at=WHEN)
    return crossref_graph(seed_document, [reference], [resolution])


def test_a_resolved_reference_links_to_its_doi_work(graph: Graph, seed_document: Document) -> None:
    entry = reference_iri(document_key(seed_document), 1)
    assert (entry, BIRO.references, PLOS_IRI) in graph
    assert (article_iri(seed_document), CITO.cites, PLOS_IRI) in graph


def test_the_work_carries_its_crossref_metadata(graph: Graph) -> None:
    assert {FABIO.Expression, FABIO.JournalArticle} <= set(graph.objects(PLOS_IRI, RDF.type))
    assert graph.value(PLOS_IRI, PRISM.doi) == Literal(PLOS)
    assert str(graph.value(PLOS_IRI, DCTERMS.title)).startswith("Methylphenidate Exposure")
    assert graph.value(PLOS_IRI, PRISM.volume) == Literal("7")
    assert graph.value(PLOS_IRI, PRISM.issueIdentifier) == Literal("3")
    assert graph.value(PLOS_IRI, PRISM.startingPage) == Literal("e33693")
    assert graph.value(PLOS_IRI, FABIO.hasPublicationYear) == Literal(
        "2012", datatype=namespace.XSD.gYear
    )
    assert graph.value(PLOS_IRI, PRISM.publicationDate) == Literal(
        "2012-03-21", datatype=namespace.XSD.date
    )
    assert (
        PLOS_IRI,
        DCTERMS.license,
        URIRef("http://creativecommons.org/licenses/by/4.0/"),
    ) in graph


def test_the_publisher_is_an_organisation(graph: Graph) -> None:
    publisher = graph.value(PLOS_IRI, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Organization) in graph
    assert graph.value(publisher, FOAF.name) == Literal("Public Library of Science (PLoS)")


def test_the_journal_is_a_fabio_journal_with_its_issn(graph: Graph) -> None:
    journal = graph.value(PLOS_IRI, FRBR.partOf)
    assert (journal, RDF.type, FABIO.Journal) in graph
    assert graph.value(journal, DCTERMS.title) == Literal("PLoS ONE")
    assert graph.value(journal, PRISM.eIssn) == Literal("1932-6203")
    assert graph.value(PLOS_IRI, PRISM.publicationName) == Literal("PLoS ONE")


def test_authors_are_people_in_order(graph: Graph) -> None:
    head = graph.value(PLOS_IRI, BIBO.authorList)
    assert head is not None
    people = list(graph.items(head))
    assert [str(graph.value(p, FOAF.familyName)) for p in people] == [
        "Sadasivan",
        "Pond",
        "Pani",
        "Qu",
        "Jiao",
        "Smeyne",
    ]
    assert all((p, RDF.type, FOAF.Person) in graph for p in people)
    assert graph.value(people[1], FOAF.name) == Literal("Brooks B. Pond")


def test_authors_with_an_orcid_are_named_by_it(
    seed_document: Document, records: dict[str, Work]
) -> None:
    graph = one_work_graph(seed_document, records["10.1155/2021/9886877"])
    work = doi_iri("10.1155/2021/9886877")
    assert (work, DCTERMS.creator, ORCID["0000-0001-6086-3199"]) in graph
    assert graph.value(ORCID["0000-0001-6086-3199"], FOAF.familyName) == Literal("Chung")


def test_the_crossref_citation_count_is_a_dated_observation(graph: Graph) -> None:
    count = graph.value(PLOS_IRI, C4O.hasGlobalCitationFrequency)
    assert (count, RDF.type, C4O.GlobalCitationCount) in graph
    assert graph.value(count, C4O.hasGlobalCountValue) == Literal(
        72, datatype=namespace.XSD.nonNegativeInteger
    )
    assert graph.value(count, C4O.hasGlobalCountSource) == URIRef("http://127.0.0.1:8765")
    assert graph.value(count, C4O.hasGlobalCountDate) == Literal(
        "2026-06-16", datatype=namespace.XSD.date
    )


def test_deposited_references_are_cited_with_their_dois_where_given(
    graph: Graph, plos_work: Work
) -> None:
    cited = set(graph.objects(PLOS_IRI, CITO.cites))
    assert len(cited) == 70
    assert DOI["10.1038/sj.npp.1301164"] in cited  # ref1, with a DOI
    without_doi = [c for c in cited if not str(c).startswith(str(DOI))]
    assert len(without_doi) == sum(1 for r in plos_work["reference"] if not r.get("DOI"))


def test_a_deposited_reference_without_doi_keeps_its_fields(graph: Graph) -> None:
    titles = {str(graph.value(c, DCTERMS.title)) for c in graph.objects(PLOS_IRI, CITO.cites)}
    assert "Monitoring the Future national survey results on drug use, 1975\u20132010." in titles


def test_every_resolution_has_an_opencitations_style_snapshot(
    graph: Graph, seed_document: Document
) -> None:
    key = document_key(seed_document)
    snapshot = resolution_iri(key, 1)
    assert {CKG.ReferenceResolution, PROV.Entity} <= set(graph.objects(snapshot, RDF.type))
    assert (snapshot, PROV.wasDerivedFrom, reference_iri(key, 1)) in graph
    assert (snapshot, PROV.specializationOf, PLOS_IRI) in graph
    assert (snapshot, PROV.hadPrimarySource, URIRef(API)) in graph
    assert graph.value(snapshot, PROV.generatedAtTime) == Literal(
        "2026-06-16T13:34:19+00:00", datatype=namespace.XSD.dateTime
    )
    assert graph.value(snapshot, CKG.matchStatus) == Literal("matched")
    assert graph.value(snapshot, CKG.matchScore) == Literal(
        "0.9700", datatype=namespace.XSD.decimal
    )
    assert Literal("title similarity 0.97") in set(graph.objects(snapshot, CKG.matchReason))


def test_an_unresolved_reference_is_marked_with_its_status_and_no_work(
    graph: Graph, seed_document: Document
) -> None:
    key = document_key(seed_document)
    snapshot = resolution_iri(key, 3)
    assert graph.value(snapshot, CKG.matchStatus) == Literal("unmatched")
    assert Literal("no candidates found") in set(graph.objects(snapshot, CKG.matchReason))
    assert graph.value(reference_iri(key, 3), BIRO.references) is None
    assert graph.value(snapshot, PROV.specializationOf) is None


def test_markup_is_stripped_from_titles(seed_document: Document, records: dict[str, Work]) -> None:
    doi = "10.1136/jclinpath-2020-206745"  # title with <i>KRAS</i> and layout whitespace
    graph = one_work_graph(seed_document, records[doi])
    assert graph.value(doi_iri(doi), DCTERMS.title) == Literal(
        "Construction of a reference material panel for detecting KRAS / NRAS / EGFR / BRAF / "
        "MET mutations in plasma ctDNA"
    )


@pytest.mark.parametrize(
    ("doi", "kind", "venue_kind"),
    [
        ("10.1016/b978-155860700-2/50013-6", FABIO.BookChapter, FABIO.Book),
        ("10.1063/1.3232023", FABIO.ProceedingsPaper, FABIO.AcademicProceedings),
    ],
)
def test_crossref_types_map_to_fabio_classes(
    seed_document: Document, records: dict[str, Work], doi: str, kind: URIRef, venue_kind: URIRef
) -> None:
    graph = one_work_graph(seed_document, records[doi])
    work = doi_iri(doi)
    assert (work, RDF.type, kind) in graph
    assert (graph.value(work, FRBR.partOf), RDF.type, venue_kind) in graph


def test_old_dois_with_angle_brackets_become_valid_iris(
    seed_document: Document, records: dict[str, Work]
) -> None:
    # Its deposited references include SICI DOIs such as 10.1175/...033<2031:PWIHAV>2.0.CO;2
    graph = one_work_graph(seed_document, records["10.1002/qj.3512"])
    reparsed = Graph().parse(data=graph.serialize(format="nt"), format="nt")
    assert len(reparsed) == len(graph)
    assert DOI["10.1175/1520-0469(1976)033%3C2031:pwihav%3E2.0.co;2"] in set(
        reparsed.objects(doi_iri("10.1002/qj.3512"), CITO.cites)
    )


def test_the_same_inputs_give_the_same_graph(
    seed_document: Document, references: list[ParsedReference], resolutions: list[Resolution]
) -> None:
    first = crossref_graph(seed_document, references, resolutions)
    second = crossref_graph(seed_document, references, resolutions)
    assert set(first) == set(second)


def test_references_and_resolutions_must_pair_up(
    seed_document: Document, references: list[ParsedReference], resolutions: list[Resolution]
) -> None:
    with pytest.raises(ValueError, match="2 references but 1 resolutions"):
        crossref_graph(seed_document, references, resolutions[:1])
