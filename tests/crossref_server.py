"""A local Crossref-compatible REST API serving real recorded work records.

Tests, the matcher's calibration and the benchmark need Crossref's behaviour without the
internet: ``/works/{doi}`` (case-insensitive DOI, the real text/plain 404), ranked and scored
``/works?query.bibliographic=...`` results, rate-limit headers that are really enforced
(429 when a client sends more per interval, or more at once, than advertised) and faults a
test can inject (429 with Retry-After, 5xx, redirects, added latency, truncated bodies,
invalid JSON). Every request is logged so tests can count what reached the server.

Run it by hand or from the benchmark::

    python tests/crossref_server.py --port 8765 --rate 20 --concurrency 4 --latency 0.05

``GET /_stats`` (not logged, not rate-limited) returns the request counters as JSON.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import math
import re
import time
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import api_server
from api_server import ApiHandler, ApiServer

from kg.settings import SHARED_DIR

SHARED_FIXTURES = SHARED_DIR / "fixtures"
NOT_FOUND_BODY = b"Resource not found."
HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    b"<body><h1>Bad Gateway</h1>\n<p>The proxy server received an invalid response.</p>"
    b"</body></html>\n"
)
MAX_ROWS = 1000

Work = dict[str, Any]
Hit = tuple[float, Work]


def fixtures_dir() -> Path:
    """The shared fixtures, which CI copies beside the clone as ``../shared/fixtures``."""
    if not (SHARED_FIXTURES / "crossref-records" / "records.jsonl").is_file():
        raise FileNotFoundError(
            f"shared Crossref fixtures not found at {SHARED_FIXTURES}: the tests expect the "
            "shared/ folder beside the repository (../shared/fixtures)"
        )
    return SHARED_FIXTURES


def load_records(directory: Path | None = None) -> list[Work]:
    """The 1,817 recorded work records plus the works in the recorded API responses."""
    root = directory or fixtures_dir()
    works: dict[str, Work] = {}
    with (root / "crossref-records" / "records.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                work = json.loads(line)
                works.setdefault(work["DOI"].lower(), work)
    for path in sorted((root / "crossref").glob("*.json")):
        for work in _recorded_works(json.loads(path.read_text(encoding="utf-8"))):
            work = {key: value for key, value in work.items() if key != "score"}
            works.setdefault(work["DOI"].lower(), work)
    return list(works.values())


def _recorded_works(recording: Mapping[str, Any]) -> Iterator[Work]:
    body = (recording.get("response") or {}).get("json") or {}
    message = body.get("message") or {}
    if body.get("message-type") == "work":
        yield message
    elif body.get("message-type") == "work-list":
        yield from message.get("items", [])


def tokens(text: str) -> list[str]:
    """Lower-case word and number tokens, accents folded, as a search engine's analyser."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.findall(r"[^\W_]+", folded.casefold())


def _year(work: Mapping[str, Any]) -> str:
    for key in ("issued", "published-print", "published-online", "created"):
        parts = (work.get(key) or {}).get("date-parts") or []
        if parts and parts[0] and parts[0][0] is not None:
            return str(parts[0][0])
    return ""


def bibliographic_text(work: Mapping[str, Any]) -> str:
    """The fields Crossref's ``query.bibliographic`` searches."""
    fields: list[str] = []
    for key in ("title", "subtitle", "container-title", "short-container-title"):
        value = work.get(key) or []
        fields.extend([value] if isinstance(value, str) else value)
    for person in work.get("author") or []:
        fields.extend(str(person.get(part, "")) for part in ("given", "family", "name"))
    fields.extend(str(work.get(key, "")) for key in ("volume", "issue", "page", "article-number"))
    fields.append(_year(work))
    return " ".join(fields)


def vancouver(work: Mapping[str, Any]) -> str:
    """A work cited the NLM/Vancouver way, as a reference list prints it."""
    people = [p for p in work.get("author") or [] if p.get("family")]
    names = [f"{p['family']} {_initials(p.get('given', ''))}".strip() for p in people[:6]]
    authors = ", ".join(names) + (", et al" if len(people) > 6 else "")
    title = re.sub(r"<[^>]+>", "", (work.get("title") or [""])[0])
    journal = (work.get("short-container-title") or work.get("container-title") or [""])[0]
    issue = f"({work['issue']})" if work.get("issue") else ""
    where = f"{_year(work)};{work.get('volume', '')}{issue}:{work.get('page', '')}"
    return f"{authors + '. ' if authors else ''}{title}. {journal}. {where}."


