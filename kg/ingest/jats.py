"""JATS XML (PMC / Europe PMC open-access format) → the same Document as plain text."""

from __future__ import annotations

from kg.document import Document
from kg.errors import InputError


def read_jats(data: bytes, name: str, label: str) -> Document:
    raise InputError(f"{label}: JATS XML is not read yet")
