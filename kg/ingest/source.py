"""Reading a document file: the checks every format shares (exists, size cap, not binary),
and the decoded text that every offset of a plain-text Document indexes into."""

from __future__ import annotations

import hashlib
from pathlib import Path

from kg.errors import InputError

MAX_BYTES = 5 * 1024 * 1024
"""Case reports are tens of kilobytes; anything this large is not one, and building it
would take minutes (bench/RESULTS.md, "Build" and "Ingest")."""

_SEPARATORS = str.maketrans({"\u2028": " ", "\u2029": "\n", "\x85": " ", "\x0b": " ", "\x0c": "\n"})
"""Line and paragraph separators other than LF, one character for one so offsets hold: a
Unicode line separator or NEL inside a paragraph or a reference is a space, never a break
that would split one reference into several."""


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or InputError when it is missing, not a file or too large."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(
            f"{path}: file is too large ({size:,} bytes; a case report must be at most "
            f"{MAX_BYTES:,} bytes: case reports are tens of kilobytes, and a build grows with "
            "the text, about half a minute per megabyte)"
        )
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise InputError(f"{path}: file is too large (more than {MAX_BYTES:,} bytes)")
    return data


def decode_text(data: bytes, label: str) -> str:
    """UTF-8 text without NUL bytes, normalised (see ``normalise``)."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"{label}: binary file (NUL byte at byte offset {nul}); expected UTF-8 text"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{label}: not valid UTF-8 (byte 0x{data[error.start]:02x} at byte offset "
            f"{error.start})"
        ) from None
    return normalise(text)


def normalise(text: str) -> str:
    """No byte-order mark, LF line ends, other separators as one character each."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_SEPARATORS)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
