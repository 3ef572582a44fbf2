"""A damaged store says what is wrong, and `kg build` can start afresh (issue 12, item 4);
an import into a graph the build owns is refused with the list of them (item 5)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import seed_graph
from rdflib import Dataset, Literal, URIRef

from kg.cli import main
from kg.errors import InputError
from kg.importing import import_rdf
from kg.rdf.namespaces import graph_iri
from kg.settings import Settings
from kg.store import StoreDamaged, open_store

EX = "http://example.org/"


@pytest.fixture
def store_path(tmp_path: Path, seed_dataset: Dataset) -> Path:
    return seed_graph.store_with(tmp_path / "store", seed_dataset)


def _one_triple() -> Dataset:
    dataset = Dataset()
    dataset.graph(URIRef(EX + "g")).add((URIRef(EX + "s"), URIRef(EX + "p"), Literal("fresh")))
    return dataset


def test_a_garbled_current_is_named_with_the_way_out(
    store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (store_path / "CURRENT").write_bytes(b"\x00\xffnot a version\n")
    with pytest.raises(StoreDamaged, match=r"CURRENT should name a version.*kg build"):
        open_store(store_path)
    assert main(["stats", "--store", str(store_path)]) == 3
    error = capsys.readouterr().err
    assert "damaged" in error and "kg build" in error and len(error.strip().splitlines()) == 1


def test_deleted_versions_are_named_not_called_a_changing_store(store_path: Path) -> None:
    shutil.rmtree(store_path / "versions")
    with pytest.raises(StoreDamaged, match=r"versions/ is missing") as error:
        open_store(store_path)
    assert "keeps changing" not in str(error.value)


def test_a_store_opened_to_be_rebuilt_says_what_it_found_and_starts_afresh(
    store_path: Path,
) -> None:
    shutil.rmtree(store_path / "versions")
    with open_store(store_path, create=True) as store:
        assert not store.has_graph()
        assert "versions/ is missing" in store.damage[0]
        assert "starting a fresh store" in store.damage[0]
        store.replace(_one_triple())
        assert store.named_graphs() == [EX + "g"]
        assert store.has_graph()
    with open_store(store_path) as reopened:
        assert reopened.count_by_graph() == {EX + "g": 1}


def test_kg_build_recovers_a_store_with_a_garbled_current(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    seed_graph.store_with(store, _one_triple())
    (store / "CURRENT").write_text("../../etc\n")
    assert main(["build", "--offline", "--store", str(store)]) == 0
    assert "CURRENT should name a version" in capsys.readouterr().err
    with open_store(store) as rebuilt:
        assert str(graph_iri("ontology")) in rebuilt.named_graphs()


@pytest.mark.parametrize("kind", ["ontology", "document/10-3348-jksr-2021-0181", "provenance"])
def test_an_import_into_a_build_owned_graph_is_refused_with_the_list(
    store_path: Path, tmp_path: Path, kind: str
) -> None:
    data = tmp_path / "extra.ttl"
    data.write_text(f"<{EX}a> <{EX}b> <{EX}c> .\n")
    settings = Settings.resolve(store=store_path)
    with pytest.raises(InputError, match="the build owns") as error:
        import_rdf(data, settings, graph=str(graph_iri(kind)))
    assert str(graph_iri("ontology")) in str(error.value)
    assert str(graph_iri("document")) + "/<document>" in str(error.value)
    with open_store(store_path) as store:
        assert EX + "a" not in {str(s) for s, _, _ in store.read_graph()}
