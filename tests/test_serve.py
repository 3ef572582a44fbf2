"""`kg serve`: the graph over the SPARQL 1.1 Protocol, read-only, on loopback."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from kg.cli import build_parser
from kg.errors import StoreError
from kg.serve import MAX_REQUEST_BYTES, Endpoint, SparqlServer, make_server

COUNT_REFERENCES = "SELECT (COUNT(?r) AS ?n) WHERE { ?r a biro:BibliographicReference }"


@pytest.fixture(scope="module")
def server(seed_store: Path) -> Iterator[SparqlServer]:
    with make_server(Endpoint(seed_store, timeout=30), port=0) as running:
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        yield running
        running.shutdown()
        thread.join()


def test_a_get_query_answers_in_sparql_json_results(server: SparqlServer) -> None:
    response = requests.get(server.url, params={"query": COUNT_REFERENCES}, timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/sparql-results+json")
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "9"


def test_a_form_post_and_a_direct_post_give_the_same_answer(server: SparqlServer) -> None:
    form = requests.post(server.url, data={"query": COUNT_REFERENCES}, timeout=60)
    direct = requests.post(
        server.url,
        data=COUNT_REFERENCES.encode(),
        headers={"Content-Type": "application/sparql-query"},
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
