"""SPARQL for people: common prefixes predeclared, read-only by default, saved queries.

A query is parsed before it runs (kg.store.guard, rdflib's SPARQL parser) so that what it
does is read from its syntax tree, never guessed from its text: updates go through
``run_update`` only, ``LOAD`` and ``SERVICE`` are always refused (the program must never
fetch a URL a query names), and a syntax error is reported with the parser's message and
position. Answers are written by pyoxigraph's SPARQL results and RDF serialisers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

from kg.errors import InputError
from kg.queries import QUERIES_DIR
from kg.rdf.namespaces import PREFIXES, prefix_map
from kg.store import Changes, GraphStore, QueryResult, QueryTimeout
from kg.store.base import to_ox
from kg.store.guard import ParsedRequest
from kg.store.guard import parse_request as _parse_request

DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 10_000
OUTPUT_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_OUTPUT_FORMATS = ("ttl", "nt", "jsonld", "rdfxml")

_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: str
    description: str
    text: str


def parse_request(text: str) -> ParsedRequest:
    """What a query or update does (kg.store.guard), with casekg's prefixes predeclared."""
    return _parse_request(text, tuple(PREFIXES))


def run_query(
    store: GraphStore,
    text: str,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    limit: int | None = DEFAULT_LIMIT,
    bindings: Mapping[str, Node] | None = None,
) -> QueryResult:
    """Run a read-only query against the store; an update is an InputError (see run_update).

    ``bindings`` fix variables before the query runs (a saved query's ``?work``, say) as a
    trailing ``VALUES`` clause, so a parameter is a term, never pasted query text.
    """
    if bindings:
        text = with_bindings(text, bindings)
    request = parse_request(text)
    if request.operation == "update":
        kinds = ", ".join(dict.fromkeys(request.updates))
        raise InputError(
            f"this is an update ({kinds}); queries are read-only unless --update is given"
        )
    try:
        return store.query(text, prefixes=prefix_map(), timeout=timeout, limit=limit)
    except QueryTimeout as exc:
        raise QueryTimeout(f"query {exc} (see --timeout)") from exc


def run_update(store: GraphStore, text: str, *, timeout: float | None = DEFAULT_TIMEOUT) -> Changes:
    """Apply an update; its WHERE sees the union of all graphs, as a query does."""
    parse_request(text).check_update()
    try:
        return store.update(text, prefixes=prefix_map(), timeout=timeout)
    except QueryTimeout as exc:
        raise QueryTimeout(f"update {exc}; nothing was changed (see --timeout)") from exc


def with_bindings(text: str, bindings: Mapping[str, Node]) -> str:
    """The query with its variables fixed by a ``VALUES`` clause opening its ``WHERE``
    group, so they are bound before anything is evaluated or grouped (a trailing one would
    join after GROUP BY: wrong counts, and every value computed first); trailing when the
    query has no ``WHERE`` keyword."""
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise InputError(f"not a SPARQL variable name: {name!r}")
    variables = " ".join(f"?{name}" for name in bindings)
    values = " ".join(term.n3() for term in bindings.values())
    clause = f"VALUES ({variables}) {{ ({values}) }}"
    uncommented = re.sub(r"(?m)^[ \t]*#.*$", lambda line: " " * len(line[0]), text)
    where = re.search(r"\bWHERE\s*\{", uncommented, re.IGNORECASE)
    if where is None:
        return f"{text.rstrip()}\n{clause}\n"
    return f"{text[: where.end()]}\n  {clause}\n{text[where.end() :]}"


def saved_queries(directory: Path = QUERIES_DIR) -> list[SavedQuery]:
    return [_read_saved(path) for path in sorted(directory.glob("*.rq"))]


def saved_query(name: str, directory: Path = QUERIES_DIR) -> SavedQuery:
    path = directory / f"{name}.rq"
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name) or not path.is_file():
        names = ", ".join(q.name for q in saved_queries(directory)) or "none"
        raise InputError(f"no saved query named {name!r} (saved queries: {names})")
    return _read_saved(path)


