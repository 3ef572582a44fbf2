"""casekg dashboard: what the graph holds, and read-only SPARQL over it.

It calls the same library functions as the `kg` command and owns no logic of its own.
"""

from __future__ import annotations

import streamlit as st

from kg.errors import KgError
from kg.query import compact, run_query, saved_queries
from kg.settings import Settings
from kg.store import open_store

st.set_page_config(page_title="casekg", layout="wide")
st.title("casekg")
st.caption("A case report, the knowledge it states and the literature it rests on.")

settings = Settings.resolve()
try:
    store = open_store(settings.store)
except KgError as exc:
    st.error(f"{exc}. Build the graph first: `kg build`.")
    st.stop()

with store:
    counts, classes = st.columns(2)
    counts.subheader("Triples by graph")
    counts.dataframe(
        [{"graph": g, "triples": n} for g, n in sorted(store.count_by_graph().items())],
        hide_index=True,
    )
    classes.subheader("Instances by class")
    classes.dataframe(
        [{"class": c, "instances": n} for c, n in sorted(store.count_by_class().items())],
        hide_index=True,
    )

    st.subheader("SPARQL")
    saved = {q.name: q for q in saved_queries()}
    choice = st.selectbox(
        "Saved query",
        ["(write your own)", *saved],
        format_func=lambda name: saved[name].title if name in saved else name,
    )
    default = saved[choice].text if choice in saved else "SELECT * WHERE { ?s ?p ?o } LIMIT 20"
    if choice in saved:
        st.caption(saved[choice].description)
    text = st.text_area("Query (read-only; common prefixes are predeclared)", default, height=220)
    if st.button("Run", type="primary"):
        try:
            result = run_query(store, text)
        except KgError as exc:
            st.error(str(exc))
        else:
            if result is not None and result.form == "select":
                rows = [
                    dict(zip(result.variables, map(compact, row), strict=True))
                    for row in result.rows
                ]
                st.dataframe(rows, hide_index=True)
                if result.truncated:
                    st.warning("The answer was cut at the row limit.")
            elif result is not None and result.form == "ask":
                st.write(result.boolean)
            elif result is not None:
                st.code(result.graph().serialize(format="turtle"), language="turtle")
