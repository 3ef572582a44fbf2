"""Knowledge that says no more than the text (issue 9): regression tests by meaning.

Each test names the wrong reading it guards against; they find claims and facts by their
subject, object and words, never by sentence number.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib.namespace import RDF

from kg.annotate import annotate
from kg.claims import Claim, extract_claims
from kg.document import ArticleMetadata, Document, Sentence, Span
from kg.facts import extract_case_facts
from kg.ingest import ingest
from kg.mentions import find_mentions
from kg.rdf.annotations import annotation_graph
from kg.rdf.namespaces import CKG, CONCEPT, OA
from kg.vocabulary import Knowledge

LEGIONELLA = """Legionnaires' disease with rhabdomyolysis: a case report

CASE PRESENTATION

A 62-year-old man presented with fever, cough and myalgia. Laboratory tests showed \
creatine kinase 25000 U/L, creatinine 2.9 mg/dL and C-reactive protein 28 mg/dL. He was \
diagnosed with acute kidney injury.

DISCUSSION

Sepsis may be associated with myocardial calcification (1). Sarcoidosis is not associated \
with myocardial calcification in children (2). Renal failure causes metastatic \
calcification (3).

REFERENCES

1. Doe J. Rhabdomyolysis in Legionella pneumonia. J Infect 2010;1:1-2
2. Roe R. Calcification in children. J Pediatr 2011;2:3-4
3. Poe P. Metastatic calcification. J Nephrol 2012;3:5-6
"""


def _key(iri: str | None) -> str | None:
    return iri.rsplit("/", 1)[1] if iri else None


@pytest.fixture(scope="module")
def legionella(tmp_path_factory: pytest.TempPathFactory) -> Document:
    path = Path(tmp_path_factory.mktemp("legionella")) / "legionella.txt"
    path.write_text(LEGIONELLA, encoding="utf-8")
    return ingest(path)


@pytest.fixture(scope="module")
def claims(legionella: Document, knowledge: Knowledge) -> dict[tuple[str, str], Claim]:
    found = extract_claims(legionella, find_mentions(legionella, knowledge), knowledge.vocabulary)
    return {(str(_key(c.subject)), str(_key(c.object))): c for c in found}


def test_creatine_kinase_is_never_read_as_creatinine(
    legionella: Document, knowledge: Knowledge
) -> None:
    facts = extract_case_facts(
        legionella, find_mentions(legionella, knowledge), knowledge.vocabulary
    )
    labs = {(_key(lab.analyte.concept), str(lab.value), lab.ucum) for lab in facts.labs}
    assert ("creatine-kinase", "25000", "U/L") in labs
    assert ("creatinine", "2.9", "mg/dL") in labs
    assert not [lab for lab in facts.labs if lab.value == 25000 and "creatinine" in str(lab)]


def test_the_misspelling_creatine_is_creatinine_only_in_the_seed_overlay(
    knowledge: Knowledge, seed_knowledge: Knowledge
) -> None:
    text = "elevated creatine (5.10 mg/dL)"
    assert [_key(m.concept) for m in knowledge.matcher.find(text)] == []
    assert [_key(m.concept) for m in seed_knowledge.matcher.find(text)] == ["creatinine"]


def test_the_shared_vocabulary_holds_no_wording_of_one_report(knowledge: Knowledge) -> None:
    labels = {label for c in knowledge.vocabulary.concepts.values() for label in c.labels}
    assert "creatine" not in labels
    assert "circumferential rim-like heterogeneous high signal intensity lesions" not in labels


def test_may_be_associated_with_is_a_hedged_association_with_its_own_reference(
    claims: dict[tuple[str, str], Claim],
) -> None:
    claim = claims[("sepsis", "myocardial-calcification")]
    assert (claim.predicate, claim.modality, claim.hedged) == (
        "associatedWith",
        "association",
        True,
    )
    assert (claim.hedge_cue, claim.cited_references, claim.negated) == ("may", (1,), False)


def test_not_associated_with_is_a_denied_association(
    claims: dict[tuple[str, str], Claim],
) -> None:
    claim = claims[("sarcoidosis", "myocardial-calcification")]
    assert (claim.predicate, claim.negated, claim.cited_references) == (
        "associatedWith",
        True,
        (2,),
    )


def test_only_a_causal_sentence_gives_causes(claims: dict[tuple[str, str], Claim]) -> None:
    causal = claims[("renal-failure", "metastatic-calcification")]
    assert (causal.predicate, causal.modality, causal.hedged) == ("causes", "causal", False)
    assert causal.cited_references == (3,)
    assert {c.predicate for c in claims.values() if c.modality != "causal"} <= {
        "associatedWith",
        "manifestsAs",
        "increasesRiskOf",
    }
    assert all(c.modality == "causal" for c in claims.values() if c.predicate == "causes")


def test_a_diagnosis_stated_in_the_case_is_the_patients(
    legionella: Document, knowledge: Knowledge
) -> None:
    facts = extract_case_facts(
        legionella, find_mentions(legionella, knowledge), knowledge.vocabulary
    )
    assert facts.patient is not None
    assert {_key(d.term.concept) for d in facts.patient.diagnoses} == {"acute-renal-failure"}


def test_an_organism_named_twice_is_two_findings_each_with_one_quote(
    tmp_path: Path, knowledge: Knowledge
) -> None:
    # MACCROBAT 28353558 names M. tuberculosis in two culture sentences: one IRI for both
    # gave a quote selector two oa:prefix values (a SHACL violation).
    path = tmp_path / "twice.txt"
    path.write_text(
        LEGIONELLA.replace(
            "He was diagnosed",
            "Sputum culture grew *Mycobacterium tuberculosis*. Blood culture also grew "
            "*Mycobacterium tuberculosis*. He was diagnosed",
        ),
        encoding="utf-8",
    )
    document = ingest(path)
    graph = annotation_graph(document, annotate(document, [], knowledge))
    prefixes = Counter(graph.subjects(OA.prefix, None))
    assert prefixes and max(prefixes.values()) == 1
    organisms = list(graph.subjects(RDF.type, CKG.MicrobiologyFinding))
    assert len(organisms) == 2


def test_a_report_on_another_topic_gives_concepts_labs_timeline_and_claims(
    tmp_path: Path, knowledge: Knowledge
) -> None:
    path = tmp_path / "pneumonia.txt"
    path.write_text(
        LEGIONELLA.replace(
            "He was diagnosed",
            "A chest X-ray on admission showed a right lower lobe infiltrate. On the third "
            "day of hospitalization, chest CT showed pneumonia. He was diagnosed",
        ),
        encoding="utf-8",
    )
    document = ingest(path)
    annotations = annotate(document, [], knowledge)
    identifiers = {m.text: m.identifier for m in annotations.mentions if m.identifier}
    # Standard terminology identifiers, as HPO gives them.
    assert identifiers["cough"] == "HP:0012735"
    assert identifiers["pneumonia"] == "HP:0002090"
    assert {_key(lab.analyte.concept) for lab in annotations.facts.labs} >= {
        "creatine-kinase",
        "creatinine",
        "c-reactive-protein",
    }
    assert [(e.label, e.day) for e in annotations.facts.timeline] == [
        ("chest X-ray", 0),
        ("chest CT", 3),
    ]
    assert {(_key(c.subject), c.predicate) for c in annotations.claims} >= {
        ("renal-failure", "causes"),
        ("sepsis", "associatedWith"),
    }


def test_a_modifier_sharing_the_next_head_names_its_own_concept(
    tmp_path: Path, knowledge: Knowledge
) -> None:
    # Not the seed's words: the elision rule and the "combined" rule on a new sentence.
    path = tmp_path / "elided.txt"
    path.write_text(
        LEGIONELLA.replace(
            "Renal failure causes metastatic calcification (3).",
            "The calcification resulted from a combination of dystrophic and metastatic "
            "calcification (3).",
        ),
        encoding="utf-8",
    )
    document = ingest(path)
    mentions = find_mentions(document, knowledge)
    assert ("dystrophic", "dystrophic-calcification") in {
        (m.text, _key(m.concept)) for m in mentions
    }
    claims = {
        (_key(c.subject), c.predicate, _key(c.object))
        for c in extract_claims(document, mentions, knowledge.vocabulary)
    }
    assert {
        ("dystrophic-calcification", "contributesTo", "calcification"),
        ("metastatic-calcification", "contributesTo", "calcification"),
    } <= claims


def _one_sentence(text: str) -> Document:
    sentence = Sentence(0, "Case presentation", text, (Span(0, len(text)),))
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Document("one", text, digest, ArticleMetadata(title="x"), (), (sentence,))


def test_a_name_beginning_with_a_number_is_still_a_name_but_a_value_is_not(
    knowledge: Knowledge,
) -> None:
    document = _one_sentence("Levels were: 25-OH vitamin D 30.4 ng/mL (20-50 ng/mL).")
    labs = annotate(document, [], knowledge).facts.labs
    assert [(lab.analyte.text, str(lab.value)) for lab in labs] == [("25-OH vitamin D", "30.4")]


def test_a_functions_status_is_an_assessment_but_a_clinical_or_code_status_is_not(
    knowledge: Knowledge,
) -> None:
    text = "Her mental status improved; her clinical status was poor and her code status changed."
    mentions = annotate(_one_sentence(text), [], knowledge).mentions
    assert [m.text for m in mentions if m.identifier == "SCT:103693007"] == ["mental status"]


def test_chemotherapy_is_a_drug_that_the_vocabulary_also_counts_as_an_etiology(
    knowledge: Knowledge,
) -> None:
    # MACCROBAT types "chemotherapy" Medication: a drug given, never a disease, though it
    # can cause myocardial calcification
    text = "She received chemotherapy with doxorubicin for breast cancer."
    sentence = Sentence(0, "Case presentation", text, (Span(0, len(text)),))
    digest = hashlib.sha256(text.encode()).hexdigest()
    document = Document("drug", text, digest, ArticleMetadata(title="x"), (), (sentence,))
    vocabulary = knowledge.vocabulary
    schemes = {
        m.text: {s.rsplit("/", 1)[-1] for s in vocabulary.concepts[m.concept].schemes}
        for m in find_mentions(document, knowledge)
        if m.concept in vocabulary.concepts
    }
    assert schemes["chemotherapy"] == {"etiology", "drug"}
    assert schemes["doxorubicin"] == {"etiology", "drug"}


def test_a_findings_name_inside_a_scales_name_is_no_finding(knowledge: Knowledge) -> None:
    text = "She obeyed commands, resulting in a Glasgow Coma Scale score of 15, and later a coma."
    sentence = Sentence(0, "Case presentation", text, (Span(0, len(text)),))
    digest = hashlib.sha256(text.encode()).hexdigest()
    document = Document("scale", text, digest, ArticleMetadata(title="x"), (), (sentence,))
    comas = [m.text for m in find_mentions(document, knowledge) if m.identifier == "HP:0001259"]
    assert comas == ["coma"]  # the patient's coma, not the scale's


def test_a_measurement_named_for_a_disease_is_no_lab_test(knowledge: Knowledge) -> None:
    # EFO's "metastasis measurement" measures the disease: "metastasis" names no analyte
    text = "CT showed liver metastasis, and the ferritin level was 900 ng/mL."
    sentence = Sentence(0, "Case presentation", text, (Span(0, len(text)),))
    digest = hashlib.sha256(text.encode()).hexdigest()
    document = Document("efo", text, digest, ArticleMetadata(title="x"), (), (sentence,))
    tests = {m.text for m in find_mentions(document, knowledge) if m.category == "lab-test"}
    assert "metastasis" not in tests
    assert "ferritin level" in tests


def test_ef_names_the_ejection_fraction_in_its_own_letter_case(knowledge: Knowledge) -> None:
    text = "The echocardiography showed a dilated left ventricle with EF of 20%."
    sentence = Sentence(0, "Case presentation", text, (Span(0, len(text)),))
    digest = hashlib.sha256(text.encode()).hexdigest()
    document = Document("ef", text, digest, ArticleMetadata(title="x"), (), (sentence,))
    measured = [
        (m.quantity.concept, str(m.value), m.ucum)
        for m in annotate(document, [], knowledge).facts.measurements
    ]
    assert measured == [(str(CONCEPT["lvef"]), "20", "%")]


def test_the_international_normalized_ratio_is_one_lab_test_not_a_ratio_procedure(
    knowledge: Knowledge,
) -> None:
    text = "Her international normalized ratio was 2.5 on admission."
    sentence = Sentence(0, "Case presentation", text, (Span(0, len(text)),))
    digest = hashlib.sha256(text.encode()).hexdigest()
    document = Document("inr", text, digest, ArticleMetadata(title="x"), (), (sentence,))
    named = [(m.text, m.category) for m in find_mentions(document, knowledge)]
    assert named == [("international normalized ratio", "lab-test")]


def test_a_british_ised_spelling_names_the_same_lab_test(knowledge: Knowledge) -> None:
    text = "An international normalised ratio of 1.9 was noted."
    sentence = Sentence(0, "Case presentation", text, (Span(0, len(text)),))
    digest = hashlib.sha256(text.encode()).hexdigest()
    document = Document("inr-gb", text, digest, ArticleMetadata(title="x"), (), (sentence,))
    named = [(m.text, m.identifier) for m in find_mentions(document, knowledge)]
    assert named == [("international normalised ratio", "EFO:0008390")]


def test_a_measured_quantity_causes_nothing(knowledge: Knowledge) -> None:
    # "LVEF ... due to" is the ejection fraction measured, not a cause of the fever
    document = _one_sentence(
        "The patient presented with fever and the echocardiography showed severe aortic "
        "insufficiency due to a rupture of the homograft, with left ventricular ejection "
        "fraction (LVEF) depression (40-45%)."
    )
    found = extract_claims(document, find_mentions(document, knowledge), knowledge.vocabulary)
    assert not [c for c in found if _key(c.subject) == "lvef" or _key(c.object) == "lvef"]
    assert not [c for c in found if _key(c.object) == "fever"]


def test_an_enzyme_named_as_a_drugs_class_or_a_molecules_part_is_no_test(
    knowledge: Knowledge,
) -> None:
    document = _one_sentence(
        "She received a tyrosine kinase inhibitor after sequencing of the kinase domain of "
        "EGFR; creatine kinase was 300 U/L."
    )
    tests = [m.text for m in find_mentions(document, knowledge) if m.category == "procedure"]
    assert not [t for t in tests if "kinase" in t and "creatine" not in t]
    labs = annotate(document, [], knowledge).facts.labs
    assert [(lab.analyte.text, str(lab.value)) for lab in labs] == [("creatine kinase", "300")]


def test_a_score_or_status_is_named_by_the_scale_whose_abbreviation_the_text_defines(
    knowledge: Knowledge,
) -> None:
    document = _one_sentence(
        "Her Child-Pugh (CP) score was 8, Model for End-Stage Liver Disease (MELD) score was "
        "11, and her Eastern Cooperative Oncology Group (ECOG) performance status was 2; "
        "later her ECOG performance status was 0, and the performance status was 1."
    )
    results = {(r.test.text, r.result) for r in annotate(document, [], knowledge).facts.results}
    # never a bare "score was 11" or "performance status was 2": the scale names them
    assert {
        ("Child-Pugh score", "8"),
        ("Model for End-Stage Liver Disease score", "11"),
        ("Eastern Cooperative Oncology Group (ECOG) performance status", "2"),
        ("ECOG performance status", "0"),
        ("performance status", "1"),
    } <= results
    assert not {("score", "11"), ("performance status", "2"), ("performance status", "0")} & results


def test_remained_links_a_name_to_its_value_as_was_does(knowledge: Knowledge) -> None:
    document = _one_sentence(
        "Despite beta-blockers, her QTc remained prolonged (600 msec), and her PIPs remained "
        "between 15 and 45 cm H2O."
    )
    facts = annotate(document, [], knowledge).facts
    named = {(m.quantity.text, m.value or m.lower_bound) for m in facts.measurements}
    named |= {(lab.analyte.text, lab.value or lab.lower_bound) for lab in facts.labs}
    # never no fact at all for "QTc remained prolonged (600 msec)"
    assert ("QTc", Decimal("600")) in named
    assert ("PIPs", Decimal("15")) in named


def test_a_capitalised_word_before_a_status_is_no_scale_unless_an_abbreviation(
    knowledge: Knowledge,
) -> None:
    document = _one_sentence("In March mental status worsened, and WHO performance status was 1.")
    tests = {m.text for m in find_mentions(document, knowledge) if m.category == "procedure"}
    assert {"mental status", "WHO performance status"} <= tests


def test_an_approximate_value_is_still_its_names_value(knowledge: Knowledge) -> None:
    document = _one_sentence(
        "His blood pressure remained around 120/70 mmHg and was about to be rechecked."
    )
    measurements = annotate(document, [], knowledge).facts.measurements
    # "around" stood between the link and the number, so no value was read at all
    assert [(m.quantity.text, m.qualifier, str(m.value)) for m in measurements] == [
        ("blood pressure", "systolic", "120"),
        ("blood pressure", "diastolic", "70"),
    ]


def test_a_dicom_modality_code_that_means_something_else_in_a_report_names_no_examination(
    knowledge: Knowledge,
) -> None:
    document = _one_sentence(
        "On HD, she had severe AR, PT and aPTT were prolonged and RF was positive on the PA "
        "view, so CT and US followed."
    )
    named = {m.text: m.category for m in find_mentions(document, knowledge)}
    assert {"HD", "AR", "PT", "RF", "PA"}.isdisjoint(
        text for text, category in named.items() if category == "procedure"
    )
    assert (named.get("CT"), named.get("US")) == ("procedure", "procedure")
