"""The project's ontology, vocabulary and shapes files as named graphs of every build."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from kg.errors import InputError
from kg.rdf.namespaces import ID, graph_iri
from kg.rdf.provenance import InputFile, NamedGraph
from kg.settings import ONTOLOGY_DIR

# ontology/<stem>.ttl goes into graph/<kind>; any other .ttl file into graph/ontology.
ONTOLOGY_GRAPHS = {"vocabulary": "vocabulary", "shapes": "shapes"}


def ontology_graphs(directory: Path = ONTOLOGY_DIR) -> list[NamedGraph]:
    """The project's ontology, vocabulary and shapes files, one named graph per kind."""
    graphs: dict[str, NamedGraph] = {}
    for path in sorted(directory.glob("*.ttl")):
        kind = ONTOLOGY_GRAPHS.get(path.stem, "ontology")
        source = InputFile.read(ID[f"source/ontology/{path.name}"], path)
        named = graphs.get(kind) or NamedGraph(graph_iri(kind), Graph(), ())
        try:
            named.graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many parser types; all mean bad Turtle
            raise InputError(f"{path}: not valid Turtle: {exc}") from exc
        graphs[kind] = NamedGraph(named.iri, named.graph, (*named.derived_from, source))
    return list(graphs.values())
