"""The document graph of the seed: article, authors, text with offsets, references, pointers."""

from __future__ import annotations

import dataclasses

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS
from rdflib.term import Node

from kg.document import Document
from kg.mentions import TextQuote
from kg.rdf import BuildDataset, dataset_graph
from kg.rdf.document import (
    article_iri,
    cited_work_iri,
    document_graph,
    document_key,
    figure_iri,
    integer_literal,
    offset_literal,
    pointer_iri,
    reference_iri,
    section_iri,
    sentence_iri,
    source_iri,
    text_target_triples,
)
from kg.rdf.namespaces import (
    BIBO,
    BIRO,
    C4O,
    CITO,
    CKG,
    DOCO,
    DOI,
    FABIO,
    FRBR,
    OA,
    ORCID,
    PREFIXES,
    PRISM,
    doi_iri,
    graph_iri,
)
from kg.references import ParsedReference, parse_reference

SDO = PREFIXES["schema"]  # rdflib's closed SDO/XSD namespaces warn under pytest collection
XSD = PREFIXES["xsd"]
ARTICLE = doi_iri("10.3348/jksr.2021.0181")
KEY = "10-3348-jksr-2021-0181"


@pytest.fixture(scope="module")
def references(seed_document: Document) -> list[ParsedReference]:
    return [parse_reference(raw.text, raw.number) for raw in seed_document.references]


@pytest.fixture(scope="module")
def graph(seed_document: Document, references: list[ParsedReference]) -> Graph:
    return document_graph(seed_document, references)


def _span(graph: Graph, resource: Node) -> tuple[int, int]:
    selector = graph.value(resource, OA.hasSelector)
    return _number(graph, selector, OA.start), _number(graph, selector, OA.end)


def _number(graph: Graph, subject: Node | None, predicate: URIRef) -> int:
    value = graph.value(subject, predicate)
    assert isinstance(value, Literal)
    return int(value)


