"""Case report files → a :class:`~kg.document.Document`, the model every later stage reads.

One module per seam: ``source`` (reading and checking a file), ``layout`` (blocks, reflow
and hyphenation), ``sentences`` (sentence boundaries), ``markers`` (in-text citations,
numbered and author-year), ``reflist`` (the reference list), ``text`` (plain text as
printed: front matter, sections, figures) and ``jats`` (JATS XML from PMC / Europe PMC).
"""

from __future__ import annotations

from pathlib import Path

from kg.document import Document
from kg.errors import InputError
from kg.ingest.jats import read_jats
from kg.ingest.source import MAX_BYTES, decode_text, normalise, read_bytes, sha256
from kg.ingest.text import parse_text

__all__ = ["MAX_BYTES", "ingest", "ingest_text", "read_document"]

XML_SUFFIXES = frozenset({".xml", ".nxml"})


def read_document(path: Path) -> Document:
    """Read a case report, plain text (UTF-8) or JATS XML (``.xml``, ``.nxml``);
    ``InputError`` says what is wrong with it. ``Document.sha256`` hashes the file's bytes."""
    path = Path(path)
    data = read_bytes(path)
    if path.suffix.lower() in XML_SUFFIXES:
        return read_jats(data, path.stem, str(path))
    return parse_text(decode_text(data, str(path)), path.stem, sha256(data), str(path))


ingest = read_document
"""The name ``kg.build`` calls the entry point by."""


def ingest_text(text: str, name: str) -> Document:
    """Parse a case report given as text; ``sha256`` is the hash of its UTF-8 encoding."""
    encoded = text.encode("utf-8", errors="surrogatepass")
    if len(encoded) > MAX_BYTES:
        raise InputError(f"{name}: text is too large ({len(encoded):,} bytes)")
    if "\x00" in text:
        raise InputError(f"{name}: binary data (NUL character at offset {text.index(chr(0))})")
    return parse_text(normalise(text), name, sha256(encoded), name)
