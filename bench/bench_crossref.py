"""Crossref client throughput against a server that enforces its advertised limits.

Starts ``tests/crossref_server.py`` in its own process, advertising (and enforcing) a rate
and a concurrency limit and adding latency to every answer, then resolves citation strings
generated from the real records through the whole pipeline (parse, search, match):

* cold cache: sustained requests per second (first to last answer, as the server saw
  them) as a ratio of the advertised rate (goal >= 0.9) with no 429s, and the end-to-end
  rate of the whole run (client start-up and matching included);
* warm cache: the same citations again, which must send no request at all;
* baseline, same run: a client that ignores the limits (plain requests, as many threads as
  the advertised concurrency, no pacing) against the same server, to show the limits bite.

    python bench/bench_crossref.py [--citations 300] [--rate 20] [--concurrency 4]
                                   [--latency 0.05]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from timing import elapsed

from kg.resolve import resolve_citations
from kg.settings import Settings

UNHURRIED = 86_400.0
"""The resolution deadline for a benchmark: a measurement must never be cut short."""

SERVER = Path(__file__).resolve().parents[1] / "tests" / "crossref_server.py"
sys.path.insert(0, str(SERVER.parent))

from crossref_server import load_records, vancouver  # noqa: E402


@contextmanager
def crossref_server(rate: int, concurrency: int, latency: float) -> Iterator[str]:
    command = [
        sys.executable,
        str(SERVER),
        "--port=0",
        f"--rate={rate}",
        f"--concurrency={concurrency}",
        f"--latency={latency}",
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            yield process.stdout.readline().rsplit(" at ", 1)[-1].strip()
        finally:
            process.terminate()


def stats(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/_stats") as response:
        data: dict[str, Any] = json.load(response)
    return data


def citations(count: int) -> list[str]:
    """Vancouver strings of records with authors and a title, spread over the whole set."""
    works = [w for w in load_records() if w.get("author") and w.get("title")]
    step = max(1, len(works) // count)
    return [vancouver(work) for work in works[::step][:count]]


def timed_resolve(texts: Sequence[str], settings: Settings) -> float:
    return elapsed(lambda: resolve_citations(texts, settings))


def unpaced(url: str, texts: Sequence[str], threads: int) -> float:
    """The baseline: search every string as fast as the threads allow."""
    session = requests.Session()

    def search(text: str) -> int:
        params = {"query.bibliographic": text, "rows": "5"}
        return session.get(f"{url}/works", params=params, timeout=30).status_code

    def search_all() -> None:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(search, texts))

    return elapsed(search_all)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citations", type=int, default=300)
    parser.add_argument("--rate", type=int, default=20, help="advertised requests per second")
    parser.add_argument("--concurrency", type=int, default=4, help="advertised concurrency")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added per answer")
    args = parser.parse_args(argv)
    texts = citations(args.citations)
    print(
        f"{len(texts)} citations; server advertises {args.rate} req/s, "
        f"{args.concurrency} concurrent, adds {args.latency * 1000:.0f} ms per answer"
    )
    with tempfile.TemporaryDirectory() as scratch:
        with crossref_server(args.rate, args.concurrency, args.latency) as url:
            settings = Settings.resolve(
                store=Path(scratch) / "store",
                cache_dir=Path(scratch) / "cache",
                crossref_api=url,
                mailto="casekg-bench@example.org",
                resolve_deadline=UNHURRIED,
            )
            cold_seconds = timed_resolve(texts, settings)
            cold = stats(url)
            warm_seconds = timed_resolve(texts, settings)
            warm = stats(url)
        with crossref_server(args.rate, args.concurrency, args.latency) as url:
            baseline_seconds = unpaced(url, texts, args.concurrency)
            baseline = stats(url)
    throughput = cold["requests"] / cold_seconds
    baseline_throughput = baseline["requests"] / baseline_seconds
    rows = [
        ("cold cache", cold["requests"], cold_seconds, cold["statuses"].get("429", 0)),
        ("warm cache", warm["requests"] - cold["requests"], warm_seconds, 0),
        (
            "unpaced baseline",
            baseline["requests"],
            baseline_seconds,
            baseline["statuses"].get("429", 0),
        ),
    ]
    print(f"{'run':<18}{'requests':>9}{'seconds':>9}{'429s':>6}")
    for name, sent, seconds, refused in rows:
        print(f"{name:<18}{sent:>9}{seconds:>9.2f}{refused:>6}")
    print(f"max in flight (cold): {cold['max_in_flight']} of {args.concurrency} allowed")
    print(f"429s by limit (cold): {cold['refused'] or 'none'}")
    sustained = (cold["requests"] - 1) / cold["seconds"]
    print(f"end-to-end throughput / advertised rate: {throughput / args.rate:.3f}")
    print(f"sustained (server-side) / advertised rate: {sustained / args.rate:.3f} (goal >= 0.9)")
    print(f"unpaced baseline / advertised rate: {baseline_throughput / args.rate:.3f}")
    print(f"warm-cache requests / cold-cache requests: {rows[1][1] / cold['requests']:.3f}")
    print(f"warm-cache time / cold-cache time: {warm_seconds / cold_seconds:.3f}")
    ok = sustained >= 0.9 * args.rate and rows[0][3] == 0 and rows[1][1] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
