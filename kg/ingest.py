"""Plain text extracted from a case report PDF → a :class:`~kg.document.Document`.

The text comes with its page layout: a "Received … Accepted" block, the corresponding
author's address, the licence paragraph and figure captions land in the middle of running
paragraphs. The parser reads the file as blank-line separated *blocks*, tells layout
furniture from prose by shape and keywords (never by position), and reflows the prose so
that every sentence is whole while each piece of it keeps its offsets into the source.

``Document.source`` is the decoded text the parser kept: the file's UTF-8 decoded, a
leading byte-order mark removed and CRLF / CR line ends turned into LF. Every offset in the
Document indexes into that string.

Structure: section headings are single all-caps lines ("CASE REPORT"); the prose before
the first heading that is not title, byline or affiliation is the abstract (section
``ABSTRACT``); a paragraph opening "In conclusion" / "In summary" starts section
``CONCLUSION``; title-case back-matter headings ("Author Contributions", "Funding", ...)
and Korean blocks are metadata, not body. Sentences come in reading order: abstract, body,
then each figure caption (section = the figure's label, "Fig. 1"). Citation markers are
parenthesised or bracketed numbers, lists and ranges that all fall within the reference list.

Reflow rules:

* Lines of a paragraph, and the pieces of a paragraph split by furniture (a paragraph that
  does not end with ``.``, ``?`` or ``!`` goes on in the next prose block), are joined by
  one space.
* A piece ending in a hyphen after a letter is joined without a space. Whether the hyphen
  is a soft line-break hyphen (dropped) or part of a compound (kept) is decided from the
  document itself, in this order: it is kept when the next piece starts with anything but
  a lower-case letter; kept when the document writes the hyphenated form elsewhere
  ("mid-" + "wall" and "mid-wall" appears elsewhere); dropped when it writes the joined
  form elsewhere ("pre-" + "served" and "preserved" appears elsewhere); kept when the
  second part is a word the document uses on its own ("scar-" + "related"); dropped
  otherwise ("calci-" + "fication").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.document import (
    Affiliation,
    ArticleMetadata,
    Author,
    CitationMarker,
    CorrespondingAuthor,
    Document,
    Figure,
    FigurePanel,
    RawReference,
    Section,
    Sentence,
    Span,
)
from kg.doi import ANNOUNCED_DOI, find_doi
from kg.errors import InputError

MAX_BYTES = 5 * 1024 * 1024
"""Case reports are tens of kilobytes; anything this large is not one."""

ABSTRACT = "ABSTRACT"
CONCLUSION = "CONCLUSION"

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_MARKER = re.compile(r"\^\{([^}]*)\}|([⁰¹²³⁴⁵⁶⁷⁸⁹*†‡§]+)")
_DEGREE = re.compile(r"^(?:[A-Z]{2,6}|PhD|MSc|BSc|DPhil|MBChB|DrPH|MMed|MHSc|Ph\.D\.|M\.D\.)$")
_HEADING = re.compile(r"^[A-Z][A-Z0-9 &,/()\-]*[A-Z)]$")
_REFERENCES_HEADING = re.compile(r"^(?:REFERENCES|References|Bibliography|BIBLIOGRAPHY)$")
_TITLE_CASE_HEADINGS = frozenset(
    {
        "abstract",
        "summary",
        "background",
        "introduction",
        "case report",
        "case presentation",
        "case description",
        "case history",
        "case",
        "methods",
        "results",
        "discussion",
        "conclusion",
        "conclusions",
    }
)
"""Body headings journals set in title case; all-caps lines are headings whatever they say."""
_BACK_MATTER_HEADINGS = frozenset(
    {
        "supplementary materials",
        "supplementary material",
        "supplementary data",
        "author contributions",
        "authors' contributions",
        "conflicts of interest",
        "conflict of interest",
        "funding",
        "acknowledgments",
        "acknowledgements",
        "acknowledgment",
        "acknowledgement",
        "data availability",
        "data availability statement",
        "ethics statement",
    }
)
_DATE_LINE = re.compile(r"^(Received|Revised|Accepted)\b[:\s]*(.*)$", re.IGNORECASE)
_CORRESPONDENCE = re.compile(
    r"^\*?\s*(?:Corresponding author|Address for correspondence|Correspondence)\s*(?::|$)\s*",
    re.IGNORECASE,
)
_CONTACT = re.compile(
    r"^(?:(?P<kind>Tel|Phone|Fax)\.?\s*:?\s*(?P<number>\+?[\d(][\d\s()+./-]{5,})"
    r"|E-?mail\s*:?\s*(?P<email>\S+@\S+))$",
    re.IGNORECASE,
)
_LICENCE = re.compile(r"^This is an Open Access article|creativecommons\.org/licenses")
_LICENCE_URL = re.compile(r"https?://creativecommons\.org/licenses/[^\s<>()]+")
_ORCID_HEADING = re.compile(r"^ORCID(?: iDs?)?:?$", re.IGNORECASE)
_ORCID_ENTRY = re.compile(
    r"\s*(?P<name>[^<>]*?)\s*<?https?://orcid\.org/(?P<id>\d{4}-\d{4}-\d{4}-\d{3}[\dX])>?\s*"
)
_INDEX_TERMS = re.compile(r"^(?:Index terms|Keywords|Key words)\b\s*:?\s*", re.IGNORECASE)
_BULLET = re.compile(r"^\s*[-\u2022\u2013*]\s+\S")
_FIGURE = re.compile(r"^(?P<label>(?:Fig\.|Figure)\s*\d+)\.\s*")
_PANEL = re.compile(r"^(?P<labels>[A-Z](?:(?:,\s?|\s?[\u2013-]\s?)[A-Z])*)\.\s+")
_ABBREVIATION_START = re.compile(r"^[A-Z][\w/\-]{0,11} = ")
_ABBREVIATION_LIST = re.compile(
    r"^[A-Z][\w/\-]{0,11} = [^=]+?(?:, [A-Z][\w/\-]{0,11} = [^=]+?)*\.?$"
)
_LEADING_MARKER = re.compile(r"^(?:\^\{(\w+)\}|([⁰¹²³⁴⁵⁶⁷⁸⁹]+))\s*")
_ABBREVIATION = re.compile(r"(?P<short>[^,=]+?) = (?P<long>.+?)(?=, [^,=]+? = |$)")
_AFFILIATION_START = re.compile(
    r"^(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]|\^\{|(?:Departments?|Divisions?|Schools?|Institutes?|Cent(?:er|re)s?"
    r"|Faculty|Faculties|Colleges?|Laborator(?:y|ies)|Units?)\b)"
)
_CONCLUSION_START = re.compile(r"^(?:In conclusion|In summary|To conclude|In short)\b")
_REFERENCE_ENTRY = re.compile(r"^(?P<number>\d{1,4})\.\s+")
_CITATION = re.compile(
    r"[(\[](?P<content>\d{1,4}(?:\s*[-\u2013]\s*\d{1,4})?(?:\s*,\s*\d{1,4}(?:\s*[-\u2013]\s*\d{1,4})?)*)[)\]]"
)
_WORD = re.compile(r"[^\W\d_]+")
_HYPHENATED = re.compile(r"\b([^\W\d_]+)-([^\W\d_]+)\b")
_NEXT_CHARACTER = re.compile(r"\s*(\S)")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s+\S)")
_NOT_SENTENCE_ENDS = frozenset(
    {
        "fig",
        "figs",
        "e.g",
        "i.e",
        "vs",
        "al",
        "cf",
        "dr",
        "approx",
        "ca",
        "resp",
        "eq",
        "ref",
        "refs",
        "vol",
        "pp",
        "jr",
        "sr",
        "st",
        "etc",
        "suppl",
        "min",
        "max",
    }
)
_BEFORE_NUMBER = frozenset({"no", "nos", "p"})
_DATE_FORMATS = (
    "%B %d, %Y",
    "%B %d %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y-%m-%d",
    "%Y.%m.%d",
)


# --- reading the input ------------------------------------------------------------------


def ingest(path: Path) -> Document:
    """Read a case report from a UTF-8 text file; ``InputError`` says what is wrong with it.

    ``Document.sha256`` is the hash of the file's bytes (what provenance records).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(
            f"{path}: file is too large ({size:,} bytes; a case report must be at most "
            f"{MAX_BYTES:,} bytes)"
        )
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise InputError(f"{path}: file is too large (more than {MAX_BYTES:,} bytes)")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"{path}: binary file (NUL byte at byte offset {nul}); expected UTF-8 text"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path}: not valid UTF-8 (byte 0x{data[error.start]:02x} at byte offset {error.start})"
        ) from None
    return _parse(_normalise(text), path.stem, hashlib.sha256(data).hexdigest(), str(path))


