"""The document graph: the case report as a bibliographic work, its text and its references.

Modelling (all IRIs deterministic, no blank nodes, so rebuilding gives the same graph):

- The article is a ``fabio:JournalArticle`` and ``schema:ScholarlyArticle`` (IRI
  ``https://doi.org/<doi>`` when it has a DOI), realising a ``fabio:ClinicalCaseReport``
  work and typed ``schema:publicationType "Case Reports"`` (MeSH publication type).
  Dates: ``dcterms:dateSubmitted`` (received), ``dcterms:modified`` (revised manuscript),
  ``dcterms:dateAccepted``; no publication date is invented when the text gives none.
- Authors are ``foaf:Person`` (ORCID IRI when known), in order as ``bibo:authorList``
  (an ``rdf:List`` with minted list nodes); affiliations are ``foaf:Organization`` linked
  with ``schema:affiliation``; the corresponding author with ``ckg:correspondingAuthor``.
- The text: the source file is an entity (``source_iri``); sections (``doco:Section``),
  sentences (``doco:Sentence``), figures and panels (``doco:Figure``) are
  ``oa:SpecificResource`` parts of it. Each has ``oa:hasSource`` the source file and one
  ``oa:TextPositionSelector`` (``oa:start``/``oa:end``, character offsets, end exclusive)
  covering it; a sentence reflowed from more than one source range is also
  ``dcterms:hasPart`` one segment per range (each its own specific resource and selector;
  a sentence of one range has no segments, its selector says it all), ``c4o:hasContent`` its
  whole text, ``schema:position`` its index (0-based reading order) and
  ``dcterms:isPartOf`` its section. Sections are ``dcterms:isPartOf`` the article.
- Each reference is a ``biro:BibliographicReference`` (its raw string as
  ``dcterms:bibliographicCitation``, its printed number as ``schema:position``) in the
  article's ``biro:ReferenceList``; it ``biro:references`` the cited work, which carries
  the fields the reference gives (title, year, journal as ``prism:publicationName``,
  volume, issue, pages; an article number such as "Q32" as ``prism:pageRange``, the
  locator printed where pages go; authors in order as ``bibo:authorList``). A chapter is
  ``frbr:partOf`` its book (a ``fabio:Book`` with its title), whose editors are
  ``bibo:editor`` and in order ``bibo:editorList``; the publisher printed
  (``dcterms:publisher``) and where (``fabio:hasPlaceOfPublication``, a ``frbr:Place`` with
  an ``rdfs:label``) go on the book, or on the cited work when it is the book.
  The article ``cito:cites`` the cited work. The cited work's IRI is the DOI when the
  reference prints one, else minted; Crossref enrichment links the reference to the DOI
  work in its own graph.
- Each in-text pointer is a ``c4o:InTextReferencePointer`` with ``c4o:hasContent`` the
  marker text, ``c4o:hasContext`` its sentence and ``c4o:denotes`` each reference.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from pathlib import PurePath

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SDO, XSD
from rdflib.term import Node

from kg.document import Author, Document, Span
from kg.mentions import TextQuote
from kg.rdf.namespaces import (
    BIBO,
    BIRO,
    C4O,
    CITO,
    CKG,
    DOCO,
    FABIO,
    FRBR,
    OA,
    ORCID,
    PRISM,
    document_iri,
    doi_iri,
    prefixed_graph,
    slug,
)
from kg.references import ParsedReference, PersonName

Triple = tuple[Node, Node, Node]

CASE_REPORT_PUBLICATION_TYPE = "Case Reports"


def document_key(document: Document) -> str:
    """The key all of a document's minted IRIs and its named graphs hang on."""
    if document.metadata.doi:
        return slug(document.metadata.doi)
    return slug(PurePath(document.name).stem)


def article_iri(document: Document) -> URIRef:
    if document.metadata.doi:
        return doi_iri(document.metadata.doi)
    return document_iri(document_key(document))


