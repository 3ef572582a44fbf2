"""`kg build`: case reports in, the whole graph out, published to the store in one switch.

`kg add` and `kg remove` print their reports with ``print_report`` from here, so the three
commands that write the graph read the same way.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rdflib import URIRef

from kg.build import CASE_REPORT_SUFFIXES, BuildReport, build
from kg.commands.options import add_crossref_options, add_store_option, settings_from
from kg.errors import UNCHECKED
from kg.progress import Progress
from kg.query import compact
from kg.rdf import document_graph_iris

LISTED_GRAPHS = 12
"""Up to this many graphs written are listed one by one; more are summed by kind."""
LISTED_NAMES = 5


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "build",
        help="build the whole graph from case reports, replacing every document in it "
        "(default: the bundled seed)",
        description="Ingest case reports, build their named graphs and replace the stored "
        "graph with them atomically (a failed build leaves the previous graph in place). "
        "Every document the graph held before is replaced, the bundled seed too: use kg add "
        "to add documents beside those it holds. Graphs added with kg import are kept. Exits "
        "1 when the graph breaks the SHACL shapes (it is stored all the same), else 5 when "
        "Crossref could not check some references (they are stored unresolved).",
    )
    add_document_arguments(parser, nargs="*", more="; default: the bundled case reports in corpus/")
    add_store_option(parser)
    add_crossref_options(parser)
    parser.set_defaults(func=run)


def add_document_arguments(parser: argparse.ArgumentParser, *, nargs: str, more: str = "") -> None:
    kinds = ", ".join(f"*{suffix}" for suffix in CASE_REPORT_SUFFIXES)
    parser.add_argument(
        "documents",
        nargs=nargs,
        type=Path,
        metavar="DOC",
        help=f"case report files (plain text or JATS XML), or directories of them ({kinds}){more}",
    )


def run(args: argparse.Namespace) -> int:
    report = build(args.documents, settings_from(args), progress=Progress.on_terminal(sys.stderr))
    return print_report(report)


def print_report(report: BuildReport) -> int:
    """What a build, add or remove did, on stdout; notices on stderr; the exit code."""
    seconds = (report.ended - report.started).total_seconds()
    print(f"{_headline(report)} in {seconds:.2f} s")
    kept = {iri for key in report.kept_documents for iri in document_graph_iris(key)}
    kept.update(report.kept_graphs)
    written = {iri: n for iri, n in report.triples_per_graph.items() if iri not in kept}
    lines = _graph_lines(written)
    width = max((len(name) for name, _ in lines), default=5)
    for name, count in lines:
        print(f"  {name.ljust(width)}  {count:>7} triples")
    graphs = len(report.triples_per_graph)
    print(
        f"  {'total'.ljust(width)}  {report.total_triples:>7} triples in the store's {graphs} "
        "named graphs (a triple in two graphs counts twice)"
    )
    if report.kept_documents:
        print(f"kept {_names(report.kept_documents)} as stored")
    if report.kept_graphs:
        print(f"kept {len(report.kept_graphs)} imported graph(s)")
    if report.skipped:
        kinds = ", ".join(CASE_REPORT_SUFFIXES)
        print(
            f"skipped {len(report.skipped)} file(s) that are not case reports ({kinds}): "
            f"{_names([str(path) for path in report.skipped])}",
            file=sys.stderr,
        )
    for notice in (*report.document_notices, *report.crossref_notices):
        print(f"warning: {notice}", file=sys.stderr)
    if report.validation is not None:
        print(report.validation.summary())
        if not report.validation.conforms:
            return 1
    return UNCHECKED if report.unchecked else 0


def _headline(report: BuildReport) -> str:
    built = ", ".join(
        f"{path.name} ({key})" for path, key in zip(report.documents, report.keys, strict=True)
    )
    if report.command == "remove":
        return f"removed {', '.join(report.removed)} from {report.store}"
    verb = "added" if report.command == "add" else "built"
    line = f"{verb} {built} into {report.store}"
    if report.replaced:
        line += f", replacing the stored {_names(report.replaced)}"
    return line


def _graph_lines(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Each graph with its triples; when there are many, one line per kind of graph."""
    names = {compact_graph(iri): count for iri, count in counts.items()}
    if len(names) <= LISTED_GRAPHS:
        return sorted(names.items())
    kinds: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for name, count in names.items():
        kind = f"{name.rsplit('/', 1)[0]}/…" if name.count("/") else name
        kinds[kind] = kinds.get(kind, 0) + count
        sizes[kind] = sizes.get(kind, 0) + 1
    return sorted(
        (f"{kind} ({sizes[kind]} graphs)" if sizes[kind] > 1 else kind, count)
        for kind, count in kinds.items()
    )


def _names(items: Sequence[str]) -> str:
    shown = ", ".join(items[:LISTED_NAMES])
    rest = len(items) - LISTED_NAMES
    return f"{shown} and {rest} more" if rest > 0 else shown


def compact_graph(iri: str) -> str:
    return compact(URIRef(iri))
