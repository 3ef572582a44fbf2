"""`kg validate`: check the stored graph against the SHACL shapes (ontology/shapes.ttl).

Exit 0 when the graph conforms, 1 with a report naming each focus node, path and message
when it does not, 3 when there is no store to check.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from kg.commands.options import add_store_option
from kg.settings import Settings
from kg.store import open_store
from kg.validate import validate_store


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "validate", help="check the graph against the SHACL shapes; exit 1 on violations"
    )
    add_store_option(parser)
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="report format (default: text)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.resolve(store=args.store)
    with open_store(settings.store) as store:
        report = validate_store(store)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "conforms": report.conforms,
                    "triples": report.triples,
                    "violations": [asdict(v) for v in report.violations],
                },
                indent=2,
            )
        )
    else:
        print(report.text())
    return 0 if report.conforms else 1
