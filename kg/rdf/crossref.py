"""The crossref graph: what each reference resolved to, the Crossref metadata of the works,
and the works those cite in turn (the second ring of the literature).

Modelling (no blank nodes; every minted IRI is a function of the inputs, so the same inputs
give the same graph):

- Each resolved reference (``biro:BibliographicReference`` of the document graph)
  ``biro:references`` its work ``https://doi.org/<lower-case DOI>``, and the article
  ``cito:cites`` that work.
- The work is a ``fabio:Expression`` of the FaBiO type of its Crossref type (the mapping
  OpenCitations Meta uses), with ``prism:doi``, ``dcterms:title`` (markup removed),
  authors as ``foaf:Person`` (ORCID IRI when Crossref gives one, else minted) in
  ``dcterms:creator`` and, in order, ``bibo:authorList``; its journal, book or proceedings
  (``fabio:Journal`` with ``prism:issn`` / ``prism:eIssn``...) via ``frbr:partOf`` and
  ``prism:publicationName``; ``dcterms:publisher``; ``fabio:hasPublicationYear`` and
  ``prism:publicationDate``; ``prism:volume``, ``prism:issueIdentifier``,
  ``prism:startingPage`` / ``prism:endingPage`` (an article number as ``prism:pageRange``);
  ``dcterms:license``; Crossref's ``is-referenced-by-count`` as a
  ``c4o:GlobalCitationCount`` (value, source, date) via ``c4o:hasGlobalCitationFrequency``.
- The work ``cito:cites`` each reference it deposited: its DOI work when the reference has a
  DOI (with the deposited title and year), else a minted ``fabio:Expression`` carrying the
  fields Crossref gives.
- Provenance in the OpenCitations style: every reference has a ``ckg:ReferenceResolution``
  (a ``prov:Entity`` snapshot) ``prov:wasDerivedFrom`` the reference, with
  ``ckg:matchStatus``, ``ckg:matchScore``, each ``ckg:matchReason``,
  ``prov:hadPrimarySource`` the API URL the answer came from and ``prov:generatedAtTime``
  when; a matched one is ``prov:specializationOf`` its work. Unresolved references get the
  snapshot too, so the graph says why they have no DOI.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, XSD

from kg.document import Document
from kg.matching import Resolution, first_text, strip_markup
from kg.rdf.document import article_iri, document_key, reference_iri
from kg.rdf.namespaces import (
    BIBO,
    BIRO,
    C4O,
    CITO,
    CKG,
    FABIO,
    FRBR,
    ID,
    ORCID,
    PRISM,
    document_iri,
    doi_iri,
    prefixed_graph,
    slug,
)
from kg.references import ParsedReference

Work = dict[str, Any]

# Crossref work types and the FaBiO classes OpenCitations Meta maps them to
# (opencitations/oc_meta URI_TYPE_DICT); anything else stays a plain fabio:Expression.
FABIO_TYPES: dict[str, URIRef] = {
    "journal-article": FABIO.JournalArticle,
    "book-chapter": FABIO.BookChapter,
    "book-section": FABIO.BookChapter,
    "book-part": FABIO.BookChapter,
    "proceedings-article": FABIO.ProceedingsPaper,
    "book": FABIO.Book,
    "monograph": FABIO.Book,
    "edited-book": FABIO.Book,
    "reference-book": FABIO.ReferenceBook,
    "reference-entry": FABIO.ReferenceEntry,
    "book-series": FABIO.BookSeries,
    "book-set": FABIO.BookSet,
    "proceedings": FABIO.AcademicProceedings,
    "journal": FABIO.Journal,
    "journal-issue": FABIO.JournalIssue,
    "journal-volume": FABIO.JournalVolume,
    "report": FABIO.ReportDocument,
    "standard": FABIO.SpecificationDocument,
    "dataset": FABIO.DataFile,
    "dissertation": FABIO.Thesis,
    "posted-content": FABIO.Preprint,
}
# The kind of venue a work of each type is part of.
VENUE_TYPES: dict[str, URIRef] = {
    "journal-article": FABIO.Journal,
    "proceedings-article": FABIO.AcademicProceedings,
    "book-chapter": FABIO.Book,
    "book-section": FABIO.Book,
    "book-part": FABIO.Book,
    "reference-entry": FABIO.ReferenceBook,
}


def _minted(doi: str, *path: str | int) -> URIRef:
    """A resource minted for a Crossref work (its authors, its citation count...)."""
    return ID["/".join(["crossref", slug(doi), *(str(p) for p in path)])]


def resolution_iri(key: str, number: int) -> URIRef:
    """The snapshot of how reference ``number`` of a document was resolved."""
    return document_iri(key, "reference", number, "resolution")


def crossref_graph(
    document: Document,
    references: Sequence[ParsedReference],
    resolutions: Sequence[Resolution],
    into: Graph | None = None,
) -> Graph:
    """The crossref named graph of one document: one resolution per reference, in order;
    added to ``into`` (a dataset's named graph), else a new graph."""
    if len(references) != len(resolutions):
        raise ValueError(f"{len(references)} references but {len(resolutions)} resolutions")
    graph = prefixed_graph() if into is None else into
    key = document_key(document)
    article = article_iri(document)
    for position, (reference, resolution) in enumerate(
        zip(references, resolutions, strict=True), start=1
    ):
        number = reference.number if reference.number is not None else position
        entry = reference_iri(key, number)
        snapshot = resolution_iri(key, number)
        _add_resolution(graph, snapshot, entry, resolution)
        if resolution.status == "matched" and resolution.doi and resolution.work is not None:
            work = doi_iri(resolution.doi)
            graph.add((entry, BIRO.references, work))
            graph.add((article, CITO.cites, work))
            graph.add((snapshot, PROV.specializationOf, work))
            _add_work(graph, work, resolution.doi, resolution.work, resolution)
    return graph


def _add_resolution(graph: Graph, snapshot: URIRef, entry: URIRef, resolution: Resolution) -> None:
    graph.add((snapshot, RDF.type, CKG.ReferenceResolution))
    graph.add((snapshot, RDF.type, PROV.Entity))
    graph.add((snapshot, PROV.wasDerivedFrom, entry))
    graph.add((snapshot, CKG.matchStatus, Literal(resolution.status)))
    graph.add((snapshot, CKG.matchScore, Literal(f"{resolution.score:.4f}", datatype=XSD.decimal)))
    for reason in resolution.reasons:
        graph.add((snapshot, CKG.matchReason, Literal(reason)))
    if resolution.source_url:
        graph.add((snapshot, PROV.hadPrimarySource, URIRef(resolution.source_url)))
    if resolution.retrieved_at is not None:
        graph.add(
            (
                snapshot,
                PROV.generatedAtTime,
                Literal(resolution.retrieved_at.isoformat(), datatype=XSD.dateTime),
            )
        )


def _add_work(graph: Graph, work: URIRef, doi: str, message: Work, resolution: Resolution) -> None:
    graph.add((work, RDF.type, FABIO.Expression))
    kind = FABIO_TYPES.get(str(message.get("type") or ""))
    if kind is not None:
        graph.add((work, RDF.type, kind))
    graph.add((work, PRISM.doi, Literal(doi.lower())))
    title = first_text(message, "title")
    if title:
        graph.add((work, DCTERMS.title, Literal(title)))
    _add_authors(graph, work, doi, message.get("author") or [])
    _add_venue(graph, work, doi, message)
    publisher = str(message.get("publisher") or "").strip()
    if publisher:
        organisation = ID[f"publisher/{slug(publisher)}"]
        graph.add((work, DCTERMS.publisher, organisation))
        graph.add((organisation, RDF.type, FOAF.Organization))
        graph.add((organisation, FOAF.name, Literal(publisher)))
    _add_dates(graph, work, message)
    _add_locators(graph, work, message)
    for licence in message.get("license") or []:
        if licence.get("URL"):
            graph.add((work, DCTERMS.license, URIRef(str(licence["URL"]).strip())))
    _add_citation_count(graph, work, doi, message, resolution)
    _add_deposited_references(graph, work, doi, message.get("reference") or [])


def _add_authors(graph: Graph, work: URIRef, doi: str, authors: Sequence[dict[str, Any]]) -> None:
    people: list[URIRef] = []
    for n, author in enumerate(authors, start=1):
        orcid = str(author.get("ORCID") or "").rstrip("/").rsplit("/", 1)[-1]
        person = ORCID[orcid] if orcid else _minted(doi, "author", n)
        people.append(person)
        graph.add((work, DCTERMS.creator, person))
        given, family = str(author.get("given") or ""), str(author.get("family") or "")
        if family:
            graph.add((person, RDF.type, FOAF.Person))
            graph.add((person, FOAF.familyName, Literal(family)))
            if given:
                graph.add((person, FOAF.givenName, Literal(given)))
            graph.add((person, FOAF.name, Literal(f"{given} {family}".strip())))
        elif author.get("name"):
            graph.add((person, RDF.type, FOAF.Organization))
            graph.add((person, FOAF.name, Literal(str(author["name"]))))
    if people:
        nodes = [_minted(doi, "authors", n) for n in range(1, len(people) + 1)]
        graph.add((work, BIBO.authorList, nodes[0]))
        for n, (node, person) in enumerate(zip(nodes, people, strict=True)):
            graph.add((node, RDF.first, person))
            graph.add((node, RDF.rest, nodes[n + 1] if n + 1 < len(nodes) else RDF.nil))


def _add_venue(graph: Graph, work: URIRef, doi: str, message: Work) -> None:
    name = first_text(message, "container-title")
    if not name:
        return
    graph.add((work, PRISM.publicationName, Literal(name)))
    issns = [(str(i.get("value")), str(i.get("type"))) for i in message.get("issn-type") or []]
    issns = issns or [(str(value), "print") for value in message.get("ISSN") or []]
    venue = ID[f"venue/issn/{issns[0][0]}"] if issns else ID[f"venue/{slug(name)}"]
    graph.add((work, FRBR.partOf, venue))
    graph.add((venue, RDF.type, VENUE_TYPES.get(str(message.get("type") or ""), FABIO.Expression)))
    graph.add((venue, DCTERMS.title, Literal(name)))
    for value, kind in issns:
        graph.add((venue, PRISM.eIssn if kind == "electronic" else PRISM.issn, Literal(value)))


def _add_dates(graph: Graph, work: URIRef, message: Work) -> None:
    parts = ((message.get("issued") or {}).get("date-parts") or [[None]])[0]
    if not parts or parts[0] is None:
        return
    year = int(parts[0])
    graph.add((work, FABIO.hasPublicationYear, Literal(f"{year:04d}", datatype=XSD.gYear)))
    if len(parts) >= 3 and parts[1] and parts[2]:
        published = Literal(date(year, int(parts[1]), int(parts[2])).isoformat(), datatype=XSD.date)
    elif len(parts) >= 2 and parts[1]:
        published = Literal(f"{year:04d}-{int(parts[1]):02d}", datatype=XSD.gYearMonth)
    else:
        published = Literal(f"{year:04d}", datatype=XSD.gYear)
    graph.add((work, PRISM.publicationDate, published))


def _add_locators(graph: Graph, work: URIRef, message: Work) -> None:
    for predicate, key in ((PRISM.volume, "volume"), (PRISM.issueIdentifier, "issue")):
        if message.get(key):
            graph.add((work, predicate, Literal(str(message[key]))))
    page = str(message.get("page") or "").strip()
    if page:
        first, _, last = page.partition("-")
        graph.add((work, PRISM.startingPage, Literal(first.strip())))
        if last.strip():
            graph.add((work, PRISM.endingPage, Literal(last.strip())))
    elif message.get("article-number"):
        graph.add((work, PRISM.pageRange, Literal(str(message["article-number"]))))


def _add_citation_count(
    graph: Graph, work: URIRef, doi: str, message: Work, resolution: Resolution
) -> None:
    """Crossref's ``is-referenced-by-count``: how often the work is cited, by whom and when
    the count was read (it changes, so it is a dated observation, not a property)."""
    count = message.get("is-referenced-by-count")
    if not isinstance(count, int):
        return
    observation = _minted(doi, "citation-count")
    graph.add((work, C4O.hasGlobalCitationFrequency, observation))
    graph.add((observation, RDF.type, C4O.GlobalCitationCount))
    graph.add(
        (observation, C4O.hasGlobalCountValue, Literal(count, datatype=XSD.nonNegativeInteger))
    )
    if resolution.source_url:
        split = urllib.parse.urlsplit(resolution.source_url)
        graph.add(
            (observation, C4O.hasGlobalCountSource, URIRef(f"{split.scheme}://{split.netloc}"))
        )
    if isinstance(resolution.retrieved_at, datetime):
        day = resolution.retrieved_at.date().isoformat()
        graph.add((observation, C4O.hasGlobalCountDate, Literal(day, datatype=XSD.date)))


def _add_deposited_references(
    graph: Graph, work: URIRef, doi: str, deposited: Sequence[dict[str, Any]]
) -> None:
    """The second ring: what the matched work cites, as its publisher deposited it."""
    for n, reference in enumerate(deposited, start=1):
        cited_doi = str(reference.get("DOI") or "").strip()
        if cited_doi:
            cited = doi_iri(cited_doi)
            graph.add((cited, PRISM.doi, Literal(cited_doi.lower())))
            _add_deposited_label(graph, cited, reference)
        else:
            cited = _minted(doi, "reference", slug(str(reference.get("key") or n)))
            graph.add((cited, RDF.type, FABIO.Expression))
            _add_deposited_fields(graph, cited, reference)
        graph.add((work, CITO.cites, cited))


def _add_deposited_label(graph: Graph, cited: URIRef, reference: dict[str, Any]) -> None:
    """Title and year of a cited DOI work as its citer deposited them, so the related layer
    and the network exports can name the second ring without asking Crossref again."""
    title = strip_markup(str(reference.get("article-title") or ""))
    if title:
        graph.add((cited, DCTERMS.title, Literal(title)))
    year = str(reference.get("year") or "")
    if year.isdigit() and len(year) == 4:
        graph.add((cited, FABIO.hasPublicationYear, Literal(year, datatype=XSD.gYear)))


def _add_deposited_fields(graph: Graph, cited: URIRef, reference: dict[str, Any]) -> None:
    for predicate, key in (
        (DCTERMS.title, "article-title"),
        (PRISM.publicationName, "journal-title"),
        (PRISM.volume, "volume"),
        (PRISM.startingPage, "first-page"),
        (DCTERMS.bibliographicCitation, "unstructured"),
    ):
        value = strip_markup(str(reference.get(key) or ""))
        if value:
            graph.add((cited, predicate, Literal(value)))
    year = str(reference.get("year") or "")
    if year.isdigit() and len(year) == 4:
        graph.add((cited, FABIO.hasPublicationYear, Literal(year, datatype=XSD.gYear)))