def ingest_text(text: str, name: str) -> Document:
    """Parse a case report given as text; ``sha256`` is the hash of its UTF-8 encoding."""
    encoded = text.encode("utf-8", errors="surrogatepass")
    if len(encoded) > MAX_BYTES:
        raise InputError(f"{name}: text is too large ({len(encoded):,} bytes)")
    if "\x00" in text:
        raise InputError(f"{name}: binary data (NUL character at offset {text.index(chr(0))})")
    return _parse(_normalise(text), name, hashlib.sha256(encoded).hexdigest(), name)


def _normalise(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


# --- blocks and flows ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    span: Span
    text: str


@dataclass(frozen=True)
class _Block:
    lines: tuple[_Line, ...]

    @property
    def span(self) -> Span:
        return Span(self.lines[0].span.start, self.lines[-1].span.end)

    @property
    def first(self) -> str:
        return self.lines[0].text

    @property
    def text(self) -> str:
        return _join_lines(line.text for line in self.lines)


def _join_lines(lines: Iterable[str]) -> str:
    """Lines of a metadata block as one string; a line ending in "-" or "/" runs on."""
    joined = ""
    for line in lines:
        joined += line if not joined or joined.endswith(("-", "/")) else " " + line
    return joined


def _blocks(source: str) -> list[_Block]:
    """Runs of non-blank lines, each line trimmed (a line of spaces counts as blank)."""
    blocks: list[_Block] = []
    current: list[_Line] = []
    position = 0
    for raw in source.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = position + len(raw) - len(raw.lstrip())
            current.append(_Line(Span(start, start + len(stripped)), stripped))
        elif current:
            blocks.append(_Block(tuple(current)))
            current = []
        position += len(raw) + 1
    if current:
        blocks.append(_Block(tuple(current)))
    return blocks


@dataclass(frozen=True)
class _Lexicon:
    """How the document writes its words: the evidence for telling soft hyphens apart."""

    hyphenated: frozenset[str]
    counts: Counter[str]

    @classmethod
    def of(cls, source: str) -> _Lexicon:
        return cls(
            frozenset(f"{a}-{b}".lower() for a, b in _HYPHENATED.findall(source)),
            Counter(word.lower() for word in _WORD.findall(source)),
        )

    def soft_hyphen(self, before: str, after: str) -> bool:
        """Whether ``before`` (ending in "-") and ``after`` are one word split at a line end."""
        left = re.search(r"([^\W\d_]+)-$", before)
        right = _WORD.match(after)
        if left is None or right is None or not right.group()[0].islower():
            return False
        first, second = left.group(1).lower(), right.group().lower()
        if f"{first}-{second}" in self.hyphenated:
            return False
        if self.counts[first + second]:
            return True
        return self.counts[second] < 2


@dataclass
class _Flow:
    """Text assembled from source spans, with what was put between them."""

    source: str
    lexicon: _Lexicon
    spans: list[Span] = field(default_factory=list)
    joins: list[str] = field(default_factory=list)

    def extend(self, span: Span) -> None:
        if not self.spans:
            self.spans.append(span)
            return
        previous = self.spans[-1]
        before = self.source[previous.start : previous.end]
        after = self.source[span.start : span.end]
        if len(before) > 1 and before.endswith("-") and before[-2].isalpha():
            if self.lexicon.soft_hyphen(before, after):
                self.spans[-1] = Span(previous.start, previous.end - 1)
            self.joins.append("")
        else:
            self.joins.append(" ")
        self.spans.append(span)

    @property
    def text(self) -> str:
        return self.layout()[0]

    def layout(self) -> tuple[str, list[int]]:
        """The assembled text and the text offset where each span starts."""
        parts: list[str] = []
        starts: list[int] = []
        position = 0
        for number, span in enumerate(self.spans):
            if number:
                parts.append(self.joins[number - 1])
                position += len(self.joins[number - 1])
            starts.append(position)
            parts.append(self.source[span.start : span.end])
            position += span.end - span.start
        return "".join(parts), starts

    def cut(
        self, starts: Sequence[int], start: int, end: int
    ) -> tuple[tuple[Span, ...], tuple[str, ...]]:
        """Source segments and joins of the text range ``[start, end)``."""
        segments: list[Span] = []
        joins: list[str] = []
        number = max(bisect_right(starts, start) - 1, 0)
        while number < len(self.spans) and starts[number] < end:
            span = self.spans[number]
            position = starts[number]
            low, high = max(start, position), min(end, position + span.end - span.start)
            if low < high:
                if segments:
                    joins.append(self.joins[number - 1])
                segments.append(Span(span.start + low - position, span.start + high - position))
            number += 1
        return tuple(segments), tuple(joins)

    @property
    def span(self) -> Span:
        return Span(self.spans[0].start, self.spans[-1].end)

    @property
    def last(self) -> str:
        """The text of the last piece: enough to tell whether the flow ends a sentence."""
        return self.source[self.spans[-1].start : self.spans[-1].end]


def _terminated(text: str) -> bool:
    return re.search(r"[.!?][\"'\u201d\u2019)\]]*$", text) is not None


def _sentence_ranges(text: str) -> Iterator[tuple[int, int]]:
    """Sentence ranges in reflowed text, not breaking after abbreviations or initials."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        following = _NEXT_CHARACTER.match(text, match.end())
        next_char = following.group(1) if following else ""
        if next_char.islower():
            continue
        if text[match.start()] == "." and not _ends_sentence(text, match.start(), next_char):
            continue
        yield from _trimmed(text, start, match.end())
        start = match.end()
    yield from _trimmed(text, start, len(text))


def _ends_sentence(text: str, period: int, next_char: str) -> bool:
    word_start = period
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:period].lstrip("([\"'\u201c\u2018")
    if word.lower() in _NOT_SENTENCE_ENDS:
        return False
    if word.lower() in _BEFORE_NUMBER and next_char.isdigit():
        return False
    return not (len(word) == 1 and word.isupper())


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end


# --- classification --------------------------------------------------------------------------


def _is_hangul(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    hangul = [char for char in letters if "\uac00" <= char <= "\ud7a3"]
    return bool(letters) and len(hangul) * 2 > len(letters)


def _is_heading(block: _Block) -> bool:
    if len(block.lines) != 1:
        return False
    text = block.first
    letters = sum(char.isalpha() for char in text)
    return (
        (_HEADING.match(text) is not None and letters >= 4)
        or bool(_REFERENCES_HEADING.match(text))
        or (text[:1].isupper() and text.rstrip(":").lower() in _TITLE_CASE_HEADINGS)
    )


def _is_back_matter_heading(block: _Block) -> bool:
    return len(block.lines) == 1 and block.first.rstrip(":").lower() in _BACK_MATTER_HEADINGS


def _is_furniture_start(block: _Block) -> bool:
    first = block.first
    return bool(
        _dated(first)
        or _CORRESPONDENCE.match(first)
        or _LICENCE.search(first)
        or _ORCID_HEADING.match(first)
        or _orcid_entries(first)
        or _CONTACT.match(first)
        or _INDEX_TERMS.match(first)
    )


# --- the parser -------------------------------------------------------------------------------


@dataclass
class _Paragraph:
    section: str
    flow: _Flow
    closed: bool = False
    """A list item ends where it ends: the next block never continues it."""


@dataclass
class _State:
    """What the parse has gathered so far."""

    source: str
    lexicon: _Lexicon
    dates: dict[str, dt.date] = field(default_factory=dict)
    orcids: dict[str, str] = field(default_factory=dict)
    corresponding: CorrespondingAuthor | None = None
    licence: str | None = None
    index_terms: tuple[str, ...] = ()
    figures: list[tuple[Figure, list[_Flow]]] = field(default_factory=list)
    metadata_blocks: list[_Block] = field(default_factory=list)

    def flow(self, spans: Iterable[Span] = ()) -> _Flow:
        flow = _Flow(self.source, self.lexicon)
        for span in spans:
            flow.extend(span)
        return flow


def _parse(source: str, name: str, sha256: str, label: str) -> Document:
    if not source.strip():
        raise InputError(f"{label}: the document is empty")
    blocks = _blocks(source)
    state = _State(source, _Lexicon.of(source))

    references_at = next(
        (
            i
            for i, block in enumerate(blocks)
            if _is_heading(block) and _REFERENCES_HEADING.match(block.first)
        ),
        None,
    )
    if references_at is None:
        raise InputError(
            f"{label}: no reference list found (expected a 'REFERENCES' heading followed by "
            "numbered entries)"
        )
    references, after_references = _read_references(blocks, references_at + 1, state)
    if not references:
        raise InputError(
            f"{label}: the 'REFERENCES' heading is not followed by numbered entries "
            "('1. Author A, ...')"
        )

    first_heading = next(
        (i for i, block in enumerate(blocks[:references_at]) if _is_heading(block)),
        references_at,
    )
    front = _read_front_matter(blocks[:first_heading], state)
    body = _read_body(blocks[first_heading:references_at], state)
    back_hangul = [b for b in blocks[after_references:] if _is_hangul(b.text)]

    sentences: list[Sentence] = []
    for paragraph in front.abstract + body:
        sentences.extend(_sentences(paragraph.flow, paragraph.section, len(sentences)))
    for figure, flows in state.figures:
        for flow in flows:
            sentences.extend(_sentences(flow, figure.label, len(sentences)))

    markers = _markers(sentences, len(references))
    sections = _sections(front.abstract, body, blocks[first_heading:references_at])
    title_ko = front.title_ko or (back_hangul[0].text if back_hangul else None)
    abstract_ko_blocks = [b for b in back_hangul if b.text != title_ko and "·" not in b.text]
    abstract_ko = max((b.text for b in abstract_ko_blocks), key=len, default=None)

    authors = tuple(_with_orcid(author, state.orcids) for author in front.authors)
    metadata = ArticleMetadata(
        title=front.title,
        title_ko=title_ko,
        authors=authors,
        affiliations=front.affiliations,
        corresponding_author=state.corresponding,
        received=state.dates.get("received"),
        revised=state.dates.get("revised"),
        accepted=state.dates.get("accepted"),
        doi=_article_doi(state.metadata_blocks),
        index_terms=state.index_terms,
        licence=state.licence,
        abstract="\n\n".join(p.flow.text for p in front.abstract) or None,
        abstract_ko=abstract_ko,
    )
    return Document(
        name=name,
        source=source,
        sha256=sha256,
        metadata=metadata,
        sections=sections,
        sentences=tuple(sentences),
        figures=tuple(figure for figure, _ in state.figures),
        markers=markers,
        references=tuple(references),
    )


# --- furniture ---------------------------------------------------------------------------------


def _read_furniture(blocks: Sequence[_Block], at: int, state: _State) -> int:
    """Consume one furniture item starting at ``blocks[at]``; return the next index."""
    block = blocks[at]
    state.metadata_blocks.append(block)
    first = block.first
    if _CORRESPONDENCE.match(first):
        return _read_correspondence(blocks, at, state)
    index_terms = _INDEX_TERMS.match(first)
    if index_terms:
        terms = state.flow(line.span for line in block.lines).text[index_terms.end() :]
        state.index_terms = tuple(t.strip().rstrip(".") for t in terms.split(";") if t.strip())
        return at + 1
    if _LICENCE.search(first):
        url = _LICENCE_URL.search(block.text)
        if url:
            state.licence = url.group().rstrip(".,;")
        return at + 1
    if _ORCID_HEADING.match(first) or _orcid_entries(first):
        lines = block.lines[1:] if _ORCID_HEADING.match(first) else block.lines
        state.orcids.update(_orcid_entries(" ".join(line.text for line in lines)) or {})
        at += 1
        while at < len(blocks) and (entries := _orcid_entries(blocks[at].text)):
            state.metadata_blocks.append(blocks[at])
            state.orcids.update(entries)
            at += 1
        return at
    for line in block.lines:
        dated = _dated(line.text)
        if dated:
            state.dates[dated[0]] = dated[1]
    return at + 1


def _read_correspondence(blocks: Sequence[_Block], at: int, state: _State) -> int:
    """The heading, then name and address lines, up to the block with the contact lines."""
    header = _CORRESPONDENCE.sub("", blocks[at].first)
    lines = [header] if header else []
    lines.extend(line.text for line in blocks[at].lines[1:])
    at += 1
    for _ in range(3):
        if any(_CONTACT.match(line) for line in lines) or at >= len(blocks):
            break
        following = blocks[at]
        if _is_heading(following) or (
            _is_furniture_start(following) and not _CONTACT.match(following.first)
        ):
            break
        lines.extend(line.text for line in following.lines)
        state.metadata_blocks.append(following)
        at += 1
    contacts: dict[str, str] = {}
    rest: list[str] = []
    for line in lines:
        contact = _CONTACT.match(line)
        if contact and contact["email"]:
            contacts["email"] = contact["email"]
        elif contact:
            kind = contact["kind"].lower()
            contacts["fax" if kind == "fax" else "tel"] = contact["number"].strip()
        else:
            rest.append(line)
    if rest:
        name = rest[0].split(",")[0].strip()
        address = " ".join(rest[1:]).strip().rstrip(".")
        state.corresponding = CorrespondingAuthor(
            name=name,
            address=address,
            email=contacts.get("email"),
            phone=contacts.get("tel"),
            fax=contacts.get("fax"),
        )
    return at


def _orcid_entries(text: str) -> dict[str, str] | None:
    """``Name <https://orcid.org/iD>`` entries keyed by name, if that is all the text holds."""
    entries: dict[str, str] = {}
    position = 0
    while position < len(text):
        match = _ORCID_ENTRY.match(text, position)
        if match is None:
            return entries if entries and not text[position:].strip() else None
        entries[_name_key(match["name"])] = match["id"]
        position = match.end()
    return entries or None


def _dated(line: str) -> tuple[str, dt.date] | None:
    """``("received", date)`` for a line such as "Received November 23, 2021"."""
    match = _DATE_LINE.match(line)
    if match is None:
        return None
    cleaned = re.sub(r"\s+", " ", match.group(2).strip().rstrip(".;,"))
    for pattern in _DATE_FORMATS:
        try:
            return match.group(1).lower(), dt.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    return None


def _article_doi(blocks: Iterable[_Block]) -> str | None:
    for block in blocks:
        match = ANNOUNCED_DOI.search(block.text)
        if match:
            return find_doi(match.group(1))
    return None


# --- front matter ----------------------------------------------------------------------------


@dataclass
class _FrontMatter:
    title: str = ""
    title_ko: str | None = None
    authors: tuple[Author, ...] = ()
    affiliations: tuple[Affiliation, ...] = ()
    abstract: list[_Paragraph] = field(default_factory=list)


def _read_front_matter(blocks: Sequence[_Block], state: _State) -> _FrontMatter:
    front = _FrontMatter()
    at = 0
    while at < len(blocks):
        block = blocks[at]
        if _is_furniture_start(block):
            at = _read_furniture(blocks, at, state)
            continue
        at += 1
        if _is_hangul(block.text):
            state.metadata_blocks.append(block)
            front.title_ko = front.title_ko or block.text
            continue
        if not front.title:
            state.metadata_blocks.append(block)
            front.title = state.flow(line.span for line in block.lines).text
            continue
        if not front.authors:
            authors = _parse_authors(block.text)
            if authors:
                state.metadata_blocks.append(block)
                front.authors = authors
                continue
        if not front.abstract and _AFFILIATION_START.match(block.first):
            state.metadata_blocks.append(block)
            front.affiliations += _parse_affiliations(block)
            continue
        front.abstract.append(_Paragraph(ABSTRACT, state.flow(line.span for line in block.lines)))
    return front


def _markers_in(text: str) -> tuple[str, list[str]]:
    """Text without its superscript markers, and the markers (``^{1*}`` → ``1``, ``*``)."""
    found: list[str] = []

    def take(match: re.Match[str]) -> str:
        raw = (match.group(1) or match.group(2)).translate(_SUPERSCRIPTS)
        for part in re.findall(r"\d+|[*†‡§]", raw):
            found.append(part)
        return ""

    return _MARKER.sub(take, text), found


def _parse_authors(text: str) -> tuple[Author, ...]:
    """Authors of a byline such as ``Mi Hyun Kang, MD¹ , Song Soo Kim, MD^{1*}``."""
    names: list[tuple[str, list[str], list[str]]] = []
    decorated = False
    for item in re.split(r",|\band\b|&", text):
        core, markers = _markers_in(item)
        core = core.strip()
        decorated = decorated or bool(markers)
        if not core:
            if names:
                names[-1][2].extend(markers)
            continue
        if _DEGREE.match(core):
            if not names:
                return ()
            names[-1][1].append(core)
            names[-1][2].extend(markers)
            decorated = True
            continue
        if not re.fullmatch(r"[^\W\d_][\w'\u2019.\- ]*", core) or len(core.split()) > 5:
            return ()
        names.append((core, [], list(markers)))
    if not names or not decorated:
        return ()
    return tuple(_author(name, degrees, markers) for name, degrees, markers in names)


_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "del", "la", "le", "du"})


