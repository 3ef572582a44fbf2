"""One command at a time reads, decides and publishes a store's graph.

`kg add` decides which stored documents to keep from what the store holds when it starts,
and publishes minutes later: two at once would each keep what the other has not written
yet, and the second to publish would drop the first one's document. The store's own write
lock only keeps two writers from writing at the same moment; this lock spans the whole
read-decide-publish, so commands that change the graph wait for each other instead.
"""

from __future__ import annotations

import fcntl
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import StoreError

logger = logging.getLogger(__name__)

COMMAND_LOCK = "command.lock"
"""The lock file, in the store directory beside ``CURRENT``."""
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@contextmanager
def command_lock(store: Path | str, *, create: bool = True) -> Iterator[None]:
    """Hold the store's command lock (waiting, with a warning, while another command holds
    it); a store given by URL is not a directory and is not locked here, nor is a missing
    one unless ``create`` (a command that only removes has nothing to lock there)."""
    directory = Path(store)
    if _REMOTE.match(str(store)) or not (create or directory.is_dir()):
        yield
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle = (directory / COMMAND_LOCK).open("ab")
    except OSError as exc:
        raise StoreError(f"cannot write to the store at {store}: {exc.strerror}") from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.warning("waiting for another kg command to finish with the store at %s", store)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
