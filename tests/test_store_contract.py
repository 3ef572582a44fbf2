"""One contract, two stores: embedded Oxigraph and a SPARQL 1.1 server (Virtuoso 7).

Every test runs against both. Virtuoso is started once for the module by
tests/virtuoso_server.py; if it cannot start, these tests fail (they never skip).
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from virtuoso_server import VirtuosoServer

from kg.cli import main
from kg.errors import InputError, StoreError
from kg.queries import QUERIES_DIR
from kg.query import run_query, run_update, saved_queries, saved_query
from kg.rdf.namespaces import doi_iri
from kg.store import GraphStore, open_store

EX = "http://example.org/"
TURTLE = b"""@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:a a ex:Work ; rdfs:label "first" .
ex:b a ex:Work ; rdfs:label "second"@en ; ex:cites ex:a .
"""


@pytest.fixture(scope="module")
def virtuoso() -> Iterator[VirtuosoServer]:
    with VirtuosoServer() as server:
        yield server


@pytest.fixture(params=["oxigraph", "virtuoso"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path | str]:
    """An empty store of each kind (Virtuoso: every casekg graph dropped after the test)."""
    if request.param == "oxigraph":
        yield tmp_path / "store"
        return
    server: VirtuosoServer = request.getfixturevalue("virtuoso")
    yield server.store_location
    with open_store(server.store_location, create=True) as store:
        for graph in store.named_graphs():
            virtuoso_drop(server, graph)


@pytest.fixture
def store(location: Path | str) -> Iterator[GraphStore]:
    with open_store(location, create=True) as opened:
        opened.load(TURTLE, "ttl", graph=EX + "works")
        yield opened


def _dataset(graph: str, label: str) -> Dataset:
    dataset = Dataset()
    dataset.graph(URIRef(graph)).add((URIRef(EX + "c"), RDFS.label, Literal(label)))
    return dataset


def _labels(store: GraphStore) -> set[str]:
    result = run_query(store, "SELECT ?l WHERE { ?s rdfs:label ?l }")
    return {str(row[0]) for row in result.rows}


def test_an_empty_store_is_an_error_that_says_to_build(location: Path | str) -> None:
    with pytest.raises(StoreError, match="no graph built yet"):
        open_store(location)


def test_a_loaded_graph_is_listed_and_counted(store: GraphStore) -> None:
    assert store.has_graph()
    assert store.named_graphs() == [EX + "works"]
    assert store.count_by_graph() == {EX + "works": 5}
    assert store.count_by_class() == {EX + "Work": 2}


def test_queries_see_the_union_of_the_graphs_and_graph_names_one(store: GraphStore) -> None:
    store.load(
        b'<http://example.org/c> <http://www.w3.org/2000/01/rdf-schema#label> "third" .',
        "nt",
        graph=EX + "more",
    )
    assert _labels(store) == {"first", "second", "third"}
    result = run_query(store, f"SELECT ?l WHERE {{ GRAPH <{EX}more> {{ ?s rdfs:label ?l }} }}")
    assert [str(row[0]) for row in result.rows] == ["third"]


def test_terms_come_back_as_they_went_in(store: GraphStore) -> None:
    result = run_query(store, f"SELECT ?l WHERE {{ <{EX}b> rdfs:label ?l }}")
    assert result.rows == ((Literal("second", lang="en"),),)
    ask = run_query(store, f"ASK {{ <{EX}b> <{EX}cites> <{EX}a> }}")
    assert ask.form == "ask" and ask.boolean is True


def test_construct_answers_triples(store: GraphStore) -> None:
    result = run_query(store, "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c }")
    assert set(result.graph()) == {
        (URIRef(EX + "a"), RDF.type, URIRef(EX + "Work")),
        (URIRef(EX + "b"), RDF.type, URIRef(EX + "Work")),
    }


def test_the_row_limit_cuts_and_says_so(store: GraphStore) -> None:
    result = run_query(store, "SELECT * WHERE { ?s ?p ?o }", limit=2)
    assert len(result.rows) == 2 and result.truncated


def test_an_update_where_sees_the_union_and_reports_what_it_changed(store: GraphStore) -> None:
    changes = run_update(
        store,
        f"INSERT {{ GRAPH <{EX}derived> {{ ?s rdfs:comment 'cited' }} }} "
        f"WHERE {{ ?x <{EX}cites> ?s }}",
    )
    assert changes.changed
    assert changes.after == changes.before + 1
    assert store.count_by_graph()[EX + "derived"] == 1


def test_an_update_that_matches_nothing_changes_nothing(store: GraphStore) -> None:
    changes = run_update(
        store,
        f"DELETE {{ GRAPH <{EX}works> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o ; <{EX}nothing> 1 }}",
    )
    assert not changes.changed
    assert changes.after == changes.before == 5
    assert "changed nothing" in changes.describe() or "as before" in changes.describe()


def test_an_update_writing_outside_graph_is_refused_with_the_reason(store: GraphStore) -> None:
    with pytest.raises(InputError, match="name the graph it changes"):
        run_update(store, f"INSERT DATA {{ <{EX}x> <{EX}p> 1 }}")


def test_replace_makes_the_dataset_the_content_and_keeps_what_it_is_told(
    store: GraphStore,
) -> None:
    store.load(b'<http://example.org/k> <http://example.org/p> "kept" .', "nt", graph=EX + "keep")
    store.replace(_dataset(EX + "fresh", "fresh"), keep=[EX + "keep"])
    assert store.named_graphs() == [EX + "fresh", EX + "keep"]
    assert _labels(store) == {"fresh"}


def test_dump_one_graph_and_everything(store: GraphStore) -> None:
    store.replace(_dataset(EX + "other", "other"), keep=[EX + "works"])
    one = store.read_graph(EX + "works")
    assert len(one) == 5
    nquads = store.dump("nq").decode()
    assert nquads.count("\n") == 6 and f"<{EX}other>" in nquads
    assert len(store.read_graph()) == 6


def test_a_syntax_error_is_an_input_error(store: GraphStore) -> None:
    with pytest.raises(InputError, match="syntax error"):
        run_query(store, "SELECT * WHERE { ?s ?p }")


def test_the_commands_run_against_a_sparql_server(
    virtuoso: VirtuosoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """kg build, query (and --update), stats and export with --store sparql+http://…"""
    store = virtuoso.store_location
    try:
        assert main(["build", "--offline", "--store", store]) == 0
        capsys.readouterr()
        count = "SELECT (COUNT(?r) AS ?n) WHERE { ?r a biro:BibliographicReference }"
        assert main(["query", "--store", store, "--format", "csv", count]) == 0
        assert capsys.readouterr().out.splitlines() == ["n", "9"]
        insert = (
            f"INSERT {{ GRAPH <{EX}marks> {{ ?r rdfs:comment 'seen' }} }} "
            "WHERE { ?r a biro:BibliographicReference }"
        )
        assert main(["query", "--store", store, "--update", insert]) == 0
        assert "from" in capsys.readouterr().err
        assert main(["stats", "--store", store, "--format", "json"]) == 0
        assert json.loads(capsys.readouterr().out)["graphs"][EX + "marks"] == 9
        assert main(["export", "--store", store, "--format", "nq"]) == 0
        assert f"<{EX}marks>" in capsys.readouterr().out
    finally:
        with open_store(store, create=True) as opened:
            for graph in opened.named_graphs():
                virtuoso_drop(virtuoso, graph)


