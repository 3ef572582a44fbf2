"""A store whose case report is titled with markup: shared by the browser and AppTest tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from kg.query import run_update, saved_query
from kg.store import open_store

MARKUP_TITLE = '<img src=x onerror="window.__owned=1"><script>window.__owned=2</script> Title'


def retitled_copy(store: Path, copy: Path) -> Path:
    """A copy of ``store`` with the case report's title replaced by ``MARKUP_TITLE``."""
    shutil.copytree(store, copy)
    retitle(copy)
    return copy


def retitle(store: Path) -> None:
    """Publish a new version of ``store`` in which the title is ``MARKUP_TITLE``."""
    with open_store(store) as handle:
        run_update(handle, saved_query("retitle", Path(__file__).parent).text)
