"""`kg build` of the bundled report with this tree's knowledge against an older tree's.

Run: .venv/bin/python bench/bench_knowledge_build.py --baseline-tree DIR [--runs N]

DIR holds the source of the commit before the terminologies (``git archive e34520d | tar
-x -C DIR``); both builds run in this venv, interleaved, each in a fresh store and cache,
so the ratio is from the same run and the same load on the machine. The compiled
terminology is in the user's cache already (the first build of a machine compiles it).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = "import sys; from kg.cli import run; sys.exit(run())"


def build_seconds(tree: Path) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        command = [
            sys.executable,
            "-c",
            BUILD,
            "build",
            "--offline",
            "--store",
            f"{scratch}/store",
            "--cache-dir",
            f"{scratch}/cache",
        ]
        started = time.perf_counter()
        subprocess.run(command, cwd=tree, check=True, capture_output=True)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-tree", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    before: list[float] = []
    after: list[float] = []
    for _ in range(args.runs):
        before.append(build_seconds(args.baseline_tree))
        after.append(build_seconds(ROOT))
    old, new = statistics.median(before), statistics.median(after)
    print(f"kg build --offline of the bundled report, median of {args.runs}, interleaved")
    print(f"  before (baseline tree): {old:.3f} s")
    print(f"  this tree:              {new:.3f} s  ({new / old:.2f}x)")


if __name__ == "__main__":
    main()
