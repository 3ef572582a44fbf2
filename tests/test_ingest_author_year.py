"""An author-year report as copied from a PDF: Abstract heading, the citation line with the
article DOI after the abstract, "(Smith et al., 2019; Lee 2020a)" citations, an unnumbered
reference list."""

from __future__ import annotations

from rdflib import Literal

from kg.ingest import ingest_text
from kg.rdf.document import document_graph, document_key, pointer_iri
from kg.rdf.namespaces import CKG, DOI
from kg.references import parse_reference

REPORT = f"""\
Metastatic calcification of the myocardium after septic shock

Jana Novak, MD¹, Piotr Zielinski, PhD²

¹Department of Radiology, Example University Hospital, Brno
²Department of Cardiology, Example University Hospital, Brno

Abstract

Myocardial calcification is rare after sepsis. We report one case.

Cardiol Cases. 2021;14(2):101\u2013104. {DOI}10.5555/EXAMPLE.2021.0101

Keywords: calcification; sepsis

Introduction

Calcification follows renal failure (Smith et al., 2019; Lee 2020a). Dystrophic deposits
are described by Brown and Green (2018). Both forms are known (Lee, 2020).

Case presentation

A 51-year-old man was admitted with septic shock in 2019 (day 1).

REFERENCES

Brown, A. and Green, B. (2018) 'Dystrophic calcification', Heart, 104(2), pp. 88-95.
Lee, K. (2020a). Calcium and the kidney. Kidney International, 97(1), 10\u201318.
Lee, K. (2020b). Phosphate in sepsis. Critical Care, 24, 55\u201360.
Smith, J., Jones, M., & Park, S. (2019). Myocardial calcification after sepsis. Journal
of Cardiology, 12(3), 45\u201367.
"""


def test_an_author_year_report_links_citations_by_author_and_year() -> None:
    document = ingest_text(REPORT, "author-year")
    assert [r.text.split(" (")[0].split(", ")[0] for r in document.references] == [
        "Brown",
        "Lee",
        "Lee",
        "Smith",
    ]
    assert [(m.content, m.reference_numbers, m.ambiguous) for m in document.markers] == [
        ("Smith et al., 2019", (4,), False),
        ("Lee 2020a", (2,), False),
        ("Brown and Green (2018)", (1,), False),
        ("Lee, 2020", (2, 3), True),
    ]
    assert document.notices == ()


def test_the_abstract_heading_and_the_citation_line_are_front_matter() -> None:
    document = ingest_text(REPORT, "author-year")
    assert (
        document.metadata.title == "Metastatic calcification of the myocardium after septic shock"
    )
    assert document.metadata.abstract == (
        "Myocardial calcification is rare after sepsis. We report one case."
    )
    assert document.metadata.doi == "10.5555/example.2021.0101"
    assert [s.title for s in document.sections] == ["ABSTRACT", "Introduction", "Case presentation"]
    assert not any("doi.org" in s.text or "Cardiol Cases" in s.text for s in document.sentences)


def test_the_graph_says_which_pointer_is_ambiguous() -> None:
    document = ingest_text(REPORT, "author-year")
    references = [parse_reference(r.text, r.number) for r in document.references]
    graph = document_graph(document, references)
    key = document_key(document)
    flags = [graph.value(pointer_iri(key, n), CKG.ambiguousPointer) for n in range(1, 5)]
    assert flags == [None, None, None, Literal(True)]


GUIDELINE_REPORT = """\
Tuberculous pericarditis in a returning traveller

Case presentation

A 34-year-old woman had fever and a pericardial effusion.

Discussion

Pericarditis is a known form of extrapulmonary tuberculosis (World Health Organization,
2020; Mayosi et al., 2005). The World Health Organization (2020) counts such cases apart.

REFERENCES

Mayosi, B. M., Burgess, L. J., & Doubell, A. F. (2005). Tuberculous pericarditis.
Circulation, 112(23), 3608\u20133616.
World Health Organization (2020). Global tuberculosis report 2020. Geneva: World Health
Organization.
"""


def test_an_organisation_cited_by_its_whole_name_links_to_its_report() -> None:
    document = ingest_text(GUIDELINE_REPORT, "guideline")
    guideline = parse_reference(document.references[1].text, document.references[1].number)
    assert guideline.authors[0].organisation
    assert guideline.title == "Global tuberculosis report 2020"
    assert [(m.content, m.reference_numbers) for m in document.markers] == [
        ("World Health Organization, 2020", (2,)),
        ("Mayosi et al., 2005", (1,)),
        ("World Health Organization (2020)", (2,)),
    ]


def test_an_organisation_cited_by_its_initials_links_to_its_report() -> None:
    text = GUIDELINE_REPORT.replace(
        "The World Health Organization (2020) counts", "Its cases are counted apart (WHO, 2020);"
    ).replace(" such cases apart.", " CDC figures (CDC, 2020) do not.")
    text += (
        "Centers for Disease Control and Prevention (2020). Tuberculosis surveillance report. "
        "Atlanta: CDC.\n"
    )
    document = ingest_text(text, "guideline-initials")
    assert [(m.content, m.reference_numbers) for m in document.markers] == [
        ("World Health Organization, 2020", (2,)),
        ("Mayosi et al., 2005", (1,)),
        ("WHO, 2020", (2,)),
        ("CDC, 2020", (3,)),
    ]
