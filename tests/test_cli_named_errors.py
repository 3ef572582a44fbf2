"""Named errors instead of tracebacks (issue 12, items 3 and 7), each from the real `kg` in a
subprocess: one line naming the problem on stderr and the documented exit code (kg.errors,
README "Exit codes")."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

KG = Path(sys.executable).parent / "kg"
CLOSED_PORT = "http://127.0.0.1:9"


def kg(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "KG_CROSSREF_API": CLOSED_PORT, **(env or {})}
    return subprocess.run(
        [str(KG), *arguments], capture_output=True, text=True, env=environment, timeout=300
    )


def one_error_line(finished: subprocess.CompletedProcess[str], command: str) -> str:
    """The stderr of a command that failed cleanly: exactly one line, ``kg CMD: error: ...``."""
    lines = finished.stderr.splitlines()
    assert len(lines) == 1, finished.stderr
    assert lines[0].startswith(f"kg {command}: error: ")
    assert "Traceback" not in finished.stderr
    return lines[0]


def to_a_reader_already_gone(*arguments: str) -> subprocess.CompletedProcess[bytes]:
    """Run `kg` with stdout a pipe whose reading end is closed before the command starts, so
    its first write meets the closed pipe whatever the output's size (`kg stats | head`)."""
    reading, writing = os.pipe()
    os.close(reading)
    try:
        return subprocess.run(
            [str(KG), *arguments],
            stdout=writing,
            stderr=subprocess.PIPE,
            env={**os.environ, "KG_CROSSREF_API": CLOSED_PORT},
            timeout=300,
        )
    finally:
        os.close(writing)


# --------------------------------------------------------------------------- the cache


def test_a_damaged_cache_file_is_exit_2_naming_it(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "crossref.sqlite").write_bytes(b"this is not an SQLite database\n" * 10)
    finished = kg("build", "--store", str(tmp_path / "store"), "--cache-dir", str(cache))
    assert finished.returncode == 2
    line = one_error_line(finished, "build")
    assert f"the Crossref cache {cache / 'crossref.sqlite'} is damaged" in line


@pytest.mark.parametrize("kind", ["a file", "under /proc"])
def test_a_cache_directory_that_cannot_be_made_is_exit_2_naming_it(
    tmp_path: Path, kind: str
) -> None:
    if kind == "a file":
        cache = tmp_path / "cache"
        cache.write_text("a file where the cache directory should be\n")
    else:
        cache = Path("/proc/casekg-cache")  # refuses new entries even to root
    finished = kg("resolve", "Smith J. A study. 2001;1:1-2.", "--cache-dir", str(cache))
    assert finished.returncode == 2
    assert "cannot open the Crossref cache" in one_error_line(finished, "resolve")


# --------------------------------------------------------------------------- outputs


def test_export_into_an_unwritable_directory_is_exit_2(seed_store: Path) -> None:
    target = "/proc/casekg-graph.ttl"
    finished = kg("export", "--store", str(seed_store), "--format", "ttl", "-o", target)
    assert finished.returncode == 2
    assert f"cannot write {target}" in one_error_line(finished, "export")


@pytest.mark.parametrize(
    "command",
    [["stats"], ["stats", "--format", "json"], ["documents"], ["export", "--format", "nt"]],
)
def test_a_reader_that_went_away_ends_the_command_quietly_with_141(
    seed_store: Path, command: list[str]
) -> None:
    finished = to_a_reader_already_gone(*command, "--store", str(seed_store))
    assert finished.returncode == 141
    assert finished.stderr == b""


# --------------------------------------------------------------------------- options


@pytest.mark.parametrize("command", ["query", "serve"])
def test_a_negative_timeout_is_exit_2(seed_store: Path, command: str) -> None:
    query = ["SELECT * WHERE { ?s ?p ?o } LIMIT 1"] if command == "query" else []
    finished = kg(command, "--store", str(seed_store), "--timeout", "-1", *query)
    assert finished.returncode == 2
    assert "positive number of seconds" in finished.stderr
    assert "Traceback" not in finished.stderr


# --------------------------------------------------------------------------- the store


def garble(store: Path) -> None:
    """Overwrite every data file of the store's current version with random bytes."""
    for path in (store / "versions").rglob("*"):
        if path.is_file() and path.suffix in {".sst", ".log"}:
            path.write_bytes(os.urandom(100))


def test_a_garbled_store_is_exit_3_in_one_line(seed_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    garble(store)
    finished = kg("stats", "--store", str(store))
    assert finished.returncode == 3
    message = one_error_line(finished, "stats")
    assert str(store) in message
    assert "kg build" in message


def test_a_build_over_a_garbled_store_says_so_and_starts_afresh(
    seed_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    garble(store)
    finished = kg("build", "--store", str(store), "--offline", "--no-related")
    assert finished.returncode == 0, finished.stderr
    assert "Traceback" not in finished.stderr
    warnings = [line for line in finished.stderr.splitlines() if str(store) in line]
    assert warnings and "starting a fresh store" in warnings[0]
    assert kg("stats", "--store", str(store)).returncode == 0
