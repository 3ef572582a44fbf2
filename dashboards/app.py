"""casekg dashboard: explore the case and its literature, query with SPARQL, resolve citations.

The entry point of a Streamlit multipage app (`kg dashboard` runs it); each page is a script
in views/, and the logic they share lives in kgdash/.
"""

from __future__ import annotations

import streamlit as st
from kgdash import data

from kg.errors import KgError

st.set_page_config(page_title="casekg", layout="wide", menu_items={})

pages = [
    st.Page("views/explore.py", title="Explore", url_path="explore", default=True),
    st.Page("views/case.py", title="Case", url_path="case"),
    st.Page("views/literature.py", title="Literature", url_path="literature"),
    st.Page("views/sparql.py", title="SPARQL", url_path="sparql"),
    st.Page("views/resolve.py", title="Resolve", url_path="resolve"),
]
page = st.navigation(pages)

st.sidebar.caption("A case report, the knowledge it states and the literature it rests on.")
try:
    data.store()
except KgError as exc:
    st.sidebar.error(f"{exc}. Build the graph first: `kg build`.")
    if page.title != "Resolve":
        st.error(f"{exc}. Build the graph first: `kg build`.")
        st.stop()
else:
    st.sidebar.caption(
        f"Store: `{data.location()}` (version {data.store_version(data.location())})"
    )

page.run()
