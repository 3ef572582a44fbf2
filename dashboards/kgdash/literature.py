"""The Literature page's network views: a case's references, the second ring and its related
works, as a force-directed graph and as a year x citations map (Litmaps-style).

Why a module: which work sits in which ring, its local citation count and its similarity
score come from three saved queries of the related layer (``citation_edges``, ``works``,
``related_to_case``); working them out is tested without a browser.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from kgdash.data import Rows

PANELS = (
    ("top_cited", "Most cited works in the network"),
    ("related_to_case", "Works related to the case"),
    ("works_by_year", "Works by year"),
    ("prior_works", "Prior works"),
    ("derivative_works", "Derivative works"),
    ("citation_coverage", "Citation coverage"),
)
NETWORK = ("citation_edges", "works")
QUERIES = (*(name for name, _ in PANELS), *NETWORK)
RINGS = ("Case", "Reference", "Related", "Second ring")
COLOURS = {
    "Case": "#c0392b",
    "Reference": "#16a085",
    "Related": "#8e44ad",
    "Second ring": "#7f8c8d",
}
MAX_ELEMENTS = 400
"""A force view past a few hundred elements is a hairball: the rest is left out and said."""


@dataclass(frozen=True)
class Work:
    iri: str
    label: str
    ring: str  # one of RINGS
    year: int | None
    citations: int  # how many works in the graph's network cite it
    doi: str = ""
    score: float | None = None  # relatedness to the case (related works only)
    rank: int | None = None
    reasons: str = ""


@dataclass(frozen=True)
class Network:
    """The works around one case and the citation links among them."""

    case: str
    works: dict[str, Work]
    links: list[tuple[str, str]]  # (citing, cited), both in ``works``
    related: int  # related works the layer ranked for this case
    omitted_works: int
    omitted_links: int


def _year(text: str) -> int | None:
    return int(text[:4]) if text[:4].isdigit() else None


def _label(title: str, doi: str, iri: str) -> str:
    return title or (f"doi:{doi}" if doi else iri.rsplit("/", 1)[-1])


def network(
    case: str,
    edges: Rows,
    works: Rows,
    related: Rows,
    *,
    limit: int = MAX_ELEMENTS,
) -> Network:
    """Ring 1: the works the case cites; ring 2: works those cite or that cite them; the
    related works ranked for the case (with their scores) wherever they sit. Kept in that
    order (related by rank, the second ring most cited first) until ``limit`` elements."""
    cites = sorted({(r["citing"], r["cited"]) for r in edges.rows if r["citing"] != r["cited"]})
    cited_by = Counter(cited for _, cited in cites)
    first = {cited for citing, cited in cites if citing == case}
    second = (
        {
            other
            for citing, cited in cites
            for other in ((cited,) if citing in first else (citing,) if cited in first else ())
        }
        - first
        - {case}
    )
    scored = {r["work"]: r for r in related.rows if r["case"] == case}
    known = {r["work"]: r for r in works.rows}

    def work(iri: str, ring: str) -> Work:
        row = scored.get(iri, {})
        meta = known.get(iri, {})
        doi = row.get("doi") or meta.get("doi", "")
        return Work(
            iri,
            _label(row.get("title") or meta.get("title", ""), doi, iri),
            ring,
            _year(row.get("year") or meta.get("year", "")),
            cited_by[iri],
            doi,
            float(row["score"]) if row.get("score") else None,
            int(row["rank"]) if row.get("rank") else None,
            row.get("reasons", ""),
        )

    candidates = [work(case, "Case")]
    candidates += [work(iri, "Reference") for iri in sorted(first, key=lambda i: (-cited_by[i], i))]
    candidates += [
        work(iri, "Related")
        for iri in sorted(scored, key=lambda i: int(scored[i]["rank"]))
        if iri not in first and iri != case
    ]
    candidates += [
        work(iri, "Second ring")
        for iri in sorted(second - set(scored), key=lambda i: (-cited_by[i], i))
    ]
    chosen: dict[str, Work] = {}
    links: list[tuple[str, str]] = []
    for candidate in candidates:
        new = [
            (a, b)
            for a, b in cites
            if (a == candidate.iri and b in chosen) or (b == candidate.iri and a in chosen)
        ]
        if len(chosen) + 1 + len(links) + len(new) > limit:
            break
        chosen[candidate.iri] = candidate
        links += new
    everyone = {case} | first | second | set(scored)
    return Network(
        case,
        chosen,
        sorted(links),
        len(scored),
        len(everyone) - len(chosen),
        sum(1 for a, b in cites if a in everyone and b in everyone) - len(links),
    )


def force_elements(view: Network) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape elements: node ``label`` = its ring (styles select on it), ``size`` from
    its citations; edges are the citation links, plus a RELATED edge from the case to each
    related work whose ``weight`` is its score (Connected Papers' similarity edges)."""
    nodes = [
        {
            "data": {
                "id": w.iri,
                "label": w.ring,
                "name": w.label if len(w.label) <= 50 else w.label[:49] + "…",
                "size": 16 + min(w.citations, 20) * 3,
                "year": w.year or "",
                "score": "" if w.score is None else round(w.score, 3),
            }
        }
        for w in view.works.values()
    ]
    edges = [
        {"data": {"id": f"c{n}", "label": "CITES", "source": a, "target": b, "weight": 1}}
        for n, (a, b) in enumerate(view.links)
    ]
    edges += [
        {
            "data": {
                "id": f"r{n}",
                "label": "RELATED",
                "source": view.case,
                "target": w.iri,
                "score": round(w.score or 0, 3),
                "weight": round(1 + 3 * (w.score or 0), 2),
            }
        }
        for n, w in enumerate(view.works.values())
        if w.score is not None and w.iri != view.case
    ]
    return {"nodes": nodes, "edges": edges}


