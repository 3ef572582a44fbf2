"""The triple store: the one module that knows Oxigraph is behind the graph.

Everyone else gets a ``GraphStore`` from ``open_store`` and asks it to query, update, load,
dump, count and read graphs into rdflib. The interface is what a SPARQL 1.1 server could
also offer (Protocol for query/update, Graph Store Protocol for load/dump), so a Virtuoso
backend can implement it later without touching the callers.

Oxigraph on disk is kept in immutable versions, switched atomically. A store directory
(default ``$XDG_DATA_HOME/casekg/store``, i.e. ``~/.local/share/casekg/store``; ``--store``
or ``KG_STORE`` to change it) holds::

    CURRENT               the name of the version readers open (replaced with os.replace)
    versions/<name>/      one Oxigraph database per version, never written once current
    versions/<name>.lock  readers hold a shared flock on it while they use that version
    write.lock            an exclusive flock held by the one process making a new version

Every write (build, import, update) makes a new version beside the current one (a fresh
database for a build, a checkpoint of the current one for an import or update) and points
CURRENT at it only once it is complete: a failed write leaves the previous graph intact and
readers never see half of one. After the switch, versions no reader holds are removed.

Queries with a timeout run in a worker process that is killed when time runs out, since
Oxigraph cannot interrupt a query itself.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import itertools
import os
import pickle
import re
import secrets
import shutil
import subprocess
import sys
import xml.parsers.expat
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal, Self

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from kg import oxigraph_worker as worker
from kg.errors import InputError, KgError, StoreError
from kg.oxigraph_worker import Payload, Plain
from kg.queries import internal_query

CURRENT = "CURRENT"
VERSIONS = "versions"
WRITE_LOCK = "write.lock"

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
QUAD_FORMATS = frozenset({"trig", "nq", "jsonld"})
EXTENSIONS = {
    ".ttl": "ttl",
    ".nt": "nt",
    ".trig": "trig",
    ".nq": "nq",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "rdfxml",
    ".xml": "rdfxml",
    ".owl": "rdfxml",
}
_VERSION_NAME = re.compile(r"^[0-9A-Za-z_-]+$")

QueryForm = Literal["select", "ask", "graph"]


class QueryTimeout(KgError):
    """A query ran longer than its time limit and was stopped."""


@dataclass(frozen=True)
class QueryResult:
    """A query's answer in rdflib terms, whatever store produced it.

    ``form`` is ``select`` (``variables`` and ``rows``, ``None`` for unbound), ``ask``
    (``boolean``) or ``graph`` for CONSTRUCT/DESCRIBE (rows of subject, predicate, object).
    ``truncated`` says the row limit cut the answer short.
    """

    form: QueryForm
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Node | None, ...], ...] = ()
    boolean: bool | None = None
    truncated: bool = False

    def bindings(self) -> list[dict[str, Node]]:
        """Rows as dictionaries of the bound variables."""
        return [
            {name: term for name, term in zip(self.variables, row, strict=True) if term is not None}
            for row in self.rows
        ]

    def graph(self) -> Graph:
        """The triples of a CONSTRUCT or DESCRIBE answer."""
        graph = Graph()
        for subject, predicate, obj in self.rows:
            graph.add((subject, predicate, obj))  # type: ignore[arg-type]
        return graph


def format_for_path(path: Path) -> str:
    """The RDF format name a file's extension stands for."""
    name = EXTENSIONS.get(path.suffix.lower())
    if name is None:
        known = ", ".join(sorted(EXTENSIONS))
        raise InputError(f"{path}: unknown RDF file extension {path.suffix!r} (known: {known})")
    return name


