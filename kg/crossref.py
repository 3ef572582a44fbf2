"""The Crossref REST API client, on the shared polite HTTP layer (kg.http).

Crossref's etiquette (../shared/reference/crossref.md, sections 1.1 and 1.2): the client
identifies itself (``mailto`` in the query and the User-Agent), keeps within the rate and
concurrency every response advertises (Crossref changed them on 2025-12-01, so nothing is
assumed beyond a cautious start), and caches every answer, 404s included, so a rebuild asks
nothing twice. Retries, pacing, offline mode and errors are kg.http's.
"""

from __future__ import annotations

import json
import random
import re
import urllib.parse
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from kg.doi import normalize_doi
from kg.errors import InputError
from kg.http import (
    Budget,
    Clock,
    Governor,
    PoliteClient,
    Retry,
    RetryPolicy,
    ServiceError,
    ServiceUnavailable,
    SystemClock,
    user_agent,
)
from kg.settings import Settings

__all__ = [
    "POLITE_START",
    "PUBLIC_START",
    "Budget",
    "Clock",
    "CrossrefClient",
    "CrossrefError",
    "CrossrefUnavailable",
    "Governor",
    "Reply",
    "RetryPolicy",
    "SystemClock",
    "cache_path",
    "user_agent",
]

Work = dict[str, Any]

_MAILTO = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CrossrefError(ServiceError):
    """Crossref answered, but not with anything usable, even after the retries."""


class CrossrefUnavailable(ServiceUnavailable):
    """The answer is not in the cache and Crossref is not to be asked (offline, unreachable)."""


# Until the first answer says otherwise: GROBID's starting concurrency for the public and
# polite pools, at one request per second per slot (crossref.md, section 0).
PUBLIC_START = Budget(requests=1, interval=1.0, concurrency=1)
POLITE_START = Budget(requests=3, interval=1.0, concurrency=3)


@dataclass(frozen=True)
class Reply:
    """One Crossref answer: the API URL asked (without mailto), its message, and when."""

    url: str
    message: Work | None  # None: Crossref does not know the DOI (404)
    retrieved_at: datetime
    from_cache: bool


def cache_path(settings: Settings) -> Path:
    return settings.cache_dir / "crossref.sqlite"


class CrossrefClient(PoliteClient):
    """Works by DOI and bibliographic search, cached, paced and retried."""

    service = "Crossref"
    error = CrossrefError
    unavailable = CrossrefUnavailable
    url_option = "--crossref-url / KG_CROSSREF_API"

    def __init__(
        self,
        base_url: str,
        cache: Path,
        *,
        mailto: str | None = None,
        offline: bool = False,
        clock: Clock | None = None,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
        headroom: float = 0.95,
        max_concurrency: int = 16,
    ) -> None:
        if mailto is not None and not _MAILTO.match(mailto):
            raise InputError(f"mailto {mailto!r} is not an e-mail address")
        self.mailto = mailto
        super().__init__(
            base_url,
            cache,
            start=POLITE_START if mailto else PUBLIC_START,
            contact=mailto,
            offline=offline,
            clock=clock,
            retry=retry,
            rng=rng,
            headroom=headroom,
            max_concurrency=max_concurrency,
            cached_codes=(200, 404),
            hidden_parameters=("mailto",),
        )

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> CrossrefClient:
        return cls(
            settings.crossref_api,
            cache_path(settings),
            mailto=settings.mailto,
            offline=settings.offline,
            **options,
        )

    def work(self, doi: str) -> Work | None:
        """The work message for a DOI, or None when Crossref does not know it."""
        return self.get_work(doi).message

    def search_bibliographic(self, text: str, rows: int = 5) -> list[Work]:
        """Works best matching a whole citation string, best first, each with its ``score``."""
        message = self.search(text, rows).message or {}
        return list(message.get("items", []))

    def get_work(self, doi: str) -> Reply:
        return self._ask("/works/" + urllib.parse.quote(normalize_doi(doi), safe=""), {})

    def search(self, text: str, rows: int = 5) -> Reply:
        query = " ".join(text.split())
        if not query:
            raise InputError("a bibliographic search needs some text")
        return self._ask("/works", {"query.bibliographic": query, "rows": str(rows)})

    def _ask(self, path: str, params: dict[str, str]) -> Reply:
        extra = {"mailto": self.mailto} if self.mailto else {}
        return self.get(path, params, self._reply, extra=extra)

    def _reply(self, response: requests.Response, url: str) -> Reply:
        retrieved = self.retrieved_at(response)
        from_cache = bool(getattr(response, "from_cache", False))
        status = response.status_code
        if status == 404 and "/works/" in url:
            return Reply(url, None, retrieved, from_cache)
        if status == 404:
            raise CrossrefError(
                f"{url} answered 404: is {self.base_url} a Crossref REST API? "
                f"(check {self.url_option})"
            )
        self.check_status(response, url)
        try:
            body = json.loads(response.content)
        except ValueError as exc:
            raise Retry(f"invalid JSON ({exc})") from exc
        if not isinstance(body, dict) or not isinstance(body.get("message"), dict):
            raise Retry("JSON without a message object")
        return Reply(url, body["message"], retrieved, from_cache)
