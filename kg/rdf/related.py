"""The related graph (``graph/related``): citing works, co-citation, coupling, rankings and
coverage, made once for the whole graph after the documents.

Reading: ``citation_input`` takes the cases from the document graphs (the article realising
a ``fabio:ClinicalCaseReport``) and the resolved references, works and ``cito:cites`` links
from the crossref graphs (each deposited link dated by its resolution's PROV).

Writing (no blank nodes; IRIs minted from the inputs):

- An edge OpenCitations gave is a ``cito:Citation`` (``ID/citation/<citing>/<cited>``) with
  ``cito:hasCitingEntity`` / ``cito:hasCitedEntity``, ``prov:hadPrimarySource`` the API URL
  and ``prov:generatedAtTime`` when it was fetched; the citing work ``cito:cites`` the cited
  one, so the network queries see it beside Crossref's links.
- A work OpenCitations named is a ``fabio:Expression`` with ``prism:doi`` and, from the
  citation's ``creation``, ``fabio:hasPublicationYear``; titles come from the crossref graphs
  where known.
- Per work: ``ckg:pageRank``, ``ckg:localCitationCount`` (in-degree in the network) and
  ``ckg:community`` (Louvain, 1 the largest).
- Per case and related work, a ``ckg:RelatedWork`` (``ID/related/<case>/<n>``):
  ``ckg:relatedTo`` the case, ``ckg:relatedWork`` the work, ``ckg:rank``,
  ``ckg:relatednessScore``, ``ckg:cocitationCount``, ``ckg:couplingCount``,
  ``ckg:adamicAdar``, each ``ckg:relatednessReason``. Prior and derivative works are
  ``ckg:PriorWork`` / ``ckg:DerivativeWork`` records with ``ckg:referenceCount`` and each
  ``ckg:viaReference`` number.
- Coverage: one ``ckg:CoverageRecord`` per work and operation asked (``ckg:aboutWork``,
  ``ckg:coverageOperation`` citations/references, ``ckg:coverageStatus`` known / empty /
  not-asked / failed, ``ckg:rowCount``, ``ckg:coverageNote``, PROV source and time).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from kg.rdf.namespaces import (
    BIRO,
    CITO,
    CKG,
    FABIO,
    FRBR,
    ID,
    PRISM,
    doi_iri,
    prefixed_graph,
    slug,
)
from kg.related import (
    CROSSREF,
    OPENCITATIONS,
    CitationInput,
    Counted,
    Edge,
    RelatedLayer,
    RelatedWork,
    Seed,
    Work,
)

_REFERENCE_NUMBER = re.compile(r"/reference/(\d+)$")


def node_of(doi: str) -> str:
    """The node id of a work with a DOI: its doi.org IRI, as the other graphs name it."""
    return str(doi_iri(doi))


def citation_input(documents: Sequence[Graph], crossrefs: Sequence[Graph]) -> CitationInput:
    """The cases, works and Crossref citation links the build's graphs hold."""
    works: dict[str, Work] = {}
    edges: list[Edge] = []
    seeds: list[Seed] = []
    for document, crossref in zip(documents, crossrefs, strict=True):
        case = _case(document)
        if case is None:
            continue
        node, doi = case
        works[node] = _work(document, URIRef(node))
        references: list[tuple[int, str]] = []
        for entry, work in crossref.subject_objects(BIRO.references):
            match = _REFERENCE_NUMBER.search(str(entry))
            if match:
                references.append((int(match[1]), str(work)))
        when = _retrieval_times(crossref)
        for citing, cited in crossref.subject_objects(CITO.cites):
            for end in (citing, cited):
                if str(end) not in works:
                    works[str(end)] = _work(crossref, URIRef(str(end)))
            source_url, retrieved = when.get(str(citing), ("", None))
            edges.append(Edge(str(citing), str(cited), CROSSREF, source_url, retrieved))
        seeds.append(Seed(_key(document, node), node, doi, tuple(sorted(set(references)))))
    return CitationInput(tuple(seeds), works, tuple(edges))


def _case(document: Graph) -> tuple[str, str] | None:
    for article, work in document.subject_objects(FRBR.realizationOf):
        if (work, RDF.type, FABIO.ClinicalCaseReport) in document:
            doi = document.value(article, PRISM.doi)
            return str(article), str(doi or "").lower()
    return None


def _key(document: Graph, node: str) -> str:
    for _, work in document.subject_objects(FRBR.realizationOf):
        return str(work).removeprefix(str(ID["doc/"])).removesuffix("/work")
    return node


def _work(graph: Graph, node: URIRef) -> Work:
    titles = [
        title
        for title in graph.objects(node, DCTERMS.title)
        if getattr(title, "language", None) in (None, "en")
    ]
    year = str(graph.value(node, FABIO.hasPublicationYear) or "")
    doi = str(graph.value(node, PRISM.doi) or "").lower()
    return Work(str(node), doi, str(titles[0]) if titles else "", year)


def _retrieval_times(crossref: Graph) -> dict[str, tuple[str, datetime | None]]:
    """Each resolved work's Crossref answer: URL and time (its deposited links come from it)."""
    found: dict[str, tuple[str, datetime | None]] = {}
    for snapshot, work in crossref.subject_objects(PROV.specializationOf):
        source = crossref.value(snapshot, PROV.hadPrimarySource)
        when = crossref.value(snapshot, PROV.generatedAtTime)
        moment = when.toPython() if isinstance(when, Literal) else None
        found[str(work)] = (
            str(source or ""),
            moment if isinstance(moment, datetime) else None,
        )
    return found


