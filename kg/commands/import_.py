"""`kg import`: add an RDF file to the graph (kept across rebuilds), with its provenance."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.commands.options import add_store_option
from kg.importing import import_rdf
from kg.settings import Settings
from kg.store import EXTENSIONS, RDF_FORMATS


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "import",
        help="load an RDF file (nt, ttl, trig, nq, jsonld, rdf/xml) into the graph",
        description="Load an RDF file; the format comes from the extension "
        f"({', '.join(sorted(EXTENSIONS))}) unless --format is given. Triples go into the "
        "named graph --graph (default: graph/import/<file name>); a dataset's named graphs "
        "keep their names. External XML entities are never fetched.",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the RDF file")
    parser.add_argument("--graph", metavar="IRI", help="named graph for the file's triples")
    parser.add_argument("--format", choices=tuple(RDF_FORMATS), help="override the extension")
    add_store_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.resolve(store=args.store)
    report = import_rdf(args.file, settings, graph=args.graph, fmt=args.format)
    print(f"imported {report.statements} statements from {args.file} into {report.graph}")
    return 0
