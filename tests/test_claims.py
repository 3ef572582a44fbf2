"""Claims of the seed report: rules over concept mentions, plus its reviewed curation file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kg.claims import Claim, extract_claims
from kg.curation import Curation, load_curation
from kg.document import Document
from kg.mentions import ConceptMention, find_mentions
from kg.rdf.namespaces import CONCEPT
from kg.vocabulary import Knowledge

Statement = tuple[str, str, str]


@pytest.fixture(scope="module")
def mentions(seed_document: Document, seed_knowledge: Knowledge) -> tuple[ConceptMention, ...]:
    return find_mentions(seed_document, seed_knowledge)


@pytest.fixture(scope="module")
def claims(
    seed_document: Document, mentions: tuple[ConceptMention, ...], seed_knowledge: Knowledge
) -> tuple[Claim, ...]:
    return extract_claims(seed_document, mentions, seed_knowledge.vocabulary)


@pytest.fixture(scope="module")
def rule_claims(
    seed_document: Document, mentions: tuple[ConceptMention, ...], seed_knowledge: Knowledge
) -> tuple[Claim, ...]:
    return extract_claims(seed_document, mentions, seed_knowledge.vocabulary, Curation())


def _statement(claim: Claim) -> Statement:
    return (
        claim.subject.removeprefix(str(CONCEPT)),
        claim.predicate,
        claim.object.removeprefix(str(CONCEPT)),
    )


def _in(claims: tuple[Claim, ...], sentence: int) -> dict[Statement, Claim]:
    return {_statement(c): c for c in claims if c.sentence_index == sentence}


def test_renal_disease_and_hyperparathyroidism_are_associated_with_metastatic_calcification(
    rule_claims: tuple[Claim, ...],
) -> None:
    # "With regard to metastatic calcification, calcium crystals ... are associated with
    # disturbances of serum calcium homeostasis in patients with ... renal disease and
    # hyperparathyroidism": the frame says no more than "associated with".
    found = _in(rule_claims, 36)
    for etiology in ("chronic-renal-failure", "hyperparathyroidism"):
        claim = found[(etiology, "associatedWith", "metastatic-calcification")]
        assert (claim.kind, claim.modality) == ("background literature", "association")
        assert claim.cited_references == ()
        assert claim.shared_references == (2, 3, 4)
        assert claim.citation_function is None
    homeostasis = ("disturbed-serum-calcium-homeostasis", "associatedWith")
    assert (*homeostasis, "metastatic-calcification") in found
    assert not [c for c in found.values() if c.predicate == "causes" and "metastatic" in c.object]


def test_background_sentences_share_the_markers_of_the_passage_they_continue(
    rule_claims: tuple[Claim, ...],
) -> None:
    for sentence in (36, 37):
        for claim in _in(rule_claims, sentence).values():
            assert claim.cited_references == ()
            assert claim.shared_references == (2, 3, 4)
            assert claim.citation_sentences == (35,)


def test_sepsis_and_necrotic_myocardium_lead_to_dystrophic_calcification(
    claims: tuple[Claim, ...],
) -> None:
    found = _in(claims, 37)
    assert {
        ("sepsis", "causes", "dystrophic-calcification"),
        ("myocardial-infarction", "causes", "dystrophic-calcification"),
        ("sepsis", "causes", "myocardial-necrosis"),
        ("myocardial-necrosis", "contributesTo", "dystrophic-calcification"),
    } <= set(found)


def test_calcification_raises_the_risk_of_arrhythmia_dilatation_and_cardiomyopathy(
    rule_claims: tuple[Claim, ...],
) -> None:
    found = _in(rule_claims, 39)
    assert set(found) == {
        ("calcium-deposition", "associatedWith", "conduction-disturbance"),
        *(
            ("calcium-deposition", "increasesRiskOf", outcome)
            for outcome in ("arrhythmia", "lv-dilatation", "cardiomyopathy")
        ),
    }
    assert {c.cited_references for c in found.values()} == {(5,)}


def test_sepsis_and_renal_failure_are_complications_leading_to_diffuse_calcification(
    rule_claims: tuple[Claim, ...],
) -> None:
    found = _in(rule_claims, 5)
    assert set(found) == {
        ("sepsis", "causes", "diffuse-myocardial-calcification"),
        ("renal-failure", "causes", "diffuse-myocardial-calcification"),
    }
    assert {c.cited_references for c in found.values()} == {(3,)}


def test_focal_calcification_is_observed_after_myocardial_infarction(
    rule_claims: tuple[Claim, ...],
) -> None:
    found = _in(rule_claims, 3)
    claim = found[("myocardial-infarction", "associatedWith", "focal-myocardial-calcification")]
    assert claim.cited_references == (1, 2)
    assert len(found) == 1


def test_differential_causes_share_6_to_8_unless_the_reviewer_says_which_supports_which(
    claims: tuple[Claim, ...],
    seed_document: Document,
    mentions: tuple[ConceptMention, ...],
    seed_knowledge: Knowledge,
) -> None:
    causes = {
        (etiology, "causes", "diffuse-myocardial-calcification")
        for etiology in ("sarcoidosis", "rheumatoid-arthritis", "chemotherapeutic-agents")
    }
    found = _in(claims, 41)
    assert set(found) == causes
    # Reference 7 is about sarcoidosis only, reference 6 about anthracyclines only.
    sarcoidosis = found[("sarcoidosis", "causes", "diffuse-myocardial-calcification")]
    assert sarcoidosis.cited_references == (7,)
    chemotherapy = found[("chemotherapeutic-agents", "causes", "diffuse-myocardial-calcification")]
    assert chemotherapy.cited_references == (6,)
    arthritis = found[("rheumatoid-arthritis", "causes", "diffuse-myocardial-calcification")]
    assert (arthritis.cited_references, arthritis.shared_references) == ((), (8,))
    assert all(7 not in c.shared_references for c in found.values())
    # With the reviewed scope of the marker but no word on which reference supports which,
    # the text does not say: 6-8 are shared by all three, the own of none.
    curation = load_curation(seed_document)
    scoped = extract_claims(
        seed_document, mentions, seed_knowledge.vocabulary, replace(curation, supports=())
    )
    assert {(c.cited_references, c.shared_references) for c in _in(scoped, 41).values()} == {
        ((), (6, 7, 8))
    }


def test_relevant_to_the_sequelae_of_sepsis_is_a_hedged_association_not_a_cause(
    claims: tuple[Claim, ...],
) -> None:
    # "...might be metastatic calcification relevant to the sequelae of recovery from
    # sepsis and renal failure."
    found = _in(claims, 19)
    assert {
        ("sepsis", "associatedWith", "metastatic-calcification"),
        ("renal-failure", "associatedWith", "metastatic-calcification"),
        ("metastatic-calcification", "manifestsAs", "mid-wall-lv-calcification"),
    } == set(found)
    for claim in found.values():
        assert (claim.kind, claim.hedged, claim.cited_references) == (
            "authors' interpretation",
            True,
            (),
        )
    assert found[("sepsis", "associatedWith", "metastatic-calcification")].modality == (
        "association"
    )
    assert found[("sepsis", "associatedWith", "metastatic-calcification")].hedge_cue


def test_associated_with_sequelae_to_sepsis_is_an_association_not_a_cause(
    claims: tuple[Claim, ...],
) -> None:
    # "...metastatic LV myocardial calcification associated with sequelae to sepsis and
    # acute renal failure..."
    statements = {
        _statement(c): c for c in claims if "associated with sequelae to sepsis" in c.evidence
    }
    assert set(statements) == {
        ("sepsis", "associatedWith", "myocardial-calcification"),
        ("acute-renal-failure", "associatedWith", "myocardial-calcification"),
    }
    assert {c.modality for c in statements.values()} == {"association"}
    causes = {
        (s, o)
        for s, p, o in map(_statement, [c for c in claims if "sequela" in c.evidence])
        if p == "causes"
    }
    for etiology in ("sepsis", "renal-failure", "acute-renal-failure"):
        for calcification in ("metastatic-calcification", "myocardial-calcification"):
            assert (etiology, calcification) not in causes


def test_high_signal_areas_are_read_as_calcium_mixed_with_edema_or_fibrosis(
    claims: tuple[Claim, ...],
) -> None:
    found = _in(claims, 27)
    assert set(found) == {
        (mechanism, "manifestsAs", "high-signal-intensity")
        for mechanism in (
            "calcium-deposition",
            "myocardial-damage",
            "inflammatory-edema",
            "fibrosis",
        )
    }
    assert found[("fibrosis", "manifestsAs", "high-signal-intensity")].curated
    assert not found[("calcium-deposition", "manifestsAs", "high-signal-intensity")].curated


def test_a_combined_metastatic_and_dystrophic_mechanism_is_the_authors_reading(
    claims: tuple[Claim, ...],
) -> None:
    found = _in(claims, 40)
    # "...might be due to a combined mechanism of metastatic and dystrophic calcification
    # associated with serum calcium imbalance in acute renal failure ...": by rule now (the
    # elided "metastatic [calcification]", "combined": each contributes).
    for mechanism in ("metastatic-calcification", "dystrophic-calcification"):
        assert not found[(mechanism, "contributesTo", "myocardial-calcification")].curated
    assert set(found) == {
        ("metastatic-calcification", "contributesTo", "myocardial-calcification"),
        ("dystrophic-calcification", "contributesTo", "myocardial-calcification"),
        ("acute-renal-failure", "associatedWith", "metastatic-calcification"),
        ("disturbed-serum-calcium-homeostasis", "contributesTo", "metastatic-calcification"),
        ("acute-renal-failure", "causes", "disturbed-serum-calcium-homeostasis"),
        ("myocardial-damage", "contributesTo", "dystrophic-calcification"),
        ("sepsis", "causes", "myocardial-damage"),
    }
    assert all(c.kind == "authors' interpretation" and c.hedged for c in found.values())


def test_a_curated_claim_replaces_the_rule_claim_on_the_same_concepts(
    rule_claims: tuple[Claim, ...],
    seed_document: Document,
    mentions: tuple[ConceptMention, ...],
    seed_knowledge: Knowledge,
    tmp_path: Path,
) -> None:
    by_rule = ("dystrophic-calcification", "contributesTo", "myocardial-calcification")
    assert by_rule in _in(rule_claims, 40)
    path = tmp_path / "review.curation.toml"
    path.write_text(
        '[[claim]]\nsubject = "dystrophic-calcification"\npredicate = "causes"\n'
        'object = "myocardial-calcification"\nkind = "authors\' interpretation"\n'
        'quote = "a combined mechanism of metastatic and dystrophic calcification"\n',
        encoding="utf-8",
    )
    curation = load_curation(seed_document, path)
    reviewed = _in(extract_claims(seed_document, mentions, seed_knowledge.vocabulary, curation), 40)
    assert by_rule not in reviewed
    assert reviewed[("dystrophic-calcification", "causes", "myocardial-calcification")].curated


def test_rule_claims_the_reviewer_rejected_are_gone(
    claims: tuple[Claim, ...], rule_claims: tuple[Claim, ...]
) -> None:
    rejected = ("acute-renal-failure", "associatedWith", "dystrophic-calcification")
    assert rejected in _in(rule_claims, 40) and rejected not in _in(claims, 40)
    assert ("myocardial-damage", "manifestsAs", "preserved-lv-function") not in _in(claims, 46)


def test_calcium_shortens_t1_is_cited_to_reference_9(
    claims: tuple[Claim, ...], seed_document: Document
) -> None:
    claim = _in(claims, 45)[("calcium-deposition", "manifestsAs", "t1-shortening")]
    assert claim.cited_references == (9,)
    assert claim.citation_function == "obtainsSupportFrom"
    assert claim.kind == "authors' interpretation"
    words = seed_document.source[claim.span.start : claim.span.end]
    assert (
        words
        == claim.evidence
        == ("attributable to the short T1 value of calcium mixed with myocardial edema")
    )


def test_every_claim_has_evidence_in_the_report(
    claims: tuple[Claim, ...], seed_document: Document
) -> None:
    for claim in claims:
        assert claim.evidence_sentences
        words = seed_document.source[claim.span.start : claim.span.end]
        assert " ".join(words.split()) == " ".join(claim.evidence.split())


def test_claims_in_the_authors_voice_are_their_interpretation(
    claims: tuple[Claim, ...],
) -> None:
    assert {c.kind for c in claims if c.sentence_index in (19, 27, 32, 40, 45)} == {
        "authors' interpretation"
    }
    assert {c.kind for c in claims if c.sentence_index in (3, 5, 36, 37, 39, 41)} == {
        "background literature"
    }
