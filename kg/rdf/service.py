"""The SPARQL 1.1 Service Description of `kg serve`'s endpoint, as an rdflib graph."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.rdf.namespaces import SD


def service_description(
    endpoint: str, formats: Iterable[str], *, timeout: float | None, limit: int | None
) -> Graph:
    """What the endpoint is and offers: SPARQL 1.1 Query only (read-only), its union default
    graph, the result and RDF formats (``formats``: their W3C format IRIs) and its limits."""
    graph = Graph()
    graph.bind("sd", SD)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for iri in formats:
        graph.add((service, SD.resultFormat, URIRef(iri)))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    limits = [
        f"queries stop after {timeout:g} s" if timeout else "no time limit",
        f"answers stop at {limit} rows" if limit else "no row limit",
    ]
    graph.add(
        (
            service,
            RDFS.comment,
            Literal(
                "casekg's read-only SPARQL endpoint: updates, LOAD and SERVICE are refused; "
                + "; ".join(limits)
            ),
        )
    )
    return graph
