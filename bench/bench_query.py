"""What a `kg query` costs next to importing its two libraries, and what the time limit costs.

On the seed's graph built once into a temporary store, the median of N interleaved runs of:
``python -c "import rdflib, pyoxigraph"`` (the baseline), the whole ``kg query`` command
(with its default 30 s time limit), and in process the reference count without and with a
time limit (the limit runs the query in a thread: kg.store.deadline). The goal (issue 11):
the whole command within 2x the baseline.

    python bench/bench_query.py [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from timing import median_seconds

KG = Path(sys.executable).parent / "kg"
QUERY = "SELECT (COUNT(?r) AS ?n) WHERE { ?r a biro:BibliographicReference }"


def _seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


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
        with open_store(settings.store) as store:
            run_query(store, QUERY, timeout=None)
            no_limit = median_seconds(lambda: run_query(store, QUERY, timeout=None), args.runs)
            limited = median_seconds(lambda: run_query(store, QUERY, timeout=30), args.runs)
        imports = [sys.executable, "-c", "import rdflib, pyoxigraph"]
        command = [str(KG), "query", "--store", str(settings.store), QUERY]
        baseline: list[float] = []
        whole: list[float] = []
        for _ in range(args.runs):  # interleaved, so both see the same machine load
            baseline.append(_seconds(lambda: subprocess.run(imports, check=True)))
            whole.append(
                _seconds(lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL))
            )
    base, kg = statistics.median(baseline), statistics.median(whole)
    print(f"reference count on the seed's graph, median of {args.runs} runs")
    print(f"  import rdflib, pyoxigraph (baseline) {base * 1000:7.1f} ms")
    print(
        f"  whole `kg query` command             {kg * 1000:7.1f} ms  ({kg / base:.2f} x baseline)"
    )
    print(f"  in process, no time limit            {no_limit * 1000:7.1f} ms")
    print(
        f"  in process, 30 s time limit         {limited * 1000:7.1f} ms"
        f"  (+{(limited - no_limit) * 1000:.2f} ms for the deadline thread)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
