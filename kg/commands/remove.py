"""`kg remove`: one document's graphs out of the stored graph, the others kept."""

from __future__ import annotations

import argparse
import sys

from kg.build import remove
from kg.commands.build import print_report
from kg.commands.options import add_store_option, settings_from
from kg.progress import Progress


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "remove",
        help="take one document out of the graph",
        description="Drop one document's graphs (document, annotations, crossref and its "
        "provenance record) and keep every other document as stored; the shared graphs are "
        "made again without it. An unknown document is exit 2, naming those the graph holds.",
    )
    parser.add_argument(
        "document",
        metavar="DOCUMENT",
        help="the document's key (see kg documents), its DOI or the name of its source file",
    )
    add_store_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    report = remove(args.document, settings_from(args), progress=Progress.on_terminal(sys.stderr))
    return print_report(report)
