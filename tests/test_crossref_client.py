"""The Crossref client: answers, cache, politeness, backoff and offline, against a real server."""

from __future__ import annotations

import itertools
import random
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from api_server import Fault
from crossref_server import CrossrefServer, Limits, SearchIndex

from kg.crossref import (
    Budget,
    CrossrefClient,
    CrossrefError,
    CrossrefUnavailable,
    Governor,
    RetryPolicy,
)
from kg.errors import InputError

PLOS_DOI = "10.1371/journal.pone.0033693"
MAILTO = "casekg-tests@example.org"


class FakeClock:
    """Time that passes only when the client sleeps; records every sleep."""

    def __init__(self) -> None:
        self.time = 1000.0
        self.sleeps: list[float] = []
        self.epoch = datetime(2026, 6, 16, 12, 0, tzinfo=UTC)
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            with self._lock:
                self.sleeps.append(seconds)
                self.time += seconds

    def now(self) -> datetime:
        return self.epoch + timedelta(seconds=self.time)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(crossref_server: CrossrefServer, tmp_path: Path, clock: FakeClock) -> CrossrefClient:
    return CrossrefClient(
        crossref_server.url,
        tmp_path / "crossref.sqlite",
        mailto=MAILTO,
        clock=clock,
        rng=random.Random(7),
        retry=RetryPolicy(attempts=4, backoff_base=1.0, backoff_cap=30.0),
    )


def some_dois(server: CrossrefServer, count: int) -> list[str]:
    return [work["DOI"] for work in server.index.works[:count]]


# Answers


def test_work_returns_the_message(client: CrossrefClient) -> None:
    work = client.work(PLOS_DOI)
    assert work is not None
    assert work["DOI"] == PLOS_DOI


def test_unknown_doi_is_none(client: CrossrefClient) -> None:
    assert client.work("10.1371/notarealdoi") is None


def test_search_returns_scored_items_best_first(client: CrossrefClient) -> None:
    items = client.search_bibliographic("Sadasivan methylphenidate dopamine mice PLoS ONE 2012")
    assert items[0]["DOI"] == PLOS_DOI
    assert items[0]["score"] >= items[1]["score"]


def test_reply_names_the_api_url_without_mailto(client: CrossrefClient) -> None:
    reply = client.get_work(PLOS_DOI)
    assert reply.url == f"{client.base_url}/works/10.1371%2Fjournal.pone.0033693"


def test_doi_is_url_encoded_in_the_path(
    client: CrossrefClient, crossref_server: CrossrefServer
) -> None:
    client.work("10.1002/(SICI)1097-4636(199812)43:4<420::AID-JBM9>3.0.CO;2-8")
    assert crossref_server.log[-1].path == (
        "/works/10.1002%2F%28sici%291097-4636%28199812%2943%3A4%3C420%3A%3Aaid-jbm9%3E3.0.co%3B2-8"
    )


# Politeness


def test_mailto_goes_in_the_query(client: CrossrefClient, crossref_server: CrossrefServer) -> None:
    client.work(PLOS_DOI)
    assert crossref_server.log[-1].params["mailto"] == [MAILTO]


def test_user_agent_names_casekg_and_the_contact(
    client: CrossrefClient, crossref_server: CrossrefServer
) -> None:
    client.work(PLOS_DOI)
    agent = crossref_server.log[-1].user_agent
    assert agent.startswith("casekg/")
    assert f"mailto:{MAILTO}" in agent


def test_client_adopts_the_advertised_budget(
    client: CrossrefClient, crossref_server: CrossrefServer
) -> None:
    crossref_server.limits = Limits(rate=3000, interval=60, concurrency=3)
    client.work(PLOS_DOI)
    assert client.governor.budget == Budget(requests=3000, interval=60.0, concurrency=3)


def test_requests_start_at_the_advertised_pace(
    crossref_index: SearchIndex, tmp_path: Path, clock: FakeClock
) -> None:
    limits = Limits(rate=5, interval=1, concurrency=2)
    with CrossrefServer(crossref_index, limits=limits, clock=clock.monotonic) as server:
        client = CrossrefClient(server.url, tmp_path / "c.sqlite", mailto=MAILTO, clock=clock)
        for doi in some_dois(server, 12):
            client.work(doi)
        arrivals = [entry.at for entry in server.log]
    assert 429 not in server.statuses()
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert min(gaps) >= 1 / 5


def test_in_flight_requests_stay_within_the_concurrency_limit(
    client: CrossrefClient, crossref_server: CrossrefServer
) -> None:
    crossref_server.limits = Limits(rate=10_000, concurrency=2)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(client.work, some_dois(crossref_server, 30)))
    assert crossref_server.max_in_flight <= 2
    assert 429 not in crossref_server.statuses()


