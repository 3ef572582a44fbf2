"""What a SPARQL request does, read from its syntax tree (rdflib's parser), never guessed.

Every surface that runs SPARQL (``kg query``, ``kg serve``, the dashboard, the stores'
``update``) asks here first: queries and updates are told apart, ``LOAD`` and ``SERVICE`` are
refused (casekg never fetches a URL a query names; Oxigraph would), and an update must name
the graph it writes, since the default graph is the union of all graphs on every store.

rdflib's SPARQL grammar (pyparsing) is not thread-safe, so one lock guards every parse.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from kg.errors import InputError

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
class ParsedRequest:
    """What a SPARQL request does. For an update, ``updates`` names each operation and
    ``union_where`` says which of them read the default graph in their WHERE (a
    DELETE/INSERT without WITH or USING): a store must make that the union of all graphs."""

    operation: Operation
    updates: tuple[str, ...] = ()
    union_where: tuple[bool, ...] = ()
    writes_default: str | None = None
    """The first operation that writes triples outside GRAPH (refused by check_update)."""

    def check_update(self) -> None:
        """InputError unless this is an update every store can apply the same way."""
        if self.operation != "update":
            raise InputError(f"this is a query ({self.operation}), not an update")
        if self.writes_default:
            raise InputError(
                f"this {self.writes_default} writes triples outside GRAPH: name the graph it "
                "changes (GRAPH <g> { ... } or WITH <g>); the default graph is the union of all "
                "graphs, which queries read and no update writes"
            )


_PARSER_LOCK = threading.Lock()
"""rdflib's SPARQL grammar (pyparsing) is not thread-safe: two threads parsing at once
corrupt its parse actions for the rest of the process. Every parse takes this lock."""


@functools.lru_cache(maxsize=512)
def parse_request(text: str, predeclared: tuple[str, ...] = ()) -> ParsedRequest:
    """Classify a query or update; InputError for a syntax error or a refused operation.

    ``predeclared`` are the prefixes the caller declares for the query (any other prefix
    a query uses without declaring it is named in the error). Answers are kept for the
    last 512 requests: a parse costs ~50 ms, and `kg serve` would otherwise parse each
    query twice (to refuse updates, then in kg.query.run_query)."""
    if not text.strip():
        raise InputError("empty query")
    tree, is_update = _parse(text)
    request = _classify_update(tree) if is_update else ParsedRequest(_QUERY_FORMS[tree[1].name])
    nodes = list(_walk(tree))
    if any(_name(node) == "ServiceGraphPattern" for node in nodes):
        raise InputError("SERVICE is not allowed: casekg never fetches a URL a query names")
    _check_prefixes(nodes, predeclared)
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
    operations = list(tree.request)
    names = tuple(_UPDATE_NAMES.get(_name(part) or "", "update") for part in operations)
    if "LOAD" in names:
        raise InputError("LOAD is not allowed: casekg never fetches a URL a query names")
    writes = [
        name for part, name in zip(operations, names, strict=True) if _writes_default_graph(part)
    ]
    union = tuple(
        _name(part) == "Modify" and "withClause" not in part and "using" not in part
        for part in operations
    )
    return ParsedRequest("update", names, union, writes[0] if writes else None)


def _writes_default_graph(operation: Any) -> bool:
    """True for an INSERT/DELETE whose template has triples outside GRAPH and no WITH.

    (rdflib's parse nodes answer ``get`` for a missing key with the key itself: test with
    ``in``.)"""
    if "withClause" in operation:
        return False
    templates: list[Any] = []
    if _name(operation) in ("InsertData", "DeleteData", "DeleteWhere") and "quads" in operation:
        templates.append(operation["quads"])
    elif _name(operation) == "Modify":
        templates += [operation[c]["quads"] for c in ("delete", "insert") if c in operation]
    return any("triples" in quads and quads["triples"] for quads in templates)


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


def _check_prefixes(nodes: Sequence[Any], predeclared: Sequence[str]) -> None:
    declared = set(predeclared)
    used: list[str] = []
    for node in nodes:
        if _name(node) == "PrefixDecl":
            declared.add(node.get("prefix") or "")
        elif _name(node) == "pname":
            used.append(node.get("prefix") or "")
    for prefix in used:
        if prefix not in declared:
            known = f"; predeclared: {', '.join(predeclared)}" if predeclared else ""
            raise InputError(
                f"SPARQL syntax error: unknown prefix {prefix + ':'!r} "
                f"(declare it with PREFIX {prefix}: <...>{known})"
            )


def _syntax_message(error: Any) -> str:
    line = error.line.rstrip("\n")
    return (
        f"SPARQL syntax error at line {error.lineno}, column {error.col}: {error.msg}\n"
        f"  {line}\n  {' ' * (error.col - 1)}^"
    )


# The union default graph for an update's WHERE, on a store that has no switch for it


_TOKENS = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\s]*>)
      | (?P<open>\{) | (?P<close>\}) | (?P<end>;)
      | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
    """,
    re.VERBOSE | re.DOTALL,
)


def with_union_where(text: str, request: ParsedRequest, graphs: Sequence[str]) -> str:
    """The update with ``USING <g>`` and ``USING NAMED <g>`` for every graph added before
    the WHERE of each DELETE/INSERT that reads the default graph, so that its WHERE sees the
    union of ``graphs`` (and ``GRAPH ?g`` each of them) as a query does.

    The WHERE keyword of an operation is found by a small lexer (comments, strings, IRIs and
    braces skipped): the first ``WHERE`` at brace depth 0 of the n-th operation, where
    operations end at a ``;`` at depth 0. The parse tree has said which operations need it.
    """
    if not any(request.union_where):
        return text
    using = " ".join(f"USING <{g}> USING NAMED <{g}>" for g in graphs)
    if not using:
        return text
    inserts: list[int] = []
    operation, depth, previous = 0, 0, ""
    seen_where = False
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth, previous = depth + 1, "{"
        elif kind == "close":
            depth -= 1
        elif kind == "end" and depth == 0:
            operation, seen_where = operation + 1, False
        elif kind == "word" and depth == 0:
            word = match.group().upper()
            if (
                word == "WHERE"
                and previous != "DELETE"
                and not seen_where
                and operation < len(request.union_where)
                and request.union_where[operation]
            ):
                inserts.append(match.start())
                seen_where = True
            previous = word
    for position in reversed(inserts):
        text = f"{text[:position]}{using} {text[position:]}"
    return text