def _read_saved(path: Path) -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    for line in text.splitlines():
        match = re.match(r"#\s*(title|description)\s*:\s*(.*)", line)
        if match:
            header.setdefault(match[1], match[2].strip())
        elif line.strip() and not line.lstrip().startswith("#"):
            break
    return SavedQuery(path.stem, header.get("title", ""), header.get("description", ""), text)


def read_query_argument(argument: str) -> str:
    """A query given on the command line: the text itself or the path of a ``.rq`` file."""
    if argument.endswith(".rq") and "\n" not in argument:
        path = Path(argument)
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise InputError(f"{path} is not UTF-8 text") from exc
    return argument


# output


def format_result(result: QueryResult, fmt: str) -> str:
    """Render an answer: an aligned table, SPARQL results (JSON, XML, CSV, TSV) or, for
    CONSTRUCT and DESCRIBE, RDF (Turtle, N-Triples, JSON-LD, RDF/XML)."""
    return serialise_result(result, fmt).decode("utf-8")


def serialise_result(result: QueryResult, fmt: str) -> bytes:
    """The answer in ``fmt``, written by pyoxigraph's serialisers (``table`` by casekg)."""
    if fmt in _GRAPH_FORMATS:
        if result.form != "graph":
            raise InputError(f"--format {fmt} is for CONSTRUCT and DESCRIBE queries")
        triples = (
            ox.Triple(*(to_ox(term) for term in row if term is not None)) for row in result.rows
        )
        prefixes = prefix_map() if fmt in ("ttl", "rdfxml") else None
        return ox.serialize(triples, format=_GRAPH_FORMATS[fmt], prefixes=prefixes) or b""
    if result.form == "ask" and fmt in ("table", "csv", "tsv"):
        return b"true\n" if result.boolean else b"false\n"
    if fmt == "table":
        return _table(result).encode("utf-8")
    if fmt not in _RESULT_FORMATS:
        known = ", ".join(OUTPUT_FORMATS + GRAPH_OUTPUT_FORMATS)
        raise InputError(f"unknown output format {fmt!r} (known: {known})")
    if result.form == "graph":
        raise InputError(f"--format {fmt} is for SELECT and ASK queries (try ttl or nt)")
    parsed = ox.parse_query_results(
        json.dumps(_json_results(result)).encode("utf-8"), format=ox.QueryResultsFormat.JSON
    )
    output = parsed.serialize(format=_RESULT_FORMATS[fmt])
    assert output is not None
    return output if output.endswith(b"\n") else output + b"\n"


def compact(term: Node | None) -> str:
    """A term as people read it: prefixed name for IRIs, the text of literals.

    For display only: a local name may keep a ``/`` (``graph:document/key``).
    """
    if term is None:
        return ""
    if isinstance(term, URIRef):
        iri = str(term)
        best = max(
            ((p, str(ns)) for p, ns in PREFIXES.items() if iri.startswith(str(ns))),
            key=lambda item: len(item[1]),
            default=None,
        )
        if best is not None and re.fullmatch(r"(?:[\w.-][\w./-]*)?", iri[len(best[1]) :]):
            return f"{best[0]}:{iri[len(best[1]) :]}"
        return f"<{iri}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _table(result: QueryResult) -> str:
    header = list(result.variables)
    rows = [[compact(term).replace("\n", " ") for term in row] for row in result.rows]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    if not rows:
        lines.append("(no rows)")
    return "\n".join(lines) + "\n"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, RdfLiteral)
    value: dict[str, str] = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype is not None:
        value["datatype"] = str(term.datatype)
    return value


def _json_results(result: QueryResult) -> dict[str, Any]:
    if result.form == "ask":
        return {"head": {}, "boolean": bool(result.boolean)}
    return {
        "head": {"vars": list(result.variables)},
        "results": {
            "bindings": [
                {name: _json_term(term) for name, term in binding.items()}
                for binding in result.bindings()
            ]
        },
    }
