"""A SHACL Core checker for the constraints ontology/shapes.ttl uses, with pySHACL's results.

pySHACL evaluates every property shape once per focus node, building its constraint objects
anew each time and asking rdflib's context-aware store for every value; a 1 MB case report
has ~13k concept mentions and their selectors, ~150k such evaluations, which made SHACL
validation a third of the build (bench/RESULTS.md). Here the shapes graph is read once into
checks, the data is indexed once (subject -> predicate -> objects, and the typed nodes), and
each check is a few dictionary lookups.

Only what the shapes use is implemented, each constraint with pySHACL's semantics (the same
comparisons, the same string forms of values, a result with or without ``sh:value`` as
pySHACL gives it): the targets ``sh:targetClass`` (instances of subclasses too, through
``rdfs:subClassOf`` in the data), ``sh:targetSubjectsOf``, ``sh:targetObjectsOf`` and
``sh:targetNode``; paths of predicates, sequences and ``sh:alternativePath``s of
predicates; the constraint parameters in ``_CHECKS``; one ``sh:message`` and
``sh:severity`` per shape that reports. ``compile_shapes`` refuses a shapes graph with
anything else (``UnsupportedShapes``) and kg.validate then runs pySHACL instead.
tests/test_validate_shapes.py checks that the two give the same results on the build of
the bundled report, broken in many ways.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from kg.rdf.namespaces import SH

Triple = tuple[Node, Node, Node]
_EMPTY: frozenset[Node] = frozenset()
_TYPE = RDF.type
_SUBCLASS = RDFS.subClassOf
_STRING = XSD.string
_LANG_STRING = RDF.langString
_PLAIN = (None, _LANG_STRING, _STRING)
"""Read once: rdflib's closed namespaces look a term up on every attribute read, and these
are read for every value a datatype or pattern constraint checks."""
_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)


class UnsupportedShapes(ValueError):
    """The shapes use a SHACL feature this checker does not implement."""


@dataclass
class DataIndex:
    """The data graph (the union of a build's graphs), indexed for the checks."""

    out: dict[Node, dict[Node, set[Node]]] = field(default_factory=dict)
    subjects_of: dict[Node, set[Node]] = field(default_factory=dict)
    objects_of: dict[Node, set[Node]] = field(default_factory=dict)
    typed: dict[Node, set[Node]] = field(default_factory=dict)
    _below: dict[Node, set[Node]] = field(default_factory=dict)

    @classmethod
    def of(cls, triples: Iterable[Triple], predicates: Iterable[Node] = ()) -> DataIndex:
        """Index ``triples`` (a triple given twice counts once). The subjects and objects of
        ``predicates`` (those a target names) are indexed as well."""
        index = cls()
        out = index.out
        for subject, predicate, obj in triples:
            by_predicate = out.get(subject)
            if by_predicate is None:
                out[subject] = {predicate: {obj}}
                continue
            objects = by_predicate.get(predicate)
            if objects is None:
                by_predicate[predicate] = {obj}
            else:
                objects.add(obj)
        wanted = set(predicates)
        for subject, by_predicate in out.items():
            for kind in by_predicate.get(_TYPE, ()):
                index.typed.setdefault(kind, set()).add(subject)
            for parent in by_predicate.get(_SUBCLASS, ()):
                index._below.setdefault(parent, set()).add(subject)
            for predicate in wanted.intersection(by_predicate):
                index.subjects_of.setdefault(predicate, set()).add(subject)
                index.objects_of.setdefault(predicate, set()).update(by_predicate[predicate])
        return index

    @property
    def triples(self) -> int:
        return sum(len(objects) for each in self.out.values() for objects in each.values())

    def objects(self, subject: Node, predicate: Node) -> set[Node] | frozenset[Node]:
        return self.out.get(subject, {}).get(predicate, _EMPTY)

    def instances(self, kind: Node) -> set[Node]:
        """Nodes typed ``kind`` or a class below it (``rdfs:subClassOf``, transitively)."""
        seen = {kind}
        todo = [kind]
        while todo:
            for child in self._below.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        found: set[Node] = set()
        for each in seen:
            found |= self.typed.get(each, set())
        return found

    def has_class(self, node: Node, kind: Node) -> bool:
        """pySHACL's sh:class test: a type of ``node`` is ``kind`` or a class below it."""
        if isinstance(node, Literal):
            return False
        for given in self.objects(node, _TYPE):
            seen = {given}
            todo = [given]
            while todo:
                current = todo.pop()
                if current == kind:
                    return True
                for parent in self.objects(current, _SUBCLASS):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
        return False


@dataclass(frozen=True)
class Result:
    """One validation result, as pySHACL's results graph states it."""

    focus: Node
    path: Node | None
    """The shape's sh:path node in the shapes graph (None for a node shape's own rule)."""
    message: str
    severity: URIRef
    shape: Node
    value: Node | None


Values = set[Node] | frozenset[Node]
Check = Callable[["DataIndex", Node, Values], Iterator[Node | None]]
"""A constraint: from the focus node and its value nodes, the value of each result (None for
a result without ``sh:value``)."""

Step = tuple[bool, tuple[Node, ...]]
"""One step of a path: the predicates whose objects it reaches (alternatives when several)."""


@dataclass
class Shape:
    node: Node
    path: Node | None
    steps: tuple[Step, ...] | None
    message: str
    severity: URIRef
    targets: list[tuple[Node, Node]]
    checks: list[Check] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)

    def values(self, data: DataIndex, focus: Node) -> Values:
        if self.steps is None:
            return {focus}
        nodes: Values = {focus}
        for _, predicates in self.steps:
            reached: set[Node] = set()
            for node in nodes:
                for predicate in predicates:
                    reached |= data.objects(node, predicate)
            nodes = reached
        return nodes

    def results(self, data: DataIndex, focus: Node) -> Iterator[Result]:
        values = self.values(data, focus)
        for check in self.checks:
            for value in check(data, focus, values):
                yield Result(focus, self.path, self.message, self.severity, self.node, value)
        for prop in self.properties:
            yield from prop.results(data, focus)

    def conforms(self, data: DataIndex, focus: Node) -> bool:
        return next(self.results(data, focus), None) is None

    def focus_nodes(self, data: DataIndex) -> set[Node]:
        focus: set[Node] = set()
        for kind, value in self.targets:
            if kind == SH.targetClass:
                focus |= data.instances(value)
            elif kind == SH.targetSubjectsOf:
                focus |= data.subjects_of.get(value, set())
            elif kind == SH.targetObjectsOf:
                focus |= data.objects_of.get(value, set())
            else:
                focus.add(value)
        return focus