def _author(name: str, degrees: list[str], markers: list[str]) -> Author:
    words = name.split()
    split = len(words) - 1
    while split > 1 and words[split - 1].lower() in _PARTICLES:
        split -= 1
    return Author(
        name=name,
        given=" ".join(words[:split]),
        family=" ".join(words[split:]),
        degrees=tuple(degrees),
        affiliation_markers=tuple(m for m in markers if m.isdigit()),
        corresponding="*" in markers,
    )


def _name_key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name).lower()


def _with_orcid(author: Author, orcids: dict[str, str]) -> Author:
    orcid = orcids.get(_name_key(author.name))
    return author if orcid is None else replace(author, orcid=orcid)


def _parse_affiliations(block: _Block) -> tuple[Affiliation, ...]:
    """Either one entry per marked affiliation, or ``Departments of ¹A and ²B, Institution``.

    When the block starts with a marker, each line that starts with one starts an entry and
    other lines continue the entry above; otherwise the block is one shared institution.
    """
    if not _LEADING_MARKER.match(block.first):
        return tuple(_shared_institution(block.text))
    entries: list[tuple[str, list[str]]] = []
    for line in block.lines:
        leading = _LEADING_MARKER.match(line.text)
        if leading:
            marker = (leading.group(1) or leading.group(2)).translate(_SUPERSCRIPTS)
            entries.append((marker, [line.text[leading.end() :]]))
        else:
            entries[-1][1].append(line.text)
    return tuple(Affiliation(marker, _join_lines(lines).strip()) for marker, lines in entries)


