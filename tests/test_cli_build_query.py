"""`kg build` then `kg query`, in process through kg.cli.main and once as the real command."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.cli import main

COUNT_REFERENCES = "SELECT (COUNT(?r) AS ?n) WHERE { ?r a biro:BibliographicReference }"
KG = Path(sys.executable).parent / "kg"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A store built by `kg build --offline` (default document), and what the build printed."""
    directory = tmp_path_factory.mktemp("cli")
    store = directory / "store"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KG_CACHE_DIR", str(directory / "cache"))
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            code = main(["build", "--store", str(store), "--offline"])
        assert code == 0
        yield store, output.getvalue()


def test_build_prints_the_triples_of_each_graph(built: tuple[Path, str]) -> None:
    _, output = built
    assert "built 000_a1de3a5e3bf7a0c8.txt (10-3348-jksr-2021-0181) into" in output
    assert "graph:document/10-3348-jksr-2021-0181" in output
    assert "graph:provenance" in output
    assert "total" in output


def test_query_prints_nine_references(
    built: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store, _ = built
    assert main(["query", "--store", str(store), COUNT_REFERENCES]) == 0
    assert capsys.readouterr().out.split() == ["n", "-", "9"]


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("csv", "n\r\n9\r\n"),
        ("tsv", "?n\n9\n"),
    ],
)
def test_query_output_formats(
    built: tuple[Path, str], capsys: pytest.CaptureFixture[str], fmt: str, expected: str
) -> None:
    store, _ = built
    assert main(["query", "--store", str(store), "--format", fmt, COUNT_REFERENCES]) == 0
    assert capsys.readouterr().out == expected


def test_query_json_output_is_sparql_results(
    built: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store, _ = built
    assert main(["query", "--store", str(store), "--format", "json", COUNT_REFERENCES]) == 0
    bindings = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert bindings[0]["n"]["value"] == "9"


def test_query_reads_a_rq_file(
    built: tuple[Path, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store, _ = built
    path = tmp_path / "count.rq"
    path.write_text(COUNT_REFERENCES)
    assert main(["query", "--store", str(store), str(path)]) == 0
    assert capsys.readouterr().out.split()[-1] == "9"


def test_saved_queries_are_listed_and_run_by_name(
    built: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store, _ = built
    assert main(["query", "--list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing
    name = listing[0].split()[0]
    assert main(["query", "--store", str(store), "--saved", name]) == 0
    assert capsys.readouterr().out


def test_the_row_limit_is_reported_on_stderr(
    built: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store, _ = built
    query = "SELECT ?r WHERE { ?r a biro:BibliographicReference }"
    assert main(["query", "--store", str(store), "--limit", "2", query]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 4
    assert "stopped at 2 rows" in captured.err


def test_a_syntax_error_exits_2_with_the_parsers_message(
    built: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store, _ = built
    assert main(["query", "--store", str(store), "SELECT ?r WHERE { ?r a }"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("kg query: error: SPARQL syntax error at line 1, column 19: Expected")
    assert error.endswith("  SELECT ?r WHERE { ?r a }\n                    ^\n")


def test_an_update_without_update_flag_exits_2_and_changes_nothing(
    built: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store, _ = built
    current = (store / "CURRENT").read_text()
    assert main(["query", "--store", str(store), "CLEAR ALL"]) == 2
    assert "--update" in capsys.readouterr().err
    assert (store / "CURRENT").read_text() == current


def test_a_runaway_query_exits_2_naming_the_timeout(
    built: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    store, _ = built
    explosion = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    # A process of its own: the stopped query's thread ends with it (kg.store.deadline)
    kg = [sys.executable, "-m", "kg.cli", "query", "--store", str(store), "--timeout", "0.5"]
    done = subprocess.run([*kg, explosion], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "stopped after 0.5 s" in done.stderr


def test_update_flag_applies_an_update(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    insert = (
        "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> rdfs:label 'x' } }"
    )
    assert main(["import", "--store", str(store), _turtle(tmp_path)]) == 0
    assert main(["query", "--store", str(store), "--update", insert]) == 0
    assert main(["query", "--store", str(store), "SELECT ?l WHERE { ?s rdfs:label ?l }"]) == 0
    assert capsys.readouterr().out.split()[-1] == "x"


def _turtle(directory: Path) -> str:
    path = directory / "one.ttl"
    path.write_text("<http://example.org/a> <http://example.org/b> 1 .\n")
    return str(path)


def test_a_missing_store_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--store", str(tmp_path / "none"), COUNT_REFERENCES]) == 3
    assert "no graph built yet" in capsys.readouterr().err


def test_a_bad_document_exits_2_and_leaves_the_graph(
    built: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, _ = built
    current = (store / "CURRENT").read_text()
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x00\x01\x02PDF" * 100)
    assert main(["build", "--store", str(store), "--offline", str(binary)]) == 2
    assert "scan.txt" in capsys.readouterr().err
    assert (store / "CURRENT").read_text() == current


def test_the_installed_kg_command_builds_and_answers_nine(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "KG_STORE": str(tmp_path / "store"),
        "KG_CACHE_DIR": str(tmp_path / "cache"),
        "KG_OFFLINE": "1",
    }
    build = subprocess.run([KG, "build"], env=env, capture_output=True, text=True, check=False)
    assert build.returncode == 0, build.stderr
    query = subprocess.run(
        [KG, "query", COUNT_REFERENCES], env=env, capture_output=True, text=True, check=False
    )
    assert query.returncode == 0, query.stderr
    assert query.stdout.split()[-1] == "9"


def test_the_installed_kg_command_exits_2_on_a_syntax_error_and_3_without_a_store(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "KG_STORE": str(tmp_path / "none")}
    missing = subprocess.run([KG, "stats"], env=env, capture_output=True, text=True, check=False)
    assert missing.returncode == 3
    assert "no graph built yet" in missing.stderr
    syntax = subprocess.run(
        [KG, "query", "SELEC nothing"], env=env, capture_output=True, text=True, check=False
    )
    assert syntax.returncode == 2
    assert "SPARQL syntax error" in syntax.stderr
