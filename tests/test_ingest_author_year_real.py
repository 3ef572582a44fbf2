"""A real author-year article read two ways: eLife's JATS XML (citations are xrefs) and the
same article as printed (citations found by author and year in the text, an unnumbered
reference list). Anand et al. 2012, eLife 1:e00003, CC BY 3.0 (see tests/data/README.md).
Both readings must send each citation checked here to the same work."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.document import Document
from kg.ingest import ingest_text, read_document
from kg.references import ParsedReference, parse_reference

DATA = Path(__file__).parent / "data"
XML = DATA / "elife-00003-v1.xml"
TEXT = DATA / "elife-00003-author-year.txt"


@pytest.fixture(scope="module", params=[XML, TEXT], ids=["xml", "text"])
def document(request: pytest.FixtureRequest) -> Document:
    path: Path = request.param
    return read_document(path)


def _parsed(document: Document) -> dict[int, ParsedReference]:
    return {raw.number: parse_reference(raw.text, raw.number) for raw in document.references}


def _cited_works(document: Document, citation: str) -> set[tuple[str, int | None, str]]:
    """(first author, year, title start) of every work a citation as printed points to."""
    parsed = _parsed(document)
    works = set()
    for marker in document.markers:
        if marker.content.startswith(citation) or citation.startswith(marker.content):
            for number in marker.reference_numbers:
                reference = parsed[number]
                works.add(
                    (reference.authors[0].family, reference.year, (reference.title or "")[:30])
                )
    return works


@pytest.mark.parametrize(
    ("citation", "work"),
    [
        ("Hirsch, 1958", ("Hirsch", 1958, "Bactericidal action of histone")),
        ("Cho et al., 2002", ("Cho", 2002, "Cathepsin D produces antimicro")),
        ("Welte, 2007", ("Welte", 2007, "Proteins under new management:")),
        ("Zhang et al., 2011", ("Zhang", 2011, "Proteome of skeletal muscle li")),
        ("Zhang et al., 2012", ("Zhang", 2012, "Proteomic study and marker pro")),
        ("Singh et al., 2010", ("Singh", 2010, "Excess histone levels mediate ")),
        ("Tilney and Portnoy, 1989", ("Tilney", 1989, "Actin filaments and the growth")),
        ("De Lucca et al., 2011", ("De Lucca", 2011, "Antifungal properties of wheat")),
        (
            "von Kockritz-Blickwede and Nizet, 2009",
            ("von Kockritz-Blickwede", 2009, "Innate immunity turned inside-"),
        ),
        ("Lehrer et al. (1991)", ("Lehrer", 1991, "Ultrasensitive assays for endo")),
        ("Brasaemle et al., (2004)", ("Brasaemle", 2004, "Proteomic analysis of proteins")),
        # "Turro" in the text, "Turró" in the list
        ("Turro et al., (2006)", ("Turró", 2006, "Identification and characteriz")),
    ],
)
def test_a_citation_points_to_its_work(
    document: Document, citation: str, work: tuple[str, int | None, str]
) -> None:
    assert _cited_works(document, citation) == {work}


def test_singh_2009a_and_2009b_are_two_works_told_apart_by_the_letter(document: Document) -> None:
    parsed = _parsed(document)
    singh = [m for m in document.markers if "2009a" in m.content or m.content == "2009b"]
    titles = {
        marker.content[-5:]: {(parsed[n].title or "")[:20] for n in marker.reference_numbers}
        for marker in singh
    }
    if len(singh) == 4:  # the XML: one xref each, cited twice
        assert titles == {"2009a": {"Histone levels are r"}, "2009b": {"Generation and manag"}}
    else:  # the text: "Singh et al., 2009a, 2009b" is one citation of both
        assert titles == {"2009b": {"Histone levels are r", "Generation and manag"}}
    assert not any(m.ambiguous for m in document.markers)


def test_the_bare_narrative_citation_at_the_end_of_the_methods_is_linked(
    document: Document,
) -> None:
    last = document.markers[-1]
    assert last.content == "Turro et al., 2006"
    assert "polyclonal anti-ALDI" in document.sentences[last.sentence_index].text


def test_xml_and_text_link_the_same_works_equally_often() -> None:
    def counts(document: Document) -> dict[tuple[str, int | None, str], int]:
        parsed = _parsed(document)
        found: dict[tuple[str, int | None, str], int] = {}
        for marker in document.markers:
            for number in marker.reference_numbers:
                reference = parsed[number]
                key = (reference.authors[0].family, reference.year, (reference.title or "")[:20])
                found[key] = found.get(key, 0) + 1
        return found

    assert counts(read_document(XML)) == counts(read_document(TEXT))


def test_the_printed_list_is_read_as_an_unnumbered_list_of_44_works() -> None:
    document = read_document(TEXT)
    assert [r.number for r in document.references] == list(range(1, 45))
    assert document.references[0].text.startswith("Augusto LA, Decottignies P")
    assert document.references[-1].text.startswith("Zhang P, Na H, Liu Z")
    assert not any(r.text[0].isdigit() or r.text[0] == "[" for r in document.references)
    assert len(read_document(XML).references) == 44


def test_front_matter_and_doi(document: Document) -> None:
    assert document.metadata.title == (
        "A novel role for lipid droplets in the organismal antibacterial response"
    )
    assert document.notices == ()


def test_the_xml_gives_the_article_doi_the_text_leaves_it_out() -> None:
    """The text has no DOI line, as with the Dennehy pair: a corpus holding both files
    keeps them apart (one document key per DOI)."""
    assert read_document(XML).metadata.doi == "10.7554/elife.00003"
    assert read_document(TEXT).metadata.doi is None


def test_a_doi_link_in_an_xml_reference_is_its_doi() -> None:
    """eLife gave Li et al. 2012 (then in press) its DOI as a dx.doi.org link, not a pub-id."""
    for path in (XML, TEXT):
        li = _parsed(read_document(path))[22]
        assert (li.authors[0].family, li.year, li.doi) == ("Li", 2012, "10.1016/j.cub.2012.09.018")


def test_a_group_author_after_the_people_leaves_the_title_alone() -> None:
    raw = (
        "McQuilton P, St Pierre SE, Thurmond J, FlyBase Consortium. 2012. FlyBase 101\u2014the "
        "basics of navigating FlyBase. Nucleic Acids Res 40:D706\u2013D714."
    )
    parsed = parse_reference(raw, 25)
    assert [a.family for a in parsed.authors] == ["McQuilton", "St Pierre", "Thurmond"]
    assert (parsed.year, parsed.title) == (
        2012,
        "FlyBase 101\u2014the basics of navigating FlyBase",
    )
    assert parsed.journal == "Nucleic Acids Res"


def test_a_capitalised_name_particle_belongs_to_the_family_name() -> None:
    text = (
        "A title\n\nIntroduction\n\nHistones kill fungi (De Lucca et al., 2011; Van Dyke, 2001)."
        "\n\nReferences\n\nDe Lucca AJ, Heden LO. 2011. Antifungal histones. J Agric 59:1-9.\n\n"
        "Dyke A. 2001. Another work. J Other 1:1-2.\n\nVan Dyke B. 2001. Fungi. J Fungi 2:3-4.\n"
    )
    document = ingest_text(text, "particles")
    assert [(m.content, m.reference_numbers) for m in document.markers] == [
        ("De Lucca et al., 2011", (1,)),
        ("Van Dyke, 2001", (3,)),
    ]
