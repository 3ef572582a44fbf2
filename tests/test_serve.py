"""`kg serve`: the graph over the SPARQL 1.1 Protocol, read-only, on loopback."""

from __future__ import annotations

import concurrent.futures
import csv
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import requests
from rdflib import RDF, Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, XML, SPARQLWrapper

from kg.cli import build_parser, main
from kg.errors import StoreError
from kg.rdf.namespaces import SD
from kg.serve import MAX_REQUEST_BYTES, Endpoint, SparqlServer, make_server

COUNT_REFERENCES = "SELECT (COUNT(?r) AS ?n) WHERE { ?r a biro:BibliographicReference }"
COUNT_REFERENCES_DECLARED = "PREFIX biro: <http://purl.org/spar/biro/>\n" + COUNT_REFERENCES
"""What a generic client sends: it does not know casekg's predeclared prefixes."""


@pytest.fixture(scope="module")
def server(seed_store: Path) -> Iterator[SparqlServer]:
    with make_server(Endpoint(seed_store, timeout=30), port=0) as running:
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        yield running
        running.shutdown()
        thread.join()


def test_a_get_query_answers_in_sparql_json_results(server: SparqlServer) -> None:
    response = requests.get(
        server.url,
        params={"query": COUNT_REFERENCES},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/sparql-results+json")
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "9"


def test_a_form_post_and_a_direct_post_give_the_same_answer(server: SparqlServer) -> None:
    json_type = {"Accept": "application/sparql-results+json"}
    form = requests.post(
        server.url, data={"query": COUNT_REFERENCES}, headers=json_type, timeout=60
    )
    direct = requests.post(
        server.url,
        data=COUNT_REFERENCES.encode(),
        headers={"Content-Type": "application/sparql-query", **json_type},
        timeout=60,
    )
    assert form.status_code == direct.status_code == 200
    assert form.json() == direct.json()


def test_csv_is_served_when_the_client_asks_for_it(server: SparqlServer) -> None:
    response = requests.get(
        server.url,
        params={"query": COUNT_REFERENCES},
        headers={"Accept": "text/csv"},
        timeout=60,
    )
    assert list(csv.reader(io.StringIO(response.text))) == [["n"], ["9"]]


def test_a_construct_query_answers_in_turtle(server: SparqlServer) -> None:
    query = (
        "CONSTRUCT { ?r a biro:BibliographicReference } WHERE { ?r a biro:BibliographicReference }"
    )
    response = requests.get(server.url, params={"query": query}, timeout=60)
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert "BibliographicReference" in response.text


def test_an_update_is_refused_as_forbidden(server: SparqlServer) -> None:
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    as_query = requests.post(server.url, data={"query": update}, timeout=60)
    as_update = requests.post(server.url, data={"update": update}, timeout=60)
    assert as_query.status_code == as_update.status_code == 403


def test_a_service_clause_is_refused_before_anything_is_fetched(server: SparqlServer) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = requests.get(server.url, params={"query": query}, timeout=60)
    assert response.status_code == 400
    assert "SERVICE" in response.text


def test_a_syntax_error_is_a_bad_request_with_the_parser_message(server: SparqlServer) -> None:
    response = requests.get(server.url, params={"query": "SELECT WHERE {"}, timeout=60)
    assert response.status_code == 400
    assert "syntax error" in response.text


def test_an_unservable_accept_header_is_not_acceptable(server: SparqlServer) -> None:
    response = requests.get(
        server.url,
        params={"query": COUNT_REFERENCES},
        headers={"Accept": "image/png"},
        timeout=60,
    )
    assert response.status_code == 406


def test_only_the_sparql_path_is_served(server: SparqlServer) -> None:
    response = requests.get(server.url.replace("/sparql", "/etc/passwd"), timeout=60)
    assert response.status_code == 404


def test_an_oversized_request_is_refused_unread(server: SparqlServer) -> None:
    response = requests.post(
        server.url,
        data=b"#" * (MAX_REQUEST_BYTES + 1),
        headers={"Content-Type": "application/sparql-query"},
        timeout=60,
    )
    assert response.status_code == 413


def test_the_command_binds_to_loopback_by_default() -> None:
    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"


def test_serving_a_store_with_no_graph_fails_with_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="kg build"):
        make_server(Endpoint(tmp_path / "empty"), port=0)


