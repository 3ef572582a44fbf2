"""Explore: the case(s), their concepts, claims and references as an interactive graph."""

from __future__ import annotations

import networkx as nx
import streamlit as st
from kgdash import case as kgcase
from kgdash import graph as kggraph
from kgdash.data import saved
from kgdash.force import force_graph
from kgdash.panels import FORCE_LAYOUT, PLACED_LAYOUT, show_sparql
from rdflib import URIRef
from st_link_analysis import EdgeStyle

GRAPH_KEY = "explore-graph"
SELECTED_KEY = "explore-selected"
PATH_FINDER_KEY = "explore-path-finder"


st.title("Explore")
st.caption(
    "Cases, the concepts they name, the claims they make and the references behind them. "
    "Click a node for its details; search and depth narrow the view."
)

full = kggraph.whole()
categories = sorted({c for _, c in full.nodes(data="category") if c})

# Buttons, not lists or a slider: each kind of widget loads its own scripts into the first
# render of the page, and pills and segmented controls share one small one.
with st.sidebar:
    kinds = st.pills(
        "Node types", kggraph.NODE_TYPES, selection_mode="multi", default=kggraph.NODE_TYPES
    )
    chosen_categories = st.pills(
        "Concept categories", categories, selection_mode="multi", help="None picked: all."
    )
    search = st.text_input("Search nodes", placeholder="e.g. sepsis")
    depth = st.segmented_control("Neighbourhood depth", (1, 2, 3), default=1, required=True)
    size_by = st.segmented_control(
        "Node size by", ("degree", "citations"), default="degree", required=True
    )


@st.fragment
def graph_panel() -> None:
    view = kggraph.select(
        full, kinds=kinds, categories=chosen_categories, search=search, depth=depth
    )
    if search and not view.matched:
        st.warning(f"No node matches {kgcase.plain(search)} among the chosen types.")
    if view.omitted_nodes or view.omitted_edges:
        st.info(
            f"Showing {view.graph.number_of_nodes()} nodes and {view.graph.number_of_edges()} "
            f"edges; {view.omitted_nodes} nodes and {view.omitted_edges} edges were left out "
            f"to stay under {kggraph.MAX_ELEMENTS} elements. Narrow the view with a search, "
            "fewer node types or concept categories."
        )
    placed = kggraph.positions(view)
    elements = kggraph.elements(view, full, size_by, placed)
    left, right = st.columns([3, 2])
    with left:
        clicked = force_graph(
            elements,
            kggraph.COLOURS,
            [
                EdgeStyle(label, caption="label", directed=True)
                for label in sorted({e["data"]["label"] for e in elements["edges"]})
            ],
            height=600,
            key=GRAPH_KEY,
            layout=FORCE_LAYOUT if placed is None else PLACED_LAYOUT,
        )
    if clicked and clicked in full:
        st.session_state[SELECTED_KEY] = clicked
    with right:
        details(full, st.session_state.get(SELECTED_KEY))


def details(full: nx.Graph, node: str | None) -> None:
    st.subheader("Details")
    if not node or node not in full:
        st.caption("Click a node in the graph to see its details here.")
        return
    attributes = full.nodes[node]
    kind = attributes["kind"]
    st.markdown(f"**{kind}**")
    st.text(str(attributes["label"]))
    if kind == "Concept":
        concept_details(node)
    elif kind == "Reference":
        reference_details(node)
    elif kind == "Claim":
        claim_details(node)
    elif attributes["doi"]:
        st.text(f"DOI: {attributes['doi']}")


def concept_details(node: str) -> None:
    rows = saved("concept_details", concept=URIRef(node))
    first = rows.rows[0] if rows.rows else {}
    st.text(f"Category: {first.get('category') or 'none'}")
    matches = sorted({f"{r['matchKind']}: {r['match']}" for r in rows.rows if r["match"]})
    st.text("Mappings: " + ("; ".join(matches) if matches else "none"))
    sentences: dict[tuple[str, str], dict[str, str]] = {}
    for row in rows.rows:
        if row["sentence"]:
            sentences.setdefault((row["article"], row["position"]), row)
    st.markdown(f"**Sentences that name it** ({len(sentences)})")
    st.dataframe(
        [
            {
                "sentence": int(r["position"]),
                "negated": "NEGATED" if r["negated"] == "true" else "",
                "words": r["matched"],
                "text": r["sentence"],
            }
            for r in sentences.values()
        ],
        hide_index=True,
    )
    show_sparql(rows, "concept")


