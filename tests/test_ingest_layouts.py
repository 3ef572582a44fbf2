"""Ingest reads other case reports laid out like the seed, with their own variations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from section_text import section_texts

from kg.document import Affiliation
from kg.errors import InputError
from kg.ingest import ingest, ingest_text
from kg.settings import CORPUS_DIR

DATA = Path(__file__).parent / "data"

VARIANT = """\
Cardiac Sarcoidosis Presenting as Heart Block:
A Case Report

Anna B. Lee, MD, PhD^{1}, Carl De Vries, MD^{2*}

¹Department of Radiology, Example University Hospital, Seoul, Korea
²Division of Cardiology, Example Medical
Center, Busan, Korea

A young woman presented with heart block. CT showed mediastinal lymph nodes (Fig. 1).

Keywords: Sarcoidosis; Heart Block

INTRODUCTION

Cardiac sarcoidosis is rare (1). It may cause heart block and sudden death in young

Received: 5 January 2023
Accepted: 9 March 2023

Address for correspondence
Carl De Vries, MD
Division of Cardiology, Example Medical Center,
Busan, Korea.
E-mail: cdv@example.org

ORCID iDs
Anna B. Lee <https://orcid.org/0000-0002-1825-0097>
Carl De Vries <https://orcid.org/0000-0001-5109-3700>

adults (1, 2).

CASE REPORT

A 34-year-old woman had syncope. Cardiac MRI showed late enhancement (Fig. 1A-C).

Fig. 1. Cardiac sarcoidosis in a 34-year-old woman.
A-C. Late gadolinium enhancement images show patchy enhancement of the septum
and the lateral wall.
LGE = late gadolinium enhancement

DISCUSSION

FDG PET helps in diagnosis (2).

In summary, cardiac sarcoidosis should be considered in young adults with heart block.

REFERENCES

