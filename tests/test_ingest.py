"""Ingest of the seed case report: front matter and metadata."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from kg.document import Document

RADIOLOGY = (
    "Department of Radiology, Chungnam National University Hospital, "
    "Chungnam National University School of Medicine, Daejeon, Korea"
)
CARDIOLOGY = (
    "Department of Cardiology in Internal Medicine, Chungnam National University Hospital, "
    "Chungnam National University School of Medicine, Daejeon, Korea"
)


def test_english_title_is_the_first_line_of_the_article(seed_document: Document) -> None:
    assert seed_document.metadata.title == (
        "Rapid Development of Diffuse Myocardial Calcification in a Patient after Recovery "
        "from Sepsis and Renal Failure: A Case Report"
    )


def test_korean_title_is_read_from_the_front_matter(seed_document: Document) -> None:
    assert seed_document.metadata.title_ko == (
        "패혈증과 신부전에서 회복된 환자에서 급속하게 발생한 미만성 심근 석회화: 증례 보고"
    )


def test_authors_are_listed_in_byline_order(seed_document: Document) -> None:
    names = [author.name for author in seed_document.metadata.authors]
    assert names == ["Mi Hyun Kang", "Song Soo Kim", "Byung Joo Sun", "Jae-Hyeong Park"]


def test_author_names_split_into_given_and_family(seed_document: Document) -> None:
    parts = [(a.given, a.family) for a in seed_document.metadata.authors]
    assert parts == [
        ("Mi Hyun", "Kang"),
        ("Song Soo", "Kim"),
        ("Byung Joo", "Sun"),
        ("Jae-Hyeong", "Park"),
    ]


def test_each_author_keeps_the_md_degree(seed_document: Document) -> None:
    assert all(author.degrees == ("MD",) for author in seed_document.metadata.authors)


def test_orcid_ids_are_matched_to_authors_by_name(seed_document: Document) -> None:
    orcids = {author.name: author.orcid for author in seed_document.metadata.authors}
    assert orcids == {
        "Mi Hyun Kang": "0000-0003-1206-3693",
        "Song Soo Kim": "0000-0002-3078-2184",
        "Byung Joo Sun": "0000-0001-6019-4343",
        "Jae-Hyeong Park": "0000-0001-7035-286X",
    }


def test_affiliation_markers_resolve_to_the_two_departments(seed_document: Document) -> None:
    metadata = seed_document.metadata
    departments = {a.marker: a.name for a in metadata.affiliations}
    assert departments == {"1": RADIOLOGY, "2": CARDIOLOGY}
    resolved = {a.name: [departments[m] for m in a.affiliation_markers] for a in metadata.authors}
    assert resolved == {
        "Mi Hyun Kang": [RADIOLOGY],
        "Song Soo Kim": [RADIOLOGY],
        "Byung Joo Sun": [CARDIOLOGY],
        "Jae-Hyeong Park": [CARDIOLOGY],
    }


def test_the_starred_author_is_the_corresponding_author(seed_document: Document) -> None:
    starred = [a.name for a in seed_document.metadata.authors if a.corresponding]
    assert starred == ["Song Soo Kim"]


def test_corresponding_author_block_gives_address_and_contacts(
    seed_document: Document,
) -> None:
    corresponding = seed_document.metadata.corresponding_author
    assert corresponding is not None
    assert corresponding.name == "Song Soo Kim"
    assert corresponding.address == (
        "Department of Radiology, Chungnam National University Hospital, Chungnam National "
        "University School of Medicine, 282 Munhwa-ro, Jung-gu, Daejeon 35015, Korea"
    )
    assert corresponding.email == "haneul88@hanmail.net"
    assert corresponding.phone == "82-42-280-7333"
    assert corresponding.fax == "82-42-253-0061"


def test_received_revised_accepted_dates_are_dates(seed_document: Document) -> None:
    metadata = seed_document.metadata
    assert (metadata.received, metadata.revised, metadata.accepted) == (
        dt.date(2021, 11, 23),
        dt.date(2022, 2, 14),
        dt.date(2022, 3, 21),
    )


def test_article_doi_comes_from_the_supplement_link(seed_document: Document) -> None:
    assert seed_document.metadata.doi == "10.3348/jksr.2021.0181"


def test_index_terms_are_split_on_semicolons(seed_document: Document) -> None:
    assert seed_document.metadata.index_terms == (
        "Magnetic Resonance Imaging",
        "Computed Tomography, X-Ray",
        "Sepsis",
        "Renal Failure",
    )


def test_licence_is_the_creative_commons_url(seed_document: Document) -> None:
    assert seed_document.metadata.licence == "https://creativecommons.org/licenses/by-nc/4.0"


def test_english_abstract_is_the_paragraph_before_index_terms(seed_document: Document) -> None:
    abstract = seed_document.metadata.abstract
    assert abstract is not None
    assert abstract.startswith("Myocardial calcification can develop owing to several conditions.")
    assert abstract.endswith("in a patient after recovery from sepsis and acute renal failure.")


def test_korean_abstract_is_kept_in_metadata(seed_document: Document) -> None:
    abstract_ko = seed_document.metadata.abstract_ko
    assert abstract_ko is not None
    assert abstract_ko.startswith("심근 석회화는 다양한 원인으로 인해서 발생할 수 있다.")
    assert abstract_ko.endswith("증례를 보고하고자 한다.")


def test_document_is_named_after_the_file_and_hashes_its_bytes(
    seed_document: Document, seed_path: Path
) -> None:
    assert seed_document.name == "000_a1de3a5e3bf7a0c8"
    assert seed_document.sha256 == hashlib.sha256(seed_path.read_bytes()).hexdigest()


def test_source_is_the_decoded_file_text(seed_document: Document, seed_path: Path) -> None:
    assert seed_document.source == seed_path.read_text(encoding="utf-8")
