"""Ingest of the seed case report: sections, reflowed sentences, figure, citation markers."""

from __future__ import annotations

import re
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st
from section_text import section_texts

from kg.document import Document, Sentence
from kg.ingest import ingest_text

REFERENCE_LIST = (
    "REFERENCES\n\n"
    "1. Gore I, Arons W. Calcification of the myocardium. *Arch Pathol* 1949;48:1-12\n"
    "2. Kempf AE, Saremi F. Myocardial calcinosis. *J Radiol Case Rep* 2009;3:16-19\n"
)


def report(body: str) -> str:
    """A minimal case report laid out like the seed, around the given body text."""
    return f"A Case Report Title\n\nINTRODUCTION\n\n{body}\n\n{REFERENCE_LIST}"


TEMPLATE_WORDS = frozenset(w.lower() for w in re.findall(r"[^\W\d_]+", report("")))
"""The words of the report around a body ("Kempf AE"): a word the body splits at a line end
whose second part is one of them is written elsewhere too, so its hyphen is kept."""


def sentence_with(document: Document, fragment: str) -> Sentence:
    matches = [s for s in document.sentences if fragment in s.text]
    assert len(matches) == 1, [s.text for s in matches]
    return matches[0]


def test_body_sections_are_the_headings_plus_the_conclusion(seed_document: Document) -> None:
    titles = [section.title for section in seed_document.sections]
    assert titles == ["ABSTRACT", "INTRODUCTION", "CASE REPORT", "DISCUSSION", "CONCLUSION"]


def test_section_spans_start_at_their_heading(seed_document: Document) -> None:
    source = seed_document.source
    for section in seed_document.sections[1:4]:
        assert source[section.span.start :].startswith(section.title)


def test_conclusion_section_is_the_in_conclusion_paragraph(seed_document: Document) -> None:
    conclusion = section_texts(seed_document, "CONCLUSION")
    assert len(conclusion) == 1
    assert conclusion[0].startswith("In conclusion, we present a rare case")


def test_introduction_last_sentence_is_reflowed_over_the_page_blocks(
    seed_document: Document,
) -> None:
    last = [s for s in seed_document.sentences if s.section == "INTRODUCTION"][-1]
    assert last.text == (
        "We observed a case of rapidly developed diffuse and extensive deposition of left "
        "ventricular (LV) mid wall calcification based on CT and cardiac MRI (CMRI) in a patient "
        "who recovered from sepsis and renal failure during six days of hospitalization."
    )
    assert len(last.segments) == 2


def test_soft_hyphen_across_the_figure_caption_is_removed(seed_document: Document) -> None:
    sentence = sentence_with(seed_document, "In three months")
    assert sentence.text == (
        "In three months, follow-up TTE showed still preserved global LV function with normal "
        "LV contractility."
    )
    assert sentence.section == "CASE REPORT"
    assert sentence.joins == ("",)


def test_discussion_paragraph_split_by_a_blank_line_is_one_sentence(
    seed_document: Document,
) -> None:
    sentence = sentence_with(seed_document, "dramatic acute infiltration")
    assert "infiltration of calcification in the mid-layer LV wall in six days" in sentence.text
    assert sentence.text.endswith("with preserved global LV function were notable.")


def test_real_hyphens_stay_in_place(seed_document: Document) -> None:
    text = " ".join(s.text for s in seed_document.sentences)
    for word in ("mid-wall", "two-dimensional", "steady-state", "51-year-old", "mid-layer"):
        assert word in text


def test_hyphen_at_a_line_break_is_kept_when_the_document_writes_the_word_hyphenated() -> None:
    document = ingest_text(
        report("The mid-\nwall was thin. The mid-wall was calcified. The pre-\nserved wall moved."),
        "hyphens",
    )
    texts = section_texts(document, "INTRODUCTION")
    assert texts == [
        "The mid-wall was thin.",
        "The mid-wall was calcified.",
        "The preserved wall moved.",
    ]


def test_hyphen_before_a_word_the_document_uses_alone_is_kept() -> None:
    document = ingest_text(
        report("Scar-\nrelated arrhythmia was feared. It was related to the scar."), "compound"
    )
    assert document.sentences[0].text == "Scar-related arrhythmia was feared."


def test_sentences_do_not_break_inside_figure_references_or_decimals(
    seed_document: Document,
) -> None:
    assert sentence_with(seed_document, "(Fig. 1A), which was not seen").text.endswith(
        "one day before admission (Fig. 1B)."
    )
    assert sentence_with(seed_document, "(Fig. 1D, E)").text.startswith("On two-dimensional")
    assert "average: 5.10 mg/dL" in sentence_with(seed_document, "elevated creatine").text


