"""A value's time is the one its own sentence gives, or none (issue 9): never borrowed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF
from written_report import annotated, read_written

from kg.annotate import Annotations
from kg.document import Document
from kg.rdf.annotations import annotation_graph
from kg.rdf.namespaces import CKG
from kg.vocabulary import Knowledge

REPORT = """Acute kidney injury after rhabdomyolysis: a case report

Case Report
A 30-year-old man was admitted with muscle pain. On admission, serum creatinine was \
2.1 mg/dL. On hospital day 3, serum creatinine was 4.6 mg/dL. Potassium was 5.9 mmol/L. \
Two days later, creatinine kinase fell to 3,000 U/L. Creatinine was 1.9 mg/dL on day 5 and \
1.2 mg/dL on day 9.
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Document:
    return read_written(tmp_path_factory, "aki.txt", REPORT)


@pytest.fixture(scope="module")
def facts(report: Document, knowledge: Knowledge) -> Annotations:
    return annotated(report, knowledge)


def _times(facts: Annotations) -> dict[Decimal | None, tuple[str, int] | None]:
    return {
        lab.value: (lab.time.text, lab.time.day) if lab.time else None for lab in facts.facts.labs
    }


def test_a_value_takes_the_day_its_own_sentence_gives(facts: Annotations) -> None:
    times = _times(facts)
    assert times[Decimal("2.1")] == ("On admission", 0)
    assert times[Decimal("4.6")] == ("On hospital day 3", 3)


def test_a_sentence_without_a_time_gives_its_value_none(facts: Annotations) -> None:
    # "Potassium was 5.9 mmol/L." follows "On hospital day 3, ...": nothing is borrowed
    assert _times(facts)[Decimal("5.9")] is None


def test_a_sentence_with_two_times_does_not_say_which_value_is_whose(facts: Annotations) -> None:
    # "Creatinine was 1.9 mg/dL on day 5 and 1.2 mg/dL on day 9."
    assert _times(facts)[Decimal("1.9")] is None


def test_the_graph_dates_a_value_or_marks_its_time_unknown(
    report: Document, facts: Annotations
) -> None:
    graph: Graph = annotation_graph(report, facts)
    labs = {graph.value(lab, CKG.value): lab for lab in graph.subjects(RDF.type, CKG.LabResult)}
    dated, undated = (
        labs[Literal(Decimal("4.6"))],
        labs[Literal(Decimal("5.9"))],
    )
    assert graph.value(dated, CKG.dayRelativeToAdmission) == Literal(3)
    assert graph.value(dated, CKG.timeUnknown) is None
    assert graph.value(undated, CKG.timeUnknown) == Literal(True)
    assert graph.value(undated, CKG.dayRelativeToAdmission) is None