def work_iri(key: str) -> URIRef:
    """The case report as an abstract work (FRBR), which the article realises."""
    return document_iri(key, "work")


def source_iri(key: str) -> URIRef:
    """The source text file that every character offset of the document points into."""
    return document_iri(key, "source")


def section_iri(key: str, title: str, parent: str | None = None) -> URIRef:
    """A section by its title; a subsection below its parent's (``…/section/case/imaging``)."""
    if parent is not None:
        return document_iri(key, "section", slug(parent), slug(title))
    return document_iri(key, "section", slug(title))


def sentence_iri(key: str, index: int) -> URIRef:
    return document_iri(key, "sentence", index)


def reference_list_iri(key: str) -> URIRef:
    return document_iri(key, "references")


def reference_iri(key: str, number: int) -> URIRef:
    """The reference as printed in the list (a ``biro:BibliographicReference``)."""
    return document_iri(key, "reference", number)


def cited_work_iri(key: str, reference: ParsedReference, number: int) -> URIRef:
    """The work a reference points at: its DOI when the reference prints one, else minted."""
    if reference.doi:
        return doi_iri(reference.doi)
    return document_iri(key, "reference", number, "work")


def pointer_iri(key: str, position: int) -> URIRef:
    """The n-th in-text reference pointer (1-based, in reading order)."""
    return document_iri(key, "pointer", position)


def figure_iri(key: str, label: str) -> URIRef:
    return document_iri(key, "figure", slug(label))


def panel_iri(key: str, figure_label: str, panel_label: str) -> URIRef:
    return document_iri(key, "figure", slug(figure_label), "panel", slug(panel_label))


def person_iri(key: str, author: Author, position: int) -> URIRef:
    """ORCID iD when the report gives one; otherwise a person minted inside the document."""
    if author.orcid:
        return ORCID[author.orcid]
    return document_iri(key, "author", position)


def affiliation_iri(key: str, marker: str) -> URIRef:
    return document_iri(key, "affiliation", slug(marker))


def document_graph(
    document: Document, references: Sequence[ParsedReference], into: Graph | None = None
) -> Graph:
    """All triples the document itself gives: metadata, authors, text, references, pointers;
    added to ``into`` (a dataset's named graph, so nothing is copied later), else a new graph."""
    graph = prefixed_graph() if into is None else into
    key = document_key(document)
    article = article_iri(document)
    _add_article(graph, document, key, article)
    _add_authors(graph, document, key, article)
    _add_text(graph, document, key, article)
    _add_references(graph, key, article, references)
    _add_pointers(graph, document, key)
    return graph


def _add_article(graph: Graph, document: Document, key: str, article: URIRef) -> None:
    meta = document.metadata
    work = work_iri(key)
    graph.add((article, RDF.type, FABIO.JournalArticle))
    graph.add((article, RDF.type, SDO.ScholarlyArticle))
    graph.add((article, SDO.publicationType, Literal(CASE_REPORT_PUBLICATION_TYPE)))
    graph.add((article, FRBR.realizationOf, work))
    graph.add((work, RDF.type, FABIO.ClinicalCaseReport))
    graph.add((work, FRBR.realization, article))
    if meta.title:
        graph.add((article, DCTERMS.title, Literal(meta.title, lang="en")))
        graph.add((article, RDFS.label, Literal(meta.title, lang="en")))
    else:
        graph.add((article, CKG.titleNotStated, Literal(True)))
        label = f"untitled case report ({PurePath(document.name).name})"
        graph.add((article, RDFS.label, Literal(label, lang="en")))
    if meta.title_ko:
        graph.add((article, DCTERMS.title, Literal(meta.title_ko, lang="ko")))
    if meta.doi:
        graph.add((article, PRISM.doi, Literal(meta.doi)))
    for predicate, date in (
        (DCTERMS.dateSubmitted, meta.received),
        (DCTERMS.modified, meta.revised),
        (DCTERMS.dateAccepted, meta.accepted),
    ):
        if date is not None:
            graph.add((article, predicate, Literal(date.isoformat(), datatype=XSD.date)))
    if meta.licence:
        licence = meta.licence.strip()
        is_iri = licence.startswith(("http://", "https://"))
        graph.add((article, DCTERMS.license, URIRef(licence) if is_iri else Literal(licence)))
    for term in meta.index_terms:
        graph.add((article, PRISM.keyword, Literal(term)))
    if meta.abstract:
        graph.add((article, DCTERMS.abstract, Literal(meta.abstract, lang="en")))
    if meta.abstract_ko:
        graph.add((article, DCTERMS.abstract, Literal(meta.abstract_ko, lang="ko")))


