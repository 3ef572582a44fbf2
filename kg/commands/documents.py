"""`kg documents`: the case reports the graph holds (the saved query ``documents``)."""

from __future__ import annotations

import argparse
import sys

from kg.commands.options import add_store_option
from kg.query import OUTPUT_FORMATS, format_result, run_query, saved_query
from kg.settings import Settings
from kg.store import open_store


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "documents",
        help="list the documents in the graph",
        description="Each document the graph holds: its key (kg remove takes it), title, DOI, "
        "source file, when it was built, and how many references, resolved references, "
        "in-text pointers, concept mentions and claims it gave. The same as kg query --saved "
        "documents.",
    )
    parser.add_argument(
        "--format", choices=OUTPUT_FORMATS, default="table", help="output (default: table)"
    )
    add_store_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.resolve(store=args.store)
    with open_store(settings.store) as store:
        result = run_query(store, saved_query("documents").text, timeout=None, limit=None)
    assert result is not None
    if not result.rows:
        print("the graph holds no documents (kg add or kg build puts some in)", file=sys.stderr)
    print(format_result(result, args.format), end="")
    return 0