def test_governor_starts_with_one_request_at_a_time() -> None:
    governor = Governor(Budget(50, 1.0, 5), FakeClock())
    assert governor.acquire(timeout=0)
    assert not governor.acquire(timeout=0)


def test_governor_holds_back_requests_beyond_the_advertised_concurrency() -> None:
    governor = Governor(Budget(50, 1.0, 1), FakeClock())
    governor.observe({"x-concurrency-limit": "2"})
    assert governor.acquire(timeout=0) and governor.acquire(timeout=0)
    assert not governor.acquire(timeout=0)


def test_governor_goes_one_at_a_time_while_backing_off() -> None:
    governor = Governor(Budget(50, 1.0, 1), FakeClock())
    governor.observe({"x-concurrency-limit": "4"})
    with governor.backing_off():
        assert governor.capacity == 1
    assert governor.capacity == 4


def test_governor_pause_holds_every_next_start() -> None:
    clock = FakeClock()
    governor = Governor(Budget(50, 1.0, 1), clock)
    governor.pause(5.0)
    governor.pace()
    assert clock.sleeps == [5.0]


def test_budget_reads_interval_units_and_ignores_garbage() -> None:
    budget = Budget(1, 1.0, 1).updated(
        {"x-rate-limit-limit": "3000", "x-rate-limit-interval": "60s", "x-concurrency-limit": "x"}
    )
    assert budget == Budget(3000, 60.0, 1)


# Cache


def test_warm_cache_sends_no_requests(
    crossref_server: CrossrefServer, tmp_path: Path, clock: FakeClock
) -> None:
    cache = tmp_path / "crossref.sqlite"
    with CrossrefClient(crossref_server.url, cache, mailto=MAILTO, clock=clock) as first:
        first.work(PLOS_DOI)
        first.search("dopamine neuron loss mice")
    crossref_server.reset_log()
    with CrossrefClient(crossref_server.url, cache, clock=clock) as second:
        assert second.work(PLOS_DOI) is not None
        assert second.search("dopamine  neuron loss mice").from_cache
    assert crossref_server.request_count == 0


def test_404_is_remembered(client: CrossrefClient, crossref_server: CrossrefServer) -> None:
    client.work("10.1371/notarealdoi")
    client.work("10.1371/NotARealDoi")
    assert crossref_server.request_count == 1


def test_cached_reply_keeps_its_retrieval_time(client: CrossrefClient) -> None:
    fresh = client.get_work(PLOS_DOI)
    cached = client.get_work(PLOS_DOI)
    assert cached.from_cache
    assert abs((cached.retrieved_at - fresh.retrieved_at).total_seconds()) < 60


# Retries


def test_5xx_is_retried_after_full_jitter_backoff(
    client: CrossrefClient, crossref_server: CrossrefServer, clock: FakeClock
) -> None:
    crossref_server.inject(Fault("status", status=503, times=2))
    assert client.work(PLOS_DOI) is not None
    jitter = random.Random(7)
    expected = [jitter.uniform(0, 1.0), jitter.uniform(0, 2.0)]  # base 1 s, doubling
    assert [s for s in clock.sleeps if s in expected] == expected
    assert crossref_server.request_count == 3


def test_retry_after_seconds_is_honoured(
    client: CrossrefClient, crossref_server: CrossrefServer, clock: FakeClock
) -> None:
    crossref_server.inject(Fault("status", status=429, retry_after="7"))
    client.work(PLOS_DOI)
    assert 7.0 in clock.sleeps


def test_retry_after_date_is_honoured(
    client: CrossrefClient, crossref_server: CrossrefServer, clock: FakeClock
) -> None:
    later = format_datetime(clock.now() + timedelta(seconds=12), usegmt=True)
    crossref_server.inject(Fault("status", status=429, retry_after=later))
    client.work(PLOS_DOI)
    assert 12.0 in clock.sleeps


def test_retry_after_beyond_the_cap_gives_up_at_once(
    client: CrossrefClient, crossref_server: CrossrefServer
) -> None:
    crossref_server.inject(Fault("status", status=429, retry_after="3600"))
    with pytest.raises(CrossrefError, match="asks to wait 3600 s"):
        client.work(PLOS_DOI)
    assert crossref_server.request_count == 1


def test_gives_up_after_the_attempts_with_a_clear_error(
    client: CrossrefClient, crossref_server: CrossrefServer
) -> None:
    crossref_server.inject(Fault("status", status=503, times=10))
    with pytest.raises(CrossrefError, match=r"after 4 attempts \(last: 503"):
        client.work(PLOS_DOI)
    assert crossref_server.request_count == 4


def test_truncated_answer_is_retried(
    client: CrossrefClient, crossref_server: CrossrefServer
) -> None:
    crossref_server.inject(Fault("truncate"))
    assert client.work(PLOS_DOI) is not None
    assert crossref_server.request_count == 2