def _initials(given: str) -> str:
    return "".join(part[0] for part in re.split(r"[\s.-]+", given) if part)


class SearchIndex:
    """Okapi BM25 (Elasticsearch's default similarity, which Crossref's search runs on)."""

    k1 = 1.2
    b = 0.75

    def __init__(self, works: Sequence[Work]) -> None:
        self.works = list(works)
        self._postings: dict[str, list[tuple[int, int]]] = collections.defaultdict(list)
        self._lengths: list[int] = []
        for number, work in enumerate(self.works):
            counts = collections.Counter(tokens(bibliographic_text(work)))
            self._lengths.append(sum(counts.values()))
            for term, count in counts.items():
                self._postings[term].append((number, count))
        self._average_length = sum(self._lengths) / max(len(self._lengths), 1)

    def _idf(self, term: str) -> float:
        n = len(self._postings.get(term, ()))
        return math.log(1 + (len(self.works) - n + 0.5) / (n + 0.5))

    def search(
        self, query: str, rows: int, offset: int = 0
    ) -> tuple[int, list[tuple[float, Work]]]:
        """Total number of works matching any term, and one page of them, best first."""
        scores: dict[int, float] = collections.defaultdict(float)
        for term, query_count in collections.Counter(tokens(query)).items():
            idf = self._idf(term)
            for number, count in self._postings.get(term, ()):
                norm = self.k1 * (
                    1 - self.b + self.b * self._lengths[number] / self._average_length
                )
                scores[number] += query_count * idf * count * (self.k1 + 1) / (count + norm)
        ranked = sorted(scores.items(), key=lambda hit: (-hit[1], self.works[hit[0]]["DOI"]))
        page = ranked[offset : offset + rows]
        return len(ranked), [(round(score, 6), self.works[number]) for number, score in page]


@dataclass
class Limits(api_server.Limits):
    """Crossref's advertised public-pool budget (50 requests a second, 5 at once)."""


