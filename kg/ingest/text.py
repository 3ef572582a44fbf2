"""Plain text extracted from a case report PDF → a :class:`~kg.document.Document`.

The text comes with its page layout: a "Received … Accepted" block, the corresponding
author's address, the licence paragraph and figure captions land in the middle of running
paragraphs. The parser reads the file as blank-line separated *blocks*, tells layout
furniture from prose by shape and keywords (never by position), and reflows the prose so
that every sentence is whole while each piece of it keeps its offsets into the source.

``Document.source`` is the decoded text the parser kept: the file's UTF-8 decoded, a
leading byte-order mark removed, CRLF / CR line ends turned into LF and other separators
(U+2028, NEL...) into one character each (``source.normalise``). Every offset in the
Document indexes into that string.

Structure: a heading is a line on its own that is all caps ("CASE REPORT") or a known
section name in any case or numbering ("Case presentation", "2. Discussion"), also when
its paragraph follows without a blank line. The title is the first block when it reads
like one (not a paragraph); the prose before the first body heading that is not title,
byline or affiliation is the abstract (section ``ABSTRACT``). An "Abstract" heading starts
the abstract (what comes before it is front matter); a structured abstract's sub-headings
stay in it until its first sub-heading is printed again. A text with no body headings at
all (a case presentation on its own) is one section, ``BODY``. A paragraph opening "In
conclusion" / "In summary" starts section ``CONCLUSION``; back-matter headings ("Author
Contributions", "Funding", ...), Korean blocks and short lines that say where the article
is published ("Journal. 2021;14:101. https://doi.org/…", "Published online …") are
metadata, not body. Sentences come in reading order: abstract, body, then each figure
caption (section = the figure's label, "Fig. 1"). The reference list (``reflist``) and the
citation markers (``markers``) have modules of their own; without a reference list the
Document says so in ``notices`` and has no markers.

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
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from kg.document import (
    Affiliation,
    ArticleMetadata,
    Author,
    CorrespondingAuthor,
    Document,
    Figure,
    FigurePanel,
    Section,
    Sentence,
    Span,
)
from kg.doi import ANNOUNCED_DOI, find_doi
from kg.errors import InputError
from kg.ingest.layout import Block, Flow, Lexicon, Line, join_lines, read_blocks, terminated
from kg.ingest.markers import citation_markers
from kg.ingest.reflist import HEADING, read_reference_list
from kg.ingest.sentences import sentence_ranges

ABSTRACT = "ABSTRACT"
CONCLUSION = "CONCLUSION"

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_MARKER = re.compile(r"\^\{([^}]*)\}|([⁰¹²³⁴⁵⁶⁷⁸⁹*†‡§]+)")
_DEGREE = re.compile(r"^(?:[A-Z]{2,6}|PhD|MSc|BSc|DPhil|MBChB|DrPH|MMed|MHSc|Ph\.D\.|M\.D\.)$")
_HEADING = re.compile(r"^[A-Z][A-Z0-9 &,/()\-]*[A-Z)]$")
_HANGUL = re.compile("[\uac00-\ud7a3]")
_NUMBERING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,4}\.)\s+")
_ABSTRACT_HEADINGS = frozenset({"abstract", "summary"})
_TITLE_CASE_HEADINGS = frozenset(
    {
        "abstract",
        "summary",
        "background",
        "introduction",
        "case report",
        "case reports",
        "case presentation",
        "case presentations",
        "case description",
        "case history",
        "case summary",
        "case",
        "clinical presentation",
        "presentation of case",
        "report of a case",
        "patient and methods",
        "patients and methods",
        "materials and methods",
        "methods",
        "results",
        "investigations",
        "differential diagnosis",
        "treatment",
        "outcome and follow-up",
        "outcome",
        "discussion",
        "literature review",
        "review of the literature",
        "conclusion",
        "conclusions",
        "learning points",
        "teaching points",
        "key clinical message",
    }
)
"""Body headings in any capitalisation; all-caps lines are headings whatever they say."""
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
        "ethics approval",
        "ethics approval and consent to participate",
        "consent",
        "consent for publication",
        "patient consent",
        "competing interests",
        "declaration of competing interest",
        "disclosure",
        "disclosures",
        "abbreviations",
        "footnotes",
        "notes",
        "author information",
        "publisher's note",
        "availability of data and materials",
    }
)
_PUBLICATION_NOTE = re.compile(
    r"^(?:PMCID|PMID|Published online|Published|Copyright|©|\(c\)\s|Cite this article|"
    r"Citation|How to cite|Open Access|Article history|Academic Editor|Edited by|Reviewed by|"
    r"Case Reports? in\b|Available online)",
    re.IGNORECASE,
)
"""Lines a journal or a repository puts around an article ("Published online 2020 Jan 5")."""
_LOCATOR_LINE = re.compile(
    r"\b(?:1[89]|20)\d{2}\s*[;,]\s*\d+\s*(?:\([\w\s-]+\))?\s*:\s*[eE]?\d+"
    r"|\bVol(?:ume)?\.?\s*\d+\b.*\b(?:pp?\.|No\.|Issue)\s*\d+",
)
"""A journal locator ("2020;12(3):34-40", "Vol. 12, No. 3")."""
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
_TABLE = re.compile(r"^\s*Table\s+\d+[A-Za-z]?\s*[.:|]", re.IGNORECASE)
"""A table's caption line ("Table 1. Laboratory findings"): its block is the table."""
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