def test_invalid_json_is_retried_and_never_cached(
    client: CrossrefClient, crossref_server: CrossrefServer
) -> None:
    crossref_server.inject(Fault("invalid-json"))
    assert client.work(PLOS_DOI) is not None
    assert client.work(PLOS_DOI) is not None
    assert crossref_server.request_count == 2


def test_slow_answer_times_out_and_is_retried(
    crossref_server: CrossrefServer, tmp_path: Path, clock: FakeClock
) -> None:
    crossref_server.inject(Fault("latency", seconds=2.0))
    retry = RetryPolicy(attempts=2, read_timeout=0.05)
    client = CrossrefClient(crossref_server.url, tmp_path / "c.sqlite", clock=clock, retry=retry)
    assert client.work(PLOS_DOI) is not None


def test_retry_after_a_timeout_gives_the_server_time_to_finish_the_abandoned_request(
    crossref_server: CrossrefServer, tmp_path: Path, clock: FakeClock
) -> None:
    retry = RetryPolicy(attempts=2, read_timeout=0.05, backoff_base=0.001)
    client = CrossrefClient(crossref_server.url, tmp_path / "c.sqlite", clock=clock, retry=retry)
    client.work("10.1371/notarealdoi")  # the first answer tells the budget: 50 a second
    clock.sleeps.clear()
    crossref_server.inject(Fault("latency", seconds=2.0))
    client.work(PLOS_DOI)
    assert max(clock.sleeps) >= 0.05


def test_redirect_is_not_followed(client: CrossrefClient, crossref_server: CrossrefServer) -> None:
    crossref_server.inject(Fault("redirect", location="http://elsewhere.invalid/works"))
    with pytest.raises(CrossrefError, match="follows no redirects"):
        client.work(PLOS_DOI)
    assert crossref_server.request_count == 1


# Offline and unreachable


def test_offline_answers_from_the_cache(
    client: CrossrefClient, crossref_server: CrossrefServer, tmp_path: Path
) -> None:
    client.work(PLOS_DOI)
    crossref_server.reset_log()
    offline = CrossrefClient(crossref_server.url, tmp_path / "crossref.sqlite", offline=True)
    assert offline.work(PLOS_DOI) is not None
    assert crossref_server.request_count == 0


def test_offline_without_cache_says_so_without_asking(
    crossref_server: CrossrefServer, tmp_path: Path
) -> None:
    offline = CrossrefClient(crossref_server.url, tmp_path / "c.sqlite", offline=True)
    with pytest.raises(CrossrefUnavailable, match="offline"):
        offline.work(PLOS_DOI)
    assert crossref_server.request_count == 0


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_refused_connection_means_unreachable_without_retries(
    tmp_path: Path, clock: FakeClock
) -> None:
    client = CrossrefClient(f"http://127.0.0.1:{closed_port()}", tmp_path / "c.sqlite", clock=clock)
    with pytest.raises(CrossrefUnavailable, match="Connection refused"):
        client.work(PLOS_DOI)
    assert clock.sleeps == []


def test_unreachable_host_is_not_asked_again(tmp_path: Path, clock: FakeClock) -> None:
    client = CrossrefClient(f"http://127.0.0.1:{closed_port()}", tmp_path / "c.sqlite", clock=clock)
    with pytest.raises(CrossrefUnavailable):
        client.work(PLOS_DOI)
    with pytest.raises(CrossrefUnavailable, match="not asked: cannot connect"):
        client.search("anything at all")


# Input


def test_base_url_must_be_http(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not an http"):
        CrossrefClient("ftp://127.0.0.1", tmp_path / "c.sqlite")


def test_mailto_must_be_an_address(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not an e-mail address"):
        CrossrefClient("http://127.0.0.1:9", tmp_path / "c.sqlite", mailto="nobody")


def test_search_404_means_a_wrong_api_url(
    crossref_server: CrossrefServer, tmp_path: Path, clock: FakeClock
) -> None:
    client = CrossrefClient(
        f"{crossref_server.url}/not-the-api", tmp_path / "c.sqlite", clock=clock
    )
    with pytest.raises(CrossrefError, match=r"is .* a Crossref REST API"):
        client.search("anything")


def test_silent_dns_means_unreachable_within_the_connect_timeout(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No network here, so a resolver that never answers is simulated (no query leaves)."""
    answered = threading.Event()

    def silent_resolver(*args: object, **kwargs: object) -> list[object]:
        answered.wait(10)
        raise OSError("resolver gave up")

    monkeypatch.setattr("kg.http.socket.getaddrinfo", silent_resolver)
    retry = RetryPolicy(connect_timeout=0.05)
    client = CrossrefClient("http://localhost:9", tmp_path / "c.sqlite", clock=clock, retry=retry)
    try:
        with pytest.raises(CrossrefUnavailable, match=r"no DNS answer for localhost"):
            client.work(PLOS_DOI)
    finally:
        answered.set()