def _languages(graph: Graph, subject: Node, predicate: URIRef) -> dict[str | None, str]:
    return {o.language: str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def _items(graph: Graph, subject: Node, predicate: URIRef) -> list[Node]:
    head = graph.value(subject, predicate)
    assert head is not None
    return list(Collection(graph, head))


def test_document_key_and_article_iri_come_from_the_doi(seed_document: Document) -> None:
    assert document_key(seed_document) == KEY
    assert article_iri(seed_document) == DOI["10.3348/jksr.2021.0181"]


def test_without_a_doi_the_key_is_the_file_name_stem(seed_document: Document) -> None:
    metadata = dataclasses.replace(seed_document.metadata, doi=None)
    undated = dataclasses.replace(seed_document, metadata=metadata)
    assert document_key(undated) == "000-a1de3a5e3bf7a0c8"
    assert str(article_iri(undated)).endswith("/doc/000-a1de3a5e3bf7a0c8")


def test_article_is_a_journal_article_realising_a_clinical_case_report(graph: Graph) -> None:
    assert (ARTICLE, RDF.type, FABIO.JournalArticle) in graph
    assert (ARTICLE, RDF.type, SDO.ScholarlyArticle) in graph
    assert graph.value(ARTICLE, SDO.publicationType) == Literal("Case Reports")
    work = graph.value(ARTICLE, FRBR.realizationOf)
    assert (work, RDF.type, FABIO.ClinicalCaseReport) in graph


def test_titles_are_tagged_english_and_korean(graph: Graph) -> None:
    titles = _languages(graph, ARTICLE, DCTERMS.title)
    assert titles["en"].startswith("Rapid Development of Diffuse Myocardial Calcification")
    assert (
        titles["ko"]
        == "패혈증과 신부전에서 회복된 환자에서 급속하게 발생한 미만성 심근 석회화: 증례 보고"
    )


def test_article_has_doi_dates_licence_keywords_and_abstract(graph: Graph) -> None:
    assert graph.value(ARTICLE, PRISM.doi) == Literal("10.3348/jksr.2021.0181")
    assert graph.value(ARTICLE, DCTERMS.dateSubmitted) == Literal("2021-11-23", datatype=XSD.date)
    assert graph.value(ARTICLE, DCTERMS.modified) == Literal("2022-02-14", datatype=XSD.date)
    assert graph.value(ARTICLE, DCTERMS.dateAccepted) == Literal("2022-03-21", datatype=XSD.date)
    licence = URIRef("https://creativecommons.org/licenses/by-nc/4.0")
    assert graph.value(ARTICLE, DCTERMS.license) == licence
    assert {str(k) for k in graph.objects(ARTICLE, PRISM.keyword)} == {
        "Magnetic Resonance Imaging",
        "Computed Tomography, X-Ray",
        "Sepsis",
        "Renal Failure",
    }
    assert set(_languages(graph, ARTICLE, DCTERMS.abstract)) == {"en", "ko"}


def test_authors_are_orcid_persons_in_byline_order(graph: Graph) -> None:
    authors = _items(graph, ARTICLE, BIBO.authorList)
    assert authors == [
        ORCID["0000-0003-1206-3693"],
        ORCID["0000-0002-3078-2184"],
        ORCID["0000-0001-6019-4343"],
        ORCID["0000-0001-7035-286X"],
    ]
    kim = ORCID["0000-0002-3078-2184"]
    assert (kim, RDF.type, FOAF.Person) in graph
    assert graph.value(kim, FOAF.name) == Literal("Song Soo Kim")
    assert graph.value(kim, FOAF.familyName) == Literal("Kim")
    assert graph.value(kim, SDO.honorificSuffix) == Literal("MD")
    assert set(graph.objects(ARTICLE, DCTERMS.creator)) == set(authors)


def test_affiliations_are_organisations_and_the_corresponding_author_is_flagged(
    graph: Graph,
) -> None:
    radiology = graph.value(ORCID["0000-0003-1206-3693"], SDO.affiliation)
    cardiology = graph.value(ORCID["0000-0001-7035-286X"], SDO.affiliation)
    assert (radiology, RDF.type, FOAF.Organization) in graph
    assert str(graph.value(radiology, FOAF.name)).startswith("Department of Radiology")
    assert str(graph.value(cardiology, FOAF.name)).startswith("Department of Cardiology")
    assert list(graph.objects(ARTICLE, CKG.correspondingAuthor)) == [ORCID["0000-0002-3078-2184"]]


def test_each_of_the_nine_references_is_a_bibliographic_reference(graph: Graph) -> None:
    entries = sorted(graph.subjects(RDF.type, BIRO.BibliographicReference), key=lambda e: str(e))
    assert len(entries) == 9
    reference_list = graph.value(ARTICLE, FRBR.part)
    assert (reference_list, RDF.type, BIRO.ReferenceList) in graph
    assert set(graph.objects(reference_list, FRBR.part)) == set(entries)


def test_a_reference_keeps_its_raw_text_and_points_at_its_work(
    graph: Graph, references: list[ParsedReference]
) -> None:
    entry = reference_iri(KEY, 1)
    work = cited_work_iri(KEY, references[0], 1)
    assert graph.value(entry, SDO.position) == Literal(1)
    assert str(graph.value(entry, DCTERMS.bibliographicCitation)).startswith(
        "Nance JW Jr, Crane GM"
    )
    assert graph.value(entry, BIRO.references) == work
    assert graph.value(work, DCTERMS.title) == Literal(
        "Myocardial calcifications: pathophysiology, etiologies, differential diagnoses, "
        "and imaging findings"
    )
    assert graph.value(work, FABIO.hasPublicationYear) == Literal("2015", datatype=XSD.gYear)
    assert graph.value(work, PRISM.publicationName) == Literal("J Cardiovasc Comput Tomogr")
    assert graph.value(work, PRISM.volume) == Literal("9")
    assert graph.value(work, PRISM.startingPage) == Literal("58")
    assert graph.value(work, PRISM.endingPage) == Literal("67")


def test_reference_authors_are_kept_in_order(
    graph: Graph, references: list[ParsedReference]
) -> None:
    work = cited_work_iri(KEY, references[0], 1)
    authors = _items(graph, work, BIBO.authorList)
    names = [str(graph.value(a, FOAF.name)) for a in authors]
    assert names == ["Nance JW Jr", "Crane GM", "Halushka MK", "Fishman EK", "Zimmerman SL"]
    assert [str(graph.value(a, FOAF.familyName)) for a in authors][:2] == ["Nance", "Crane"]


def test_an_article_number_is_kept_as_the_printed_locator(
    graph: Graph, references: list[ParsedReference]
) -> None:
    work = cited_work_iri(KEY, references[8], 9)
    assert graph.value(work, PRISM.pageRange) == Literal("Q32")


def test_the_article_cites_each_referenced_work(
    graph: Graph, references: list[ParsedReference]
) -> None:
    cited = set(graph.objects(ARTICLE, CITO.cites))
    assert cited == {cited_work_iri(KEY, r, r.number or 0) for r in references}
    assert len(cited) == 9


def test_a_reference_that_prints_a_doi_cites_the_doi_work(
    seed_document: Document, references: list[ParsedReference]
) -> None:
    with_doi = [dataclasses.replace(references[0], doi="10.1016/J.JCCT.2014.10.008")]
    graph = document_graph(seed_document, with_doi)
    assert (ARTICLE, CITO.cites, doi_iri("10.1016/j.jcct.2014.10.008")) in graph


def test_in_text_pointers_denote_eleven_references_in_all(graph: Graph) -> None:
    pointers = set(graph.subjects(RDF.type, C4O.InTextReferencePointer))
    assert len(pointers) == 6
    assert len(list(graph.triples((None, C4O.denotes, None)))) == 11


def test_a_range_pointer_denotes_each_reference_in_it_and_has_its_sentence(
    graph: Graph, seed_document: Document
) -> None:
    pointer = next(
        p
        for p in graph.subjects(C4O.hasContent, Literal("(2-4)"))
        if (p, RDF.type, C4O.InTextReferencePointer) in graph
    )
    assert set(graph.objects(pointer, C4O.denotes)) == {reference_iri(KEY, n) for n in (2, 3, 4)}
    sentence = graph.value(pointer, C4O.hasContext)
    assert "two pathophysiologic mechanisms" in str(graph.value(sentence, C4O.hasContent))
    start, end = _span(graph, pointer)
    assert seed_document.source[start:end] == "(2-4)"
    assert pointer == pointer_iri(KEY, 3)


def test_sentences_carry_text_section_order_and_offsets(
    graph: Graph, seed_document: Document
) -> None:
    sentences = set(graph.subjects(RDF.type, DOCO.Sentence))
    assert len(sentences) == len(seed_document.sentences)
    for sentence in seed_document.sentences:
        resource = sentence_iri(KEY, sentence.index)
        assert graph.value(resource, C4O.hasContent) == Literal(sentence.text)
        assert graph.value(resource, SDO.position) == Literal(sentence.index)
        assert graph.value(resource, DCTERMS.isPartOf) == section_iri(KEY, sentence.section)
        assert graph.value(resource, OA.hasSource) == source_iri(KEY)
        assert _span(graph, resource) == (sentence.start, sentence.end)


def test_a_reflowed_sentence_has_one_segment_per_source_range(
    graph: Graph, seed_document: Document
) -> None:
    sentence = next(s for s in seed_document.sentences if "still preserved" in s.text)
    segments = sorted(
        graph.objects(sentence_iri(KEY, sentence.index), DCTERMS.hasPart),
        key=lambda part: _number(graph, part, SDO.position),
    )
    spans = [_span(graph, part) for part in segments]
    assert spans == [(s.start, s.end) for s in sentence.segments]
    pieces = [seed_document.source[start:end] for start, end in spans]
    assert pieces[0].endswith("still pre") and pieces[1].startswith("served global LV function")


def test_sections_are_parts_of_the_article_in_order(graph: Graph) -> None:
    sections = sorted(
        graph.subjects(RDF.type, DOCO.Section),
        key=lambda s: _number(graph, s, SDO.position),
    )
    titles = [str(graph.value(s, DCTERMS.title)) for s in sections]
    assert titles == ["ABSTRACT", "INTRODUCTION", "CASE REPORT", "DISCUSSION", "CONCLUSION"]
    assert all(graph.value(s, DCTERMS.isPartOf) == ARTICLE for s in sections)


def test_the_figure_has_panels_a_to_f_with_their_captions(
    graph: Graph, seed_document: Document
) -> None:
    figure = figure_iri(KEY, "Fig. 1")
    assert (figure, RDF.type, DOCO.Figure) in graph
    assert str(graph.value(figure, DCTERMS.title)).startswith("Rapidly developed diffuse")
    panels = {str(graph.value(p, RDFS.label)): p for p in graph.subjects(DCTERMS.isPartOf, figure)}
    assert sorted(panels) == ["A", "B", "C", "D", "E", "F"]
    assert graph.value(panels["D"], C4O.hasContent) == graph.value(panels["E"], C4O.hasContent)
    start, end = _span(graph, panels["B"])
    assert seed_document.source[start:end].startswith("Chest CT performed outside the hospital")


def test_the_graph_has_no_blank_nodes(graph: Graph) -> None:
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)


