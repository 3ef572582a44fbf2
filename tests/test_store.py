"""The Oxigraph store: atomic versions, concurrent readers, load/dump, counts, time limits."""

from __future__ import annotations

import fcntl
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
import seed_graph
from rdflib import Dataset, Graph, Literal, URIRef
from seed_graph import single_number

from kg.errors import InputError, StoreError
from kg.rdf.namespaces import PREFIXES, graph_iri
from kg.store import QueryTimeout, open_store

COUNT_REFERENCES = (
    "PREFIX biro: <http://purl.org/spar/biro/> "
    "SELECT (COUNT(?r) AS ?n) WHERE { ?r a biro:BibliographicReference }"
)
EXAMPLE = "http://example.org/"


@pytest.fixture
def store_path(tmp_path: Path, seed_dataset: Dataset) -> Path:
    return seed_graph.store_with(tmp_path / "store", seed_dataset)


def _references(path: Path) -> int:
    with open_store(path) as store:
        return single_number(store.query(COUNT_REFERENCES))


def _version_directories(path: Path) -> list[str]:
    return sorted(p.name for p in (path / "versions").iterdir() if p.is_dir())


def _one_triple_dataset(value: str) -> Dataset:
    dataset = Dataset()
    dataset.graph(URIRef(EXAMPLE + "g")).add(
        (URIRef(EXAMPLE + "s"), URIRef(EXAMPLE + "p"), Literal(value))
    )
    return dataset


def test_a_missing_store_is_a_store_error_that_says_to_build(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"no graph built yet .* run kg build"):
        open_store(tmp_path / "nothing")


def test_a_built_store_answers_sparql_over_the_union_of_its_graphs(store_path: Path) -> None:
    assert _references(store_path) == 9


def test_graph_names_a_single_named_graph(store_path: Path) -> None:
    with open_store(store_path) as store:
        result = store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
    graphs = [str(row[0]) for row in result.rows]
    assert graphs == [
        str(graph_iri("document", "10-3348-jksr-2021-0181")),
        str(graph_iri("provenance")),
    ]


def test_a_failed_rebuild_leaves_the_previous_graph_intact(
    store_path: Path, seed_dataset: Dataset
) -> None:
    broken = Dataset()
    for graph in seed_dataset.graphs():
        target = broken.graph(graph.identifier)
        for triple in graph:
            target.add(triple)
    broken.graph(URIRef(EXAMPLE + "last")).add(
        (URIRef("not an iri"), URIRef(EXAMPLE + "p"), Literal("x"))
    )
    before = _version_directories(store_path)
    with open_store(store_path) as store, pytest.raises(StoreError, match="cannot store"):
        store.replace(broken)
    assert _version_directories(store_path) == before
    assert _references(store_path) == 9


def test_a_reader_keeps_its_version_while_a_rebuild_switches_to_another(store_path: Path) -> None:
    reader = open_store(store_path)
    assert single_number(reader.query(COUNT_REFERENCES)) == 9
    with open_store(store_path) as writer:
        writer.replace(_one_triple_dataset("new"))
    assert single_number(reader.query(COUNT_REFERENCES)) == 9
    assert len(_version_directories(store_path)) == 2
    assert _references(store_path) == 0
    reader.close()
    with open_store(store_path) as writer:
        writer.replace(_one_triple_dataset("newer"))
    assert len(_version_directories(store_path)) == 1


