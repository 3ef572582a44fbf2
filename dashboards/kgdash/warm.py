"""Warm the dashboard's process before its server takes the first visitor.

Why: a first visitor would otherwise wait for the page modules' imports (pandas, altair,
networkx, the resolver), the store opening, every panel's first query and the layout of the
Explore graph's opening view. `kg dashboard` (kg.commands.dashboard) calls ``warm()`` in the
server's own process before `streamlit run` starts listening, so all of that is already in
``sys.modules`` and in the shared caches (kgdash.data's answers, kgdash.graph's whole graph
and layouts) keyed by the same store version the sessions will ask for.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from rdflib import URIRef
from streamlit import env_util

from kg.errors import KgError
from kgdash import data, graph, literature

# Not the graph and editor components: a component registers itself with the server only
# when first imported inside a script run, so importing one here would leave it unserved.
PAGE_MODULES = (
    "altair",
    "pandas",
    "networkx",
    "kg.query",
    "kg.citeformats",
    "kg.resolve",
    "kg.commands.resolve",
    "kgdash.case",
    "kgdash.panels",
)
UNBOUND = ("case_list", "literature_references", *literature.QUERIES)
BY_CASE = ("case_patient", "case_timeline", "case_quantities", "case_imaging_findings")
BY_ARTICLE = ("case_diagnoses", "case_sentences")


@contextmanager
def _quiet() -> Iterator[None]:
    """Streamlit warns that caches run without a runtime here: that is the point."""
    loggers = [logging.getLogger(n) for n in ("streamlit", "streamlit.runtime.caching")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def warm() -> None:
    """Import what the pages import, open the store and answer every panel's first query;
    no store yet is not an error here (the pages say to build one)."""
    with _quiet():
        for name in PAGE_MODULES:
            importlib.import_module(name)
        # The first element a process draws runs Streamlit's check whether it runs in a
        # REPL (inspect.stack(): the source file of every loaded module, ~0.5 s with these
        # imports, in the first visitor's script run). Asked here, inspect keeps that map
        # and the visitor's check only looks at modules imported since.
        env_util.is_repl()
        try:
            data.store()
        except KgError:
            return
        for name in UNBOUND:
            data.saved(name)
        # The Explore graph and the layout of its opening view (all node types, no search).
        graph.positions(graph.select(graph.whole(), kinds=graph.NODE_TYPES))
        for query in data.user_saved_queries():  # as the SPARQL page runs them
            try:
                data.saved_result(query, timeout=data.SPARQL_TIME_LIMIT, limit=data.SPARQL_ROW_CAP)
            except KgError:  # over the time limit: the page says so when it is asked
                continue
        # The case the Case page opens on; with thousands of cases, answering every one's
        # queries here would hold the server's start for minutes.
        for row in data.saved("case_list").rows[:1]:
            for name in BY_ARTICLE:
                data.saved(name, article=URIRef(row["article"]))
            if row["case"]:
                for name in BY_CASE:
                    data.saved(name, case=URIRef(row["case"]))