# --- classification --------------------------------------------------------------------------


def _is_hangul(text: str) -> bool:
    if _HANGUL.search(text) is None:
        return False
    letters = [char for char in text if char.isalpha()]
    hangul = [char for char in letters if "\uac00" <= char <= "\ud7a3"]
    return bool(letters) and len(hangul) * 2 > len(letters)


def _heading_name(text: str) -> str:
    """A heading line as a name to look up: no numbering ("2.", "II."), colon or case."""
    return _NUMBERING.sub("", text).rstrip(" :.").lower()


def _is_heading_line(text: str) -> bool:
    if len(text) > 80:
        return False
    letters = sum(char.isalpha() for char in text)
    name = _heading_name(text)
    return (
        (_HEADING.match(text) is not None and letters >= 4)
        or bool(HEADING.match(text))
        or name in _TITLE_CASE_HEADINGS
    )


def _is_heading(block: Block) -> bool:
    return len(block.lines) == 1 and _is_heading_line(block.first)


def _is_abstract_heading(block: Block) -> bool:
    return _is_heading(block) and _heading_name(block.first) in _ABSTRACT_HEADINGS


def _split_headings(blocks: Sequence[Block]) -> list[Block]:
    """A heading line with its paragraph right under it (no blank line between, as text
    copied from a web page has it) becomes a heading block and a paragraph block; so does
    each sub-heading line of a structured abstract set in one block (a heading line comes
    first, or after a heading or a finished sentence: "…Failure: A" / "Case Report" is a
    title wrapped, not a heading)."""
    split: list[Block] = []
    for block in blocks:
        current: list[Line] = []
        after_break = True
        for line in block.lines:
            if len(block.lines) > 1 and after_break and _is_named_heading(line.text):
                if current:
                    split.append(Block(tuple(current)))
                split.append(Block((line,)))
                current = []
            else:
                current.append(line)
                after_break = terminated(line.text)
        if current:
            split.append(Block(tuple(current)))
    return split


def _is_named_heading(text: str) -> bool:
    """A line that is a section's name, not a wrapped line of prose ("results.")."""
    name = _heading_name(text)
    return (
        not text.endswith(".")
        and (text[:1].isupper() or text[:1].isdigit())
        and (
            name in _TITLE_CASE_HEADINGS
            or name in _BACK_MATTER_HEADINGS
            or bool(HEADING.match(text))
        )
    )


def _is_back_matter_heading(block: Block) -> bool:
    return len(block.lines) == 1 and _heading_name(block.first) in _BACK_MATTER_HEADINGS


def _is_furniture_start(block: Block) -> bool:
    first = block.first
    return bool(
        _dated(first)
        or _CORRESPONDENCE.match(first)
        or _LICENCE.search(first)
        or _ORCID_HEADING.match(first)
        or _orcid_entries(first)
        or _CONTACT.match(first)
        or _INDEX_TERMS.match(first)
        or _PUBLICATION_NOTE.match(first)
        or _is_citation_line(block)
    )


