"""The embedded store against rdflib in memory and Virtuoso, on synthetic graphs of each size.

For each size (a bench/synth.py graph, generated once into --data-dir), each store runs in
its own process and loads the N-Quads file; then each query is asked of every store in turn
(so a burst of load on this shared machine falls on all of them): every saved query
(kg/queries/*.rq and kg/queries/network/*.rq) and the dashboard's queries (top cited,
co-citation of a work, references supporting a mechanism, two path queries; bench/queries/
holds stand-ins for those not saved yet), once cold and then the median of --repeat warm
runs, every row read. Peak memory is the worker's ru_maxrss (Virtuoso: the server's
VmHWM). Times are printed with the ratio of rdflib and Virtuoso to the embedded store.

- embedded: pyoxigraph's bulk loader writes a version of a kg store directory (the layout
  kg.store documents), then queries go through ``kg.store.open_store(...).query`` in process
  (no time limit: no worker process per query), answers converted to rdflib terms as kg does.
- rdflib: ``Dataset(default_union=True).parse(format="nquads")`` and ``Dataset.query``.
- virtuoso: Debian's virtuoso-t on loopback, started by tests/virtuoso_server.py (the one
  place its config lives, shared with the store contract tests), the bulk loader through
  isql, queries over /sparql with JSON answers; an answer Virtuoso cut at its time limit
  (flagged by the X-SQL-State header) counts as stopped, never as done.

A query still running after --cap seconds is stopped and shown as ``>cap``. rdflib is run
only up to --rdflib-max triples (at 10M it needs more memory and time than this machine has).

    python bench/bench_store.py --sizes 100k,1m --repeat 3
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import queue
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import synth
from rdflib.term import Node

from kg.queries import QUERIES_DIR
from kg.query import saved_queries
from kg.rdf.document import work_iri
from kg.rdf.namespaces import doi_iri, prefix_map, slug

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "tests"))

from virtuoso_server import VirtuosoServer  # noqa: E402 - tests/ is put on the path above

STORES = ("embedded", "rdflib", "virtuoso")


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    group: str  # "saved", "network" or "dashboard"


def _bound(text: str, name: str, term: Node) -> str:
    """The query with ``?name`` fixed by a VALUES block at the start of its WHERE.

    Not kg.query.with_bindings: a trailing VALUES is joined after grouping (SPARQL 1.1,
    18.2.4.3), so it does not restrict a variable an aggregate query groups over.
    """
    head, brace, tail = text.partition("WHERE {")
    assert brace, f"no 'WHERE {{' in the query to bind ?{name} in"
    return f"{head}{brace}\n  VALUES ?{name} {{ {term.n3()} }}{tail}"


def bindings(seed: int) -> dict[str, tuple[str, Node]]:
    """What the parameterised queries ask about: the most cited work, the first case (the
    variable each query is about: kg/queries/network's take ?target and ?case)."""
    literature = synth.Literature(1, seed)
    case_doi = synth.case_doi(1)
    return {
        "cocited_with": ("target", doi_iri(literature.doi(0))),
        "coupled_with": ("target", doi_iri(literature.doi(0))),
        "related_counts": ("case", doi_iri(case_doi)),
        "two_step_citations": ("case", work_iri(slug(case_doi))),
        "cited_transitively": ("article", doi_iri(case_doi)),
    }


def collect_queries(seed: int) -> list[Query]:
    """The saved queries, the network ones, then the dashboard stand-ins not saved yet."""
    queries = [Query(q.name, q.text, "saved") for q in saved_queries()]
    network = QUERIES_DIR / "network"
    if network.is_dir():
        queries += [Query(q.name, q.text, "network") for q in saved_queries(network)]
    known = {q.name for q in queries}
    queries += [
        Query(q.name, q.text, "dashboard")
        for q in saved_queries(BENCH / "queries")
        if q.name not in known
    ]
    bound = bindings(seed)
    return [
        Query(q.name, _bound(q.text, *bound[q.name]), q.group) if q.name in bound else q
        for q in queries
    ]


# the worker: one store, one process, one query at a time


def _emit(**event: Any) -> None:
    print(json.dumps(event), flush=True)


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _timed(run: Callable[[str], int], text: str) -> tuple[float, int]:
    started = time.perf_counter()
    rows = run(text)
    return time.perf_counter() - started, rows


class _Stopped(Exception):
    """A query ran past the cap (rdflib: raised from SIGALRM, since Python code is cut)."""


def _measure(spec: dict[str, Any], name: str, text: str, run: Callable[[str], int]) -> None:
    """One cold run, then the median of the warm ones (skipped when one run is long)."""
    try:
        cold, rows = _timed(run, text)
    except _Stopped:
        _emit(event="query", name=name, rows=None, cold=None, warm=None)
        return
    except Exception as exc:  # a store that cannot answer: shown, not fatal
        error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        _emit(event="query", name=name, rows=None, cold=None, warm=None, error=error)
        return
    warm = [cold]
    if cold * spec["repeat"] < spec["cap"]:
        try:
            warm = [_timed(run, text)[0] for _ in range(spec["repeat"])]
        except _Stopped:  # a warm run past the cap (a busy machine): the cold run stands
            warm = [cold]
    _emit(event="query", name=name, rows=rows, cold=cold, warm=statistics.median(warm))


def _serve(spec: dict[str, Any], run: Callable[[str], int]) -> None:
    """Answer the parent: a query name per line on stdin, ``done`` to finish."""
    texts = {query["name"]: query["text"] for query in spec["queries"]}
    _emit(event="ready")
    for line in sys.stdin:
        name = line.strip()
        if name == "done":
            break
        _measure(spec, name, texts[name], run)
    _emit(event="done", peak_kb=_peak_kb())


def _worker_embedded(spec: dict[str, Any]) -> None:
    import pyoxigraph as ox

    from kg.store import open_store
    from kg.store.oxigraph import CURRENT, VERSIONS

    kept = spec.get("store_dir")
    root = Path(kept) if kept else Path(spec["workdir"]) / "store"
    if spec["load"] and not (root / CURRENT).exists():
        version = root / VERSIONS / "synthetic"
        version.mkdir(parents=True)
        started = time.perf_counter()
        target = ox.Store(str(version))
        target.bulk_load(path=spec["data"], format=ox.RdfFormat.N_QUADS)
        target.flush()
        del target
        (root / CURRENT).write_text("synthetic\n", encoding="utf-8")
        _emit(event="load", seconds=time.perf_counter() - started, peak_kb=_peak_kb())
    store = open_store(root)
    prefixes = prefix_map()

    def run(text: str) -> int:
        return len(store.query(text, prefixes=prefixes).rows)

    _serve(spec, run)


def _worker_rdflib(spec: dict[str, Any]) -> None:
    from rdflib import Dataset

    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(spec["data"], format="nquads")
    _emit(event="load", seconds=time.perf_counter() - started)
    namespaces = prefix_map()
    fired = [False]

    def stop(signum: int, frame: object) -> None:
        fired[0] = True
        raise _Stopped

    signal.signal(signal.SIGALRM, stop)

    def run(text: str) -> int:
        fired[0] = False
        # Every second past the cap, in case rdflib catches the first one and carries on.
        signal.setitimer(signal.ITIMER_REAL, spec["cap"], 1.0)
        try:
            return len(list(dataset.query(text, initNs=namespaces)))
        except Exception:
            if fired[0]:
                raise _Stopped from None
            raise
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    _serve(spec, run)


def _virtuoso_rows(endpoint: str, query: str, timeout: float) -> int:
    """Every row of a query's JSON answer; _Stopped when Virtuoso cut it at its time limit
    (an "anytime" answer says so in the X-SQL-State header)."""
    request = urllib.request.Request(
        endpoint,
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            partial = response.headers.get("X-SQL-State") is not None
            answer: Any = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        detail = " ".join(exc.read().decode("utf-8", "replace").split())
        raise RuntimeError(f"Virtuoso answered {exc.code}: {detail[:300]}") from None
    if partial:
        raise _Stopped
    return len(answer["results"]["bindings"]) if "results" in answer else 1


def _worker_virtuoso(spec: dict[str, Any]) -> None:
    server = VirtuosoServer.attach(spec["virtuoso"])
    if spec["load"]:
        started = time.perf_counter()
        server.bulk_load(Path(spec["data"]), "urn:casekg:default", timeout=7200)
        _emit(event="load", seconds=time.perf_counter() - started)
    declarations = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefix_map().items())

    def run(text: str) -> int:
        return _virtuoso_rows(server.sparql_url, declarations + text, spec["cap"] + 60)

    _serve(spec, run)


WORKERS = {"embedded": _worker_embedded, "rdflib": _worker_rdflib, "virtuoso": _worker_virtuoso}


def _worker_main(kind: str, spec_path: Path) -> int:
    WORKERS[kind](json.loads(spec_path.read_text(encoding="utf-8")))
    return 0


# the parent: one worker per store, each query asked of every store in turn


@dataclass
class StoreRun:
    load: float | None = None
    peak_kb: int = 0
    queries: dict[str, tuple[int | None, float | None, float | None]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    note: str = ""


class Worker:
    """One store's worker process; restarted (without loading again) past a stopped query.

    The stores answer each query one after the other, so a burst of load on this shared
    machine falls on all of them rather than on whichever store happened to be running.
    """

    def __init__(self, kind: str, spec: dict[str, Any]) -> None:
        self.kind = kind
        self.spec = spec
        self.run = StoreRun()
        self.process: subprocess.Popen[str] | None = None
        self.lines: queue.Queue[str] = queue.Queue()
        self._start(load=True)

    def _start(self, *, load: bool) -> None:
        spec_path = Path(self.spec["workdir"]) / "spec.json"
        spec_path.write_text(json.dumps({**self.spec, "load": load}), encoding="utf-8")
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", self.kind]
        self.process = subprocess.Popen(
            [*command, "--spec", str(spec_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=BENCH,
        )
        self.lines = queue.Queue()
        output, lines = self.process.stdout, self.lines

        def read() -> None:
            for line in output or ():
                lines.put(line)

        threading.Thread(target=read, daemon=True).start()
        while True:
            event = self._next(4 * 3600.0)
            if event is None or event["event"] == "ready":
                break
            if event["event"] == "load":
                self.run.load = event["seconds"]
                # the load's peak survives a restart after a killed query
                self.run.peak_kb = max(self.run.peak_kb, event.get("peak_kb", 0))
        if event is None:
            raise RuntimeError(f"the {self.kind} worker did not start")

    def _next(self, timeout: float) -> dict[str, Any] | None:
        try:
            event: dict[str, Any] = json.loads(self.lines.get(timeout=timeout))
        except queue.Empty:
            return None
        return event

    def _send(self, line: str) -> None:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def ask(self, name: str) -> None:
        self._send(name)
        event = self._next(2 * self.spec["cap"] + 30)
        if event is None:  # stuck in a query it cannot be stopped in: kill and go on
            self._stop()
            self.run.queries[name] = (None, None, None)
            self.run.note = (
                "peak memory: the load and the queries after the last killed one (a killed "
                "worker takes its peak with it)"
            )
            self._start(load=False)
            return
        self.run.queries[name] = (event["rows"], event["cold"], event["warm"])
        if "error" in event:
            self.run.errors[name] = event["error"]
        print(f"    {self.kind} {name}: {event['warm']}", file=sys.stderr, flush=True)

    def _stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()

    def finish(self) -> StoreRun:
        self._send("done")
        event = self._next(600)
        if event is not None and event["event"] == "done":
            self.run.peak_kb = max(self.run.peak_kb, event["peak_kb"])
        self._stop()
        return self.run


# report


def _seconds(value: float | None, cap: float) -> str:
    return f">{cap:g} s" if value is None else f"{value:.3f} s"


def _ratio(other: float | None, base: float | None, cap: float) -> str:
    if base is None or base == 0:
        return "-"
    if other is None:
        return f">{cap / base:.1f}x"
    return f"{other / base:.1f}x"


def _geomean(values: Sequence[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def report(
    size: str, triples: int, queries: list[Query], runs: dict[str, StoreRun], cap: float
) -> str:
    kinds = [k for k in STORES if k in runs]
    lines = [f"### {size} ({triples:,} quads)", ""]
    header = "| | " + " | ".join(kinds) + " | " + " | ".join(f"{k} / embedded" for k in kinds[1:])
    lines += [header + " |", "|---" * (1 + 2 * len(kinds) - 1) + "|"]
    loads = [runs[k].load for k in kinds]
    base = runs["embedded"].load if "embedded" in runs else None
    lines.append(
        "| load | "
        + " | ".join("kept store" if v is None else _seconds(v, cap) for v in loads)
        + " | "
        + " | ".join(_ratio(runs[k].load, base, cap) for k in kinds[1:])
        + " |"
    )
    lines.append(
        "| peak memory | "
        + " | ".join(f"{runs[k].peak_kb / 1024:,.0f} MB" for k in kinds)
        + " | "
        + " | ".join(
            f"{runs[k].peak_kb / max(runs['embedded'].peak_kb, 1):.1f}x" for k in kinds[1:]
        )
        + " |"
    )
    for query in queries:
        warm = {k: runs[k].queries.get(query.name, (None, None, None)) for k in kinds}
        rows = {k: warm[k][0] for k in kinds}
        shown = {r for r in rows.values() if r is not None}
        agree = (
            ""
            if len(shown) <= 1
            else " (rows differ: " + ", ".join(f"{k} {rows[k]}" for k in kinds) + ")"
        )
        first = rows.get("embedded")
        label = f"{query.name} [{query.group}] ({first if first is not None else '?'} rows){agree}"
        failed = {k for k in kinds if query.name in runs[k].errors}
        lines.append(
            f"| {label} | "
            + " | ".join("error" if k in failed else _seconds(warm[k][2], cap) for k in kinds)
            + " | "
            + " | ".join(
                "-" if failed & {k, "embedded"} else _ratio(warm[k][2], warm["embedded"][2], cap)
                for k in kinds[1:]
            )
            + " |"
        )
    for kind in kinds[1:]:
        pairs = [
            (runs[kind].queries[q.name][2], runs["embedded"].queries[q.name][2])
            for q in queries
            if q.name in runs[kind].queries and q.name in runs["embedded"].queries
        ]
        both = [o / e for o, e in pairs if o is not None and e is not None and e > 0]
        lines.append(
            f"\nqueries, {kind} / embedded: geometric mean {_geomean(both):.1f}x over the "
            f"{len(both)} queries both finished within {cap:g} s"
        )
    for kind in kinds:
        if runs[kind].note:
            lines.append(f"\n{kind}: {runs[kind].note}")
        for name, error in runs[kind].errors.items():
            lines.append(f"\n{kind} could not answer {name}: {error}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", choices=STORES, help=argparse.SUPPRESS)
    parser.add_argument("--spec", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="100k,1m", help="comma-separated (default: 100k,1m)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stores", default=",".join(STORES))
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per query (default 3)")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds per query run")
    parser.add_argument("--rdflib-max", type=synth.parse_size, default=1_000_000)
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--only", help="comma-separated query names (default: all)")
    parser.add_argument(
        "--store-dir",
        type=Path,
        help="keep the embedded store here and reuse it if it holds a graph (no load: "
        "a 10M load takes tens of minutes; one size per run)",
    )
    args = parser.parse_args(argv)
    if args.worker:
        return _worker_main(args.worker, args.spec)

    stores = [s for s in args.stores.split(",") if s]
    queries = collect_queries(args.seed)
    if args.only:
        queries = [q for q in queries if q.name in args.only.split(",")]
    print(f"# bench_store: seed {args.seed}, {args.repeat} warm runs, cap {args.cap:g} s")
    for size in args.sizes.split(","):
        triples = synth.parse_size(size)
        data = args.data_dir / f"synth-{size}-seed{args.seed}.nq"
        if not data.exists():
            with data.open("w", encoding="utf-8") as out:
                synth.generate(out, triples, args.seed)
        quads = sum(1 for _ in data.open(encoding="utf-8"))
        runs: dict[str, StoreRun] = {}
        with contextlib.ExitStack() as stack:
            workers: dict[str, Worker] = {}
            servers: dict[str, VirtuosoServer] = {}
            for kind in stores:
                if kind == "rdflib" and triples > args.rdflib_max:
                    continue
                workdir = stack.enter_context(
                    tempfile.TemporaryDirectory(prefix=f"bench-store-{kind}-")
                )
                spec: dict[str, Any] = {
                    "data": str(data),
                    "store_dir": str(args.store_dir) if args.store_dir else None,
                    "workdir": workdir,
                    "queries": [q.__dict__ for q in queries],
                    "repeat": args.repeat,
                    "cap": args.cap,
                }
                if kind == "virtuoso":
                    server = stack.enter_context(
                        VirtuosoServer(
                            Path(workdir) / "virtuoso",
                            max_seconds=int(args.cap),
                            allowed=[data.parent],
                        )
                    )
                    servers[kind] = server
                    spec["virtuoso"] = server.address()
                workers[kind] = Worker(kind, spec)
                print(f"  {size} {kind}: load {workers[kind].run.load}", file=sys.stderr)
            for query in queries:
                for worker in workers.values():
                    worker.ask(query.name)
            for kind, worker in workers.items():
                runs[kind] = worker.finish()
                if kind in servers:
                    runs[kind].peak_kb = servers[kind].peak_memory_kb()
        print(report(size, quads, queries, runs, args.cap), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
