"""The embedded store: Oxigraph on disk, kept in immutable versions switched atomically.

A store directory (default ``$XDG_DATA_HOME/casekg/store``, i.e.
``~/.local/share/casekg/store``; ``--store`` or ``KG_STORE`` to change it) holds::

    CURRENT               the name of the version readers open (replaced with os.replace)
    versions/<name>/      one Oxigraph database per version, never written once current
    versions/<name>.lock  readers hold a shared flock on it while they use that version
    write.lock            an exclusive flock held by the one process making a new version

Every write (build, import, update) makes a new version beside the current one (a fresh
database for a build, a checkpoint of the current one for an import or update) and points
CURRENT at it only once it is complete: a failed write leaves the previous graph intact and
readers never see half of one. After the switch, versions no reader holds are removed. An
update that changes nothing publishes nothing.

A damaged store (CURRENT garbled, naming a version that is gone, or a version whose files
RocksDB reports as corrupt) is a StoreError that
says what is wrong; opened with ``create`` (what ``kg build`` does) it counts as empty and
``damage`` says what was found, so a build can start afresh.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import itertools
import os
import re
import secrets
import shutil
import threading
import xml.parsers.expat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Dataset
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.errors import InputError, StoreError
from kg.queries import internal_query
from kg.store.base import (
    QUAD_FORMATS,
    Changes,
    GraphStore,
    QueryResult,
    QueryTimeout,
    ox_answer,
    rdf_format,
    to_ox,
)
from kg.store.deadline import Stopped, within
from kg.store.guard import parse_request, with_union_where

CURRENT = "CURRENT"
VERSIONS = "versions"
WRITE_LOCK = "write.lock"
_VERSION_NAME = re.compile(r"^[0-9A-Za-z_-]+$")


class StoreDamaged(StoreError):
    """The store directory is there but its CURRENT pointer or versions are not usable."""


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
        self._pinning = threading.Lock()
        self._abandoned: str | None = None
        self._start_afresh = False
        """Set for a damaged store opened to be rebuilt: its CURRENT is ignored until the
        first write publishes a new one (``damage`` keeps saying what was found)."""
        try:
            name = self._current_name()
            if name is not None and not (root / VERSIONS / name).is_dir():
                raise StoreDamaged(self._missing_version(name))
            if create and name is not None:
                # a version RocksDB cannot open is damage a build recovers from; let go at
                # once, so what the build reads later is the version current by then
                self._reader()
                self._unpin()
        except StoreDamaged as exc:
            self._unpin()
            if not create:
                raise
            self.damage = (f"{exc}; starting a fresh store",)
            self._start_afresh = True
            return
        if not create and name is None:
            raise StoreError(f"no graph built yet at {root}: run kg build")

    # reading

    def _current_name(self) -> str | None:
        if self._start_afresh:
            return None
        try:
            raw = (self.root / CURRENT).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"cannot read {self.root / CURRENT}: {exc.strerror}") from exc
        name = raw.decode("utf-8", errors="replace").strip()
        if not _VERSION_NAME.match(name):
            raise StoreDamaged(
                f"the store at {self.root} is damaged: CURRENT should name a version but holds "
                f"{name[:60]!r}; {self._recovery()}"
            )
        return name

    def _missing_version(self, name: str) -> str:
        gone = "versions/ is missing" if not (self.root / VERSIONS).is_dir() else "it is missing"
        return (
            f"the store at {self.root} is damaged: CURRENT names version {name} but {gone}; "
            f"{self._recovery()}"
        )

    def _recovery(self) -> str:
        versions = self.root / VERSIONS
        left = sorted(p.name for p in versions.iterdir() if p.is_dir()) if versions.is_dir() else []
        hint = f" (or write one of these into CURRENT: {', '.join(left[-3:])})" if left else ""
        return f"`kg build` starts a fresh store, losing imported graphs{hint}"

    def refresh(self) -> None:
        with self._pinning:
            if self._pin is not None and self._current_name() != self._pin.name:
                self._unpin()

    def _pin_current(self) -> _Pin:
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
            if self._current_name() == name:
                raise StoreDamaged(self._missing_version(name))
        raise StoreError(f"the store at {self.root} keeps changing under this reader")

    def _reader(self) -> ox.Store:
        with self._pinning:
            pin = self._pin_current()
            if pin.store is None:
                try:
                    pin.store = ox.Store.read_only(str(pin.path))
                except (OSError, RuntimeError) as exc:  # RuntimeError: RocksDB corruption
                    raise StoreDamaged(
                        f"cannot open the graph at {pin.path}: {exc}; {self._recovery()}"
                    ) from exc
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
        if _may_fetch(sparql):
            # Oxigraph would fetch a SERVICE's URL: the guard decides on the parsed query
            parse_request(sparql, tuple(names))
        store = self._reader()

        def work(stopped: Stopped) -> QueryResult:
            try:
                answer = store.query(sparql, prefixes=names, use_default_graph_as_union=True)
                return ox_answer(answer, limit, stopped)
            except SyntaxError as exc:
                raise InputError(f"SPARQL syntax error: {exc}") from exc
            except (OSError, ValueError, RuntimeError) as exc:
                raise StoreError(f"the store could not run the query: {exc}") from exc

        return within(timeout, work)

    def dump(self, fmt: str, *, graph: str | None = None) -> bytes:
        target_format = rdf_format(fmt)
        store = self._reader()
        prefixes = _serialisation_prefixes(fmt)
        if graph is not None:
            quads = store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            return _serialise(quads, target_format, prefixes, as_triples=fmt not in QUAD_FORMATS)
        if fmt in QUAD_FORMATS:
            whole = store.dump(format=target_format, prefixes=prefixes)
            assert whole is not None
            return whole
        union = store.query(internal_query("store/union_of_graphs"))
        assert isinstance(union, ox.QueryTriples)
        return _serialise(union, target_format, prefixes)

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
        count = count_rdf(data, fmt)
        with self._writing() as (version, path):
            target = self._checkpoint(path)
            # Oxigraph's bulk loader parses the bytes itself (no Python object per quad)
            # and puts what a file leaves in the default graph into ``graph``.
            target.bulk_load(data, format=rdf_format(fmt), to_graph=target_graph)
            target.bulk_extend(_quads(metadata or Dataset()))
            del target
            self._publish(version)
        return count

    def update(
        self,
        sparql: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Changes:
        """Run the update on a checkpoint; publish it only if it changed something.

        Oxigraph has no switch for an update's default graph, so the WHERE of each
        DELETE/INSERT gets ``USING``/``USING NAMED`` for every named graph (kg.store.guard).
        What changed is counted by comparing the quads before and after (a set of hashes:
        about 60 MB per million quads)."""
        request = parse_request(sparql, tuple(prefixes or ()))
        request.check_update()
        names = dict(prefixes or {})
        with self._writing() as (version, path):
            current = self._reader() if self._current_name() is not None else None
            before = _fingerprint(current) if current is not None else set()
            target = self._checkpoint(path)
            graphs = [g.value for g in target.named_graphs() if isinstance(g, ox.NamedNode)]
            text = with_union_where(sparql, request, graphs)

            def work(_stopped: Stopped, target: ox.Store = target) -> set[int]:
                try:
                    target.update(text, prefixes=names)
                    target.flush()
                except SyntaxError as exc:
                    raise InputError(f"SPARQL syntax error: {exc}") from exc
                except (OSError, ValueError, RuntimeError) as exc:
                    raise StoreError(f"the store could not run the update: {exc}") from exc
                return _fingerprint(target)

            try:
                after = within(timeout, work)
            except QueryTimeout:
                # The update still runs in its thread: leave its directory to the next
                # writer's garbage collection rather than delete files it is writing.
                self._abandoned = version
                raise
            del work, target
            changes = Changes(
                before=len(before),
                after=len(after),
                added=len(after - before),
                removed=len(before - after),
            )
            if changes.changed:
                self._publish(version)
        return changes

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
        self._start_afresh = False
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

    On success the caller has published the version (or decided not to); a version that
    was not published is removed, and once CURRENT names it, it stays whatever fails.
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
            abandoned = self.name is not None and self.store._abandoned == self.name
            if not published and not abandoned and self.name is not None:
                shutil.rmtree(self.store.root / VERSIONS / self.name, ignore_errors=True)
            if error is None:
                self.store.collect_garbage()
        finally:
            if self.lock is not None:
                self.lock.close()


def _may_fetch(sparql: str) -> bool:
    """A cheap test before the parse: SERVICE can only be spelt out or escaped (``\\u``)."""
    return "service" in sparql.lower() or "\\u" in sparql.lower()


def _fingerprint(store: ox.Store) -> set[int]:
    return {hash(quad) for quad in store}


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


def _quads(dataset: Dataset) -> Iterator[ox.Quad]:
    terms = _OxigraphTerms()
    for graph in dataset.graphs():
        name: Any = (
            ox.DefaultGraph()
            if graph.identifier == DATASET_DEFAULT_GRAPH_ID
            else to_ox(graph.identifier)
        )
        for subject, predicate, obj in graph:
            try:
                yield ox.Quad(terms[subject], terms[predicate], terms[obj], name)
            except ValueError as exc:
                raise StoreError(f"cannot store a triple of {graph.identifier}: {exc}") from exc


class _OxigraphTerms(dict[Any, Any]):
    """Each rdflib term converted once: a 1 MB document's ~460k quads name ~150k distinct
    terms, and making an Oxigraph term (its IRI checked) costs more than looking it up."""

    def __missing__(self, term: Any) -> Any:
        converted = self[term] = to_ox(term)
        return converted


def _serialisation_prefixes(fmt: str) -> dict[str, str] | None:
    if fmt not in {"ttl", "trig", "rdfxml"}:
        return None
    from kg.rdf.namespaces import prefix_map

    return prefix_map()


def _serialise(
    items: Iterable[Any],
    target_format: ox.RdfFormat,
    prefixes: dict[str, str] | None,
    *,
    as_triples: bool = False,
) -> bytes:
    if as_triples:
        items = (ox.Triple(q.subject, q.predicate, q.object) for q in items)
    output = ox.serialize(items, format=target_format, prefixes=prefixes)
    assert output is not None
    return output


def read_rdf(data: bytes, fmt: str) -> Iterator[ox.Quad]:
    """An RDF document's quads as written, read lazily; a syntax error (or an XML entity
    bomb) is an InputError."""
    if fmt == "rdfxml":
        _check_xml(data)
    try:
        yield from ox.parse(data, format=rdf_format(fmt))
    except SyntaxError as exc:
        raise InputError(f"not valid {fmt}: {exc}") from exc


def parse_rdf(data: bytes, fmt: str, graph: ox.NamedNode) -> list[ox.Quad]:
    """Parse an RDF document; triples (and a quad file's default graph) go to ``graph``."""
    return [
        ox.Quad(q.subject, q.predicate, q.object, graph)
        if isinstance(q.graph_name, ox.DefaultGraph)
        else q
        for q in read_rdf(data, fmt)
    ]


def count_rdf(data: bytes, fmt: str) -> int:
    """How many quads an RDF document holds, read through once, so that a bad document is
    an InputError before anything is written."""
    return sum(1 for _ in read_rdf(data, fmt))


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
