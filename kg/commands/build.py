"""`kg build`: case reports in, the graph out, published to the store in one switch."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rdflib import URIRef

from kg.build import build
from kg.commands.options import add_crossref_options, add_store_option, settings_from
from kg.query import compact


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "build",
        help="build the graph from case reports (default: the bundled seed)",
        description="Ingest case reports, build their named graphs and replace the stored "
        "graph with them atomically (a failed build leaves the previous graph in place). "
        "Graphs added with kg import are kept. Exits 1 when the graph breaks the SHACL shapes "
        "(it is stored all the same).",
    )
    parser.add_argument(
        "documents",
        nargs="*",
        type=Path,
        metavar="DOC",
        help="case report text files (default: the bundled case reports in corpus/)",
    )
    add_store_option(parser)
    add_crossref_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    report = build(args.documents, settings)
    seconds = (report.ended - report.started).total_seconds()
    names = ", ".join(path.name for path in report.documents)
    print(f"built {names} into {report.store} in {seconds:.2f} s")
    width = max(len(compact_graph(iri)) for iri in report.triples_per_graph)
    for iri, count in report.triples_per_graph.items():
        print(f"  {compact_graph(iri).ljust(width)}  {count:>7} triples")
    print(f"  {'total'.ljust(width)}  {report.total_triples:>7} triples")
    for notice in report.crossref_notices:
        print(f"warning: {notice}", file=sys.stderr)
    if report.kept_graphs:
        print(f"kept {len(report.kept_graphs)} imported graph(s)")
    if report.validation is None:
        return 0
    print(report.validation.summary())
    return 0 if report.validation.conforms else 1


def compact_graph(iri: str) -> str:
    return compact(URIRef(iri))
