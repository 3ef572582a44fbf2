"""Bad input to ingest: each problem raises InputError (exit code 2) naming the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest import MAX_BYTES, ingest, ingest_text


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        ingest(tmp_path / "absent.txt")


def test_empty_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        ingest(path)


def test_whitespace_only_file_is_rejected_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(" \n\t\n  \r\n")
    with pytest.raises(InputError, match="empty"):
        ingest(path)


def test_binary_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match=r"binary file \(NUL byte at byte offset 8\)"):
        ingest(path)


def test_non_utf8_bytes_are_reported_with_their_offset(tmp_path: Path, seed_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"Calcification in the patient's c\xf4ur\n" + seed_path.read_bytes())
    with pytest.raises(InputError, match=r"not valid UTF-8 \(byte 0xf4 at byte offset 32\)"):
        ingest(path)


def test_ten_megabyte_file_fails_on_its_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(10 * 1024 * 1024)
    with pytest.raises(InputError, match="too large") as raised:
        ingest(path)
    assert "10,485,760 bytes" in str(raised.value)
    assert "a build grows with the text" in str(raised.value)


def test_too_large_text_is_rejected() -> None:
    with pytest.raises(InputError, match="too large"):
        ingest_text("a" * (MAX_BYTES + 1), "huge")


def test_document_without_reference_list_is_read_with_one_notice(
    tmp_path: Path, seed_path: Path
) -> None:
    text = seed_path.read_text(encoding="utf-8")
    path = tmp_path / "no-references.txt"
    path.write_text(text[: text.index("REFERENCES")], encoding="utf-8")
    document = ingest(path)
    assert document.notices == ("no reference list found: the citation layer is empty",)
    assert document.references == () and document.markers == ()
    assert document.metadata.title.startswith("Rapid Development of Diffuse Myocardial")
    assert any("metastatic calcification" in s.text for s in document.sentences)


def test_reference_heading_without_entries_gives_the_same_notice(seed_path: Path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    cut = text.index("1. Nance")
    document = ingest_text(text[:cut] + "See the online version.\n", "headless")
    assert document.notices == ("no reference list found: the citation layer is empty",)
    assert document.markers == ()


def test_directory_is_not_a_document(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a regular file"):
        ingest(tmp_path)


def test_input_errors_exit_with_code_two() -> None:
    assert InputError.exit_code == 2


def test_byte_order_mark_is_dropped_from_the_source(tmp_path: Path, seed_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + seed_path.read_bytes())
    document = ingest(path)
    assert document.source == seed_path.read_text(encoding="utf-8")
    assert document.metadata.title.startswith("Rapid Development")


def test_crlf_line_ends_become_lf_and_offsets_index_the_kept_text(
    tmp_path: Path, seed_path: Path
) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(seed_path.read_bytes().replace(b"\n", b"\r\n"))
    document = ingest(path)
    assert "\r" not in document.source
    for marker in document.markers:
        assert document.source[marker.span.start : marker.span.end] == marker.content
    assert len(document.sentences) == len(ingest(seed_path).sentences)


def test_unicode_line_separators_do_not_split_a_reference(seed_path: Path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    first = text.index("1. Nance")
    broken = text.replace("Crane GM, ", "Crane GM,\u2028", 1).replace("2. ", "2.\x85", 1)
    document = ingest_text(broken, "separators")
    assert len(document.source) == len(broken)
    assert len(document.references) == 9
    assert document.references[0].text.startswith("Nance JW Jr, Crane GM, Halushka MK")
    assert document.references[0].span.start == first + len("1. ")