def test_a_reader_in_another_process_keeps_working_through_a_rebuild(store_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from kg.store import open_store
        store = open_store(sys.argv[1])
        def count():
            return int(store.query({COUNT_REFERENCES!r}).rows[0][0])
        print(count(), flush=True)
        sys.stdin.readline()
        print(count(), flush=True)
        """
    )
    reader = subprocess.Popen(
        [sys.executable, "-c", script, str(store_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout is not None and reader.stdin is not None
    assert reader.stdout.readline().strip() == "9"
    with open_store(store_path) as writer:
        writer.replace(_one_triple_dataset("rebuilt"))
    output, _ = reader.communicate("go\n", timeout=60)
    assert reader.returncode == 0
    assert output.strip() == "9"
    assert _references(store_path) == 0


def test_a_write_builds_on_the_newest_version_not_on_the_one_it_was_reading(
    store_path: Path,
) -> None:
    with open_store(store_path) as stale, open_store(store_path) as other:
        assert single_number(stale.query(COUNT_REFERENCES)) == 9
        other.load(b"<http://example.org/a> <http://example.org/b> 1 .", "ttl", graph=EXAMPLE + "x")
        stale.load(b"<http://example.org/a> <http://example.org/b> 2 .", "ttl", graph=EXAMPLE + "y")
        graphs = stale.named_graphs()
    assert EXAMPLE + "x" in graphs and EXAMPLE + "y" in graphs


def test_only_one_process_writes_at_a_time(store_path: Path) -> None:
    with (store_path / "write.lock").open("ab") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with open_store(store_path) as store, pytest.raises(StoreError, match="another kg"):
            store.replace(_one_triple_dataset("blocked"))
    assert _references(store_path) == 9


def test_old_versions_and_leftovers_of_a_crashed_build_are_removed(store_path: Path) -> None:
    (store_path / "versions" / "20000101T000000000000Z-dead").mkdir()
    with open_store(store_path) as store:
        store.replace(_one_triple_dataset("one"))
        store.replace(_one_triple_dataset("two"))
    current = (store_path / "CURRENT").read_text().strip()
    assert _version_directories(store_path) == [current]


def test_replace_keeps_the_graphs_it_is_told_to_keep(store_path: Path) -> None:
    with open_store(store_path) as store:
        store.load(b"<http://example.org/a> <http://example.org/b> 1 .", "ttl", graph=EXAMPLE + "x")
        store.replace(_one_triple_dataset("fresh"), keep=[EXAMPLE + "x"])
        assert store.named_graphs() == [EXAMPLE + "g", EXAMPLE + "x"]


def test_load_adds_a_turtle_file_to_its_graph_and_keeps_the_rest(store_path: Path) -> None:
    turtle = b"@prefix ex: <http://example.org/> . ex:a ex:b ex:c, ex:d ."
    with open_store(store_path) as store:
        assert store.load(turtle, "ttl", graph=EXAMPLE + "imported") == 2
        counts = store.count_by_graph()
    assert counts[EXAMPLE + "imported"] == 2
    assert _references(store_path) == 9


def test_a_quad_file_keeps_its_graphs_and_its_default_graph_goes_to_the_target(
    store_path: Path,
) -> None:
    trig = b"""@prefix ex: <http://example.org/> .
        ex:a ex:b ex:c .
        ex:named { ex:d ex:e ex:f . }"""
    with open_store(store_path) as store:
        store.load(trig, "trig", graph=EXAMPLE + "target")
        counts = store.count_by_graph()
    assert counts[EXAMPLE + "target"] == 1
    assert counts[EXAMPLE + "named"] == 1


def test_rdfxml_external_entities_are_never_read(store_path: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do-not-leak")
    xxe = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY leak SYSTEM "file://{secret}"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="{EXAMPLE}">
  <rdf:Description rdf:about="{EXAMPLE}a"><ex:p>&leak;</ex:p></rdf:Description>
</rdf:RDF>""".encode()
    with open_store(store_path) as store:
        with pytest.raises(InputError, match="not valid rdfxml"):
            store.load(xxe, "rdfxml", graph=EXAMPLE + "xml")
        assert b"do-not-leak" not in store.dump("nq")


def test_an_rdfxml_entity_bomb_is_refused(store_path: Path) -> None:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {name} "{("&" + previous + ";") * 10}">'
        for previous, name in zip("abcdefg", "bcdefgh", strict=True)
    )
    bomb = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ {entities} ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="{EXAMPLE}">
  <rdf:Description rdf:about="{EXAMPLE}a"><ex:p>&h;</ex:p></rdf:Description>
</rdf:RDF>""".encode()
    with open_store(store_path) as store, pytest.raises(InputError, match="amplification"):
        store.load(bomb, "rdfxml", graph=EXAMPLE + "xml")


def test_jsonld_remote_contexts_are_never_fetched(store_path: Path) -> None:
    document = b'{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://example.org/a"}'
    with open_store(store_path) as store, pytest.raises(InputError, match="remote contexts"):
        store.load(document, "jsonld", graph=EXAMPLE + "json")


def test_plain_rdfxml_loads(store_path: Path) -> None:
    document = f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="{EXAMPLE}">
  <rdf:Description rdf:about="{EXAMPLE}a"><ex:p>v</ex:p></rdf:Description>
</rdf:RDF>""".encode()
    with open_store(store_path) as store:
        assert store.load(document, "rdfxml", graph=EXAMPLE + "xml") == 1


def test_a_file_with_a_syntax_error_is_an_input_error_and_changes_nothing(
    store_path: Path,
) -> None:
    before = _version_directories(store_path)
    with open_store(store_path) as store, pytest.raises(InputError, match="not valid ttl"):
        store.load(b"@prefix ex: <http://example.org/> . ex:a ex:b", "ttl", graph=EXAMPLE + "x")
    assert _version_directories(store_path) == before


@pytest.mark.parametrize("fmt", ["trig", "nq", "jsonld"])
def test_dataset_formats_dump_every_quad(store_path: Path, fmt: str) -> None:
    with open_store(store_path) as store:
        data = store.dump(fmt)
        total = sum(store.count_by_graph().values())
    parsed = list(
        ox.parse(
            data,
            format={
                "trig": ox.RdfFormat.TRIG,
                "nq": ox.RdfFormat.N_QUADS,
                "jsonld": ox.RdfFormat.JSON_LD,
            }[fmt],
        )
    )
    assert len(parsed) == total
    assert not any(isinstance(q.graph_name, ox.DefaultGraph) for q in parsed)


