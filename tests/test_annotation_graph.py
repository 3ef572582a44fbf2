"""The annotations graph: each concept mention a Web Annotation pointing at its words."""

from __future__ import annotations

import dataclasses

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS
from rdflib.term import Node

from kg.annotate import Annotations, annotate
from kg.document import Document
from kg.rdf.annotations import annotation_graph
from kg.rdf.document import document_graph, document_key, sentence_iri, source_iri
from kg.rdf.facts import facts_graph
from kg.rdf.namespaces import CKG, CONCEPT, DOCO, OA
from kg.references import parse_reference
from kg.vocabulary import Knowledge


@pytest.fixture(scope="module")
def seed_annotations(seed_document: Document, knowledge: Knowledge) -> Annotations:
    references = [parse_reference(r.text, r.number) for r in seed_document.references]
    return annotate(seed_document, references, knowledge)


@pytest.fixture(scope="module")
def graph(seed_document: Document, seed_annotations: Annotations) -> Graph:
    return annotation_graph(seed_document, seed_annotations)


def test_every_mention_is_one_annotation(graph: Graph, seed_annotations: Annotations) -> None:
    domain = [m for m in seed_annotations.mentions if m.identifier is None]
    terms = [m for m in seed_annotations.mentions if m.identifier is not None]
    assert len(set(graph.subjects(RDF.type, CKG.ConceptMention))) == len(domain)
    assert len(set(graph.subjects(RDF.type, CKG.TerminologyMention))) == len(terms)


def test_a_terminology_mention_carries_the_identifier_the_terminology_gives(
    graph: Graph, seed_annotations: Annotations
) -> None:
    for mention in (m for m in seed_annotations.mentions if m.identifier is not None):
        body = URIRef(mention.concept)
        assert graph.value(body, DCTERMS.identifier) == Literal(mention.identifier)
        assert mention.identifier is not None
        assert mention.concept.endswith(mention.identifier.split(":", 1)[1])
    releases = {
        str(graph.value(s, RDFS.label)): str(graph.value(s, OWL.versionInfo))
        for s in graph.subjects(RDF.type, PROV.Entity)
        if graph.value(s, OWL.versionInfo) is not None
    }
    assert releases["Human Phenotype Ontology"] == "2025-01-16"
    assert releases["Mondo Disease Ontology"].startswith("v20")
    assert set(graph.subjects(RDF.type, CKG.ConceptMention)) <= set(
        graph.subjects(RDF.type, OA.Annotation)
    )


def _selector(graph: Graph, target: Node, kind: URIRef) -> Node:
    return next(s for s in graph.objects(target, OA.hasSelector) if (s, RDF.type, kind) in graph)


def _offset(graph: Graph, selector: Node, position: URIRef) -> int:
    return int(str(graph.value(selector, position)))


def test_a_mention_selects_its_words_by_quote_and_by_position(
    graph: Graph, seed_document: Document
) -> None:
    key = document_key(seed_document)
    mentions = graph.subjects(OA.hasBody, CONCEPT.tte)
    targets = sorted(
        (t for m in mentions for t in graph.objects(m, OA.hasTarget)),
        key=lambda t: _offset(graph, _selector(graph, t, OA.TextPositionSelector), OA.start),
    )
    quotes = [_selector(graph, t, OA.TextQuoteSelector) for t in targets]
    assert [str(graph.value(q, OA.exact)) for q in quotes] == [
        "transthoracic echocardiography",
        "TTE",
        "TTE",
        "TTE",
        "TTE",
    ]
    # "Cardiologists decided to perform transthoracic echocardiography (TTE) to evaluate..."
    first, quote = targets[0], quotes[0]
    position = _selector(graph, first, OA.TextPositionSelector)
    start, end = _offset(graph, position, OA.start), _offset(graph, position, OA.end)
    assert seed_document.source[start:end] == "transthoracic echocardiography"
    assert str(graph.value(quote, OA.prefix)).endswith("decided to perform ")
    assert str(graph.value(quote, OA.suffix)).startswith(" (TTE)")
    assert graph.value(first, OA.hasSource) == source_iri(key)
    assert graph.value(first, OA.hasScope) == sentence_iri(key, 15)


def test_mentions_are_scoped_to_sentences_of_the_document_graph(
    graph: Graph, seed_document: Document
) -> None:
    sentences = set(document_graph(seed_document, []).subjects(RDF.type, DOCO.Sentence))
    scopes = set(graph.objects(None, OA.hasScope))
    assert scopes and scopes <= sentences


def test_a_negated_mention_says_so(graph: Graph) -> None:
    negated = {graph.value(m, OA.hasBody) for m in graph.subjects(CKG.negated, Literal(True))}
    assert negated == {
        CONCEPT["diastolic-dysfunction"],
        CONCEPT["regional-wall-motion-abnormality"],
    }


def test_annotating_twice_gives_the_same_triples(
    seed_document: Document, graph: Graph, knowledge: Knowledge
) -> None:
    again = annotation_graph(seed_document, annotate(seed_document, [], knowledge))
    assert set(again) == set(graph)
    assert not [t for t in graph if not all(isinstance(term, URIRef | Literal) for term in t)]


def test_a_mention_keeps_the_words_of_its_context_as_provenance(graph: Graph) -> None:
    cues = {
        (graph.value(m, OA.hasBody), str(cue))
        for m, cue in graph.subject_objects(CKG.contextCue)
        if graph.value(m, CKG.negated) == Literal(True)
    }
    assert (CONCEPT["regional-wall-motion-abnormality"], "without") in cues
    experiencers = {str(o) for o in graph.objects(None, CKG.experiencer)}
    assert experiencers == {"patient"}
    # "...deposition might be metastatic calcification relevant to ..."
    uncertain = {graph.value(m, OA.hasBody) for m in graph.subjects(CKG.uncertain, Literal(True))}
    assert CONCEPT["metastatic-calcification"] in uncertain
    historical = {graph.value(m, OA.hasBody) for m in graph.subjects(CKG.historical, Literal(True))}
    assert historical == {CONCEPT["liver-cirrhosis"]}


def test_two_values_of_one_test_in_one_sentence_stay_two_facts(
    seed_document: Document, seed_annotations: Annotations
) -> None:
    """'a decrease in size of 10% … an increase in tumor size over 10%': each its own fact
    with its own flag, not one resource holding both flags."""
    lab = seed_annotations.facts.labs[0]
    later = dataclasses.replace(
        lab,
        span=dataclasses.replace(lab.span, start=lab.span.start + 1),
        flag="low" if lab.flag == "high" else "high",
    )
    facts = dataclasses.replace(seed_annotations.facts, labs=(lab, later))
    graph = facts_graph(seed_document, facts)
    resources = set(graph.subjects(RDF.type, CKG.LabResult))
    assert len(resources) == 2
    assert all(len(list(graph.objects(r, CKG.abnormalFlag))) == 1 for r in resources)
