"""A real case report on another medical topic, read by the same code and vocabulary.

tests/data/alawadhi-2016-myeloma-hemorrhage.xml is a Hindawi case report as PMC
distributes it (CC BY; source and notice in tests/data/README.md): multiple myeloma first
presenting as a retroperitoneal haemorrhage, with laboratory values in its "2. Case Report"
section and a "3. Discussion" citing the literature. It has no overlay and no curation
file; these tests hold what the build gets right on it. What it still gets wrong is listed
in the session report of issue 9 and is not asserted here.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kg.annotate import Annotations, annotate
from kg.document import Document
from kg.ingest import read_document
from kg.references import parse_reference
from kg.vocabulary import Knowledge

REPORT = Path(__file__).parent / "data" / "alawadhi-2016-myeloma-hemorrhage.xml"


@pytest.fixture(scope="module")
def document() -> Document:
    return read_document(REPORT)


@pytest.fixture(scope="module")
def report_annotations(document: Document, knowledge: Knowledge) -> Annotations:
    references = [parse_reference(raw.text, raw.number) for raw in document.references]
    return annotate(document, references, knowledge)


def _identifiers(report_annotations: Annotations) -> dict[str, str]:
    """Concept IRI -> the identifier its terminology gives it."""
    return {m.concept: m.identifier for m in report_annotations.mentions if m.identifier}


def test_it_is_read_as_a_case_report_with_a_discussion_and_six_references(
    document: Document,
) -> None:
    sections = {s.section for s in document.sentences}
    assert {"2. Case Report", "3. Discussion"} <= sections
    assert len(document.references) == 6


def test_its_concepts_carry_their_terminology_identifiers(report_annotations: Annotations) -> None:
    named = {(m.text.lower(), m.identifier) for m in report_annotations.mentions}
    assert {
        ("multiple myeloma", "HP:0006775"),
        ("splenomegaly", "HP:0001744"),
        ("spinal cord compression", "HP:0002176"),
        ("thrombocytopenia", "HP:0001873"),
        ("plasma cell leukaemia", "MONDO:0018689"),
        ("light chain amyloidosis", "MONDO:0019438"),
        ("d-dimer", "EFO:0004507"),
        ("prothrombin time", "EFO:0008390"),
    } <= named


def test_an_excluded_diagnosis_is_negated_with_its_cue(report_annotations: Annotations) -> None:
    excluded = [
        m
        for m in report_annotations.mentions
        if m.identifier == "MONDO:0018689" and m.text == "Plasma cell leukaemia"
    ]
    assert [(m.negated, m.context.cues) for m in excluded] == [(True, ("was excluded",))]
    absent = [m for m in report_annotations.mentions if m.text == "bleeding disorder"]
    assert [(m.negated, m.context.cues) for m in absent] == [(True, ("absence of",))]


def test_the_patient_is_a_64_year_old_woman_seen_in_the_emergency_department(
    report_annotations: Annotations,
) -> None:
    patient = report_annotations.facts.patient
    assert patient is not None
    assert (patient.age_years, patient.sex, patient.admitted_to) == (
        64,
        "female",
        "emergency department",
    )


def test_labs_name_their_test_with_value_and_unit(report_annotations: Annotations) -> None:
    labs = {
        (lab.analyte.text, lab.comparator, lab.value, lab.ucum)
        for lab in report_annotations.facts.labs
    }
    assert {
        ("haemoglobin", "=", Decimal("9"), "g/dL"),
        ("creatinine", "=", Decimal("2.5"), "mg/dL"),
        ("fibrinogen", "=", Decimal("75"), "mg/dL"),
    } <= labs


def test_creatinine_is_the_vocabulary_concept_and_its_repeat_is_linked(
    report_annotations: Annotations,
) -> None:
    creatinines = {
        lab.value: lab for lab in report_annotations.facts.labs if lab.analyte.text == "creatinine"
    }
    creatinine = creatinines[Decimal("2.5")]
    assert creatinine.analyte.concept is not None
    assert creatinine.analyte.concept.endswith("/creatinine")
    # "creatinine increasing from 2.5 mg/dL to 5.5 mg/dL" in the ICU course restates it,
    # and the value the course reaches is creatinine's too, stated there only
    assert creatinine.also_reported_in == (50,)
    assert set(creatinines) == {Decimal("2.5"), Decimal("5.5")}
    assert creatinines[Decimal("5.5")].analyte.concept == creatinine.analyte.concept


def test_a_stated_reference_range_gives_the_flag(report_annotations: Annotations) -> None:
    (fibrinogen,) = [
        lab for lab in report_annotations.facts.labs if lab.analyte.text == "fibrinogen"
    ]
    assert (fibrinogen.range_low, fibrinogen.range_high, fibrinogen.flag) == (
        Decimal("193"),
        Decimal("423"),
        "low",
    )


def test_a_lower_bound_is_kept_as_a_bound(report_annotations: Annotations) -> None:
    (d_dimer,) = [lab for lab in report_annotations.facts.labs if lab.analyte.text == "D-dimer"]
    assert (d_dimer.comparator, d_dimer.value, d_dimer.lower_bound, d_dimer.ucum) == (
        ">",
        None,
        Decimal("0.5"),
        "mg/L",
    )


def test_the_timeline_has_the_admission_and_the_examinations(
    report_annotations: Annotations,
) -> None:
    timeline = report_annotations.facts.timeline
    admissions = [e for e in timeline if e.kind == "admission"]
    assert [(e.day, e.offset, e.sentence_index) for e in admissions] == [(0, "P0D", 14)]
    examined = {e.label for e in timeline if e.kind == "examination"}
    assert {"MRI", "chest X-ray"} <= examined


def test_the_chest_x_ray_shows_a_pleural_effusion(report_annotations: Annotations) -> None:
    (x_ray,) = [e for e in report_annotations.facts.timeline if e.label == "chest X-ray"]
    assert ("pleural effusion", True) in {(f.text, f.present) for f in x_ray.findings}


def test_an_associated_with_sentence_gives_an_association_not_a_cause(
    report_annotations: Annotations,
) -> None:
    ids = _identifiers(report_annotations)
    claims = [
        c
        for c in report_annotations.claims
        if (ids.get(c.subject), ids.get(c.object)) == ("HP:0006775", "HP:0001892")
    ]
    assert [(c.predicate, c.modality, c.hedged, c.negated, c.kind) for c in claims] == [
        ("associatedWith", "association", False, False, "background literature")
    ]
    assert claims[0].evidence.startswith("Plasma cell dyscrasia including multiple myeloma")


def test_secondary_to_gives_a_cause_with_the_reference_of_its_own_sentence(
    report_annotations: Annotations,
) -> None:
    ids = _identifiers(report_annotations)
    claims = [
        c
        for c in report_annotations.claims
        if (ids.get(c.subject), ids.get(c.object)) == ("HP:0005528", "HP:0001873")
    ]
    # "thrombocytopenia secondary to bone marrow failure, ... [6]"
    assert [
        (c.predicate, c.modality, c.hedged, c.kind, c.cited_references, c.curated) for c in claims
    ] == [("causes", "causal", False, "background literature", (6,), False)]


def test_every_claim_comes_from_the_discussion_without_curation(
    document: Document, report_annotations: Annotations
) -> None:
    assert report_annotations.claims
    for claim in report_annotations.claims:
        assert not claim.curated
        assert document.sentences[claim.sentence_index].section == "3. Discussion"


def test_a_lab_is_named_by_its_test_never_by_a_preposition_or_a_generic_word(
    report_annotations: Annotations,
) -> None:
    labs = {(lab.analyte.text, lab.value) for lab in report_annotations.facts.labs}
    names = {name for name, _ in labs}
    # "serum albumin was low at 2.7 g/dL", "Fibrinogen was normal with a value of 194 mg/dL",
    # "tests revealed a low total protein at 6.5 g/dL": the subject, not "at" or "value"
    assert {
        ("albumin", Decimal("2.7")),
        ("LDH", Decimal("240")),
        ("Fibrinogen", Decimal("194")),
        ("IgG", Decimal("2187")),
        ("total protein", Decimal("6.5")),
    } <= labs
    assert not names & {"at", "to", "value", "Biochemical tests", "autopsy"}
    # "increasing from 2.5 mg/dL to 5.5 mg/dL" names no second test: 5.5 is creatinine's
    assert {name for name, value in labs if value == Decimal("5.5")} == {"creatinine"}
    assert not [r for r in report_annotations.facts.results if r.test.text[:1].isdigit()]


def test_a_stated_flag_is_the_cue_of_the_values_own_item_not_the_next_ones(
    report_annotations: Annotations,
) -> None:
    flags = {lab.analyte.text: (lab.flag, lab.flag_cue) for lab in report_annotations.facts.labs}
    # "Prothrombin time was slightly elevated 14.2 sec and a normal activated partial
    # thromboplastin time"; "an increased IgG at 2187 mg/dL and decreased IgA and IgM levels"
    assert flags["Prothrombin time"] == ("high", "elevated")
    assert flags["IgG"] == ("high", "increased")


def test_a_modality_abbreviation_followed_by_a_value_is_no_imaging_modality(
    report_annotations: Annotations,
) -> None:
    # "PT of 24 sec (9-12 sec)" is the prothrombin time, not positron emission tomography
    assert not [m for m in report_annotations.mentions if m.identifier == "DCM:PT"]
    assert not [r for r in report_annotations.facts.results if r.test.text == "PT"]


def test_a_place_a_reporting_verb_or_a_status_is_no_diagnostic_procedure(
    report_annotations: Annotations,
) -> None:
    procedures = {m.text for m in report_annotations.mentions if m.identifier == "SCT:103693007"}
    # "T12 to L5 level", "revealed interval worsening", "her code status", "poor clinical
    # status", "H&E staining" (the stain's whole name, not "E staining")
    assert not procedures & {
        "L5 level",
        "revealed interval",
        "code status",
        "clinical status",
        "E staining",
    }
    assert "H&E staining" in procedures


def test_a_claim_cites_only_its_own_sentence_when_it_does_not_continue_the_one_before(
    report_annotations: Annotations,
) -> None:
    ids = _identifiers(report_annotations)
    (claim,) = [
        c
        for c in report_annotations.claims
        if (ids.get(c.subject), ids.get(c.object)) == ("HP:0006775", "HP:0001892")
    ]
    # "... rather than to the monoclonal paraprotein [5]. Plasma cell dyscrasia including
    # multiple myeloma is associated with a bleeding diathesis in about 15% of the cases."
    assert (claim.cited_references, claim.shared_references) == ((), ())
    assert claim.citation_sentences == ()


def test_a_test_abbreviation_that_hpo_spells_out_names_the_lab_before_its_value(
    report_annotations: Annotations,
) -> None:
    # "DIC confirmed by PT of 24 sec (9-12 sec)": HPO names "Prolonged PT" and "Prolonged
    # prothrombin time" as one phenotype, so "PT" before a value is the prothrombin time
    named = {m.identifier for m in report_annotations.mentions if m.text == "PT"}
    assert named == {"EFO:0008390"}
    (pt,) = [lab for lab in report_annotations.facts.labs if lab.analyte.text == "PT"]
    assert (pt.value, pt.ucum, pt.range_low, pt.range_high, pt.flag) == (
        Decimal("24"),
        "s",
        Decimal("9"),
        Decimal("12"),
        "high",
    )


def test_a_stain_named_by_a_colour_keeps_the_word_before_it(
    report_annotations: Annotations,
) -> None:
    # "Congo red staining was negative ruling out amyloidosis."
    procedures = {m.text for m in report_annotations.mentions if m.identifier == "SCT:103693007"}
    assert "Congo red staining" in procedures
    assert "red staining" not in procedures
    results = {(r.test.text, r.result) for r in report_annotations.facts.results}
    assert ("Congo red staining", "negative") in results


def _claims_between(
    report_annotations: Annotations, subject: str, obj: str
) -> list[tuple[str, str, bool, str, tuple[int, ...]]]:
    ids = _identifiers(report_annotations)
    for mention in report_annotations.mentions:  # a domain concept by its key
        ids.setdefault(mention.concept, mention.concept.rsplit("/", 1)[-1])
    return [
        (c.predicate, c.modality, c.hedged, c.kind, c.cited_references)
        for c in report_annotations.claims
        if (ids.get(c.subject), ids.get(c.object)) == (subject, obj)
    ]


def test_a_shortened_repeat_of_a_phenotype_names_it_and_a_leading_to_gives_a_cause(
    report_annotations: Annotations,
) -> None:
    # "This case illustrates a rare and aggressive form of multiple myeloma presenting with
    # retroperitoneal hemorrhage leading to cord compression." ("spinal cord compression"
    # before): the authors' reading of their own case, stating a cause, citing nothing
    repeats = [m for m in report_annotations.mentions if m.text == "cord compression"]
    assert [m.identifier for m in repeats] == ["HP:0002176"]
    assert _claims_between(report_annotations, "SCT:50960005", "HP:0002176") == [
        ("causes", "causal", False, "authors' interpretation", ())
    ]


def test_might_have_contributed_to_gives_a_hedged_cause_with_its_own_reference(
    report_annotations: Annotations,
) -> None:
    # "... light chain amyloidosis was detected which might have contributed to the bleeding
    # complication in that case [4]."
    assert _claims_between(report_annotations, "MONDO:0019438", "SCT:50960005") == [
        ("causes", "causal", True, "background literature", (4,))
    ]


def test_related_to_complications_due_to_gives_associations_not_causes(
    report_annotations: Annotations,
) -> None:
    # "In general, bleeding diathesis in multiple myeloma contributing to morbidity and death
    # is often related to complications due to therapy, infection, renal failure, ... [5]."
    assert _claims_between(report_annotations, "HP:0001892", "MONDO:0005550") == [
        ("associatedWith", "association", False, "background literature", (5,))
    ]
    assert _claims_between(report_annotations, "renal-failure", "HP:0001892") == [
        ("associatedWith", "association", False, "background literature", (5,))
    ]
    causes = {(c.subject, c.object) for c in report_annotations.claims if c.predicate == "causes"}
    assert not [pair for pair in causes if "HP_0001892" in pair[0] + pair[1]]


def test_where_a_finding_occurs_is_no_cause_of_it(report_annotations: Annotations) -> None:
    # "... the cause of bleeding in patients with multiple myeloma ...": an association
    assert _claims_between(report_annotations, "SCT:50960005", "HP:0006775") == [
        ("associatedWith", "association", False, "authors' interpretation", ())
    ]