def test_a_client_that_asks_for_nothing_gets_sparql_xml(server: SparqlServer) -> None:
    for accept in ("", "*/*"):
        response = requests.get(
            server.url, params={"query": COUNT_REFERENCES}, headers={"Accept": accept}, timeout=60
        )
        assert response.headers["Content-Type"].startswith("application/sparql-results+xml")
        answer = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.XML)
        assert isinstance(answer, ox.QuerySolutions)
        assert [s["n"].value for s in answer] == ["9"]


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_graphs_come_in_each_rdf_format_asked_for(
    server: SparqlServer, accept: str, fmt: ox.RdfFormat
) -> None:
    query = (
        "CONSTRUCT { ?r a biro:BibliographicReference } WHERE { ?r a biro:BibliographicReference }"
    )
    response = requests.get(
        server.url, params={"query": query}, headers={"Accept": accept}, timeout=60
    )
    assert response.headers["Content-Type"].startswith(accept)
    assert len(list(ox.parse(response.content, format=fmt))) == 9


def test_tsv_is_served_when_asked_for(server: SparqlServer) -> None:
    response = requests.get(
        server.url,
        params={"query": COUNT_REFERENCES},
        headers={"Accept": "text/tab-separated-values"},
        timeout=60,
    )
    assert response.text.splitlines() == ["?n", "9"]


def test_the_endpoint_describes_itself(server: SparqlServer) -> None:
    response = requests.get(server.url, headers={"Accept": "text/turtle"}, timeout=60)
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    service = URIRef(server.url)
    assert (service, RDF.type, SD.Service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.resultFormat, URIRef(ox.QueryResultsFormat.XML.iri)) in graph


def test_sparqlwrapper_reads_the_endpoint(server: SparqlServer) -> None:
    client = SPARQLWrapper(server.url)
    client.setQuery(COUNT_REFERENCES_DECLARED)
    client.setReturnFormat(JSON)
    answer: Any = client.query().convert()
    assert answer["results"]["bindings"][0]["n"]["value"] == "9"
    client.setReturnFormat(XML)
    document: Any = client.query().convert()
    assert document.getElementsByTagName("literal")[0].firstChild.data == "9"


def test_rdflib_sparqlstore_reads_the_endpoint(server: SparqlServer) -> None:
    graph = Graph(store=SPARQLStore(server.url))
    rows = list(graph.query(COUNT_REFERENCES_DECLARED))
    assert int(str(rows[0][0])) == 9  # type: ignore[index]


def test_fifty_clients_on_new_query_shapes_all_get_answers(seed_store: Path) -> None:
    """Regression (issue 12): the first burst of a new query shape from 50 clients broke
    rdflib's parser for the whole process; each client here sends shapes no one sent yet."""
    shapes = [
        f"SELECT (COUNT(?r) AS ?n{index}) WHERE {{ ?r a biro:BibliographicReference "
        f"FILTER(STRLEN(STR(?r)) > {index}) }}"
        for index in range(5)
    ]
    with make_server(Endpoint(seed_store, timeout=60), port=0) as running:
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        barrier = threading.Barrier(50)

        def client(number: int) -> list[int]:
            statuses = []
            with requests.Session() as session:
                barrier.wait()
                for shape in shapes[number % 5 :] + shapes[: number % 5]:
                    response = session.get(
                        running.url,
                        params={"query": shape + f" # client {number}"},
                        headers={"Accept": "text/csv"},
                        timeout=120,
                    )
                    statuses.append(response.status_code)
            return statuses

        with concurrent.futures.ThreadPoolExecutor(50) as pool:
            statuses = [s for result in pool.map(client, range(50)) for s in result]
        running.shutdown()
        thread.join()
    assert statuses == [200] * 250


def test_a_port_in_use_is_one_line_and_exit_2(
    server: SparqlServer, capsys: pytest.CaptureFixture[str]
) -> None:
    port = server.server_address[1]
    assert main(["serve", "--store", str(server.endpoint.store), "--port", str(port)]) == 2
    error = capsys.readouterr().err.strip()
    assert "in use" in error and len(error.splitlines()) == 1
