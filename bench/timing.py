"""Wall-clock timing shared by the benchmarks: one run, and the median of several."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def elapsed(task: Callable[[], object]) -> float:
    """How long one call of ``task`` takes."""
    started = time.perf_counter()
    task()
    return time.perf_counter() - started


def median_seconds(task: Callable[[], object], runs: int) -> float:
    """The median of ``runs`` calls: one slow run (a cold cache, a busy core) does not move it."""
    return statistics.median(elapsed(task) for _ in range(runs))
