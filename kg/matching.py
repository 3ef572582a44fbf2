"""Deciding which Crossref work, if any, a reference string denotes.

Pure: parsed reference + Crossref work messages in, a scored and explained ``Resolution``
out. No HTTP (kg.crossref), no RDF (kg.rdf.crossref). A wrong DOI is worse than none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

Status = Literal["matched", "ambiguous", "unmatched", "error"]


@dataclass(frozen=True)
class Resolution:
    """What the matcher decided for one reference string, and why."""

    input: str
    doi: str | None
    score: float
    status: Status
    reasons: tuple[str, ...] = ()
    work: dict[str, Any] | None = None
    source_url: str | None = None
    retrieved_at: datetime | None = None

    @property
    def title(self) -> str | None:
        """Title of the matched work (first title Crossref gives)."""
        return _first(self.work, "title")

    @property
    def container(self) -> str | None:
        """Journal / book / proceedings title of the matched work."""
        return _first(self.work, "container-title")

    @property
    def year(self) -> int | None:
        """Publication year of the matched work."""
        return work_year(self.work) if self.work else None


def _first(work: dict[str, Any] | None, key: str) -> str | None:
    if not work:
        return None
    value = work.get(key)
    if isinstance(value, list):
        return str(value[0]) if value else None
    return str(value) if value else None


def work_year(work: dict[str, Any]) -> int | None:
    """The year a work was published: issued, else print, else online, else created."""
    for key in ("issued", "published-print", "published-online", "published", "created"):
        parts = (work.get(key) or {}).get("date-parts") or []
        if parts and parts[0] and parts[0][0] is not None:
            return int(parts[0][0])
    return None
