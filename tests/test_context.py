"""ConText for mentions (kg.context): negation, uncertainty, experiencer, history, with cues."""

from __future__ import annotations

import pytest

from kg.context import Context, mention_context
from kg.document import Document
from kg.mentions import find_mentions
from kg.vocabulary import Knowledge


def _context(text: str, words: str) -> Context:
    start = text.index(words)
    return mention_context(text, start, start + len(words))


@pytest.mark.parametrize(
    ("text", "words", "cue"),
    [
        ("He denied fever, chills or night sweats.", "night sweats", "denied"),
        ("There was no pleural effusion.", "pleural effusion", "no"),
        ("The chest was clear without wheezing.", "wheezing", "without"),
        ("Pulmonary embolism was ruled out.", "Pulmonary embolism", "was ruled out"),
        ("Blood cultures were negative for bacteremia.", "bacteremia", "negative for"),
        ("Absence of pericardial effusion was confirmed.", "pericardial effusion", "Absence of"),
    ],
)
def test_negation_cues_deny_the_finding_and_are_kept(text: str, words: str, cue: str) -> None:
    context = _context(text, words)
    assert (context.negated, context.uncertain) == (True, False)
    assert cue in context.cues


@pytest.mark.parametrize(
    ("text", "words", "cue"),
    [
        ("A possible pulmonary embolism was seen.", "pulmonary embolism", "possible"),
        ("CT was done to rule out aortic dissection.", "aortic dissection", "to rule out"),
        ("Findings were suspicious for lymphoma.", "lymphoma", "suspicious for"),
        ("Sarcoidosis was suspected.", "Sarcoidosis", "was suspected"),
    ],
)
def test_uncertainty_cues_make_the_finding_uncertain_not_absent(
    text: str, words: str, cue: str
) -> None:
    context = _context(text, words)
    assert (context.uncertain, context.negated) == (True, False)
    assert cue in context.cues


def test_family_history_is_someone_elses() -> None:
    text = "She had a family history of breast cancer and her mother had diabetes."
    assert _context(text, "breast cancer").experiencer == "family"
    assert _context(text, "diabetes").experiencer == "family"
    assert _context("She had diabetes.", "diabetes").experiencer == "patient"


def test_history_of_is_past_history() -> None:
    context = _context("He had a history of myocardial infarction.", "myocardial infarction")
    assert (context.historical, context.negated) == (True, False)
    assert "history of" in context.cues


def test_pseudo_triggers_and_other_clauses_govern_nothing() -> None:
    assert _context("There was no change in the calcification.", "calcification").cues == ()
    assert not _context("No fever, but sepsis developed.", "sepsis").negated
    assert not _context("Infection could not be ruled out.", "Infection").negated


def test_seed_mentions_carry_their_cues(seed_document: Document, seed_knowledge: Knowledge) -> None:
    mentions = find_mentions(seed_document, seed_knowledge)
    denied = {m.text: m.context.cues for m in mentions if m.negated}
    assert denied == {
        "diastolic dysfunction": ("no",),
        "regional LV wall motion abnormality": ("without",),
    }
    # "...scheduled to undergo CMRI to rule out an unknown infiltrative process": a question.
    assert not [m for m in mentions if m.context.experiencer != "patient"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("There was no sign of hemolysis, elevated C-reactive protein.", "C-reactive protein"),
        ("No pleural effusion, increased interstitial markings.", "interstitial markings"),
        ("Negative for influenza, positive for adenovirus.", "adenovirus"),
        ("No sign of hemolysis, elevated C-reactive protein.", "elevated C-reactive protein"),
        ("No fever, she reported weight loss.", "weight loss"),
    ],
)
def test_negation_ends_at_a_list_item_with_its_own_result_word(text: str, words: str) -> None:
    assert not _context(text, words).negated


def test_negation_covers_a_plain_list_after_commas() -> None:
    text = "There was no fever, chills or cough."
    assert all(_context(text, words).negated for words in ("fever", "chills", "cough"))
    assert _context("No sign of hemolysis, elevated CRP.", "hemolysis").negated


def test_a_result_word_inside_a_denied_or_list_keeps_the_denial() -> None:
    text = "She denied fever, decreased appetite or weight loss."
    assert _context(text, "weight loss").negated
    assert _context(text, "decreased appetite").negated


@pytest.mark.parametrize(
    ("text", "denied", "present"),
    [
        ("She denied headache, and examination revealed papilledema.", "headache", "papilledema"),
        ("CT showed no pneumothorax and revealed a pleural effusion.", "pneumothorax", "effusion"),
        ("There was no fever and a mass was found in the liver.", "fever", "mass"),
        ("No pleural effusion was seen, and ascites was present.", "pleural effusion", "ascites"),
    ],
)
def test_a_denial_ends_where_a_coordinated_clause_with_its_own_verb_begins(
    text: str, denied: str, present: str
) -> None:
    assert _context(text, denied).negated
    assert not _context(text, present).negated


def test_a_denied_subject_list_shares_the_verb_after_it() -> None:
    text = "No fever and chills were noted."
    assert _context(text, "fever").negated and _context(text, "chills").negated
