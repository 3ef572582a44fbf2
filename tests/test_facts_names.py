"""A value's name is a test's words: never a pronoun standing for one ("the urinary one"),
a circumstance ("before ivacaftor"), a dose's frequency and a verb ("daily achieves"), a
participle ("yielding an MIC") or the stimulus a test answers ("cortisol to
insulin-induced hypoglycaemia")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from written_report import annotated, read_written

from kg.facts import CaseFacts
from kg.vocabulary import Knowledge

CASE = """Lead Poisoning and Cystic Fibrosis: A Case Report

Case presentation
A 14-year-old boy presented with abdominal pain. The blood lead level was 66.28 μg/dL and \
the urinary one was 419.7 μg/L. His sweat chloride level decreased from 115 mmol/l before \
ivacaftor to 40 mmol/l. His blood isolate grew around the Etest strip, yielding an MIC of \
>32 mg/liter. Erlotinib (150 mg daily) achieves 3000 nM in his plasma. Peak growth hormone \
and cortisol to insulin-induced hypoglycaemia were 30.9 mU/L and 447 nmol/L, respectively.
"""


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge) -> CaseFacts:
    return annotated(read_written(tmp_path_factory, "names.txt", CASE), knowledge).facts


def _named(facts: CaseFacts) -> dict[Decimal | None, str]:
    return {lab.value: lab.analyte.text for lab in facts.labs}


def test_a_pronoun_standing_for_a_name_names_no_value(facts: CaseFacts) -> None:
    assert Decimal("419.7") not in _named(facts)


def test_a_circumstance_between_a_course_and_its_end_keeps_the_tests_name(
    facts: CaseFacts,
) -> None:
    named = _named(facts)
    assert named[Decimal(40)] == named[Decimal(115)]
    assert "chloride" in named[Decimal(40)]


def test_a_participle_and_its_article_are_no_part_of_the_name(facts: CaseFacts) -> None:
    names = {lab.analyte.text for lab in facts.labs}
    assert "MIC" in names
    assert not [name for name in names if name.startswith("yielding")]


def test_a_doses_frequency_and_a_verb_name_no_value(facts: CaseFacts) -> None:
    assert Decimal(3000) not in _named(facts)


def test_the_stimulus_a_test_answers_is_no_part_of_its_name(facts: CaseFacts) -> None:
    assert _named(facts)[Decimal(447)] == "cortisol"
