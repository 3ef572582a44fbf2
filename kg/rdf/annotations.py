"""The annotations graph: concept mentions, case facts and claims of one document.

A concept mention is a Web Annotation (``oa:Annotation`` and ``ckg:ConceptMention``,
motivated by ``oa:identifying``): its body is the vocabulary concept, its target an
``oa:SpecificResource`` of the source text file with two selectors for the same words —
an ``oa:TextQuoteSelector`` (``oa:exact``, ``oa:prefix``, ``oa:suffix``) and an
``oa:TextPositionSelector`` (``oa:start``, ``oa:end``, character offsets, end exclusive) —
and ``oa:hasScope`` the sentence it is read in. Its ConText (kg.context) is stated on it:
``ckg:negated``, ``ckg:uncertain``, ``ckg:experiencer``, ``ckg:historical``, and each trigger
as a ``ckg:contextCue``. A mention of a standard terminology term (kg.terminology) is a
``ckg:TerminologyMention`` whose body is the term's IRI, with the identifier the
terminology gives (``dcterms:identifier``), its label, its ``ckg:category`` and
``prov:wasDerivedFrom`` the terminology release (a ``prov:Entity`` with
``owl:versionInfo``) — what a build used is in its graph. Words split by page furniture give one
target per run of text. IRIs hang on the document key and the source offsets, so a rebuild
gives the same graph.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS

from kg.annotate import Annotations
from kg.document import Document
from kg.mentions import ConceptMention
from kg.rdf.document import (
    Triple,
    document_key,
    plain_literal,
    sentence_iri,
    source_iri,
    text_target_triples,
)
from kg.rdf.facts import claims_graph, facts_graph
from kg.rdf.namespaces import CKG, OA, document_iri, prefixed_graph, slug
from kg.terminology.sources import Source, source_key


def mention_iri(key: str, mention: ConceptMention) -> URIRef:
    return document_iri(key, "mention", f"{mention.start}-{mention.end}")


def annotation_graph(
    document: Document, annotations: Annotations, into: Graph | None = None
) -> Graph:
    """All triples annotation gives for one document; added to ``into`` (a dataset's named
    graph, so nothing is copied later), else a new graph."""
    graph = prefixed_graph() if into is None else into
    key = document_key(document)
    terminologies = {
        source.key: _add_terminology(graph, key, source) for source in annotations.terminologies
    }
    # Straight to the store: Graph.addN checks every term of every triple again, and these
    # are made here (~370k at 1 MB).
    graph.store.addN(
        (*triple, graph)
        for mention in annotations.mentions
        for triple in _mention_triples(key, mention, terminologies)
    )
    facts_graph(document, annotations.facts, graph)
    claims_graph(document, annotations.claims, graph)
    return graph


def _add_terminology(graph: Graph, key: str, source: Source) -> URIRef:
    """The terminology release a build linked mentions with, as a PROV entity."""
    resource = document_iri(key, "terminology", slug(source.key))
    graph.add((resource, RDF.type, PROV.Entity))
    graph.add((resource, RDFS.label, Literal(source.name)))
    graph.add((resource, OWL.versionInfo, Literal(source.version)))
    graph.add((resource, DCTERMS.source, Literal(f"{source.package} {source.package_version}")))
    return resource


def _mention_triples(
    key: str, mention: ConceptMention, terminologies: dict[str, URIRef]
) -> list[Triple]:
    """One concept mention's triples (~26; a 1 MB text has ~13k mentions: they are added
    with one ``addN``, not one ``add`` each)."""
    annotation = mention_iri(key, mention)
    body = URIRef(mention.concept)
    label = plain_literal(mention.label)
    triples: list[Triple] = [
        (annotation, _TYPE, _ANNOTATION),
        (annotation, _MOTIVATED_BY, _IDENTIFYING),
        (annotation, _HAS_BODY, body),
        (annotation, _MATCHED_LABEL, label),
    ]
    if mention.identifier is None:
        triples.append((annotation, _TYPE, _CONCEPT_MENTION))
    else:
        triples += [
            (annotation, _TYPE, _TERMINOLOGY_MENTION),
            (annotation, _CATEGORY, plain_literal(mention.category)),
            (body, _IDENTIFIER, plain_literal(mention.identifier)),
            (body, _LABEL, label),
        ]
        source = terminologies.get(source_key(mention.identifier))
        if source is not None:
            triples.append((annotation, _DERIVED_FROM, source))
    context = mention.context
    triples += [
        (annotation, _NEGATED, _BOOLEANS[context.negated]),
        (annotation, _UNCERTAIN, _BOOLEANS[context.uncertain]),
        (annotation, _EXPERIENCER, plain_literal(context.experiencer)),
        (annotation, _HISTORICAL, _BOOLEANS[context.historical]),
    ]
    triples += [(annotation, _CONTEXT_CUE, plain_literal(cue)) for cue in context.cues]
    sentence = sentence_iri(key, mention.sentence_index)
    source_text = source_iri(key)
    for number, quote in enumerate(mention.quotes, start=1):
        target = URIRef(f"{annotation}/target/{number}")
        triples.append((annotation, _HAS_TARGET, target))
        triples += text_target_triples(target, source_text, quote)
        triples.append((target, _HAS_SCOPE, sentence))
    return triples


# The vocabulary's terms, read once: an rdflib namespace makes a new term on every read.
_TYPE = RDF.type
_ANNOTATION = OA.Annotation
_MOTIVATED_BY = OA.motivatedBy
_IDENTIFYING = OA.identifying
_HAS_BODY = OA.hasBody
_HAS_TARGET = OA.hasTarget
_HAS_SCOPE = OA.hasScope
_MATCHED_LABEL = CKG.matchedLabel
_CONCEPT_MENTION = CKG.ConceptMention
_TERMINOLOGY_MENTION = CKG.TerminologyMention
_CATEGORY = CKG.category
_IDENTIFIER = DCTERMS.identifier
_LABEL = RDFS.label
_DERIVED_FROM = PROV.wasDerivedFrom
_NEGATED = CKG.negated
_UNCERTAIN = CKG.uncertain
_EXPERIENCER = CKG.experiencer
_HISTORICAL = CKG.historical
_CONTEXT_CUE = CKG.contextCue
_BOOLEANS = {value: Literal(value) for value in (False, True)}
