"""The OpenCitations Index API v2 client: who cites a work, what it cites, how often.

On the shared polite layer (kg.http): cached on disk, paced to the advertised (else the
documented 180 requests a minute) rate, retried with backoff, offline from the cache.
Notes: ../shared/reference/related-literature.md, section 1. What the client has to know:

- ``/citations/doi:X``, ``/references/doi:X`` give one row per citation; ``citing`` and
  ``cited`` are space-separated ids (``omid:br/… doi:… pmid:…``); one entity can carry two
  DOIs (a preprint merged with its article): the first DOI names it, the rest are aliases.
- ``/citation-count/doi:X`` gives ``[{"count": "N"}]`` (a string).
- An unknown DOI is 200 with ``[]``: "never indexed" and "not cited" look the same, so the
  client reports an empty answer as such and the caller says what it does not know.
- The optional access token goes in the ``authorization`` header (KG_OPENCITATIONS_TOKEN);
  it never reaches the cache key, the graph or a message.
- Values may carry an ``[index] => `` prefix and ``; ``-joined alternatives (spec text);
  rows whose ids hold no DOI are skipped and counted, never guessed.
"""

from __future__ import annotations

import json
import os
import random
import re
import urllib.parse
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from kg.doi import normalize_doi
from kg.http import (
    Budget,
    Clock,
    PoliteClient,
    Retry,
    RetryPolicy,
    ServiceError,
    ServiceUnavailable,
)
from kg.settings import Settings

TOKEN_VARIABLE = "KG_OPENCITATIONS_TOKEN"
# "API calls are rate-limited to 180 requests/minute per IP address" (oc_api index_v2.hf).
DOCUMENTED_START = Budget(requests=180, interval=60.0, concurrency=2)

_INDEX_PREFIX = re.compile(r"^\s*\[[^\]]*\]\s*=>\s*")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


class OpenCitationsError(ServiceError):
    """OpenCitations answered, but not with anything usable, even after the retries."""


class OpenCitationsUnavailable(ServiceUnavailable):
    """Not cached, and OpenCitations is not to be asked (offline, unreachable)."""


@dataclass(frozen=True)
class Citation:
    """One citation row: citing and cited work by DOI (lower case), with every DOI alias."""

    citing: str
    cited: str
    creation: str = ""
    timespan: str = ""
    journal_self_citation: bool = False
    author_self_citation: bool = False
    oci: str = ""
    citing_aliases: tuple[str, ...] = ()
    cited_aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citations:
    """One answer: its URL (as asked, token never included), the rows, and when."""

    url: str
    rows: tuple[Citation, ...]
    retrieved_at: datetime
    from_cache: bool
    skipped: int = 0
    """Rows without a usable DOI on both sides (malformed ids), left out."""


@dataclass(frozen=True)
class Count:
    url: str
    count: int
    retrieved_at: datetime
    from_cache: bool


def cache_path(settings: Settings) -> Path:
    return settings.cache_dir / "opencitations.sqlite"


def dois_of(ids: str) -> tuple[str, ...]:
    """The DOIs in an id list (``omid:br/… doi:10.1/x pmid:…``), lower case, in order."""
    found: list[str] = []
    for alternative in str(ids).split("; "):
        for token in _INDEX_PREFIX.sub("", alternative).split():
            if token.lower().startswith("doi:"):
                doi = token[4:].strip().lower()
                if _DOI.match(doi) and doi not in found:
                    found.append(doi)
    return tuple(found)


def _plain(value: Any) -> str:
    return _INDEX_PREFIX.sub("", str(value or "")).split("; ")[0].strip()


class OpenCitationsClient(PoliteClient):
    """Citations, references and citation counts by DOI, cached, paced and retried."""

    service = "OpenCitations"
    error = OpenCitationsError
    unavailable = OpenCitationsUnavailable
    url_option = "--opencitations-url / KG_OPENCITATIONS_API"

    def __init__(
        self,
        base_url: str,
        cache: Path,
        *,
        token: str | None = None,
        contact: str | None = None,
        offline: bool = False,
        clock: Clock | None = None,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
        start: Budget = DOCUMENTED_START,
        max_concurrency: int = 4,
    ) -> None:
        super().__init__(
            base_url,
            cache,
            start=start,
            contact=contact,
            offline=offline,
            clock=clock,
            retry=retry,
            rng=rng,
            max_concurrency=max_concurrency,
            cached_codes=(200,),
            headers={"authorization": token.strip()} if token and token.strip() else None,
        )

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> OpenCitationsClient:
        return cls(
            settings.opencitations_api,
            cache_path(settings),
            token=os.environ.get(TOKEN_VARIABLE) or None,
            contact=settings.mailto,
            offline=settings.offline,
            **options,
        )

    def citations(self, doi: str) -> Citations:
        """The works citing ``doi`` (incoming citations)."""
        return self.get(self._path("citations", doi), {}, self._rows)

    def references(self, doi: str) -> Citations:
        """The works ``doi`` cites (outgoing citations)."""
        return self.get(self._path("references", doi), {}, self._rows)

    def citation_count(self, doi: str) -> Count:
        return self.get(self._path("citation-count", doi), {}, self._count)

    @staticmethod
    def _path(operation: str, doi: str) -> str:
        return f"/{operation}/doi:" + urllib.parse.quote(normalize_doi(doi).lower(), safe="/")

    def _body(self, response: requests.Response, url: str) -> Any:
        if response.status_code == 404:
            raise OpenCitationsError(
                f"{url} answered 404: is {self.base_url} an OpenCitations Index v2 API? "
                f"(check {self.url_option})"
            )
        if response.status_code == 403:
            raise OpenCitationsError(
                f"OpenCitations refused the access token ({TOKEN_VARIABLE}): 403; "
                "unset it or register a new one"
            )
        self.check_status(response, url)
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind and "json" not in kind:
            raise Retry(f"answer is {kind}, not JSON")
        try:
            return json.loads(response.content)
        except ValueError as exc:
            raise Retry(f"invalid JSON ({exc})") from exc

    def _rows(self, response: requests.Response, url: str) -> Citations:
        body = self._body(response, url)
        if not isinstance(body, list):
            raise Retry("JSON that is not a list of rows")
        rows: list[Citation] = []
        skipped = 0
        for row in body:
            citing = dois_of(row.get("citing", "")) if isinstance(row, dict) else ()
            cited = dois_of(row.get("cited", "")) if isinstance(row, dict) else ()
            if not citing or not cited or not isinstance(row, dict):
                skipped += 1
                continue
            rows.append(
                Citation(
                    citing=citing[0],
                    cited=cited[0],
                    creation=_plain(row.get("creation")),
                    timespan=_plain(row.get("timespan")),
                    journal_self_citation=_plain(row.get("journal_sc")) == "yes",
                    author_self_citation=_plain(row.get("author_sc")) == "yes",
                    oci=_plain(row.get("oci")),
                    citing_aliases=citing[1:],
                    cited_aliases=cited[1:],
                )
            )
        retrieved = self.retrieved_at(response)
        cached = bool(getattr(response, "from_cache", False))
        return Citations(url, tuple(rows), retrieved, cached, skipped)

    def _count(self, response: requests.Response, url: str) -> Count:
        body = self._body(response, url)
        try:
            count = int(str(body[0]["count"]).strip()) if body else 0
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise Retry(f"count answer without a number ({str(body)[:80]})") from exc
        retrieved = self.retrieved_at(response)
        return Count(url, count, retrieved, bool(getattr(response, "from_cache", False)))
