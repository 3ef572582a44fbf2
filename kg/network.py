"""networkx views of the graph: the citation network around the case reports.

The store answers the network queries (kg/queries/network/*.rq); this module turns the rows
into a ``networkx.DiGraph`` whose edges point from citing to cited work, with each node's
title, DOI, year, venue and its ring: 0 for a case report, 1 for the works its references
point at, 2 for the works those cite in turn (known once a reference resolved to a DOI).
"""

from __future__ import annotations

import io

import networkx as nx
from rdflib.term import Node

from kg.queries import internal_query
from kg.rdf.namespaces import prefix_map
from kg.store import GraphStore

RING_NAMES = {0: "case report", 1: "reference", 2: "second ring"}


def citation_network(store: GraphStore) -> nx.DiGraph:
    """Works as nodes, ``cito:cites`` as edges, over every graph in the store."""
    network = nx.DiGraph()
    prefixes = prefix_map()
    works = store.query(internal_query("network/works"), prefixes=prefixes)
    for work, title, doi, year, venue, case_report in works.rows:
        network.add_node(
            str(work),
            title=_text(title),
            doi=_text(doi),
            year=_text(year),
            venue=_text(venue),
            case_report=_text(case_report) == "true",
        )
    edges = store.query(internal_query("network/citation_edges"), prefixes=prefixes)
    network.add_edges_from((str(citing), str(cited)) for citing, cited in edges.rows)
    _mark_rings(network)
    return network


def _mark_rings(network: nx.DiGraph) -> None:
    cases = [node for node, case in network.nodes(data="case_report") if case]
    rings = nx.multi_source_dijkstra_path_length(network, cases) if cases else {}
    for node in network:
        ring = rings.get(node)
        network.nodes[node]["ring"] = -1 if ring is None else int(ring)
        network.nodes[node]["kind"] = (
            RING_NAMES.get(int(ring), "further") if ring is not None else "unlinked"
        )


def _text(term: Node | None) -> str:
    return "" if term is None else str(term)


def to_graphml(network: nx.DiGraph) -> bytes:
    """GraphML for Gephi, Cytoscape or yEd (networkx's writer)."""
    buffer = io.BytesIO()
    nx.write_graphml(network, buffer, encoding="utf-8")
    return buffer.getvalue()
