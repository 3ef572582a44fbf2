"""A second case report, written for these tests in another layout and another condition.

tests/data/second_case.txt: title-case headings, a "Case presentation:" lead-in, labs as a
dashed list in SI units (mmol/L, µmol/L) with "reference a-b" and "normal < x" ranges, and
times as "Hospital day 2:", "On day 3 after admission", "Three weeks before admission" and
"At the 6-week follow-up". The same code as for the seed, and no curation file, must read it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kg.build import build
from kg.claims import Claim, extract_claims
from kg.document import Document
from kg.facts import CaseFacts, extract_case_facts
from kg.ingest import ingest
from kg.mentions import find_mentions
from kg.query import run_query, saved_query
from kg.rdf.namespaces import CONCEPT
from kg.settings import Settings
from kg.store import open_store
from kg.vocabulary import Knowledge

SECOND_CASE = Path(__file__).parent / "data" / "second_case.txt"


def _key(iri: str | None) -> str | None:
    return iri.removeprefix(str(CONCEPT)) if iri else None


@pytest.fixture(scope="module")
def document() -> Document:
    return ingest(SECOND_CASE)


@pytest.fixture(scope="module")
def facts(document: Document, knowledge: Knowledge) -> CaseFacts:
    return extract_case_facts(document, find_mentions(document, knowledge), knowledge.vocabulary)


@pytest.fixture(scope="module")
def claims(document: Document, knowledge: Knowledge) -> tuple[Claim, ...]:
    return extract_claims(document, find_mentions(document, knowledge), knowledge.vocabulary)


def test_the_matcher_finds_the_concepts_of_another_report(
    document: Document, knowledge: Knowledge
) -> None:
    concepts = {_key(m.concept) for m in find_mentions(document, knowledge)}
    assert {
        "serum-calcium",
        "serum-phosphate",
        "parathyroid-hormone",
        "creatinine",
        "secondary-hyperparathyroidism",
        "chronic-renal-failure",
        "tte",
        "cardiac-mri",
        "non-contrast-ct",
        "radiography",
        "lvef",
        "native-t1",
        "extracellular-volume",
        "late-gadolinium-enhancement",
        "metastatic-calcification",
    } <= concepts


def test_the_patient_is_a_67_year_old_woman_with_chronic_kidney_disease(facts: CaseFacts) -> None:
    patient = facts.patient
    assert patient is not None
    assert (patient.age_years, patient.sex, patient.admitted_to) == (
        67,
        "female",
        "emergency department",
    )
    assert [_key(t.concept) for t in patient.comorbidities] == ["chronic-renal-failure"]
    assert [t.text for t in patient.presentation] == ["dyspnea and chest tightness"]


def test_si_unit_labs_from_a_list_with_their_ranges_and_flags(facts: CaseFacts) -> None:
    table = {
        _key(lab.analyte.concept): (lab.value, lab.ucum, lab.range_low, lab.range_high, lab.flag)
        for lab in facts.labs
    }
    assert table == {
        "serum-calcium": (Decimal("2.85"), "mmol/L", Decimal("2.10"), Decimal("2.55"), "high"),
        "serum-phosphate": (Decimal("2.4"), "mmol/L", Decimal("0.8"), Decimal("1.5"), "high"),
        "parathyroid-hormone": (Decimal("1250"), "pg/mL", Decimal("15"), Decimal("65"), "high"),
        "creatinine": (Decimal("612"), "umol/L", Decimal("45"), Decimal("90"), "high"),
        "c-reactive-protein": (Decimal("3"), "mg/L", None, Decimal("5"), "normal"),
        "troponin-i": (Decimal("0.08"), "ng/mL", None, Decimal("0.04"), "high"),
    }
    creatinine = next(lab for lab in facts.labs if _key(lab.analyte.concept) == "creatinine")
    assert creatinine.unit == "µmol/L"


def test_imaging_measurements_of_another_report(facts: CaseFacts) -> None:
    table = {
        (_key(m.quantity.concept), m.value, m.ucum): _key(m.modality.concept if m.modality else "")
        for m in facts.measurements
    }
    assert table == {
        ("lvef", Decimal("45"), "%"): "tte",
        ("native-t1", Decimal("910"), "ms"): "cardiac-mri",
        ("extracellular-volume", Decimal("38"), "%"): "cardiac-mri",
    }


def test_the_timeline_of_another_report(facts: CaseFacts) -> None:
    assert [(e.day, e.offset, e.approximate, _key(e.modality)) for e in facts.timeline] == [
        (0, "P0D", False, None),
        (-21, "-P3W", True, "radiography"),
        (2, "P2D", False, "non-contrast-ct"),
        (3, "P3D", False, "tte"),
        (5, "P5D", False, "cardiac-mri"),
        (42, "P6W", True, "ct"),
    ]
    radiograph = facts.timeline[1]
    assert radiograph.setting == "another hospital"
    assert [(_key(f.concept), f.present) for f in radiograph.findings] == [("calcification", False)]


def test_claims_of_another_report_by_rule_alone(claims: tuple[Claim, ...]) -> None:
    found = {
        (_key(c.subject), c.predicate, _key(c.object), c.cited_references, c.kind) for c in claims
    }
    assert found == {
        (
            "chronic-renal-failure",
            "causes",
            "metastatic-calcification",
            (1,),
            "background literature",
        ),
        (
            "secondary-hyperparathyroidism",
            "causes",
            "myocardial-calcification",
            (2,),
            "authors' interpretation",
        ),
        (
            "myocardial-calcification",
            "associatedWith",
            "conduction-disturbance",
            (2,),
            "background literature",
        ),
        (
            "myocardial-calcification",
            "associatedWith",
            "heart-failure",
            (2,),
            "background literature",
        ),
    }


def test_it_joins_the_graph_and_the_saved_timeline_query_reads_it(tmp_path: Path) -> None:
    settings = Settings.resolve(
        store=tmp_path / "store", cache_dir=tmp_path / "cache", offline=True
    )
    report = build([SECOND_CASE], settings)
    assert report.validation is not None
    assert report.validation.conforms, report.validation.summary()
    with open_store(settings.store) as store:
        result = run_query(store, saved_query("case_timeline").text)
        labs = run_query(store, saved_query("labs_out_of_range").text)
    assert result is not None and labs is not None
    days = [str(row[result.variables.index("day")]) for row in result.rows]
    assert days == ["-21", "0", "2", "3", "5", "42"]
    analytes = {str(row[labs.variables.index("analyte")]) for row in labs.rows}
    assert analytes == {
        "serum calcium",
        "serum phosphate",
        "parathyroid hormone",
        "creatinine",
        "troponin I",
    }