def _add_authors(graph: Graph, document: Document, key: str, article: URIRef) -> None:
    meta = document.metadata
    for affiliation in meta.affiliations:
        organization = affiliation_iri(key, affiliation.marker)
        graph.add((organization, RDF.type, FOAF.Organization))
        graph.add((organization, FOAF.name, Literal(affiliation.name)))
    people = [person_iri(key, author, n) for n, author in enumerate(meta.authors, start=1)]
    for person, author in zip(people, meta.authors, strict=True):
        graph.add((article, DCTERMS.creator, person))
        graph.add((person, RDF.type, FOAF.Person))
        graph.add((person, FOAF.name, Literal(author.name)))
        if author.given:
            graph.add((person, FOAF.givenName, Literal(author.given)))
        if author.family:
            graph.add((person, FOAF.familyName, Literal(author.family)))
        for degree in author.degrees:
            graph.add((person, SDO.honorificSuffix, Literal(degree)))
        for marker in author.affiliation_markers:
            graph.add((person, SDO.affiliation, affiliation_iri(key, marker)))
        if author.corresponding:
            graph.add((article, CKG.correspondingAuthor, person))
            contact = meta.corresponding_author
            if contact is not None and contact.email:
                graph.add((person, FOAF.mbox, URIRef(f"mailto:{contact.email}")))
    if people:
        _add_list(graph, article, BIBO.authorList, document_iri(key, "authors"), people)


def _add_list(
    graph: Graph, subject: URIRef, predicate: URIRef, base: URIRef, items: Sequence[URIRef]
) -> None:
    """An rdf:List whose nodes are minted IRIs (``base/1``...) instead of blank nodes."""
    nodes = [URIRef(f"{base}/{n}") for n in range(1, len(items) + 1)]
    graph.add((subject, predicate, nodes[0]))
    for n, (node, item) in enumerate(zip(nodes, items, strict=True)):
        graph.add((node, RDF.first, item))
        graph.add((node, RDF.rest, nodes[n + 1] if n + 1 < len(nodes) else RDF.nil))


def _add_selector(graph: Graph, resource: URIRef, source: URIRef, span: Span) -> None:
    """Make ``resource`` the part of the source text that ``span`` covers."""
    graph.addN((*triple, graph) for triple in _selector_triples(resource, source, span))


def _selector_triples(resource: URIRef, source: URIRef, span: Span) -> list[Triple]:
    """The triples of ``_add_selector``, for a caller that adds many at once."""
    selector = URIRef(f"{resource}/selector")
    return [
        (resource, _TYPE, _SPECIFIC_RESOURCE),
        (resource, _HAS_SOURCE, source),
        (resource, _HAS_SELECTOR, selector),
        (selector, _TYPE, _POSITION_SELECTOR),
        (selector, _START, offset_literal(span.start)),
        (selector, _END, offset_literal(span.end)),
    ]