def _is_citation_line(block: Block) -> bool:
    """A short block that says where the article is published ("Journal. 2020;12:34.
    https://doi.org/…", "doi: 10.…"): front matter wherever the layout put it."""
    if len(block.lines) > 3:
        return False
    text = block.text
    doi = ANNOUNCED_DOI.search(text)
    if doi:
        return len((text[: doi.start()] + text[doi.end() :]).split()) <= 25
    return _LOCATOR_LINE.search(text) is not None and len(text.split()) <= 25


# --- the parser -------------------------------------------------------------------------------


@dataclass
class _Paragraph:
    section: str
    flow: Flow
    closed: bool = False
    """A list item ends where it ends: the next block never continues it."""
    subsection: Block | None = None
    """The subsection heading the paragraph is under, if any (see ``_is_subheading``)."""


@dataclass
class _State:
    """What the parse has gathered so far."""

    source: str
    lexicon: Lexicon
    dates: dict[str, dt.date] = field(default_factory=dict)
    orcids: dict[str, str] = field(default_factory=dict)
    corresponding: CorrespondingAuthor | None = None
    licence: str | None = None
    index_terms: tuple[str, ...] = ()
    figures: list[tuple[Figure, list[Flow]]] = field(default_factory=list)
    metadata_blocks: list[Block] = field(default_factory=list)

    def flow(self, spans: Iterable[Span] = ()) -> Flow:
        flow = Flow(self.source, self.lexicon)
        for span in spans:
            flow.extend(span)
        return flow


NO_REFERENCE_LIST = "no reference list found: the citation layer is empty"
BODY = "BODY"
"""The section of a text with no headings at all (a case presentation on its own)."""


def parse_text(source: str, name: str, sha256: str, label: str) -> Document:
    """The Document of a normalised plain text (see the module docstring)."""
    if not source.strip():
        raise InputError(f"{label}: the document is empty")
    blocks = _split_headings(read_blocks(source))
    state = _State(source, Lexicon.of(source))

    references_at = next(
        (i for i, block in enumerate(blocks) if _is_heading(block) and HEADING.match(block.first)),
        len(blocks),
    )
    reference_list = read_reference_list(
        blocks, references_at + 1, state.flow, _ends_unnumbered_list
    )
    references = reference_list.entries
    notices = () if references else (NO_REFERENCE_LIST,)

    body_at = _body_start(blocks, references_at)
    has_headings = body_at < references_at
    front = _read_front_matter(
        blocks[:body_at], state, prose_section=ABSTRACT if has_headings else BODY
    )
    body = _read_body(blocks[body_at:references_at], state)
    back_hangul = [b for b in blocks[reference_list.end :] if _is_hangul(b.text)]

    sentences: list[Sentence] = []
    for paragraph in front.abstract + body:
        sentences.extend(_sentences(paragraph.flow, paragraph.section, len(sentences)))
    for figure, flows in state.figures:
        for flow in flows:
            sentences.extend(_sentences(flow, figure.label, len(sentences)))

    markers = citation_markers(sentences, references, numbered=reference_list.numbered)
    sections = _sections(front.abstract, body, blocks[body_at:references_at])
    title_ko = front.title_ko or (back_hangul[0].text if back_hangul else None)
    abstract_ko_blocks = [b for b in back_hangul if b.text != title_ko and "·" not in b.text]
    abstract_ko = max((b.text for b in abstract_ko_blocks), key=len, default=None)
    abstract = [p for p in front.abstract if p.section == ABSTRACT]

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
        abstract="\n\n".join(p.flow.text for p in abstract) or None,
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
        references=references,
        notices=notices,
    )


