"""The synthetic graph generator (bench/synth.py): deterministic, the size asked for, and
shaped like a real build, so that the saved queries find what they are about in it."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import IdentifiedNode, Node

from kg.query import run_query, saved_query
from kg.rdf.namespaces import CKG, CONCEPT, graph_iri, slug
from kg.store import GraphStore, QueryResult, open_store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import synth

SMALL = 12_000  # the shared graphs and two case reports


def generated(triples: int, seed: int) -> str:
    out = io.StringIO()
    synth.generate(out, triples, seed)
    return out.getvalue()


@pytest.fixture(scope="module")
def small() -> str:
    return generated(SMALL, seed=5)


@pytest.fixture(scope="module")
def dataset(small: str) -> Dataset:
    parsed = Dataset(default_union=True)
    parsed.parse(data=small, format="nquads")
    return parsed


@pytest.fixture(scope="module")
def store(small: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    with open_store(tmp_path_factory.mktemp("synth") / "store", create=True) as store:
        store.load(small.encode(), "nq", graph=str(graph_iri("synthetic")))
        yield store


def answer(store: GraphStore, name: str) -> list[dict[str, object]]:
    result = run_query(store, saved_query(name).text, timeout=None)
    assert isinstance(result, QueryResult)
    return [
        {k: v.toPython() if isinstance(v, Literal | IdentifiedNode) else v for k, v in row.items()}
        for row in result.bindings()
    ]


def test_the_same_seed_gives_the_same_graph_and_another_seed_another(small: str) -> None:
    assert generated(SMALL, seed=5) == small
    assert generated(SMALL, seed=6) != small


def test_the_graph_is_the_size_asked_for_within_one_case_report(small: str) -> None:
    quads = small.splitlines()
    assert len(set(quads)) == len(quads), "a named graph holds each triple once"
    assert SMALL <= len(quads) <= SMALL + 12_000
    target = 40_000
    assert target <= generated(target, seed=1).count("\n") <= target * 1.3


def test_it_holds_the_named_graphs_of_a_build(dataset: Dataset) -> None:
    names = {str(g.identifier) for g in dataset.graphs()}
    for shared in ("ontology", "vocabulary", "shapes"):
        assert str(graph_iri(shared)) in names
    key = slug(synth.case_doi(1))
    for kind in ("document", "annotations", "crossref", "provenance/document"):
        assert str(graph_iri(kind, key)) in names
    vocabulary = dataset.graph(graph_iri("vocabulary"))
    mentioned = set(dataset.objects(None, URIRef(str(CKG.claimSubject))))
    assert mentioned, "claims name concepts"
    assert all((concept, SKOS.prefLabel, None) in vocabulary for concept in mentioned)


def test_citations_are_skewed_towards_a_few_works() -> None:
    literature = synth.Literature(10_000, seed=2)
    cited = [m for n in range(2_000) for m in literature.cites(n)]
    top = sum(1 for m in cited if m < 100)
    assert top > len(cited) / 4, "the 1% most popular works take over a quarter of the citations"
    assert literature.cites(7) == synth.Literature(10_000, seed=2).cites(7)


def test_documents_lists_each_case_report_with_30_to_60_references(store: GraphStore) -> None:
    rows = answer(store, "documents")
    assert len(rows) >= 2
    for row in rows:
        assert str(row["key"]).startswith("10-5555-casekg-synth-case-")
        assert 30 <= int(str(row["references"])) <= 60
        assert int(str(row["claims"])) > 0 and int(str(row["mentions"])) > 0


def test_works_cited_by_several_cases_are_found(store: GraphStore) -> None:
    rows = answer(store, "references_cited_by_several_cases")
    assert rows and all(int(str(row["cases"])) > 1 for row in rows)
    assert all(str(row["doi"]).startswith("10.5555/casekg-synth.work.") for row in rows)


def test_mechanisms_have_the_references_cited_for_them(store: GraphStore, dataset: Dataset) -> None:
    rows = answer(store, "mechanism_references")
    assert rows
    scheme = URIRef(CONCEPT["scheme/mechanism"])
    mechanisms = {
        str(label)
        for concept in dataset.subjects(SKOS.inScheme, scheme)
        for label in dataset.objects(concept, SKOS.prefLabel)
    }
    assert {str(row["mechanism"]) for row in rows} <= mechanisms
    assert all(
        str(row["referenceDoi"]).startswith("10.5555/") for row in rows if "referenceDoi" in row
    )


def test_the_etiology_to_sign_paths_go_through_a_mechanism(store: GraphStore) -> None:
    rows = answer(store, "etiology_mechanism_sign")
    assert rows and all(row["mechanism"] and row["sign"] for row in rows)


def _labels(dataset: Dataset, scheme: str) -> dict[Node, str]:
    return {
        concept: str(label)
        for concept in dataset.subjects(SKOS.inScheme, URIRef(CONCEPT[f"scheme/{scheme}"]))
        for label in dataset.objects(concept, SKOS.prefLabel)
        if isinstance(label, Literal) and label.language == "en"
    }


def test_each_etiology_mechanism_sign_row_counts_the_claims_of_all_its_routes(
    store: GraphStore, dataset: Dataset
) -> None:
    """The rows computed from the claims directly, by the query's definition: a route is an
    etiology's claim to the mechanism, or to a first mechanism that causes or contributes to
    it, and the mechanism's claim to the sign; a row counts every claim of every route."""
    etiologies, mechanisms = _labels(dataset, "etiology"), _labels(dataset, "mechanism")
    signs = _labels(dataset, "imaging-sign")
    claims = [
        (
            claim,
            dataset.value(claim, CKG.claimSubject),
            dataset.value(claim, CKG.claimPredicate),
            dataset.value(claim, CKG.claimObject),
        )
        for claim in dataset.subjects(RDF.type, CKG.Claim)
    ]
    steps = (CKG.causes, CKG.contributesTo)
    expected: dict[tuple[str, str, str], tuple[set[bool], set[str], set[Node]]] = {}
    for first, e, _, x in claims:  # the etiology's claim: e -> x
        if e not in etiologies:
            continue
        for last, m, p, s in claims:  # the sign's claim: m manifests as s
            if p != CKG.manifestsAs or m not in mechanisms or s not in signs:
                continue
            key = (etiologies[e], mechanisms[m], signs[s])
            if x == m:
                direct, through, found = expected.setdefault(key, (set(), set(), set()))
                direct.add(True)
                found.update({first, last})
            for step, f, q, m2 in claims:  # the step between: x causes m
                if f == x and m2 == m and q in steps and f != m and f in mechanisms:
                    direct, through, found = expected.setdefault(key, (set(), set(), set()))
                    through.add(mechanisms[f])
                    found.update({first, step, last})
    rows = answer(store, "etiology_mechanism_sign")
    answered = {
        (str(r["etiology"]), str(r["mechanism"]), str(r["sign"])): (
            r["direct"],
            str(r["through"]),
            r["claims"],
            int(str(r["interpretations"])) + int(str(r["background"])),
        )
        for r in rows
    }
    assert any(d for d, _, _ in expected.values()) and any(t for _, t, _ in expected.values())
    assert answered == {
        key: (True in direct, ", ".join(sorted(through)), len(found), len(found))
        for key, (direct, through, found) in expected.items()
    }


def test_case_timelines_run_forward_from_admission(store: GraphStore) -> None:
    rows = answer(store, "case_timeline")
    by_case: dict[str, list[int]] = {}
    for row in rows:
        by_case.setdefault(str(row["case"]), []).append(int(str(row["day"])))
    assert by_case
    assert all(days[0] == 0 and days == sorted(days) for days in by_case.values())


def test_concepts_are_shared_between_cases(store: GraphStore) -> None:
    rows = answer(store, "concepts_shared_between_cases")
    assert rows and all(int(str(row["cases"])) > 1 for row in rows)


def test_every_saved_query_answers(store: GraphStore) -> None:
    """Those not checked for meaning above at least find something to say."""
    names = ("cases_by_etiology", "concepts_by_category", "imaging_measurements")
    for name in (*names, "reference_citations", "labs_out_of_range"):
        assert answer(store, name), name
