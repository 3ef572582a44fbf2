"""Both local APIs at once, with limits no test's build reaches, and settings that point a
build at them: for the tests of an online build (the related layer, the Literature page)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from crossref_server import CrossrefServer, Limits, SearchIndex
from opencitations_server import CitationIndex, OpenCitationsServer
from opencitations_server import Limits as OcLimits

from kg.settings import Settings


@dataclass(frozen=True)
class OnlineApis:
    crossref: CrossrefServer
    opencitations: OpenCitationsServer
    settings: Settings
    """A store and cache under the given folder; Crossref and OpenCitations the servers."""


@contextmanager
def online_apis(
    root: Path, crossref_index: SearchIndex, citation_index: CitationIndex
) -> Iterator[OnlineApis]:
    with (
        CrossrefServer(crossref_index, limits=Limits(rate=1000, concurrency=8)) as crossref,
        OpenCitationsServer(citation_index, limits=OcLimits(rate=1000, interval=1)) as oc,
    ):
        settings = Settings.resolve(
            store=root / "store",
            cache_dir=root / "cache",
            crossref_api=crossref.url,
            mailto="casekg-tests@example.org",
            opencitations_api=oc.url,
        )
        yield OnlineApis(crossref, oc, settings)
