"""Citation exports read the works back from the crossref graph: `kg export --format bibtex`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import rispy
from bibtexparser.entrypoint import parse_string
from crossref_server import CrossrefServer, vancouver
from rdflib import Graph

from kg.citeformats import csl_item
from kg.cli import main
from kg.document import Document
from kg.rdf import BuildActivity, NamedGraph, assemble
from kg.rdf.bibliography import cited_works
from kg.rdf.crossref import crossref_graph
from kg.rdf.document import document_key
from kg.rdf.namespaces import graph_iri
from kg.references import parse_reference
from kg.resolve import resolve_references
from kg.settings import Settings
from kg.store import open_store

PLOS = "10.1371/journal.pone.0033693"
BUILT_AT = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def graph(
    seed_document: Document, crossref_server: CrossrefServer, crossref_settings: Settings
) -> Graph:
    """The crossref graph of a reference list citing one served work, resolved for real."""
    references = [
        parse_reference(vancouver(crossref_server.work(PLOS) or {}), 1),
        parse_reference(seed_document.references[2].text, 2),  # 1949: no DOI
    ]
    resolutions = resolve_references(references, crossref_settings)
    assert [r.status for r in resolutions] == ["matched", "unmatched"]
    return crossref_graph(seed_document, references, resolutions)


@pytest.fixture
def store(graph: Graph, seed_document: Document, tmp_path: Path) -> Path:
    named = NamedGraph(graph_iri("crossref", document_key(seed_document)), graph)
    with open_store(tmp_path / "store", create=True) as opened:
        opened.replace(assemble([named], BuildActivity(BUILT_AT, BUILT_AT)))
    return tmp_path / "store"


def test_only_resolved_works_are_listed(graph: Graph) -> None:
    assert [item["DOI"] for item in cited_works(graph)] == [PLOS]


def test_graph_gives_back_the_crossref_fields(
    graph: Graph, crossref_server: CrossrefServer
) -> None:
    [from_graph] = cited_works(graph)
    from_crossref = csl_item(crossref_server.work(PLOS) or {})
    fields = ["type", "title", "author", "container-title", "volume", "issue", "page", "DOI"]
    fields += ["issued", "ISSN", "publisher", "URL"]
    assert {f: from_graph.get(f) for f in fields} == {f: from_crossref.get(f) for f in fields}


def exported(store: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> Any:
    assert main(["export", "--store", str(store), "--format", fmt]) == 0
    return capsys.readouterr().out


def test_export_bibtex_parses_back(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    library = parse_string(exported(store, "bibtex", capsys))
    assert [(entry.key, entry["doi"]) for entry in library.entries] == [
        ("Sadasivan2012Methylphenidate", PLOS)
    ]


def test_export_ris_parses_back(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert rispy.loads(exported(store, "ris", capsys))[0]["doi"] == PLOS


def test_export_csljson_parses_back(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert json.loads(exported(store, "csljson", capsys))[0]["DOI"] == PLOS
