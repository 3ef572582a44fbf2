"""JATS XML (the PMC / Europe PMC open-access format) → the same Document as plain text.

The article is rendered as plain text — title, abstract, each section's title and
paragraphs, its tables where they stand (a line per row, kg.ingest.tables), figure
captions, then the reference list — and that text is
``Document.source``: every offset (sentences, markers, references) points into the text
the graph quotes, not into the XML. ``Document.sha256`` is still the hash of the file.

In-text citations are the ``<xref ref-type="bibr">`` elements (several ``rid`` values, or
two xrefs joined by a dash, make one marker for the whole list or range). References come
from ``<ref>`` (``element-citation``, ``mixed-citation`` or NLM 2 ``citation``): with
tagged parts they are written out in Vancouver order (authors, title, "In: editors" and
publisher for a book chapter, source, year;volume(issue):pages) so the one reference parser
reads every publisher alike; the ``pub-id`` DOI and PMID are appended as the publisher gave
them. A reference that is only text is taken as printed.

Parsed with defusedxml: a document type that declares entities (internal or external) is
refused, nothing is fetched (no DTD, no entity, no network).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from kg.document import (
    Affiliation,
    ArticleMetadata,
    Author,
    CitationMarker,
    CorrespondingAuthor,
    Document,
    Figure,
    RawReference,
    Section,
    Sentence,
    Span,
)
from kg.doi import find_doi
from kg.errors import InputError
from kg.ingest.sentences import sentence_ranges
from kg.ingest.source import sha256
from kg.ingest.tables import row_lines
from kg.ingest.text import ABSTRACT, BODY, NO_REFERENCE_LIST
from kg.ingest.xmltext import local_name, text_of

_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_SKIPPED = frozenset(
    {"fig", "table-wrap", "table-wrap-group", "supplementary-material", "disp-formula", "fn"}
    | {"ref-list", "graphic"}
)
"""Elements inside a paragraph that are not its running text (figures are read apart)."""
_DASH_ONLY = re.compile(r"^\s*[-\u2010-\u2013]\s*$")
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")


def read_jats(data: bytes, name: str, label: str) -> Document:
    """The Document of a JATS article; InputError for XML that is not well-formed, that
    declares entities, or that is not an article with a body."""
    root = _parse(data, label)
    article = root if local_name(root.tag) == "article" else root.find(".//article")
    if article is None:
        raise InputError(
            f"{label}: not a JATS article (the root element is <{local_name(root.tag)}>, "
            "expected <article>)"
        )
    body = article.find("body")
    if body is None:
        raise InputError(f"{label}: the JATS article has no <body>: there is no text to read")
    return _Reader(name, sha256(data)).read(article, body)


def _parse(data: bytes, label: str) -> Element:
    try:
        return fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise InputError(
            f"{label}: the XML declares entities ({type(error).__name__}); casekg reads no "
            "DTD or entity declarations, so that nothing is fetched or expanded"
        ) from None
    except ParseError as error:
        line, column = error.position
        message = str(error).split(":")[0]
        raise InputError(
            f"{label}: not well-formed XML ({message} at line {line}, column {column + 1})"
        ) from None


@dataclass
class _Xref:
    start: int
    end: int
    rids: tuple[str, ...]


@dataclass
class _Paragraph:
    section: str
    span: Span
    xrefs: list[_Xref] = field(default_factory=list)


@dataclass
class _Reader:
    name: str
    sha256: str
    parts: list[str] = field(default_factory=list)
    position: int = 0
    paragraphs: list[_Paragraph] = field(default_factory=list)
    figures: list[tuple[Figure, list[_Paragraph]]] = field(default_factory=list)
    tables: int = 0
    headings: dict[str, int] = field(default_factory=dict)
    """Where each section title was written (a section starts at its heading)."""
    _last: str = ""
    """The last character written, for collapsing white space across elements."""

    # --- writing the text -----------------------------------------------------------------

    def _write(self, text: str) -> None:
        self.parts.append(text)
        self.position += len(text)

    def _block(self, text: str) -> Span:
        """A block of text on its own, separated from the one before by a blank line."""
        if self.position:
            self._write("\n\n")
        start = self.position
        self._write(text)
        return Span(start, self.position)

    def _inline(self, element: Element, xrefs: list[_Xref]) -> None:
        """Write an element's running text, white space collapsed, noting bibr xrefs."""
        if element.text:
            self._flowing(element.text)
        for child in element:
            kind = local_name(child.tag)
            if kind not in _SKIPPED:
                start = self.position
                self._inline(child, xrefs)
                rids = tuple((child.get("rid") or "").split())
                bibr = kind == "xref" and child.get("ref-type") == "bibr"
                if bibr and rids and self.position > start:
                    xrefs.append(_Xref(start, self.position, rids))
            if child.tail:
                self._flowing(child.tail)

    def _flowing(self, text: str) -> None:
        collapsed = re.sub(r"\s+", " ", text)
        if self._last in (" ", "\n", ""):
            collapsed = collapsed.lstrip(" ")
        if collapsed:
            self._write(collapsed)
            self._last = collapsed[-1]

    def _paragraph(self, element: Element, section: str) -> _Paragraph | None:
        """A paragraph on its own, its span without trailing space; None when empty."""
        if self.position:
            self._write("\n\n")
        self._last = "\n"
        start = self.position
        xrefs: list[_Xref] = []
        self._inline(element, xrefs)
        end = self.position - (1 if self._last == " " else 0)
        self._last = "\n"
        if end <= start:
            return None
        return _Paragraph(section, Span(start, end), xrefs)

    @property
    def source(self) -> str:
        return "".join(self.parts)

    # --- the article ------------------------------------------------------------------------

    def read(self, article: Element, body: Element) -> Document:
        meta = article.find("front/article-meta")
        if meta is None:
            meta = Element("article-meta")
        title = text_of(meta.find("title-group/article-title"))
        if title:
            self._block(title)
        abstract_paragraphs: list[_Paragraph] = []
        abstract = meta.find("abstract")
        if abstract is not None:
            for p in abstract.iter("p"):
                found = self._paragraph(p, ABSTRACT)
                if found:
                    abstract_paragraphs.append(found)
        self.paragraphs.extend(abstract_paragraphs)
        self._section(body, BODY)
        floats = article.find("floats-group")
        for table in floats.iter("table-wrap") if floats is not None else ():
            self._table(table, BODY)
        for fig in [*body.iter("fig"), *(floats.iter("fig") if floats is not None else ())]:
            self._figure(fig)
        references, rid_numbers = self._references(article.find("back/ref-list"))
        source = self.source

        sentences: list[Sentence] = []
        paragraphs = [*self.paragraphs, *(p for _, ps in self.figures for p in ps)]
        owner: list[tuple[Sentence, _Paragraph]] = []
        for paragraph in paragraphs:
            text = source[paragraph.span.start : paragraph.span.end]
            for start, end in sentence_ranges(text):
                base = paragraph.span.start
                sentence = Sentence(
                    index=len(sentences),
                    section=paragraph.section,
                    text=text[start:end],
                    segments=(Span(base + start, base + end),),
                )
                sentences.append(sentence)
                owner.append((sentence, paragraph))
        markers = _markers(owner, rid_numbers, source)
        return Document(
            name=self.name,
            source=source,
            sha256=self.sha256,
            metadata=self._metadata(meta, title, source, abstract_paragraphs),
            sections=_sections(self.paragraphs, self.headings),
            sentences=tuple(sentences),
            figures=tuple(figure for figure, _ in self.figures),
            markers=markers,
            references=references,
            notices=() if references else (NO_REFERENCE_LIST,),
        )

    def _section(self, element: Element, title: str) -> None:
        for child in element:
            kind = local_name(child.tag)
            if kind == "sec":
                heading = text_of(child.find("title"))
                if heading:
                    span = self._block(heading)
                    self.headings.setdefault(heading, span.start)
                self._section(child, heading or title)
            elif kind == "p":
                found = self._paragraph(child, title)
                if found:
                    self.paragraphs.append(found)
                for table in child.iter("table-wrap"):
                    self._table(table, title)
            elif kind in {"table-wrap", "table-wrap-group"}:
                for table in child.iter("table-wrap"):
                    self._table(table, title)
            elif kind in {"list", "boxed-text", "disp-quote"}:
                for p in child.iter("p"):
                    found = self._paragraph(p, title)
                    if found:
                        self.paragraphs.append(found)

    def _line(self, text: str, section: str) -> None:
        self.paragraphs.append(_Paragraph(section, self._block(text)))
        self._last = "\n"

    def _table(self, table: Element, section: str) -> None:
        """A table where it stands: its label and caption, then a line per row (read by
        kg.ingest.tables), in the section it belongs to."""
        self.tables += 1
        label = (text_of(table.find("label")) or f"Table {self.tables}").rstrip(".")
        caption = text_of(table.find("caption"))
        self._line(f"{label}: {caption}" if caption else f"{label}.", section)
        for line in row_lines(table):
            self._line(line, section)

    def _figure(self, fig: Element) -> None:
        label = text_of(fig.find("label")) or f"Figure {len(self.figures) + 1}"
        label = label.rstrip(".")
        caption = fig.find("caption")
        start = self.position + (2 if self.position else 0)
        self._block(label + ".")
        flows: list[_Paragraph] = []
        title = ""
        if caption is not None:
            heading = caption.find("title")
            if heading is not None:
                found = self._paragraph(heading, label)
                if found:
                    flows.append(found)
                    title = text_of(heading)
            for p in caption.findall("p"):
                found = self._paragraph(p, label)
                if found:
                    flows.append(found)
                    title = title or text_of(p)
        figure = Figure(label=label, title=title, panels=(), span=Span(start, self.position))
        self.figures.append((figure, flows))

    def _references(
        self, ref_list: Element | None
    ) -> tuple[tuple[RawReference, ...], dict[str, int]]:
        if ref_list is None:
            return (), {}
        refs = list(ref_list.iter("ref"))
        if not refs:
            return (), {}
        self._block(text_of(ref_list.find("title")) or "References")
        entries: list[RawReference] = []
        numbers: dict[str, int] = {}
        for ref in refs:
            text = _reference_text(ref)
            if not text:
                continue
            number = len(entries) + 1
            span = self._block(f"{number}. {text}")
            head = len(f"{number}. ")
            entries.append(RawReference(number, text, Span(span.start + head, span.end)))
            if ref.get("id"):
                numbers[ref.get("id", "")] = number
            for citation in ref:
                if citation.get("id"):
                    numbers[citation.get("id", "")] = number
        return tuple(entries), numbers

    # --- front matter -------------------------------------------------------------------------

    def _metadata(
        self, meta: Element, title: str, source: str, abstract: list[_Paragraph]
    ) -> ArticleMetadata:
        affiliations = tuple(_affiliation(aff) for aff in meta.iter("aff"))
        authors: list[Author] = []
        corresponding: CorrespondingAuthor | None = None
        for contrib in meta.iter("contrib"):
            if contrib.get("contrib-type", "author") != "author":
                continue
            author = _author(contrib)
            if author is None:
                continue
            authors.append(author)
            if author.corresponding and corresponding is None:
                email = text_of(contrib.find(".//email")) or text_of(meta.find(".//corresp//email"))
                corresponding = CorrespondingAuthor(author.name, "", email or None)
        dates = {date.get("date-type", ""): _date(date) for date in meta.findall("history/date")}
        licence = meta.find("permissions/license")
        licence_url = None
        if licence is not None:
            licence_url = licence.get(_XLINK_HREF) or next(
                (
                    link.get(_XLINK_HREF)
                    for link in licence.iter("ext-link")
                    if "creativecommons.org" in (link.get(_XLINK_HREF) or "")
                ),
                None,
            )
        doi = next(
            (
                find_doi(text_of(item))
                for item in meta.findall("article-id")
                if item.get("pub-id-type") == "doi"
            ),
            None,
        )
        return ArticleMetadata(
            title=title,
            authors=tuple(authors),
            affiliations=affiliations,
            corresponding_author=corresponding,
            received=dates.get("received"),
            revised=dates.get("rev-recd"),
            accepted=dates.get("accepted"),
            doi=doi,
            index_terms=tuple(text_of(k) for k in meta.iter("kwd") if text_of(k)),
            licence=licence_url,
            abstract="\n\n".join(source[p.span.start : p.span.end] for p in abstract) or None,
        )


