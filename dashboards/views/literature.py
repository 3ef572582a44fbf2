"""Literature: the references as a sortable table, a year chart, and related works."""

from __future__ import annotations

from collections import Counter

import altair as alt
import pandas as pd
import streamlit as st
from kgdash.data import saved
from kgdash.panels import missing, show_sparql

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
years = Counter(row["year"] for row in table if row["year"] is not None)
if years:
    st.altair_chart(
        alt.Chart(pd.DataFrame([{"year": y, "references": n} for y, n in sorted(years.items())]))
        .mark_bar()
        .encode(
            x=alt.X("year:O"),
            y=alt.Y("references:Q", axis=alt.Axis(tickMinStep=1)),
            tooltip=["year:O", "references:Q"],
        ),
        width="stretch",
    )
else:
    st.caption("No reference gives a year.")

st.subheader("Related literature")
panels = [
    ("top_cited", "Most cited works in the network"),
    ("related_to_case", "Works related to the case"),
    ("works_by_year", "Works by year"),
    ("cocited_with", "Co-cited works"),
    ("prior_works", "Prior works"),
    ("derivative_works", "Derivative works"),
    ("citation_coverage", "Citation coverage"),
]
for name, title in panels:
    rows = saved(name)
    with st.container(border=True):
        st.markdown(f"**{title}**")
        if missing(rows, title.lower()):
            continue
        if not rows.rows:
            st.caption("The query ran and found nothing in this graph.")
        else:
            st.dataframe(rows.rows, hide_index=True)
            numeric = [v for v in rows.variables if v in {"year", "citations", "cited", "count"}]
            if "year" in rows.variables and len(numeric) > 1:
                y = next(v for v in numeric if v != "year")
                st.altair_chart(
                    alt.Chart(pd.DataFrame(rows.rows))
                    .mark_circle(size=80)
                    .encode(x=alt.X("year:Q"), y=alt.Y(f"{y}:Q", scale=alt.Scale(type="symlog"))),
                    width="stretch",
                )
        show_sparql(rows, name)
