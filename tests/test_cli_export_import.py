"""`kg export`, `kg import` and `kg stats` on the seed's graph, through kg.cli.main."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
import seed_graph
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV

from kg.cli import main
from kg.locking import command_lock
from kg.rdf.namespaces import graph_iri, slug
from kg.store import open_store

DOCUMENT_GRAPH = str(graph_iri("document", "10-3348-jksr-2021-0181"))
EXAMPLE = "http://example.org/"
OX_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


@pytest.fixture
def store(tmp_path: Path, seed_dataset: Dataset) -> Path:
    return seed_graph.store_with(tmp_path / "store", seed_dataset)


def _counts(store: Path) -> dict[str, int]:
    with open_store(store) as opened:
        return opened.count_by_graph()


@pytest.mark.parametrize("fmt", ["ttl", "nt", "trig", "nq", "jsonld", "rdfxml"])
def test_export_writes_a_file_that_parses_back(store: Path, tmp_path: Path, fmt: str) -> None:
    output = tmp_path / "out" / f"graph.{fmt}"
    output.parent.mkdir()
    assert main(["export", "--store", str(store), "--format", fmt, "-o", str(output)]) == 0
    quads = list(ox.parse(path=output, format=OX_FORMATS[fmt]))
    counts = _counts(store)
    if fmt in {"trig", "nq", "jsonld"}:
        assert len(quads) == sum(counts.values())
    else:
        assert len(quads) >= counts[DOCUMENT_GRAPH]
    assert [p.name for p in output.parent.iterdir()] == [output.name]


def test_export_of_one_graph_to_stdout(
    store: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code = main(["export", "--store", str(store), "--format", "nt", "--graph", DOCUMENT_GRAPH])
    assert code == 0
    graph = Graph().parse(data=capsysbinary.readouterr().out, format="nt")
    assert len(graph) == _counts(store)[DOCUMENT_GRAPH]


def test_export_of_an_unknown_graph_exits_2_and_leaves_the_old_file(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "old.nt"
    output.write_text("old content\n")
    arguments = ["export", "--store", str(store), "--format", "nt", "-o", str(output)]
    assert main([*arguments, "--graph", EXAMPLE + "none"]) == 2
    assert "no named graph" in capsys.readouterr().err
    assert output.read_text() == "old content\n"


def test_export_without_a_store_exits_3(tmp_path: Path) -> None:
    assert main(["export", "--store", str(tmp_path / "none"), "--format", "ttl"]) == 3


def _sample() -> Graph:
    graph = Graph()
    graph.add((URIRef(EXAMPLE + "a"), URIRef(EXAMPLE + "p"), Literal("one")))
    graph.add((URIRef(EXAMPLE + "a"), URIRef(EXAMPLE + "p"), Literal("two")))
    return graph


@pytest.mark.parametrize(
    ("extension", "rdflib_format"),
    [("nt", "nt"), ("ttl", "turtle"), ("jsonld", "json-ld"), ("rdf", "xml")],
)
def test_import_reads_triple_files_by_extension_into_a_graph_named_after_the_file(
    store: Path, tmp_path: Path, extension: str, rdflib_format: str
) -> None:
    path = tmp_path / f"extra-data.{extension}"
    path.write_text(_sample().serialize(format=rdflib_format))
    assert main(["import", "--store", str(store), str(path)]) == 0
    assert _counts(store)[str(graph_iri("import", "extra-data"))] == 2


DATASETS = {
    "trig": f'<{EXAMPLE}named> {{ <{EXAMPLE}a> <{EXAMPLE}p> "one", "two" . }}\n',
    "nq": f'<{EXAMPLE}a> <{EXAMPLE}p> "one" <{EXAMPLE}named> .\n'
    f'<{EXAMPLE}a> <{EXAMPLE}p> "two" <{EXAMPLE}named> .\n',
}


@pytest.mark.parametrize("extension", ["trig", "nq"])
def test_import_of_a_dataset_keeps_its_named_graphs(
    store: Path, tmp_path: Path, extension: str
) -> None:
    path = tmp_path / f"data.{extension}"
    path.write_text(DATASETS[extension])
    assert main(["import", "--store", str(store), str(path)]) == 0
    assert _counts(store)[EXAMPLE + "named"] == 2


def test_import_into_a_chosen_graph_records_its_provenance(store: Path, tmp_path: Path) -> None:
    path = tmp_path / "one.ttl"
    path.write_text(f"<{EXAMPLE}a> <{EXAMPLE}b> 1 .\n")
    target = EXAMPLE + "mine"
    assert main(["import", "--store", str(store), "--graph", target, str(path)]) == 0
    record_iri = str(graph_iri("provenance", f"import/{slug(target)}"))
    with open_store(store) as opened:
        assert opened.count_by_graph()[target] == 1
        record = opened.read_graph(record_iri)
    source = record.value(URIRef(target), PROV.wasDerivedFrom)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert str(record.value(source, URIRef("http://purl.org/dc/terms/identifier"))) == (
        f"sha256:{digest}"
    )


def test_import_into_a_graph_that_is_not_an_iri_exits_2(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "one.ttl"
    path.write_text(f"<{EXAMPLE}a> <{EXAMPLE}b> 1 .\n")
    assert main(["import", "--store", str(store), "--graph", "http://bad iri/", str(path)]) == 2
    assert "not an IRI" in capsys.readouterr().err


def test_import_creates_a_store_that_does_not_exist_yet(tmp_path: Path) -> None:
    path = tmp_path / "one.ttl"
    path.write_text(f"<{EXAMPLE}a> <{EXAMPLE}b> 1 .\n")
    store = tmp_path / "new-store"
    assert main(["import", "--store", str(store), str(path)]) == 0
    assert _counts(store)[str(graph_iri("import", "one"))] == 1


def test_import_of_an_unknown_extension_exits_2_naming_the_known_ones(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n")
    assert main(["import", "--store", str(store), str(path)]) == 2
    assert "unknown RDF file extension '.csv'" in capsys.readouterr().err


def test_import_of_a_broken_file_exits_2_and_changes_nothing(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text(f"<{EXAMPLE}a> <{EXAMPLE}b> .\n")
    current = (store / "CURRENT").read_text()
    assert main(["import", "--store", str(store), str(path)]) == 2
    assert "not valid ttl" in capsys.readouterr().err
    assert (store / "CURRENT").read_text() == current


def test_stats_prints_triples_per_graph_and_instances_per_class(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stats", "--store", str(store)]) == 0
    lines = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert ["graph:document/10-3348-jksr-2021-0181", str(_counts(store)[DOCUMENT_GRAPH])] in lines
    assert ["biro:BibliographicReference", "9"] in lines
    assert ["c4o:InTextReferencePointer", "6"] in lines


def test_stats_as_json(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--store", str(store), "--format", "json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["classes"]["http://purl.org/spar/biro/BibliographicReference"] == 9
    assert counts["graphs"][DOCUMENT_GRAPH] == _counts(store)[DOCUMENT_GRAPH]


def test_import_waits_for_a_command_that_holds_the_store(store: Path, tmp_path: Path) -> None:
    """A build publishing a new version while an import wrote into the old one would drop
    the imported graph: the import takes its turn under the command lock."""
    path = tmp_path / "extra-data.ttl"
    path.write_text(_sample().serialize(format="turtle"))
    waiting = threading.Event()

    class Waiting(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "waiting for another kg command" in record.getMessage():
                waiting.set()

    handler = Waiting()
    logging.getLogger("kg.locking").addHandler(handler)
    results: list[int] = []
    try:
        with command_lock(store):
            importer = threading.Thread(
                target=lambda: results.append(main(["import", "--store", str(store), str(path)]))
            )
            importer.start()
            assert waiting.wait(timeout=60)
            assert str(graph_iri("import", "extra-data")) not in _counts(store)
        importer.join(timeout=120)
    finally:
        logging.getLogger("kg.locking").removeHandler(handler)
    assert results == [0]
    assert _counts(store)[str(graph_iri("import", "extra-data"))] == 2