class CompiledShapes:
    """A shapes graph read into checks."""

    def __init__(self, graph: Graph) -> None:
        self._graph = graph
        self._shapes: dict[Node, Shape] = {}
        roots = {subject for kind in _TARGETS for subject in graph.subjects(kind, None)}
        self.roots = [self._shape(node, reports=True) for node in sorted(roots, key=str)]

    @property
    def target_predicates(self) -> set[Node]:
        """The predicates whose subjects or objects are focus nodes."""
        kinds = (SH.targetSubjectsOf, SH.targetObjectsOf)
        return {value for shape in self.roots for kind, value in shape.targets if kind in kinds}

    def validate(self, data: DataIndex) -> list[Result]:
        return [
            result
            for shape in self.roots
            for focus in shape.focus_nodes(data)
            for result in shape.results(data, focus)
        ]

    def _shape(self, node: Node, *, reports: bool) -> Shape:
        known = self._shapes.get(node)
        if known is not None:
            return known
        graph = self._graph
        unknown = set(graph.predicates(node)) - _KNOWN - set(_CHECKS)
        if unknown:
            raise UnsupportedShapes(f"{node}: {', '.join(sorted(map(str, unknown)))}")
        if {RDFS.Class, OWL.Class} & set(graph.objects(node, RDF.type)):
            raise UnsupportedShapes(f"{node}: a shape that is also a class (implicit target)")
        messages = list(graph.objects(node, SH.message))
        has_checks = any(graph.value(node, predicate) is not None for predicate in _CHECKS)
        if len(messages) > 1 or (reports and has_checks and not messages):
            raise UnsupportedShapes(f"{node}: a shape that reports needs one sh:message")
        path = graph.value(node, SH.path)
        shape = Shape(
            node=node,
            path=path,
            steps=None if path is None else _steps(graph, path),
            message=str(messages[0]) if messages else "",
            severity=URIRef(str(graph.value(node, SH.severity) or SH.Violation)),
            targets=[(kind, value) for kind in _TARGETS for value in graph.objects(node, kind)],
        )
        self._shapes[node] = shape
        for predicate, make in _CHECKS.items():
            shape.checks += [make(self, value) for value in graph.objects(node, predicate)]
        shape.properties = [
            self._shape(prop, reports=reports) for prop in graph.objects(node, SH.property)
        ]
        return shape

    def operands(self, node: Node) -> list[Shape]:
        """The shapes of an sh:or list (their own results are not reported)."""
        return [self._shape(item, reports=False) for item in Collection(self._graph, node)]

    def items(self, node: Node) -> list[Node]:
        return list(Collection(self._graph, node))


