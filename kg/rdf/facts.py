"""Triples for the case facts and the claims of one document (part of its annotations graph).

Modelling (IRIs minted from the document key and the fact's content, so a rebuild gives
the same graph; a value's IRI starts at its text offset, so two facts stating the same
number of the same test in one sentence stay two):

- The case (``ckg:Case``, ``ckg:reportedIn`` the article) ``ckg:hasPatient`` the patient
  (age, sex as ``schema:Male``/``schema:Female``, comorbidities, presentation),
  ``ckg:hasFinding`` every lab result, imaging measurement and microbiology finding, and
  ``ckg:hasTimelineEvent`` every event.
- A lab result or measurement has its concept, ``ckg:value`` or a bound, ``ckg:ucumUnit``,
  the reference range the report gives and ``ckg:abnormalFlag`` when one could be
  computed, or when the words state it (then ``ckg:flagCue`` gives them: "elevated",
  "leukocytosis"). The patient ``ckg:hasDiagnosis`` each condition the case says was
  diagnosed or treated. Numbers are ``xsd:decimal`` exactly as written.
- Timeline events have ``ckg:dayRelativeToAdmission`` (absent when the report gives no day:
  an ``rdfs:comment`` says so), ``ckg:offsetFromAdmission`` (``xsd:duration``),
  ``ckg:approximate``, ``ckg:modality`` and ``ckg:revealed`` imaging findings, each with
  ``ckg:absent``.
- A claim is a ``ckg:Claim`` with subject, predicate, object, assertion kind, ``ckg:hedged``
  (and the ``ckg:hedgeCue``), ``ckg:modality`` (causal, association...), ``ckg:denied``, and
  for each reference its own clause cites the CiTO function from the claim to the cited
  work (``cito:citesAsEvidence`` ...), the reference entry as ``dcterms:references``; a
  reference it shares with other claims, the text not saying which it supports, is only a
  ``ckg:sharedReference``.
- Every fact and claim has ``ckg:evidenceSentence`` and a Web Annotation (``oa:describing``)
  whose body is the fact and whose target selects its words in the source (quote and
  position selectors), so each points at the words it came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SDO, XSD

from kg.claims import Claim
from kg.curation import curation_path
from kg.document import Document, Sentence, Span
from kg.facts import (
    CaseFacts,
    LabResult,
    Measurement,
    Microbiology,
    Patient,
    StatedResult,
    Term,
    quantified,
)
from kg.mentions import text_quotes
from kg.rdf.document import (
    Triple,
    article_iri,
    cited_work_iri,
    document_key,
    reference_iri,
    sentence_iri,
    source_iri,
    text_target_triples,
)
from kg.rdf.namespaces import CITO, CKG, OA, document_iri, slug
from kg.references import parse_reference
from kg.sentences import text_offset
from kg.timeexpr import TimeExpression
from kg.timeline import TimelineEvent

_FLAGS = {"high": CKG.High, "low": CKG.Low, "normal": CKG.Normal}
_MODALITIES = {
    "causal": CKG.CausalModality,
    "association": CKG.AssociationModality,
    "evidential": CKG.EvidentialModality,
    "risk": CKG.RiskModality,
    "temporal": CKG.TemporalModality,
}
_KINDS = {
    "authors' interpretation": CKG.AuthorsInterpretation,
    "background literature": CKG.BackgroundLiterature,
}


def case_iri(key: str) -> URIRef:
    return document_iri(key, "case")


def facts_graph(document: Document, facts: CaseFacts, into: Graph | None = None) -> Graph:
    """The case, its patient, findings and timeline; added to ``into``, else a new graph."""
    graph = Graph() if into is None else into
    key = document_key(document)
    case = case_iri(key)
    graph.add((case, RDF.type, CKG.Case))
    graph.add((case, CKG.reportedIn, article_iri(document)))
    graph.add((case, RDFS.label, Literal(f"the case of {document.name}")))
    if facts.patient is not None:
        _add_patient(graph, document, key, case, facts.patient)
    for organism in facts.microbiology:
        _add_microbiology(graph, document, key, case, organism)
    for lab in facts.labs:
        _add_quantity(graph, document, key, case, lab)
    for measurement in facts.measurements:
        _add_quantity(graph, document, key, case, measurement)
    for result in facts.results:
        _add_stated_result(graph, document, key, case, result)
    for number, event in enumerate(facts.timeline, start=1):
        _add_event(graph, document, key, case, event, number)
    return graph


def claims_graph(document: Document, claims: Sequence[Claim], into: Graph | None = None) -> Graph:
    """Each claim reified, with its evidence and the works it cites; added to ``into``, else
    a new graph."""
    graph = Graph() if into is None else into
    key = document_key(document)
    works = _cited_works(document, key)
    for claim in claims:
        _add_claim(graph, document, key, claim, works)
    return graph


def claim_iri(key: str, claim: Claim) -> URIRef:
    subject = claim.subject.rstrip("/").rsplit("/", 1)[-1]
    obj = claim.object.rstrip("/").rsplit("/", 1)[-1]
    return document_iri(
        key, "claim", f"{claim.sentence_index}-{slug(subject)}-{claim.predicate}-{slug(obj)}"
    )


def _cited_works(document: Document, key: str) -> dict[int, URIRef]:
    """Reference number -> cited work IRI, as the document graph mints it."""
    works: dict[int, URIRef] = {}
    for raw in document.references:
        works[raw.number] = cited_work_iri(key, parse_reference(raw.text, raw.number), raw.number)
    return works


def _add_evidence(
    graph: Graph,
    document: Document,
    key: str,
    resource: URIRef,
    sentence_indexes: Iterable[int],
    span: Span,
) -> None:
    """Anchor ``resource`` to its sentences and, by a Web Annotation, to its exact words.

    Its triples are added in one ``addN``, the vocabulary's terms read once (an rdflib
    namespace makes a new term on every read): every fact and claim has some, ~3.5k of
    them at 1 MB."""
    annotation = URIRef(f"{resource}/annotation")
    source = source_iri(key)
    triples: list[Triple] = [
        (annotation, _TYPE, _ANNOTATION),
        (annotation, _MOTIVATED_BY, _DESCRIBING),
        (annotation, _HAS_BODY, resource),
    ]
    number = 0
    for index in sentence_indexes:
        sentence = _sentence(document, index)
        sentence_resource = sentence_iri(key, index)
        triples.append((resource, _EVIDENCE_SENTENCE, sentence_resource))
        start, end = max(span.start, sentence.start), min(span.end, sentence.end)
        if start >= end:
            continue
        first = text_offset(sentence, start)
        last = text_offset(sentence, _kept(sentence, end - 1)) + 1
        for quote in text_quotes(document.source, sentence, first, last):
            number += 1
            target = URIRef(f"{annotation}/target/{number}")
            triples.append((annotation, _HAS_TARGET, target))
            triples += text_target_triples(target, source, quote)
            triples.append((target, _HAS_SCOPE, sentence_resource))
    graph.addN((*triple, graph) for triple in triples)


_TYPE = RDF.type
_ANNOTATION = OA.Annotation
_MOTIVATED_BY = OA.motivatedBy
_DESCRIBING = OA.describing
_HAS_BODY = OA.hasBody
_HAS_TARGET = OA.hasTarget
_HAS_SCOPE = OA.hasScope
_EVIDENCE_SENTENCE = CKG.evidenceSentence


def _sentence(document: Document, index: int) -> Sentence:
    """The sentence numbered ``index``: ingest numbers them in order from 0, so it is the
    one at that position (a dictionary of them made for every fact cost a 1 MB text seconds)."""
    sentences = document.sentences
    if index < len(sentences) and sentences[index].index == index:
        return sentences[index]
    return next(sentence for sentence in sentences if sentence.index == index)


def _kept(sentence: Sentence, offset: int) -> int:
    """The last source offset at or before ``offset`` that the sentence's text kept."""
    for segment in reversed(sentence.segments):
        if segment.start <= offset:
            return min(offset, segment.end - 1)
    return offset


