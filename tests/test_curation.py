"""The curation file: reviewed additions whose every quote must be in the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.curation import curation_path, load_curation
from kg.document import Document
from kg.errors import InputError
from kg.vocabulary import load_knowledge

CLAIM = """
[[claim]]
subject = "{subject}"
predicate = "{predicate}"
object = "t1-shortening"
kind = "authors' interpretation"
quote = "{quote}"
"""


def _concepts() -> set[str]:
    return {c.key for c in load_knowledge().vocabulary.concepts.values()}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "seed.curation.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _claim(
    subject: str = "calcium-deposition",
    predicate: str = "manifestsAs",
    quote: str = "the short T1 value of calcium",
) -> str:
    return CLAIM.format(subject=subject, predicate=predicate, quote=quote)


def test_the_bundled_curation_file_of_the_seed_loads_with_every_quote_found(
    seed_document: Document,
) -> None:
    curation = load_curation(seed_document, concepts=_concepts())
    assert curation.path == curation_path(seed_document)
    assert len(curation.claims) == 7
    assert {(s.subject, s.reference) for s in curation.supports} == {
        ("sarcoidosis", 7),
        ("chemotherapeutic-agents", 6),
    }
    assert len(curation.citation_scopes) == 1
    assert len(curation.rejections) == 2
    for claim in curation.claims:
        quoted = seed_document.source[claim.quote.span.start : claim.quote.span.end]
        assert " ".join(quoted.split()) == " ".join(claim.quote.text.split())


def test_a_quote_found_locates_its_sentence(seed_document: Document, tmp_path: Path) -> None:
    curation = load_curation(seed_document, _write(tmp_path, _claim()), _concepts())
    [claim] = curation.claims
    assert claim.quote.sentence_indexes == (45,)


def test_a_quote_spanning_two_sentences_locates_both(
    seed_document: Document, tmp_path: Path
) -> None:
    text = _claim(quote="chemotherapeutic agents. Thus, disease history")
    [claim] = load_curation(seed_document, _write(tmp_path, text), _concepts()).claims
    assert claim.quote.sentence_indexes == (41, 42)


def test_a_quote_not_in_the_report_is_an_error_naming_it(
    seed_document: Document, tmp_path: Path
) -> None:
    text = _claim(quote="calcium has a long T1")
    with pytest.raises(InputError, match=r"quote not found .*'calcium has a long T1'"):
        load_curation(seed_document, _write(tmp_path, text), _concepts())


def test_a_quote_found_twice_must_be_lengthened(seed_document: Document, tmp_path: Path) -> None:
    text = _claim(quote="sepsis and renal failure")
    with pytest.raises(InputError, match=r"occurs .* times .* lengthen it"):
        load_curation(seed_document, _write(tmp_path, text), _concepts())


def test_an_unknown_concept_is_an_error(seed_document: Document, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown concept 'calcium-crystals'"):
        load_curation(
            seed_document, _write(tmp_path, _claim(subject="calcium-crystals")), _concepts()
        )


def test_an_unknown_predicate_is_an_error(seed_document: Document, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown predicate 'proves'"):
        load_curation(seed_document, _write(tmp_path, _claim(predicate="proves")), _concepts())


def test_a_file_for_another_document_is_refused(seed_document: Document, tmp_path: Path) -> None:
    text = 'document = "another-report"\n' + _claim()
    with pytest.raises(InputError, match="not '000_a1de3a5e3bf7a0c8'"):
        load_curation(seed_document, _write(tmp_path, text), _concepts())


def test_broken_toml_is_an_error_naming_the_file(seed_document: Document, tmp_path: Path) -> None:
    path = _write(tmp_path, "[[claim]\nsubject = ")
    with pytest.raises(InputError, match=r"seed\.curation\.toml: unreadable curation file"):
        load_curation(seed_document, path)


def test_a_document_without_a_curation_file_has_an_empty_curation(
    seed_document: Document, tmp_path: Path
) -> None:
    curation = load_curation(seed_document, tmp_path / "missing.curation.toml")
    assert (curation.claims, curation.citation_scopes, curation.rejections) == ((), (), ())