def _shared_institution(text: str) -> list[Affiliation]:
    positions = list(re.finditer(r"\^\{(\w+)\}|([⁰¹²³⁴⁵⁶⁷⁸⁹]+)", text))
    if not positions:
        return [Affiliation("", text)]
    prefix = text[: positions[0].start()].strip()
    kind = re.sub(r"\s+of$", "", prefix)
    singular = re.sub(r"ies$", "y", kind) if kind.endswith("ies") else kind.removesuffix("s")
    last = positions[-1]
    comma = text.find(",", last.end())
    institution = text[comma + 1 :].strip() if comma >= 0 else ""
    units_end = comma if comma >= 0 else len(text)
    affiliations = []
    for number, match in enumerate(positions):
        stop = positions[number + 1].start() if number + 1 < len(positions) else units_end
        unit = re.sub(r"(?:,|\band)\s*$", "", text[match.end() : stop].strip()).strip()
        marker = (match.group(1) or match.group(2)).translate(_SUPERSCRIPTS)
        head = f"{singular} of {unit}" if singular else unit
        affiliations.append(Affiliation(marker, f"{head}, {institution}" if institution else head))
    return affiliations


# --- body ------------------------------------------------------------------------------------


def _read_body(blocks: Sequence[_Block], state: _State) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    section = ""
    in_back_matter = False
    at = 0
    while at < len(blocks):
        block = blocks[at]
        if _is_heading(block):
            section, in_back_matter = block.first, False
            at += 1
            continue
        if _is_back_matter_heading(block) or in_back_matter:
            in_back_matter = True
            state.metadata_blocks.append(block)
            at += 1
            continue
        if _is_furniture_start(block) or _is_hangul(block.text):
            at = _read_furniture(blocks, at, state)
            continue
        figure_head = _FIGURE.match(block.first)
        if figure_head:
            state.figures.append(_read_figure(block, figure_head, state))
            at += 1
            continue
        at += 1
        items = _list_items(block)
        lead, *rest = items
        previous = paragraphs[-1] if paragraphs else None
        if (
            previous
            and previous.section == section
            and not previous.closed
            and not _terminated(previous.flow.last)
            and not _BULLET.match(block.first)
        ):
            for span in lead:
                previous.flow.extend(span)
        else:
            if section and _CONCLUSION_START.match(block.first):
                section = CONCLUSION
            closed = bool(rest) or _BULLET.match(block.first) is not None
            paragraphs.append(_Paragraph(section, state.flow(lead), closed=closed))
        paragraphs.extend(_Paragraph(section, state.flow(item), closed=True) for item in rest)
    return paragraphs