def compile_shapes(graph: Graph) -> CompiledShapes:
    """``graph`` as checks; ``UnsupportedShapes`` if it uses more than they implement."""
    return CompiledShapes(graph)


def _steps(graph: Graph, path: Node) -> tuple[Step, ...]:
    if isinstance(path, URIRef):
        return ((True, (path,)),)
    if graph.value(path, RDF.first) is not None:
        return tuple(step for member in Collection(graph, path) for step in _steps(graph, member))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None and set(graph.predicates(path)) == {SH.alternativePath}:
        members = list(Collection(graph, alternatives))
        if all(isinstance(member, URIRef) for member in members):
            return ((True, tuple(members)),)
    raise UnsupportedShapes(f"a path this checker does not follow: {path}")


# Constraints, each as pySHACL evaluates it (pyshacl/constraints/core). ------------------


def _integer(value: Node) -> int:
    if not isinstance(value, Literal) or not isinstance(value.value, int):
        raise UnsupportedShapes(f"not an integer: {value}")
    return value.value


def _min_count(_: CompiledShapes, parameter: Node) -> Check:
    least = _integer(parameter)

    def check(data: DataIndex, focus: Node, values: Values) -> Iterator[Node | None]:
        if len(values) < least:
            yield None

    return check


def _max_count(_: CompiledShapes, parameter: Node) -> Check:
    most = _integer(parameter)

    def check(data: DataIndex, focus: Node, values: Values) -> Iterator[Node | None]:
        if len(values) > most:
            yield None

    return check


def _class(_: CompiledShapes, kind: Node) -> Check:
    def check(data: DataIndex, focus: Node, values: Values) -> Iterator[Node | None]:
        for value in values:
            if not data.has_class(value, kind):
                yield value

    return check


def _datatype(_: CompiledShapes, datatype: Node) -> Check:
    if datatype in (RDFS.Literal, RDFS.Datatype):
        raise UnsupportedShapes(f"sh:datatype {datatype}")

    def matches(value: Node) -> bool:
        if not isinstance(value, Literal):
            return False
        if value.datatype == datatype:
            if getattr(value, "ill_typed", None) is True:
                return False
            return _actual_datatype(value, datatype)
        if value.datatype is None and value.language is None and datatype == _STRING:
            return _actual_datatype(value, datatype)
        if datatype == _LANG_STRING and value.language:
            return _actual_datatype(value, datatype)
        return False

    def check(data: DataIndex, focus: Node, values: Values) -> Iterator[Node | None]:
        for value in values:
            if not matches(value):
                yield value

    return check


def _actual_datatype(value: Literal, datatype: Node) -> bool:
    kinds = _PYTHON_TYPES.get(datatype)
    return kinds is None or isinstance(value.value, kinds)


_PYTHON_TYPES: dict[Node, tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: (int,),
    XSD.float: (float,),
    XSD.decimal: (Decimal,),
    XSD.boolean: (bool,),
    XSD.date: (dt.date,),
    XSD.time: (dt.time,),
    XSD.dateTime: (dt.datetime,),
}
"""pySHACL's test that a literal of the datatype has a value of its kind."""