class GraphStore(ABC):
    """What casekg asks of a triple store.

    Named graphs are given as IRI strings; terms come back as rdflib terms. Queries see
    the union of all graphs as their default graph (``GRAPH ?g`` still names one).
    """

    location: str

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        timeout: float | None = None,
        limit: int | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; ``timeout`` in seconds stops it, ``limit`` caps the rows."""

    @abstractmethod
    def update(
        self,
        sparql: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> None:
        """Apply a SPARQL update atomically: all of it or none of it."""

    @abstractmethod
    def replace(self, dataset: Dataset, *, keep: Iterable[str] = ()) -> None:
        """Make ``dataset`` (plus the current graphs named in ``keep``) the whole content."""

    @abstractmethod
    def load(self, data: bytes, fmt: str, *, graph: str, metadata: Dataset | None = None) -> int:
        """Add an RDF document (triples go to ``graph``) and ``metadata``; quads added."""

    @abstractmethod
    def dump(self, fmt: str, *, graph: str | None = None) -> bytes:
        """Serialise one named graph, or everything (triple formats get the union)."""

    @abstractmethod
    def has_graph(self) -> bool:
        """True once something has been built or loaded."""

    @abstractmethod
    def close(self) -> None:
        """Let go of the store; the object cannot be used afterwards."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def named_graphs(self) -> list[str]:
        result = self.query(internal_query("store/named_graphs"))
        return [str(row[0]) for row in result.rows]

    def count_by_graph(self) -> dict[str, int]:
        """Triples per named graph."""
        result = self.query(internal_query("store/triples_by_graph"))
        return {str(g): _integer(n) for g, n in result.rows}

    def count_by_class(self) -> dict[str, int]:
        """Distinct instances per rdf:type over all graphs, most frequent first."""
        result = self.query(internal_query("store/instances_by_class"))
        return {str(c): _integer(n) for c, n in result.rows}

    def read_graph(self, *graphs: str) -> Graph:
        """The named graphs (all of them if none given) merged into one rdflib Graph."""
        graph = Graph()
        for iri in graphs or self.named_graphs():
            graph.parse(data=self.dump("nt", graph=iri), format="nt")
        return graph


def _integer(term: Node | None) -> int:
    if isinstance(term, RdfLiteral):
        return int(term.toPython())
    raise StoreError(f"expected a count, got {term!r}")


def open_store(location: Path | str, *, create: bool = False) -> GraphStore:
    """The store at ``location``; a missing one is a StoreError unless ``create`` is set."""
    return OxigraphStore(Path(location), create=create)


@dataclass
class _Pin:
    """A version this object reads, held open against removal by a shared lock."""

    name: str
    path: Path
    lock: IO[bytes] | None
    store: ox.Store | None = None

    def release(self) -> None:
        self.store = None
        if self.lock is not None:
            self.lock.close()
            self.lock = None