def test_building_the_graph_twice_gives_the_same_triples(
    seed_document: Document, references: list[ParsedReference], graph: Graph
) -> None:
    again = document_graph(seed_document, references)
    assert isomorphic(graph, again)
    assert set(graph) == set(again)


def test_a_large_graph_answers_patterns_as_rdflibs_store_does(
    seed_document: Document, references: list[ParsedReference], graph: Graph
) -> None:
    """A build writes the document graph into a plain set (kg.rdf.BuildDataset's large
    graphs) and the related layer then reads it by pattern: every pattern gets the answer
    rdflib's own store gives, also after a write that follows a read."""
    dataset = BuildDataset()
    large = dataset_graph(dataset, graph_iri("document", KEY), large=True)
    document_graph(seed_document, references, large)
    assert set(large) == set(graph)
    sentence = sentence_iri(KEY, 3)
    patterns: list[tuple[Node | None, Node | None, Node | None]] = [
        (sentence, None, None),
        (None, RDF.type, None),
        (None, None, DOCO.Sentence),
        (None, RDF.type, DOCO.Sentence),
        (sentence, DCTERMS.isPartOf, None),
        (None, BIRO.references, None),
        (ARTICLE, CITO.cites, None),
        (sentence, RDF.type, DOCO.Sentence),
        (sentence, RDF.type, DOCO.Figure),
        (URIRef("https://example.org/nothing"), None, None),
    ]
    for pattern in patterns:
        assert set(large.triples(pattern)) == set(graph.triples(pattern)), pattern
    added = (sentence, RDFS.comment, Literal("read, then written"))
    large.add(added)
    assert set(large.triples((sentence, RDFS.comment, None))) == {added}
    assert (sentence, RDF.type, DOCO.Sentence) in large
    assert large.value(sentence, RDFS.comment) == Literal("read, then written")