def reference_details(node: str) -> None:
    rows = saved("reference_details", entry=URIRef(node))
    if not rows.rows:
        st.caption("Nothing more is known about this reference.")
        return
    first = rows.rows[0]
    st.text(f"As printed: {first['raw']}")
    for label, field in [
        ("Title", "title"),
        ("Journal", "journal"),
        ("Year", "year"),
        ("Volume", "volume"),
        ("Pages", "pages"),
    ]:
        if first[field]:
            st.text(f"{label}: {first[field]}")
    if first["doi"]:
        st.link_button(f"DOI {first['doi']}", f"https://doi.org/{first['doi']}")
        st.text(
            f"Crossref: {first['resolvedTitle']} · {first['resolvedJournal']} · "
            f"{first['resolvedYear']}"
        )
    if first["status"]:
        st.text(f"Resolution: {first['status']} (score {float(first['score']):.2f})")
        if first["reasons"]:
            st.text("Reasons: " + first["reasons"])
    citing = sorted({r["citingSentence"] for r in rows.rows if r["citingSentence"]})
    st.markdown(f"**Sentences citing it** ({len(citing)})")
    for sentence in citing:
        st.text(sentence)
    claims = sorted({(r["statement"], r["function"]) for r in rows.rows if r["statement"]})
    if claims:
        st.markdown("**Cited for**")
        st.dataframe([{"claim": s, "CiTO": f} for s, f in claims], hide_index=True)
    show_sparql(rows, "reference")


def claim_details(node: str) -> None:
    rows = saved("claim_details", claim=URIRef(node))
    if not rows.rows:
        st.caption("Nothing more is known about this claim.")
        return
    first = rows.rows[0]
    st.text(f"{first['subjectLabel']} —{first['predicate']}→ {first['objectLabel']}")
    hedged = "hedged" if first["hedged"] == "true" else "stated"
    st.text(f"Modality: {first['predicate']}, {hedged}; {first['kind'] or 'kind unknown'}")
    st.markdown(f"**Evidence** (sentence {first['position']})")
    st.text(first["evidence"])
    references = sorted(
        {(int(r["number"]), r["raw"], r["function"]) for r in rows.rows if r["number"]}
    )
    if references:
        st.markdown("**References**")
        st.dataframe(
            [{"number": n, "CiTO": f, "reference": raw} for n, raw, f in references],
            hide_index=True,
        )
    show_sparql(rows, "claim")


graph_panel()


@st.fragment
def path_finder() -> None:
    """How two nodes connect, each hop with the sentence that states it. Drawn only once
    opened: its two lists hold every node of the graph, and the first render of the page
    would draw them for every visitor."""
    box = st.expander("Path finder: how two nodes connect", key=PATH_FINDER_KEY, on_change="rerun")
    if not box.open:
        return
    with box:
        st.caption("Each hop with the sentence that states it.")
        labels = {node: f"{a['label']} ({a['kind']})" for node, a in full.nodes(data=True)}
        ordered = sorted(labels, key=lambda n: labels[n].lower())
        start_column, end_column = st.columns(2)
        start = start_column.selectbox("From", ordered, format_func=labels.__getitem__, index=None)
        end = end_column.selectbox("To", ordered, format_func=labels.__getitem__, index=None)
        if not (start and end):
            return
        hops = kggraph.path(full, start, end)
        if hops is None:
            st.warning("These two nodes are not connected in the graph.")
            return
        st.caption(f"{len(hops)} hops")
        for number, hop in enumerate(hops, start=1):
            st.text(f"{number}. {hop.source} —{hop.relation}→ {hop.target}")
            st.caption(kgcase.plain(hop.evidence or "(no sentence: a structural link)"))


path_finder()
for name in ("explore_mentions", "explore_claims", "explore_references"):
    show_sparql(saved(name), name)
