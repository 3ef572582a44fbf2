"""Pieces every page uses: a panel's SPARQL, plain-text rendering, a missing-data notice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from kgdash.data import Rows

SPARQL_PAGE = "views/sparql.py"
SPARQL_TEXT_KEY = "sparql_text"
SPARQL_CHOICE_KEY = "sparql-saved"
WRITE_YOUR_OWN = "(write your own)"
SPARQL_EXPANDER = "show-sparql-"
"""Key prefix of a panel's SPARQL expander (its session state: open or not)."""


def show_sparql(rows: Rows, key: str) -> None:
    """Scholia-style: the SPARQL behind a panel, and a button to open it on the SPARQL page.
    Drawn only once opened: a page holds several, and highlighting each costs the browser."""
    box = st.expander(f"SPARQL: {rows.name}", key=f"{SPARQL_EXPANDER}{key}", on_change="rerun")
    if not box.open:
        return
    with box:
        st.code(rows.text, language="sparql")
        if st.button("Open on the SPARQL page", key=f"open-{key}"):
            st.session_state[SPARQL_TEXT_KEY] = rows.text
            st.session_state[SPARQL_CHOICE_KEY] = WRITE_YOUR_OWN
            st.switch_page(SPARQL_PAGE)


def picked_sentence(table: Any, rows: Sequence[Mapping[str, Any]], key: str) -> int | None:
    """Show ``table`` with one row selectable; the sentence of the fact in ``rows`` that the
    picked row shows (the table's rows are ``rows`` in the same order), if one is picked."""
    picked = st.dataframe(
        table, hide_index=True, on_select="rerun", selection_mode="single-row", key=key
    )
    chosen = picked.selection.rows if picked is not None else []
    return int(rows[chosen[0]]["sentence"]) if chosen else None


def missing(rows: Rows, what: str) -> bool:
    """Say plainly when a panel's data is not in this installation; True if so."""
    if rows.missing:
        st.info(
            f"No data for {what}: the saved query `{rows.name}` is not installed "
            "(the related-literature layer has not been added to this casekg yet)."
        )
        return True
    return False


def text(value: str) -> None:
    """Text from a document or Crossref, shown as text: never interpreted as Markdown/HTML."""
    st.text(value)


class DataStyle:
    """A Cytoscape style rule, e.g. a node's size from its data (st-link-analysis passes any
    object with a ``dump()`` straight to Cytoscape's stylesheet)."""

    def __init__(self, selector: str, style: dict[str, str]) -> None:
        self.selector, self.style = selector, style

    def dump(self) -> dict[str, Any]:
        return {"selector": self.selector, "style": self.style}


SIZE_FROM_DATA = DataStyle("node", {"width": "data(size)", "height": "data(size)"})


FORCE_LAYOUT: dict[str, Any] = {
    "name": "fcose",
    "animate": False,
    "fit": True,
    "padding": 20,
    "nodeDimensionsIncludeLabels": True,
}
"""The force-directed layout (fcose), drawn once at its end: animated (st-link-analysis's
default), it redraws the graph every frame for half a second after the page is drawn, on the
same browser thread as the page (~0.9 s of a Literature page switch under load). Written out,
not taken from st_link_analysis: importing that outside a script run (warming imports this
module) leaves the component's frame unserved."""

PLACED_LAYOUT: dict[str, Any] = {"name": "preset", "fit": True, "padding": 20}
"""Nodes drawn where their ``position`` says (laid out on the server: kgdash.graph)."""
