"""`kg import`: add an RDF file to the graph (kept across rebuilds), with its provenance."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
from pathlib import Path

from rdflib import Dataset, URIRef

from kg.commands.options import add_store_option
from kg.errors import InputError
from kg.rdf import InputFile
from kg.rdf.namespaces import ID, graph_iri, slug
from kg.rdf.provenance import import_activity_graph
from kg.settings import Settings
from kg.store import EXTENSIONS, RDF_FORMATS, format_for_path, open_store


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
    path: Path = args.file
    fmt = args.format or format_for_path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    target = args.graph or str(graph_iri("import", slug(path.stem)))
    if not target.startswith(("http://", "https://", "urn:")):
        raise InputError(f"--graph must be an absolute IRI, got {target!r}")
    source = InputFile(
        ID[f"source/import/{slug(path.name)}"], path.name, hashlib.sha256(data).hexdigest()
    )
    metadata = Dataset()
    record = metadata.graph(graph_iri("provenance", f"import/{slug(target)}"))
    for triple in import_activity_graph(URIRef(target), source, dt.datetime.now(dt.UTC)):
        record.add(triple)
    settings = Settings.resolve(store=args.store)
    with open_store(settings.store, create=True) as store:
        count = store.load(data, fmt, graph=target, metadata=metadata)
    print(f"imported {count} statements from {path} into {target}")
    return 0
