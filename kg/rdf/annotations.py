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
    graph.addN(
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
    label = Literal(mention.label)
    triples: list[Triple] = [
        (annotation, RDF.type, OA.Annotation),
        (annotation, OA.motivatedBy, OA.identifying),
        (annotation, OA.hasBody, body),
        (annotation, CKG.matchedLabel, label),
    ]
    if mention.identifier is None:
        triples.append((annotation, RDF.type, CKG.ConceptMention))
    else:
        triples += [
            (annotation, RDF.type, CKG.TerminologyMention),
            (annotation, CKG.category, Literal(mention.category)),
            (body, DCTERMS.identifier, Literal(mention.identifier)),
            (body, RDFS.label, label),
        ]
        source = terminologies.get(source_key(mention.identifier))
        if source is not None:
            triples.append((annotation, PROV.wasDerivedFrom, source))
    context = mention.context
    triples += [
        (annotation, CKG.negated, _BOOLEANS[context.negated]),
        (annotation, CKG.uncertain, _BOOLEANS[context.uncertain]),
        (annotation, CKG.experiencer, Literal(context.experiencer)),
        (annotation, CKG.historical, _BOOLEANS[context.historical]),
    ]
    triples += [(annotation, CKG.contextCue, Literal(cue)) for cue in context.cues]
    sentence = sentence_iri(key, mention.sentence_index)
    source_text = source_iri(key)
    for number, quote in enumerate(mention.quotes, start=1):
        target = URIRef(f"{annotation}/target/{number}")
        triples.append((annotation, OA.hasTarget, target))
        triples += text_target_triples(target, source_text, quote)
        triples.append((target, OA.hasScope, sentence))
    return triples


_BOOLEANS = {value: Literal(value) for value in (False, True)}
