"""What SHACL validation costs on the seed graph, against the work around it.

Run: .venv/bin/python bench/bench_validate.py [--repeat N]

Times, on the in-memory graphs of one seed build (document, annotations, vocabulary,
ontology, shapes): building those graphs (ingest + annotate + RDF), validating them the
way `kg validate` and `kg build` do (no inference, ontology mixed in), and validating them
with pySHACL's RDFS inference (the alternative the design rejected). Prints medians and
ratios against the build, all from the same run.
"""

from __future__ import annotations

import argparse

from pyshacl import validate as shacl_validate
from rdflib import Graph
from timing import median_seconds

from kg.build import default_documents, document_stages
from kg.crossref import CrossrefClient
from kg.rdf.ontology import ontology_graphs
from kg.settings import Settings
from kg.validate import ONTOLOGY_PATH, SHAPES_PATH, validate_graph


def seed_graph() -> Graph:
    settings = Settings.resolve(offline=True)
    with CrossrefClient.from_settings(settings) as crossref:
        stages = document_stages(default_documents()[0], crossref, settings)
    graph = Graph()
    for named in [*stages.graphs, *ontology_graphs()]:
        graph += named.graph
    return graph


def with_rdfs_inference(data: Graph) -> bool:
    shapes = Graph().parse(SHAPES_PATH)
    ontology = Graph().parse(ONTOLOGY_PATH)
    conforms, _, _ = shacl_validate(data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs")
    return bool(conforms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    graph = seed_graph()
    triples = len(graph)
    build = median_seconds(seed_graph, args.repeat)
    shapes_only = median_seconds(lambda: validate_graph(seed_graph_copy(graph)), args.repeat)
    rdfs = median_seconds(lambda: with_rdfs_inference(seed_graph_copy(graph)), args.repeat)
    print(f"seed graph: {triples} triples, median of {args.repeat} runs")
    print(f"  build graphs (ingest, annotate, RDF)   {build:7.3f} s  1.00x")
    ratio = shapes_only / build
    print(f"  validate, no inference (kg validate)   {shapes_only:7.3f} s  {ratio:.2f}x")
    print(f"  validate with RDFS inference           {rdfs:7.3f} s  {rdfs / build:.2f}x")


def seed_graph_copy(graph: Graph) -> Graph:
    copy = Graph()
    copy += graph
    return copy


if __name__ == "__main__":
    main()
