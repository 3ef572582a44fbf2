"""The works the case reports cite, read back from the crossref graphs as CSL-JSON items.

Citation exports (``kg export --format bibtex|ris|csljson``) come from the graph, not from
the Crossref cache, so they show exactly what the graph holds. The vocabulary is the one
kg.rdf.crossref writes: FaBiO types, PRISM locators, ``bibo:authorList`` of FOAF agents;
and, for a document graph's works as the references print them (kg.rdf.document), the book
a chapter is ``frbr:partOf`` with its ``bibo:editorList``, publisher and
``fabio:hasPlaceOfPublication``.
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS
from rdflib.term import Node

from kg.citeformats import CslItem
from kg.rdf.namespaces import BIBO, BIRO, FABIO, FRBR, PRISM

# FaBiO classes back to CSL types (the inverse of kg.rdf.crossref's mapping, coarsened).
CSL_TYPES: dict[Node, str] = {
    FABIO.JournalArticle: "article-journal",
    FABIO.BookChapter: "chapter",
    FABIO.ProceedingsPaper: "paper-conference",
    FABIO.Book: "book",
    FABIO.ReferenceBook: "book",
    FABIO.ReferenceEntry: "entry-encyclopedia",
    FABIO.ReportDocument: "report",
    FABIO.SpecificationDocument: "standard",
    FABIO.DataFile: "dataset",
    FABIO.Thesis: "thesis",
    FABIO.Preprint: "article",
}


def cited_works(graph: Graph) -> list[CslItem]:
    """Each work a reference resolved to, once, sorted as a bibliography (author, year)."""
    works = {work for work in graph.objects(None, BIRO.references) if isinstance(work, URIRef)}
    items = [_item(graph, work) for work in works]
    return sorted(items, key=_bibliography_order)


def _item(graph: Graph, work: URIRef) -> CslItem:
    doi = _text(graph, work, PRISM.doi)
    types = set(graph.objects(work, RDF.type))
    item: CslItem = {
        "id": doi or str(work),
        "type": next((CSL_TYPES[t] for t in types if t in CSL_TYPES), "article"),
    }
    venue = graph.value(work, FRBR.partOf)
    # A reference's own fields put publisher and place on the book a chapter is in.
    published = venue if venue is not None and _is_book(graph, venue) else work
    first, last = _text(graph, work, PRISM.startingPage), _text(graph, work, PRISM.endingPage)
    fields = {
        "title": _text(graph, work, DCTERMS.title),
        "container-title": _text(graph, work, PRISM.publicationName)
        or _text(graph, venue, DCTERMS.title),
        "publisher": _publisher(graph, published),
        "publisher-place": _text(
            graph, graph.value(published, FABIO.hasPlaceOfPublication), RDFS.label
        ),
        "volume": _text(graph, work, PRISM.volume),
        "issue": _text(graph, work, PRISM.issueIdentifier),
        "page": f"{first}-{last}" if first and last else first,
        "number": _text(graph, work, PRISM.pageRange),
        "ISSN": _text(graph, venue, PRISM.issn) or _text(graph, venue, PRISM.eIssn),
        "DOI": doi,
        "URL": str(work) if doi else None,
    }
    item.update({key: value for key, value in fields.items() if value})
    authors = _people(graph, work, BIBO.authorList)
    if authors:
        item["author"] = authors
    editors = _people(graph, venue, BIBO.editorList) if venue is not None else []
    if editors:
        item["editor"] = editors
    issued = _date_parts(graph, work)
    if issued:
        item["issued"] = {"date-parts": [issued]}
    return item


def _text(graph: Graph, subject: Node | None, predicate: URIRef) -> str | None:
    value = graph.value(subject, predicate) if subject is not None else None
    return str(value) if value is not None else None


def _is_book(graph: Graph, venue: Node) -> bool:
    return (venue, RDF.type, FABIO.Book) in graph


def _publisher(graph: Graph, published: Node) -> str | None:
    """Crossref's publisher is an organisation with a name; a reference's is the name."""
    publisher = graph.value(published, DCTERMS.publisher)
    if isinstance(publisher, Literal):
        return str(publisher)
    return _text(graph, publisher, FOAF.name)


def _people(graph: Graph, subject: Node, ordered: URIRef) -> list[dict[str, str]]:
    """The people of an ordered list (``bibo:authorList``, ``bibo:editorList``) as CSL names."""
    head = graph.value(subject, ordered)
    if head is None:
        return []
    names: list[dict[str, str]] = []
    for agent in Collection(graph, head):
        family = _text(graph, agent, FOAF.familyName)
        if family:
            given = _text(graph, agent, FOAF.givenName)
            names.append({"family": family, **({"given": given} if given else {})})
        elif name := _text(graph, agent, FOAF.name):
            names.append({"literal": name})
    return names


def _date_parts(graph: Graph, work: URIRef) -> list[int]:
    published = _text(graph, work, PRISM.publicationDate) or _text(
        graph, work, FABIO.hasPublicationYear
    )
    if not published:
        return []
    return [int(part) for part in published.split("-") if part.isdigit()]


def _bibliography_order(item: dict[str, Any]) -> tuple[str, int, str]:
    first = (item.get("author") or [{}])[0]
    name = str(first.get("family") or first.get("literal") or item.get("title") or "")
    year = (item.get("issued") or {}).get("date-parts", [[0]])[0][0]
    return name.casefold(), year, str(item["id"])