@pytest.mark.parametrize("fmt", ["ttl", "nt", "rdfxml"])
def test_triple_formats_dump_the_union_of_the_graphs(store_path: Path, fmt: str) -> None:
    with open_store(store_path) as store:
        data = store.dump(fmt)
        distinct = store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT * { ?s ?p ?o } }")
    graph = Graph().parse(data=data, format={"ttl": "turtle", "nt": "nt", "rdfxml": "xml"}[fmt])
    assert len(graph) == single_number(distinct)


def test_turtle_export_uses_the_project_prefixes(store_path: Path) -> None:
    with open_store(store_path) as store:
        data = store.dump("ttl").decode()
    assert f"@prefix biro: <{PREFIXES['biro']}> ." in data


def test_one_named_graph_can_be_dumped_and_read_into_rdflib(store_path: Path) -> None:
    document = str(graph_iri("document", "10-3348-jksr-2021-0181"))
    with open_store(store_path) as store:
        size = store.count_by_graph()[document]
        graph = store.read_graph(document)
        only = Graph().parse(data=store.dump("nt", graph=document), format="nt")
    assert len(graph) == len(only) == size


def test_counts_by_class_include_the_references_and_pointers(store_path: Path) -> None:
    with open_store(store_path) as store:
        counts = store.count_by_class()
    assert counts["http://purl.org/spar/biro/BibliographicReference"] == 9
    assert counts["http://purl.org/spar/c4o/InTextReferencePointer"] == 6


def test_a_runaway_query_is_stopped_by_its_time_limit(store_path: Path) -> None:
    """In a process of its own: Oxigraph cannot interrupt the query, whose thread keeps a
    core busy until its process ends (here, the test's child; in use, the command)."""
    explosion = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    script = textwrap.dedent(
        f"""
        import sys, time
        from kg.store import QueryTimeout, open_store
        started = time.monotonic()
        try:
            open_store(sys.argv[1]).query({explosion!r}, timeout=0.5)
        except QueryTimeout as exc:
            print(exc, round(time.monotonic() - started, 1))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(store_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    message, seconds = done.stdout.strip().rsplit(" ", 1)
    assert message == "stopped after 0.5 s without an answer"
    assert float(seconds) < 5


def test_a_streaming_query_stops_reading_rows_at_its_time_limit(store_path: Path) -> None:
    """A query that yields rows is stopped between rows: no thread is left running."""
    rows = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    before = set(threading.enumerate())
    with (
        open_store(store_path) as store,
        pytest.raises(QueryTimeout, match=r"stopped after 0\.5 s"),
    ):
        store.query(rows, timeout=0.5)
    for thread in [t for t in set(threading.enumerate()) - before if t.name == "kg-query"]:
        thread.join(10)
        assert not thread.is_alive()


def test_a_query_with_a_time_limit_gives_the_same_answer_as_without(store_path: Path) -> None:
    query = "SELECT ?s ?o WHERE { ?s <http://purl.org/spar/c4o/hasContent> ?o } ORDER BY ?s ?o"
    with open_store(store_path) as store:
        assert store.query(query, timeout=30) == store.query(query)


def test_the_row_limit_cuts_the_answer_and_says_so(store_path: Path) -> None:
    with open_store(store_path) as store:
        for timeout in (None, 30.0):
            result = store.query("SELECT * WHERE { ?s ?p ?o }", limit=5, timeout=timeout)
            assert len(result.rows) == 5 and result.truncated
            assert not store.query(COUNT_REFERENCES, limit=5, timeout=timeout).truncated


def test_the_stores_own_syntax_errors_are_input_errors(store_path: Path) -> None:
    with open_store(store_path) as store:
        for timeout in (None, 30.0):
            with pytest.raises(InputError, match="SPARQL syntax error"):
                store.query("SELECT * WHERE { ?s ?p }", timeout=timeout)


def test_an_update_is_published_as_a_new_version(store_path: Path) -> None:
    insert = f"INSERT DATA {{ GRAPH <{EXAMPLE}g> {{ <{EXAMPLE}a> <{EXAMPLE}b> 1 }} }}"
    with open_store(store_path) as store:
        store.update(insert, timeout=30)
        store.update(insert.replace(" 1 ", " 2 "))
        assert store.count_by_graph()[EXAMPLE + "g"] == 2
        with pytest.raises(InputError):
            store.update("INSERT DATA { oops }")
        assert store.count_by_graph()[EXAMPLE + "g"] == 2
    assert len(_version_directories(store_path)) == 1


def test_a_service_clause_is_refused_by_the_store_itself(store_path: Path) -> None:
    """Python callers of store.query get the guard too: Oxigraph would fetch the URL."""
    for query in (
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    ):
        with open_store(store_path) as store, pytest.raises(InputError, match="SERVICE"):
            store.query(query)