def _add_concept(graph: Graph, resource: URIRef, predicate: URIRef, term: Term) -> None:
    if term.concept:
        graph.add((resource, predicate, URIRef(term.concept)))


def _add_patient(
    graph: Graph, document: Document, key: str, case: URIRef, patient: Patient
) -> None:
    resource = document_iri(key, "patient")
    graph.add((case, CKG.hasPatient, resource))
    graph.add((resource, RDF.type, CKG.Patient))
    words = [f"{patient.age_years}-year-old" if patient.age_years else "", patient.sex or ""]
    graph.add((resource, RDFS.label, Literal(" ".join(w for w in words if w) or "patient")))
    if patient.age_years is not None:
        graph.add((resource, CKG.ageInYears, Literal(patient.age_years, datatype=XSD.integer)))
    if patient.sex is not None:
        graph.add((resource, CKG.sex, SDO.Male if patient.sex == "male" else SDO.Female))
    for term in patient.comorbidities:
        _add_concept(graph, resource, CKG.hasComorbidity, term)
    for term in patient.presentation:
        _add_concept(graph, resource, CKG.presentedWith, term)
    for diagnosis in patient.diagnoses:
        _add_concept(graph, resource, CKG.hasDiagnosis, diagnosis.term)
    described = (("with", patient.comorbidities), ("presented with", patient.presentation))
    for heading, terms in described:
        unnamed = [t.text for t in terms if not t.concept]
        if unnamed:
            graph.add((resource, RDFS.comment, Literal(f"{heading} {', '.join(unnamed)}")))
    _add_evidence(graph, document, key, resource, [patient.sentence_index], patient.span)


