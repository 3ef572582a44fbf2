"""kg.query: requests classified from their syntax tree, prefixes, saved queries, output."""

from __future__ import annotations

import csv
import io
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import seed_graph
from rdflib import BNode, Dataset, Literal, URIRef
from seed_graph import single_number

from kg.errors import InputError
from kg.queries import QUERIES_DIR
from kg.query import (
    compact,
    format_result,
    parse_request,
    read_query_argument,
    run_query,
    run_update,
    saved_queries,
    saved_query,
)
from kg.store import QueryResult, open_store

COUNT_REFERENCES = "SELECT (COUNT(?r) AS ?n) WHERE { ?r a biro:BibliographicReference }"
INSERT = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> rdfs:label 'a' } }"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory, seed_dataset: Dataset) -> Path:
    """A read-only store for this module (tests that write make their own)."""
    return seed_graph.store_with(tmp_path_factory.mktemp("query") / "store", seed_dataset)


def test_common_prefixes_are_predeclared(store_path: Path) -> None:
    with open_store(store_path) as store:
        assert single_number(run_query(store, COUNT_REFERENCES)) == 9


def test_bindings_fix_a_variable_to_a_term(store_path: Path) -> None:
    query = "SELECT ?r WHERE { ?r a biro:BibliographicReference }"
    with open_store(store_path) as store:
        every = run_query(store, query)
        assert every is not None
        first = every.rows[0][0]
        assert first is not None
        bound = run_query(store, query, bindings={"r": first})
    assert bound is not None
    assert [row[0] for row in bound.rows] == [first]


def test_a_binding_is_a_term_not_query_text(store_path: Path) -> None:
    hostile = Literal('x" } } DROP ALL #')
    with open_store(store_path) as store:
        result = run_query(store, "SELECT ?s WHERE { ?s rdfs:label ?x }", bindings={"x": hostile})
    assert result is not None
    assert result.rows == ()


def test_a_binding_name_must_be_a_variable_name(store_path: Path) -> None:
    with open_store(store_path) as store, pytest.raises(InputError, match="variable name"):
        run_query(store, "SELECT * WHERE { ?s ?p ?o }", bindings={"s }": URIRef("urn:x")})


def test_queries_parsed_from_many_threads_at_once_all_parse() -> None:
    queries = [
        f"SELECT ?s{n} WHERE {{ ?s{n} ?p ?o FILTER(?o > {n}) }} LIMIT {n + 1}" for n in range(16)
    ]
    barrier = threading.Barrier(len(queries))

    def parse(query: str) -> str:
        barrier.wait()
        return parse_request(query).operation

    with ThreadPoolExecutor(len(queries)) as pool:
        operations = list(pool.map(parse, queries))
    assert operations == ["select"] * len(queries)
    assert parse_request(queries[0]).operation == "select"


def test_a_query_may_redeclare_a_predeclared_prefix(store_path: Path) -> None:
    query = "PREFIX biro: <http://purl.org/spar/biro/> " + COUNT_REFERENCES
    with open_store(store_path) as store:
        assert single_number(run_query(store, query, timeout=None)) == 9


@pytest.mark.parametrize(
    ("query", "operation"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "select"),
        ("ASK { ?s ?p ?o }", "ask"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "construct"),
        ("DESCRIBE <http://example.org/a>", "describe"),
        (INSERT, "update"),
        ("CLEAR GRAPH <http://example.org/g>", "update"),
    ],
)
def test_requests_are_classified_from_their_syntax_tree(query: str, operation: str) -> None:
    assert parse_request(query).operation == operation


def test_keywords_in_comments_and_strings_do_not_change_the_classification() -> None:
    query = "SELECT * WHERE { ?s ?p 'INSERT DATA SERVICE <http://x/>' } # DROP ALL\n"
    assert parse_request(query).operation == "select"


def test_updates_are_refused_unless_allowed(store_path: Path) -> None:
    with (
        open_store(store_path) as store,
        pytest.raises(InputError, match=r"update \(INSERT DATA\).*--update"),
    ):
        run_query(store, INSERT)


def test_an_allowed_update_changes_the_graph(tmp_path: Path, seed_dataset: Dataset) -> None:
    path = seed_graph.store_with(tmp_path / "store", seed_dataset)
    with open_store(path) as store:
        assert run_update(store, INSERT).added == 1
        assert not run_update(store, INSERT).changed
        count = run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s rdfs:label 'a' }")
        assert single_number(count) == 1


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { OPTIONAL { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } } }",
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "DELETE { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    ],
)
def test_service_is_always_refused(store_path: Path, query: str) -> None:
    with open_store(store_path) as store, pytest.raises(InputError, match="SERVICE is not allowed"):
        run_update(store, query) if "DELETE" in query else run_query(store, query)


def test_load_is_refused_even_with_update(store_path: Path) -> None:
    with open_store(store_path) as store, pytest.raises(InputError, match="LOAD is not allowed"):
        run_update(store, "LOAD <http://127.0.0.1:9/data.ttl>")


def test_a_syntax_error_reports_the_parsers_message_and_position() -> None:
    with pytest.raises(InputError) as error:
        parse_request("SELECT * WHERE {\n  ?s ?p\n}")
    message = str(error.value)
    assert message.startswith("SPARQL syntax error at line 2, column 3: Expected")
    assert message.endswith("  ?s ?p\n    ^")


