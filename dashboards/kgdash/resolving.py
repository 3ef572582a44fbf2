"""The Resolve page's account of where each answer came from: casekg's Crossref cache or
Crossref itself just now, or nowhere (Crossref not reachable and the line not cached).

Why by time: the cache keeps when an answer was first fetched, so an answer fetched before
the user pressed Resolve came from the cache, and one fetched since from Crossref.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from kg.matching import Resolution
from kg.resolve import Batch

CACHE = "cache"
CROSSREF = "Crossref"
NOT_ASKED = "not asked"


def source(resolution: Resolution, started: datetime, unavailable: bool) -> str:
    """``cache``, ``Crossref`` or ``not asked`` for one line."""
    if unavailable or resolution.retrieved_at is None:
        return NOT_ASKED
    return CACHE if resolution.retrieved_at < started else CROSSREF


def marker(resolution: Resolution, started: datetime, unavailable: bool) -> str:
    """The line's marker in words, with when a cached answer was fetched."""
    where = source(resolution, started, unavailable)
    if where == CACHE and resolution.retrieved_at is not None:
        return f"cache (fetched {resolution.retrieved_at:%Y-%m-%d %H:%M} UTC)"
    if where == CROSSREF:
        return "Crossref (now)"
    return "not asked: Crossref not reachable and not in the cache" if unavailable else NOT_ASKED


def markers(batch: Batch, started: datetime) -> list[str]:
    return [marker(r, started, n in batch.unavailable) for n, r in enumerate(batch.resolutions)]


def summary(batch: Batch, started: datetime) -> str:
    """One plain sentence: how many lines came from where."""
    counts = Counter(
        source(r, started, n in batch.unavailable) for n, r in enumerate(batch.resolutions)
    )
    parts = [
        f"{counts[CROSSREF]} from Crossref now" if counts[CROSSREF] else "",
        f"{counts[CACHE]} from casekg's cache" if counts[CACHE] else "",
        f"{counts[NOT_ASKED]} not looked up" if counts[NOT_ASKED] else "",
    ]
    return f"{len(batch.resolutions)} lines: " + ", ".join(p for p in parts if p) + "."