def related_graph(layer: RelatedLayer) -> Graph:
    """The related named graph of a layer gathered and analysed by kg.related."""
    graph = prefixed_graph()
    for edge in layer.edges:
        if edge.source == OPENCITATIONS:
            _add_citation(graph, edge)
    for node in layer.works:
        subject = URIRef(node)
        if node in layer.pagerank:
            value = f"{layer.pagerank[node]:.6f}"
            graph.add((subject, CKG.pageRank, Literal(value, datatype=XSD.decimal)))
            count = layer.in_degree.get(node, 0)
            graph.add((subject, CKG.localCitationCount, Literal(count, datatype=XSD.integer)))
        if node in layer.community:
            community = Literal(layer.community[node], datatype=XSD.integer)
            graph.add((subject, CKG.community, community))
    named = [edge for edge in layer.edges if edge.source == OPENCITATIONS]
    for node in sorted({edge.citing for edge in named} | {edge.cited for edge in named}):
        work = layer.works.get(node, Work(node))
        subject = URIRef(node)
        graph.add((subject, RDF.type, FABIO.Expression))
        if work.doi:
            graph.add((subject, PRISM.doi, Literal(work.doi)))
        if work.title:
            graph.add((subject, DCTERMS.title, Literal(work.title)))
        if re.fullmatch(r"\d{4}", work.year):
            graph.add((subject, FABIO.hasPublicationYear, Literal(work.year, datatype=XSD.gYear)))
    for ranking in layer.rankings:
        _add_ranking(graph, ranking.seed, ranking.related, ranking.prior, ranking.derivative)
    for item in layer.coverage:
        record = ID[f"related/coverage/{slug(item.doi or item.node)}/{item.operation}"]
        graph.add((record, RDF.type, CKG.CoverageRecord))
        graph.add((record, RDF.type, PROV.Entity))
        graph.add((record, CKG.aboutWork, URIRef(item.node)))
        graph.add((record, CKG.coverageOperation, Literal(item.operation)))
        graph.add((record, CKG.coverageStatus, Literal(item.status)))
        graph.add((record, CKG.rowCount, Literal(item.rows, datatype=XSD.integer)))
        if item.detail:
            graph.add((record, CKG.coverageNote, Literal(item.detail)))
        _add_source(graph, record, item.url, item.retrieved_at)
    return graph


def _add_source(graph: Graph, subject: URIRef, url: str, when: datetime | None) -> None:
    if url:
        graph.add((subject, PROV.hadPrimarySource, URIRef(url)))
    if when is not None:
        graph.add((subject, PROV.generatedAtTime, Literal(when.isoformat(), datatype=XSD.dateTime)))


def _add_citation(graph: Graph, edge: Edge) -> None:
    citing, cited = URIRef(edge.citing), URIRef(edge.cited)
    citation = ID[f"citation/{slug(edge.citing)}/{slug(edge.cited)}"]
    graph.add((citing, CITO.cites, cited))
    graph.add((citation, RDF.type, CITO.Citation))
    graph.add((citation, CITO.hasCitingEntity, citing))
    graph.add((citation, CITO.hasCitedEntity, cited))
    _add_source(graph, citation, edge.url, edge.retrieved_at)


def _add_ranking(
    graph: Graph,
    seed: Seed,
    related: Sequence[RelatedWork],
    prior: Sequence[Counted],
    derivative: Sequence[Counted],
) -> None:
    case = URIRef(seed.node)
    base = f"related/{slug(seed.key)}"
    for item in related:
        record = ID[f"{base}/{item.rank}"]
        graph.add((record, RDF.type, CKG.RelatedWork))
        graph.add((record, CKG.relatedTo, case))
        graph.add((record, CKG.relatedWork, URIRef(item.node)))
        for predicate, value, kind in (
            (CKG.rank, item.rank, XSD.integer),
            (CKG.relatednessScore, f"{item.score:.4f}", XSD.decimal),
            (CKG.cocitationCount, item.cocitation, XSD.integer),
            (CKG.couplingCount, item.coupling, XSD.integer),
            (CKG.adamicAdar, f"{item.adamic_adar:.4f}", XSD.decimal),
        ):
            graph.add((record, predicate, Literal(value, datatype=kind)))
        for reason in item.reasons:
            graph.add((record, CKG.relatednessReason, Literal(reason)))
    for kind, name, counted in (
        (CKG.PriorWork, "prior", prior),
        (CKG.DerivativeWork, "derivative", derivative),
    ):
        for n, work in enumerate(counted, 1):
            record = ID[f"{base}/{name}/{n}"]
            graph.add((record, RDF.type, kind))
            graph.add((record, CKG.relatedTo, case))
            graph.add((record, CKG.relatedWork, URIRef(work.node)))
            graph.add((record, CKG.rank, Literal(n, datatype=XSD.integer)))
            graph.add((record, CKG.referenceCount, Literal(work.count, datatype=XSD.integer)))
            for number in work.references:
                graph.add((record, CKG.viaReference, Literal(number, datatype=XSD.integer)))