_NODE_KINDS: dict[Node, tuple[type, ...]] = {
    SH.IRI: (URIRef,),
    SH.Literal: (Literal,),
    SH.BlankNode: (BNode,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}


def _node_kind(_: CompiledShapes, kind: Node) -> Check:
    kinds = _NODE_KINDS.get(kind)
    if kinds is None:
        raise UnsupportedShapes(f"sh:nodeKind {kind}")

    def check(data: DataIndex, focus: Node, values: Values) -> Iterator[Node | None]:
        for value in values:
            if not isinstance(value, kinds):
                yield value

    return check


def _text(value: Node) -> str:
    """A value as pySHACL's string constraints read it (``value_node_to_string``)."""
    if isinstance(value, Literal) and value.value is not None and value.datatype in _PLAIN:
        return str(value.value)
    return str(value)


def _pattern(shapes: CompiledShapes, pattern: Node) -> Check:
    if not isinstance(pattern, Literal):
        raise UnsupportedShapes(f"sh:pattern {pattern}")
    compiled = re.compile(str(pattern.value))

    def check(data: DataIndex, focus: Node, values: Values) -> Iterator[Node | None]:
        for value in values:
            if isinstance(value, BNode) or not compiled.search(_text(value)):
                yield value

    return check


def _min_length(_: CompiledShapes, parameter: Node) -> Check:
    least = _integer(parameter)

    def check(data: DataIndex, focus: Node, values: Values) -> Iterator[Node | None]:
        if least == 0:
            return
        for value in values:
            if isinstance(value, BNode) or len(_text(value)) < least:
                yield value

    return check


def _comparable(node: Node) -> tuple[Any, bool]:
    """A value as pySHACL's sh:lessThan compares it, and whether it is a string."""
    if isinstance(node, BNode):
        raise UnsupportedShapes("sh:lessThan on a blank node")
    if isinstance(node, URIRef):
        return str(node), True
    if isinstance(node, Literal) and isinstance(node.value, str):
        return node.value, True
    return node, False


def _in_order(value: Node, bound: Node, strict: bool) -> bool:
    """pySHACL's sh:lessThan (``strict``) and sh:lessThanOrEquals test of one pair."""
    if isinstance(value, Literal) and isinstance(bound, Literal):
        left, right = value.value, bound.value
        if type(left) is int and type(right) is int:
            # what rdflib's comparison of two integer literals comes to, done directly:
            # a 1 MB text has ~24k text selectors
            return left < right if strict else left <= right
    left, left_text = _comparable(value)
    right, right_text = _comparable(bound)
    return left_text == right_text and bool(left < right if strict else left <= right)


def _pair(strict: bool) -> Callable[[CompiledShapes, Node], Check]:
    def make(_: CompiledShapes, other: Node) -> Check:
        if not isinstance(other, URIRef):
            raise UnsupportedShapes(f"sh:lessThan {other}")

        def check(data: DataIndex, focus: Node, values: Values) -> Iterator[Node | None]:
            compared = data.objects(focus, other)
            for value in values:
                if isinstance(value, BNode):
                    raise UnsupportedShapes("sh:lessThan of a blank node (pySHACL refuses it)")
                for bound in compared:
                    if not _in_order(value, bound, strict):
                        yield value

        return check

    return make


def _in(shapes: CompiledShapes, members: Node) -> Check:
    allowed = set(shapes.items(members))

    def check(data: DataIndex, focus: Node, values: Values) -> Iterator[Node | None]:
        for value in values:
            if value not in allowed:
                yield value

    return check


def _has_value(_: CompiledShapes, wanted: Node) -> Check:
    def check(data: DataIndex, focus: Node, values: Values) -> Iterator[Node | None]:
        if not any(value == wanted for value in values):
            yield None

    return check


def _or(shapes: CompiledShapes, members: Node) -> Check:
    operands = shapes.operands(members)
    if not operands:
        raise UnsupportedShapes("an empty sh:or")

    def check(data: DataIndex, focus: Node, values: Values) -> Iterator[Node | None]:
        for value in values:
            if not any(operand.conforms(data, value) for operand in operands):
                yield value

    return check


def _unique_lang(_: CompiledShapes, flag: Node) -> Check:
    wanted = isinstance(flag, Literal) and flag.value is True

    def check(data: DataIndex, focus: Node, values: Values) -> Iterator[Node | None]:
        if not wanted:
            return
        seen: set[str] = set()
        repeated: set[str] = set()
        for value in values:
            if isinstance(value, Literal) and value.language:
                lang = str(value.language).lower()
                (repeated if lang in seen else seen).add(lang)
        for _ in repeated:
            yield None

    return check


def _minimum(inclusive: bool) -> Callable[[CompiledShapes, Node], Check]:
    def make(_: CompiledShapes, bound: Node) -> Check:
        if not isinstance(bound, Literal):
            raise UnsupportedShapes(f"a minimum that is not a literal: {bound}")
        bound_text = isinstance(bound.value, str)

        def passes(value: Node) -> bool:
            if not isinstance(value, Literal) or isinstance(value.value, str) != bound_text:
                return False
            try:
                compared = compare_literal(value, bound)  # type: ignore[no-untyped-call]
            except (TypeError, NotImplementedError):
                return False
            return bool(compared >= 0 if inclusive else compared > 0)

        def check(data: DataIndex, focus: Node, values: Values) -> Iterator[Node | None]:
            for value in values:
                if not passes(value):
                    yield value

        return check

    return make


_CHECKS: dict[Node, Callable[[CompiledShapes, Node], Check]] = {
    SH.minCount: _min_count,
    SH.maxCount: _max_count,
    SH["class"]: _class,
    SH.datatype: _datatype,
    SH.nodeKind: _node_kind,
    SH.pattern: _pattern,
    SH.minLength: _min_length,
    SH.lessThan: _pair(strict=True),
    SH.lessThanOrEquals: _pair(strict=False),
    SH["in"]: _in,
    SH.hasValue: _has_value,
    SH["or"]: _or,
    SH.uniqueLang: _unique_lang,
    SH.minInclusive: _minimum(inclusive=True),
    SH.minExclusive: _minimum(inclusive=False),
}
_KNOWN = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SH.path,
    SH.property,
    SH.message,
    SH.severity,
    SH.name,
    SH.description,
    *_TARGETS,
}
