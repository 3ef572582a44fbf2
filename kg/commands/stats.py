"""`kg stats`: how many triples each named graph holds and how many things of each class."""

from __future__ import annotations

import argparse
import json

from rdflib import URIRef

from kg.commands.options import add_store_option
from kg.query import compact
from kg.settings import Settings
from kg.store import open_store


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("stats", help="counts by named graph and by class")
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="output (default: table)"
    )
    add_store_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.resolve(store=args.store)
    with open_store(settings.store) as store:
        by_graph = store.count_by_graph()
        by_class = store.count_by_class()
    if args.format == "json":
        print(json.dumps({"graphs": by_graph, "classes": by_class}, indent=2))
        return 0
    _print_counts("triples per graph", by_graph)
    print()
    _print_counts("instances per class", by_class)
    return 0


def _print_counts(title: str, counts: dict[str, int]) -> None:
    names = {iri: compact(URIRef(iri)) for iri in counts}
    width = max([len(title), *(len(name) for name in names.values())])
    print(f"{title.ljust(width)}  {'count':>7}")
    print(f"{'-' * width}  {'-' * 7}")
    for iri, count in counts.items():
        print(f"{names[iri].ljust(width)}  {count:>7}")
