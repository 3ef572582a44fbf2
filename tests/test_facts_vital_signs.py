"""Vital signs and unitless test values, read from a case text written for the test:
a blood pressure "120/70 mmHg" is its systolic and diastolic values, a heart rate is a
vital sign measured at the bedside (no lab result, no imaging modality), a blood gas's
partial pressure stays a lab value, and an abbreviated test's bare number is its result."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib.namespace import RDF, RDFS
from written_report import annotated, read_written

from kg.annotate import Annotations
from kg.document import Document
from kg.rdf.facts import facts_graph
from kg.rdf.namespaces import CKG
from kg.vocabulary import Knowledge

CASE = """Hypertensive Emergency in a Young Man: A Case Report

Case presentation
A 41-year-old man presented with a severe headache. His blood pressure was 190/110 mmHg \
and heart rate 112 beats/min. His respiratory rate was 22 breaths/min and temperature \
38.2 \u00b0C. Arterial blood gas analysis showed a PaO2 of 68 mmHg. Coagulation tests gave \
INR 1.2, and a platelet count of 150 \u00d7 10^9/L. Echocardiography showed a peak/mean aortic \
gradient of 38/22 mmHg. Vital signs: BP 140/90 mmHg on the second day.
"""


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> Document:
    return read_written(tmp_path_factory, "vitals.txt", CASE)


@pytest.fixture(scope="module")
def case(document: Document, knowledge: Knowledge) -> Annotations:
    return annotated(document, knowledge)


def test_a_blood_pressure_over_its_diastolic_is_two_vital_sign_values(case: Annotations) -> None:
    pressures = [
        (m.quantity.text, m.qualifier, m.value, m.ucum, m.vital_sign, m.modality)
        for m in case.facts.measurements
        if m.ucum == "mm[Hg]"
    ]
    assert pressures == [
        ("blood pressure", "systolic", Decimal(190), "mm[Hg]", True, None),
        ("blood pressure", "diastolic", Decimal(110), "mm[Hg]", True, None),
        ("BP", "systolic", Decimal(140), "mm[Hg]", True, None),
        ("BP", "diastolic", Decimal(90), "mm[Hg]", True, None),
    ]
    assert not [r for r in case.facts.results if "190/110" in r.result]


def test_a_heart_rate_is_a_vital_sign_not_a_lab_result(case: Annotations) -> None:
    vital = {(m.quantity.text, m.value) for m in case.facts.measurements if m.vital_sign}
    assert {
        ("heart rate", Decimal(112)),
        ("respiratory rate", Decimal(22)),
        ("temperature", Decimal("38.2")),
    } <= vital
    labs = {lab.analyte.text for lab in case.facts.labs}
    assert not labs & {"heart rate", "respiratory rate", "temperature"}


def test_a_blood_gas_partial_pressure_stays_a_lab_value(case: Annotations) -> None:
    assert ("PaO2", Decimal(68), "mm[Hg]") in {
        (lab.analyte.text, lab.value, lab.ucum) for lab in case.facts.labs
    }


def test_two_measures_over_one_unit_are_no_systolic_and_diastolic(case: Annotations) -> None:
    # "a peak/mean aortic gradient of 38/22 mmHg": a peak and a mean, no pressure's pair
    pressures = [m for m in case.facts.measurements if m.ucum == "mm[Hg]"]
    assert not [m for m in pressures if m.value in (Decimal(38), Decimal(22))]


def test_an_abbreviated_tests_bare_number_is_its_stated_result(case: Annotations) -> None:
    assert ("INR", "1.2") in {(r.test.text, r.result) for r in case.facts.results}


def test_a_vital_sign_is_typed_so_in_the_graph(document: Document, case: Annotations) -> None:
    graph = facts_graph(document, case.facts)
    vital = set(graph.subjects(RDF.type, CKG.VitalSign))
    # two pressures of two values each, a heart rate, a breathing rate, a temperature
    assert len(vital) == 7
    assert not vital & set(graph.subjects(RDF.type, CKG.ImagingMeasurement))
    assert {str(q) for v in vital for q in graph.objects(v, CKG.qualifier)} == {
        "systolic",
        "diastolic",
    }


def test_a_pressures_two_values_are_labelled_systolic_and_diastolic(
    document: Document, case: Annotations
) -> None:
    graph = facts_graph(document, case.facts)
    labels = {
        str(label)
        for v in graph.subjects(RDF.type, CKG.VitalSign)
        for label in graph.objects(v, RDFS.label)
    }
    assert {"systolic blood pressure 190 mmHg", "diastolic blood pressure 110 mmHg"} <= labels
    assert {"systolic BP 140 mmHg", "diastolic BP 90 mmHg"} <= labels


def test_a_vital_signs_concept_is_the_vocabularys_or_none(
    case: Annotations, knowledge: Knowledge
) -> None:
    # a terminology's test ("heart rate", LOINC) names the value by its words: ckg:concept
    # must be a vocabulary concept (SHACL)
    concepts = {m.quantity.concept for m in case.facts.measurements if m.vital_sign}
    assert concepts <= {None, *knowledge.vocabulary.concepts}


def test_a_days_abbreviated_number_is_no_tests_value(
    tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge
) -> None:
    text = "Case presentation\nA 60-year-old man had a colectomy. On POD 3, he developed fever.\n"
    facts = annotated(read_written(tmp_path_factory, "pod.txt", text), knowledge).facts
    assert "POD" not in {r.test.text for r in facts.results}


def test_a_vessels_pressure_over_its_diastolic_is_two_values_but_no_vital_sign(
    tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge
) -> None:
    text = (
        "Case presentation\nA 60-year-old man had dyspnoea. Echocardiography estimated a "
        "pulmonary artery pressure of 45/20 mmHg.\n"
    )
    facts = annotated(read_written(tmp_path_factory, "pa.txt", text), knowledge).facts
    assert [(m.qualifier, m.value, m.vital_sign) for m in facts.measurements] == [
        ("systolic", Decimal(45), False),
        ("diastolic", Decimal(20), False),
    ]
    assert {m.modality.text for m in facts.measurements if m.modality} == {"Echocardiography"}


def test_a_vital_sign_in_parentheses_after_its_finding_is_read(
    tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge
) -> None:
    text = (
        "Case presentation\nA 60-year-old man had a history of fever (between 38 and 40 \u00b0C). "
        "His vital signs showed tachycardia (120 beats per minute) and hypotension (85/55 mmHg). "
        "Severe pulmonary hypertension of 75 mmHg was estimated.\n"
    )
    facts = annotated(read_written(tmp_path_factory, "vital_findings.txt", text), knowledge).facts
    vital = {
        (m.quantity.text, m.qualifier, m.value, m.upper_bound, m.ucum)
        for m in facts.measurements
        if m.vital_sign
    }
    assert vital == {
        ("fever", None, None, Decimal(40), "Cel"),
        ("tachycardia", None, Decimal(120), None, "/min"),
        ("hypotension", "systolic", Decimal(85), None, "mm[Hg]"),
        ("hypotension", "diastolic", Decimal(55), None, "mm[Hg]"),
    }