def _body_start(blocks: Sequence[Block], end: int) -> int:
    """Where the body starts: at the first heading that is not the abstract's; when the
    abstract is structured ("Background", "Case presentation", "Conclusions" under
    "Abstract"), at the second time its first sub-heading is printed."""
    headings = [i for i in range(end) if _is_heading(blocks[i])]
    abstract = next((i for i in headings if _is_abstract_heading(blocks[i])), None)
    after = [i for i in headings if not _is_abstract_heading(blocks[i])]
    if not after:
        return end
    first = after[0]
    if abstract is not None and abstract < first:
        name = _heading_name(blocks[first].first)
        again = [i for i in after[1:] if _heading_name(blocks[i].first) == name]
        if again:
            return again[0]
    return first


def _ends_unnumbered_list(block: Block) -> bool:
    return _is_heading(block) or _is_back_matter_heading(block) or _is_hangul(block.text)


# --- furniture ---------------------------------------------------------------------------------


def _read_furniture(blocks: Sequence[Block], at: int, state: _State) -> int:
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


def _read_correspondence(blocks: Sequence[Block], at: int, state: _State) -> int:
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


def _article_doi(blocks: Iterable[Block]) -> str | None:
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


def _read_front_matter(
    blocks: Sequence[Block], state: _State, *, prose_section: str
) -> _FrontMatter:
    """Title, byline, affiliations and the abstract; with an "Abstract" heading, the prose
    before it (journal lines, notes) is front matter and the sub-headings of a structured
    abstract are dropped from its text."""
    front = _FrontMatter()
    abstract_at = next((i for i, b in enumerate(blocks) if _is_abstract_heading(b)), None)
    title_done = False
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
        if abstract_at is not None and at - 1 >= abstract_at:
            if not _is_heading(block):
                front.abstract.append(_Paragraph(ABSTRACT, state.flow(_spans(block))))
            continue
        if not title_done:
            title_done = True
            if _is_title_like(block):
                state.metadata_blocks.append(block)
                front.title = state.flow(_spans(block)).text
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
        if abstract_at is not None or _is_heading(block):
            state.metadata_blocks.append(block)
            continue
        front.abstract.append(_Paragraph(prose_section, state.flow(_spans(block))))
    return front


def _spans(block: Block) -> list[Span]:
    return [line.span for line in block.lines]


def _is_title_like(block: Block) -> bool:
    """A title is a line or two, not a paragraph: at most 400 characters, not two
    sentences, not starting in lower case."""
    text = block.text
    sentence_ends = len(re.findall(r"[.!?](?:\s|$)", text))
    return len(text) <= 400 and sentence_ends <= 1 and not text[:1].islower()


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


def _parse_affiliations(block: Block) -> tuple[Affiliation, ...]:
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
    return tuple(Affiliation(marker, join_lines(lines).strip()) for marker, lines in entries)


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


def _read_body(blocks: Sequence[Block], state: _State) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    section = ""
    subsection: Block | None = None
    in_back_matter = False
    at = 0
    while at < len(blocks):
        block = blocks[at]
        if _is_heading(block):
            section, in_back_matter, subsection = _heading_title(block.first), False, None
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
        if _TABLE.match(block.first):
            # a table copied as text: its caption and each row are lines of their own, never
            # reflowed into one sentence or into the paragraph that follows
            paragraphs.extend(
                _Paragraph(section, state.flow([line.span]), True, subsection)
                for line in block.lines
            )
            at += 1
            continue
        previous = paragraphs[-1] if paragraphs else None
        following = blocks[at + 1] if at + 1 < len(blocks) else None
        if section and _is_subheading(block, following, previous):
            subsection = block
            at += 1
            continue
        at += 1
        items = _list_items(block)
        lead, *rest = items
        if (
            previous
            and previous.section == section
            and not previous.closed
            and not terminated(previous.flow.last)
            and not _BULLET.match(block.first)
        ):
            for span in lead:
                previous.flow.extend(span)
        else:
            if section and _CONCLUSION_START.match(block.first):
                section, subsection = CONCLUSION, None
            closed = bool(rest) or _BULLET.match(block.first) is not None
            paragraphs.append(_Paragraph(section, state.flow(lead), closed, subsection))
        paragraphs.extend(_Paragraph(section, state.flow(item), True, subsection) for item in rest)
    return paragraphs