class CrossrefServer(ApiServer):
    """The API on 127.0.0.1 (an ephemeral port unless given), served from a thread."""

    name = "crossref-server"

    def __init__(
        self,
        index: SearchIndex | None = None,
        *,
        limits: Limits | None = None,
        latency: float = 0.0,
        port: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(_Handler, limits=limits or Limits(), port=port, clock=clock)
        self.index = index or SearchIndex(load_records())
        self._by_doi = {work["DOI"].lower(): work for work in self.index.works}
        self.latency = latency

    @property
    def url(self) -> str:
        return self.root

    def work(self, doi: str) -> Work | None:
        return self._by_doi.get(doi.lower())

    def pool_headers(self, polite: bool) -> dict[str, str]:
        return {**self.limit_headers(), "x-api-pool": "polite" if polite else "public"}

    # The API itself: (status, content type, body) for a path and its query.

    def answer(self, path: str, params: Mapping[str, list[str]]) -> tuple[int, str, bytes]:
        if path.startswith("/works/"):
            work = self.work(urllib.parse.unquote(path[len("/works/") :]))
            if work is None:
                return 404, "text/plain", NOT_FOUND_BODY
            return 200, "application/json", _envelope("work", {**work, "score": 1})
        if path.rstrip("/") == "/works":
            return self._search(params)
        return 404, "text/plain", NOT_FOUND_BODY

    def _search(self, params: Mapping[str, list[str]]) -> tuple[int, str, bytes]:
        allowed = {"query.bibliographic", "query", "rows", "offset", "mailto"}
        unknown = sorted(set(params) - allowed)
        if unknown:
            return _validation_failure("parameter-not-allowed", unknown[0], "not allowed")
        numbers: dict[str, int] = {}
        for name, default in (("rows", 20), ("offset", 0)):
            value = params.get(name, [str(default)])[-1]
            if not value.isdigit() or (name == "rows" and int(value) > MAX_ROWS):
                return _validation_failure(
                    "integer-not-valid",
                    value,
                    f"Integer specified as {value} but must be a positive integer less than "
                    f"or equal to {MAX_ROWS}.",
                )
            numbers[name] = int(value)
        query = " ".join(params.get("query.bibliographic", []) + params.get("query", []))
        total, page = self.index.search(query, numbers["rows"], numbers["offset"])
        message = {
            "facets": {},
            "total-results": total,
            "items": [{**work, "score": score} for score, work in page],
            "items-per-page": numbers["rows"],
            "query": {"start-index": numbers["offset"], "search-terms": query or None},
        }
        return 200, "application/json", _envelope("work-list", message)


def _envelope(message_type: str, message: Mapping[str, Any]) -> bytes:
    body = {"status": "ok", "message-type": message_type, "message-version": "1.0.0"}
    return json.dumps({**body, "message": message}).encode()


def _validation_failure(kind: str, value: str, text: str) -> tuple[int, str, bytes]:
    body = {
        "status": "failed",
        "message-type": "validation-failure",
        "message": [{"type": kind, "value": value, "message": text}],
    }
    return 400, "application/json", json.dumps(body).encode()


@dataclass(frozen=True)
class _Reply:
    status: int
    content_type: str
    body: bytes
    headers: Mapping[str, str]
    cut: int | None = None


class _Handler(ApiHandler):
    api: CrossrefServer
    server_version = "crossref-test"

    def do_GET(self) -> None:
        split = urllib.parse.urlsplit(self.path)
        if split.path == "/_stats":
            self._send(200, "application/json", json.dumps(self.api.stats()).encode(), {})
            return
        params = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        polite = "mailto" in params or "mailto:" in self.headers.get("User-Agent", "")
        headers = self.api.pool_headers(polite)
        exceeded = self.api.admit()
        if exceeded is not None:
            self.api.finish(self, 429)
            self._send(429, "text/plain", f"{exceeded} limit exceeded".encode(), headers)
            return
        try:
            reply = self._reply(split, params, headers)
        except Exception:
            self.api.finish(self, 500)
            raise
        # The request stops counting as in flight before its answer is written, so a client
        # that starts its next request on reading this answer never looks over the limit.
        self.api.finish(self, reply.status)
        self._send(reply.status, reply.content_type, reply.body, reply.headers, reply.cut)

    def _reply(
        self,
        split: urllib.parse.SplitResult,
        params: dict[str, list[str]],
        headers: dict[str, str],
    ) -> _Reply:
        latency = self.api.latency
        fault = self.api.take_fault(split.path + "?" + split.query)
        if fault is not None and fault.kind == "latency":
            latency += fault.seconds
        if latency:
            time.sleep(latency)
        status, content_type, body = self.api.answer(split.path, params)
        reply = _Reply(status, content_type, body, headers)
        if fault is None:
            return reply
        if fault.kind == "status":
            extra = {} if fault.retry_after is None else {"Retry-After": fault.retry_after}
            body = f"injected {fault.status}".encode()
            return _Reply(fault.status, "text/plain", body, {**headers, **extra})
        if fault.kind == "redirect":
            return _Reply(301, "text/plain", b"moved", {**headers, "Location": fault.location})
        if fault.kind == "invalid-json":
            return _Reply(200, "application/json", body[: len(body) // 2], headers)
        if fault.kind == "html":  # a proxy's or load balancer's page instead of the API's JSON
            return _Reply(200, "text/html", HTML_PAGE, headers)
        if fault.kind == "truncate":
            return _Reply(status, content_type, body, headers, cut=len(body) // 2)
        return reply


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--rate", type=int, default=50, help="requests per interval")
    parser.add_argument("--interval", type=int, default=1, help="seconds")
    parser.add_argument("--concurrency", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument("--no-enforce", action="store_true", help="advertise limits only")
    args = parser.parse_args(list(argv) if argv is not None else None)
    limits = Limits(args.rate, args.interval, args.concurrency, enforce=not args.no_enforce)
    server = CrossrefServer(limits=limits, latency=args.latency, port=args.port)
    print(f"serving {len(server.index.works)} works at {server.url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
