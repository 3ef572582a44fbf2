"""Commands that change the graph wait for each other (issue 12, "known race"): two `kg add`
at once each keep the documents the store holds when they publish, not when they started,
so both documents are in the graph afterwards."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from kg.catalogue import stored_documents
from kg.store import open_store

KG = Path(sys.executable).parent / "kg"
SECOND_CASE = Path(__file__).parent / "data" / "second_case.txt"


def copy_of_a_case(directory: Path, name: str) -> Path:
    """The small test case under another file name: a document of its own (no DOI, so the
    file name is its key)."""
    path = directory / name
    shutil.copy(SECOND_CASE, path)
    return path


def test_two_concurrent_adds_both_keep_their_document(tmp_path: Path) -> None:
    store = tmp_path / "store"
    env = {**os.environ, "KG_STORE": str(store), "KG_OFFLINE": "1"}
    first = copy_of_a_case(tmp_path, "first.txt")
    subprocess.run([str(KG), "build", str(first)], env=env, check=True, capture_output=True)
    added = [copy_of_a_case(tmp_path, name) for name in ("left.txt", "right.txt")]
    adds = [
        subprocess.Popen(
            [str(KG), "add", str(document)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for document in added
    ]
    errors = [add.communicate(timeout=300)[1] for add in adds]
    assert [add.returncode for add in adds] == [0, 0], errors
    with open_store(store) as opened:
        files = {name for document in stored_documents(opened) for name in document.files}
    assert files == {"first.txt", "left.txt", "right.txt"}