_DANGLING_WORDS = frozenset(
    {"a", "an", "the", "of", "and", "or", "to", "in", "on", "at", "by", "for", "from", "with"}
    | {"as", "than", "that", "which", "who", "was", "were", "is", "are", "be", "been", "his"}
    | {"her", "their", "its", "this"}
)
"""Words a heading never ends with, and a line broken off a sentence often does."""


def _is_subheading(block: Block, following: Block | None, previous: _Paragraph | None) -> bool:
    """A subsection heading inside a section ("Laboratory findings", "Imaging", "2.1 MRI
    findings"), in any capitalisation: a short line on its own that is no sentence and no
    piece of one (the paragraph before it is finished, it ends in no punctuation or word that
    goes on) and is followed by a paragraph that starts as one (a capital or a digit)."""
    text = block.first.strip()
    if len(block.lines) != 1 or len(text) > 60 or following is None:
        return False
    name = _NUMBERING.sub("", text).rstrip(" :")
    words = name.split()
    if not 1 <= len(words) <= 8 or not name[:1].isalpha() or re.search(r"[.,;!?]", name):
        return False
    if words[-1].lower() in _DANGLING_WORDS or not re.search(r"[^\W\d_]{3}", name):
        return False
    if _BULLET.match(following.first) or _FIGURE.match(text):
        return False
    starts_paragraph = following.first[:1].isupper() or following.first[:1].isdigit()
    finished = previous is None or previous.closed or terminated(previous.flow.last)
    return starts_paragraph and finished and not _is_heading(following)


def _list_items(block: Block) -> list[list[Span]]:
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


def _read_figure(block: Block, head: re.Match[str], state: _State) -> tuple[Figure, list[Flow]]:
    """Title, panels ("A.", "D, E.", "A-C.") and the closing abbreviation list of a caption."""
    label = re.sub(r"\s+", " ", head["label"])
    first = block.lines[0]
    title = state.flow([Span(first.span.start + head.end(), first.span.end)])
    parts: list[tuple[tuple[str, ...], Flow]] = []
    abbreviations = ""
    for number, line in enumerate(block.lines[1:], start=1):
        panel = _PANEL.match(line.text)
        if panel is None and _ABBREVIATION_START.match(line.text):
            rest = join_lines(later.text for later in block.lines[number:])
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


def _sentences(flow: Flow, section: str, first_index: int) -> list[Sentence]:
    text, starts = flow.layout()
    sentences: list[Sentence] = []
    for start, end in sentence_ranges(text):
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
    abstract: Sequence[_Paragraph], body: Sequence[_Paragraph], blocks: Sequence[Block]
) -> tuple[Section, ...]:
    """One Section per heading (plus ABSTRACT and CONCLUSION), from heading to last paragraph."""
    starts: dict[str, int] = {}
    for block in blocks:
        if _is_heading(block):
            starts.setdefault(_heading_title(block.first), block.span.start)
    extents: dict[str, tuple[str, Span]] = {}
    subsections: dict[tuple[str, str], tuple[str, Span]] = {}
    for paragraph in [*abstract, *body]:
        span = paragraph.flow.span
        title = paragraph.section
        begin = starts.get(title, span.start)
        key = _section_key(title)
        known = extents.get(key)
        if known:
            title, begin = known[0], min(begin, known[1].start)
        extents[key] = (title, Span(begin, max(span.end, known[1].end if known else 0)))
        if paragraph.subsection is not None:
            heading = paragraph.subsection
            name = _heading_title(heading.first.strip())
            within = (key, name)
            seen = subsections.get(within, (name, heading.span))[1]
            subsections[within] = (name, Span(min(seen.start, heading.span.start), span.end))
    sections: list[Section] = []
    for key, (title, span) in extents.items():
        if title:
            sections.append(Section(title, span))
            sections += [
                Section(name, extent, title)
                for (parent, _), (name, extent) in subsections.items()
                if parent == key
            ]
    return tuple(sections)


def _section_key(title: str) -> str:
    """Titles that name one section whatever their case or punctuation ("Case Report" and
    "CASE REPORT:") are one section with one title."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or title


def _heading_title(text: str) -> str:
    return text.rstrip(" :")
