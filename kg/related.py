"""The related literature around the case reports: what their references rest on, what cites
them since, and which works are closest to each case (the layer Connected Papers, Litmaps,
Inciteful and Local Citation Network users expect), on open citation data, offline-first.

Sources: the references' deposited Crossref reference lists (already in the crossref graphs:
the second ring) and the OpenCitations Index (who cites the case and its references; what a
reference cites when Crossref has no list for it; with ``depth`` 2 also what the citing works
cite). Every edge keeps its source, URL and time; every work asked about gets a coverage
record (known, empty, not asked, failed), so the graph says what it does not know.

The ranking, for a case C with resolved references R (numbers as printed) and P = {C} + R,
over every work x outside P that shares a citer, a reference or a link with P:

    score(x) = Σ_{p∈P} [ cocitation(x, p) / √(in(x)·in(p))          (Salton, co-citation)
                       + coupling(x, p)   / √(out(x)·out(p)) ]      (Salton, coupling)
               + links(x) / |P|                                     (direct citations)

where ``links(x)`` counts the members of P that x cites or that cite x. Ties go by DOI/IRI.
Co-citation favours older, coupling newer work (Inciteful and LCN say so): both count.
"Prior works" are those most cited by the references, "derivative works" those citing most
of them (Connected Papers' terms).
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import networkx as nx

from kg.errors import NetworkError
from kg.network import (
    adamic_adar_coupling,
    cocitation_counts,
    communities,
    coupling_counts,
    pagerank,
    salton,
)
from kg.opencitations import Citations, OpenCitationsClient

log = logging.getLogger(__name__)

CROSSREF = "crossref"
OPENCITATIONS = "opencitations"


@dataclass(frozen=True)
class Work:
    """A work in the network: its node id (IRI), DOI, title and year when known."""

    node: str
    doi: str = ""
    title: str = ""
    year: str = ""


@dataclass(frozen=True)
class Seed:
    """A case (or a DOI given to `kg related`) and its resolved references, by number."""

    key: str
    node: str
    doi: str
    references: tuple[tuple[int, str], ...]
    label: str = "the case report"
    """How reasons name the seed itself ("the case report", "the work")."""


@dataclass(frozen=True)
class Edge:
    """``citing`` cites ``cited``, as ``source`` said at ``url`` (at ``retrieved_at``)."""

    citing: str
    cited: str
    source: str
    url: str = ""
    retrieved_at: datetime | None = None


@dataclass(frozen=True)
class Coverage:
    """What a source said about one work: ``status`` is ``known`` (rows came), ``empty``
    (the source knows nothing: never indexed or not cited, it cannot tell), ``not-asked``
    (offline or unreachable, not cached) or ``failed`` (the source kept failing); and, with
    operation ``any``, ``unknown``: every source asked was empty and the graph has no link."""

    node: str
    doi: str
    operation: str  # "citations" or "references"
    status: str
    rows: int = 0
    skipped: int = 0
    detail: str = ""
    url: str = ""
    retrieved_at: datetime | None = None


@dataclass(frozen=True)
class RelatedWork:
    node: str
    doi: str
    title: str
    year: str
    rank: int
    score: float
    cocitation: int
    coupling: int
    adamic_adar: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Counted:
    """A prior or derivative work: how many of the case's references cite it (prior) or it
    cites (derivative), and which."""

    node: str
    count: int
    references: tuple[int, ...]


@dataclass(frozen=True)
class Ranking:
    seed: Seed
    related: tuple[RelatedWork, ...]
    prior: tuple[Counted, ...]
    derivative: tuple[Counted, ...]


@dataclass(frozen=True)
class CitationInput:
    """What the graph already knows: the cases, the works, the Crossref edges."""

    seeds: tuple[Seed, ...]
    works: dict[str, Work]
    edges: tuple[Edge, ...]


@dataclass
class RelatedLayer:
    """Everything the layer found and computed, for kg.rdf.related and `kg related`."""

    works: dict[str, Work]
    edges: list[Edge]
    coverage: list[Coverage]
    rankings: list[Ranking]
    pagerank: dict[str, float] = field(default_factory=dict)
    in_degree: dict[str, int] = field(default_factory=dict)
    community: dict[str, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


Progress = Callable[[str], None]


def gather(
    known: CitationInput,
    client: OpenCitationsClient | None,
    *,
    depth: int = 1,
    node_of: Callable[[str], str],
    progress: Progress | None = None,
    max_lookups: int | None = None,
) -> RelatedLayer:
    """Ask OpenCitations what it knows around the seeds (cache first; offline: cache only).

    Depth 1: who cites each case and each resolved reference, and what a reference cites
    when Crossref deposited no list for it. Depth 2: also what those citing works cite
    (co-citation needs it), at most ``max_lookups`` of them, those citing most seeds first.
    """
    works = dict(known.works)
    edges = list(known.edges)
    coverage: list[Coverage] = []
    has_references = {edge.citing for edge in known.edges}

    def ask(node: str, doi: str, operation: str) -> list[Edge]:
        if progress is not None:
            progress(f"{operation} of {doi}")
        if client is None:
            coverage.append(Coverage(node, doi, operation, "not-asked", detail="no client"))
            return []
        try:
            answer: Citations = getattr(client, operation)(doi)
        except NetworkError as exc:
            unavailable = isinstance(exc, client.unavailable)
            status = "not-asked" if unavailable else "failed"
            coverage.append(Coverage(node, doi, operation, status, detail=str(exc)))
            return []
        status = "known" if answer.rows else "empty"
        detail = f"{answer.skipped} rows without a DOI left out" if answer.skipped else ""
        coverage.append(
            Coverage(
                node,
                doi,
                operation,
                status,
                len(answer.rows),
                answer.skipped,
                detail,
                answer.url,
                answer.retrieved_at,
            )
        )
        found: list[Edge] = []
        for row in answer.rows:
            citing, cited = node_of(row.citing), node_of(row.cited)
            works.setdefault(citing, Work(citing, row.citing, year=row.creation[:4]))
            works.setdefault(cited, Work(cited, row.cited))
            found.append(Edge(citing, cited, OPENCITATIONS, answer.url, answer.retrieved_at))
        return found

    asked: set[tuple[str, str]] = set()
    targets: list[tuple[str, str]] = []
    for seed in known.seeds:
        if seed.doi:
            targets.append((seed.node, seed.doi))
        known_dois = [(node, works.get(node, Work(node)).doi) for _, node in seed.references]
        targets += [(node, doi) for node, doi in known_dois if doi]
    citers: list[tuple[str, str]] = []
    for node, doi in dict.fromkeys(targets):
        if ("citations", node) not in asked:
            asked.add(("citations", node))
            incoming = ask(node, doi, "citations")
            edges += incoming
            citers += [(edge.citing, works[edge.citing].doi) for edge in incoming]
        if node not in has_references and ("references", node) not in asked:
            asked.add(("references", node))
            edges += ask(node, doi, "references")
    beyond = 0
    if depth >= 2:
        # Citers of several seed works first: they carry the most co-citation evidence.
        tally = collections.Counter(citers)
        ordered = sorted(tally, key=lambda item: (-tally[item], item[1]))
        pending = [item for item in ordered if item[0] not in has_references]
        if max_lookups is not None and len(pending) > max_lookups:
            beyond = len(pending) - max_lookups
            pending = pending[:max_lookups]
        for node, doi in pending:
            if ("references", node) not in asked:
                asked.add(("references", node))
                edges += ask(node, doi, "references")
    unique = _unique_edges(edges)
    linked = {edge.citing for edge in unique} | {edge.cited for edge in unique}
    for node, doi in dict.fromkeys(targets):
        asked_about = [item for item in coverage if item.node == node]
        if node not in linked and all(item.status == "empty" for item in asked_about):
            coverage.append(
                Coverage(node, doi, "any", "unknown", detail="no source knew any citation of it")
            )
    layer = RelatedLayer(works, unique, coverage, [])
    layer.notices = coverage_notices(coverage)
    if beyond:
        layer.notices.append(
            f"OpenCitations: the references of {beyond} more citing works were not asked "
            f"(at most {max_lookups} per run); co-citation counts leave them out"
        )
    return layer


def _unique_edges(edges: Iterable[Edge]) -> list[Edge]:
    """One edge per (citing, cited, source): the first answer that gave it."""
    seen: dict[tuple[str, str, str], Edge] = {}
    for edge in edges:
        if edge.citing != edge.cited:
            seen.setdefault((edge.citing, edge.cited, edge.source), edge)
    return list(seen.values())


def coverage_notices(coverage: Sequence[Coverage]) -> list[str]:
    """One warning line per kind of gap: what is missing and why."""
    notices: list[str] = []
    for status, what in (
        ("not-asked", "were not asked (offline or unreachable, not cached)"),
        ("failed", "could not be had (the source kept failing)"),
    ):
        gaps = [item for item in coverage if item.status == status]
        if gaps:
            reason = gaps[0].detail.split(": ", 1)[-1][:160]
            notices.append(
                f"OpenCitations: {len(gaps)} of {len(coverage)} lookups {what}, e.g. "
                f"{gaps[0].operation} of {gaps[0].doi} ({reason}); the related-literature "
                "layer lacks them and says so (saved query citation_coverage)"
            )
    unknown = [item.doi or item.node for item in coverage if item.status == "unknown"]
    if unknown:
        more = f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
        listed = ", ".join(unknown[:3]) + more
        notices.append(
            f"no source knew any citation of {listed} (never indexed or never cited: "
            "OpenCitations cannot tell which)"
        )
    skipped = sum(item.skipped for item in coverage)
    if skipped:
        notices.append(f"OpenCitations: {skipped} citation rows had no usable DOI, left out")
    return notices


def network_of(layer: RelatedLayer) -> nx.DiGraph:
    """The citation network of the layer: every edge once, whatever its sources."""
    network = nx.DiGraph()
    network.add_nodes_from(layer.works)
    network.add_edges_from((edge.citing, edge.cited) for edge in layer.edges)
    return network


def analyse(layer: RelatedLayer, seeds: Sequence[Seed], *, limit: int = 50) -> RelatedLayer:
    """Rank the works related to each seed, and the whole network's PageRank, in-degree and
    communities, into ``layer``."""
    network = network_of(layer)
    layer.pagerank = pagerank(network)
    layer.in_degree = {str(node): int(degree) for node, degree in network.in_degree()}
    layer.community = communities(network)
    layer.rankings = [rank(network, seed, layer.works, limit=limit) for seed in seeds]
    return layer


def rank(network: nx.DiGraph, seed: Seed, works: dict[str, Work], *, limit: int = 50) -> Ranking:
    """The works most related to ``seed`` (formula in the module docstring), best first."""
    numbers = {node: number for number, node in seed.references if node in network}
    members = [seed.node, *numbers] if seed.node in network else list(numbers)
    if not members:
        return Ranking(seed, (), (), ())
    inside = set(members)
    cocited = {p: cocitation_counts(network, p) for p in members}
    coupled = {p: coupling_counts(network, p) for p in members}
    citers_of_members = {c for p in members for c in network.predecessors(p)}
    references_of_members = {w for p in members for w in network.successors(p)}
    candidates: set[str] = set()
    for p in members:
        candidates |= set(cocited[p]) | set(coupled[p])
        candidates |= set(network.predecessors(p)) | set(network.successors(p))
    candidates -= inside
    indegree = {p: network.in_degree(p) for p in members}
    outdegree = {p: network.out_degree(p) for p in members}
    links: collections.Counter[str] = collections.Counter()
    for p in members:
        links.update(set(network.predecessors(p)) | set(network.successors(p)))
    scores: list[tuple[float, str, str]] = []
    for x in candidates:
        in_x, out_x = network.in_degree(x), network.out_degree(x)
        score = sum(salton(cocited[p][x], in_x, indegree[p]) for p in members if x in cocited[p])
        score += sum(salton(coupled[p][x], out_x, outdegree[p]) for p in members if x in coupled[p])
        score += links[x] / len(members)
        if score > 0:
            work = works.get(x)
            scores.append((round(score, 4), (work.doi if work else "") or x, x))
    scores.sort(key=lambda item: (-item[0], item[1]))
    related: list[RelatedWork] = []
    for n, (score, _, x) in enumerate(scores[:limit], 1):
        cc = {p: cocited[p][x] for p in members if x in cocited[p]}
        bc = {p: coupled[p][x] for p in members if x in coupled[p]}
        cites = [p for p in members if network.has_edge(x, p)]
        cited_by = [p for p in members if network.has_edge(p, x)]
        work = works.get(x, Work(x))
        # works citing x and a member; references x shares with a member
        cocitations = sum(1 for c in network.predecessors(x) if c in citers_of_members)
        related.append(
            RelatedWork(
                node=x,
                doi=work.doi,
                title=work.title,
                year=work.year,
                rank=n,
                score=score,
                cocitation=cocitations,
                coupling=sum(1 for w in network.successors(x) if w in references_of_members),
                adamic_adar=round(sum(adamic_adar_coupling(network, x, p) for p in bc), 4),
                reasons=_reasons(seed, numbers, cc, bc, cites, cited_by, cocitations),
            )
        )
    prior = _counted(network, numbers, inside, incoming=True)[:limit]
    derivative = _counted(network, numbers, inside, incoming=False)[:limit]
    return Ranking(seed, tuple(related), tuple(prior), tuple(derivative))


def _name(seed: Seed, numbers: dict[str, int], node: str) -> str:
    return seed.label if node == seed.node else f"reference {numbers[node]}"


def _names(seed: Seed, numbers: dict[str, int], nodes: Sequence[str]) -> str:
    """``reference 2``, ``references 2 and 5``, ``references 1, 2, 4, 5 and 3 more``..."""
    case = [n for n in nodes if n == seed.node]
    refs = [str(n) for n in sorted(numbers[n] for n in nodes if n != seed.node)]
    parts = [seed.label] if case else []
    if len(refs) > SHOWN:
        refs = [*refs[:SHOWN], f"{len(refs) - SHOWN} more"]
    if refs:
        joined = refs[0] if len(refs) == 1 else ", ".join(refs[:-1]) + " and " + refs[-1]
        parts.append(("reference " if len(refs) == 1 else "references ") + joined)
    return " and ".join(parts)


SHOWN = 4
"""Reference numbers a reason lists before saying how many more."""


def _reasons(
    seed: Seed,
    numbers: dict[str, int],
    cc: dict[str, int],
    bc: dict[str, int],
    cites: Sequence[str],
    cited_by: Sequence[str],
    works: int,
) -> tuple[str, ...]:
    """The reasons in words; ``works``: how many works cite ``x`` and a member."""
    reasons: list[str] = []
    partners = [p for p, n in cc.items() if n]
    if partners:
        plural = "work" if works == 1 else "works"
        reasons.append(f"co-cited with {_names(seed, numbers, partners)} by {works} {plural}")
    for p, shared in sorted(bc.items(), key=lambda item: (-item[1], numbers.get(item[0], 0)))[:3]:
        if shared:
            noun = "reference" if shared == 1 else "references"
            reasons.append(f"shares {shared} {noun} with {_name(seed, numbers, p)}")
    if cited_by:
        reasons.append(f"cited by {_names(seed, numbers, cited_by)}")
    if cites:
        reasons.append(f"cites {_names(seed, numbers, cites)}")
    return tuple(reasons)


def _counted(
    network: nx.DiGraph, numbers: dict[str, int], inside: set[str], *, incoming: bool
) -> list[Counted]:
    """Works outside the seed ranked by how many references cite them (prior) or how many
    references they cite (derivative); at least one."""
    tally: dict[str, list[int]] = {}
    for node, number in numbers.items():
        neighbours = network.successors(node) if incoming else network.predecessors(node)
        for other in neighbours:
            if other not in inside:
                tally.setdefault(other, []).append(number)
    ranked = sorted(tally.items(), key=lambda item: (-len(item[1]), item[0]))
    return [Counted(node, len(refs), tuple(sorted(refs))) for node, refs in ranked]
