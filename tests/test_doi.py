"""DOIs: one canonical form, however they are written; malformed ones named as such."""

from __future__ import annotations

import pytest

from kg.doi import InvalidDoi, find_doi, normalize_doi, written_doi
from kg.rdf.namespaces import DOI

PLOS_DOI = "10.1371/journal.pone.0033693"
OLD_RESOLVER = str(DOI).replace("https://", "http://dx.")
"""The resolver's older form of a DOI link, as older reference lists print it (the
host spelled through the namespace: tests name no live host)."""


@pytest.mark.parametrize(
    ("written", "doi"),
    [
        ("10.1371/JOURNAL.PONE.0033693", PLOS_DOI),
        ("doi:10.1371/journal.pone.0033693.", PLOS_DOI),
        (f"{DOI}10.1371/journal.pone.0033693", PLOS_DOI),
        (f"{OLD_RESOLVER}10.1371%2Fjournal.pone.0033693", PLOS_DOI),
        ("DOI: 10.1016/S0140-6736(20)30183-5", "10.1016/s0140-6736(20)30183-5"),
        ("doi:10.1000/xyz123)", "10.1000/xyz123"),
    ],
)
def test_doi_is_normalised(written: str, doi: str) -> None:
    assert normalize_doi(written) == doi


@pytest.mark.parametrize("written", ["10.12/abc", "doi:10.1371", "11.1234/x", "banana", ""])
def test_malformed_doi_is_rejected(written: str) -> None:
    with pytest.raises(InvalidDoi, match="is not a DOI"):
        normalize_doi(written)


@pytest.mark.parametrize(
    "text",
    [
        "10.1371/journal.pone.0033693",
        "doi:10.1371/JOURNAL.PONE.0033693.",
        f"{DOI}10.1371/journal.pone.0033693",
        "Sadasivan S. PLoS One. 2012. doi: 10.1371/journal.pone.0033693",
        f"J Korean Soc Radiol. 2022;83:1. {DOI}10.1371/journal.pone.0033693",
    ],
)
def test_a_doi_in_running_text_is_found(text: str) -> None:
    assert find_doi(text) == PLOS_DOI


def test_text_without_a_doi_gives_none() -> None:
    assert find_doi("Gore I, Arons W. Arch Pathol 1949;48:1-12") is None
    assert find_doi(None) is None


def test_an_announced_but_malformed_doi_is_an_error() -> None:
    with pytest.raises(InvalidDoi):
        written_doi("Smith J. A title. J Foo 2001;1:2. doi: 10.12/abc")


def test_a_string_without_a_doi_has_no_written_doi() -> None:
    assert written_doi("Smith J. A title. J Foo 2001;1:2.") is None
