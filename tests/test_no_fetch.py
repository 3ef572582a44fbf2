"""No URL is fetched because a document or a query says so (issue 12, "beyond the list"):
JSON-LD contexts, owl:imports, SERVICE, LOAD, XML external entities and DTDs, on every
input path: `kg import`, `kg validate`, `kg query` (and its update), `kg serve`, the Python
API, `kg build` of a JATS file and `kg resolve`.

Every URL points at a trap: an HTTP server on loopback that answers anything and records
every request it gets. Each test asserts that the trap got none.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from kg.cli import main
from kg.errors import InputError
from kg.query import run_query
from kg.serve import Endpoint, make_server
from kg.store import open_store


class Trap:
    """A loopback HTTP server that records every request and answers each with some RDF."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        trap = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                trap.requests.append(f"GET {self.path}")
                body = b'{"@context": {"name": "http://schema.org/name"}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                trap.requests.append(f"POST {self.path}")
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the trap's record is ``requests``."""

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        host, port = self._httpd.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> Trap:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


@pytest.fixture
def trap() -> Iterator[Trap]:
    with Trap() as running:
        requests.get(f"{running.url}/alive", timeout=10).raise_for_status()  # it must work
        running.requests.clear()
        yield running
        assert running.requests == [], f"fetched because the input said so: {running.requests}"


@pytest.fixture
def store(seed_store: Path, tmp_path: Path) -> Path:
    """A copy of the seed's store that a test may write to."""
    copy = tmp_path / "store"
    shutil.copytree(seed_store, copy)
    return copy


def imported(store: Path, tmp_path: Path, name: str, text: str) -> int:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return main(["import", str(path), "--store", str(store)])


# --------------------------------------------------------------------------- kg import


@pytest.mark.parametrize(
    "context",
    [
        "{trap}/context.jsonld",
        ["{trap}/one.jsonld", {"name": "http://schema.org/name"}],
        {"@import": "{trap}/imported.jsonld", "name": "http://schema.org/name"},
    ],
)
def test_a_json_ld_file_with_a_remote_context_fetches_nothing(
    trap: Trap, store: Path, tmp_path: Path, context: Any
) -> None:
    spelled = json.loads(json.dumps(context).replace("{trap}", trap.url))
    document = {"@context": spelled, "@id": "https://example.org/x", "name": "X"}
    code = imported(store, tmp_path, "remote.jsonld", json.dumps(document))
    assert code in (0, 2)  # refused or read without the context; never fetched


def test_owl_imports_in_an_imported_file_are_not_followed_by_import_or_validate(
    trap: Trap, store: Path, tmp_path: Path
) -> None:
    text = (
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<https://example.org/onto> a owl:Ontology ; owl:imports <{trap.url}/onto.ttl> .\n"
    )
    assert imported(store, tmp_path, "onto.ttl", text) == 0
    assert main(["validate", "--store", str(store)]) in (0, 1)


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE rdf:RDF SYSTEM "{trap}/rdf.dtd">',
        '<!DOCTYPE rdf:RDF [<!ENTITY ext SYSTEM "{trap}/entity.txt">]>',
        '<!DOCTYPE rdf:RDF [<!ENTITY % ext SYSTEM "{trap}/params.dtd"> %ext;]>',
    ],
)
def test_rdf_xml_with_external_entities_or_dtd_fetches_nothing(
    trap: Trap, store: Path, tmp_path: Path, doctype: str
) -> None:
    uses = "&ext;" if "ENTITY ext" in doctype else "plain"
    text = (
        '<?xml version="1.0"?>\n'
        f"{doctype.replace('{trap}', trap.url)}\n"
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="https://example.org/">\n'
        f'  <rdf:Description rdf:about="https://example.org/x"><ex:p>{uses}</ex:p>'
        "</rdf:Description>\n</rdf:RDF>\n"
    )
    assert imported(store, tmp_path, "entities.rdf", text) in (0, 2)


# --------------------------------------------------------------------------- queries


def service(trap: Trap) -> str:
    return f"SELECT * WHERE {{ SERVICE <{trap.url}/sparql> {{ ?s ?p ?o }} }}"


def test_kg_query_refuses_service_and_load_without_fetching(
    trap: Trap, store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", "--store", str(store), service(trap)]) == 2
    load = f"LOAD <{trap.url}/data.ttl>"
    assert main(["query", "--store", str(store), "--update", load]) == 2
    nested = f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{trap.url}/s> {{ ?s ?p ?o }} }}"
    assert main(["query", "--store", str(store), "--update", nested]) == 2
    errors = capsys.readouterr().err
    assert "SERVICE is not allowed" in errors and "LOAD is not allowed" in errors


def test_the_python_api_refuses_service_without_fetching(trap: Trap, store: Path) -> None:
    with open_store(store) as opened, pytest.raises(InputError, match="SERVICE"):
        run_query(opened, service(trap))


def test_kg_serve_refuses_service_without_fetching(trap: Trap, store: Path) -> None:
    with make_server(Endpoint(store, timeout=30), port=0) as running:
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        try:
            response = requests.get(running.url, params={"query": service(trap)}, timeout=60)
        finally:
            running.shutdown()
            thread.join()
    assert response.status_code == 400


# --------------------------------------------------------------------------- documents


def test_a_jats_file_with_a_remote_dtd_and_entities_is_built_without_fetching(
    trap: Trap, tmp_path: Path
) -> None:
    article = tmp_path / "article.xml"
    article.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD v1.2 '
        f'20190208//EN" "{trap.url}/JATS-journalpublishing1.dtd" [\n'
        f'  <!ENTITY ext SYSTEM "{trap.url}/entity.txt">\n'
        "]>\n"
        '<article article-type="case-report"><front><article-meta><title-group>'
        "<article-title>A case of myocardial calcification</article-title></title-group>"
        "</article-meta></front><body><sec><title>Case</title><p>A 60-year-old man &ext; "
        "had chest pain. CT showed calcification of the myocardium.</p></sec></body>"
        "</article>\n",
        encoding="utf-8",
    )
    store, cache = tmp_path / "store", tmp_path / "cache"
    code = main(["build", str(article), "--store", str(store), "--cache-dir", str(cache)])
    assert code in (0, 1, 2, 5)  # built, or refused by name; never fetched


def test_kg_resolve_fetches_no_url_written_in_a_citation(
    trap: Trap, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    citation = f"Smith J. A study. J Test. 2020;1:1-2. Available from: {trap.url}/paper.pdf"
    code = main(["resolve", citation, "--cache-dir", str(tmp_path / "cache")])
    assert code == 4  # Crossref (a closed port in the tests) is the only host asked