def test_an_unknown_prefix_is_named() -> None:
    with pytest.raises(InputError, match="unknown prefix 'foo:'"):
        parse_request("SELECT * WHERE { ?s foo:bar ?o }")


def test_an_empty_query_is_refused() -> None:
    with pytest.raises(InputError, match="empty query"):
        parse_request("  \n")


def test_a_query_argument_may_be_a_file(tmp_path: Path) -> None:
    path = tmp_path / "count.rq"
    path.write_text(COUNT_REFERENCES)
    assert read_query_argument(str(path)) == COUNT_REFERENCES
    assert read_query_argument(COUNT_REFERENCES) == COUNT_REFERENCES
    with pytest.raises(InputError, match="cannot read"):
        read_query_argument(str(tmp_path / "missing.rq"))


def test_saved_queries_are_listed_with_their_titles(tmp_path: Path) -> None:
    (tmp_path / "references.rq").write_text(
        "# title: References in order\n# description: Each reference and its number.\n"
        "SELECT ?r WHERE { ?r a biro:BibliographicReference }\n"
    )
    (tmp_path / "untitled.rq").write_text("ASK {}\n")
    queries = saved_queries(tmp_path)
    assert [(q.name, q.title) for q in queries] == [
        ("references", "References in order"),
        ("untitled", ""),
    ]
    assert queries[0].description == "Each reference and its number."


def test_a_saved_query_is_found_by_name_and_an_unknown_name_lists_the_others(
    tmp_path: Path,
) -> None:
    (tmp_path / "count.rq").write_text("# title: Count\n" + COUNT_REFERENCES)
    assert saved_query("count", tmp_path).text.endswith(COUNT_REFERENCES)
    with pytest.raises(InputError, match=r"no saved query named 'nope' \(saved queries: count\)"):
        saved_query("nope", tmp_path)
    with pytest.raises(InputError, match="no saved query"):
        saved_query("../count", tmp_path)


def test_every_bundled_saved_query_parses_and_has_a_title() -> None:
    queries = saved_queries(QUERIES_DIR)
    assert queries
    for saved in queries:
        assert saved.title, saved.name
        assert parse_request(saved.text).operation in {"select", "ask", "construct", "describe"}


ROWS = QueryResult(
    form="select",
    variables=("item", "label", "count"),
    rows=(
        (
            URIRef("http://purl.org/spar/biro/BibliographicReference"),
            Literal('say "hi"\tthere', lang="en"),
            Literal(9),
        ),
        (BNode("b0"), None, Literal("x")),
    ),
)


def test_table_output_aligns_columns_and_uses_prefixed_names() -> None:
    lines = format_result(ROWS, "table").splitlines()
    assert lines[0] == "item                         label           count"
    assert lines[2].startswith('biro:BibliographicReference  say "hi"\tthere  9')
    assert lines[3] == "_:b0                                         x"


def test_csv_output_follows_the_sparql_csv_format() -> None:
    rows = list(csv.reader(io.StringIO(format_result(ROWS, "csv"))))
    assert rows == [
        ["item", "label", "count"],
        ["http://purl.org/spar/biro/BibliographicReference", 'say "hi"\tthere', "9"],
        ["_:b0", "", "x"],
    ]


def test_tsv_output_writes_terms_in_turtle_syntax() -> None:
    lines = format_result(ROWS, "tsv").splitlines()
    assert lines[0] == "?item\t?label\t?count"
    assert lines[1] == (
        '<http://purl.org/spar/biro/BibliographicReference>\t"say \\"hi\\"\\tthere"@en\t9'
    )


def test_json_output_is_sparql_results_json() -> None:
    document = json.loads(format_result(ROWS, "json"))
    assert document["head"] == {"vars": ["item", "label", "count"]}
    first, second = document["results"]["bindings"]
    assert first["label"] == {"type": "literal", "value": 'say "hi"\tthere', "xml:lang": "en"}
    assert first["count"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    assert second == {
        "item": {"type": "bnode", "value": "b0"},
        "count": {"type": "literal", "value": "x"},
    }


def test_ask_answers_print_true_or_false(store_path: Path) -> None:
    with open_store(store_path) as store:
        answer = run_query(store, "ASK { ?r a biro:BibliographicReference }")
    assert answer is not None
    assert format_result(answer, "table") == "true\n"
    assert json.loads(format_result(answer, "json")) == {"head": {}, "boolean": True}


def test_construct_answers_can_be_printed_as_rdf(store_path: Path) -> None:
    query = (
        "CONSTRUCT { ?r a biro:BibliographicReference } WHERE { ?r a biro:BibliographicReference }"
    )
    with open_store(store_path) as store:
        answer = run_query(store, query)
    assert answer is not None and answer.form == "graph"
    assert len(answer.graph()) == 9
    assert format_result(answer, "nt").count("\n") == 9
    assert format_result(answer, "table").splitlines()[0].split() == [
        "subject",
        "predicate",
        "object",
    ]
    with pytest.raises(InputError, match="for CONSTRUCT and DESCRIBE"):
        format_result(ROWS, "ttl")


def test_compact_names_fall_back_to_full_iris() -> None:
    assert compact(URIRef("http://purl.org/spar/cito/cites")) == "cito:cites"
    assert compact(URIRef("https://w3id.org/casekg/graph/document/k")) == "graph:document/k"
    assert compact(URIRef("http://unknown.example/x")) == "<http://unknown.example/x>"
