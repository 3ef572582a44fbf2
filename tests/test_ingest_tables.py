"""Laboratory tables in JATS read as the case's lab results (kg.ingest.tables).

tests/data/lab-table-case-report.xml (written for the test) gives its admission labs as a
table and summarises published cases in another; only the first speaks of this patient.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from written_report import annotated

from kg.annotate import Annotations
from kg.document import Document
from kg.ingest import read_document
from kg.vocabulary import Knowledge

REPORT = Path(__file__).parent / "data" / "lab-table-case-report.xml"


@pytest.fixture(scope="module")
def report() -> Document:
    return read_document(REPORT)


@pytest.fixture(scope="module")
def labs(report: Document, knowledge: Knowledge) -> Annotations:
    return annotated(report, knowledge)


def _lab(labs: Annotations, name: str) -> tuple[object, ...]:
    (lab,) = [lab for lab in labs.facts.labs if lab.analyte.text.lower() == name]
    bound = lab.value if lab.value is not None else lab.lower_bound
    return (bound, lab.ucum, lab.range_low, lab.range_high, lab.flag)


def test_a_row_with_its_unit_in_the_name_cell_is_a_lab_against_its_range(
    labs: Annotations,
) -> None:
    assert _lab(labs, "creatine kinase") == (
        Decimal(48500),
        "U/L",
        Decimal(39),
        Decimal(308),
        "high",
    )
    assert _lab(labs, "hemoglobin") == (
        Decimal("15.1"),
        "g/dL",
        Decimal("13.5"),
        Decimal("17.5"),
        "normal",
    )


def test_a_row_with_its_unit_in_the_result_cell_is_a_lab_too(labs: Annotations) -> None:
    assert _lab(labs, "potassium") == (
        Decimal("5.8"),
        "mmol/L",
        Decimal("3.5"),
        Decimal("5.1"),
        "high",
    )


def test_an_upper_bound_in_the_range_column_flags_the_value(labs: Annotations) -> None:
    assert _lab(labs, "c-reactive protein") == (Decimal(36), "mg/L", None, Decimal(5), "high")


def test_a_table_of_published_cases_gives_no_lab_of_this_patient(labs: Annotations) -> None:
    values = {lab.value for lab in labs.facts.labs}
    assert not values & {Decimal(250000), Decimal(91000)}


def test_a_group_heading_row_gives_no_line_and_every_row_quotes_the_source(
    report: Document,
) -> None:
    texts = [s.text for s in report.sentences]
    assert not [t for t in texts if t.startswith(("Complete blood count", "Biochemistry"))]
    assert "Table 1: Laboratory results on admission." in texts
    for sentence in report.sentences:
        span = sentence.segments[0]
        assert report.source[span.start : span.end] == sentence.text


def test_a_group_label_spanning_rows_shifts_no_value_into_another_column(
    labs: Annotations,
) -> None:
    # Table 3: "Liver" spans two rows; "Result" spans the columns "Day 2" and "Day 7"
    found = {(lab.analyte.text, lab.value) for lab in labs.facts.labs}
    assert {
        ("Alanine aminotransferase", Decimal(412)),
        ("Alanine aminotransferase", Decimal(95)),
        ("Aspartate aminotransferase", Decimal(980)),
        ("Urea", Decimal("21.4")),
    } <= found
    assert not [name for name, _ in found if name in ("Liver", "Kidney")]


def test_a_value_under_a_day_column_has_that_day(labs: Annotations) -> None:
    urea = {lab.value: lab.time.day if lab.time else None for lab in labs.facts.labs}
    assert (urea[Decimal("21.4")], urea[Decimal("6.2")]) == (2, 7)
