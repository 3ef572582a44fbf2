"""Whether a value is a laboratory's or an imaging examination's, where its name leaves it
open, by the examination its sentence names: a terminology's test measured on
echocardiography is an imaging measurement, an unnamed fraction or clotting time with no
imaging examination named is a laboratory's (an abbreviation "(CT)" of the value's own name
being no computed tomography)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from written_report import annotated, read_written

from kg.annotate import Annotations
from kg.vocabulary import Knowledge

CASE = """Heart Failure and a Bleeding Tendency: A Case Report

Case presentation
A 52-year-old woman presented with dyspnoea. The laboratory data showed Hb 10.2 g/dL and \
HbA1c 5.9%. Molecular studies revealed the JAK2V617F mutation with an allele burden of \
44.9%. The EXTEM clotting time (CT) was 228 s. \
Echocardiography revealed biventricular failure and left ventricular end diastolic diameter \
was 7 cm. Her QTc was prolonged (584 ms).
"""


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge) -> Annotations:
    return annotated(read_written(tmp_path_factory, "kinds.txt", CASE), knowledge)


def _labs(case: Annotations) -> set[tuple[str, Decimal | None]]:
    return {(lab.analyte.text, lab.value) for lab in case.facts.labs}


def test_an_unnamed_fraction_with_no_imaging_named_is_a_lab_value(case: Annotations) -> None:
    assert {("HbA1c", Decimal("5.9")), ("allele burden", Decimal("44.9"))} <= _labs(case)


def test_a_clotting_times_abbreviation_is_no_imaging_examination(case: Annotations) -> None:
    assert ("EXTEM clotting time (CT)", Decimal(228)) in _labs(case)
    assert not [m for m in case.facts.measurements if m.value == Decimal(228)]


def test_a_size_after_an_imaging_examination_is_an_imaging_measurement(
    case: Annotations,
) -> None:
    measured = [m for m in case.facts.measurements if m.value == Decimal(7)]
    assert [(m.ucum, m.vital_sign) for m in measured] == [("cm", False)]
    assert measured[0].modality is not None
    assert measured[0].modality.text == "Echocardiography"
    assert Decimal(7) not in {value for _, value in _labs(case)}


def test_an_interval_in_milliseconds_is_no_lab_value(case: Annotations) -> None:
    assert Decimal(584) not in {value for _, value in _labs(case)}
    assert Decimal(584) in {m.value for m in case.facts.measurements}


def test_a_size_of_the_whole_body_is_a_vital_sign(
    tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge
) -> None:
    text = (
        "Case presentation\nA 6-year-old girl had short stature. Her height was 102 cm and "
        "her weight 15 kg. CT showed an aneurysm measuring 3.2 cm in height.\n"
    )
    facts = annotated(read_written(tmp_path_factory, "body.txt", text), knowledge).facts
    vital = {(m.value, m.ucum) for m in facts.measurements if m.vital_sign}
    assert vital == {(Decimal(102), "cm"), (Decimal(15), "kg")}
    assert not facts.labs


def test_an_echocardiographic_assessment_is_the_pressures_examination(
    tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge
) -> None:
    text = (
        "Case presentation\nA 60-year-old man had dyspnoea. Repeat echocardiographic "
        "assessment revealed a decrease in PASP to 30 mm Hg.\n"
    )
    facts = annotated(read_written(tmp_path_factory, "pasp.txt", text), knowledge).facts
    measured = [m for m in facts.measurements if m.value == Decimal(30)]
    assert [(m.vital_sign, m.modality is not None) for m in measured] == [(False, True)]
    assert Decimal(30) not in {lab.value for lab in facts.labs}
