"""`kg query`: SPARQL over the graph, read-only unless --update; saved queries by name."""

from __future__ import annotations

import argparse
import sys

from kg.commands.options import add_store_option, non_negative_seconds
from kg.errors import InputError
from kg.query import (
    DEFAULT_LIMIT,
    DEFAULT_TIMEOUT,
    GRAPH_OUTPUT_FORMATS,
    OUTPUT_FORMATS,
    format_result,
    parse_request,
    read_query_argument,
    run_query,
    run_update,
    saved_queries,
    saved_query,
)
from kg.settings import Settings
from kg.store import open_store


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "query",
        help="run a SPARQL query (read-only unless --update)",
        description="Run SPARQL over all graphs (their union is the default graph; GRAPH ?g "
        "names one). Common prefixes (rdf, rdfs, dcterms, foaf, prov, skos, schema, cito, "
        "fabio, c4o, biro, doco, prism, bibo, oa, ckg, ...) are predeclared. Updates need "
        "--update; LOAD and SERVICE are always refused.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("query", nargs="?", help="query text, a .rq file, or - for stdin")
    source.add_argument("--saved", metavar="NAME", help="run a saved query (see --list)")
    source.add_argument("--list", action="store_true", help="list the saved queries")
    parser.add_argument(
        "--format",
        choices=OUTPUT_FORMATS + GRAPH_OUTPUT_FORMATS,
        default="table",
        help="output: table (default), csv, tsv, json, xml (SPARQL 1.1 results); "
        "ttl, nt, jsonld or rdfxml for CONSTRUCT/DESCRIBE",
    )
    parser.add_argument(
        "--timeout",
        type=non_negative_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop the query after this long (default: {DEFAULT_TIMEOUT:g}; 0: no limit)",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        metavar="ROWS",
        help=f"print at most this many rows (default: {DEFAULT_LIMIT})",
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="allow SPARQL updates (their WHERE sees the union of all graphs, as queries do; "
        "what they write must name its graph); prints how many triples changed",
    )
    add_store_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Syntax and permission errors are reported before the store is opened."""
    if args.list:
        queries = saved_queries()
        width = max((len(q.name) for q in queries), default=0)
        for saved in queries:
            print(f"{saved.name.ljust(width)}  {saved.title}")
        return 0
    if args.saved:
        text = saved_query(args.saved).text
    elif args.query == "-":
        text = sys.stdin.read()
    else:
        text = read_query_argument(args.query)
    if args.limit < 1:
        raise InputError("--limit must be at least 1")
    request = parse_request(text)
    if request.operation == "update" and not args.update:
        kinds = ", ".join(dict.fromkeys(request.updates))
        raise InputError(
            f"this is an update ({kinds}); queries are read-only unless --update is given"
        )
    if request.operation == "update":
        request.check_update()
    settings = Settings.resolve(store=args.store)
    timeout = args.timeout or None
    with open_store(settings.store) as store:
        if request.operation == "update":
            changes = run_update(store, text, timeout=timeout)
            print(changes.describe(), file=sys.stderr)
            return 0
        result = run_query(store, text, timeout=timeout, limit=args.limit)
    sys.stdout.write(format_result(result, args.format))
    if result.truncated:
        print(f"(stopped at {args.limit} rows: --limit to see more)", file=sys.stderr)
    return 0
