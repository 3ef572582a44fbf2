"""networkx views of the graph: the citation network around the case reports.

The store answers the network queries (kg/queries/network/*.rq); this module turns the rows
into a ``networkx.DiGraph`` whose edges point from citing to cited work, with each node's
title, DOI, year, venue and its ring: 0 for a case report, 1 for the works its references
point at, 2 for the works those cite in turn (known once a reference resolved to a DOI).
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
from collections.abc import Mapping
from typing import Any

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
    for work, title, doi, year, venue, case_report, rank, community in sorted(
        works.rows, key=lambda row: str(row[0])
    ):
        network.add_node(
            str(work),
            title=_text(title),
            doi=_text(doi),
            year=_text(year),
            venue=_text(venue),
            case_report=_text(case_report) == "true",
        )
        if rank is not None:
            network.nodes[str(work)]["pagerank"] = float(str(rank))
        if community is not None:
            network.nodes[str(work)]["community"] = int(str(community))
    edges = store.query(internal_query("network/citation_edges"), prefixes=prefixes)
    network.add_edges_from(sorted((str(citing), str(cited)) for citing, cited in edges.rows))
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
    """GraphML for Gephi, Cytoscape or yEd (networkx's writer), attributes typed: a short
    ``label`` Gephi shows, ``year`` and ``citations`` (local in-degree) as integers,
    ``pagerank`` as a double, ``community`` as an integer where the related layer made them."""
    typed = nx.DiGraph()
    for node, data in network.nodes(data=True):
        attributes = {key: value for key, value in data.items() if value != ""}
        year = str(data.get("year", ""))
        if year.isdigit():
            attributes["year"] = int(year)
        attributes["label"] = label(node, data)
        attributes["citations"] = int(network.in_degree(node))
        typed.add_node(node, **attributes)
    typed.add_edges_from(network.edges(), weight=1.0)
    buffer = io.BytesIO()
    nx.write_graphml(typed, buffer, encoding="utf-8")
    return buffer.getvalue()


def label(node: str, data: Mapping[str, Any]) -> str:
    """A short name for a work: its title's first words and year, else its DOI or IRI."""
    title = " ".join(str(data.get("title") or "").split()[:6])
    year = str(data.get("year") or "")
    if title:
        return f"{title} ({year})" if year else title
    return str(data.get("doi") or node)


def to_vosviewer(network: nx.DiGraph, title: str = "casekg citation network") -> bytes:
    """A VOSviewer (Online) JSON map: items with their community as cluster, weights
    (local citations, references) and scores (year, PageRank); links between citing and
    cited works with strength 1 (2 when they cite each other). VOSviewer lays it out."""
    ids = {node: number for number, node in enumerate(sorted(network), 1)}
    items: list[dict[str, Any]] = []
    for node in sorted(network):
        data = network.nodes[node]
        item: dict[str, Any] = {"id": ids[node], "label": label(node, data)}
        doi = str(data.get("doi") or "")
        item["url"] = f"https://doi.org/{doi}" if doi else node
        if data.get("title"):
            item["description"] = html.escape(str(data["title"]))
        if "community" in data:
            item["cluster"] = int(data["community"])
        item["weights"] = {
            "Citations": int(network.in_degree(node)),
            "References": int(network.out_degree(node)),
        }
        scores: dict[str, float] = {}
        if str(data.get("year") or "").isdigit():
            scores["Year"] = int(data["year"])
        if "pagerank" in data:
            scores["PageRank"] = float(data["pagerank"])
        if scores:
            item["scores"] = scores
        items.append(item)
    strengths: dict[tuple[int, int], int] = {}
    for citing, cited in network.edges():
        pair = (min(ids[citing], ids[cited]), max(ids[citing], ids[cited]))
        strengths[pair] = strengths.get(pair, 0) + 1
    links = [
        {"source_id": a, "target_id": b, "strength": strength}
        for (a, b), strength in sorted(strengths.items())
    ]
    document = {
        "network": {"items": items, "links": links},
        "config": {
            "terminology": {
                "item": "work",
                "items": "works",
                "link": "citation link",
                "links": "citation links",
            }
        },
        "info": {"title": html.escape(title)},
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def to_edge_csv(network: nx.DiGraph) -> bytes:
    """The citation links as a CSV edge list (Gephi, VOSviewer, spreadsheets): citing and
    cited work IRI and DOI, one row per link."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["source", "target", "source_doi", "target_doi", "weight"])
    for citing, cited in sorted(network.edges()):
        source_doi = network.nodes[citing].get("doi", "")
        target_doi = network.nodes[cited].get("doi", "")
        writer.writerow([citing, cited, source_doi, target_doi, 1])
    return buffer.getvalue().encode()


# Similarity and importance over a citation DiGraph (edges citing -> cited), as the peers
# compute them (../shared/reference/related-literature.md, section 2). Counts are sets of
# distinct works: a work citing both twice still co-cites them once.


def cocitation(network: nx.DiGraph, a: str, b: str) -> int:
    """How many works cite both ``a`` and ``b``: |in(a) ∩ in(b)|."""
    return len(set(network.predecessors(a)) & set(network.predecessors(b)))


def coupling(network: nx.DiGraph, a: str, b: str) -> int:
    """How many works both ``a`` and ``b`` cite (bibliographic coupling): |out(a) ∩ out(b)|."""
    return len(set(network.successors(a)) & set(network.successors(b)))


def cocitation_counts(network: nx.DiGraph, work: str) -> dict[str, int]:
    """Every work co-cited with ``work``, with the number of works citing both."""
    counts: dict[str, int] = {}
    for citing in network.predecessors(work):
        for other in network.successors(citing):
            if other != work:
                counts[other] = counts.get(other, 0) + 1
    return counts


def coupling_counts(network: nx.DiGraph, work: str) -> dict[str, int]:
    """Every work coupled with ``work``, with the number of references they share."""
    counts: dict[str, int] = {}
    for cited in network.successors(work):
        for other in network.predecessors(cited):
            if other != work:
                counts[other] = counts.get(other, 0) + 1
    return counts


def salton(overlap: int, size_a: int, size_b: int) -> float:
    """Salton's cosine: the overlap over the geometric mean of the two set sizes (0 if empty)."""
    return overlap / math.sqrt(size_a * size_b) if overlap and size_a and size_b else 0.0


def adamic_adar_coupling(network: nx.DiGraph, a: str, b: str) -> float:
    """Σ 1/ln(in-degree) over the references ``a`` and ``b`` share: a rare shared reference
    weighs more. Natural log; a shared reference is cited at least twice, so ln ≥ ln 2."""
    shared = set(network.successors(a)) & set(network.successors(b))
    return sum(1.0 / math.log(network.in_degree(w)) for w in shared)


def pagerank(
    network: nx.DiGraph, damping: float = 0.85, tolerance: float = 1e-10, rounds: int = 200
) -> dict[str, float]:
    """Importance flowing along citations: power iteration, a dangling work's share spread
    evenly (networkx's definition; its own pagerank needs SciPy, which casekg does not)."""
    nodes = list(network)
    if not nodes:
        return {}
    size = len(nodes)
    rank = dict.fromkeys(nodes, 1.0 / size)
    out = {node: network.out_degree(node) for node in nodes}
    for _ in range(rounds):
        dangling = damping * sum(rank[node] for node in nodes if out[node] == 0) / size
        fresh = dict.fromkeys(nodes, (1.0 - damping) / size + dangling)
        for node in nodes:
            if out[node]:
                share = damping * rank[node] / out[node]
                for cited in network.successors(node):
                    fresh[cited] += share
        change = sum(abs(fresh[node] - rank[node]) for node in nodes)
        rank = fresh
        if change < size * tolerance:
            break
    return {str(node): value for node, value in rank.items()}


def communities(network: nx.DiGraph, seed: int = 1) -> dict[str, int]:
    """Each work's community (Louvain over the undirected network, fixed seed): 1 is the
    largest; works with no link are left out."""
    undirected = network.to_undirected()
    undirected.remove_nodes_from([node for node, degree in undirected.degree() if degree == 0])
    if undirected.number_of_nodes() == 0:
        return {}
    found = nx.community.louvain_communities(undirected, seed=seed)
    ordered = sorted(found, key=lambda group: (-len(group), min(group)))
    return {str(node): number for number, group in enumerate(ordered, 1) for node in group}
