"""The document model that every stage after ingest reads.

Offsets are character offsets into ``Document.source`` (the decoded file text), so every
fact can point back at the exact words it came from, even after layout noise is removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """Half-open character range ``[start, end)`` in the source text."""

    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """A whole sentence, reflowed across page-layout interruptions.

    ``segments`` are the source ranges the text was assembled from, in order; a sentence
    split by a page block or a hyphenated line break has more than one.
    """

    index: int
    section: str
    text: str
    segments: tuple[Span, ...]
    joins: tuple[str, ...] = ()
    """What ``text`` has between consecutive segments: ``" "`` where a line or page break
    was folded into a space, ``""`` where a hyphenated word was rejoined. Empty means a
    single space between every pair of segments."""

    @property
    def start(self) -> int:
        return self.segments[0].start

    @property
    def end(self) -> int:
        return self.segments[-1].end

    def source_offset(self, offset: int) -> int:
        """Map an offset in ``text`` to the source offset of the same character.

        A joining space maps to the first source character after the segment before it
        (the folded whitespace); ``len(text)`` maps to ``end``.
        """
        if not 0 <= offset <= len(self.text):
            raise IndexError(f"offset {offset} outside sentence of length {len(self.text)}")
        joins = self.joins or (" ",) * (len(self.segments) - 1)
        position = 0
        for number, segment in enumerate(self.segments):
            length = segment.end - segment.start
            if offset < position + length:
                return segment.start + offset - position
            position += length
            if number < len(joins):
                if offset < position + len(joins[number]):
                    return segment.end
                position += len(joins[number])
        return self.end

    def source_span(self, start: int, end: int) -> Span:
        """The source range of ``text[start:end]`` (a non-empty run of the sentence's text)."""
        return Span(self.source_offset(start), self.source_offset(end - 1) + 1)


@dataclass(frozen=True)
class Affiliation:
    marker: str
    name: str


@dataclass(frozen=True)
class Author:
    name: str
    given: str
    family: str
    degrees: tuple[str, ...] = ()
    orcid: str | None = None  # the bare iD, "0000-0002-3078-2184"
    affiliation_markers: tuple[str, ...] = ()
    corresponding: bool = False


@dataclass(frozen=True)
class CorrespondingAuthor:
    name: str
    address: str
    email: str | None = None
    phone: str | None = None
    fax: str | None = None


@dataclass(frozen=True)
class Section:
    title: str
    span: Span
    parent: str | None = None
    """The title of the section this one is a subsection of ("Laboratory findings" under
    "Case presentation"); its sentences keep the parent as their ``section``."""


@dataclass(frozen=True)
class FigurePanel:
    labels: tuple[str, ...]
    text: str
    span: Span


@dataclass(frozen=True)
class Figure:
    label: str
    title: str
    panels: tuple[FigurePanel, ...]
    span: Span
    abbreviations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CitationMarker:
    """An in-text pointer such as ``(2-4)``: its text, the numbers it denotes, its sentence."""

    content: str
    reference_numbers: tuple[int, ...]
    sentence_index: int
    span: Span
    ambiguous: bool = False
    """Whether the words could also be something else (``patients,3 of whom``) or the
    citation fits more than one reference (``Lee 2020`` with a 2020a and a 2020b)."""


@dataclass(frozen=True)
class RawReference:
    number: int
    text: str
    span: Span


@dataclass(frozen=True)
class ArticleMetadata:
    title: str
    title_ko: str | None = None
    authors: tuple[Author, ...] = ()
    affiliations: tuple[Affiliation, ...] = ()
    corresponding_author: CorrespondingAuthor | None = None
    received: dt.date | None = None
    revised: dt.date | None = None
    accepted: dt.date | None = None
    doi: str | None = None
    index_terms: tuple[str, ...] = ()
    licence: str | None = None
    abstract: str | None = None
    abstract_ko: str | None = None


@dataclass(frozen=True)
class Document:
    """A case report as parsed from its source file."""

    name: str
    source: str
    sha256: str
    metadata: ArticleMetadata
    sections: tuple[Section, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    figures: tuple[Figure, ...] = ()
    markers: tuple[CitationMarker, ...] = ()
    references: tuple[RawReference, ...] = field(default=())
    notices: tuple[str, ...] = ()
    """What a reader should know about how the document was read, one line each
    ("no reference list found: the citation layer is empty")."""
