"""A report on a topic nobody tuned on (tacrolimus and PRES after kidney transplantation),
written for the test: labs, context and claims read by the generic rules, checked by meaning.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from written_report import annotated, read_written

from kg.annotate import Annotations
from kg.vocabulary import Knowledge

PRES = """Posterior Reversible Encephalopathy Syndrome after Tacrolimus Therapy in a Kidney \
Transplant Recipient: A Case Report

Introduction
Posterior reversible encephalopathy syndrome (PRES) is a neurotoxic state seen after \
transplantation. Calcineurin inhibitors such as tacrolimus may cause PRES (1).

Case Report
A 45-year-old woman with end-stage renal disease due to IgA nephropathy underwent \
deceased-donor kidney transplantation. Three weeks after transplantation, she presented with \
severe headache and a generalized tonic-clonic seizure. She denied fever. Her blood pressure \
was 190/110 mmHg. Laboratory tests showed a serum creatinine of 1.8 mg/dL, a tacrolimus \
trough level of 18 ng/mL (reference range, 5-15 ng/mL), serum magnesium of 1.2 mg/dL and a \
white blood cell count within normal limits. Creatine kinase was 450 U/L. C-reactive \
protein was 12.5 mg/dL (normal value: <0.5). Lactate dehydrogenase: 980 U/L; alanine \
aminotransferase: 245 U/L (reference range: 7-56 U/L). There was no \
hypoglycemia. Brain MRI showed bilateral parieto-occipital T2 hyperintensities without \
diffusion restriction.

Discussion
Hypertension and hypomagnesemia are associated with PRES in transplant recipients (1). \
Family history of epilepsy was absent.

References
1. Fugate JE, Rabinstein AA. Posterior reversible encephalopathy syndrome: clinical and \
radiological manifestations, pathophysiology, and outstanding questions. Lancet Neurol \
2015;14:914-925.
"""


@pytest.fixture(scope="module")
def pres(tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge) -> Annotations:
    return annotated(read_written(tmp_path_factory, "pres.txt", PRES), knowledge)


def test_a_flag_stated_for_the_next_coordinated_test_is_not_the_values(
    pres: Annotations,
) -> None:
    # "serum magnesium of 1.2 mg/dL and a white blood cell count within normal limits"
    magnesium = [lab for lab in pres.facts.labs if lab.analyte.text == "magnesium"]
    assert [(lab.value, lab.flag, lab.flag_cue) for lab in magnesium] == [
        (magnesium[0].value, "unknown", None)
    ]
    stated = {r.test.text: (r.result, r.flag) for r in pres.facts.results}
    assert stated["white blood cell count"] == ("within normal limits", "normal")


def test_a_range_in_parentheses_flags_its_own_value(pres: Annotations) -> None:
    trough = [lab for lab in pres.facts.labs if lab.ucum == "ng/mL"]
    assert [(str(lab.value), lab.range_low, lab.range_high, lab.flag) for lab in trough] == [
        ("18", Decimal(5), Decimal(15), "high")
    ]


def test_creatine_kinase_and_creatinine_are_two_tests(pres: Annotations) -> None:
    values = {str(lab.value): lab.analyte.concept or "" for lab in pres.facts.labs}
    assert values["450"].endswith("creatine-kinase")
    assert values["1.8"].endswith("creatinine")


def test_denied_absent_and_no_negate_and_a_family_history_is_the_familys(
    pres: Annotations,
) -> None:
    context = {m.text.lower(): m.context for m in pres.mentions}
    assert context["fever"].negated
    assert context["hypoglycemia"].negated
    assert context["epilepsy"].negated and context["epilepsy"].experiencer == "family"
    assert not context["headache"].negated


def test_associated_with_is_a_background_association_and_due_to_the_one_cause(
    pres: Annotations,
) -> None:
    named = {m.concept: m.text.lower() for m in pres.mentions}
    claims = {
        (named[c.subject], c.predicate, named[c.object], c.kind, c.hedged, c.cited_references)
        for c in pres.claims
    }
    assert (
        "hypertension",
        "associatedWith",
        "pres",
        "background literature",
        False,
        (1,),
    ) in claims
    # "due to" is the one causal cue of the report: the case's own statement, citing nothing
    assert {(s, o, r) for s, p, o, _, _, r in claims if p == "causes"} == {
        ("iga nephropathy", "end-stage renal disease", ())
    }


def test_normal_naming_a_range_in_parentheses_is_no_stated_flag(pres: Annotations) -> None:
    # "C-reactive protein was 12.5 mg/dL (normal value: <0.5)": high against the range
    crp = [lab for lab in pres.facts.labs if lab.ucum == "mg/dL" and lab.value == Decimal("12.5")]
    assert [(lab.range_low, lab.range_high, lab.flag, lab.flag_cue) for lab in crp] == [
        (None, Decimal("0.5"), "high", None)
    ]


def test_an_enzyme_is_its_own_test_not_its_substrate(pres: Annotations) -> None:
    # "Lactate dehydrogenase: 980 U/L; alanine aminotransferase: 245 U/L (...)"
    named = {str(lab.value): lab.analyte.text.lower() for lab in pres.facts.labs}
    assert named["980"] == "lactate dehydrogenase"
    assert named["245"] == "alanine aminotransferase"
    assert not {m.text.lower() for m in pres.mentions} & {"lactate", "alanine"}


def test_a_citation_number_is_no_result_that_makes_a_drug_a_lab_test(pres: Annotations) -> None:
    # "Calcineurin inhibitors such as tacrolimus may cause PRES (1)": no test of tacrolimus;
    # "a tacrolimus trough level of 18 ng/mL" is one
    tested = [m for m in pres.mentions if m.text.lower() == "tacrolimus"]
    assert [m.category for m in tested] == ["lab-test"]
    assert tested[0].sentence_index == min(lab.sentence_index for lab in pres.facts.labs)