def _add_microbiology(
    graph: Graph, document: Document, key: str, case: URIRef, finding: Microbiology
) -> None:
    # The same organism may be named in several sentences: each naming is its own finding.
    resource = document_iri(
        key, "microbiology", f"{finding.span.start}-{slug(finding.organism.text)}"
    )
    graph.add((case, CKG.hasFinding, resource))
    graph.add((resource, RDF.type, CKG.MicrobiologyFinding))
    specimen = f" on {finding.specimen} culture" if finding.specimen else ""
    graph.add((resource, RDFS.label, Literal(f"{finding.organism.text}{specimen}")))
    _add_concept(graph, resource, CKG.concept, finding.organism)
    if finding.specimen:
        graph.add((resource, CKG.specimen, Literal(finding.specimen)))
    _add_evidence(graph, document, key, resource, [finding.sentence_index], finding.span)


def _add_stated_result(
    graph: Graph, document: Document, key: str, case: URIRef, result: StatedResult
) -> None:
    resource = document_iri(
        key, "result", f"{result.span.start}-{slug(result.test.text)}-{slug(result.result)}"
    )
    graph.add((case, CKG.hasFinding, resource))
    graph.add((resource, RDF.type, CKG.StatedResult))
    graph.add((resource, RDFS.label, Literal(f"{result.test.text}: {result.result}")))
    _add_concept(graph, resource, CKG.concept, result.test)
    graph.add((resource, CKG.statedResult, Literal(result.result)))
    if result.flag in _FLAGS:
        graph.add((resource, CKG.abnormalFlag, _FLAGS[result.flag]))
    _add_evidence(graph, document, key, resource, [result.sentence_index], result.span)


def _decimal(value: Decimal) -> Literal:
    return Literal(str(value), datatype=XSD.decimal)


