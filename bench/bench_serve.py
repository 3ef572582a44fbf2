"""A bounded load test of `kg serve` on loopback: N clients for a fixed time, zero errors.

The seed's graph is built once into a temporary store and served on a free 127.0.0.1 port
in this process. Each client (a thread with its own keep-alive session) sends the saved
queries in turn, as the dashboard does, for ``--seconds``; with ``--fresh`` every request
is a new query text (a unique comment), so none is answered from the parse cache. Saved
queries slower than ``--slowest`` in process are left out (and named). Printed:
requests, errors, throughput, p50/p99 latency, and the same saved queries run in process
(no HTTP, no parse) in the same run as the baseline the p50 is a ratio of.

    python bench/bench_serve.py [--clients 50] [--seconds 20] [--fresh]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from functools import partial

import requests
from timing import elapsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long (20 s)")
    parser.add_argument("--fresh", action="store_true", help="a new query text per request")
    parser.add_argument(
        "--slowest",
        type=float,
        default=0.5,
        help="leave out saved queries slower than this in process, in s (0.5): a load test "
        "of the server, not of one query's cost (those left out are printed)",
    )
    args = parser.parse_args(argv)

    from kg.build import build
    from kg.query import run_query, saved_queries
    from kg.serve import Endpoint, make_server
    from kg.settings import Settings
    from kg.store import open_store

    names: dict[str, str] = {}

    with tempfile.TemporaryDirectory(prefix="bench-serve-") as directory:
        settings = Settings.resolve(
            store=f"{directory}/store", cache_dir=f"{directory}/cache", offline=True
        )
        build([], settings)
        costs: dict[str, float] = {}
        with open_store(settings.store) as store:
            for saved in saved_queries():
                run_query(store, saved.text)
                costs[saved.text] = statistics.median(
                    elapsed(partial(run_query, store, saved.text)) for _ in range(3)
                )
                names[saved.text] = saved.name
        queries = [text for text, cost in costs.items() if cost <= args.slowest]
        slow = {names[text]: cost for text, cost in costs.items() if cost > args.slowest}
        baseline = statistics.median(costs[text] for text in queries)
        with make_server(Endpoint(settings.store), port=0) as server:
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            deadline = time.monotonic() + args.seconds
            counter = iter(range(10**9))

            def client(number: int) -> tuple[list[float], list[str]]:
                latencies: list[float] = []
                errors: list[str] = []
                with requests.Session() as session:
                    position = number
                    while time.monotonic() < deadline:
                        text = queries[position % len(queries)]
                        position += 1
                        if args.fresh:
                            text += f"\n# request {next(counter)}"
                        started = time.perf_counter()
                        try:
                            response = session.post(
                                server.url,
                                data={"query": text},
                                headers={"Accept": "application/sparql-results+json"},
                                timeout=60,
                            )
                            if response.status_code != 200:
                                errors.append(f"{response.status_code}: {response.text[:80]}")
                        except requests.RequestException as exc:
                            errors.append(type(exc).__name__)
                        latencies.append(time.perf_counter() - started)
                return latencies, errors

            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
                outcomes = list(pool.map(client, range(args.clients)))
            wall = time.perf_counter() - started
            server.shutdown()
            thread.join()
    latencies = sorted(t for times, _ in outcomes for t in times)
    errors = [e for _, found in outcomes for e in found]
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    shapes = "a new query text per request" if args.fresh else "the saved queries in turn"
    print(f"kg serve, {args.clients} clients for {args.seconds:g} s on loopback ({shapes})")
    print(f"  requests            {len(latencies)}")
    print(f"  errors              {len(errors)}  {sorted(set(errors))[:3]}")
    print(f"  throughput          {len(latencies) / wall:.1f} requests/s")
    print(f"  latency p50 / p99   {p50 * 1000:.1f} / {p99 * 1000:.1f} ms")
    print(
        f"  in process (no HTTP), median of these queries  {baseline * 1000:.2f} ms"
        f"  (p50 over HTTP = {p50 / baseline:.0f} x)"
    )
    left_out = ", ".join(f"{name} {cost:.1f} s" for name, cost in slow.items()) or "none"
    print(f"  saved queries left out (slower than {args.slowest:g} s in process): {left_out}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
