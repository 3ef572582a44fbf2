"""`kg resolve`: inputs, output formats, progress and exit codes, against the local server."""

from __future__ import annotations

import io
import json
import socket
from pathlib import Path

import pytest
import rispy
from bibtexparser.entrypoint import parse_string
from crossref_server import CrossrefServer, vancouver

from kg.cli import main

PLOS = "10.1371/journal.pone.0033693"
ITALIC_TITLE = "10.1001/jama.2014.11667"  # "<i>Abstraction: Windows</i>"
GORE_1949 = (
    "Gore I, Arons W. Calcification of the myocardium; a pathologic study of 13 cases. "
    "*Arch Pathol (Chic)* 1949;48:1-12"
)


@pytest.fixture
def kg_resolve(
    crossref_server: CrossrefServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """The command with the local server and a fresh cache."""
    monkeypatch.delenv("KG_OFFLINE", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    return [
        "resolve",
        "--crossref-url",
        crossref_server.url,
        "--cache-dir",
        str(tmp_path / "cache"),
        "--mailto",
        "casekg-tests@example.org",
    ]


def jsonl(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_jsonl_carries_the_decision_and_the_match(
    kg_resolve: list[str], crossref_server: CrossrefServer, capsys: pytest.CaptureFixture[str]
) -> None:
    citation = vancouver(crossref_server.work(PLOS) or {})
    assert main([*kg_resolve, "--format", "jsonl", citation]) == 0
    [line] = jsonl(capsys.readouterr().out)
    assert line["input"] == citation
    assert (line["doi"], line["status"]) == (PLOS, "matched")
    assert isinstance(line["score"], float) and isinstance(line["reasons"], list)
    assert (line["container"], line["year"]) == ("PLoS ONE", 2012)


def test_jsonl_unmatched_has_null_doi(
    kg_resolve: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    main([*kg_resolve, "--format", "jsonl", GORE_1949])
    [line] = jsonl(capsys.readouterr().out)
    assert (line["doi"], line["status"], line["title"]) == (None, "unmatched", None)


def test_titles_are_shown_without_markup(
    kg_resolve: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    main([*kg_resolve, "--format", "jsonl", f"doi:{ITALIC_TITLE}"])
    assert jsonl(capsys.readouterr().out)[0]["title"] == "Abstraction: Windows"


def test_table_lists_status_and_doi_in_input_order(
    kg_resolve: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    main([*kg_resolve, f"doi:{ITALIC_TITLE}", GORE_1949])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["#", "STATUS", "SCORE", "DOI"]
    assert lines[1].split()[:2] == ["1", "matched"] and ITALIC_TITLE in lines[1]
    assert lines[2].split()[:2] == ["2", "unmatched"]


def test_file_gives_one_citation_per_line(
    kg_resolve: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = tmp_path / "citations.txt"
    listing.write_text(f"doi:{PLOS}\n\n   \n{GORE_1949}\n", encoding="utf-8")
    main([*kg_resolve, "--format", "jsonl", "--file", str(listing)])
    assert [line["input"] for line in jsonl(capsys.readouterr().out)] == [f"doi:{PLOS}", GORE_1949]


def test_dash_reads_citations_from_stdin(
    kg_resolve: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"doi:{PLOS}\n"))
    main([*kg_resolve, "--format", "jsonl", "-"])
    assert jsonl(capsys.readouterr().out)[0]["doi"] == PLOS


def test_bibtex_output_parses_and_leaves_out_the_unmatched(
    kg_resolve: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    main([*kg_resolve, "--format", "bibtex", f"doi:{PLOS}", GORE_1949])
    captured = capsys.readouterr()
    library = parse_string(captured.out)
    assert [entry["doi"] for entry in library.entries] == [PLOS]
    assert "1 of 2 citations have no matched work" in captured.err


def test_ris_output_parses(kg_resolve: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    main([*kg_resolve, "--format", "ris", f"doi:{PLOS}"])
    assert rispy.loads(capsys.readouterr().out)[0]["doi"] == PLOS


def test_csljson_output_parses(kg_resolve: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    main([*kg_resolve, "--format", "csljson", f"doi:{PLOS}", f"doi:{PLOS.upper()}"])
    assert [item["DOI"] for item in json.loads(capsys.readouterr().out)] == [PLOS]


def test_forced_progress_bar_goes_to_stderr(
    kg_resolve: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    main([*kg_resolve, "--progress", f"doi:{PLOS}"])
    assert "resolving" in capsys.readouterr().err


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    kg_resolve: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    main([*kg_resolve, *[f"doi:{PLOS}"] * 6])
    assert capsys.readouterr().err == ""


def test_empty_input_exits_2(kg_resolve: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(kg_resolve) == 2
    assert "no citations given" in capsys.readouterr().err


def test_unreadable_file_exits_2(
    kg_resolve: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*kg_resolve, "--file", str(tmp_path / "missing.txt")]) == 2
    assert "cannot read citations from" in capsys.readouterr().err


def test_unreachable_server_with_nothing_cached_exits_4(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.delenv("KG_OFFLINE", raising=False)
    code = main(["resolve", "--crossref-url", url, "--cache-dir", str(tmp_path), GORE_1949])
    assert code == 4
    assert "Connection refused" in capsys.readouterr().err


def test_offline_answers_what_is_cached(
    kg_resolve: list[str], crossref_server: CrossrefServer, capsys: pytest.CaptureFixture[str]
) -> None:
    main([*kg_resolve, f"doi:{PLOS}"])
    crossref_server.reset_log()
    capsys.readouterr()
    assert main([*kg_resolve, "--offline", "--format", "jsonl", f"doi:{PLOS}", GORE_1949]) == 0
    captured = capsys.readouterr()
    assert [line["status"] for line in jsonl(captured.out)] == ["matched", "error"]
    assert captured.err.count("left unresolved") == 1
    assert crossref_server.request_count == 0