def _list_items(block: _Block) -> list[list[Span]]:
    """Spans of the lead-in lines, then of each bulleted item ("- ", "• ") without its bullet."""
    groups: list[list[Span]] = [[]]
    for line in block.lines:
        bullet = _BULLET.match(line.text)
        if bullet:
            groups.append([Span(line.span.start + bullet.end() - 1, line.span.end)])
        else:
            groups[-1].append(line.span)
    if not groups[0]:
        groups.pop(0)
    return groups


def _read_figure(block: _Block, head: re.Match[str], state: _State) -> tuple[Figure, list[_Flow]]:
    """Title, panels ("A.", "D, E.", "A-C.") and the closing abbreviation list of a caption."""
    label = re.sub(r"\s+", " ", head["label"])
    first = block.lines[0]
    title = state.flow([Span(first.span.start + head.end(), first.span.end)])
    parts: list[tuple[tuple[str, ...], _Flow]] = []
    abbreviations = ""
    for number, line in enumerate(block.lines[1:], start=1):
        panel = _PANEL.match(line.text)
        if panel is None and _ABBREVIATION_START.match(line.text):
            rest = _join_lines(later.text for later in block.lines[number:])
            if _ABBREVIATION_LIST.match(rest):
                abbreviations = rest
                break
        if panel:
            labels = _panel_labels(panel["labels"])
            span = Span(line.span.start + panel.end(), line.span.end)
            parts.append((labels, state.flow([span])))
        elif parts:
            parts[-1][1].extend(line.span)
        else:
            title.extend(line.span)
    panels = tuple(FigurePanel(labels, flow.text, flow.span) for labels, flow in parts)
    figure = Figure(
        label=label,
        title=title.text,
        panels=panels,
        span=block.span,
        abbreviations=tuple(
            (m["short"].strip(), m["long"].strip().rstrip("."))
            for m in _ABBREVIATION.finditer(abbreviations)
        ),
    )
    return figure, [title, *(flow for _, flow in parts)]


