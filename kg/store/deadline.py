"""A time limit for a call Oxigraph cannot interrupt, without a process per query.

pyoxigraph 0.5 has no query timeout and does not check for signals while it evaluates, so a
query with a time limit runs in a daemon thread; the caller waits at most ``timeout`` seconds
and then gets ``QueryTimeout``. The thread is told to stop (``stopped()`` becomes true, and
reading rows ends there) but a query still inside one long evaluation step (a big join or
GROUP BY) keeps one core busy until that step ends; the process exiting ends it too. This
costs a thread start (~0.1 ms) where a worker process cost a Python start-up (~100 ms).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from kg.store.base import QueryTimeout

T = TypeVar("T")
Stopped = Callable[[], bool]


def within(timeout: float | None, work: Callable[[Stopped], T]) -> T:
    """``work(stopped)``'s answer, or QueryTimeout after ``timeout`` seconds (None: no limit)."""
    stop = threading.Event()
    if timeout is None:
        return work(stop.is_set)
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work(stop.is_set))
        except BaseException as exc:  # handed to the caller's thread below
            failure.append(exc)

    thread = threading.Thread(target=run, name="kg-query", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        stop.set()
        raise QueryTimeout(f"stopped after {timeout:g} s without an answer")
    if failure:
        raise failure[0]
    return outcome[0]