def text_target_triples(target: URIRef, source: URIRef, quote: TextQuote) -> list[Triple]:
    """The triples that make ``target`` the words of ``quote`` in ``source``, selected by
    quote and by position, for a caller that adds many at once (``addN``). The terms of
    the vocabulary are the module's constants: an rdflib namespace makes a new term on
    every attribute read, which a 1 MB text did a million times."""
    by_quote = URIRef(f"{target}/quote")
    by_position = URIRef(f"{target}/position")
    return [
        (target, _TYPE, _SPECIFIC_RESOURCE),
        (target, _HAS_SOURCE, source),
        (target, _HAS_SELECTOR, by_quote),
        (by_quote, _TYPE, _QUOTE_SELECTOR),
        (by_quote, _EXACT, plain_literal(quote.exact)),
        (by_quote, _PREFIX, _literal(quote.prefix, quote.prefix)),
        (by_quote, _SUFFIX, _literal(quote.suffix, quote.suffix)),
        (target, _HAS_SELECTOR, by_position),
        (by_position, _TYPE, _POSITION_SELECTOR),
        (by_position, _START, offset_literal(quote.start)),
        (by_position, _END, offset_literal(quote.end)),
    ]


_TYPE = RDF.type
_SPECIFIC_RESOURCE = OA.SpecificResource
_HAS_SOURCE = OA.hasSource
_HAS_SELECTOR = OA.hasSelector
_QUOTE_SELECTOR = OA.TextQuoteSelector
_POSITION_SELECTOR = OA.TextPositionSelector
_EXACT = OA.exact
_PREFIX = OA.prefix
_SUFFIX = OA.suffix
_START = OA.start
_END = OA.end
_SENTENCE = DOCO.Sentence
_HAS_CONTENT = C4O.hasContent
_POSITION = SDO.position
_IS_PART_OF = DCTERMS.isPartOf
_HAS_PART = DCTERMS.hasPart


@functools.lru_cache(maxsize=65536)
def plain_literal(text: str) -> Literal:
    """A plain string literal, made once per value: labels, categories and quoted words
    repeat across a document's thousands of mentions."""
    return Literal(text)


@functools.lru_cache(maxsize=65536)
def offset_literal(offset: int) -> Literal:
    """A character offset as an ``xsd:nonNegativeInteger`` literal (made once per value)."""
    return _literal(str(offset), offset, _NON_NEGATIVE_INTEGER)


@functools.lru_cache(maxsize=65536)
def integer_literal(number: int) -> Literal:
    """A position or count as an ``xsd:integer`` literal (made once per value)."""
    return _literal(str(number), number, _INTEGER)


def _literal(lexical: str, value: str | int, datatype: URIRef | None = None) -> Literal:
    """The literal ``Literal(value, datatype=datatype)`` gives, for a string as it is or an
    int's decimal digits, made without rdflib's casting rules: they cost ~15 µs a literal,
    and a 1 MB text has ~50k distinct offsets and ~32k quoted contexts (bench/RESULTS.md).
    tests/test_rdf_document.py checks that it equals rdflib's own, slot for slot."""
    literal = str.__new__(Literal, lexical)
    literal._language = None
    literal._datatype = datatype
    literal._value = value
    literal._ill_typed = None
    return literal


_NON_NEGATIVE_INTEGER = XSD.nonNegativeInteger
_INTEGER = XSD.integer