def _add_quantity(
    graph: Graph, document: Document, key: str, case: URIRef, fact: LabResult | Measurement
) -> None:
    lab = isinstance(fact, LabResult)
    name, number = quantified(fact)
    resource = document_iri(
        key, "lab" if lab else "measurement", f"{fact.span.start}-{slug(name.text)}-{number}"
    )
    graph.add((case, CKG.hasFinding, resource))
    vital = isinstance(fact, Measurement) and fact.vital_sign
    kind = CKG.LabResult if lab else CKG.VitalSign if vital else CKG.ImagingMeasurement
    graph.add((resource, RDF.type, kind))
    shown = {">": "over ", ">=": "at least ", "<": "under ", "<=": "at most "}
    said = f"{shown.get(fact.comparator, '')}{number}"
    if fact.lower_bound is not None and fact.upper_bound is not None:
        said = f"{fact.lower_bound}\u2013{fact.upper_bound}"  # a range, with an en dash
    named = name.text
    if fact.qualifier in ("systolic", "diastolic") and fact.qualifier not in named.lower():
        named = f"{fact.qualifier} {named}"  # a pressure pair's two values, told apart
    graph.add((resource, RDFS.label, Literal(f"{named} {said} {fact.unit}")))
    _add_concept(graph, resource, CKG.concept, name)
    if fact.value is not None:
        graph.add((resource, CKG.value, _decimal(fact.value)))
    if fact.lower_bound is not None:
        graph.add((resource, CKG.lowerBound, _decimal(fact.lower_bound)))
    if fact.upper_bound is not None:
        graph.add((resource, CKG.upperBound, _decimal(fact.upper_bound)))
    graph.add((resource, CKG.ucumUnit, Literal(fact.ucum)))
    if fact.range_low is not None:
        graph.add((resource, CKG.referenceRangeLow, _decimal(fact.range_low)))
    if fact.range_high is not None:
        graph.add((resource, CKG.referenceRangeHigh, _decimal(fact.range_high)))
    if fact.flag in _FLAGS:
        graph.add((resource, CKG.abnormalFlag, _FLAGS[fact.flag]))
    if isinstance(fact, LabResult) and fact.flag_cue:
        graph.add((resource, CKG.flagCue, Literal(fact.flag_cue)))
    if fact.qualifier:
        graph.add((resource, CKG.qualifier, Literal(fact.qualifier)))
    _add_value_time(graph, resource, fact.time)
    if isinstance(fact, Measurement):
        if fact.location:
            graph.add((resource, CKG.anatomicalSite, Literal(fact.location)))
        if fact.described_as:
            graph.add((resource, CKG.describedAs, URIRef(fact.described_as)))
        if fact.modality is not None:
            _add_concept(graph, resource, CKG.modality, fact.modality)
    for index in fact.also_reported_in:
        graph.add((resource, CKG.alsoReportedIn, sentence_iri(key, index)))
    _add_evidence(graph, document, key, resource, [fact.sentence_index], fact.span)


def _add_value_time(graph: Graph, resource: URIRef, time: TimeExpression | None) -> None:
    """A value's time as its own sentence gives it; a time given only from another moment
    ("two days later") keeps its words but is no day from admission."""
    dated = time if time is not None and not time.follow_up else None
    _add_time(
        graph,
        resource,
        dated.day if dated else None,
        dated.approximate if dated else False,
        dated.offset if dated else None,
        time.text if time else None,
    )


def _add_time(
    graph: Graph,
    resource: URIRef,
    day: int | None,
    approximate: bool,
    offset: str | None,
    expression: str | None,
) -> None:
    """An event's or a value's time: its day from admission and offset, else marked unknown;
    the report's words for it whenever it has some."""
    if day is not None:
        graph.add((resource, CKG.dayRelativeToAdmission, Literal(day, datatype=XSD.integer)))
        graph.add((resource, CKG.approximate, Literal(approximate)))
    else:
        graph.add((resource, CKG.timeUnknown, Literal(True)))
    if offset is not None:
        graph.add((resource, CKG.offsetFromAdmission, Literal(offset, datatype=XSD.duration)))
    if expression:
        graph.add((resource, CKG.timeExpression, Literal(expression)))


