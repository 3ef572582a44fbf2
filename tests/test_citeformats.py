"""BibTeX, RIS and CSL-JSON written from real Crossref records, each read back by a parser."""

from __future__ import annotations

import json
from typing import Any

import pytest
import rispy
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON
from crossref_server import SearchIndex

from kg.citeformats import csl_item, to_bibtex, to_csljson, to_ris
from kg.rdf.namespaces import DOI

PLOS = "10.1371/journal.pone.0033693"
ITALIC_TITLE = "10.1001/jama.2014.11667"  # "<i>Abstraction: Windows</i>"
ACCENTED = "10.1001/archderm.140.5.617-a"  # Vázquez-López
CHAPTER = "10.1002/9780470979365.ch1"
ORGANISATION = "10.1007/s15002-013-0459-8"  # author "Urban & Vogel", a publisher


@pytest.fixture(scope="module")
def works(crossref_index: SearchIndex) -> dict[str, dict[str, Any]]:
    return {work["DOI"]: work for work in crossref_index.works}


@pytest.fixture(scope="module")
def items(works: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [csl_item(works[doi]) for doi in (PLOS, ITALIC_TITLE, ACCENTED, CHAPTER, ORGANISATION)]


def test_csl_item_carries_the_bibliographic_fields(items: list[dict[str, Any]]) -> None:
    plos = items[0]
    assert plos["type"] == "article-journal"
    assert plos["container-title"] == "PLoS ONE"
    assert plos["author"][0] == {"family": "Sadasivan", "given": "Shankar"}
    assert plos["issued"] == {"date-parts": [[2012, 3, 21]]}
    assert (plos["volume"], plos["issue"], plos["page"]) == ("7", "3", "e33693")
    assert plos["URL"] == f"{DOI}{PLOS}"


def test_csl_item_strips_markup_from_titles(items: list[dict[str, Any]]) -> None:
    assert items[1]["title"] == "Abstraction: Windows"


def test_csl_item_maps_crossref_types(items: list[dict[str, Any]]) -> None:
    assert items[3]["type"] == "chapter"


def test_organisation_author_is_a_literal_name(items: list[dict[str, Any]]) -> None:
    assert items[4]["author"] == [{"literal": "Urban & Vogel"}]


def test_bibtex_parses_back_to_the_same_fields(items: list[dict[str, Any]]) -> None:
    library = parse_string(to_bibtex(items), append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    plos = library.entries[0]
    assert (plos.entry_type, plos.key) == ("article", "Sadasivan2012Methylphenidate")
    assert plos["title"] == items[0]["title"]
    assert plos["journal"] == "PLoS ONE"
    assert plos["doi"] == PLOS
    assert plos["author"].startswith("Sadasivan, Shankar and Pond, Brooks B.")


def test_bibtex_keeps_accents_and_ampersands(items: list[dict[str, Any]]) -> None:
    library = parse_string(to_bibtex(items), append_middleware=[LatexDecodingMiddleware()])
    by_doi = {entry["doi"]: entry for entry in library.entries}
    assert by_doi[ACCENTED]["author"].startswith("Vázquez-López, Francisco")
    assert by_doi[ORGANISATION]["journal"] == "Orthopädie & Rheuma"


def test_bibtex_chapter_is_incollection_with_booktitle(items: list[dict[str, Any]]) -> None:
    entry = parse_string(to_bibtex([items[3]])).entries[0]
    assert entry.entry_type == "incollection"
    assert entry["booktitle"] == "Molecular Ecology"
    assert entry["pages"] == "1--34"


def test_bibtex_keys_are_unique(items: list[dict[str, Any]]) -> None:
    library = parse_string(to_bibtex([items[0], items[0]]))
    assert [entry.key for entry in library.entries] == [
        "Sadasivan2012Methylphenidate",
        "Sadasivan2012Methylphenidatea",
    ]


def test_ris_parses_back_to_the_same_fields(items: list[dict[str, Any]]) -> None:
    records = rispy.loads(to_ris(items))
    plos = records[0]
    assert plos["type_of_reference"] == "JOUR"
    assert plos["authors"][:2] == ["Sadasivan, Shankar", "Pond, Brooks B."]
    assert plos["title"] == items[0]["title"]
    assert (plos["secondary_title"], plos["year"], plos["volume"]) == ("PLoS ONE", "2012", "7")
    assert plos["doi"] == PLOS
    assert records[3]["type_of_reference"] == "CHAP"
    assert (records[3]["start_page"], records[3]["end_page"]) == ("1", "34")


def test_ris_has_no_counter_lines(items: list[dict[str, Any]]) -> None:
    assert to_ris(items).startswith("TY  - JOUR")


def test_csljson_renders_with_a_csl_processor(items: list[dict[str, Any]]) -> None:
    source = CiteProcJSON(json.loads(to_csljson(items)))
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, citeproc_formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = "\n".join(str(entry) for entry in bibliography.bibliography())
    assert "Sadasivan, S. et al. (2012)" in rendered
    assert "Vázquez-López, F. and Marghoob, A.A. (2004)" in rendered
