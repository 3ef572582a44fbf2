"""The CLI's named errors: a reader that goes away, an output file that cannot be written,
the file mode of exports, and an export with nothing in it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.cli import BROKEN_PIPE, main

KG = Path(sys.executable).parent / "kg"


def closed_reader(command: list[str], store: Path) -> subprocess.CompletedProcess[bytes]:
    """Run the real `kg` with its stdout a pipe whose reading end is closed at once.

    The output is larger than a pipe's buffer, so the command meets the closed pipe whether
    or not it started writing before the reader closed.
    """
    env = {**os.environ, "KG_STORE": str(store)}
    process = subprocess.Popen(
        [str(KG), *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    errors = process.stderr.read()
    process.stderr.close()
    return subprocess.CompletedProcess(command, process.wait(), b"", errors)


def test_export_to_a_reader_that_went_away_ends_quietly_with_141(seed_store: Path) -> None:
    finished = closed_reader(["export", "--format", "nt"], seed_store)
    assert finished.returncode == BROKEN_PIPE == 141
    assert finished.stderr == b""


def test_query_to_a_reader_that_went_away_ends_quietly_with_141(seed_store: Path) -> None:
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    finished = closed_reader(["query", "--format", "csv", everything], seed_store)
    assert finished.returncode == 141
    assert finished.stderr == b""


def test_export_into_a_directory_that_cannot_be_written_exits_2_naming_it(
    seed_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # /proc refuses new files even to root, who may write any ordinary directory.
    target = Path("/proc/graph.ttl")
    code = main(["export", "--store", str(seed_store), "--format", "ttl", "-o", str(target)])
    assert code == 2
    error = capsys.readouterr().err
    assert error.startswith(f"kg export: error: cannot write {target}: ")
    assert len(error.splitlines()) == 1


def test_export_into_a_missing_directory_exits_2(
    seed_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "graph.ttl"
    code = main(["export", "--store", str(seed_store), "--format", "ttl", "-o", str(target)])
    assert code == 2
    assert "no directory" in capsys.readouterr().err


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_an_exported_file_gets_the_mode_the_umask_gives(
    seed_store: Path, tmp_path: Path, umask_022: None
) -> None:
    target = tmp_path / "graph.nt"
    assert main(["export", "--store", str(seed_store), "--format", "nt", "-o", str(target)]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_an_export_over_a_file_keeps_that_files_mode(
    seed_store: Path, tmp_path: Path, umask_022: None
) -> None:
    target = tmp_path / "graph.nt"
    target.write_text("old\n")
    target.chmod(0o640)
    assert main(["export", "--store", str(seed_store), "--format", "nt", "-o", str(target)]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text() != "old\n"


@pytest.mark.parametrize("fmt", ["bibtex", "ris"])
def test_an_empty_bibliography_says_why_it_is_empty(
    seed_store: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    # The session's seed build is offline: no reference resolved to a DOI.
    assert main(["export", "--store", str(seed_store), "--format", fmt]) == 0
    error = capsys.readouterr().err
    assert f"no works to export as {fmt}: no reference in the graph has been resolved" in error
