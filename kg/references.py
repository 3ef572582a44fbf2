"""Reference strings parsed into bibliographic fields (Vancouver/NLM first)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PersonName:
    family: str
    initials: str = ""
    suffix: str = ""  # "Jr", "Sr", "III"


@dataclass(frozen=True)
class ParsedReference:
    """One reference's fields; any field the string does not give is ``None`` or empty."""

    raw: str
    number: int | None = None
    authors: tuple[PersonName, ...] = ()
    et_al: bool = False
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    first_page: str | None = None
    last_page: str | None = None
    article_number: str | None = None
    doi: str | None = None


def parse_reference(raw: str, number: int | None = None) -> ParsedReference:
    """Parse one reference string; never raises on odd input, returns what it could read."""
    raise NotImplementedError