1. Birnie DH, Nery PB, Ha AC, Beanlands RS. Cardiac sarcoidosis. *J Am Coll Cardiol*
2016;68:411-421
2. Kempf AE, Momeni MG, Saremi F. Myocardial calcinosis in chronic renal failure. *J Radiol
Case Rep* 2009;3:16-19
"""


def test_variant_title_spanning_two_lines_is_joined() -> None:
    document = ingest_text(VARIANT, "variant")
    assert document.metadata.title == "Cardiac Sarcoidosis Presenting as Heart Block: A Case Report"


def test_variant_authors_with_several_degrees_and_particles() -> None:
    authors = ingest_text(VARIANT, "variant").metadata.authors
    assert [(a.given, a.family, a.degrees) for a in authors] == [
        ("Anna B.", "Lee", ("MD", "PhD")),
        ("Carl", "De Vries", ("MD",)),
    ]
    assert [a.affiliation_markers for a in authors] == [("1",), ("2",)]
    assert [a.corresponding for a in authors] == [False, True]


def test_variant_one_affiliation_per_marked_line() -> None:
    affiliations = ingest_text(VARIANT, "variant").metadata.affiliations
    assert affiliations == (
        Affiliation("1", "Department of Radiology, Example University Hospital, Seoul, Korea"),
        Affiliation("2", "Division of Cardiology, Example Medical Center, Busan, Korea"),
    )


def test_variant_furniture_in_the_body_gives_metadata() -> None:
    metadata = ingest_text(VARIANT, "variant").metadata
    assert (metadata.received, metadata.revised, metadata.accepted) == (
        dt.date(2023, 1, 5),
        None,
        dt.date(2023, 3, 9),
    )
    assert [a.orcid for a in metadata.authors] == ["0000-0002-1825-0097", "0000-0001-5109-3700"]
    assert metadata.corresponding_author is not None
    assert metadata.corresponding_author.name == "Carl De Vries"
    assert metadata.corresponding_author.email == "cdv@example.org"
    assert metadata.index_terms == ("Sarcoidosis", "Heart Block")


def test_variant_sentence_split_by_furniture_is_whole() -> None:
    document = ingest_text(VARIANT, "variant")
    introduction = section_texts(document, "INTRODUCTION")
    assert introduction == [
        "Cardiac sarcoidosis is rare (1).",
        "It may cause heart block and sudden death in young adults (1, 2).",
    ]


def test_variant_figure_panel_range_and_wrapped_panel_text() -> None:
    (figure,) = ingest_text(VARIANT, "variant").figures
    (panel,) = figure.panels
    assert panel.labels == ("A", "B", "C")
    assert panel.text.endswith("patchy enhancement of the septum and the lateral wall.")
    assert figure.abbreviations == (("LGE", "late gadolinium enhancement"),)


def test_variant_in_summary_paragraph_is_the_conclusion() -> None:
    document = ingest_text(VARIANT, "variant")
    conclusion = section_texts(document, "CONCLUSION")
    assert conclusion == [
        "In summary, cardiac sarcoidosis should be considered in young adults with heart block."
    ]


def test_variant_wrapped_reference_entries_are_joined() -> None:
    references = ingest_text(VARIANT, "variant").references
    assert [r.text for r in references] == [
        "Birnie DH, Nery PB, Ha AC, Beanlands RS. Cardiac sarcoidosis. *J Am Coll Cardiol* "
        "2016;68:411-421",
        "Kempf AE, Momeni MG, Saremi F. Myocardial calcinosis in chronic renal failure. "
        "*J Radiol Case Rep* 2009;3:16-19",
    ]


def test_variant_markers_resolve_within_its_own_reference_list() -> None:
    document = ingest_text(VARIANT, "variant")
    assert [(m.content, m.reference_numbers) for m in document.markers] == [
        ("(1)", (1,)),
        ("(1, 2)", (1, 2)),
        ("(2)", (2,)),
    ]


def test_prose_that_starts_with_a_furniture_keyword_stays_prose() -> None:
    text = VARIANT.replace(
        "FDG PET helps in diagnosis (2).",
        "Correspondence between CT and MRI was good.\n\n"
        "Accepted treatments include steroids.\n\n"
        "Phone follow-up was arranged.",
    )
    discussion = section_texts(ingest_text(text, "prose"), "DISCUSSION")
    assert discussion == [
        "Correspondence between CT and MRI was good.",
        "Accepted treatments include steroids.",
        "Phone follow-up was arranged.",
    ]


SEED_LINES = (CORPUS_DIR / "000_a1de3a5e3bf7a0c8.txt").read_text(encoding="utf-8").split("\n")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(st.sampled_from(SEED_LINES), st.text(max_size=30)),
        max_size=80,
    )
)
def test_any_shuffle_of_report_lines_parses_or_fails_with_input_error(lines: list[str]) -> None:
    """Whatever order the layout comes in, ingest yields a consistent Document or says why not."""
    try:
        document = ingest_text("\n".join(lines), "shuffled")
    except InputError:
        return
    for sentence in document.sentences:
        for i, char in enumerate(sentence.text):
            mapped = document.source[sentence.source_offset(i)]
            assert mapped == char or (char == " " and mapped.isspace())
    for marker in document.markers:
        assert document.source[marker.span.start : marker.span.end] == marker.content
        assert max(marker.reference_numbers) <= len(document.references)


TITLE_CASE = """\
Calciphylaxis of the Heart: A Case Report

Jane Roe, MD

Background

Calciphylaxis is rare (1).

Case Presentation

Laboratory results on admission:
- Calcium: 2.85 mmol/L (reference 2.10-2.55 mmol/L)
- Phosphate: 2.4 mmol/L

Two weeks later, CT showed calcification.

Discussion

It is rare (1).

References

1. Roe J. Calciphylaxis. Example J 2020;1:1-2
"""


def test_title_case_section_headings_are_recognised() -> None:
    document = ingest_text(TITLE_CASE, "title-case")
    assert [s.title for s in document.sections][-3:] == [
        "Background",
        "Case Presentation",
        "Discussion",
    ]


def test_each_bulleted_list_item_is_its_own_sentence_without_its_bullet() -> None:
    document = ingest_text(TITLE_CASE, "title-case")
    texts = section_texts(document, "Case Presentation")
    assert texts == [
        "Laboratory results on admission:",
        "Calcium: 2.85 mmol/L (reference 2.10-2.55 mmol/L)",
        "Phosphate: 2.4 mmol/L",
        "Two weeks later, CT showed calcification.",
    ]


WEB_LAYOUT = """\
Myocardial calcification after septic shock: a case report

Abstract
Background
Calcification of the heart is rare.
Case presentation
A man had septic shock.
Conclusions
Think of it.

Keywords: calcification

1. BACKGROUND
Calcification of the myocardium follows sepsis [1].

2. case presentation:
A 51-year-old man had septic shock and renal failure [1, 2].