class OxigraphStore(GraphStore):
    def __init__(self, root: Path, *, create: bool = False) -> None:
        self.root = root
        self.location = str(root)
        self._pin: _Pin | None = None
        if not create and self._current_name() is None:
            raise StoreError(f"no graph built yet at {root}: run kg build")

    # reading

    def _current_name(self) -> str | None:
        try:
            name = (self.root / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"cannot read {self.root / CURRENT}: {exc.strerror}") from exc
        if not _VERSION_NAME.match(name):
            raise StoreError(f"{self.root / CURRENT} is corrupt: {name[:80]!r}")
        return name

    def _pinned(self) -> _Pin:
        if self._pin is not None:
            return self._pin
        for _attempt in range(5):
            name = self._current_name()
            if name is None:
                raise StoreError(f"no graph built yet at {self.root}: run kg build")
            path = self.root / VERSIONS / name
            lock = _shared_lock(self.root / VERSIONS / f"{name}.lock")
            if path.is_dir():
                self._pin = _Pin(name, path, lock)
                return self._pin
            if lock is not None:
                lock.close()
        raise StoreError(f"the store at {self.root} keeps changing under this reader")

    def _reader(self) -> ox.Store:
        pin = self._pinned()
        if pin.store is None:
            try:
                pin.store = ox.Store.read_only(str(pin.path))
            except OSError as exc:
                raise StoreError(f"cannot open the graph at {pin.path}: {exc}") from exc
        return pin.store

    def query(
        self,
        sparql: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        timeout: float | None = None,
        limit: int | None = None,
    ) -> QueryResult:
        names = dict(prefixes or {})
        if timeout is None:
            value = _answer(worker.run_query(self._reader(), sparql, names, limit))
        else:
            value = _in_worker(("query", str(self._pinned().path), sparql, names, limit), timeout)
        return _result(value)

    def dump(self, fmt: str, *, graph: str | None = None) -> bytes:
        rdf_format = _rdf_format(fmt)
        store = self._reader()
        prefixes = _serialisation_prefixes(fmt)
        if graph is not None:
            quads = store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            return _serialise(quads, rdf_format, prefixes, as_triples=fmt not in QUAD_FORMATS)
        if fmt in QUAD_FORMATS:
            whole = store.dump(format=rdf_format, prefixes=prefixes)
            assert whole is not None
            return whole
        union = store.query(internal_query("store/union_of_graphs"))
        assert isinstance(union, ox.QueryTriples)
        return _serialise(union, rdf_format, prefixes)

    # writing

    def replace(self, dataset: Dataset, *, keep: Iterable[str] = ()) -> None:
        kept = [ox.NamedNode(iri) for iri in keep]
        with self._writing() as (version, path):
            quads: Iterable[ox.Quad] = _quads(dataset)
            if kept:
                source = self._reader()
                copies = (source.quads_for_pattern(None, None, None, graph) for graph in kept)
                quads = itertools.chain(quads, *copies)
            target = ox.Store(str(path))
            # A bulk load writes its files directly: not transactional, which is fine in a
            # version nobody sees before it is published.
            target.bulk_extend(quads)
            del target
            self._publish(version)

    def load(self, data: bytes, fmt: str, *, graph: str, metadata: Dataset | None = None) -> int:
        try:
            target_graph = ox.NamedNode(graph)
        except ValueError as exc:
            raise InputError(f"not an IRI for a named graph: {graph!r} ({exc})") from exc
        quads = _parse(data, fmt, target_graph)
        with self._writing() as (version, path):
            target = self._checkpoint(path)
            target.bulk_extend(itertools.chain(quads, _quads(metadata or Dataset())))
            del target
            self._publish(version)
        return len(quads)

    def update(
        self,
        sparql: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> None:
        names = dict(prefixes or {})
        with self._writing() as (version, path):
            target = self._checkpoint(path)
            if timeout is None:
                _answer(worker.run_update(target, sparql, names))
                del target
            else:
                del target
                _in_worker(("update", str(path), sparql, names), timeout)
            self._publish(version)

    def _checkpoint(self, path: Path) -> ox.Store:
        """A writable copy of the current version at ``path`` (empty if there is none)."""
        if self._current_name() is not None:
            self._reader().backup(str(path))
        return ox.Store(str(path))

    def _writing(self) -> _Writing:
        return _Writing(self)

    def _publish(self, version: str) -> None:
        pending = self.root / f"{CURRENT}.{os.getpid()}.tmp"
        with pending.open("w", encoding="utf-8") as handle:
            handle.write(version + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(pending, self.root / CURRENT)
        _fsync_directory(self.root)
        self._unpin()

    def _unpin(self) -> None:
        """Let go of the version this object reads; the next read pins the current one."""
        if self._pin is not None:
            self._pin.release()
            self._pin = None

    def collect_garbage(self) -> list[str]:
        """Remove versions that are neither current nor held by a reader; their names."""
        current = self._current_name()
        versions = self.root / VERSIONS
        removed: list[str] = []
        if not versions.is_dir():
            return removed
        names = {entry.name.removesuffix(".lock") for entry in versions.iterdir()}
        for name in sorted(names - {current}):
            lock_path = versions / f"{name}.lock"
            with lock_path.open("ab") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                if (versions / name).exists():
                    shutil.rmtree(versions / name)
                    removed.append(name)
                lock_path.unlink(missing_ok=True)
        return removed

    def has_graph(self) -> bool:
        return self._current_name() is not None

    def close(self) -> None:
        self._unpin()


class _Writing:
    """The write protocol: one writer at a time, a fresh version directory, cleanup.

    On success the caller has published the version; on failure before publishing, the
    directory goes (once CURRENT names it, it stays whatever fails afterwards).
    """

    def __init__(self, store: OxigraphStore) -> None:
        self.store = store
        self.lock: IO[bytes] | None = None
        self.name: str | None = None

    def __enter__(self) -> tuple[str, Path]:
        root = self.store.root
        try:
            (root / VERSIONS).mkdir(parents=True, exist_ok=True)
            self.lock = (root / WRITE_LOCK).open("ab")
        except OSError as exc:
            raise StoreError(f"cannot write to the store at {root}: {exc.strerror}") from exc
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self.lock.close()
            raise StoreError(
                f"another kg process is writing to the store at {root}; try again when it is done"
            ) from exc
        # Writes build on the version that is current now, not on one this object pinned
        # before another process published a newer one; CURRENT cannot move while we write.
        self.store._unpin()
        moment = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        self.name = f"{moment}-{secrets.token_hex(4)}"
        return self.name, root / VERSIONS / self.name

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            published = self.name is not None and self.store._current_name() == self.name
            if error is not None and self.name is not None and not published:
                shutil.rmtree(self.store.root / VERSIONS / self.name, ignore_errors=True)
            else:
                self.store.collect_garbage()
        finally:
            if self.lock is not None:
                self.lock.close()


def _shared_lock(path: Path) -> IO[bytes] | None:
    """A shared flock on a version's lock file; None where the store is not ours to lock."""
    try:
        handle = path.open("ab")
    except OSError:
        return None
    fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# rdflib <-> Oxigraph terms


def _ox_term(term: Node) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, RdfLiteral):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"cannot store the term {term!r}")


