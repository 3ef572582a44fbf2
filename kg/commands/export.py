"""`kg export`: the graph serialised to a file (written atomically) or stdout."""

from __future__ import annotations

import argparse
import os
import stat
import sys
import tempfile
from pathlib import Path

from kg.citeformats import to_bibtex, to_csljson, to_ris
from kg.commands.options import add_store_option
from kg.errors import InputError
from kg.network import citation_network, to_edge_csv, to_graphml, to_vosviewer
from kg.rdf.bibliography import cited_works
from kg.rdf.namespaces import graph_iri
from kg.settings import Settings
from kg.store import RDF_FORMATS, GraphStore, open_store

RDF_EXPORT_FORMATS = tuple(RDF_FORMATS)
CITATION_FORMATS = {"bibtex": to_bibtex, "ris": to_ris, "csljson": to_csljson}
NETWORK_FORMATS = {"graphml": to_graphml, "vosviewer": to_vosviewer, "edges-csv": to_edge_csv}
EXPORT_FORMATS = RDF_EXPORT_FORMATS + tuple(CITATION_FORMATS) + tuple(NETWORK_FORMATS)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "export",
        help="serialise the graph (ttl, nt, trig, nq, jsonld, rdfxml, bibtex, ris, csljson, "
        "graphml, vosviewer, edges-csv)",
        description="Serialise the graph. Dataset formats (trig, nq, jsonld) keep the named "
        "graphs; triple formats (ttl, nt, rdfxml) get their union, or one graph with --graph. "
        "Citation formats (bibtex, ris, csljson) list the works the references resolved to, "
        "from the crossref graphs (or the one given with --graph). graphml, vosviewer (a "
        "VOSviewer JSON map) and edges-csv (an edge list) are the citation network: works and "
        "cito:cites links with each work's ring around the case reports, and the related "
        "layer's PageRank and communities.",
    )
    parser.add_argument("--format", required=True, choices=EXPORT_FORMATS, help="output format")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="file (default: stdout)")
    parser.add_argument("--graph", metavar="IRI", help="export only this named graph")
    add_store_option(parser)
    parser.set_defaults(func=run)


def render(store: GraphStore, fmt: str, graph: str | None) -> bytes:
    """The export in ``fmt``: RDF, or a bibliography of the works the references resolved to
    (saying so on stderr when there are none)."""
    if fmt in RDF_EXPORT_FORMATS:
        return store.dump(fmt, graph=graph)
    if fmt in CITATION_FORMATS:
        crossref = f"{graph_iri('crossref')}/"
        graphs = [graph] if graph else [g for g in store.named_graphs() if g.startswith(crossref)]
        works = cited_works(store.read_graph(*graphs)) if graphs else []
        if not works:
            print(
                f"kg export: no works to export as {fmt}: no reference in the graph has been "
                "resolved to a DOI yet (build online, or with a cache that knows them)",
                file=sys.stderr,
            )
        return CITATION_FORMATS[fmt](works).encode()
    if fmt in NETWORK_FORMATS:
        if graph is not None:
            raise InputError(f"--graph does not apply to {fmt}: the network spans all graphs")
        return NETWORK_FORMATS[fmt](citation_network(store))
    raise InputError(f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")


def run(args: argparse.Namespace) -> int:
    settings = Settings.resolve(store=args.store)
    with open_store(settings.store) as store:
        if args.graph is not None and args.graph not in store.named_graphs():
            raise InputError(f"no named graph {args.graph} in the store (see kg stats)")
        data = render(store, args.format, args.graph)
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomically(args.output, data)
        print(f"wrote {len(data)} bytes to {args.output}", file=sys.stderr)
    return 0


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``.

    The file gets the mode a plain ``open`` would give it (0666 less the umask), or keeps
    the mode of the file it replaces; a directory that is missing or not writable is bad
    usage (exit 2), named with the system's reason.
    """
    directory = path.resolve().parent
    if not directory.is_dir():
        raise InputError(f"cannot write {path}: no directory {directory}")
    mode = _mode_for(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror} ({directory})") from exc
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
            output.flush()
            os.fchmod(output.fileno(), mode)
            os.fsync(output.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror}") from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