def test_sentences_do_not_break_after_abbreviations_or_initials() -> None:
    document = ingest_text(
        report(
            "Calcification, e.g. in the LV wall, was seen. CT vs. MRI was compared by J. Smith "
            "and colleagues. The value rose from 5.10 to 7.3 mg/dL. It was stable."
        ),
        "abbreviations",
    )
    texts = section_texts(document, "INTRODUCTION")
    assert texts == [
        "Calcification, e.g. in the LV wall, was seen.",
        "CT vs. MRI was compared by J. Smith and colleagues.",
        "The value rose from 5.10 to 7.3 mg/dL.",
        "It was stable.",
    ]


def test_sentence_ending_in_a_unit_abbreviation_ends_there(seed_document: Document) -> None:
    sentence = sentence_with(seed_document, "native T1 relaxation time at the mid-LV")
    assert sentence.text.endswith("was 1335 ms.")


def test_abstract_sentences_are_in_the_abstract_section(seed_document: Document) -> None:
    abstract = section_texts(seed_document, "ABSTRACT")
    assert abstract == [
        "Myocardial calcification can develop owing to several conditions.",
        "It is a rare complication following sepsis and renal failure.",
        "We report a case of rapid development of left ventricular mid-wall calcification "
        "observed using CT and cardiac MRI in a patient after recovery from sepsis and acute "
        "renal failure.",
    ]


def test_page_furniture_yields_no_sentences(seed_document: Document) -> None:
    text = "\n".join(s.text for s in seed_document.sentences)
    for furniture in (
        "Received",
        "Corresponding",
        "haneul88",
        "Open Access",
        "orcid",
        "Index terms",
        "Data Supplement is available",
        "Conceptualization",
        "conflicts of interest",
        "None",
        "Nance JW",
        "심근",
    ):
        assert furniture not in text


def test_sentence_indices_are_their_positions(seed_document: Document) -> None:
    assert [s.index for s in seed_document.sentences] == list(range(len(seed_document.sentences)))


def test_sentence_text_is_its_segments_and_joins(seed_document: Document) -> None:
    source = seed_document.source
    for sentence in seed_document.sentences:
        pieces = [source[span.start : span.end] for span in sentence.segments]
        joins = sentence.joins or (" ",) * (len(pieces) - 1)
        rebuilt = pieces[0] + "".join(j + p for j, p in zip(joins, pieces[1:], strict=True))
        assert rebuilt == sentence.text


def test_every_sentence_character_maps_to_the_same_source_character(
    seed_document: Document,
) -> None:
    source = seed_document.source
    for sentence in seed_document.sentences:
        for i, char in enumerate(sentence.text):
            mapped = source[sentence.source_offset(i)]
            assert mapped == char or (char == " " and mapped.isspace()), (sentence.index, i)


def test_source_offset_of_the_text_end_is_the_sentence_end(seed_document: Document) -> None:
    for sentence in seed_document.sentences:
        assert sentence.source_offset(len(sentence.text)) == sentence.end


def test_figure_caption_has_label_title_and_panels(seed_document: Document) -> None:
    (figure,) = seed_document.figures
    assert figure.label == "Fig. 1"
    assert figure.title == (
        "Rapidly developed diffuse myocardial calcification in a 51-year-old male after recovery "
        "from sepsis and renal failure."
    )
    assert [panel.labels for panel in figure.panels] == [
        ("A",),
        ("B",),
        ("C",),
        ("D", "E"),
        ("F",),
    ]


def test_figure_panel_spans_point_at_their_text(seed_document: Document) -> None:
    (figure,) = seed_document.figures
    for panel in figure.panels:
        assert seed_document.source[panel.span.start : panel.span.end] == panel.text
    assert figure.panels[1].text == (
        "Chest CT performed outside the hospital 1 day before admission does not show these "
        "findings."
    )


def test_figure_abbreviation_line_is_read_as_pairs(seed_document: Document) -> None:
    (figure,) = seed_document.figures
    assert figure.abbreviations == (
        ("LV", "left ventricle"),
        ("PSIR", "phase sensitive inversion recovery"),
    )


def test_figure_caption_sentences_are_anchored_to_the_figure(seed_document: Document) -> None:
    caption = [s for s in seed_document.sentences if s.section == "Fig. 1"]
    assert caption[0].text.startswith("Rapidly developed diffuse myocardial calcification")
    assert len(caption) == 8
    (figure,) = seed_document.figures
    assert all(figure.span.start <= s.start and s.end <= figure.span.end for s in caption)


def test_six_citation_markers_with_eleven_reference_links(seed_document: Document) -> None:
    markers = seed_document.markers
    assert [m.content for m in markers] == ["(1, 2)", "(3)", "(2-4)", "(5)", "(6-8)", "(9)"]
    assert [m.reference_numbers for m in markers] == [
        (1, 2),
        (3,),
        (2, 3, 4),
        (5,),
        (6, 7, 8),
        (9,),
    ]
    assert sum(len(m.reference_numbers) for m in markers) == 11


