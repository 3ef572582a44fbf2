"""Helpers for tests that need the seed's graph in a store, built whole or assembled directly."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Literal

from kg.build import BuildReport
from kg.document import Document
from kg.rdf import BuildActivity, InputFile, NamedGraph, assemble
from kg.rdf.document import document_graph, document_key, source_iri
from kg.rdf.namespaces import graph_iri
from kg.references import parse_reference
from kg.settings import Settings
from kg.store import QueryResult, open_store

BUILT_AT = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class SeedBuild:
    """An offline ``kg build`` of the bundled seed: the settings it ran with and its report."""

    settings: Settings
    report: BuildReport


def seed_dataset_of(document: Document) -> Dataset:
    """The seed's document graph and its provenance, as a build assembles them."""
    references = [parse_reference(raw.text, raw.number) for raw in document.references]
    key = document_key(document)
    named = NamedGraph(
        graph_iri("document", key),
        document_graph(document, references),
        (InputFile(source_iri(key), "seed.txt", document.sha256),),
    )
    return assemble([named], BuildActivity(BUILT_AT, BUILT_AT))


def store_with(path: Path, dataset: Dataset) -> Path:
    with open_store(path, create=True) as store:
        store.replace(dataset)
    return path


def single_number(result: QueryResult | None) -> int:
    """The one number a COUNT query answers."""
    assert result is not None
    value = result.rows[0][0]
    assert isinstance(value, Literal)
    return int(value)
