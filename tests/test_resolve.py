"""Resolving references: DOI confirmation, search and validation, dedup, order, offline."""

from __future__ import annotations

import logging
import socket
from dataclasses import replace
from pathlib import Path

import pytest
from crossref_server import CrossrefServer, Limits, vancouver

from kg.document import Document
from kg.references import ParsedReference, parse_reference
from kg.resolve import resolve_batch, resolve_citations, resolve_references
from kg.settings import Settings

PLOS = "10.1371/journal.pone.0033693"


@pytest.fixture(scope="module")
def seed_references(seed_document: Document) -> list[ParsedReference]:
    return [parse_reference(r.text, r.number) for r in seed_document.references]


def cite(server: CrossrefServer, doi: str) -> str:
    return vancouver(server.work(doi) or {})


def test_citation_of_a_served_work_is_matched(
    crossref_server: CrossrefServer, crossref_settings: Settings
) -> None:
    [resolution] = resolve_citations([cite(crossref_server, PLOS)], crossref_settings).resolutions
    assert (resolution.status, resolution.doi) == ("matched", PLOS)
    assert resolution.work is not None and resolution.work["DOI"] == PLOS


def test_seed_references_are_not_matched(
    seed_references: list[ParsedReference], crossref_settings: Settings
) -> None:
    resolutions = resolve_references(seed_references, crossref_settings)
    assert [r.doi for r in resolutions] == [None] * 9
    assert {r.status for r in resolutions} <= {"unmatched", "ambiguous"}


def test_pre_doi_references_come_out_unmatched(
    seed_references: list[ParsedReference], crossref_settings: Settings
) -> None:
    pre_doi = [r for r in seed_references if r.number in (3, 8)]  # 1949 Arch Pathol, 2007 ESC
    assert [r.status for r in resolve_references(pre_doi, crossref_settings)] == ["unmatched"] * 2


def test_written_doi_is_confirmed_by_lookup_not_search(
    crossref_server: CrossrefServer, crossref_settings: Settings
) -> None:
    citation = f"{cite(crossref_server, PLOS)} doi:{PLOS.upper()}"
    [resolution] = resolve_citations([citation], crossref_settings).resolutions
    assert (resolution.status, resolution.doi) == ("matched", PLOS)
    assert [entry.path for entry in crossref_server.log] == [
        "/works/10.1371%2Fjournal.pone.0033693"
    ]


def test_malformed_doi_is_an_error_with_a_reason(crossref_settings: Settings) -> None:
    [resolution] = resolve_citations(
        ["Smith J. A study. doi: 10.12/x"], crossref_settings
    ).resolutions
    assert resolution.status == "error"
    assert "'10.12/x' is not a DOI" in resolution.reasons[0]


def test_unknown_written_doi_falls_back_to_search(
    crossref_server: CrossrefServer, crossref_settings: Settings
) -> None:
    citation = f"{cite(crossref_server, PLOS)} doi:10.9999/not.registered"
    [resolution] = resolve_citations([citation], crossref_settings).resolutions
    assert resolution.reasons[0].startswith("DOI 10.9999/not.registered is not known to Crossref")
    assert resolution.doi == PLOS


def test_duplicates_are_asked_once_and_order_is_kept(
    crossref_server: CrossrefServer, crossref_settings: Settings
) -> None:
    dois = [work["DOI"] for work in crossref_server.index.works[100:104]]
    citations = [f"doi:{dois[0]}", f"doi:{dois[1]}", f"doi:{dois[0]}", f"doi:{dois[2]}"]
    resolutions = resolve_citations(citations, crossref_settings).resolutions
    assert [r.input for r in resolutions] == citations
    assert [r.doi for r in resolutions] == [
        dois[0].lower(),
        dois[1].lower(),
        dois[0].lower(),
        dois[2].lower(),
    ]
    assert crossref_server.request_count == 3


def test_resolution_names_its_source_and_time(
    crossref_server: CrossrefServer, crossref_settings: Settings
) -> None:
    [resolution] = resolve_citations([f"doi:{PLOS}"], crossref_settings).resolutions
    assert resolution.source_url == f"{crossref_server.url}/works/10.1371%2Fjournal.pone.0033693"
    assert resolution.retrieved_at is not None and resolution.retrieved_at.tzinfo is not None


def test_rebuild_with_warm_cache_sends_no_requests(
    seed_references: list[ParsedReference],
    crossref_server: CrossrefServer,
    crossref_settings: Settings,
) -> None:
    first = resolve_references(seed_references, crossref_settings)
    crossref_server.reset_log()
    second = resolve_references(seed_references, crossref_settings)
    assert crossref_server.request_count == 0
    assert [r.status for r in second] == [r.status for r in first]


def test_many_references_resolve_in_parallel_within_the_limits(
    crossref_server: CrossrefServer, crossref_settings: Settings
) -> None:
    crossref_server.limits = Limits(rate=10_000, concurrency=3)
    works = crossref_server.index.works[200:240]
    batch = resolve_citations([vancouver(work) for work in works], crossref_settings)
    assert len(batch.resolutions) == 40
    assert crossref_server.max_in_flight <= 3
    assert 429 not in crossref_server.statuses()


def test_progress_is_reported_per_distinct_reference(crossref_settings: Settings) -> None:
    ticks: list[None] = []
    resolve_citations(
        [f"doi:{PLOS}", f"doi:{PLOS}", "doi:10.1371/notarealdoi"],
        crossref_settings,
        progress=lambda: ticks.append(None),
    )
    assert len(ticks) == 2


def test_offline_resolves_cached_and_names_the_rest_once(
    crossref_server: CrossrefServer, crossref_settings: Settings
) -> None:
    resolve_citations([f"doi:{PLOS}"], crossref_settings)
    offline = replace(crossref_settings, offline=True)
    batch = resolve_citations([f"doi:{PLOS}", "Never asked before. 2020;1:1-2."], offline)
    assert batch.resolutions[0].status == "matched"
    assert batch.resolutions[1].status == "error"
    assert batch.unavailable == (1,)
    assert batch.notice is not None and "offline" in batch.notice
    assert "'Never asked before. 2020;1:1-2.'" in batch.notice
    assert not batch.nothing_answered


def test_pipeline_logs_the_offline_notice_once(
    seed_references: list[ParsedReference],
    crossref_settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    offline = replace(crossref_settings, offline=True)
    with caplog.at_level(logging.WARNING, logger="kg.resolve"):
        resolve_references(seed_references, offline)
    assert len(caplog.records) == 1
    assert "9 of 9 references" in caplog.records[0].getMessage()
    assert "[1], [2], [3]" in caplog.records[0].getMessage()


def test_unreachable_server_fails_over_to_the_cache(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings.resolve(
        store=tmp_path / "store",
        cache_dir=tmp_path / "cache",
        crossref_api=f"http://127.0.0.1:{port}",
    )
    batch = resolve_batch(
        [parse_reference(f"Ref {n}. J Test. 2020;{n}:1-2.") for n in range(6)], settings
    )
    assert batch.nothing_answered
    assert batch.notice is not None and "Connection refused" in batch.notice