def test_citation_markers_point_at_their_sentence_and_source(seed_document: Document) -> None:
    for marker in seed_document.markers:
        sentence = seed_document.sentences[marker.sentence_index]
        assert marker.content in sentence.text
        assert seed_document.source[marker.span.start : marker.span.end] == marker.content
        assert sentence.start <= marker.span.start < marker.span.end <= sentence.end


def test_parentheses_that_are_not_citations_are_not_markers(seed_document: Document) -> None:
    contents = {marker.content for marker in seed_document.markers}
    for other in ("(LV)", "(Fig. 1A)", "(11.8 mg/dL)", "(32322/uL)", "(54.8%)", "(1335 ms)"):
        assert other not in contents


def test_numbers_beyond_the_reference_list_are_not_citations() -> None:
    document = ingest_text(
        report("Calcification was seen (2). It was seen in 12 of 30 patients (30). Also (1-3)."),
        "beyond",
    )
    assert [m.content for m in document.markers] == ["(2)"]


def test_reference_list_has_nine_numbered_entries(seed_document: Document) -> None:
    assert [r.number for r in seed_document.references] == list(range(1, 10))


def test_raw_reference_text_and_span_agree(seed_document: Document) -> None:
    first = seed_document.references[0]
    assert first.text.startswith("Nance JW Jr, Crane GM")
    assert first.text.endswith("*J Cardiovasc Comput Tomogr* 2015;9:58-67")
    for reference in seed_document.references:
        assert seed_document.source[reference.span.start : reference.span.end] == reference.text


def test_reference_continuation_lines_join_their_entry() -> None:
    document = ingest_text(
        report("Calcification was seen (1).").replace(
            "Calcification of the myocardium. *Arch",
            "Calcification of the\nmyocardium. *Arch",
        ),
        "continued",
    )
    assert document.references[0].text == (
        "Gore I, Arons W. Calcification of the myocardium. *Arch Pathol* 1949;48:1-12"
    )


@pytest.mark.parametrize("width", [30, 45, 72])
def test_seed_rewrapped_to_short_lines_reads_the_same(seed_document: Document, width: int) -> None:
    """The parser depends on the layout's shape, not on where this file breaks its lines.

    Lines are also broken after hyphens ("two-" / "dimensional"), which must stay.
    """
    rewrapped = "\n".join(
        textwrap.fill(line, width=width, break_on_hyphens=True, break_long_words=False)
        for line in seed_document.source.split("\n")
    )
    document = ingest_text(rewrapped, "rewrapped")
    assert document.source != seed_document.source
    assert document.metadata == seed_document.metadata
    assert [s.text for s in document.sentences] == [s.text for s in seed_document.sentences]
    assert [s.section for s in document.sentences] == [s.section for s in seed_document.sentences]
    assert [m.content for m in document.markers] == [m.content for m in seed_document.markers]
    assert [r.text for r in document.references] == [r.text for r in seed_document.references]
    assert [(p.labels, p.text) for p in document.figures[0].panels] == [
        (p.labels, p.text) for p in seed_document.figures[0].panels
    ]


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9)


@given(
    words=st.lists(WORDS, min_size=3, max_size=40),
    breaks=st.lists(st.integers(min_value=0, max_value=40), max_size=8),
    hyphen_breaks=st.lists(st.integers(min_value=0, max_value=40), max_size=4),
)
def test_reflow_restores_a_paragraph_broken_over_lines(
    words: list[str], breaks: list[int], hyphen_breaks: list[int]
) -> None:
    """Line breaks, and soft hyphens splitting a word, vanish from the reflowed sentence."""
    tokens = list(words)
    tails: set[str] = set()
    for position in sorted(set(hyphen_breaks)):
        if position >= len(tokens) or len(tokens[position]) < 4:
            continue
        word = tokens[position]
        if word[2:] in words or word[2:] in tails or word[2:] in TEMPLATE_WORDS:
            continue  # a second part the text uses on its own marks a compound: hyphen kept
        tails.add(word[2:])
        tokens[position] = f"{word[:2]}-\n{word[2:]}"
    separators = ["\n" if i in breaks else " " for i in range(len(tokens) - 1)]
    body = "The " + tokens[0] + "".join(s + t for s, t in zip(separators, tokens[1:], strict=True))
    document = ingest_text(report(body + "."), "reflow")
    (sentence,) = [s for s in document.sentences if s.section == "INTRODUCTION"]
    assert sentence.text == "The " + " ".join(words) + "."
    for i, char in enumerate(sentence.text):
        mapped = document.source[sentence.source_offset(i)]
        assert mapped == char or (char == " " and mapped.isspace())
