"""The citation network: works and their cito:cites links, ringed around the case report."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest

from kg.build import build
from kg.cli import main
from kg.network import citation_network, to_edge_csv, to_graphml, to_vosviewer
from kg.rdf.namespaces import DOI
from kg.settings import Settings
from kg.store import open_store

ARTICLE = str(DOI["10.3348/jksr.2021.0181"])
PLOS = str(DOI["10.1371/journal.pone.0033693"])
REPORT = """\
Methylphenidate and Calcification: A Case Report

Ann Example, MD

A case (1).

INTRODUCTION

Stimulants injure dopamine neurons in mice (1).

REFERENCES

1. Sadasivan S, Pond BB, Pani AK, Qu C, Jiao Y, Smeyne RJ. Methylphenidate exposure induces dopamine neuron loss and activation of microglia in the basal ganglia of mice. PLoS One 2012;7:e33693
"""  # noqa: E501


@pytest.fixture(scope="module")
def seed_network(seed_store: Path) -> nx.DiGraph:
    with open_store(seed_store) as store:
        return citation_network(store)


@pytest.fixture
def resolved_network(tmp_path: Path, crossref_settings: Settings) -> nx.DiGraph:
    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    build([report], crossref_settings)
    with open_store(crossref_settings.store) as store:
        return citation_network(store)


def test_the_case_report_cites_its_nine_references(seed_network: nx.DiGraph) -> None:
    assert seed_network.out_degree(ARTICLE) == 9
    assert seed_network.nodes[ARTICLE]["kind"] == "case report"


def test_each_reference_is_in_the_first_ring_with_its_year(seed_network: nx.DiGraph) -> None:
    references = sorted(seed_network.successors(ARTICLE))
    assert {seed_network.nodes[r]["ring"] for r in references} == {1}
    assert sorted(seed_network.nodes[r]["year"] for r in references) == [
        "1949",
        "2007",
        "2009",
        "2015",
        "2015",
        "2016",
        "2016",
        "2019",
        "2019",
    ]


def test_a_resolved_reference_is_its_doi_work_with_its_references_in_the_second_ring(
    resolved_network: nx.DiGraph,
) -> None:
    (cited,) = [node for node in resolved_network if resolved_network.nodes[node]["ring"] == 1]
    assert cited == PLOS
    second_ring = [n for n in resolved_network if resolved_network.nodes[n]["ring"] == 2]
    assert len(second_ring) == 70


def test_graphml_reads_back_as_the_same_network(seed_network: nx.DiGraph) -> None:
    again = nx.read_graphml(io.BytesIO(to_graphml(seed_network)))
    assert (again.number_of_nodes(), again.number_of_edges()) == (10, 9)
    assert again.nodes[ARTICLE]["ring"] == 0


def test_kg_export_writes_the_network_as_graphml(seed_store: Path, tmp_path: Path) -> None:
    output = tmp_path / "network.graphml"
    code = main(["export", "--format", "graphml", "-o", str(output), "--store", str(seed_store)])
    assert code == 0
    assert nx.read_graphml(output).number_of_edges() == 9


def test_graphml_attributes_are_typed_for_gephi(seed_network: nx.DiGraph) -> None:
    again = nx.read_graphml(io.BytesIO(to_graphml(seed_network)))
    years = [data["year"] for node, data in again.nodes(data=True) if node != ARTICLE]
    assert years and all(isinstance(year, int) for year in years)
    assert all(data["label"] for _, data in again.nodes(data=True))
    assert again.nodes[ARTICLE]["citations"] == 0
    assert all(isinstance(data["weight"], float) for *_, data in again.edges(data=True))


def test_vosviewer_map_has_items_and_links_with_strengths(seed_network: nx.DiGraph) -> None:
    document = json.loads(to_vosviewer(seed_network))
    items, links = document["network"]["items"], document["network"]["links"]
    assert len(items) == seed_network.number_of_nodes()
    assert len(links) == seed_network.number_of_edges()
    assert {link["strength"] for link in links} == {1}
    by_url = {item["url"]: item for item in items}
    assert by_url[ARTICLE]["weights"] == {"Citations": 0, "References": 9}
    ids = {item["id"] for item in items}
    assert all({link["source_id"], link["target_id"]} <= ids for link in links)


def test_edge_list_csv_has_one_row_per_link(seed_network: nx.DiGraph) -> None:
    rows = list(csv.DictReader(io.StringIO(to_edge_csv(seed_network).decode())))
    assert {(row["source"], row["target"]) for row in rows} == set(seed_network.edges())


@pytest.mark.parametrize("fmt", ["vosviewer", "edges-csv"])
def test_kg_export_writes_the_network_formats(seed_store: Path, tmp_path: Path, fmt: str) -> None:
    output = tmp_path / f"network.{fmt}"
    assert main(["export", "--format", fmt, "-o", str(output), "--store", str(seed_store)]) == 0
    assert output.stat().st_size > 0
