"""Case facts of the seed report: patient, microbiology, every lab value, imaging measurements.

Each assertion is what a clinician reads in the report; values are compared as written.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.document import Document
from kg.facts import CaseFacts, LabResult, Measurement, abnormal_flag, extract_case_facts
from kg.mentions import find_mentions
from kg.rdf.namespaces import CONCEPT
from kg.vocabulary import Knowledge


@pytest.fixture(scope="module")
def facts(seed_document: Document, seed_knowledge: Knowledge) -> CaseFacts:
    mentions = find_mentions(seed_document, seed_knowledge)
    return extract_case_facts(seed_document, mentions, seed_knowledge.vocabulary)


def _lab(facts: CaseFacts, key: str) -> LabResult:
    [lab] = [lab for lab in facts.labs if lab.analyte.concept == str(CONCEPT[key])]
    return lab


def _words(document: Document, fact: LabResult | Measurement) -> str:
    return document.source[fact.span.start : fact.span.end]


def test_the_patient_is_a_51_year_old_man_with_liver_cirrhosis(facts: CaseFacts) -> None:
    patient = facts.patient
    assert patient is not None
    assert (patient.age_years, patient.sex) == (51, "male")
    assert [t.concept for t in patient.comorbidities] == [str(CONCEPT["liver-cirrhosis"])]
    assert [t.text for t in patient.presentation] == ["general weakness"]
    assert patient.admitted_to == "emergency room"
    assert patient.sentence_index == 7


def test_blood_culture_grew_enterobacteriaceae_and_escherichia_coli(
    facts: CaseFacts, seed_document: Document
) -> None:
    found = [(m.organism.text, m.specimen) for m in facts.microbiology]
    assert found == [("Enterobacteriaceae", "blood"), ("Escherichia coli", "blood")]
    for finding in facts.microbiology:
        assert seed_document.source[finding.span.start : finding.span.end] == finding.organism.text


def test_every_lab_value_of_the_report_is_found_once(facts: CaseFacts) -> None:
    analytes = [lab.analyte.concept.rsplit("/", 1)[1] for lab in facts.labs if lab.analyte.concept]
    assert analytes == [
        "creatinine",
        "blood-urea-nitrogen",
        "c-reactive-protein",
        "leukocyte-count",
        "serum-calcium",
        "serum-phosphate",
        "troponin-i",
        "ck-mb",
    ]


@pytest.mark.parametrize(
    ("key", "written", "value", "unit", "low", "high", "flag"),
    [
        ("creatinine", "creatine", "5.10", "mg/dL", "0.6", "1.1", "high"),
        ("blood-urea-nitrogen", "blood urea nitrogen", "79.3", "mg/dL", "8", "20", "high"),
        ("serum-calcium", "hypocalcemia", "7.3", "mg/dL", "8.7", "10.6", "low"),
        ("serum-phosphate", "hyperphosphatemia", "5.3", "mg/dL", "2.5", "4.7", "high"),
    ],
)
def test_averaged_labs_carry_their_range_and_the_flag_computed_from_it(
    facts: CaseFacts,
    key: str,
    written: str,
    value: str,
    unit: str,
    low: str,
    high: str,
    flag: str,
) -> None:
    lab = _lab(facts, key)
    assert lab.analyte.text == written
    assert (lab.value, lab.ucum, lab.comparator) == (Decimal(value), unit, "=")
    assert (lab.range_low, lab.range_high) == (Decimal(low), Decimal(high))
    assert (lab.flag, lab.qualifier) == (flag, "average")


def test_crp_has_no_range_but_the_text_calls_it_elevated(facts: CaseFacts) -> None:
    # "abnormal laboratory findings including elevated creatine (...), blood urea nitrogen
    # (...), C-reactive protein (11.8 mg/dL), ...": "elevated" heads the list.
    crp = _lab(facts, "c-reactive-protein")
    assert (crp.value, crp.ucum) == (Decimal("11.8"), "mg/dL")
    assert (crp.range_low, crp.range_high, crp.qualifier) == (None, None, None)
    assert (crp.flag, crp.flag_cue) == ("high", "elevated")


def test_leukocytes_are_counted_per_microlitre(facts: CaseFacts) -> None:
    leukocytes = _lab(facts, "leukocyte-count")
    assert (leukocytes.analyte.text, leukocytes.value) == ("leukocytosis", Decimal("32322"))
    assert (leukocytes.unit, leukocytes.ucum) == ("/uL", "/uL")
    # "leukocytosis" states the count is high.
    assert (leukocytes.flag, leukocytes.flag_cue) == ("high", "leukocytosis")


@pytest.mark.parametrize(
    ("key", "bound", "unit"), [("troponin-i", "1000", "pg/mL"), ("ck-mb", "15", "ng/mL")]
)
def test_over_gives_a_lower_bound_not_a_value(
    facts: CaseFacts, key: str, bound: str, unit: str
) -> None:
    lab = _lab(facts, key)
    assert (lab.value, lab.lower_bound, lab.comparator) == (None, Decimal(bound), ">")
    assert lab.ucum == unit
    # "He also showed elevated troponin I (over 1000 pg/mL) and creatine kinase myocardial
    # band (over 15 ng/mL)": no range, the flag the text states.
    assert (lab.flag, lab.flag_cue) == ("high", "elevated")


def test_each_lab_is_anchored_to_its_sentence_and_words(
    facts: CaseFacts, seed_document: Document
) -> None:
    creatinine = _lab(facts, "creatinine")
    assert creatinine.sentence_index == 9
    assert _words(seed_document, creatinine) == (
        "creatine (average: 5.10 mg/dL, normal range: 0.6\u20131.1 mg/dL"
    )
    troponin = _lab(facts, "troponin-i")
    assert troponin.sentence_index == 12
    assert _words(seed_document, troponin) == "troponin I (over 1000 pg/mL"


def _measurement(facts: CaseFacts, key: str, value: str) -> Measurement:
    [found] = [
        m
        for m in facts.measurements
        if m.quantity.concept == str(CONCEPT[key]) and m.value == Decimal(value)
    ]
    return found


def test_lvef_is_59_percent_by_tte(facts: CaseFacts) -> None:
    lvef = _measurement(facts, "lvef", "59")
    assert lvef.ucum == "%"
    assert lvef.modality is not None and lvef.modality.concept == str(CONCEPT["tte"])
    assert lvef.sentence_index == 17
    assert lvef.also_reported_in == (52,)


def test_native_t1_is_1335_ms_at_the_mid_lv_on_cardiac_mri(facts: CaseFacts) -> None:
    t1 = _measurement(facts, "native-t1", "1335")
    assert (t1.ucum, t1.qualifier, t1.location) == ("ms", "average", "mid-LV")
    assert t1.modality is not None and t1.modality.concept == str(CONCEPT["cardiac-mri"])
    assert t1.also_reported_in == (44, 54)


def test_native_t1_of_1120_ms_at_the_inferior_wall_is_read_as_t1_shortening(
    facts: CaseFacts,
) -> None:
    t1 = _measurement(facts, "native-t1", "1120")
    assert (t1.ucum, t1.location) == ("ms", "inferior wall of the LV")
    assert t1.described_as == str(CONCEPT["t1-shortening"])
    assert t1.modality is not None and t1.modality.concept == str(CONCEPT["t1-mapping"])


def test_ecv_is_54_8_percent(facts: CaseFacts) -> None:
    ecv = _measurement(facts, "extracellular-volume", "54.8")
    assert (ecv.ucum, ecv.qualifier, ecv.sentence_index) == ("%", "average", 26)


def test_there_are_exactly_four_imaging_measurements(facts: CaseFacts) -> None:
    assert len(facts.measurements) == 4


@pytest.mark.parametrize(
    ("number", "comparator", "low", "high", "flag"),
    [
        ("5.10", "=", "0.6", "1.1", "high"),
        ("7.3", "=", "8.7", "10.6", "low"),
        ("9.0", "=", "8.7", "10.6", "normal"),
        ("3", "=", None, "5", "normal"),
        ("1000", ">", None, "40", "high"),
        ("1000", ">", "0", "2000", "unknown"),
        ("0.01", "<", "0.5", None, "low"),
        ("11.8", "=", None, None, "unknown"),
    ],
)
def test_the_flag_is_computed_from_value_and_range(
    number: str, comparator: str, low: str | None, high: str | None, flag: str
) -> None:
    assert (
        abnormal_flag(
            Decimal(number),
            comparator,  # type: ignore[arg-type]
            Decimal(low) if low else None,
            Decimal(high) if high else None,
        )
        == flag
    )


def test_a_value_with_a_range_keeps_the_computed_flag_and_no_cue(facts: CaseFacts) -> None:
    creatinine = _lab(facts, "creatinine")
    assert (creatinine.flag, creatinine.flag_cue) == ("high", None)


def test_the_patient_was_treated_for_acute_renal_failure_and_sepsis(facts: CaseFacts) -> None:
    # "Clinically, he required inpatient treatment due to acute renal failure and septic
    # condition."
    assert facts.patient is not None
    diagnosed = {
        d.term.concept.rsplit("/", 1)[1] for d in facts.patient.diagnoses if d.term.concept
    }
    assert diagnosed == {"acute-renal-failure", "sepsis"}
