"""The project's SPARQL: one ``.rq`` file per query, loaded by name, as Scholia keeps its own.

The files here are the saved queries people run (`kg query --list`); ``store/`` holds the
queries the store itself runs for its bookkeeping (graph names, counts, the union dump).
"""

from __future__ import annotations

import functools
from pathlib import Path

QUERIES_DIR = Path(__file__).resolve().parent
STORE_QUERIES_DIR = QUERIES_DIR / "store"


@functools.cache
def store_query(name: str) -> str:
    """The text of one of the store's own queries (``store/<name>.rq``)."""
    return (STORE_QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
