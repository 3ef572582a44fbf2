"""The OpenCitations client against the local Index v2 server: answers, faults, politeness."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from api_server import Fault
from opencitations_server import CitationIndex, Limits, OpenCitationsServer
from test_crossref_client import FakeClock

from kg.http import RetryPolicy
from kg.opencitations import (
    OpenCitationsClient,
    OpenCitationsError,
    OpenCitationsUnavailable,
    dois_of,
)

CITED_SIX_TIMES = "10.1016/j.tree.2011.04.007"
RECORD = "10.1111/ele.13085"
QSS = "10.1162/qss_a_00292"


def make_client(
    server: OpenCitationsServer, tmp_path: Path, **options: object
) -> OpenCitationsClient:
    return OpenCitationsClient(
        server.url,
        tmp_path / "oc.sqlite",
        clock=options.pop("clock", None) or FakeClock(),  # type: ignore[arg-type]
        rng=random.Random(3),
        retry=RetryPolicy(attempts=4, backoff_cap=30.0, read_timeout=5.0),
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
def client(opencitations_server: OpenCitationsServer, tmp_path: Path) -> OpenCitationsClient:
    return make_client(opencitations_server, tmp_path)


# Answers


def test_references_are_the_records_deposited_dois(
    client: OpenCitationsClient, citation_index: CitationIndex
) -> None:
    record = citation_index.records[RECORD]
    deposited = {str(r["DOI"]).lower() for r in record["reference"] if r.get("DOI")}
    answer = client.references(RECORD)
    assert {row.cited for row in answer.rows} == deposited - {RECORD}
    assert {row.citing for row in answer.rows} == {RECORD}


def test_citations_invert_every_records_reference_list(client: OpenCitationsClient) -> None:
    answer = client.citations(CITED_SIX_TIMES)
    assert len({row.citing for row in answer.rows}) == 6
    assert client.citation_count(CITED_SIX_TIMES).count == 6


def test_unknown_doi_is_an_empty_answer_not_an_error(client: OpenCitationsClient) -> None:
    assert client.citations("10.9999/nonexistent").rows == ()
    assert client.citation_count("10.9999/nonexistent").count == 0


def test_recorded_answer_keeps_every_doi_of_a_merged_entity(client: OpenCitationsClient) -> None:
    answer = client.references(QSS)
    assert len(answer.rows) == 45
    merged = [row for row in answer.rows if row.cited_aliases]
    assert [(row.cited, row.cited_aliases) for row in merged] == [
        ("10.7287/peerj.preprints.3469v1", ("10.7717/peerj.4201",))
    ]
    assert sum(1 for row in answer.rows if not row.timespan) == 13


def test_ids_are_read_defensively() -> None:
    assert dois_of("omid:br/1 doi:10.1234/A pmid:2") == ("10.1234/a",)
    assert dois_of("[coci] => doi:10.1234/x; [poci] => doi:10.1234/y") == ("10.1234/x", "10.1234/y")
    assert dois_of("omid:br/1 doi:not-a-doi issn:1") == ()


def test_dois_with_url_special_characters_reach_the_server_intact(
    client: OpenCitationsClient, opencitations_server: OpenCitationsServer
) -> None:
    doi = "10.1002/(sici)1097-4636(199812)43:4<420::aid-jbm9>3.0.co;2-8"
    client.citations(doi)
    assert opencitations_server.log[-1].path == f"/index/v2/citations/doi:{doi}"


# Faults: each retried or named, never cached broken


@pytest.mark.parametrize("kind", ["truncate", "invalid-json", "content-type"])
def test_broken_answers_are_retried_and_never_cached(
    kind: str, opencitations_server: OpenCitationsServer, tmp_path: Path
) -> None:
    opencitations_server.inject(Fault(kind, path="citations"))
    client = make_client(opencitations_server, tmp_path)
    assert len(client.citations(CITED_SIX_TIMES).rows) == 6
    client.close()
    offline = make_client(opencitations_server, tmp_path, offline=True)
    assert len(offline.citations(CITED_SIX_TIMES).rows) == 6  # the good answer was kept


def test_429_with_retry_after_pauses_every_request(
    opencitations_server: OpenCitationsServer, tmp_path: Path
) -> None:
    clock = FakeClock()
    opencitations_server.inject(Fault("status", status=429, retry_after="7", path="citations"))
    client = make_client(opencitations_server, tmp_path, clock=clock)
    assert len(client.citations(CITED_SIX_TIMES).rows) == 6
    assert 7.0 in clock.sleeps


def test_a_503_burst_is_ridden_out(
    opencitations_server: OpenCitationsServer, tmp_path: Path
) -> None:
    opencitations_server.inject(Fault("status", status=503, times=3))
    client = make_client(opencitations_server, tmp_path)
    assert client.citation_count(CITED_SIX_TIMES).count == 6
    assert opencitations_server.statuses()[503] == 3


def test_a_server_that_keeps_failing_gives_one_clear_line(
    opencitations_server: OpenCitationsServer, tmp_path: Path
) -> None:
    opencitations_server.inject(Fault("status", status=500, times=10))
    client = make_client(opencitations_server, tmp_path)
    with pytest.raises(OpenCitationsError, match=r"after 4 attempts \(last: 500") as failure:
        client.citations(RECORD)
    assert "\n" not in str(failure.value)


def test_a_hanging_server_times_out_and_is_retried(
    opencitations_server: OpenCitationsServer, tmp_path: Path
) -> None:
    opencitations_server.inject(Fault("latency", seconds=1.0))
    client = OpenCitationsClient(
        opencitations_server.url,
        tmp_path / "oc.sqlite",
        clock=FakeClock(),
        retry=RetryPolicy(attempts=3, read_timeout=0.2),
    )
    assert client.citation_count(CITED_SIX_TIMES).count == 6


def test_rows_with_malformed_ids_are_counted_not_guessed(
    client: OpenCitationsClient, opencitations_server: OpenCitationsServer
) -> None:
    opencitations_server.inject(Fault("bad-ids", path="citations"))
    answer = client.citations(CITED_SIX_TIMES)
    assert answer.rows == () and answer.skipped == 6


def test_wrong_api_url_is_named(opencitations_server: OpenCitationsServer, tmp_path: Path) -> None:
    client = OpenCitationsClient(
        opencitations_server.url.replace("/index/v2", "/meta/v1"), tmp_path / "oc.sqlite"
    )
    with pytest.raises(OpenCitationsError, match=r"is .* an OpenCitations Index v2 API"):
        client.citations(RECORD)


# Token, cache, offline, pacing


def test_token_goes_in_the_authorization_header_not_in_the_cache_key(
    opencitations_server: OpenCitationsServer, tmp_path: Path
) -> None:
    make_client(opencitations_server, tmp_path, token="secret-1").citations(RECORD)
    assert opencitations_server.log[-1].authorization == "secret-1"
    other = make_client(opencitations_server, tmp_path, token="secret-2")
    other.citations(RECORD)
    assert len(opencitations_server.log) == 1  # the same answer, from the cache


def test_a_refused_token_says_so(citation_index: CitationIndex, tmp_path: Path) -> None:
    with OpenCitationsServer(citation_index, token="good") as server:
        client = make_client(server, tmp_path, token="bad")
        with pytest.raises(OpenCitationsError, match="access token") as failure:
            client.citations(RECORD)
    assert "bad" not in str(failure.value)


def test_offline_reads_the_cache_and_names_what_is_missing(
    client: OpenCitationsClient, opencitations_server: OpenCitationsServer, tmp_path: Path
) -> None:
    client.citations(RECORD)
    offline = make_client(opencitations_server, tmp_path, offline=True)
    assert offline.citations(RECORD).from_cache
    with pytest.raises(OpenCitationsUnavailable, match="offline"):
        offline.citations(CITED_SIX_TIMES)


def test_never_exceeds_the_advertised_rate_while_retrying_and_resumes(
    citation_index: CitationIndex, tmp_path: Path
) -> None:
    clock = FakeClock()
    dois = sorted(citation_index.references)[:12]
    limits = Limits(rate=5, interval=1, concurrency=2)
    with OpenCitationsServer(citation_index, limits=limits, clock=clock.monotonic) as server:
        server.inject(Fault("status", status=503, times=2))
        first = make_client(server, tmp_path, clock=clock)
        for doi in dois[:6]:
            first.references(doi)
        server.inject(Fault("status", status=500, times=4))
        with pytest.raises(OpenCitationsError):
            first.references(dois[6])
        first.close()
        clock.sleep(1.0)  # a later run: the server's window of the first has passed
        server.reset_log()
        again = make_client(server, tmp_path, clock=clock)
        answers = [again.references(doi) for doi in dois]
        asked = [entry.path.rsplit("doi:", 1)[-1] for entry in server.log]
        arrivals = [entry.at for entry in server.log]
    assert 429 not in server.statuses()
    assert all(answer.from_cache for answer in answers[:6])
    assert set(asked) == set(dois[6:])  # resumed where it stopped, nothing asked twice
    assert all(sum(1 for t in arrivals if start <= t < start + 1) <= 5 for start in arrivals)


def test_a_good_token_is_accepted(citation_index: CitationIndex, tmp_path: Path) -> None:
    with OpenCitationsServer(citation_index, token="good") as server:
        assert make_client(server, tmp_path, token="good").citation_count(RECORD).count >= 0
        assert server.statuses()[403] == 0
