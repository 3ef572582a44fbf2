"""`kg related`: the works most related to the case(s) in the store, or to one DOI.

Ranked by co-citation, bibliographic coupling and direct links with the case and its
references (kg.related), from the graph's Crossref links and OpenCitations (cache first;
``--offline``: cache only). Output as a table, JSONL, CSV, BibTeX or RIS; progress and a
summary on stderr. Exit 5 when some works could not be asked (the summary says which).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from rdflib import Graph

from kg.citeformats import to_bibtex, to_ris
from kg.commands.options import add_crossref_options, add_store_option, settings_from
from kg.doi import normalize_doi
from kg.errors import InputError, StoreError
from kg.literature import compute, related_to_doi
from kg.rdf.namespaces import graph_iri
from kg.rdf.related import citation_input
from kg.related import RelatedLayer, RelatedWork
from kg.store import GraphStore, open_store

FORMATS = ("table", "jsonl", "csv", "bibtex", "ris")
CSV_COLUMNS = ("case", "rank", "doi", "title", "year", "score", "cocitation", "coupling", "reasons")
INCOMPLETE = 5
"""Exit code: finished, but some works could not be asked (kg.errors, README)."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "related",
        help="works related to the case(s) in the store, or to --doi",
        description="Rank the works related to each case in the store (or to the DOI given): "
        "co-cited with its references, sharing references with them, citing or cited by them. "
        "Each line has the score, the co-citation and coupling counts and the reasons.",
    )
    parser.add_argument("--doi", help="rank the works related to this DOI instead of the cases")
    parser.add_argument(
        "--depth",
        type=int,
        choices=(1, 2),
        default=2,
        help="1: the citing works of the case and its references; 2 (default): also what "
        "those citing works cite (co-citation needs it)",
    )
    parser.add_argument("--limit", type=int, default=20, help="works per case (default 20)")
    parser.add_argument("--min-score", type=float, default=0.0, help="leave out works scoring less")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format")
    add_store_option(parser)
    add_crossref_options(parser)
    parser.set_defaults(func=run)


@dataclass(frozen=True)
class Line:
    case: str
    work: RelatedWork


def run(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise InputError(f"--limit must be at least 1, not {args.limit}")
    if args.min_score < 0:
        raise InputError(f"--min-score must not be negative, not {args.min_score}")
    settings = settings_from(args)
    ticker = _Ticker(sys.stderr)
    if args.doi is not None:
        doi = normalize_doi(args.doi)
        layer = related_to_doi(doi, settings, depth=args.depth, limit=args.limit, progress=ticker)
    else:
        with open_store(settings.store) as store:
            known = citation_input(*_documents(store))
        if not known.seeds:
            raise StoreError(f"no case report in the graph at {settings.store}: build one first")
        layer = compute(known, settings, depth=args.depth, limit=args.limit, progress=ticker)
    ticker.done()
    lines = [
        Line(ranking.seed.doi or ranking.seed.key, item)
        for ranking in layer.rankings
        for item in ranking.related
        if item.score >= args.min_score
    ]
    sys.stdout.write(render(lines, args.format))
    return _summary(layer, lines, sys.stderr)


def _documents(store: GraphStore) -> tuple[list[Graph], list[Graph]]:
    """The document and crossref graphs of every document in the store, paired by key."""
    names = store.named_graphs()
    kinds: dict[str, dict[str, str]] = {}
    for kind in ("document", "crossref"):
        base = f"{graph_iri(kind)}/"
        kinds[kind] = {iri.removeprefix(base): iri for iri in names if iri.startswith(base)}
    keys = sorted(set(kinds["document"]) & set(kinds["crossref"]))
    return (
        [store.read_graph(kinds["document"][key]) for key in keys],
        [store.read_graph(kinds["crossref"][key]) for key in keys],
    )


def render(lines: Sequence[Line], fmt: str) -> str:
    """The ranked works in ``fmt`` (table, jsonl, csv, bibtex, ris)."""
    if fmt == "jsonl":
        return "".join(json.dumps(_record(line), ensure_ascii=False) + "\n" for line in lines)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for line in lines:
            record = _record(line)
            record["reasons"] = "; ".join(record["reasons"])
            writer.writerow([record[name] for name in CSV_COLUMNS])
        return buffer.getvalue()
    if fmt in ("bibtex", "ris"):
        items = [_csl(line) for line in lines]
        return (to_bibtex if fmt == "bibtex" else to_ris)(items)
    return _table(lines)


def _record(line: Line) -> dict[str, Any]:
    work = line.work
    return {
        "case": line.case,
        "rank": work.rank,
        "doi": work.doi,
        "title": work.title,
        "year": int(work.year) if work.year.isdigit() else None,
        "score": work.score,
        "cocitation": work.cocitation,
        "coupling": work.coupling,
        "adamic_adar": work.adamic_adar,
        "reasons": list(work.reasons),
    }


def _csl(line: Line) -> dict[str, Any]:
    work = line.work
    item: dict[str, Any] = {"id": work.doi or work.node, "type": "article"}
    if work.title:
        item["title"] = work.title
    if work.year.isdigit():
        item["issued"] = {"date-parts": [[int(work.year)]]}
    if work.doi:
        item["DOI"] = work.doi
        item["URL"] = f"https://doi.org/{work.doi}"
    item["note"] = f"related to {line.case}: score {work.score}; " + "; ".join(work.reasons)
    return item


def _table(lines: Sequence[Line]) -> str:
    if not lines:
        return ""
    out = [f"{'case':<28} {'#':>3} {'score':>7} {'cc':>4} {'bc':>4} {'year':<4}  work"]
    for line in lines:
        work = line.work
        name = work.doi or work.node
        title = f" {work.title[:60]}" if work.title else ""
        out.append(
            f"{line.case[:28]:<28} {work.rank:>3} {work.score:>7.4f} {work.cocitation:>4} "
            f"{work.coupling:>4} {work.year[:4]:<4}  {name}{title}"
        )
        out += [f"{'':>50}{reason}" for reason in work.reasons]
    return "\n".join(out) + "\n"


def _summary(layer: RelatedLayer, lines: Sequence[Line], stream: TextIO) -> int:
    """The summary and warnings on stderr; exit 5 when some lookups are missing."""
    cases = len(layer.rankings)
    print(
        f"kg related: {len(lines)} related works for {cases} "
        f"{'seed' if cases == 1 else 'seeds'} ({len(layer.coverage)} OpenCitations lookups, "
        f"{len(layer.edges)} citation links)",
        file=stream,
    )
    for notice in layer.notices:
        print(f"warning: {notice}", file=stream)
    missing = [item for item in layer.coverage if item.status in ("not-asked", "failed")]
    return INCOMPLETE if missing else 0


class _Ticker:
    """What is being asked now, redrawn on one line of a terminal (nothing on a pipe)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._on = stream.isatty()

    def __call__(self, label: str) -> None:
        if self._on:
            self._stream.write(f"\r\033[Kkg related: {label}"[:120])
            self._stream.flush()

    def done(self) -> None:
        if self._on:
            self._stream.write("\r\033[K")
            self._stream.flush()
