"""`kg add`: case reports built into the stored graph beside the documents it holds."""

from __future__ import annotations

import argparse
import sys

from kg.build import add
from kg.commands.build import add_document_arguments, print_report
from kg.commands.options import add_crossref_options, add_store_option, settings_from
from kg.progress import Progress


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "add",
        help="add case reports to the graph, replacing any it holds under the same key",
        description="Build case reports into the stored graph and keep every other document "
        "as stored. A document the graph already holds under the same key (its DOI, else its "
        "file name) is replaced. The shared graphs (ontology, vocabulary, shapes, analyses "
        "across documents) are made again; graphs added with kg import are kept. Exits 1 when "
        "the new graphs break the SHACL shapes (they are stored all the same), else 5 when "
        "Crossref could not check some references (they are stored unresolved).",
    )
    add_document_arguments(parser, nargs="+")
    add_store_option(parser)
    add_crossref_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    report = add(args.documents, settings_from(args), progress=Progress.on_terminal(sys.stderr))
    return print_report(report)
