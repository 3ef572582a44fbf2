"""The Explore graph: cases, concepts, claims, references and works as one networkx graph,
filtered and capped before anything is sent to the browser.

Why a cap: Cytoscape in a Streamlit component stays smooth to about 1,000 elements (nodes
plus edges); past that the page says what it left out and how to narrow the view.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import streamlit as st

from kgdash import data
from kgdash.data import Rows

MAX_ELEMENTS = 1000
PLACED_LIMIT = 500
"""Views of fewer nodes are laid out here (networkx's dense spring layout; from 500 nodes on
networkx needs scipy, which casekg does not install) and the browser only draws them;
larger views are laid out by the browser (fcose)."""
NODE_TYPES = ("Case", "Concept", "Claim", "Reference", "Work")
COLOURS = {
    "Case": "#c0392b",
    "Concept": "#2a629a",
    "Claim": "#8e44ad",
    "Reference": "#16a085",
    "Work": "#d68910",
}


def whole() -> nx.Graph:
    """The whole graph of the published store, built once per version and shared by every
    session (read only: views are subgraphs or copies)."""
    where = data.location()
    return _whole(where, data.store_version(where))


@st.cache_resource(max_entries=2, show_spinner=False)
def _whole(where: str, version: str) -> nx.Graph:
    return build(
        data.saved("explore_mentions"),
        data.saved("explore_claims"),
        data.saved("explore_references"),
    )


def build(mentions: Rows, claims: Rows, references: Rows) -> nx.Graph:
    """One undirected graph; every edge keeps its relation, direction and evidence sentence."""
    graph = nx.Graph()
    for row in mentions.rows:
        _node(graph, row["article"], "Case", row["caseTitle"])
        _node(graph, row["concept"], "Concept", row["label"], category=row["category"])
        graph.nodes[row["concept"]]["citations"] += int(row["mentions"] or 0)
        only_negated = row["negated"] == row["mentions"]
        relation = "names as absent" if only_negated else "names"
        _edge(graph, row["article"], row["concept"], relation, row["evidence"])
    for row in references.rows:
        entry = row["entry"]
        title = row["title"] or "(no title)"
        _node(graph, entry, "Reference", f"[{row['number']}] {title}")
        graph.nodes[entry]["citations"] += int(row["citations"] or 0)
        graph.nodes[entry]["doi"] = row["doi"]
        _node(graph, row["article"], "Case", "")
        _edge(graph, row["article"], entry, "cites", row["evidence"])
        if row["doi"]:
            _node(graph, row["work"], "Work", f"{title} ({row['year'] or 'n.d.'})")
            graph.nodes[row["work"]]["doi"] = row["doi"]
            _edge(graph, entry, row["work"], "refers to", "")
    for row in claims.rows:
        claim = row["claim"]
        statement = f"{row['subjectLabel']} {row['predicate']} {row['objectLabel']}"
        _node(graph, claim, "Claim", statement)
        _node(graph, row["subject"], "Concept", row["subjectLabel"])
        _node(graph, row["object"], "Concept", row["objectLabel"])
        _edge(graph, row["subject"], claim, "subject of", row["evidence"])
        _edge(graph, claim, row["object"], row["predicate"], row["evidence"])
        if row["entry"] and row["entry"] in graph:
            _edge(graph, claim, row["entry"], "cites", row["evidence"])
    return graph


def _node(graph: nx.Graph, node: str, kind: str, label: str, category: str = "") -> None:
    if node not in graph:
        graph.add_node(node, kind=kind, label=label, category=category, citations=0, doi="")
        return
    attributes = graph.nodes[node]
    if label and not attributes["label"]:
        attributes["label"] = label
    if category and not attributes["category"]:
        attributes["category"] = category


def _edge(graph: nx.Graph, source: str, target: str, relation: str, evidence: str) -> None:
    if not graph.has_edge(source, target):
        graph.add_edge(source, target, source=source, relation=relation, evidence=evidence)


@dataclass(frozen=True)
class View:
    """What the browser gets, and what was left out of it."""

    graph: nx.Graph
    matched: tuple[str, ...]  # nodes the search found
    omitted_nodes: int
    omitted_edges: int


def select(
    graph: nx.Graph,
    *,
    kinds: Iterable[str],
    categories: Iterable[str] = (),
    search: str = "",
    depth: int = 1,
    limit: int = MAX_ELEMENTS,
) -> View:
    """The filtered neighbourhood: search matches and what lies within ``depth`` of them
    (everything when there is no search), the best-connected first up to ``limit``."""
    kinds = set(kinds)
    wanted_categories = set(categories)

    def keep(node: str) -> bool:
        attributes = graph.nodes[node]
        if attributes["kind"] not in kinds:
            return False
        return not (
            wanted_categories
            and attributes["kind"] == "Concept"
            and attributes["category"] not in wanted_categories
        )

    typed = graph.subgraph([n for n in graph if keep(n)])
    needle = search.strip().lower()
    matched: tuple[str, ...] = ()
    if needle:
        matched = tuple(n for n in typed if needle in str(typed.nodes[n]["label"]).lower())
        around: set[str] = set()
        for node in matched:
            around |= set(nx.single_source_shortest_path_length(typed, node, cutoff=depth))
        typed = typed.subgraph(around)
    ranked = sorted(typed, key=lambda n: (n not in matched, -typed.degree(n), str(n)))
    chosen: list[str] = []
    edges = 0
    taken: set[str] = set()
    for node in ranked:
        new_edges = sum(1 for other in typed.neighbors(node) if other in taken)
        if len(chosen) + 1 + edges + new_edges > limit:
            break
        chosen.append(node)
        taken.add(node)
        edges += new_edges
    shown = typed.subgraph(chosen).copy()
    return View(
        shown,
        tuple(n for n in matched if n in taken),
        typed.number_of_nodes() - shown.number_of_nodes(),
        typed.number_of_edges() - shown.number_of_edges(),
    )


def positions(view: View) -> dict[str, tuple[float, float]] | None:
    """Where each node of the view goes, in Cytoscape's pixels (None past PLACED_LIMIT).

    Why here: run in the browser, the force layout (fcose) and its label measuring were most
    of the main-thread time of drawing the Explore graph (~0.4 s of ~0.85 s per visit on the
    seed under load), paid again on every visit; here it is computed once per view and
    shared by every session."""
    if not 0 < view.graph.number_of_nodes() < PLACED_LIMIT:
        return None
    return _positions(tuple(view.graph), tuple(view.graph.edges()))


@st.cache_data(max_entries=64, show_spinner=False)
def _positions(
    nodes: tuple[str, ...], edges: tuple[tuple[str, str], ...]
) -> dict[str, tuple[float, float]]:
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    # ~120 px per node on a side: room for the captions once Cytoscape fits the view.
    placed = nx.spring_layout(graph, seed=7, scale=60.0 * math.sqrt(len(nodes)))
    return {node: (round(float(x), 1), round(float(y), 1)) for node, (x, y) in placed.items()}


def elements(
    view: View,
    full: nx.Graph,
    size_by: str,
    placed: dict[str, tuple[float, float]] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape elements: ``label`` is the node type (styles select on it), ``name`` the
    caption, ``size`` from degree in the whole graph or citation count; a ``position`` for
    each node when the view was laid out here (``placed``)."""
    nodes = []
    for node, attributes in view.graph.nodes(data=True):
        weight = full.degree(node) if size_by == "degree" else attributes["citations"]
        element: dict[str, Any] = {
            "data": {
                "id": node,
                "label": attributes["kind"],
                "name": _short(str(attributes["label"]) or node, 60),
                "category": attributes["category"],
                "size": 18 + min(int(weight), 40) * 2,
            }
        }
        if placed is not None:
            x, y = placed[node]
            element["position"] = {"x": x, "y": y}
        nodes.append(element)
    edges = [
        {
            "data": {
                "id": f"e{number}",
                "label": attributes["relation"].upper().replace(" ", "_"),
                "source": attributes["source"],
                "target": target if attributes["source"] == source else source,
            }
        }
        for number, (source, target, attributes) in enumerate(view.graph.edges(data=True))
    ]
    return {"nodes": nodes, "edges": edges}


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True)
class Hop:
    source: str
    relation: str
    target: str
    evidence: str


def path(graph: nx.Graph, start: str, end: str) -> list[Hop] | None:
    """How two nodes connect: the shortest path, each hop with its relation (read in the
    edge's own direction) and the sentence that states it; None when they do not connect."""
    try:
        nodes: Sequence[str] = nx.shortest_path(graph, start, end)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return None
    hops = []
    for here, there in itertools.pairwise(nodes):
        attributes = graph.edges[here, there]
        forward = attributes["source"] == here
        relation = attributes["relation"] if forward else f"← {attributes['relation']}"
        hops.append(
            Hop(
                graph.nodes[here]["label"],
                relation,
                graph.nodes[there]["label"],
                attributes["evidence"],
            )
        )
    return hops