def _add_text(graph: Graph, document: Document, key: str, article: URIRef) -> None:
    source = source_iri(key)
    graph.add((source, RDFS.label, Literal(PurePath(document.name).name)))
    graph.add((source, DCTERMS.format, Literal("text/plain")))
    graph.add((source, DCTERMS.isFormatOf, article))
    for position, section in enumerate(document.sections):
        resource = section_iri(key, section.title, section.parent)
        graph.add((resource, RDF.type, DOCO.Section))
        graph.add((resource, DCTERMS.title, Literal(section.title)))
        graph.add((resource, SDO.position, Literal(position)))
        whole = article if section.parent is None else section_iri(key, section.parent)
        graph.add((resource, DCTERMS.isPartOf, whole))
        _add_selector(graph, resource, source, section.span)
    # Straight to the store, like the mentions: a 1 MB text has ~8k sentences, ~90k triples
    # made here, and Graph.addN would check each term again.
    graph.store.addN((*triple, graph) for triple in _sentence_triples(document, key, source))
    for figure in document.figures:
        resource = figure_iri(key, figure.label)
        graph.add((resource, RDF.type, DOCO.Figure))
        graph.add((resource, RDFS.label, Literal(figure.label)))
        graph.add((resource, DCTERMS.title, Literal(figure.title)))
        graph.add((resource, DCTERMS.isPartOf, article))
        _add_selector(graph, resource, source, figure.span)
        for panel in figure.panels:
            for label in panel.labels:
                part = panel_iri(key, figure.label, label)
                graph.add((part, RDF.type, DOCO.Figure))
                graph.add((part, RDFS.label, Literal(label)))
                graph.add((part, C4O.hasContent, Literal(panel.text)))
                graph.add((part, DCTERMS.isPartOf, resource))
                _add_selector(graph, part, source, panel.span)


def _sentence_triples(document: Document, key: str, source: URIRef) -> Iterator[Triple]:
    """Each sentence as a part of its section and of the source text, with its segments."""
    sections: dict[str, URIRef] = {}
    for sentence in document.sentences:
        resource = sentence_iri(key, sentence.index)
        section = sections.get(sentence.section)
        if section is None:
            section = sections[sentence.section] = section_iri(key, sentence.section)
        yield (resource, _TYPE, _SENTENCE)
        yield (resource, _HAS_CONTENT, Literal(sentence.text))
        yield (resource, _POSITION, integer_literal(sentence.index))
        yield (resource, _IS_PART_OF, section)
        yield from _selector_triples(resource, source, Span(sentence.start, sentence.end))
        if len(sentence.segments) == 1:
            continue  # its one segment is the sentence's own selector
        for number, segment in enumerate(sentence.segments, start=1):
            part = document_iri(key, "sentence", sentence.index, "segment", number)
            yield (resource, _HAS_PART, part)
            yield (part, _POSITION, integer_literal(number))
            yield from _selector_triples(part, source, segment)


def _add_references(
    graph: Graph, key: str, article: URIRef, references: Sequence[ParsedReference]
) -> None:
    reference_list = reference_list_iri(key)
    if references:
        graph.add((reference_list, RDF.type, BIRO.ReferenceList))
        graph.add((article, FRBR.part, reference_list))
    for position, reference in enumerate(references, start=1):
        number = reference.number if reference.number is not None else position
        entry = reference_iri(key, number)
        work = cited_work_iri(key, reference, number)
        graph.add((reference_list, FRBR.part, entry))
        graph.add((entry, RDF.type, BIRO.BibliographicReference))
        graph.add((entry, SDO.position, Literal(number)))
        graph.add((entry, DCTERMS.bibliographicCitation, Literal(reference.raw)))
        graph.add((entry, BIRO.references, work))
        graph.add((article, CITO.cites, work))
        _add_cited_work(graph, work, entry, reference)


