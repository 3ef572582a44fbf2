"""Terminology mentions on text nobody tuned on: abbreviations the report defines,
procedures named by their head word, findings from DICOM's SNOMED CT groups."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.annotate import annotate
from kg.document import Document
from kg.facts import CaseFacts
from kg.ingest import ingest
from kg.mentions import ConceptMention, find_mentions
from kg.vocabulary import Knowledge

REPORT = """Extensive lymphadenitis in a traveller: a case report

CASE PRESENTATION

A 48-year-old woman was admitted with pleural effusion and chronic obstructive \
pulmonary disease (COPD). Physical examination was unremarkable apart from a palpable \
mass in the left axilla. COPD had been treated for ten years. No COPD exacerbation \
occurred during the stay. Renal function and the platelet count were normal. \
Gastroscopy and an abdominal ultrasound were performed, and the US showed no nodules. \
An ECG showed sinus rhythm. The program ran for 3 kilograms of samples.
"""


@pytest.fixture(scope="module")
def mentions(
    tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge
) -> list[ConceptMention]:
    path = Path(tmp_path_factory.mktemp("report")) / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    document: Document = ingest(path)
    return list(find_mentions(document, knowledge))


def _named(mentions: list[ConceptMention], words: str) -> list[ConceptMention]:
    return [m for m in mentions if m.text == words]


def test_an_abbreviation_the_report_defines_names_its_concept_wherever_it_stands(
    mentions: list[ConceptMention],
) -> None:
    (long,) = [m for m in mentions if m.text.startswith("chronic obstructive")]
    short = _named(mentions, "COPD")
    assert len(short) == 3  # the definition's "(COPD)" and the two uses
    assert {m.concept for m in short} == {long.concept}
    assert {m.identifier for m in short} == {long.identifier}
    # each use has its own context: the last is denied
    assert [m.negated for m in short] == [False, False, True]


def test_procedures_are_named_by_their_head_word(mentions: list[ConceptMention]) -> None:
    procedures = {m.text: m.category for m in mentions if m.category == "procedure"}
    for words in ("Physical examination", "Renal function", "platelet count", "Gastroscopy"):
        assert any(words in text or text in words for text in procedures), words
    # units and programs are no "...gram" procedure
    assert not [t for t in procedures if "gram" in t.lower()]


def test_an_imaging_modality_is_found_by_its_dicom_code(mentions: list[ConceptMention]) -> None:
    assert {m.identifier for m in _named(mentions, "US")} == {"DCM:US"}
    assert {m.identifier for m in _named(mentions, "ECG")} == {"DCM:ECG"}


def test_findings_come_from_dicoms_snomed_groups(mentions: list[ConceptMention]) -> None:
    assert {m.category for m in _named(mentions, "mass")} == {"sign"}
    assert {m.category for m in _named(mentions, "nodules")} == {"sign"}


LABS = """Fever after travel: a case report

CASE PRESENTATION

A 30-year-old man was admitted with fever. His blood pressure was 120/80 and the \
platelet count was normal. Renal function and liver function tests were within normal \
limits. Blood cultures were negative. Immunostaining was positive for CK7, CK19 and p16. \
Creatine kinase was 25000 U/L.
"""


@pytest.fixture(scope="module")
def lab_facts(tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge) -> CaseFacts:
    path = Path(tmp_path_factory.mktemp("labs")) / "labs.txt"
    path.write_text(LABS, encoding="utf-8")
    return annotate(ingest(path), [], knowledge).facts


def test_a_result_stated_in_words_or_without_a_unit_is_kept_as_written(
    lab_facts: CaseFacts,
) -> None:
    results = {(r.test.text, r.result, r.flag) for r in lab_facts.results}
    assert ("blood pressure", "120/80", "unknown") in results
    assert ("platelet count", "normal", "normal") in results
    assert ("Blood cultures", "negative", "unknown") in results


def test_a_list_of_tests_shares_the_result_it_states(lab_facts: CaseFacts) -> None:
    results = {(r.test.text, r.result) for r in lab_facts.results}
    assert {
        ("Renal function", "within normal limits"),
        ("liver function tests", "within normal limits"),
    } <= results


def test_a_value_with_a_unit_is_a_lab_result_not_a_stated_one(lab_facts: CaseFacts) -> None:
    assert [lab.analyte.text for lab in lab_facts.labs] == ["Creatine kinase"]
    assert "Creatine kinase" not in {r.test.text for r in lab_facts.results}
