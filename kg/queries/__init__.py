"""The project's SPARQL: one ``.rq`` file per query, loaded by name, as Scholia keeps its own.

The files here are the saved queries people run (`kg query --list`); ``store/`` holds the
queries the store itself runs for its bookkeeping (graph names, counts, the union dump) and
``network/`` those kg.network reads its networkx views with.
"""

from __future__ import annotations

import functools
from pathlib import Path

QUERIES_DIR = Path(__file__).resolve().parent


@functools.cache
def internal_query(name: str) -> str:
    """The text of a query the program runs itself, by path: ``"store/named_graphs"``."""
    return (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
