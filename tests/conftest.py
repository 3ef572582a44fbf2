"""Shared fixtures: the bundled seed case report, ingested and built once per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from crossref_server import CrossrefServer, Limits, SearchIndex, load_records
from opencitations_server import CitationIndex, OpenCitationsServer
from opencitations_server import Limits as OcLimits
from rdflib import Dataset
from seed_graph import SeedBuild, seed_dataset_of

from kg.build import build
from kg.document import Document
from kg.ingest import ingest
from kg.settings import CORPUS_DIR, Settings
from kg.vocabulary import Knowledge, load_knowledge

SEED_PATH = CORPUS_DIR / "000_a1de3a5e3bf7a0c8.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED_PATH


@pytest.fixture(scope="session")
def seed_document() -> Document:
    return ingest(SEED_PATH)


@pytest.fixture(scope="session")
def seed_dataset(seed_document: Document) -> Dataset:
    """The seed's document graph and provenance, assembled without a build; tests only read
    it (each puts it into a store of its own)."""
    return seed_dataset_of(seed_document)


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> SeedBuild:
    """One offline build of the bundled seed for the whole session: read-only for the tests
    that use it (a test that writes to a store builds or fills its own)."""
    root = tmp_path_factory.mktemp("seed-build")
    settings = Settings.resolve(store=root / "store", cache_dir=root / "cache", offline=True)
    return SeedBuild(settings, build([], settings))


@pytest.fixture(scope="session")
def seed_store(seed_build: SeedBuild) -> Path:
    return Path(seed_build.settings.store)


# Crossref: a local Crossref-compatible API (tests/crossref_server.py) serving the real
# recorded records; the search index is built once, each test gets its own server.


@pytest.fixture(scope="session", autouse=True)
def crossref_never_on_the_internet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Unless a test points it at the local server, Crossref is a closed port on 127.0.0.1
    (unreachable, so offline at once) and the cache a scratch folder: no test sends a DNS
    query for api.crossref.org or reads the user's cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KG_CROSSREF_API", "http://127.0.0.1:9")
        patch.setenv("KG_CACHE_DIR", str(tmp_path_factory.mktemp("crossref-cache")))
        yield


@pytest.fixture(scope="session")
def crossref_index() -> SearchIndex:
    return SearchIndex(load_records())


@pytest.fixture
def crossref_server(crossref_index: SearchIndex) -> Iterator[CrossrefServer]:
    with CrossrefServer(crossref_index, limits=Limits(rate=1000, concurrency=8)) as server:
        yield server


@pytest.fixture
def crossref_settings(crossref_server: CrossrefServer, tmp_path: Path) -> Settings:
    """Settings pointing at the local server, with a fresh cache and store."""
    return Settings.resolve(
        store=tmp_path / "store",
        cache_dir=tmp_path / "cache",
        crossref_api=crossref_server.url,
        mailto="casekg-tests@example.org",
        offline=False,
    )


# OpenCitations (related helper): like Crossref, a closed loopback port unless a test points
# the client at tests/opencitations_server.py.


@pytest.fixture(scope="session", autouse=True)
def opencitations_never_on_the_internet() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KG_OPENCITATIONS_API", "http://127.0.0.1:9/index/v2")
        patch.delenv("KG_OPENCITATIONS_TOKEN", raising=False)
        yield


@pytest.fixture(scope="session")
def citation_index() -> CitationIndex:
    """Who cites whom among the recorded Crossref records (built once per session)."""
    return CitationIndex(load_records())


@pytest.fixture
def opencitations_server(citation_index: CitationIndex) -> Iterator[OpenCitationsServer]:
    with OpenCitationsServer(citation_index, limits=OcLimits(rate=1000, interval=1)) as server:
        yield server


# Knowledge (issue 9): the vocabulary the annotation stage reads with, the seed's overlay on it.


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="session")
def seed_knowledge(seed_document: Document, knowledge: Knowledge) -> Knowledge:
    return knowledge.for_document(seed_document)