3. Conclusions
It is rare [2].

References
[1] Nance JW Jr, Crane GM. Myocardial calcifications. J Cardiovasc Comput Tomogr 2015;9:58-67.
[2] Kim SS. Calcification. Radiology 2020;1:1-2.
"""


def test_headings_in_any_case_or_numbering_and_a_structured_abstract() -> None:
    document = ingest_text(WEB_LAYOUT, "web")
    assert document.metadata.title == ("Myocardial calcification after septic shock: a case report")
    assert document.metadata.abstract == (
        "Calcification of the heart is rare.\n\nA man had septic shock.\n\nThink of it."
    )
    assert [s.title for s in document.sections] == [
        "ABSTRACT",
        "1. BACKGROUND",
        "2. case presentation",
        "3. Conclusions",
    ]
    assert [(m.content, m.reference_numbers) for m in document.markers] == [
        ("[1]", (1,)),
        ("[1, 2]", (1, 2)),
        ("[2]", (2,)),
    ]
    assert len(document.references) == 2


SEED_TEXT = (CORPUS_DIR / "000_a1de3a5e3bf7a0c8.txt").read_text(encoding="utf-8")
LABS_AT = "A 51-year-old male patient with underlying liver cirrhosis"
IMAGING_AT = "On the sixth day of hospitalization, a new diffuse"


@pytest.mark.parametrize(
    ("labs", "imaging"),
    [
        ("Laboratory findings", "Imaging"),
        ("Laboratory Findings", "Imaging:"),
        ("laboratory findings", "imaging"),
        ("2.1 Laboratory findings", "2.2 Imaging"),
    ],
)
def test_subsection_lines_in_the_case_report_are_subsections_in_any_case(
    labs: str, imaging: str
) -> None:
    """The seed with subsection lines put into its case report, as other reports print them."""
    text = SEED_TEXT.replace(LABS_AT, f"{labs}\n\n{LABS_AT}", 1)
    text = text.replace(f" {IMAGING_AT}", f"\n\n{imaging}\n\n{IMAGING_AT}", 1)
    seed = ingest_text(SEED_TEXT, "seed")
    document = ingest_text(text, "with-subsections")
    subsections = [(s.title, s.parent) for s in document.sections if s.parent is not None]
    assert subsections == [(labs, "CASE REPORT"), (imaging.rstrip(":"), "CASE REPORT")]
    # The sentences are the seed's, in the parent section: no heading glued to its paragraph.
    assert [(s.text, s.section) for s in document.sentences] == [
        (s.text, s.section) for s in seed.sentences
    ]
    imaging_section = next(s for s in document.sections if s.parent and "maging" in s.title)
    assert document.source[imaging_section.span.start :].startswith(imaging)
    assert IMAGING_AT in document.source[imaging_section.span.start : imaging_section.span.end]


def test_subsection_headings_of_real_articles_printed_as_plain_text() -> None:
    """eLife 00003 and Dennehy & Wang 2011 (tests/data, CC BY) as printed."""
    elife = ingest(DATA / "elife-00003-author-year.txt")
    methods = [s.title for s in elife.sections if s.parent == "Materials and methods"]
    assert methods[:4] == [
        "Isolation of LDs and treatments",
        "Immunoblot analysis",
        "Immunofluorescence",
        "Antibacterial assays",
    ]
    assert [s.title for s in elife.sections if s.parent == "Results"] == [
        "LDs have antimicrobial activity",
        "How histones reach bacteria: selective release",
    ]
    stained = next(s for s in elife.sentences if "heat-fixed" in s.text)
    assert stained.text.startswith("Embryos were centrifuged")
    assert stained.section == "Materials and methods"
    dennehy = ingest(DATA / "dennehy-2011-lysis-time-superscript.txt")
    assert [s.title for s in dennehy.sections if s.parent == "Methods"][:2] == [
        "Bacterial strains",
        "Experimental instrumentation",
    ]


def test_a_short_line_ending_a_page_mid_sentence_is_no_subsection() -> None:
    text = SEED_TEXT.replace(
        "was admitted to the emergency room.",
        "was admitted to the\n\nemergency room after\n\nTwo days of fever.",
        1,
    )
    document = ingest_text(text, "page-break")
    assert all(s.parent is None for s in document.sections)
    admitted = next(s for s in document.sentences if "was admitted to the" in s.text)
    assert "emergency room after Two days of fever." in admitted.text
