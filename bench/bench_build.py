"""`kg build` of the seed, the whole process, against interpreter start-up in the same run.

Runs the real console script (``kg build --offline``) into a fresh temporary store and
cache each time and reports the median wall time of N runs, next to two baselines measured
in the same run: a bare ``python -c pass`` and ``python -c "import rdflib, pyoxigraph"``
(what any casekg process pays before doing anything). Then, in this process, where one
build spends its time, stage by stage. Goal: the whole build under 2 s on this machine.

    python bench/bench_build.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from timing import elapsed

KG = Path(sys.executable).parent / "kg"
GOAL_SECONDS = 2.0


def wall_time(command: Sequence[str | Path], fresh: bool) -> float:
    """One run; with ``fresh``, into a new store and cache made before the clock starts."""
    with tempfile.TemporaryDirectory(prefix="bench-build-") as directory:
        env = dict(os.environ, KG_OFFLINE="1")
        if fresh:
            env |= {"KG_STORE": f"{directory}/store", "KG_CACHE_DIR": f"{directory}/cache"}
        return elapsed(
            lambda: subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        )


def median_of(runs: int, command: Sequence[str | Path], fresh: bool) -> float:
    return statistics.median(wall_time(command, fresh) for _ in range(runs))


def stage_breakdown() -> list[tuple[str, float]]:
    """One build in this process, as the build itself times its stages, after the imports."""
    started = time.perf_counter()
    from kg.build import build
    from kg.settings import Settings

    imports = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="bench-build-") as directory:
        settings = Settings.resolve(
            store=f"{directory}/store", cache_dir=f"{directory}/cache", offline=True
        )
        report = build([], settings)
    return [("imports", imports), *report.stage_seconds]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="repetitions (default: 5)")
    args = parser.parse_args(argv)
    python = sys.executable
    bare = median_of(args.runs, [python, "-c", "pass"], fresh=False)
    imports = median_of(args.runs, [python, "-c", "import rdflib, pyoxigraph"], fresh=False)
    build = median_of(args.runs, [KG, "build"], fresh=True)
    print(
        f"kg build of the seed, whole process, median of {args.runs} runs ({os.cpu_count()} CPUs)"
    )
    print(f"  python -c pass                      {bare:6.3f} s")
    print(f"  python -c 'import rdflib, pyoxigraph' {imports:4.3f} s")
    print(f"  kg build --offline                  {build:6.3f} s")
    print(f"  ratio to bare start-up              {build / bare:6.1f} x")
    print(f"  ratio to rdflib+pyoxigraph start-up {build / imports:6.1f} x")
    verdict = "meets" if build < GOAL_SECONDS else "misses"
    print(f"  goal < {GOAL_SECONDS:.1f} s: {verdict}")
    print("one build in process, by stage:")
    for label, seconds in stage_breakdown():
        print(f"  {label:<20} {seconds:6.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