def table(view: Network) -> list[dict[str, Any]]:
    """The works of the view, best related first, for a sortable table beside the views."""
    ring_order = {ring: n for n, ring in enumerate(RINGS)}
    works = sorted(
        view.works.values(),
        key=lambda w: (ring_order[w.ring], w.rank or 10**6, -w.citations, w.label),
    )
    return [
        {
            "work": w.label,
            "ring": w.ring,
            "year": w.year,
            "cited in network": w.citations,
            "similarity": None if w.score is None else round(w.score, 3),
            "rank": w.rank,
            "why related": w.reasons,
            "DOI": f"https://doi.org/{w.doi}" if w.doi else None,
        }
        for w in works
    ]


def year_map(view: Network) -> tuple[alt.LayerChart | alt.FacetChart | None, int]:
    """Litmaps-style: each work at (year, citations in the network, log scale), coloured
    by ring, sized by similarity, with its citation links drawn between them; works with no
    known year cannot be placed and are counted instead."""
    placed = {iri: w for iri, w in view.works.items() if w.year is not None}
    if not placed:
        return None, len(view.works)
    points = pd.DataFrame(
        [
            {
                "work": w.label,
                "ring": w.ring,
                "year": w.year,
                "citations": w.citations,
                "similarity": w.score or 0.0,
                "doi": w.doi,
            }
            for w in placed.values()
        ]
    )
    lines = pd.DataFrame(
        [
            {
                "year": placed[a].year,
                "citations": placed[a].citations,
                "year2": placed[b].year,
                "citations2": placed[b].citations,
            }
            for a, b in view.links
            if a in placed and b in placed
        ],
        columns=["year", "citations", "year2", "citations2"],
    )
    y_scale = alt.Scale(type="symlog")
    x = alt.X(
        "year:Q", title="publication year", axis=alt.Axis(format="d"), scale=alt.Scale(zero=False)
    )
    links = (
        alt.Chart(lines)
        .mark_rule(opacity=0.25, color="#7f8c8d")
        .encode(x=x, y=alt.Y("citations:Q", scale=y_scale), x2="year2:Q", y2="citations2:Q")
    )
    dots = (
        alt.Chart(points)
        .mark_circle(opacity=0.85, stroke="white", strokeWidth=0.5)
        .encode(
            x=x,
            y=alt.Y("citations:Q", scale=y_scale, title="cited by works in the network (log)"),
            color=alt.Color(
                "ring:N",
                scale=alt.Scale(domain=list(RINGS), range=[COLOURS[r] for r in RINGS]),
            ),
            size=alt.Size("similarity:Q", scale=alt.Scale(range=[40, 400]), title="similarity"),
            tooltip=["work:N", "ring:N", "year:Q", "citations:Q", "similarity:Q", "doi:N"],
        )
    )
    layered: alt.LayerChart | alt.FacetChart = alt.layer(links, dots).properties(height=420)
    return layered, len(view.works) - len(placed)
