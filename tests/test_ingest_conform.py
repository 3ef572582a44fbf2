"""Every document we hold builds and conforms to ontology/shapes.ttl.

The document and annotation graphs of every document in tests/data/ and of the MACCROBAT
case texts in ../shared/cases/ are checked in one SHACL run (one run per document cost a
second each); each document then answers for the violations whose focus is one of its own
nodes. A violation on a real document is a bug in the extraction or in the shapes.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph

from kg.annotate import annotate
from kg.ingest import read_document
from kg.rdf.annotations import annotation_graph
from kg.rdf.document import document_graph, document_key
from kg.rdf.namespaces import graph_iri
from kg.rdf.ontology import ontology_graphs
from kg.references import parse_reference
from kg.settings import SHARED_DIR
from kg.validate import validate_graph
from kg.vocabulary import Knowledge

DATA_DIR = Path(__file__).parent / "data"
MACCROBAT_DIR = SHARED_DIR / "cases" / "maccrobat"
DOCUMENTS = sorted(
    [
        *(p for p in DATA_DIR.iterdir() if p.suffix in {".txt", ".xml", ".nxml"}),
        *MACCROBAT_DIR.glob("*.txt"),
    ]
)
KNOWLEDGE_LAYER = {
    "28353558.txt": "a finding named twice gets one quote selector twice (two oa:prefix, "
    "two oa:start/oa:end): the annotation layer's, issue #9",
    "elife-00003-v1.xml": "E. coli named twice gets one quote selector twice: the annotation "
    "layer's, issue #9",
    "elife-00003-author-year.txt": "E. coli named twice gets one quote selector twice: the "
    "annotation layer's, issue #9",
}


@pytest.fixture(scope="module")
def violations_by_document(knowledge: Knowledge) -> dict[str, list[str]]:
    data = Graph()
    keys: dict[str, str] = {}
    for path in DOCUMENTS:
        document = read_document(path)
        references = [parse_reference(raw.text, raw.number) for raw in document.references]
        data += document_graph(document, references)
        data += annotation_graph(document, annotate(document, references, knowledge))
        keys[path.name] = document_key(document)
    for named in ontology_graphs():
        if named.iri == graph_iri("vocabulary"):
            data += named.graph
    report = validate_graph(data)
    found: dict[str, list[str]] = defaultdict(list)
    for violation in report.violations:
        owners = [name for name, key in keys.items() if f"doc/{key}/" in violation.focus]
        for name in owners or ["(no document)"]:
            found[name].append(f"{violation.focus} {violation.path}: {violation.message}")
    return found


def test_the_documents_are_there() -> None:
    assert len([p for p in DOCUMENTS if p.parent == MACCROBAT_DIR]) == 100
    assert len([p for p in DOCUMENTS if p.parent == DATA_DIR]) >= 1


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=KNOWLEDGE_LAYER[p.name]))
        if p.name in KNOWLEDGE_LAYER
        else p
        for p in DOCUMENTS
    ],
    ids=lambda p: p.name,
)
def test_the_document_conforms(path: Path, violations_by_document: dict[str, list[str]]) -> None:
    assert violations_by_document.get(path.name, []) == []


def test_no_violation_is_left_without_its_document(
    violations_by_document: dict[str, list[str]],
) -> None:
    assert violations_by_document.get("(no document)", []) == []