def _panel_labels(text: str) -> tuple[str, ...]:
    letters = re.findall(r"[A-Z]", text)
    if len(letters) == 2 and re.search(r"[\u2013-]", text):
        return tuple(chr(code) for code in range(ord(letters[0]), ord(letters[1]) + 1))
    return tuple(letters)


def _sentences(flow: _Flow, section: str, first_index: int) -> list[Sentence]:
    text, starts = flow.layout()
    sentences: list[Sentence] = []
    for start, end in _sentence_ranges(text):
        segments, joins = flow.cut(starts, start, end)
        sentences.append(
            Sentence(
                index=first_index + len(sentences),
                section=section,
                text=text[start:end],
                segments=segments,
                joins=joins,
            )
        )
    return sentences


def _sections(
    abstract: Sequence[_Paragraph], body: Sequence[_Paragraph], blocks: Sequence[_Block]
) -> tuple[Section, ...]:
    """One Section per heading (plus ABSTRACT and CONCLUSION), from heading to last paragraph."""
    starts = {block.first: block.span.start for block in blocks if _is_heading(block)}
    extents: dict[str, Span] = {}
    for paragraph in [*abstract, *body]:
        span = paragraph.flow.span
        title = paragraph.section
        begin = starts.get(title, span.start)
        known = extents.get(title)
        extents[title] = Span(min(begin, known.start if known else begin), span.end)
    return tuple(Section(title, span) for title, span in extents.items() if title)