def _add_cited_work(graph: Graph, work: URIRef, entry: URIRef, reference: ParsedReference) -> None:
    """The fields as the reference prints them (Crossref's version lives in its own graph)."""
    kind = "journal" if reference.kind == "article" and reference.journal else reference.kind
    graph.add((work, RDF.type, _WORK_TYPES.get(kind, FABIO.Expression)))
    published = work
    if reference.container:
        published = URIRef(f"{entry}/container")
        graph.add((work, FRBR.partOf, published))
        graph.add((published, RDF.type, _CONTAINER_TYPES.get(reference.kind, FABIO.Expression)))
        graph.add((published, DCTERMS.title, Literal(reference.container)))
        _add_people(
            graph, published, BIBO.editor, BIBO.editorList, f"{entry}/editor", reference.editors
        )
    if reference.publisher:
        graph.add((published, DCTERMS.publisher, Literal(reference.publisher)))
    if reference.place:
        place = URIRef(f"{published}/place")
        graph.add((published, FABIO.hasPlaceOfPublication, place))
        graph.add((place, RDF.type, FRBR.Place))
        graph.add((place, RDFS.label, Literal(reference.place)))
    if reference.url:
        graph.add((work, FABIO.hasURL, Literal(reference.url, datatype=XSD.anyURI)))
    if reference.et_al:
        graph.add((work, CKG.authorListTruncated, Literal(True)))
    if reference.title:
        graph.add((work, DCTERMS.title, Literal(reference.title)))
    else:
        graph.add((work, CKG.titleNotStated, Literal(True)))
    if reference.year is not None:
        year = Literal(f"{reference.year:04d}", datatype=XSD.gYear)
        graph.add((work, FABIO.hasPublicationYear, year))
    else:
        graph.add((work, CKG.yearNotStated, Literal(True)))
    if reference.journal:
        graph.add((work, PRISM.publicationName, Literal(reference.journal)))
    for predicate, value in (
        (PRISM.volume, reference.volume),
        (PRISM.issueIdentifier, reference.issue),
        (PRISM.startingPage, reference.first_page),
        (PRISM.endingPage, reference.last_page),
        (PRISM.pageRange, reference.article_number),
        (PRISM.doi, reference.doi),
    ):
        if value:
            graph.add((work, predicate, Literal(value)))
    _add_people(graph, work, DCTERMS.creator, BIBO.authorList, f"{entry}/author", reference.authors)


def _add_people(
    graph: Graph,
    subject: URIRef,
    role: URIRef,
    ordered: URIRef,
    base: str,
    names: Sequence[PersonName],
) -> None:
    """``names`` as FOAF people or organisations (``base/1``...), each in ``role`` of
    ``subject`` and all in order in the ``ordered`` list (``base`` + "s"): authors of a work,
    editors of a book."""
    people = []
    for n, name in enumerate(names, start=1):
        person = URIRef(f"{base}/{n}")
        people.append(person)
        graph.add((subject, role, person))
        if name.organisation:
            graph.add((person, RDF.type, FOAF.Organization))
            graph.add((person, FOAF.name, Literal(name.family)))
            continue
        graph.add((person, RDF.type, FOAF.Person))
        graph.add((person, FOAF.familyName, Literal(name.family)))
        graph.add(
            (person, FOAF.name, Literal(_display_name(name.family, name.initials, name.suffix)))
        )
        if name.initials:
            graph.add((person, FOAF.givenName, Literal(name.initials)))
    if people:
        _add_list(graph, subject, ordered, URIRef(f"{base}s"), people)


_WORK_TYPES = {
    "journal": FABIO.JournalArticle,
    "chapter": FABIO.BookChapter,
    "book": FABIO.Book,
    "conference": FABIO.ConferencePaper,
    "web": FABIO.WebPage,
}
"""FaBiO types of what a reference cites (verified in fabio.ttl v2.3); an article whose
journal the string does not name stays a ``fabio:Expression``."""
_CONTAINER_TYPES = {"chapter": FABIO.Book, "conference": FABIO.ConferenceProceedings}


def _display_name(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _add_pointers(graph: Graph, document: Document, key: str) -> None:
    source = source_iri(key)
    for position, marker in enumerate(document.markers, start=1):
        pointer = pointer_iri(key, position)
        graph.add((pointer, RDF.type, C4O.InTextReferencePointer))
        graph.add((pointer, C4O.hasContent, Literal(marker.content)))
        graph.add((pointer, C4O.hasContext, sentence_iri(key, marker.sentence_index)))
        for number in marker.reference_numbers:
            graph.add((pointer, C4O.denotes, reference_iri(key, number)))
        if marker.ambiguous:
            graph.add((pointer, CKG.ambiguousPointer, Literal(True)))
        _add_selector(graph, pointer, source, marker.span)