def _quads(dataset: Dataset) -> Iterator[ox.Quad]:
    for graph in dataset.graphs():
        name: Any = (
            ox.DefaultGraph()
            if graph.identifier == DATASET_DEFAULT_GRAPH_ID
            else _ox_term(graph.identifier)
        )
        for subject, predicate, obj in graph:
            try:
                yield ox.Quad(_ox_term(subject), _ox_term(predicate), _ox_term(obj), name)
            except ValueError as exc:
                raise StoreError(f"cannot store a triple of {graph.identifier}: {exc}") from exc


def _rdf_format(name: str) -> ox.RdfFormat:
    try:
        return RDF_FORMATS[name]
    except KeyError:
        known = ", ".join(RDF_FORMATS)
        raise InputError(f"unknown RDF format {name!r} (known: {known})") from None


def _serialisation_prefixes(fmt: str) -> dict[str, str] | None:
    if fmt not in {"ttl", "trig", "rdfxml"}:
        return None
    from kg.rdf.namespaces import prefix_map

    return prefix_map()


def _serialise(
    items: Iterable[Any],
    rdf_format: ox.RdfFormat,
    prefixes: dict[str, str] | None,
    *,
    as_triples: bool = False,
) -> bytes:
    if as_triples:
        items = (ox.Triple(q.subject, q.predicate, q.object) for q in items)
    output = ox.serialize(items, format=rdf_format, prefixes=prefixes)
    assert output is not None
    return output


def _parse(data: bytes, fmt: str, graph: ox.NamedNode) -> list[ox.Quad]:
    """Parse an RDF document; triples (and a quad file's default graph) go to ``graph``."""
    rdf_format = _rdf_format(fmt)
    if fmt == "rdfxml":
        _check_xml(data)
    try:
        return [
            ox.Quad(q.subject, q.predicate, q.object, graph)
            if isinstance(q.graph_name, ox.DefaultGraph)
            else q
            for q in ox.parse(data, format=rdf_format)
        ]
    except SyntaxError as exc:
        raise InputError(f"not valid {fmt}: {exc}") from exc


def _check_xml(data: bytes) -> None:
    """Refuse XML whose entities would blow up when expanded (expat's amplification limit).

    Oxigraph never fetches external entities but expands internal ones without a limit;
    the standard library's expat parser stops an entity bomb before Oxigraph sees it.
    """
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise InputError(f"not valid RDF/XML: {exc}") from exc


# query execution, in process or in a worker process


def _node(plain: Plain) -> Node | None:
    if plain is None:
        return None
    kind, value, *rest = plain
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    language, datatype = rest
    if language:
        return RdfLiteral(value, lang=language)
    return RdfLiteral(value, datatype=URIRef(datatype) if datatype else None)


def _answer(payload: Payload) -> Any:
    status, value = payload
    if status == "syntax":
        raise InputError(f"SPARQL syntax error: {value}")
    if status == "error":
        raise StoreError(f"the store could not run the request: {value}")
    return value


def _result(value: Any) -> QueryResult:
    if value[0] == "ask":
        return QueryResult(form="ask", boolean=value[1])
    form, variables, rows, truncated = value
    return QueryResult(
        form=form,
        variables=variables,
        rows=tuple(tuple(_node(term) for term in row) for row in rows),
        truncated=truncated,
    )


def _in_worker(job: tuple[Any, ...], timeout: float) -> Any:
    """Answer ``job`` in a child process (kg.oxigraph_worker), killed after ``timeout`` s.

    A fresh interpreter rather than a fork: forking a process that has threads (Oxigraph's
    own, a web server's) can leave the child waiting on a lock no thread will release, and
    multiprocessing's other start methods re-import the caller's main module.
    """
    command = [sys.executable, "-S", "-m", "kg.oxigraph_worker"]
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": _WORKER_PATH},
    )
    try:
        output, errors = process.communicate(pickle.dumps(job), timeout=timeout)
    except subprocess.TimeoutExpired:
        raise QueryTimeout(f"stopped after {timeout:g} s without an answer") from None
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    if process.returncode != 0 or not output:
        detail = errors.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise StoreError(f"the query process failed (exit code {process.returncode}): {detail[0]}")
    return _answer(pickle.loads(output))


# The worker runs with -S (no site-packages scan, faster start): give it the two places
# it imports from, pyoxigraph's and casekg's.
_WORKER_PATH = os.pathsep.join(
    dict.fromkeys(
        [
            str(Path(ox.__file__).resolve().parent.parent),
            str(Path(__file__).resolve().parent.parent),
        ]
    )
)
