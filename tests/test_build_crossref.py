"""`kg build` against a Crossref-compatible server: references become works, cached once."""

from __future__ import annotations

from pathlib import Path

import pytest
from crossref_server import CrossrefServer

from kg.build import build
from kg.cli import main
from kg.query import run_query
from kg.rdf.namespaces import DOI
from kg.settings import Settings
from kg.store import open_store

# A short case report in the seed's layout whose first reference is a real work served by
# the local server (PLoS ONE, 70 deposited references) and whose second predates DOIs.
REPORT = """\
Methylphenidate and Calcification: A Case Report

Ann Example, MD

A case (1).

INTRODUCTION

Stimulants injure dopamine neurons in mice (1). Myocardial calcification was described long ago (2).

REFERENCES

1. Sadasivan S, Pond BB, Pani AK, Qu C, Jiao Y, Smeyne RJ. Methylphenidate exposure induces dopamine neuron loss and activation of microglia in the basal ganglia of mice. PLoS One 2012;7:e33693
2. Gore I, Arons W. Calcification of the myocardium; a pathologic study of 13 cases. Arch Pathol (Chic) 1949;48:1-12
"""  # noqa: E501

PLOS = str(DOI["10.1371/journal.pone.0033693"])


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


@pytest.fixture
def built(report: Path, crossref_settings: Settings) -> Settings:
    """The settings of a build of the short report against the local server."""
    build([report], crossref_settings)
    return crossref_settings


def _rows(settings: Settings, query: str) -> list[tuple[str, ...]]:
    with open_store(settings.store) as store:
        result = run_query(store, query)
    assert result is not None
    return [tuple(str(term) for term in row) for row in result.rows]


def test_a_resolved_reference_links_to_its_doi_work_with_crossref_metadata(built: Settings) -> None:
    rows = _rows(
        built,
        "SELECT ?work ?title WHERE { ?ref a biro:BibliographicReference ; "
        "biro:references ?work . ?work prism:doi ?doi ; dcterms:title ?title }",
    )
    assert rows == [
        (
            PLOS,
            "Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of "
            "Microglia in the Basal Ganglia of Mice",
        )
    ]


def test_the_resolved_work_brings_its_deposited_references_as_the_second_ring(
    built: Settings,
) -> None:
    rows = _rows(
        built,
        f"SELECT (COUNT(DISTINCT ?cited) AS ?n) WHERE {{ <{PLOS}> cito:cites ?cited }}",
    )
    assert rows == [("70",)]


def test_a_pre_doi_reference_stays_unresolved_and_the_graph_says_why(built: Settings) -> None:
    rows = _rows(
        built,
        "SELECT ?status WHERE { ?snapshot a ckg:ReferenceResolution ; "
        "prov:wasDerivedFrom ?ref ; ckg:matchStatus ?status . "
        "FILTER NOT EXISTS { ?ref biro:references ?work . ?work prism:doi ?doi } }",
    )
    assert rows == [("unmatched",)]


def test_resolution_provenance_names_the_api_url_it_came_from(
    built: Settings, crossref_server: CrossrefServer
) -> None:
    rows = _rows(
        built,
        f"SELECT ?source WHERE {{ ?snapshot prov:specializationOf <{PLOS}> ; "
        "prov:hadPrimarySource ?source }",
    )
    assert len(rows) == 1
    assert rows[0][0].startswith(crossref_server.url + "/works")


def test_a_rebuild_with_a_warm_cache_sends_no_request(
    seed_path: Path, crossref_settings: Settings, crossref_server: CrossrefServer
) -> None:
    build([seed_path], crossref_settings)
    assert crossref_server.request_count > 0
    crossref_server.reset_log()
    build([seed_path], crossref_settings)
    assert crossref_server.request_count == 0


def test_the_seed_references_are_all_left_without_a_doi_by_this_server(
    seed_path: Path, crossref_settings: Settings
) -> None:
    report = build([seed_path], crossref_settings)
    assert report.crossref_notices == ()
    rows = _rows(
        crossref_settings,
        "SELECT ?status (COUNT(*) AS ?n) WHERE { ?s a ckg:ReferenceResolution ; "
        "ckg:matchStatus ?status } GROUP BY ?status",
    )
    assert rows == [("unmatched", "9")]


def test_an_offline_build_says_once_which_references_it_could_not_resolve(
    seed_path: Path, tmp_path: Path
) -> None:
    settings = Settings.resolve(
        store=tmp_path / "store", cache_dir=tmp_path / "cache", offline=True
    )
    report = build([seed_path], settings)
    assert len(report.crossref_notices) == 1
    assert "9 of 9 references" in report.crossref_notices[0]


def test_kg_build_takes_the_crossref_url_and_cache_from_its_flags(
    report: Path, tmp_path: Path, crossref_server: CrossrefServer
) -> None:
    store, cache = tmp_path / "flag-store", tmp_path / "flag-cache"
    code = main(
        [
            "build",
            str(report),
            "--store",
            str(store),
            "--crossref-url",
            crossref_server.url,
            "--cache-dir",
            str(cache),
        ]
    )
    assert code == 0
    assert crossref_server.request_count > 0
    assert any(cache.iterdir())