def virtuoso_drop(server: VirtuosoServer, graph: str) -> None:
    requests.post(
        server.sparql_url, data={"update": f"DROP SILENT GRAPH <{graph}>"}, timeout=60
    ).raise_for_status()


def test_credentials_from_the_environment_answer_a_digest_challenge(
    virtuoso: VirtuosoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Virtuoso's /sparql-auth (and its Graph Store beside it) ask for HTTP Digest."""
    location = "sparql+" + virtuoso.auth_url
    with pytest.raises(StoreError, match="KG_STORE_USER"):
        open_store(location, create=True).load(TURTLE, "ttl", graph=EX + "secret")
    monkeypatch.setenv("KG_STORE_USER", "dba")
    monkeypatch.setenv("KG_STORE_PASSWORD", "dba")
    try:
        with open_store(location, create=True) as store:
            store.load(TURTLE, "ttl", graph=EX + "secret")
            assert store.count_by_graph() == {EX + "secret": 5}
    finally:
        virtuoso_drop(virtuoso, EX + "secret")


def test_every_saved_and_network_query_finds_the_same_rows_on_both_stores(
    location: Path | str,
) -> None:
    """The same query set runs on both stores: on a synthetic graph of two case reports each
    saved query and each network query (parameters bound as kg binds them) answers, with
    as many rows on Virtuoso as on Oxigraph (the counts as the embedded store gives them)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import synth

    out = io.StringIO()
    synth.generate(out, 12_000, seed=5)
    work = doi_iri(synth.Literature(1, 5).doi(0))
    case = doi_iri(synth.case_doi(1))
    bound = {
        "cocited_with": {"target": work},
        "coupled_with": {"target": work},
        "related_counts": {"case": case},
    }
    queries = [*saved_queries(), *saved_queries(QUERIES_DIR / "network")]
    with open_store(location, create=True) as store:
        store.load(out.getvalue().encode(), "nq", graph=EX + "unused")
        counts = {
            q.name: len(run_query(store, q.text, timeout=None, bindings=bound.get(q.name)).rows)
            for q in queries
        }
    assert counts == EXPECTED_ROWS
    # the highest-ranked work and its numbers, as rdflib also gives them (a MINUS Virtuoso
    # emptied, and a per-row spelling it answered with counts 1-3 lower, are why)
    with open_store(location) as store:
        top = run_query(
            store,
            saved_query("related_counts", QUERIES_DIR / "network").text,
            timeout=None,
            bindings=bound["related_counts"],
        ).rows[0]
    assert [str(term) for term in top] == [
        str(doi_iri(synth.Literature(1, 5).doi(10))),
        "349",
        "149",
        "200",
    ]


EXPECTED_ROWS = {
    "case_timeline": 10,
    "cases_by_etiology": 21,
    "concepts_by_category": 110,
    "concepts_shared_between_cases": 38,
    "documents": 2,
    "etiology_mechanism_sign": 56,
    "imaging_measurements": 4,
    "labs_out_of_range": 8,
    "mechanism_references": 87,
    "reference_citations": 94,
    "references_cited_by_several_cases": 16,
    "citation_coverage": 0,
    "citation_edges": 1056,
    "cocited_with": 229,
    "coupled_with": 68,
    "derivative_works": 0,
    "prior_works": 0,
    "related_counts": 50,
    "related_to_case": 0,
    "top_cited": 100,
    "works": 277,
    "works_by_year": 45,
}
"""Rows on the synthetic graph (seed 5, 12k triples) as embedded Oxigraph answers them."""
