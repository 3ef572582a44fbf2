"""The SKOS vocabulary file read into plain concepts (kg.concepts) for the matcher."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from kg.concepts import Concept, Vocabulary
from kg.errors import InputError


def read_vocabulary(*paths: Path) -> Vocabulary:
    """Read the concepts of SKOS Turtle files (a vocabulary and the overlays that add to
    it); a broken file is an InputError naming it."""
    graph = Graph()
    for path in paths:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many parser error types; all mean bad Turtle
            raise InputError(f"cannot read vocabulary {path}: {exc}") from exc
    concepts: dict[str, Concept] = {}
    for subject in sorted(set(graph.subjects(RDF.type, SKOS.Concept)), key=str):
        pref = [str(o) for o in graph.objects(subject, SKOS.prefLabel)]
        english = [
            str(o)
            for o in graph.objects(subject, SKOS.prefLabel)
            if getattr(o, "language", None) == "en"
        ]
        labels = [
            *pref,
            *(str(o) for o in graph.objects(subject, SKOS.altLabel)),
            *(str(o) for o in graph.objects(subject, SKOS.hiddenLabel)),
        ]
        concepts[str(subject)] = Concept(
            iri=str(subject),
            pref_label=(english or pref or [str(subject)])[0],
            schemes=_sorted_iris(graph.objects(subject, SKOS.inScheme)),
            labels=tuple(sorted(set(labels))),
            broader=_sorted_iris(graph.objects(subject, SKOS.broader)),
            exact_matches=_sorted_iris(graph.objects(subject, SKOS.exactMatch)),
            close_matches=_sorted_iris(graph.objects(subject, SKOS.closeMatch)),
        )
    schemes = {
        str(s): str(graph.value(s, SKOS.prefLabel) or s)
        for s in graph.subjects(RDF.type, SKOS.ConceptScheme)
    }
    return Vocabulary(concepts=concepts, schemes=schemes)


def _sorted_iris(nodes: Iterable[object]) -> tuple[str, ...]:
    return tuple(sorted(str(n) for n in nodes if isinstance(n, URIRef)))
