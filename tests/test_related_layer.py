"""The related-literature layer in a build, from the local Crossref and OpenCitations servers:
citing works with PROV, rankings, coverage, faults, offline and --no-related."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_server import Fault
from crossref_server import CrossrefServer, SearchIndex, vancouver
from online_apis import online_apis
from opencitations_server import CitationIndex, OpenCitationsServer
from rdflib import URIRef
from rdflib.term import Node

from kg.build import BuildReport, build
from kg.cli import main
from kg.network import citation_network, cocitation_counts, coupling_counts
from kg.queries import QUERIES_DIR
from kg.query import run_query, saved_query
from kg.rdf.namespaces import DOI, graph_iri
from kg.settings import Settings
from kg.store import open_store

NETWORK = QUERIES_DIR / "network"
ARTICLE = "10.1111/ele.13085"  # cited by 10.1007/s12080-020-00477-4 and 10.1111/2041-210x.14013
OLDER = "10.1007/s12080-013-0192-6"  # cited by s12080-020-00477-4 and ele.13085


def report(server: CrossrefServer) -> str:
    lines = [
        f"{n}. {vancouver(server.work(doi) or {})}" for n, doi in enumerate((ARTICLE, OLDER), 1)
    ]
    return (
        "Coexistence in Ecology: A Case Report\n\nAnn Example, MD\n\nA case (1, 2).\n\n"
        "INTRODUCTION\n\nNiches (1). Stability (2).\n\nREFERENCES\n\n" + "\n".join(lines) + "\n"
    )


@pytest.fixture
def settings(crossref_settings: Settings, opencitations_server: OpenCitationsServer) -> Settings:
    return dataclasses.replace(crossref_settings, opencitations_api=opencitations_server.url)


@dataclasses.dataclass(frozen=True)
class Built:
    settings: Settings
    opencitations: OpenCitationsServer
    report: BuildReport


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
    crossref_index: SearchIndex,
    citation_index: CitationIndex,
) -> Iterator[Built]:
    """One online build of the report, read by the tests that only look at its graph."""
    root = tmp_path_factory.mktemp("related")
    with online_apis(root, crossref_index, citation_index) as apis:
        path = root / "report.txt"
        path.write_text(report(apis.crossref), encoding="utf-8")
        yield Built(apis.settings, apis.opencitations, build([path], apis.settings))


@pytest.fixture
def case(tmp_path: Path, crossref_server: CrossrefServer) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(report(crossref_server), encoding="utf-8")
    return path


def rows(settings: Settings, name: str, **bindings: Node) -> list[dict[str, str]]:
    """The saved query's rows as plain strings by variable name."""
    query = saved_query(name, NETWORK)
    with open_store(settings.store) as store:
        result = run_query(store, query.text, bindings=bindings or None)
    assert result is not None
    return [
        {
            var: "" if value is None else str(value)
            for var, value in zip(result.variables, row, strict=True)
        }
        for row in result.rows
    ]


def work(doi: str) -> str:
    return str(DOI[doi])


def test_the_related_graph_conforms_to_its_shapes(built: Built) -> None:
    validation = built.report.validation
    assert validation is not None and validation.conforms, validation and validation.summary()
    assert built.report.triples_per_graph[str(graph_iri("related"))] > 0


def test_citing_works_come_from_opencitations_with_their_source_and_time(built: Built) -> None:
    settings = built.settings
    coverage = {(r["doi"], r["operation"]): r for r in rows(settings, "citation_coverage")}
    cited = coverage[(ARTICLE, "citations")]
    assert cited["status"] == "known" and cited["rows"] == "2"
    assert cited["source"] == f"{settings.opencitations_api}/citations/doi:{ARTICLE}"
    assert cited["retrieved"]
    top = {r["work"]: int(r["score"]) for r in rows(settings, "top_cited")}
    assert top[work(ARTICLE)] >= 2  # the case and the two citing records


def test_the_case_gets_ranked_related_works_with_reasons(built: Built) -> None:
    settings = built.settings
    related = rows(settings, "related_to_case")
    assert related, "no related works"
    assert [int(r["rank"]) for r in related] == list(range(1, len(related) + 1))
    scores = [float(r["score"]) for r in related]
    assert scores == sorted(scores, reverse=True)
    citer = next(r for r in related if r["work"] == work("10.1007/s12080-020-00477-4"))
    assert "cites references 1 and 2" in citer["reasons"]
    assert citer["title"]  # filled in from Crossref
    co_cited = [r for r in related if "co-cited with references" in r["reasons"]]
    assert co_cited and all(int(r["cocitation"]) >= 1 for r in co_cited)


def test_prior_and_derivative_works_are_stored(built: Built) -> None:
    settings = built.settings
    derivative = rows(settings, "derivative_works")
    assert derivative[0]["work"] == work("10.1007/s12080-020-00477-4")
    assert derivative[0]["score"] == "2" and derivative[0]["references"] in ("1, 2", "2, 1")
    prior = rows(settings, "prior_works")
    assert prior and all(int(r["score"]) >= 1 for r in prior)


def test_cocited_and_coupled_queries_agree_with_the_network(built: Built) -> None:
    """The saved queries, with ?target bound, count what networkx counts over the same edges."""
    settings = built.settings
    with open_store(settings.store) as store:
        network = citation_network(store)
    for target in (work(ARTICLE), work(OLDER)):
        cocited = {
            r["work"]: int(r["score"])
            for r in rows(settings, "cocited_with", target=URIRef(target))
        }
        coupled = {
            r["work"]: int(r["score"])
            for r in rows(settings, "coupled_with", target=URIRef(target))
        }
        assert cocited == cocitation_counts(network, target)
        assert coupled == coupling_counts(network, target)
    assert coupled[work(ARTICLE)] >= 10  # the two records share a dozen references


