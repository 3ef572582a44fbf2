"""What the query time limit costs: a query in a killable worker process versus in process.

Oxigraph cannot interrupt a query, so kg.store runs a query that has a time limit in a
child process (kg.oxigraph_worker) it can kill. This measures, on the seed's graph built
once into a temporary store, the median of N runs of: the reference count in process (no
limit), the same query in the worker (the default for ``kg query``), and the whole
``kg query`` command, next to a bare ``python -c pass`` measured in the same run.

    python bench/bench_query.py [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from timing import median_seconds

KG = Path(sys.executable).parent / "kg"
QUERY = "SELECT (COUNT(?r) AS ?n) WHERE { ?r a biro:BibliographicReference }"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="repetitions (default: 20)")
    args = parser.parse_args(argv)

    from kg.build import build
    from kg.query import run_query
    from kg.settings import Settings
    from kg.store import open_store

    with tempfile.TemporaryDirectory(prefix="bench-query-") as directory:
        settings = Settings.resolve(
            store=f"{directory}/store", cache_dir=f"{directory}/cache", offline=True
        )
        build([], settings)
        env = dict(os.environ, KG_STORE=str(settings.store))
        with open_store(settings.store) as store:
            run_query(store, QUERY, timeout=None)
            in_process = median_seconds(lambda: run_query(store, QUERY, timeout=None), args.runs)
            in_worker = median_seconds(lambda: run_query(store, QUERY, timeout=30), args.runs)
        bare = median_seconds(
            lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), args.runs
        )
        command = median_seconds(
            lambda: subprocess.run(
                [KG, "query", QUERY], env=env, check=True, stdout=subprocess.DEVNULL
            ),
            args.runs,
        )
    print(f"reference count on the seed's graph, median of {args.runs} runs")
    print(f"  python -c pass (baseline)       {bare * 1000:7.1f} ms")
    print(f"  in process, no time limit       {in_process * 1000:7.1f} ms")
    print(f"  in a worker process (limit set) {in_worker * 1000:7.1f} ms")
    print(
        f"  worker overhead                 {(in_worker - in_process) * 1000:7.1f} ms"
        f"  ({(in_worker - in_process) / bare:.1f} x a bare python start-up)"
    )
    print(
        f"  whole `kg query` command        {command * 1000:7.1f} ms"
        f"  ({command / bare:.1f} x bare start-up)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
