"""The saved query concepts_by_category on the seed build."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.query import run_query, saved_query
from kg.store import open_store

Row = tuple[str, str, set[str], set[str], int]


@pytest.fixture(scope="module")
def rows(seed_store: Path) -> dict[str, Row]:
    with open_store(seed_store) as store:
        result = run_query(store, saved_query("concepts_by_category").text)
    assert result is not None
    table: dict[str, Row] = {}
    for category, label, concept, exact, close, mentions in result.rows:
        key = f"{category}|{label}"
        table[key] = (
            str(category),
            str(concept).rsplit("/", 1)[1],
            set(str(exact or "").split()),
            set(str(close or "").split()),
            int(str(mentions)),
        )
    return table


def test_the_query_has_a_title_and_a_description() -> None:
    query = saved_query("concepts_by_category")
    assert query.title == "Concepts by category"
    assert "mapped" in query.description or "maps to" in query.description


def test_sepsis_is_an_etiology_with_its_identifiers_and_mentions(rows: dict[str, Row]) -> None:
    assert rows["Etiologies|sepsis"] == (
        "Etiologies",
        "sepsis",
        {"MESH:D018805", "HP:0100806", "SNOMEDCT:91302008"},
        set(),
        14,
    )


def test_chronic_renal_failure_has_exact_and_close_matches(rows: dict[str, Row]) -> None:
    _, _, exact, close, _ = rows["Etiologies|chronic renal failure"]
    assert exact == {"MESH:D007676"}
    # No SNOMED code: DO's cross-reference 155856009 is a legacy duplicate (vocabularies.md).
    assert close == {"MESH:D051436", "DOID:784", "HP:0012622"}


def test_the_mechanisms_of_the_discussion_are_listed_unmapped_where_nothing_is_verified(
    rows: dict[str, Row],
) -> None:
    # Named three times: twice in full, once elided ("metastatic and dystrophic calcification").
    assert rows["Mechanisms|metastatic calcification"][2:] == (set(), set(), 3)
    # 129750001 is a BI-RADS breast-imaging value (DICOM CID 6011): a close match at most.
    assert rows["Mechanisms|dystrophic calcification"][2:] == (set(), {"SNOMEDCT:129750001"}, 2)


def test_a_concept_in_two_categories_has_a_row_in_each(rows: dict[str, Row]) -> None:
    assert rows["Mechanisms|hypocalcemia"][1] == "hypocalcemia"
    assert rows["Conditions and clinical findings|hypocalcemia"][1] == "hypocalcemia"
