"""Research articles and reviews tell of patients in the plural and of studies: their values
are other people's, never facts of a case. Texts written for the test (a radiology study, a
pictorial review and a case report whose discussion cites studies), checked by meaning."""

from __future__ import annotations

import pytest
from written_report import annotated, read_written

from kg.annotate import Annotations
from kg.facts import LabResult, Measurement
from kg.vocabulary import Knowledge

STUDY = """Diffusion-Weighted MRI of Vertebral Compression Fractures: A Retrospective Study

Introduction
Vertebral compression fractures are common in elderly patients and in patients with \
cancer. Earlier studies reported a mean cortical thickness of 2.5 mm in osteoporotic \
vertebrae [1]. A recent study found a sensitivity of 77 % for conventional MRI [2]. The \
patient is usually imaged in the supine position.

Patients and methods
The institutional review board approved this retrospective study. Between 2015 and 2019, \
64 consecutive patients (38 women, 26 men; mean age 67 years) with acute fractures were \
included. Slice thickness was 4 mm with a gap of 0.4 mm.

Clinical presentation
The mean serum calcium was 2.4 mmol/L. The patient was placed supine in a spine coil.

Results
Malignant fractures had a mean height loss of 35 % and a mean apparent diffusion \
coefficient of 0.92 x 10^-3 mm2/s. Posterior element involvement was seen in 15 patients.

Discussion
In our study, the apparent diffusion coefficient separated benign from malignant \
fractures. In a cohort of 120 patients, the retropulsed fragment measured 6 mm [3].

References
1. Smith A, Jones B. Cortical thickness in osteoporosis. Radiology 2010;255:100-108.
2. Brown C. MRI of vertebral fractures. AJR Am J Roentgenol 2015;204:500-507.
3. White E. Retropulsion in fractures. Spine 2011;36:200-206.
"""

REVIEW = """Imaging of Pulmonary Embolism: A Pictorial Review

Introduction
Pulmonary embolism is a common cause of death in hospitalised patients. The patient lies \
supine with the arms raised, and images are reconstructed with a slice thickness of 1 mm.

Clinical presentation
Patients present with dyspnoea, chest pain or syncope. In a large study of 2454 patients, \
a heart rate above 100 beats/min was found in 26 % [1]. A D-dimer below 500 ng/mL excludes \
embolism in patients with a low pretest probability [2]. Earlier studies measured a main \
pulmonary artery diameter of 29 mm as the upper limit of normal [3].

References
1. Jones B. Signs of pulmonary embolism. Am J Med 2011;124:200-208.
2. Brown C. D-dimer testing. JAMA 2006;295:172-179.
3. Green D. Pulmonary artery size. Radiology 2012;262:100-108.
"""

CASE = """Pulmonary Embolism in a Young Runner: A Case Report

Case presentation
A 32-year-old woman presented with sudden dyspnoea. Laboratory studies showed a D-dimer \
of 2400 ng/mL and a creatinine of 0.8 mg/dL. Her heart rate was 118 beats/min. CT \
pulmonary angiography showed a main pulmonary artery diameter of 34 mm, as is common in \
patients with right heart strain.

Discussion
Previous studies reported a mean main pulmonary artery diameter of 27 mm in healthy \
runners [1]. A D-dimer above 500 ng/mL is abnormal [1]. The main pulmonary artery \
diameter of 34 mm suggested right heart strain. Our patient recovered on anticoagulation.

References
1. Green D. Pulmonary artery size. Radiology 2012;262:100-108.
"""


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge) -> Annotations:
    return annotated(read_written(tmp_path_factory, "study.txt", STUDY), knowledge)


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge) -> Annotations:
    return annotated(read_written(tmp_path_factory, "review.txt", REVIEW), knowledge)


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge) -> Annotations:
    return annotated(read_written(tmp_path_factory, "case.txt", CASE), knowledge)


def _values(annotations: Annotations) -> set[tuple[str, str]]:
    facts = annotations.facts
    return {(lab.analyte.text, f"{lab.value} {lab.unit}") for lab in facts.labs} | {
        (m.quantity.text, f"{m.value} {m.unit}") for m in facts.measurements
    }


def test_a_studys_sections_on_patients_and_earlier_studies_give_no_values(
    study: Annotations,
) -> None:
    # "Earlier studies reported ... 2.5 mm", "A recent study found ... 77 %", a slice's
    # 4 mm, a "Clinical presentation" section's mean calcium: "the patient is imaged supine" does
    # not make them one patient's
    facts = study.facts
    assert (facts.labs, facts.measurements, facts.results) == ((), (), ())


def test_a_reviews_clinical_presentation_of_patients_is_no_case(review: Annotations) -> None:
    # a heading such as "Clinical presentation" over patients in the plural and studies
    facts = review.facts
    assert (facts.labs, facts.measurements, facts.results) == ((), (), ())


def test_a_case_keeps_its_values_beside_a_word_on_patients(case: Annotations) -> None:
    # "Laboratory studies" are the patient's tests; "as is common in patients with ..."
    # is one sentence among many on her
    assert {
        ("D-dimer", "2400 ng/mL"),
        ("creatinine", "0.8 mg/dL"),
    } <= _values(case)
    assert any(value == "34 mm" for _, value in _values(case))


def test_a_case_reports_discussion_of_previous_studies_gives_no_value(
    case: Annotations,
) -> None:
    # "Previous studies reported a mean ... diameter of 27 mm in healthy runners"
    assert not any(value == "27 mm" for _, value in _values(case))


def test_a_case_reports_discussion_of_a_threshold_gives_no_value(case: Annotations) -> None:
    # "A D-dimer above 500 ng/mL is abnormal": the literature's threshold, not her value
    assert not [lab for lab in case.facts.labs if lab.lower_bound == 500]


def test_a_case_value_said_again_in_the_discussion_stays_one_fact(case: Annotations) -> None:
    # "The main pulmonary artery diameter of 34 mm suggested right heart strain": her
    # value, said again
    facts: list[LabResult | Measurement] = [*case.facts.labs, *case.facts.measurements]
    [diameter] = [fact for fact in facts if str(fact.value) == "34"]
    assert len(diameter.also_reported_in) == 1


def test_a_stains_abbreviation_tells_of_no_patient(
    tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge
) -> None:
    # "HE" is haematoxylin and eosin, no "he": a pathology method's thickness is nobody's
    text = (
        "Tumour Budding in Colorectal Cancer\n\nMethods\nSpecimens were fixed in formalin. "
        "HE staining was done on sections with a thickness of 4 mm. HE slides were scanned.\n"
    )
    facts = annotated(read_written(tmp_path_factory, "stain.txt", text), knowledge).facts
    assert (facts.labs, facts.measurements) == ((), ())
