"""SPARQL: a highlighted editor, the saved queries, results as a table with downloads."""

from __future__ import annotations

import time

import streamlit as st
from code_editor import code_editor
from kgdash import data
from kgdash.panels import SPARQL_CHOICE_KEY, SPARQL_TEXT_KEY, WRITE_YOUR_OWN

from kg.errors import KgError
from kg.query import compact, format_result, run_query
from kg.rdf.namespaces import PREFIXES

TIME_LIMIT = data.SPARQL_TIME_LIMIT
ROW_CAP = data.SPARQL_ROW_CAP
# An Ace theme bundled with the editor that loads no web font (the component's own
# streamlit_* themes import one from the internet).
EDITOR_THEME = "chrome"
PREFIXES_KEY = "sparql-prefixes"

st.title("SPARQL")
st.caption(
    f"Read-only: updates, LOAD and SERVICE are refused. Each query may run {TIME_LIMIT:.0f} s "
    f"and shows at most {ROW_CAP:,} rows. Run with the button or Ctrl+Enter."
)
# Drawn only once opened: a closed expander's code block is still highlighted in the
# browser, and the first highlighted block of a session loads the highlighter's script
# (most of the first visit to this page, measured in Chromium: bench/RESULTS.md).
prefixes = st.expander("Predeclared prefixes", key=PREFIXES_KEY, on_change="rerun")
if prefixes.open:
    with prefixes:
        st.code("\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()), language="sparql")

saved = {q.name: q for q in data.user_saved_queries()}
choice = st.selectbox(
    "Saved query",
    [WRITE_YOUR_OWN, *saved],
    format_func=lambda name: f"{saved[name].title} ({name})" if name in saved else name,
    key=SPARQL_CHOICE_KEY,
)
if choice in saved:
    st.caption(saved[choice].description)
    text = saved[choice].text
else:
    text = st.session_state.get(SPARQL_TEXT_KEY) or "SELECT * WHERE { ?s ?p ?o } LIMIT 20"

editor = code_editor(
    text,
    lang="sparql",
    height=[12, 30],
    allow_reset=True,
    props={"theme": EDITOR_THEME},
    key=f"sparql-editor-{choice}",
)
fallback = st.button("Run query", type="primary")
submitted = editor.get("type") == "submit" and editor.get("id") != st.session_state.get(
    "sparql-last-id"
)
if submitted:
    st.session_state["sparql-last-id"] = editor.get("id")
query = editor.get("text") or text if (submitted or fallback) else None

if query:
    started = time.perf_counter()
    unchanged = saved[choice] if choice in saved and query == saved[choice].text else None
    try:
        if unchanged is not None:  # answered once per build for every session
            result, elapsed = data.saved_result(unchanged, timeout=TIME_LIMIT, limit=ROW_CAP)
        else:
            result = run_query(data.store(), query, timeout=TIME_LIMIT, limit=ROW_CAP)
            elapsed = time.perf_counter() - started
    except KgError as exc:
        st.error(str(exc))
    else:
        if result is None:
            st.error("Nothing to show.")
        elif result.form == "ask":
            st.metric("Answer", "true" if result.boolean else "false")
        elif result.form == "select":
            rows = [
                dict(zip(result.variables, map(compact, row), strict=True)) for row in result.rows
            ]
            st.caption(f"{len(rows):,} rows in {elapsed:.2f} s")
            if result.truncated:
                st.warning(f"The answer was cut at {ROW_CAP:,} rows.")
            st.dataframe(rows, hide_index=True)
            left, right = st.columns(2)
            left.download_button("Download CSV", format_result(result, "csv"), "results.csv")
            right.download_button("Download JSON", format_result(result, "json"), "results.json")
        else:
            st.caption(f"{len(result.rows):,} triples in {elapsed:.2f} s")
            st.code(result.graph().serialize(format="turtle"), language="turtle")