def _markers(sentences: Sequence[Sentence], reference_count: int) -> tuple[CitationMarker, ...]:
    markers = []
    for sentence in sentences:
        for match in _CITATION.finditer(sentence.text):
            numbers = _reference_numbers(match["content"], reference_count)
            if numbers:
                span = sentence.source_span(match.start(), match.end())
                markers.append(CitationMarker(match.group(), numbers, sentence.index, span))
    return tuple(markers)


def _reference_numbers(content: str, reference_count: int) -> tuple[int, ...]:
    numbers: list[int] = []
    for part in content.split(","):
        bounds = [int(value) for value in re.split(r"[-\u2013]", part.strip())]
        low, high = bounds[0], bounds[-1]
        if not 1 <= low <= high <= reference_count:
            return ()
        numbers.extend(range(low, high + 1))
    return tuple(numbers)


# --- reference list ----------------------------------------------------------------------------


def _read_references(
    blocks: Sequence[_Block], at: int, state: _State
) -> tuple[list[RawReference], int]:
    """Numbered entries after the heading; continuation lines join the entry above."""
    entries: list[tuple[int, _Flow]] = []
    while at < len(blocks):
        block = blocks[at]
        head = _REFERENCE_ENTRY.match(block.first)
        expected = entries[-1][0] + 1 if entries else None
        if head is None or (expected is not None and int(head["number"]) != expected):
            break
        for line in block.lines:
            entry = _REFERENCE_ENTRY.match(line.text)
            if entry and (not entries or int(entry["number"]) == entries[-1][0] + 1):
                span = Span(line.span.start + entry.end(), line.span.end)
                entries.append((int(entry["number"]), state.flow([span])))
            else:
                entries[-1][1].extend(line.span)
        at += 1
    return [RawReference(number, flow.text, flow.span) for number, flow in entries], at
