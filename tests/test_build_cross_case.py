"""The cross-case saved queries on a graph of three case reports: the seed and two reports
that cite one work by the same DOI."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import build
from kg.query import run_query, saved_query
from kg.settings import Settings
from kg.store import open_store

SECOND = Path(__file__).parent / "data" / "second_case.txt"
SHARED_DOI = "10.5555/shared.2018.101"
SEED_TITLE = "Rapid Development of Diffuse Myocardial Calcification"
FIRST_REFERENCE = "Example J Nephrol 2018;12:101-109"


def _variant(directory: Path, name: str, title: str) -> Path:
    """The second case report under another name and title, its first reference with a DOI."""
    text = SECOND.read_text(encoding="utf-8")
    assert FIRST_REFERENCE in text
    text = text.replace(FIRST_REFERENCE, f"{FIRST_REFERENCE}. doi:{SHARED_DOI}", 1)
    text = text.replace("in a Woman Receiving Hemodialysis", title, 1)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def rows_of(
    tmp_path_factory: pytest.TempPathFactory, seed_path: Path
) -> dict[str, list[dict[str, str]]]:
    """Each cross-case query's rows (variable → value as text) on the three-report graph."""
    directory = tmp_path_factory.mktemp("cross-case")
    documents = [
        seed_path,
        _variant(directory, "dialysis-one.txt", "in a Woman Receiving Hemodialysis (one)"),
        _variant(directory, "dialysis-two.txt", "in a Woman Receiving Hemodialysis (two)"),
    ]
    settings = Settings.resolve(
        store=directory / "store", cache_dir=directory / "cache", offline=True
    )
    build(documents, settings)
    answers: dict[str, list[dict[str, str]]] = {}
    with open_store(settings.store) as store:
        for name in (
            "concepts_shared_between_cases",
            "references_cited_by_several_cases",
            "cases_by_etiology",
        ):
            result = run_query(store, saved_query(name).text)
            assert result is not None
            answers[name] = [
                {key: str(value) for key, value in row.items()} for row in result.bindings()
            ]
    return answers


def test_a_work_two_cases_cite_by_doi_is_listed_with_both(
    rows_of: dict[str, list[dict[str, str]]],
) -> None:
    rows = rows_of["references_cited_by_several_cases"]
    assert [(row["doi"], row["cases"]) for row in rows] == [(SHARED_DOI, "2")]
    assert "Hemodialysis (one)" in rows[0]["citedBy"]
    assert "Hemodialysis (two)" in rows[0]["citedBy"]
    assert SEED_TITLE not in rows[0]["citedBy"]


def test_concepts_shared_between_cases_count_the_cases_that_name_them(
    rows_of: dict[str, list[dict[str, str]]],
) -> None:
    shared = {row["label"]: row for row in rows_of["concepts_shared_between_cases"]}
    assert shared["myocardial calcification"]["cases"] == "3"
    assert shared["secondary hyperparathyroidism"]["cases"] == "2"
    assert SEED_TITLE not in shared["secondary hyperparathyroidism"]["caseTitles"]
    assert "sepsis" not in shared  # only the seed names it
    assert all(int(row["cases"]) > 1 for row in shared.values())


def test_cases_by_etiology_lists_the_cases_naming_each_etiology(
    rows_of: dict[str, list[dict[str, str]]],
) -> None:
    cases = {(row["etiology"], row["case"][:30]) for row in rows_of["cases_by_etiology"]}
    assert ("sepsis", SEED_TITLE[:30]) in cases
    assert not any(etiology == "sepsis" and "Hemodialysis" in case for etiology, case in cases)
    dialysis = [row for row in rows_of["cases_by_etiology"] if "Hemodialysis (one)" in row["case"]]
    assert "secondary hyperparathyroidism" in {row["etiology"] for row in dialysis}
    sepsis = next(row for row in rows_of["cases_by_etiology"] if row["etiology"] == "sepsis")
    assert int(sepsis["claims"]) > 0
    assert sepsis["doi"] == "10.3348/jksr.2021.0181"


UNTITLED = (
    "A 58-year-old man presented with fever and a productive cough. Chest radiography showed "
    "a right lower lobe consolidation, and community-acquired pneumonia was diagnosed. {extra}"
)


def test_untitled_case_reports_are_named_by_their_files_and_say_they_print_no_title(
    tmp_path: Path,
) -> None:
    """Case texts that open with the case (as MACCROBAT's do) have no title to show: the
    graph says so and names each by its file, so cross-case answers tell them apart."""
    documents = []
    for name, extra in (("first.txt", "He recovered."), ("second.txt", "She was discharged.")):
        path = tmp_path / name
        path.write_text(UNTITLED.format(extra=extra), encoding="utf-8")
        documents.append(path)
    settings = Settings.resolve(
        store=tmp_path / "store", cache_dir=tmp_path / "cache", offline=True
    )
    build(documents, settings)
    with open_store(settings.store) as store:
        stated = run_query(store, "ASK { ?article dcterms:title ?title ; ckg:titleNotStated true }")
        result = run_query(store, saved_query("concepts_shared_between_cases").text)
        assert result is not None
        shared = {str(row["label"]): str(row["caseTitles"]) for row in result.bindings()}
    assert stated is not None and not stated.boolean
    assert "untitled case report (first)" in shared["fever"]
    assert "untitled case report (second)" in shared["fever"]
