"""Concept mentions: the vocabulary matcher on the seed and on text it was not written for."""

from __future__ import annotations

import pytest

from kg.context import mention_context
from kg.document import Document
from kg.mentions import ConceptMention, find_mentions
from kg.vocabulary import Knowledge, load_knowledge


def _found(text: str) -> list[tuple[str, str]]:
    """(words, concept key) for every match in ``text``."""
    return [
        (text[m.start : m.end], m.concept.rsplit("/", 1)[1])
        for m in load_knowledge().matcher.find(text)
    ]


@pytest.fixture(scope="module")
def mentions(seed_document: Document, seed_knowledge: Knowledge) -> tuple[ConceptMention, ...]:
    return find_mentions(seed_document, seed_knowledge)


def _in_sentence(mentions: tuple[ConceptMention, ...], index: int) -> list[tuple[str, str]]:
    return [(m.text, m.concept.rsplit("/", 1)[1]) for m in mentions if m.sentence_index == index]


def test_the_longest_label_wins_over_labels_inside_it(
    mentions: tuple[ConceptMention, ...],
) -> None:
    # "...was noted on covered pre-enhanced liver CT (Fig. 1A), which was not seen on chest CT"
    assert ("pre-enhanced liver CT", "pre-enhanced-liver-ct") in _in_sentence(mentions, 13)
    assert ("CT", "ct") not in _in_sentence(mentions, 13)


def test_a_space_matches_a_hyphenated_label(mentions: tuple[ConceptMention, ...]) -> None:
    # "...deposition of left ventricular (LV) mid wall calcification based on CT..."
    assert ("mid wall calcification", "mid-wall-lv-calcification") in _in_sentence(mentions, 6)


def test_a_plural_matches_its_singular_label(mentions: tuple[ConceptMention, ...]) -> None:
    # "...in the mid-layer LV wall in six days on follow-up CT scans..."
    assert ("CT scans", "ct") in _in_sentence(mentions, 33)
    assert _found("Myocardial calcifications: pathophysiology") == [
        ("Myocardial calcifications", "myocardial-calcification")
    ]


def test_the_misspelt_creatine_is_creatinine_but_creatine_kinase_is_ck_mb(
    mentions: tuple[ConceptMention, ...],
) -> None:
    assert ("creatine", "creatinine") in _in_sentence(mentions, 9)
    assert ("creatine kinase myocardial band", "ck-mb") in _in_sentence(mentions, 12)


def test_every_sepsis_mention_of_the_seed_is_found(mentions: tuple[ConceptMention, ...]) -> None:
    sepsis = [(m.sentence_index, m.text) for m in mentions if m.concept.endswith("/sepsis")]
    assert sepsis == [
        (1, "sepsis"),
        (2, "sepsis"),
        (5, "sepsis"),
        (6, "sepsis"),
        (8, "septic condition"),
        (11, "sepsis"),
        (19, "sepsis"),
        (27, "sepsis"),
        (32, "sepsis"),
        (33, "sepsis"),
        (37, "sepsis"),
        (40, "sepsis"),
        (47, "sepsis"),
        (48, "sepsis"),
    ]


def test_the_discussion_names_both_mechanisms_and_their_causes(
    mentions: tuple[ConceptMention, ...],
) -> None:
    assert _in_sentence(mentions, 36) == [
        ("metastatic calcification", "metastatic-calcification"),
        ("calcium crystals", "calcium-deposition"),
        ("myocardium", "myocardium"),
        ("disturbances of serum calcium homeostasis", "disturbed-serum-calcium-homeostasis"),
        # "acute and chronic renal disease": the modifier names acute renal disease too.
        ("acute", "acute-renal-failure"),
        ("chronic renal disease", "chronic-renal-failure"),
        ("hyperparathyroidism", "hyperparathyroidism"),
    ]


def test_each_quote_is_the_exact_source_text_at_its_offsets(
    seed_document: Document, mentions: tuple[ConceptMention, ...]
) -> None:
    source = seed_document.source
    for mention in mentions:
        for quote in mention.quotes:
            assert source[quote.start : quote.end] == quote.exact
            assert source[: quote.start].endswith(quote.prefix)
            assert source[quote.end :].startswith(quote.suffix)


def test_words_split_by_a_figure_block_give_one_quote_per_run(
    mentions: tuple[ConceptMention, ...],
) -> None:
    # "follow-up TTE showed still pre-" [the Fig. 1 legend] "served global LV function"
    split = [m for m in mentions if len(m.quotes) > 1]
    assert [(m.text, [q.exact for q in m.quotes]) for m in split] == [
        ("preserved global LV function", ["pre", "served global LV function"])
    ]


def test_abbreviations_match_only_in_their_own_case() -> None:
    assert _found("The LV was dilated; CT showed calcium.") == [
        ("LV", "left-ventricle"),
        ("CT", "ct"),
    ]
    assert _found("the lv and the ct") == []


def test_labels_match_whole_words_only() -> None:
    assert _found("afebrile, feverish, MRIs, CTA") == []


def test_british_spelling_and_any_letter_case_match() -> None:
    assert _found("Hypocalcaemia with myocardial OEDEMA") == [
        ("Hypocalcaemia", "hypocalcemia"),
        ("myocardial OEDEMA", "myocardial-edema"),
    ]


def test_korean_labels_match_before_a_particle() -> None:
    text = "패혈증과 신부전에서 회복된 환자에서 좌심실벽에 미만성 심근 석회화를 보이는 증례"
    assert _found(text) == [
        ("패혈증", "sepsis"),
        ("신부전", "renal-failure"),
        ("좌심실벽", "lv-wall"),
        ("미만성 심근 석회화", "diffuse-myocardial-calcification"),
    ]


def test_a_report_in_other_words_is_read_all_the_same() -> None:
    text = (
        "A 64-year-old woman on haemodialysis for end-stage renal disease had secondary "
        "hyperparathyroidism. Non-contrast CT showed dense myocardial calcifications; cardiac "
        "magnetic resonance (CMR) found no late gadolinium enhancement and an ECV of 31%."
    )
    assert _found(text) == [
        ("end-stage renal disease", "chronic-renal-failure"),
        ("secondary hyperparathyroidism", "secondary-hyperparathyroidism"),
        ("Non-contrast CT", "non-contrast-ct"),
        ("myocardial calcifications", "myocardial-calcification"),
        ("cardiac magnetic resonance", "cardiac-mri"),
        ("CMR", "cardiac-mri"),
        ("late gadolinium enhancement", "late-gadolinium-enhancement"),
        ("ECV", "extracellular-volume"),
    ]


def test_a_finding_denied_in_the_text_is_marked_negated(
    mentions: tuple[ConceptMention, ...],
) -> None:
    negated = [(m.sentence_index, m.text) for m in mentions if m.negated]
    assert negated == [
        (18, "diastolic dysfunction"),
        (21, "regional LV wall motion abnormality"),
    ]


def _negated(text: str, words: str) -> bool:
    start = text.index(words)
    return mention_context(text, start, start + len(words)).negated


def test_no_change_of_a_finding_does_not_negate_it() -> None:
    text = "There was no change of diffuse myocardial calcification in follow-up chest CT."
    assert not _negated(text, "diffuse myocardial calcification")


def test_negation_stops_at_the_end_of_the_clause() -> None:
    text = "No fever was noted, but sepsis was suspected."
    assert _negated(text, "fever")
    assert not _negated(text, "sepsis")
