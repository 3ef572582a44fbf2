"""Whose voice a claim is in: the authors' account of their case, or the literature's."""

from __future__ import annotations

from kg.claims import extract_claims
from kg.curation import Curation
from kg.ingest import ingest_text
from kg.mentions import find_mentions
from kg.vocabulary import Knowledge

UNSECTIONED_CASE = (
    "A 3-year-old boy was admitted with lethargy and poor feeding. Echocardiography showed "
    "a dilated left ventricle. Plasma free carnitine was low. The cardiomyopathy was "
    "attributed to carnitine deficiency. He improved on oral carnitine.\n"
)
"""A case text with no title and no headings, as MACCROBAT's case texts are."""


def test_a_claim_of_a_case_text_without_headings_is_the_authors_interpretation(
    knowledge: Knowledge,
) -> None:
    document = ingest_text(UNSECTIONED_CASE, "unsectioned")
    mentions = find_mentions(document, knowledge)
    claims = extract_claims(document, mentions, knowledge.vocabulary, Curation())
    attributed = [c for c in claims if "attributed" in document.sentences[c.sentence_index].text]
    assert attributed, "the sentence attributing the cardiomyopathy gives a claim"
    assert {c.kind for c in attributed} == {"authors' interpretation"}
