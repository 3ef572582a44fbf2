"""Related works: counts equal brute force on random graphs, a small ranking by hand, and the
layer from the local Crossref and OpenCitations servers, faults included."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.network import (
    adamic_adar_coupling,
    cocitation,
    cocitation_counts,
    communities,
    coupling,
    coupling_counts,
    pagerank,
)
from kg.related import Seed, rank

# Property: co-citation and coupling counts equal a brute-force count over the same edges.

edges = st.lists(
    st.tuples(st.integers(0, 11), st.integers(0, 11)).filter(lambda e: e[0] != e[1]),
    max_size=60,
)


def network_of(pairs: list[tuple[int, int]]) -> nx.DiGraph:
    network = nx.DiGraph()
    network.add_nodes_from(str(n) for n in range(12))
    network.add_edges_from((str(a), str(b)) for a, b in pairs)
    return network


@settings(max_examples=200, deadline=None)
@given(edges)
def test_counts_equal_a_brute_force_count(pairs: list[tuple[int, int]]) -> None:
    network = network_of(pairs)
    cites = {(str(a), str(b)) for a, b in pairs}
    nodes = list(network)
    for a in nodes:
        cocited = cocitation_counts(network, a)
        coupled = coupling_counts(network, a)
        for b in nodes:
            if a == b:
                continue
            both_cited = sum(1 for c in nodes if (c, a) in cites and (c, b) in cites)
            both_cite = sum(1 for w in nodes if (a, w) in cites and (b, w) in cites)
            assert cocited.get(b, 0) == both_cited == cocitation(network, a, b)
            assert coupled.get(b, 0) == both_cite == coupling(network, a, b)


@settings(max_examples=100, deadline=None)
@given(edges)
def test_ranked_counts_equal_a_brute_force_count(pairs: list[tuple[int, int]]) -> None:
    network = network_of(pairs)
    cites = {(str(a), str(b)) for a, b in pairs}
    references = tuple((n, str(n)) for n in (1, 2, 3))
    seed = Seed("case", "0", "", references)
    members = {"0", "1", "2", "3"}
    for item in rank(network, seed, {}, limit=100).related:
        x = item.node
        citers = {c for c, cited in cites if cited == x}
        partners = {p for p in members if any((c, p) in cites for c in citers)}
        brute_cocitation = {c for c in citers if any((c, p) in cites for p in partners)}
        shared = {w for w in network if (x, w) in cites and any((p, w) in cites for p in members)}
        assert item.cocitation == len(brute_cocitation)
        assert item.coupling == len(shared)
        assert x not in members and item.score > 0


@settings(max_examples=50, deadline=None)
@given(edges)
def test_pagerank_is_a_distribution_agreeing_with_networkx_definition(
    pairs: list[tuple[int, int]],
) -> None:
    network = network_of(pairs)
    ranks = pagerank(network)
    assert math.isclose(sum(ranks.values()), 1.0, abs_tol=1e-6)
    expected = nx.pagerank(network, tol=1e-12) if _has_scipy() else None
    if expected is not None:
        assert all(math.isclose(ranks[n], expected[n], abs_tol=1e-6) for n in network)


def _has_scipy() -> bool:
    try:
        import scipy  # noqa: F401
    except ImportError:
        return False
    return True


# A small graph ranked by hand (see the module docstring of kg.related for the formula).
#   C (the case) cites R1 and R2 (references 1 and 2); A cites R1, R2 and X; B cites R1 and
#   X; Z cites R2; R1 cites W1 and W2; Y cites W1, W2 and W3.

HAND = [
    ("C", "R1"), ("C", "R2"), ("A", "R1"), ("A", "R2"), ("A", "X"), ("B", "R1"), ("B", "X"),
    ("Z", "R2"), ("R1", "W1"), ("R1", "W2"), ("Y", "W1"), ("Y", "W2"), ("Y", "W3"),
]  # fmt: skip
SEED = Seed("case", "C", "", ((1, "R1"), (2, "R2")))


@pytest.fixture
def hand() -> nx.DiGraph:
    return nx.DiGraph(HAND)


def test_ranks_reproduce_by_hand(hand: nx.DiGraph) -> None:
    ranking = rank(hand, SEED, {})
    # A: coupling with C 2/√(3·2) + links (cites R1, R2) 2/3; X: co-citation with R1
    # 2/√(2·3) + with R2 1/√(2·3); Z: 1/√(1·2) + 1/3; B: 1/√(2·2) + 1/3; Y: 2/√(3·2);
    # W1, W2: cited by R1, 1/3.
    by_hand = {
        "A": 2 / math.sqrt(6) + 2 / 3,
        "X": 3 / math.sqrt(6),
        "Z": 1 / math.sqrt(2) + 1 / 3,
        "B": 1 / 2 + 1 / 3,
        "Y": 2 / math.sqrt(6),
        "W1": 1 / 3,
        "W2": 1 / 3,
    }
    assert [item.node for item in ranking.related] == ["A", "X", "Z", "B", "Y", "W1", "W2"]
    for item in ranking.related:
        assert item.score == round(by_hand[item.node], 4)
    assert [item.rank for item in ranking.related] == list(range(1, 8))


def test_reasons_say_with_which_references_and_how_many(hand: nx.DiGraph) -> None:
    reasons = {item.node: item.reasons for item in rank(hand, SEED, {}).related}
    assert reasons["X"] == ("co-cited with references 1 and 2 by 2 works",)
    assert reasons["Y"] == ("shares 2 references with reference 1",)
    assert reasons["A"] == ("shares 2 references with the case report", "cites references 1 and 2")
    assert reasons["W1"] == ("cited by reference 1",)


def test_prior_and_derivative_works(hand: nx.DiGraph) -> None:
    ranking = rank(hand, SEED, {})
    assert [(w.node, w.count, w.references) for w in ranking.prior] == [
        ("W1", 1, (1,)),
        ("W2", 1, (1,)),
    ]
    assert [(w.node, w.count, w.references) for w in ranking.derivative] == [
        ("A", 2, (1, 2)),
        ("B", 1, (1,)),
        ("Z", 1, (2,)),
    ]


def test_adamic_adar_uses_the_natural_log(hand: nx.DiGraph) -> None:
    # Y and R1 share W1 and W2, each cited twice: 2 / ln 2.
    assert math.isclose(adamic_adar_coupling(hand, "Y", "R1"), 2 / math.log(2))


def test_communities_cover_every_linked_work_once(hand: nx.DiGraph) -> None:
    found = communities(hand)
    assert set(found) == set(hand)
    assert min(found.values()) == 1
    assert communities(hand) == found  # fixed seed: the same every run
