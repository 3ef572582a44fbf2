"""The local Crossref-compatible API behaves like the real one where the client relies on it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from api_server import Fault
from crossref_server import (
    CrossrefServer,
    Limits,
    SearchIndex,
    fixtures_dir,
    vancouver,
)

PLOS_DOI = "10.1371/journal.pone.0033693"


def recorded(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((fixtures_dir() / "crossref" / name).read_text())
    return data


def test_serves_all_real_records(crossref_server: CrossrefServer) -> None:
    assert len(crossref_server.index.works) >= 1817


def test_work_lookup_ignores_doi_case(crossref_server: CrossrefServer) -> None:
    response = requests.get(f"{crossref_server.url}/works/10.1371/JOURNAL.PONE.0033693")
    assert response.status_code == 200
    assert response.json()["message"]["DOI"] == PLOS_DOI


def test_work_lookup_accepts_an_encoded_doi(crossref_server: CrossrefServer) -> None:
    response = requests.get(f"{crossref_server.url}/works/10.1371%2Fjournal.pone.0033693")
    assert response.json()["message-type"] == "work"


def test_served_work_is_the_recorded_one(crossref_server: CrossrefServer) -> None:
    message = recorded("works-one-doi.json")["response"]["json"]["message"]  # type: ignore[index]
    served = requests.get(f"{crossref_server.url}/works/{PLOS_DOI}").json()["message"]
    assert served["title"] == message["title"]
    assert len(served["reference"]) == 70


def test_unknown_doi_gets_the_real_404(crossref_server: CrossrefServer) -> None:
    real = recorded("works-unknown-doi.json")["response"]
    response = requests.get(f"{crossref_server.url}/works/10.1371/notarealdoi")
    assert response.status_code == 404
    assert response.text == real["text"]  # type: ignore[index]
    assert response.headers["Content-Type"] == real["headers"]["content-type"]  # type: ignore[index]


def test_search_ranks_the_cited_work_first(crossref_server: CrossrefServer) -> None:
    citation = vancouver(crossref_server.work(PLOS_DOI) or {})
    response = requests.get(
        f"{crossref_server.url}/works", params={"query.bibliographic": citation, "rows": "2"}
    )
    items = response.json()["message"]["items"]
    assert [item["DOI"] for item in items][:1] == [PLOS_DOI]
    assert items[0]["score"] > 2 * items[1]["score"]


def test_search_answer_is_shaped_like_crossrefs(crossref_server: CrossrefServer) -> None:
    response = requests.get(
        f"{crossref_server.url}/works", params={"query.bibliographic": "dopamine mice", "rows": "5"}
    )
    body = response.json()
    assert body["message-type"] == "work-list"
    message = body["message"]
    assert message["items-per-page"] == 5
    assert message["total-results"] >= len(message["items"]) == 5
    scores = [item["score"] for item in message["items"]]
    assert scores == sorted(scores, reverse=True)


def test_seed_reference_finds_no_strong_candidate(crossref_server: CrossrefServer) -> None:
    seed = (
        "Gore I, Arons W. Calcification of the myocardium; a pathologic study of 13 cases. "
        "*Arch Pathol (Chic)* 1949;48:1-12"
    )
    response = requests.get(
        f"{crossref_server.url}/works", params={"query.bibliographic": seed, "rows": "2"}
    )
    best = response.json()["message"]["items"][0]
    assert best["score"] / len(seed) < 0.4


def test_too_many_rows_is_a_validation_failure(crossref_server: CrossrefServer) -> None:
    response = requests.get(f"{crossref_server.url}/works", params={"rows": "1001"})
    assert response.status_code == 400
    assert response.json()["message-type"] == "validation-failure"


def test_answers_advertise_limits_and_pool(crossref_server: CrossrefServer) -> None:
    crossref_server.limits = Limits(rate=20, interval=1, concurrency=4)
    response = requests.get(
        f"{crossref_server.url}/works/{PLOS_DOI}", params={"mailto": "me@example.org"}
    )
    assert response.headers["x-rate-limit-limit"] == "20"
    assert response.headers["x-rate-limit-interval"] == "1s"
    assert response.headers["x-concurrency-limit"] == "4"
    assert response.headers["x-api-pool"] == "polite"


def test_requests_beyond_the_rate_get_429(crossref_index: SearchIndex) -> None:
    frozen = 100.0
    with CrossrefServer(crossref_index, limits=Limits(rate=3), clock=lambda: frozen) as server:
        statuses = [requests.get(f"{server.url}/works/{PLOS_DOI}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_rate_window_slides(crossref_index: SearchIndex) -> None:
    now = [100.0]
    with CrossrefServer(crossref_index, limits=Limits(rate=1), clock=lambda: now[0]) as server:
        first = requests.get(f"{server.url}/works/{PLOS_DOI}").status_code
        now[0] += 1.0
        second = requests.get(f"{server.url}/works/{PLOS_DOI}").status_code
    assert (first, second) == (200, 200)


def test_requests_beyond_the_concurrency_are_refused(crossref_server: CrossrefServer) -> None:
    crossref_server.limits = Limits(rate=100, concurrency=1)
    assert crossref_server.admit() is None
    assert crossref_server.admit() == "concurrency"


def test_injected_429_carries_retry_after(crossref_server: CrossrefServer) -> None:
    crossref_server.inject(Fault("status", status=429, retry_after="7"))
    first = requests.get(f"{crossref_server.url}/works/{PLOS_DOI}")
    second = requests.get(f"{crossref_server.url}/works/{PLOS_DOI}")
    assert (first.status_code, first.headers["Retry-After"]) == (429, "7")
    assert second.status_code == 200


def test_faults_apply_only_to_matching_paths(crossref_server: CrossrefServer) -> None:
    crossref_server.inject(Fault("status", status=503, path=r"^/works\?", times=5))
    work = requests.get(f"{crossref_server.url}/works/{PLOS_DOI}")
    search = requests.get(f"{crossref_server.url}/works", params={"query.bibliographic": "mice"})
    assert (work.status_code, search.status_code) == (200, 503)


def test_truncated_body_breaks_the_transfer(crossref_server: CrossrefServer) -> None:
    crossref_server.inject(Fault("truncate"))
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(f"{crossref_server.url}/works/{PLOS_DOI}")


def test_invalid_json_fault_sends_broken_json(crossref_server: CrossrefServer) -> None:
    crossref_server.inject(Fault("invalid-json"))
    response = requests.get(f"{crossref_server.url}/works/{PLOS_DOI}")
    with pytest.raises(ValueError):
        response.json()


def test_redirect_fault_points_elsewhere(crossref_server: CrossrefServer) -> None:
    crossref_server.inject(Fault("redirect", location="http://elsewhere.invalid/works"))
    response = requests.get(f"{crossref_server.url}/works/{PLOS_DOI}", allow_redirects=False)
    assert (response.status_code, response.headers["Location"]) == (
        301,
        "http://elsewhere.invalid/works",
    )


def test_log_counts_requests_but_not_stats(crossref_server: CrossrefServer) -> None:
    requests.get(f"{crossref_server.url}/works/{PLOS_DOI}")
    requests.get(f"{crossref_server.url}/works/10.1/none")
    stats = requests.get(f"{crossref_server.url}/_stats").json()
    assert stats["requests"] == crossref_server.request_count == 2
    assert stats["statuses"] == {"200": 1, "404": 1}


def test_runs_from_the_command_line() -> None:
    script = Path(__file__).with_name("crossref_server.py")
    with subprocess.Popen(
        [sys.executable, str(script), "--port", "0", "--rate", "7"],
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().split(" at ")[-1].strip()
            response = requests.get(f"{url}/works/{PLOS_DOI}", timeout=10)
        finally:
            process.terminate()
    assert response.headers["x-rate-limit-limit"] == "7"
