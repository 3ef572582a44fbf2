"""A table copied from a PDF into a plain-text report: its rows stay rows.

A report on hypertriglyceridemic pancreatitis written for the test; its laboratory table
is laid out as a PDF copy gives it (caption, header, one line per row, no punctuation).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from written_report import annotated, read_written

from kg.annotate import Annotations
from kg.document import Document
from kg.vocabulary import Knowledge

PANCREATITIS = """Acute Pancreatitis Caused by Hypertriglyceridemia: A Case Report

Case Presentation
A 41-year-old man presented with epigastric pain radiating to the back. Laboratory \
findings on admission are shown in Table 1.

Table 1. Laboratory findings on admission
Parameter Result Reference range
Hemoglobin (g/dL) 15.2 13.5\u201317.5
White blood cells (\u00d710^9/L) 14.8 4.0\u201310.0
Lipase (U/L) 1,850 13\u201360
Triglycerides (mg/dL) 3,450 <150
Calcium (mg/dL) 8.1 8.5\u201310.5

Computed tomography showed peripancreatic fat stranding.

Discussion
Hypertriglyceridemia causes acute pancreatitis (1).

References
1. Doe J. Hypertriglyceridemia-induced pancreatitis. Pancreas 2010;1:1-2.
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Document:
    return read_written(tmp_path_factory, "pancreatitis.txt", PANCREATITIS)


@pytest.fixture(scope="module")
def facts(report: Document, knowledge: Knowledge) -> Annotations:
    return annotated(report, knowledge)


def test_each_row_of_a_copied_table_is_a_sentence_of_its_own(report: Document) -> None:
    texts = [s.text for s in report.sentences]
    assert "Lipase (U/L) 1,850 13\u201360" in texts
    assert "Computed tomography showed peripancreatic fat stranding." in texts


def test_a_units_power_of_ten_is_no_value(facts: Annotations) -> None:
    # "White blood cells (\u00d710^9/L) 14.8": the 9 of 10^9 is no count per litre
    assert Decimal(9) not in {lab.value for lab in facts.facts.labs}


def test_a_row_gives_its_test_value_unit_and_range(facts: Annotations) -> None:
    rows = {
        lab.analyte.text: (lab.value, lab.ucum, lab.range_low, lab.range_high, lab.flag)
        for lab in facts.facts.labs
    }
    # "Lipase (U/L) 1,850 13-60", "Triglycerides (mg/dL) 3,450 <150"
    assert rows["Lipase"] == (Decimal(1850), "U/L", Decimal(13), Decimal(60), "high")
    assert rows["Triglycerides"] == (Decimal(3450), "mg/dL", None, Decimal(150), "high")
    assert rows["Calcium"][-1] == "low"
    assert rows["White blood cells"][:2] == (Decimal("14.8"), "10*9/L")