def _add_event(
    graph: Graph, document: Document, key: str, case: URIRef, event: TimelineEvent, number: int
) -> None:
    resource = document_iri(key, "event", f"{number}-{slug(event.label)}")
    graph.add((case, CKG.hasTimelineEvent, resource))
    graph.add((resource, RDF.type, CKG.TimelineEvent))
    graph.add((resource, RDFS.label, Literal(event.label)))
    graph.add((resource, DCTERMS.type, Literal(event.kind)))
    _add_time(graph, resource, event.day, event.approximate, event.offset, event.time_expression)
    if event.note:
        graph.add((resource, RDFS.comment, Literal(event.note)))
    if event.modality:
        graph.add((resource, CKG.modality, URIRef(event.modality)))
    if event.setting:
        graph.add((resource, CKG.setting, Literal(event.setting)))
    for position, finding in enumerate(event.findings, start=1):
        found = URIRef(f"{resource}/finding/{position}")
        graph.add((resource, CKG.revealed, found))
        graph.add((found, RDF.type, CKG.ImagingFinding))
        graph.add((found, RDFS.label, Literal(finding.text)))
        graph.add((found, CKG.concept, URIRef(finding.concept)))
        graph.add((found, CKG.absent, Literal(not finding.present)))
        graph.add((found, CKG.uncertain, Literal(finding.uncertain)))
        for cue in finding.cues:
            graph.add((found, CKG.contextCue, Literal(cue)))
        if event.modality:
            graph.add((found, CKG.modality, URIRef(event.modality)))
        _add_evidence(graph, document, key, found, [finding.sentence_index], finding.span)
    _add_evidence(graph, document, key, resource, [event.sentence_index], event.span)
    for index in event.described_in:
        graph.add((resource, CKG.evidenceSentence, sentence_iri(key, index)))


def _add_claim(
    graph: Graph, document: Document, key: str, claim: Claim, works: dict[int, URIRef]
) -> None:
    resource = claim_iri(key, claim)
    graph.add((resource, RDF.type, CKG.Claim))
    graph.add((resource, CKG.claimSubject, URIRef(claim.subject)))
    graph.add((resource, CKG.claimPredicate, CKG[claim.predicate]))
    graph.add((resource, CKG.claimObject, URIRef(claim.object)))
    graph.add((resource, CKG.assertionKind, _KINDS[claim.kind]))
    graph.add((resource, CKG.hedged, Literal(claim.hedged)))
    graph.add((resource, CKG.modality, _MODALITIES[claim.modality]))
    graph.add((resource, CKG.denied, Literal(claim.negated)))
    if claim.hedge_cue:
        graph.add((resource, CKG.hedgeCue, Literal(claim.hedge_cue)))
    for number in claim.shared_references:
        graph.add((resource, CKG.sharedReference, reference_iri(key, number)))
    graph.add((resource, DCTERMS.source, article_iri(document)))
    if claim.curated:
        curation = document_iri(key, "curation")
        graph.add((curation, RDF.type, PROV.Entity))
        graph.add((curation, RDFS.label, Literal(curation_path(document).name)))
        graph.add((resource, PROV.wasDerivedFrom, curation))
    if claim.note:
        graph.add((resource, RDFS.comment, Literal(claim.note)))
    for number in claim.cited_references:
        graph.add((resource, DCTERMS.references, reference_iri(key, number)))
        if claim.citation_function and number in works:
            graph.add((resource, CITO[claim.citation_function], works[number]))
    for index in claim.citation_sentences:
        graph.add((resource, CKG.citationSentence, sentence_iri(key, index)))
    _add_evidence(graph, document, key, resource, claim.evidence_sentences, claim.span)
