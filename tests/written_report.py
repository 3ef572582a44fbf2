"""Reports written for a test: the text saved as a file, read and annotated as a user's."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.annotate import Annotations, annotate
from kg.document import Document
from kg.ingest import ingest
from kg.vocabulary import Knowledge


def read_written(tmp_path_factory: pytest.TempPathFactory, name: str, text: str) -> Document:
    """``text`` saved as ``name`` in a fresh folder and read like any case report."""
    path = Path(tmp_path_factory.mktemp(Path(name).stem)) / name
    path.write_text(text, encoding="utf-8")
    return ingest(path)


def annotated(document: Document, knowledge: Knowledge) -> Annotations:
    """A document's annotations with its own overlay (none for a written report)."""
    return annotate(document, [], knowledge.for_document(document))
