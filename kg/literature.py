"""The related-literature stage: from the build's graphs (or a DOI) to ranked related works.

``related_layer`` is the whole-graph stage `kg build`, `kg add` and `kg remove` run after the
documents (``--no-related`` skips it): it reads the cases and their resolved references from
the document and crossref graphs, asks OpenCitations (cache first, offline: cache only) who
cites them, ranks the related works (kg.related) and returns ``graph/related``. What could
not be had is logged as one warning line per kind of gap and recorded in the graph.

``related_to_doi`` is the same for one DOI outside the graph (`kg related --doi`): its
references and citing works come from OpenCitations.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from typing import Protocol

from kg.crossref import CrossrefClient
from kg.doi import normalize_doi
from kg.errors import NetworkError
from kg.matching import first_text
from kg.opencitations import OpenCitationsClient
from kg.rdf import NamedGraph
from kg.rdf.namespaces import graph_iri
from kg.rdf.related import citation_input, node_of, related_graph
from kg.related import (
    CitationInput,
    Progress,
    RelatedLayer,
    Seed,
    Work,
    analyse,
    gather,
)
from kg.settings import Settings

log = logging.getLogger(__name__)

RELATED_GRAPH = graph_iri("related")
BUILD_LIMIT = 50
"""Related, prior and derivative works kept per case in the graph."""
BUILD_DEPTH = 2
MAX_LOOKUPS = 300
"""Citing works whose references one run asks for at most (180 a minute: under 2 minutes
the first time, nothing the next)."""


class DocumentGraphs(Protocol):
    """What the stage needs of kg.build's ``Corpus``: each document's graph of a kind."""

    def graphs(self, kind: str) -> list[NamedGraph]: ...


def related_layer(
    corpus: DocumentGraphs, settings: Settings, *, progress: Progress | None = None
) -> list[NamedGraph]:
    """``graph/related`` for every case the graph will hold (none with ``--no-related``)."""
    if not settings.related:
        return []
    documents = {_key(named): named for named in corpus.graphs("document")}
    crossrefs = {_key(named): named for named in corpus.graphs("crossref")}
    keys = sorted(set(documents) & set(crossrefs))
    known = citation_input(
        [documents[key].graph for key in keys], [crossrefs[key].graph for key in keys]
    )
    layer = compute(known, settings, depth=BUILD_DEPTH, limit=BUILD_LIMIT, progress=progress)
    for notice in layer.notices:
        log.warning("warning: %s", notice)
    sources = tuple(crossrefs[key].iri for key in keys)
    return [NamedGraph(RELATED_GRAPH, related_graph(layer), derived_from_graphs=sources)]


def _key(named: NamedGraph) -> str:
    return str(named.iri).rsplit("/", 1)[-1]


def compute(
    known: CitationInput,
    settings: Settings,
    *,
    depth: int,
    limit: int,
    progress: Progress | None = None,
) -> RelatedLayer:
    """Gather around the seeds, rank, and fill in the titles of the ranked works."""
    with OpenCitationsClient.from_settings(settings) as client:
        layer = gather(
            known,
            client,
            depth=depth,
            node_of=node_of,
            progress=progress,
            max_lookups=MAX_LOOKUPS,
        )
    return _ranked(layer, known, settings, limit=limit, progress=progress)


def related_to_doi(
    doi: str, settings: Settings, *, depth: int, limit: int, progress: Progress | None = None
) -> RelatedLayer:
    """The related works of one DOI, from OpenCitations (its references and its citers)."""
    doi = normalize_doi(doi).lower()
    node = node_of(doi)
    with OpenCitationsClient.from_settings(settings) as client:
        alone = Seed(doi, node, doi, (), "the work")
        seedless = CitationInput((alone,), {node: Work(node, doi)}, ())
        first = gather(seedless, client, depth=1, node_of=node_of, progress=progress)
        outgoing = sorted(edge.cited for edge in first.edges if edge.citing == node)
        references = tuple((n, cited) for n, cited in enumerate(outgoing, 1))
        known = CitationInput((Seed(doi, node, doi, references, "the work"),), first.works, ())
        layer = gather(
            known,
            client,
            depth=depth,
            node_of=node_of,
            progress=progress,
            max_lookups=MAX_LOOKUPS,
        )
    return _ranked(layer, known, settings, limit=limit, progress=progress)


def _ranked(
    layer: RelatedLayer,
    known: CitationInput,
    settings: Settings,
    *,
    limit: int,
    progress: Progress | None,
) -> RelatedLayer:
    """Rank, then rank again if Crossref filled in titles the ranking's reasons name."""
    analyse(layer, known.seeds, limit=limit)
    if _fill_titles(layer, settings, progress):
        analyse(layer, known.seeds, limit=limit)
    return layer


def _fill_titles(layer: RelatedLayer, settings: Settings, progress: Progress | None) -> bool:
    """Titles and years from Crossref (cache first) for ranked works that lack them; True
    when any was found. Stops asking once Crossref is unavailable."""
    wanted: list[str] = []
    for ranking in layer.rankings:
        nodes: Sequence[str] = [
            *(item.node for item in ranking.related),
            *(item.node for item in ranking.prior),
            *(item.node for item in ranking.derivative),
        ]
        wanted += [n for n in nodes if n in layer.works and not layer.works[n].title]
    found = False
    with CrossrefClient.from_settings(settings) as crossref:
        for node in dict.fromkeys(wanted):
            work = layer.works[node]
            if not work.doi:
                continue
            if progress is not None:
                progress(f"title of {work.doi}")
            try:
                message = crossref.work(work.doi)
            except NetworkError:
                if crossref.unavailable_reason is not None:
                    break
                continue
            if message is None:
                continue
            year = str(((message.get("issued") or {}).get("date-parts") or [[""]])[0][0] or "")
            title = first_text(message, "title")
            layer.works[node] = dataclasses.replace(
                work, title=title or work.title, year=work.year or year
            )
            found = found or bool(title)
    return found
