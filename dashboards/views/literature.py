"""Literature: the references as a sortable table, a year chart, and related works."""

from __future__ import annotations

from collections import Counter

import streamlit as st
from kgdash import literature as kglit
from kgdash.data import saved
from kgdash.force import force_graph
from kgdash.panels import DataStyle, missing, show_sparql
from st_link_analysis import EdgeStyle

FORCE_KEY = "literature-force"
VIEW_KEY = "literature-view"
VIEWS = ("Works", "Force view", "Year and citations")
"""The related works' views, the table first: opening the page draws only the open view, and
the force view's graph frame (its scripts, Cytoscape, the layout) was most of a switch to
this page; it is drawn when its tab is picked."""


@st.fragment
def force_view(view: kglit.Network) -> None:
    """Related works as a force-directed graph (fcose); a click shows the work."""
    elements = kglit.force_elements(view)
    target = force_graph(
        elements,
        kglit.COLOURS,
        [
            EdgeStyle("CITES", directed=True),
            EdgeStyle("RELATED", caption="score", directed=False),
            DataStyle("edge[label='RELATED']", {"width": "data(weight)", "line-style": "dashed"}),
        ],
        height=560,
        key=FORCE_KEY,
    )
    st.caption(
        "Colour: the case, its references, related works, the second ring; size: citations "
        "in the network; dashed edges: similarity to the case (thicker = more similar)."
    )
    work = view.works.get(target) if target else None
    if work is not None:
        st.text(f"{work.ring}: {work.label}")
        st.text(
            f"Year {work.year or 'unknown'} · cited by {work.citations} works in the network"
            + (f" · similarity {work.score:.3f} (rank {work.rank})" if work.score else "")
        )
        if work.reasons:
            st.text(f"Why related: {work.reasons}")
        if work.doi:
            st.link_button(f"DOI {work.doi}", f"https://doi.org/{work.doi}")


st.title("Literature")
references = saved("literature_references")
st.subheader("References")
st.caption(
    "Click a column header to sort. Status, score and reasons say how each reference was "
    "matched to a Crossref record (or why not); cited = in-text pointers to it."
)
table = [
    {
        "no.": int(r["number"]),
        "title": r["title"],
        "journal": r["journal"],
        "year": int(r["year"]) if r["year"].isdigit() else None,
        "DOI": f"https://doi.org/{r['doi']}" if r["doi"] else None,
        "status": r["status"] or "not resolved",
        "score": round(float(r["score"]), 2) if r["score"] else None,
        "reasons": r["reasons"],
        "cited": int(r["cited"]),
        "cited for": r["citedFor"],
        "as printed": r["raw"],
        "case": r["caseTitle"],
    }
    for r in references.rows
]
st.dataframe(
    table,
    hide_index=True,
    column_config={"DOI": st.column_config.LinkColumn("DOI", display_text=r"https://doi.org/(.*)")},
)
show_sparql(references, "references")

st.subheader("References by year")
years = Counter(int(r["year"]) for r in references.rows if r["year"].isdigit())
if years:
    st.vega_lite_chart(spec=kglit.years_spec(sorted(years.items())), width="stretch")
else:
    st.caption("No reference gives a year.")

st.subheader("Related literature")
cases = {row["article"]: row["title"] for row in saved("case_list").rows}
related = saved("related_to_case")
edges, works = saved("citation_edges"), saved("works")
if missing(related, "related works") or missing(edges, "the citation network"):
    pass
else:
    if len(cases) > 1:  # a picker only when there is a choice
        case = st.selectbox(
            "Around the case report",
            list(cases),
            format_func=cases.__getitem__,
            key="literature-case",
        )
    else:
        case = next(iter(cases), "")
        st.text(f"Around the case report: {cases.get(case, '')}")
    view = kglit.network(case, edges, works, related)
    if not view.related:
        st.info(
            "This graph has no related works for this case: the related-literature layer was "
            "not computed (built offline or with --no-related) or found no citations to "
            "compare (see Citation coverage below). The views show only the case's own "
            "references and the works they are linked to; there are no similarity scores."
        )
    else:
        st.caption(
            f"{view.related} related works ranked by similarity (co-citation and "
            "bibliographic coupling with the case and its references), the references the "
            "case cites and the second ring: what those cite and what cites them."
        )
    if view.omitted_works or view.omitted_links:
        st.info(
            f"Showing {len(view.works)} works and {len(view.links)} citation links; "
            f"{view.omitted_works} works and {view.omitted_links} links were left out to "
            f"stay under {kglit.MAX_ELEMENTS} elements (the best related and most cited kept)."
        )
    # Only the open view is drawn (each is costly in the browser); switching reruns.
    table_tab, force_tab, year_tab = st.tabs(
        list(VIEWS), key=VIEW_KEY, on_change="rerun", default=VIEWS[0]
    )
    if table_tab.open:
        with table_tab:
            st.dataframe(
                kglit.table(view),
                hide_index=True,
                column_config={
                    "DOI": st.column_config.LinkColumn("DOI", display_text=r"https://doi.org/(.*)")
                },
            )
    if force_tab.open:
        with force_tab:
            force_view(view)
    if year_tab.open:
        with year_tab:
            chart, unplaced = kglit.year_map(view)
            st.caption(
                "Litmaps-style: across, the year; up, how many works in the network cite it "
                "(log); dot size, similarity to the case; lines, citation links."
                + (f" {unplaced} works with no known year are not placed." if unplaced else "")
            )
            if chart is not None:
                st.altair_chart(chart, width="stretch")
    for rows in (related, edges, works):
        show_sparql(rows, f"network-{rows.name}")

st.subheader("Related-literature queries")
titles = dict(kglit.PANELS)
# Pills, not a list: the page then loads no script of its own for a drop-down.
name = st.pills(
    "Query",
    list(titles),
    format_func=titles.__getitem__,
    default=kglit.PANELS[0][0],
    required=True,
    key="literature-panel",
)
rows = saved(name)
if not missing(rows, titles[name].lower()):
    if not rows.rows:
        st.caption("The query ran and found nothing in this graph.")
    else:
        st.dataframe(rows.rows, hide_index=True)
    show_sparql(rows, name)
