"""One SPARQL request against one Oxigraph version, in a process of its own (see kg.store).

Oxigraph cannot interrupt a running query, so kg.store runs a query that has a time limit
here and kills the process when time runs out. The module imports nothing but pyoxigraph
and the standard library, so the process starts fast (kg.store starts it with ``-S``). It
reads one pickled job from stdin and writes one pickled answer to stdout; the same
functions answer requests in-process when there is no time limit.

Answers are ``(status, value)``: ``("ok", ...)``, ``("syntax", message)`` or
``("error", message)``. Terms travel as plain tuples (``("uri", iri)``, ``("bnode", id)``,
``("literal", text, language, datatype)``) so that no rdflib is needed on this side.
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

Payload = tuple[str, Any]
Plain = tuple[str, ...] | None


def run_query(store: ox.Store, sparql: str, prefixes: dict[str, str], limit: int | None) -> Payload:
    try:
        answer = store.query(sparql, prefixes=prefixes, use_default_graph_as_union=True)
        if isinstance(answer, ox.QueryBoolean):
            return ("ok", ("ask", bool(answer)))
        if isinstance(answer, ox.QuerySolutions):
            variables = tuple(v.value for v in answer.variables)
            rows, truncated = _take(
                (tuple(plain(solution[v]) for v in variables) for solution in answer), limit
            )
            return ("ok", ("select", variables, rows, truncated))
        rows, truncated = _take(
            ((plain(t.subject), plain(t.predicate), plain(t.object)) for t in answer), limit
        )
        return ("ok", ("graph", ("subject", "predicate", "object"), rows, truncated))
    except SyntaxError as exc:
        return ("syntax", str(exc))
    except (OSError, ValueError, RuntimeError) as exc:
        return ("error", f"{type(exc).__name__}: {exc}")


def run_update(store: ox.Store, sparql: str, prefixes: dict[str, str]) -> Payload:
    try:
        store.update(sparql, prefixes=prefixes)
        store.flush()
    except SyntaxError as exc:
        return ("syntax", str(exc))
    except (OSError, ValueError, RuntimeError) as exc:
        return ("error", f"{type(exc).__name__}: {exc}")
    return ("ok", None)


def _take(rows: Iterable[tuple[Plain, ...]], limit: int | None) -> tuple[list[Any], bool]:
    taken: list[Any] = []
    for row in rows:
        if limit is not None and len(taken) >= limit:
            return taken, True
        taken.append(row)
    return taken, False


def plain(term: Any) -> Plain:
    """A picklable, store-neutral form of an Oxigraph term."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.language or "", term.datatype.value)
    return ("literal", str(term), "", "")


def answer(job: tuple[Any, ...]) -> Payload:
    """Answer a job: ``("query", path, sparql, prefixes, limit)`` or ``("update", ...)``."""
    kind, path, sparql, prefixes, *rest = job
    try:
        store = ox.Store.read_only(path) if kind == "query" else ox.Store(path)
    except OSError as exc:
        return ("error", f"cannot open {path}: {exc}")
    if kind == "query":
        return run_query(store, sparql, prefixes, rest[0])
    return run_update(store, sparql, prefixes)


def main() -> None:
    job = pickle.load(sys.stdin.buffer)
    pickle.dump(answer(job), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