def test_a_warm_rebuild_asks_nothing_and_offline_reads_the_cache(
    case: Path, settings: Settings, opencitations_server: OpenCitationsServer
) -> None:
    build([case], settings)
    online = rows(settings, "related_to_case")
    sent = len(opencitations_server.log)
    assert sent > 0
    build([case], settings)
    assert len(opencitations_server.log) == sent
    build([case], dataclasses.replace(settings, offline=True))
    assert len(opencitations_server.log) == sent
    assert rows(settings, "related_to_case") == online


def test_a_failing_source_gives_a_warning_and_a_graph_that_says_so(
    case: Path,
    settings: Settings,
    opencitations_server: OpenCitationsServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    opencitations_server.inject(
        Fault("status", status=500, retry_after="0", path=f"citations/doi:{ARTICLE}", times=50)
    )
    with caplog.at_level(logging.WARNING, logger="kg.literature"):
        build([case], dataclasses.replace(settings, cache_dir=settings.cache_dir / "fresh"))
    coverage = {(r["doi"], r["operation"]): r for r in rows(settings, "citation_coverage")}
    failed = coverage[(ARTICLE, "citations")]
    assert failed["status"] == "failed" and "500" in failed["note"]
    assert coverage[(OLDER, "citations")]["status"] == "known"
    assert any("could not be had" in message and ARTICLE in message for message in caplog.messages)


def test_unknown_dois_are_empty_not_errors(built: Built) -> None:
    settings = built.settings
    statuses = {r["status"] for r in rows(settings, "citation_coverage")}
    assert statuses <= {"known", "empty"}


def test_no_related_skips_the_layer(
    case: Path, settings: Settings, opencitations_server: OpenCitationsServer
) -> None:
    report = build([case], dataclasses.replace(settings, related=False))
    assert not any(name.endswith("/related") for name in report.triples_per_graph)
    assert opencitations_server.log == []


# kg related


def related(built: Built, *arguments: str) -> list[str]:
    settings = built.settings
    return [
        "related",
        "--store",
        str(settings.store),
        "--cache-dir",
        str(settings.cache_dir),
        "--crossref-url",
        settings.crossref_api,
        "--opencitations-url",
        settings.opencitations_api,
        *arguments,
    ]


def test_kg_related_jsonl_matches_the_stored_ranking(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(related(built, "--format", "jsonl", "--limit", "50", "--offline")) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines and {"doi", "title", "year", "score", "cocitation", "coupling", "reasons"} <= set(
        lines[0]
    )
    stored = rows(built.settings, "related_to_case")
    assert [(line["doi"], line["score"]) for line in lines] == [
        (r["doi"], float(r["score"])) for r in stored
    ]


def test_kg_related_min_score_and_limit(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    main(related(built, "--format", "jsonl", "--offline"))
    every = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    cut = every[len(every) // 2]["score"]
    main(related(built, "--format", "jsonl", "--offline", "--min-score", str(cut), "--limit", "3"))
    kept = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert 0 < len(kept) <= 3 and all(line["score"] >= cut for line in kept)


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [("csv", "case,rank,doi"), ("bibtex", "doi = {"), ("ris", "DO  - "), ("table", "score")],
)
def test_kg_related_formats(
    built: Built, capsys: pytest.CaptureFixture[str], fmt: str, marker: str
) -> None:
    assert main(related(built, "--format", fmt, "--offline", "--limit", "3")) == 0
    assert marker in capsys.readouterr().out


def test_kg_related_for_a_doi_outside_the_graph(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(related(built, "--doi", str(DOI["10.7717/PEERJ.1114"]), "--format", "jsonl")) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines and all(line["case"] == "10.7717/peerj.1114" for line in lines)
    assert any("the work" in reason for line in lines for reason in line["reasons"])


def test_kg_related_names_what_it_does_not_know(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(related(built, "--doi", "10.9999/nothing-here")) == 0
    assert "no source knew any citation of 10.9999/nothing-here" in capsys.readouterr().err
    assert main(related(built, "--doi", "10.9999/never-asked", "--offline")) == 5
    assert "were not asked" in capsys.readouterr().err


@pytest.mark.parametrize(
    "arguments", [("--doi", "nonsense"), ("--limit", "0"), ("--min-score", "-1")]
)
def test_kg_related_bad_input_is_exit_2(
    built: Built, capsys: pytest.CaptureFixture[str], arguments: tuple[str, ...]
) -> None:
    assert main(related(built, *arguments)) == 2
    assert capsys.readouterr().err.startswith("kg related: error:")


NAMES = (
    "top_cited",
    "cocited_with",
    "coupled_with",
    "related_to_case",
    "works_by_year",
    "prior_works",
    "derivative_works",
    "citation_coverage",
)


@pytest.mark.parametrize("name", NAMES)
def test_each_saved_network_query_has_a_title_and_answers(built: Built, name: str) -> None:
    query = saved_query(name, NETWORK)
    assert query.title and query.description
    target = {"target": URIRef(work(ARTICLE))} if name in ("cocited_with", "coupled_with") else {}
    answer = rows(built.settings, name, **target)
    assert answer, f"{name} found nothing in a build with related works"
    if "year" in answer[0] and name == "works_by_year":
        years = [r["year"] for r in answer]
        assert years == sorted(years)


def test_kg_build_no_related_flag(tmp_path: Path, seed_path: Path) -> None:
    store = tmp_path / "store"
    arguments = ["build", str(seed_path), "--store", str(store), "--offline", "--no-related"]
    assert main([*arguments, "--cache-dir", str(tmp_path / "cache")]) == 0
    with open_store(store) as opened:
        assert str(graph_iri("related")) not in opened.named_graphs()