@pytest.mark.parametrize(
    ("made", "public"),
    [
        (offset_literal(0), Literal(0, datatype=XSD.nonNegativeInteger)),
        (offset_literal(123456), Literal(123456, datatype=XSD.nonNegativeInteger)),
        (integer_literal(-3), Literal(-3)),
        (integer_literal(42), Literal(42)),
    ],
)
def test_offsets_and_positions_are_rdflibs_literals(made: Literal, public: Literal) -> None:
    assert (made, hash(made), made.value, made.datatype) == (
        public,
        hash(public),
        public.value,
        public.datatype,
    )
    assert (made.language, made.ill_typed, made.n3()) == (None, None, public.n3())


@pytest.mark.parametrize("words", ["", "the word before ", " and after.", 'a "quote" \\ é\n'])
def test_quoted_context_is_the_plain_literal_rdflib_makes(words: str) -> None:
    target, source = URIRef("https://example.org/t"), URIRef("https://example.org/s")
    quote = TextQuote(exact="x", prefix=words, suffix=words, start=1, end=2)
    made = [o for _, p, o in text_target_triples(target, source, quote) if p == OA.prefix]
    public = Literal(words)
    assert [(o, hash(o)) for o in made] == [(public, hash(public))]
    assert isinstance(made[0], Literal)
    assert (made[0].value, made[0].datatype, made[0].language, made[0].ill_typed) == (
        words,
        None,
        None,
        None,
    )
