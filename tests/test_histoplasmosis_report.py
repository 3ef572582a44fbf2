"""A report on a topic nobody tuned on (disseminated histoplasmosis under a TNF inhibitor),
written for the test: what each value, mention and context says, checked by meaning.
"""

from __future__ import annotations

import pytest
from written_report import annotated, read_written

from kg.annotate import Annotations
from kg.vocabulary import Knowledge

HISTOPLASMOSIS = """Disseminated Histoplasmosis Presenting as Pancytopenia in a Patient Receiving \
Adalimumab: A Case Report

ABSTRACT
Tumor necrosis factor inhibitors increase the risk of invasive fungal infection. We \
report a 58-year-old man with rheumatoid arthritis on adalimumab who developed \
disseminated histoplasmosis.

CASE PRESENTATION
A 58-year-old man with a 10-year history of rheumatoid arthritis treated with adalimumab \
and methotrexate presented with a 3-week history of fever, night sweats and a 6 kg \
weight loss. He had no cough or dyspnea. His father had tuberculosis. On examination, \
his temperature was 38.9°C, heart rate 112 beats/min and blood pressure 98/60 mmHg. \
Hepatosplenomegaly was noted. Laboratory studies revealed a hemoglobin of 8.1 g/dL, a \
platelet count of 42 \u00d7 10^9/L and a white blood cell count of 1.9 \u00d7 10^9/L. Ferritin was \
markedly elevated at 12,400 ng/mL, and lactate dehydrogenase was 890 U/L. Serum \
creatinine was normal. Contrast-enhanced CT of the abdomen showed hepatosplenomegaly \
without focal lesions. On hospital day 3, bone marrow biopsy revealed granulomas with \
intracellular yeast forms. Urine Histoplasma antigen was positive. Hemophagocytic \
lymphohistiocytosis was considered but was not confirmed. He was diagnosed with \
disseminated histoplasmosis and treated with liposomal amphotericin B. Adalimumab was \
discontinued. Two weeks later, his fever had resolved and his platelet count had \
recovered to 156 \u00d7 10^9/L.

DISCUSSION
Histoplasmosis is the most common endemic mycosis in patients receiving tumor necrosis \
factor inhibitors [1]. Tumor necrosis factor is essential for granuloma formation, and \
its blockade may lead to dissemination of latent infection [2,3]. Pancytopenia in \
disseminated histoplasmosis is usually caused by bone marrow infiltration [4], although \
hemophagocytic lymphohistiocytosis can also contribute [5]. In our patient, bone marrow \
involvement probably explained the pancytopenia. Fever is not associated with a worse \
prognosis [4].

REFERENCES
1. Wallis RS, Broder MS, Wong JY, Hanson ME, Beenhouwer DO. Granulomatous infectious \
diseases associated with tumor necrosis factor antagonists. Clin Infect Dis \
2004;38:1261-1265.
2. Smith JA, Kauffman CA. Endemic fungal infections in patients receiving tumour \
necrosis factor-alpha inhibitor therapy. Drugs 2009;69:1403-1415.
3. Deepe GS. Modulation of infection with Histoplasma capsulatum by inhibition of tumor \
necrosis factor-alpha activity. Clin Infect Dis 2005;41 Suppl 3:S204-S207.
4. Kauffman CA. Histoplasmosis: a clinical and laboratory update. Clin Microbiol Rev \
2007;20:115-132.
5. Townsend JL, Shanbhag S, Hancock J, Bowman K, Nijhawan AE. Histoplasmosis-induced \
hemophagocytic syndrome: a case series and review of the literature. Open Forum Infect \
Dis 2015;2:ofv055.
"""


@pytest.fixture(scope="module")
def histo(tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge) -> Annotations:
    return annotated(read_written(tmp_path_factory, "histo.txt", HISTOPLASMOSIS), knowledge)


def test_a_flag_stated_of_one_value_is_not_the_next_values(histo: Annotations) -> None:
    # "Ferritin was markedly elevated at 12,400 ng/mL, and lactate dehydrogenase was 890 U/L"
    flags = {lab.analyte.text.lower(): (lab.flag, lab.flag_cue) for lab in histo.facts.labs}
    assert flags["ferritin"] == ("high", "elevated")
    assert flags["lactate dehydrogenase"] == ("unknown", None)


def test_a_molecules_name_holds_no_disease_of_the_patient(histo: Annotations) -> None:
    # "tumor necrosis factor inhibitors": neither a tumor nor necrosis
    words = {m.text.lower() for m in histo.mentions}
    assert not words & {"tumor", "necrosis"}
    assert {"histoplasmosis", "pancytopenia", "granuloma"} <= words


def test_denied_a_relatives_and_a_considered_condition_are_not_the_patients(
    histo: Annotations,
) -> None:
    context = {m.text.lower(): m.context for m in reversed(histo.mentions)}  # first one wins
    assert context["cough"].negated and context["dyspnea"].negated
    assert context["tuberculosis"].experiencer == "family"
    assert context["hemophagocytic lymphohistiocytosis"].uncertain
    assert not context["hepatosplenomegaly"].negated


def test_a_condition_named_in_another_is_associated_with_it_by_its_own_reference(
    histo: Annotations,
) -> None:
    # "Pancytopenia in disseminated histoplasmosis is usually caused by bone marrow
    # infiltration [4]": the infiltration is a finding named by its head word alone (the
    # general SNOMED CT code, no concept of its own to claim about), but the pancytopenia
    # occurring in the disease is stated
    concept = {m.text.lower(): m.concept for m in histo.mentions}
    (claim,) = [c for c in histo.claims if c.subject == concept["pancytopenia"]]
    assert claim.object == concept["disseminated histoplasmosis"]
    assert (claim.predicate, claim.modality, claim.negated) == (
        "associatedWith",
        "association",
        False,
    )
    assert claim.cited_references == (4,)
