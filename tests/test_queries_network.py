"""The network queries count a citation link once, however many graphs hold it.

A build stores a resolved work's Crossref record in the crossref graph of every case citing
it, and the store's default graph is the union of the named graphs: the same link comes once
per graph holding it. Here X's record is in two graphs; every score must be what one copy
gives.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.queries import QUERIES_DIR
from kg.query import run_query, saved_query
from kg.store import GraphStore, open_store

EX = "http://example.org/"
NETWORK = QUERIES_DIR / "network"

# The case C cites A and B; X (its record in two crossref graphs) cites A, B and W; Y cites A
# and W.
TRIG = b"""
@prefix cito: <http://purl.org/spar/cito/> .
@prefix fabio: <http://purl.org/spar/fabio/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .

ex:document { ex:C cito:cites ex:A , ex:B . }
ex:crossref1 {
  ex:X cito:cites ex:A , ex:B , ex:W ; fabio:hasPublicationYear "2010"^^xsd:gYear .
  ex:Y cito:cites ex:A , ex:W .
  ex:A fabio:hasPublicationYear "2001"^^xsd:gYear .
  ex:B fabio:hasPublicationYear "2001"^^xsd:gYear .
  ex:W fabio:hasPublicationYear "2005"^^xsd:gYear .
}
ex:crossref2 {
  ex:X cito:cites ex:A , ex:B , ex:W ; fabio:hasPublicationYear "2010"^^xsd:gYear .
  ex:A fabio:hasPublicationYear "2001"^^xsd:gYear .
  ex:W fabio:hasPublicationYear "2005"^^xsd:gYear .
}
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    with open_store(tmp_path_factory.mktemp("network") / "store", create=True) as opened:
        opened.load(TRIG, "trig", graph=EX + "unused")
        yield opened


def scores(
    store: GraphStore, name: str, *columns: str, **bindings: Node
) -> dict[str, tuple[object, ...]]:
    """The named columns of each row (as Python values), by the row's first term."""
    result = run_query(store, saved_query(name, NETWORK).text, bindings=bindings or None)
    answer = {}
    for row in result.bindings():
        values = [row[c] for c in columns]
        assert all(isinstance(v, Literal) for v in values)
        key = str(row[result.variables[0]]).removeprefix(EX)
        answer[key] = tuple(v.toPython() for v in values if isinstance(v, Literal))
    return answer


def test_related_counts_counts_each_member_citer_and_member_reference_pair_once(
    store: GraphStore,
) -> None:
    # W: co-cited with A by X and Y, with B by X; X couples with C through A and B; Y through A
    assert scores(
        store, "related_counts", "score", "cocitation", "coupling", case=URIRef(EX + "C")
    ) == {"W": (3, 3, 0), "X": (2, 0, 2), "Y": (1, 0, 1)}


def test_cocitation_and_coupling_of_a_work_count_each_citer_and_reference_once(
    store: GraphStore,
) -> None:
    target = URIRef(EX + "A")
    assert scores(store, "cocited_with", "score", target=target) == {"B": (2,), "W": (2,)}
    assert scores(store, "coupled_with", "score", target=URIRef(EX + "X")) == {
        "C": (2,),
        "Y": (2,),
    }


def test_top_cited_counts_each_citing_work_once(store: GraphStore) -> None:
    assert scores(store, "top_cited", "score") == {"A": (3,), "B": (2,), "W": (2,)}


def test_works_by_year_counts_the_links_to_each_years_works_once(store: GraphStore) -> None:
    assert scores(store, "works_by_year", "works", "score") == {
        "2001": (2, 5),
        "2005": (1, 2),
        "2010": (1, 0),
    }


def test_citation_edges_lists_each_link_once(store: GraphStore) -> None:
    result = run_query(store, saved_query("citation_edges", NETWORK).text)
    edges = [tuple(str(term).removeprefix(EX) for term in row) for row in result.rows]
    assert sorted(edges) == sorted(
        [("C", "A"), ("C", "B"), ("X", "A"), ("X", "B"), ("X", "W"), ("Y", "A"), ("Y", "W")]
    )