def _author(contrib: Element) -> Author | None:
    name = contrib.find("name")
    if name is None:
        name = contrib.find("string-name")
    collab = contrib.find("collab")
    if name is None:
        text = text_of(collab)
        return Author(name=text, given="", family=text) if text else None
    family = text_of(name.find("surname"))
    given = text_of(name.find("given-names"))
    orcid = None
    for contrib_id in contrib.findall("contrib-id"):
        if contrib_id.get("contrib-id-type") == "orcid":
            match = re.search(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", text_of(contrib_id))
            orcid = match.group() if match else None
    markers = tuple(x.get("rid", "") for x in contrib.findall("xref") if x.get("ref-type") == "aff")
    degrees = tuple(text_of(d) for d in contrib.findall("degrees") if text_of(d))
    return Author(
        name=" ".join(part for part in (given, family) if part) or text_of(name),
        given=given,
        family=family or text_of(name),
        degrees=degrees,
        orcid=orcid,
        affiliation_markers=markers,
        corresponding=contrib.get("corresp") == "yes"
        or any(x.get("ref-type") == "corresp" for x in contrib.findall("xref")),
    )


def _affiliation(aff: Element) -> Affiliation:
    label = text_of(aff.find("label"))
    parts = [
        (aff.text or ""),
        *(
            ("" if local_name(child.tag) == "label" else "".join(child.itertext()))
            + (child.tail or "")
            for child in aff
        ),
    ]
    name = " ".join("".join(parts).split()).strip(" ,")
    return Affiliation(aff.get("id") or label, name)


def _date(date: Element) -> dt.date | None:
    try:
        return dt.date(
            int(text_of(date.find("year"))),
            int(text_of(date.find("month")) or 1),
            int(text_of(date.find("day")) or 1),
        )
    except ValueError:
        return None


# --- references ---------------------------------------------------------------------------------


def _reference_text(ref: Element) -> str:
    citation = next(
        (c for c in ref if local_name(c.tag) in {"element-citation", "mixed-citation", "citation"}),
        None,
    )
    if citation is None:
        return text_of(ref)
    ids = {pid.get("pub-id-type"): text_of(pid) for pid in citation.iter("pub-id")}
    tagged = citation.find("article-title") is not None or citation.find("source") is not None
    text = _composed(citation) if tagged else text_of(citation)
    # eLife gives an in-press work's DOI as a dx.doi.org link instead of a pub-id
    links = (link.get(_XLINK_HREF) or text_of(link) for link in citation.iter("ext-link"))
    doi = ids.get("doi") or next((found for link in links if (found := find_doi(link))), None)
    if doi and doi.lower() not in text.lower():
        text += f" doi:{doi}"
    pmid = ids.get("pmid")
    if pmid and pmid not in text:
        text += f" PMID: {pmid}"
    return text.strip()


def _names(group: Iterable[Element]) -> tuple[list[str], bool]:
    names: list[str] = []
    et_al = False
    for person in group:
        kind = local_name(person.tag)
        if kind in {"name", "string-name"}:
            family = text_of(person.find("surname")) or text_of(person)
            given = text_of(person.find("given-names"))
            initials = (
                given
                if re.fullmatch(r"[A-Z]{1,4}", given)
                else "".join(w[0] for w in re.split(r"[\s.\-]+", given) if w)
            )
            names.append(f"{family} {initials}".strip())
        elif kind == "collab":
            names.append(text_of(person))
        elif kind == "etal":
            et_al = True
    return names, et_al


def _people(citation: Element, kind: str) -> tuple[list[str], bool]:
    groups = [
        g for g in citation.findall("person-group") if g.get("person-group-type", "author") == kind
    ]
    if groups:
        names: list[str] = []
        et_al = False
        for group in groups:
            found, more = _names(group)
            names += found
            et_al = et_al or more
        return names, et_al
    if kind == "author":
        return _names(citation)
    return [], False


def _year_in(date: str) -> str:
    """The year of a free-text date such as a proceedings' ``conf-date`` "January 2005"."""
    found = _YEAR.search(date)
    return found.group() if found else ""


def _composed(citation: Element) -> str:
    """Tagged parts written out as Vancouver: the one style the reference parser reads best."""
    authors, et_al = _people(citation, "author")
    editors, _ = _people(citation, "editor")

    def part(tag: str) -> str:
        return text_of(citation.find(tag)).rstrip(".")

    title = part("article-title") or part("chapter-title")
    source = part("source") or part("conf-name")
    year = part("year") or _year_in(part("conf-date"))
    volume, issue = part("volume"), part("issue")
    first, last = part("fpage"), part("lpage")
    elocation = part("elocation-id")
    pieces: list[str] = []
    if authors:
        pieces.append(", ".join(authors) + (", et al." if et_al else "."))
    kind = citation.get("publication-type", "")
    if kind == "confproc" and title and source:
        pieces += [f"{title}.", f"{source}." if source.startswith("In") else f"In: {source}."]
        pieces += [f"{year}." if year else "", _pages_in_book(first, last)]
        return " ".join(piece for piece in pieces if piece)
    if kind == "book" or (editors and title):
        if title:
            pieces.append(f"{title}.")
        if editors:
            pieces.append(f"In: {', '.join(editors)}, editors.")
        if source:
            pieces.append(f"{source}.")
        place, publisher = part("publisher-loc"), part("publisher-name")
        published = ": ".join(p for p in (place, publisher) if p)
        pieces.append(f"{published}; {year}." if published else f"{year}.")
        pieces.append(_pages_in_book(first, last))
        return " ".join(piece for piece in pieces if piece)
    if title:
        pieces.append(f"{title}.")
    if source:
        pieces.append(f"{source}.")
    locator = year
    if volume:
        locator += f";{volume}"
        if issue:
            locator += f"({issue})"
    pages = f"{first}-{last}" if first and last else first or elocation
    if pages:
        locator += f":{pages}"
    if locator:
        pieces.append(f"{locator}.")
    return " ".join(pieces)


def _pages_in_book(first: str, last: str) -> str:
    """A chapter's or a paper's pages in its book or proceedings, as Vancouver prints them
    ("p. 12-19."); nothing without a first page."""
    if not first:
        return ""
    return f"p. {first}-{last}." if last else f"p. {first}."


# --- markers and sections ---------------------------------------------------------------------


def _markers(
    owner: list[tuple[Sentence, _Paragraph]], rid_numbers: dict[str, int], source: str
) -> tuple[CitationMarker, ...]:
    """One marker per xref, or per run of xrefs joined by a dash (a range)."""
    markers: list[CitationMarker] = []
    for sentence, paragraph in owner:
        inside = [x for x in paragraph.xrefs if sentence.start <= x.start < sentence.end]
        for start, end, numbers in _runs(inside, rid_numbers, source):
            markers.append(
                CitationMarker(
                    content=source[start:end],
                    reference_numbers=numbers,
                    sentence_index=sentence.index,
                    span=Span(start, min(end, sentence.end)),
                )
            )
    return tuple(markers)


def _runs(
    xrefs: list[_Xref], rid_numbers: dict[str, int], source: str
) -> Iterator[tuple[int, int, tuple[int, ...]]]:
    at = 0
    while at < len(xrefs):
        xref = xrefs[at]
        numbers = [rid_numbers[r] for r in xref.rids if r in rid_numbers]
        end = xref.end
        if (
            at + 1 < len(xrefs)
            and _DASH_ONLY.match(source[xref.end : xrefs[at + 1].start])
            and numbers
        ):
            following = [rid_numbers[r] for r in xrefs[at + 1].rids if r in rid_numbers]
            if following and following[0] > numbers[-1]:
                numbers += list(range(numbers[-1] + 1, following[0] + 1))
                end = xrefs[at + 1].end
                at += 1
        at += 1
        if numbers:
            yield xref.start, end, tuple(dict.fromkeys(numbers))


def _sections(paragraphs: list[_Paragraph], headings: dict[str, int]) -> tuple[Section, ...]:
    extents: dict[str, tuple[str, Span]] = {}
    for paragraph in paragraphs:
        key = re.sub(r"[^a-z0-9]+", "-", paragraph.section.lower()).strip("-")
        begin = headings.get(paragraph.section, paragraph.span.start)
        known = extents.get(key)
        title = known[0] if known else paragraph.section
        start = min(begin, known[1].start) if known else begin
        extents[key] = (title, Span(start, max(paragraph.span.end, known[1].end if known else 0)))
    return tuple(Section(title, span) for title, span in extents.values())
