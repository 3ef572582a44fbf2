"""Related works at scale, and OpenCitations pacing: the numbers issue 10 asks for.

1. Speed on a synthetic citation graph the size of the 1M-triple benchmark (default 100,000
   works, 600,000 citations; each work cites earlier ones, popular ones more often; plus a
   DOI, a year and a title each): co-citation and coupling of one work, and the top-50
   related works of a case, as SPARQL on the store (the saved queries cocited_with,
   coupled_with, related_counts; in process, no time limit) against networkx
   (kg.network / kg.related over the network read from the store once), same run. Peak
   memory (max RSS) after each phase.
2. Pacing against the local OpenCitations server (tests/opencitations_server.py): the
   client fetching citations for many DOIs with 4 threads never exceeds the rate the
   server advertises and enforces (no 429); a warm rerun sends no request.

    python bench/bench_related.py [--works 100000] [--citations 600000] [--runs 5]
        [--rate 20] [--dois 60]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from timing import elapsed, median_seconds

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

BASE = "https://doi.org/10.5555/bench."


def peak_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic(works: int, citations: int, seed: int = 10) -> bytes:
    """N-Triples of a citation graph: work i cites earlier works, half of the time one
    chosen by preferential attachment (a cited work again), so in-degrees are skewed."""
    rng = random.Random(seed)
    lines: list[str] = []
    cited_so_far: list[int] = []
    per_work = citations / works
    edges: set[tuple[int, int]] = set()
    for i in range(works):
        lines.append(
            f'<{BASE}{i}> <http://prismstandard.org/namespaces/basic/2.0/doi> "10.5555/bench.{i}" .'
        )
        lines.append(
            f"<{BASE}{i}> <http://purl.org/spar/fabio/hasPublicationYear> "
            f'"{1950 + i * 75 // works}"^^<http://www.w3.org/2001/XMLSchema#gYear> .'
        )
        lines.append(f'<{BASE}{i}> <http://purl.org/dc/terms/title> "Synthetic work {i}" .')
        if i == 0:
            continue
        for _ in range(rng.randint(0, int(2 * per_work))):
            if cited_so_far and rng.random() < 0.5:
                j = rng.choice(cited_so_far)
            else:
                j = rng.randrange(i)
            if (i, j) not in edges:
                edges.add((i, j))
                cited_so_far.append(j)
    for i, j in sorted(edges):
        lines.append(f"<{BASE}{i}> <http://purl.org/spar/cito/cites> <{BASE}{j}> .")
    return ("\n".join(lines) + "\n").encode()


def speed(args: argparse.Namespace, directory: Path) -> None:
    import networkx as nx
    from rdflib import URIRef

    from kg.network import cocitation_counts, coupling_counts
    from kg.queries import QUERIES_DIR, internal_query
    from kg.query import run_query, saved_query
    from kg.rdf.namespaces import prefix_map
    from kg.related import Seed, rank
    from kg.store import open_store

    data = synthetic(args.works, args.citations)
    with open_store(directory / "store", create=True) as store:
        seconds = elapsed(
            lambda: store.load(data, "nt", graph="https://w3id.org/casekg/graph/bench")
        )
        triples = sum(store.count_by_graph().values())
        print(f"store: {triples:,} triples loaded in {seconds:.1f} s; peak {peak_mb():.0f} MB")

        network = nx.DiGraph()
        started = time.perf_counter()
        edges = store.query(internal_query("network/citation_edges"), prefixes=prefix_map())
        network.add_edges_from((str(a), str(b)) for a, b in edges.rows)
        load = time.perf_counter() - started
        print(
            f"networkx: {network.number_of_nodes():,} works, {network.number_of_edges():,} "
            f"citations read from the store in {load:.1f} s; peak {peak_mb():.0f} MB"
        )

        by_in = sorted(network, key=lambda n: network.in_degree(n))
        target = by_in[-1]  # the most cited work: the worst case for co-citation
        median = by_in[len(by_in) // 2]
        case = max(network, key=lambda n: network.out_degree(n))  # the longest reference list
        network_dir = QUERIES_DIR / "network"
        print(
            f"target {target.rsplit('.', 1)[-1]}: cited {network.in_degree(target)}, cites "
            f"{network.out_degree(target)}; case {case.rsplit('.', 1)[-1]} cites "
            f"{network.out_degree(case)}"
        )

        def sparql(name: str, variable: str, node: str) -> object:
            text = saved_query(name, network_dir).text
            return run_query(
                store, text, bindings={variable: URIRef(node)}, timeout=None, limit=None
            )

        seed = Seed("case", case, "", tuple(enumerate(sorted(network.successors(case)), 1)))
        cases = [
            (
                "co-citation of the most cited work",
                lambda: sparql("cocited_with", "target", target),
                lambda: cocitation_counts(network, target),
            ),
            (
                "co-citation of a median work",
                lambda: sparql("cocited_with", "target", median),
                lambda: cocitation_counts(network, median),
            ),
            (
                "coupling of the case",
                lambda: sparql("coupled_with", "target", case),
                lambda: coupling_counts(network, case),
            ),
            (
                "top-50 related works of the case",
                lambda: sparql("related_counts", "case", case),
                lambda: rank(network, seed, {}, limit=50),
            ),
        ]
        print(f"\n{'task':<36} {'SPARQL s':>9} {'networkx s':>11} {'SPARQL/networkx':>16}")
        for label, on_store, in_memory in cases:
            store_seconds = median_seconds(on_store, args.runs)
            memory_seconds = median_seconds(in_memory, args.runs)
            ratio = store_seconds / memory_seconds if memory_seconds else float("inf")
            print(f"{label:<36} {store_seconds:>9.3f} {memory_seconds:>11.4f} {ratio:>16.1f}")
        print(f"peak memory after the comparisons: {peak_mb():.0f} MB")


def pacing(args: argparse.Namespace, directory: Path) -> None:
    from crossref_server import load_records
    from opencitations_server import CitationIndex, Limits, OpenCitationsServer

    from kg.opencitations import OpenCitationsClient

    index = CitationIndex(load_records())
    dois = sorted(index.citations)[: args.dois]
    limits = Limits(rate=args.rate, interval=1, concurrency=2)
    with OpenCitationsServer(index, limits=limits) as server:
        cache = directory / "oc.sqlite"
        with OpenCitationsClient(server.url, cache) as client, ThreadPoolExecutor(4) as pool:
            seconds = elapsed(lambda: list(pool.map(client.citations, dois)))
        arrivals = [entry.at for entry in server.log]
        busiest = max(sum(1 for t in arrivals if s <= t < s + 1) for s in arrivals)
        sent = len(server.log)
        refused = server.statuses()[429]
        in_flight = server.max_in_flight
        server.reset_log()
        with OpenCitationsClient(server.url, cache) as warm:
            warm_seconds = elapsed(lambda: [warm.citations(doi) for doi in dois])
        print(
            f"\npacing: {len(dois)} DOIs, 4 threads, server advertises and enforces {args.rate}/s, "
            f"{limits.concurrency} at once\n"
            f"  cold: {sent} requests in {seconds:.2f} s = {sent / seconds:.1f}/s "
            f"(achieved/advertised {sent / seconds / args.rate:.2f}); busiest 1-s window "
            f"{busiest} (limit {args.rate}); 429s: {refused}; "
            f"max in flight {in_flight}\n"
            f"  warm: {len(server.log)} requests in {warm_seconds:.3f} s"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--citations", type=int, default=600_000)
    parser.add_argument("--runs", type=int, default=5, help="repetitions per timing (median)")
    parser.add_argument("--rate", type=int, default=20, help="server's requests per second")
    parser.add_argument("--dois", type=int, default=60, help="DOIs asked in the pacing run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-related-") as directory:
        speed(args, Path(directory))
        pacing(args, Path(directory))
    return 0


if __name__ == "__main__":
    sys.exit(main())
