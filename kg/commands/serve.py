"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint, on loopback unless told otherwise."""

from __future__ import annotations

import argparse
import sys

from kg.commands.options import add_store_option, positive_seconds, settings_from
from kg.query import DEFAULT_LIMIT, DEFAULT_TIMEOUT
from kg.serve import Endpoint, make_server


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="read-only SPARQL 1.1 endpoint (GET/POST /sparql)",
        description="Serve the graph over the SPARQL 1.1 Protocol at /sparql: queries only "
        "(updates, LOAD and SERVICE are refused), each with a time and row limit.",
    )
    add_store_option(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=7878, help="port (default: 7878)")
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop a query after this long (default: {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        metavar="ROWS",
        help=f"answer at most this many rows (default: {DEFAULT_LIMIT})",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    endpoint = Endpoint(settings_from(args).store, timeout=args.timeout, limit=args.limit)
    with make_server(endpoint, args.host, args.port) as server:
        print(
            f"serving {endpoint.store} at {server.url} (read-only); Ctrl-C stops", file=sys.stderr
        )
        server.serve_forever()
    return 0
