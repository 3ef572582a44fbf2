"""A progress bar on stderr for long commands, shown only once a command has run a while.

A build of the seed takes a second or two and should print nothing but its result; a build
of a large document or of many takes minutes and should say what it is doing. The bar is
tqdm's; a ticker thread redraws it while one step runs long (one large document), so the
elapsed time keeps moving.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any, Self, TextIO

from tqdm import tqdm

SHOW_AFTER_SECONDS = 1.0
"""A command that finishes sooner draws no bar at all."""
TICK_SECONDS = 0.5


class Progress:
    """Named steps of one command, drawn once ``after`` seconds have passed (never without a
    ``stream``). Use as a context manager; ``step(label)`` starts the next step."""

    def __init__(self, stream: TextIO | None, *, after: float = SHOW_AFTER_SECONDS) -> None:
        self.stream = stream
        self.after = after
        self._bar: tqdm[Any] | None = None
        self._started = 0.0
        self._steps = 0
        self._title = ""
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    @classmethod
    def on_terminal(cls, stream: TextIO, *, after: float = SHOW_AFTER_SECONDS) -> Progress:
        """A bar on ``stream`` if it is a terminal; none when output goes to a file or pipe."""
        return cls(stream if stream.isatty() else None, after=after)

    @classmethod
    def silent(cls) -> Progress:
        return cls(None)

    def start(self, total: int, title: str) -> Self:
        """Begin a command of ``total`` steps; ``title`` leads every line of the bar."""
        if self.stream is None:
            return self
        self._started = time.monotonic()
        self._title = title
        self._bar = tqdm(
            total=total,
            desc=title,
            file=self.stream,
            delay=self.after,
            leave=False,
            dynamic_ncols=True,
            bar_format="{desc} {bar} {n_fmt}/{total_fmt} [{elapsed}]",
        )
        self._ticker = threading.Thread(target=self._tick, name="progress", daemon=True)
        self._ticker.start()
        return self

    def step(self, label: str) -> None:
        """The previous step is done; ``label`` is what runs now."""
        bar = self._bar
        if bar is None:
            return
        if self._steps:
            bar.update(1)
        self._steps += 1
        bar.set_description_str(f"{self._title}: {label}", refresh=False)
        if self._due():
            bar.refresh()

    def note(self, label: str) -> None:
        """Say what the current step is doing now (``3 references resolved``), no step."""
        bar = self._bar
        if bar is None:
            return
        bar.set_description_str(f"{self._title}: {label}", refresh=False)
        if self._due():
            bar.refresh()

    def close(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def _due(self) -> bool:
        return time.monotonic() - self._started >= self.after

    def _tick(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            bar = self._bar
            if bar is not None and self._due():
                bar.refresh()
