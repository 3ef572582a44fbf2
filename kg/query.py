"""SPARQL for people: common prefixes predeclared, read-only by default, saved queries.

A query is parsed before it runs (rdflib's SPARQL parser) so that what it does is read from
its syntax tree, never guessed from its text: updates need ``allow_update``, ``LOAD`` and
``SERVICE`` are always refused (the program must never fetch a URL a query names), and a
syntax error is reported with the parser's message and position.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rdflib import BNode, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

from kg.errors import InputError
from kg.queries import QUERIES_DIR
from kg.rdf.namespaces import PREFIXES, prefix_map
from kg.store import GraphStore, QueryResult, QueryTimeout

DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 10_000
OUTPUT_FORMATS = ("table", "csv", "tsv", "json")
GRAPH_OUTPUT_FORMATS = ("ttl", "nt")

Operation = Literal["select", "construct", "describe", "ask", "update"]

_QUERY_FORMS: dict[str, Operation] = {
    "SelectQuery": "select",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
    "AskQuery": "ask",
}
_UPDATE_NAMES = {
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
    "Load": "LOAD",
}


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: str
    description: str
    text: str


@dataclass(frozen=True)
class ParsedRequest:
    """What a SPARQL request does, read from its syntax tree."""

    operation: Operation
    updates: tuple[str, ...] = ()


_PARSER_LOCK = threading.Lock()
"""rdflib's SPARQL grammar (pyparsing) is not thread-safe: two threads parsing at once
corrupt its parse actions for the rest of the process. Every parse takes this lock."""


def parse_request(text: str) -> ParsedRequest:
    """Classify a query or update; InputError for a syntax error or a refused operation."""
    if not text.strip():
        raise InputError("empty query")
    tree, is_update = _parse(text)
    request = _classify_update(tree) if is_update else ParsedRequest(_QUERY_FORMS[tree[1].name])
    nodes = list(_walk(tree))
    if any(_name(node) == "ServiceGraphPattern" for node in nodes):
        raise InputError("SERVICE is not allowed: casekg never fetches a URL a query names")
    _check_prefixes(nodes)
    return request


def _parse(text: str) -> tuple[Any, bool]:
    """The syntax tree of a query, else of an update (and whether it is one)."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    with _PARSER_LOCK:
        try:
            return parseQuery(text), False
        except ParseException as query_error:
            try:
                return parseUpdate(text), True
            except ParseException as update_error:
                error = update_error if update_error.loc > query_error.loc else query_error
                raise InputError(_syntax_message(error)) from None


def _classify_update(tree: Any) -> ParsedRequest:
    names = tuple(_UPDATE_NAMES.get(_name(part) or "", "update") for part in tree.request)
    if "LOAD" in names:
        raise InputError("LOAD is not allowed: casekg never fetches a URL a query names")
    return ParsedRequest("update", names)


def _name(node: Any) -> str | None:
    return getattr(node, "name", None) if hasattr(node, "name") else None


def _walk(node: Any) -> Iterator[Any]:
    """Every node of an rdflib SPARQL parse tree."""
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
        for child in node:
            yield from _walk(child)


def _check_prefixes(nodes: Sequence[Any]) -> None:
    declared = set(PREFIXES)
    used: list[str] = []
    for node in nodes:
        if _name(node) == "PrefixDecl":
            declared.add(node.get("prefix") or "")
        elif _name(node) == "pname":
            used.append(node.get("prefix") or "")
    for prefix in used:
        if prefix not in declared:
            raise InputError(
                f"SPARQL syntax error: unknown prefix {prefix + ':'!r} "
                f"(declare it with PREFIX {prefix}: <...>; predeclared: {', '.join(PREFIXES)})"
            )


def _syntax_message(error: Any) -> str:
    line = error.line.rstrip("\n")
    return (
        f"SPARQL syntax error at line {error.lineno}, column {error.col}: {error.msg}\n"
        f"  {line}\n  {' ' * (error.col - 1)}^"
    )


def run_query(
    store: GraphStore,
    text: str,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    limit: int | None = DEFAULT_LIMIT,
    allow_update: bool = False,
    bindings: Mapping[str, Node] | None = None,
) -> QueryResult | None:
    """Run a query (or, with ``allow_update``, an update: returns None) against the store.

    ``bindings`` fix variables before the query runs (a saved query's ``?work``, say) as a
    trailing ``VALUES`` clause, so a parameter is a term, never pasted query text.
    """
    if bindings:
        text = with_bindings(text, bindings)
    request = parse_request(text)
    if request.operation == "update":
        if not allow_update:
            kinds = ", ".join(dict.fromkeys(request.updates))
            raise InputError(
                f"this is an update ({kinds}); queries are read-only unless --update is given"
            )
        try:
            store.update(text, prefixes=prefix_map(), timeout=timeout)
        except QueryTimeout as exc:
            raise QueryTimeout(f"update {exc}; nothing was changed (see --timeout)") from exc
        return None
    try:
        return store.query(text, prefixes=prefix_map(), timeout=timeout, limit=limit)
    except QueryTimeout as exc:
        raise QueryTimeout(f"query {exc} (see --timeout)") from exc


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
    """Render an answer as an aligned table, CSV, TSV or SPARQL 1.1 JSON results."""
    if fmt in GRAPH_OUTPUT_FORMATS:
        if result.form != "graph":
            raise InputError(f"--format {fmt} is for CONSTRUCT and DESCRIBE queries")
        return str(result.graph().serialize(format="nt" if fmt == "nt" else "turtle"))
    if fmt == "json":
        return json.dumps(_json_results(result), ensure_ascii=False, indent=2) + "\n"
    if result.form == "ask":
        return ("true" if result.boolean else "false") + "\n"
    if fmt == "table":
        return _table(result)
    if fmt == "csv":
        return _csv(result)
    if fmt == "tsv":
        return _tsv(result)
    known = ", ".join(OUTPUT_FORMATS + GRAPH_OUTPUT_FORMATS)
    raise InputError(f"unknown output format {fmt!r} (known: {known})")


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


def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _csv(result: QueryResult) -> str:
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(term) for term in row])
    return output.getvalue()


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _tsv_value(term: Node | None) -> str:
    """A term in the SPARQL 1.1 TSV form (Turtle syntax)."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    assert isinstance(term, RdfLiteral)
    text = f'"{str(term).translate(_TSV_ESCAPES)}"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype is not None:
        return f"{text}^^<{term.datatype}>"
    return text


def _tsv(result: QueryResult) -> str:
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_tsv_value(term) for term in row) for row in result.rows]
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
