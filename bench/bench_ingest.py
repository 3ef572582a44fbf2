"""Ingest and the document graph against document size, and JATS, all in the same run.

Reads, in this process, the seed and documents of about 10 KB, 100 KB, 300 KB and 1 MB
(``bench_build.sized_document``: the seed's front matter and reference list around real
MACCROBAT case texts, CC BY 4.0), each through ``read_document`` (ingest) and
``document_graph`` (the triples ingest's Document gives), and prints each one's median
processor time (not wall time: the box is shared) as a multiple of the seed's and per
100 KB, with the document graph's triple count; the goal is linear growth (time per byte
flat). Then a PMC JATS article (tests/data) the same way, against the seed.

    python bench/bench_ingest.py [--runs 3] [--sizes 10000 100000 300000 1000000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench_build import sized_document

from kg.ingest import read_document
from kg.rdf.document import document_graph
from kg.references import parse_reference
from kg.settings import CORPUS_DIR

JATS = Path(__file__).parent.parent / "tests" / "data" / "dennehy-2011-lysis-time.xml"


def cpu_seconds(task: Callable[[], object], runs: int) -> float:
    """Median processor time of ``runs`` calls: on a shared box other processes stretch
    wall time unevenly, but not the time this process itself computes."""
    times = []
    for _ in range(runs):
        started = time.process_time()
        task()
        times.append(time.process_time() - started)
    return statistics.median(times)


def measure(path: Path, runs: int) -> tuple[float, float, int]:
    """Median CPU seconds of ingest, of the document graph, and the graph's triple count."""
    document = read_document(path)
    references = [parse_reference(raw.text, raw.number) for raw in document.references]
    ingest = cpu_seconds(lambda: read_document(path), runs)
    graph = cpu_seconds(lambda: document_graph(document, references), runs)
    return ingest, graph, len(document_graph(document, references))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10000, 100000, 300000, 1000000])
    args = parser.parse_args(argv)
    seed = sorted(CORPUS_DIR.glob("*.txt"))[0]
    with tempfile.TemporaryDirectory() as directory:
        documents = [("seed", seed)]
        for size in args.sizes:
            path = Path(directory) / f"case-{size}.txt"
            path.write_text(sized_document(size), encoding="utf-8")
            documents.append((f"{size // 1000} KB", path))
        documents.append(("JATS " + JATS.name, JATS))
        rows = [
            (label, path.stat().st_size, *measure(path, args.runs)) for label, path in documents
        ]
    _, _, seed_ingest, seed_graph, seed_triples = rows[0]
    print(f"median CPU seconds of {args.runs} runs; ratios against the seed in this run")
    print("| document | bytes | ingest s | x seed | s per 100 KB | graph s | x seed | triples |")
    print("|---|---|---|---|---|---|---|---|")
    for label, size, ingest, graph, triples in rows:
        print(
            f"| {label} | {size:,} | {ingest:.3f} | {ingest / seed_ingest:.1f} | "
            f"{ingest / size * 100_000:.3f} | {graph:.3f} | {graph / seed_graph:.1f} | "
            f"{triples:,} ({triples / seed_triples:.1f}x) |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
