"""The one polite HTTP layer every API client in casekg goes through (Crossref, OpenCitations).

Polite by construction (../shared/reference/crossref.md, sections 1.1 and 1.2): a client
identifies itself in its User-Agent, keeps within the rate and concurrency the server
advertises (nothing assumed beyond a cautious start), backs off with full jitter on
429/5xx/timeouts/broken answers and honours Retry-After, never follows a redirect, cuts
over-long query values before sending, and caches every answer it is told to keep on disk
(requests-cache, SQLite) so a rebuild asks nothing twice. When the service cannot be
reached, or the user says ``--offline``, it answers from the cache alone and says why the
rest is missing. Errors are one line each.

A service's client subclasses ``PoliteClient``: it names the service and its errors, and
turns a response into its own answer (raising ``Retry`` for an answer worth asking again).
"""

from __future__ import annotations

import collections
import contextlib
import email.utils
import random
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, TypeVar

import requests
import requests_cache
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from kg import __version__
from kg.errors import InputError, NetworkError

T = TypeVar("T")

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$", re.IGNORECASE)
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
MAX_VALUE_CHARS = 1000
"""Longest query value sent: a 100 KB citation string says no more than its first 1,000
characters, and servers refuse long URLs (414/431) anyway."""


class ServiceError(NetworkError):
    """The service answered, but not with anything usable, even after the retries."""


class ServiceUnavailable(NetworkError):
    """The answer is not cached and the service is not to be asked (offline, unreachable)."""


class Clock(Protocol):
    """Where a client gets time from; tests pass one that does not really sleep."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...

    def now(self) -> datetime: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts per request, full-jitter backoff bounds, timeouts (seconds)."""

    attempts: int = 5
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    connect_timeout: float = 3.05
    read_timeout: float = 30.0


@dataclass(frozen=True)
class Budget:
    """What the server allows: ``requests`` per ``interval`` seconds, ``concurrency`` at once."""

    requests: int
    interval: float
    concurrency: int

    def updated(self, headers: Mapping[str, str]) -> Budget:
        """This budget with whatever the response headers advertise (garbage ignored)."""
        budget = self
        limit = _positive_int(headers.get("x-rate-limit-limit"))
        if limit is not None:
            budget = replace(budget, requests=limit)
        interval = _interval_seconds(headers.get("x-rate-limit-interval"))
        if interval is not None:
            budget = replace(budget, interval=interval)
        concurrency = _positive_int(headers.get("x-concurrency-limit"))
        if concurrency is not None:
            budget = replace(budget, concurrency=concurrency)
        return budget


def _positive_int(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    number = int(value)
    return number if number > 0 else None


def _interval_seconds(value: str | None) -> float | None:
    match = _INTERVAL.match(value or "")
    if not match:
        return None
    seconds = float(match[1]) * _UNITS[(match[2] or "s").lower()]
    return seconds if seconds > 0 else None


class Governor:
    """Keeps requests within the server's advertised budget.

    A concurrency limit whose size follows ``x-concurrency-limit`` (one request at a time
    until the first answer has told the budget, and while any request is backing off), and
    pacing that spaces request starts evenly at ``headroom`` times the advertised rate, so
    no window of the server's interval ever sees more than it allows, even with some jitter.
    """

    def __init__(
        self, start: Budget, clock: Clock, *, headroom: float = 0.95, ceiling: int = 16
    ) -> None:
        self._budget = start
        self._clock = clock
        self._headroom = headroom
        self._ceiling = ceiling
        self._heard = False
        self._backing_off = 0
        self._in_flight = 0
        self._state = threading.Condition()
        self._pacing = threading.Lock()
        self._last_start: float | None = None
        self._starts: collections.deque[float] = collections.deque()
        self._paused_until = 0.0

    @property
    def budget(self) -> Budget:
        return self._budget

    @property
    def capacity(self) -> int:
        """How many requests may be in flight now."""
        if not self._heard or self._backing_off:
            return 1
        return max(1, min(self._budget.concurrency, self._ceiling))

    def acquire(self, timeout: float | None = None) -> bool:
        """Take a concurrency slot, waiting at most ``timeout`` seconds (None: no limit)."""
        with self._state:
            if not self._state.wait_for(lambda: self._in_flight < self.capacity, timeout):
                return False
            self._in_flight += 1
            return True

    def release(self) -> None:
        with self._state:
            self._in_flight -= 1
            self._state.notify_all()

    def pace(self) -> None:
        """Wait until the next request may start.

        Starts are scheduled one spacing apart (late wake-ups do not slow the schedule), and
        no ``requests`` real starts may fall within ``interval / headroom``: after a stall,
        catching up never crowds the server's window.
        """
        with self._pacing:
            budget = self._budget
            now = self._clock.monotonic()
            start = max(now, self._paused_until)
            if self._last_start is not None:
                start = max(
                    start, self._last_start + budget.interval / (budget.requests * self._headroom)
                )
            self._clock.sleep(start - now)
            self._last_start = start
            window = budget.interval / self._headroom
            while len(self._starts) >= budget.requests:
                wait = self._starts[-budget.requests] + window - self._clock.monotonic()
                if wait <= 0:
                    break
                self._clock.sleep(wait)
            self._starts.append(self._clock.monotonic())
            while len(self._starts) > budget.requests:
                self._starts.popleft()

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a concurrency slot while the request runs."""
        self.acquire()
        try:
            yield
        finally:
            self.release()

    def observe(self, headers: Mapping[str, str]) -> None:
        """Adopt the budget a response advertises."""
        with self._state:
            self._budget = self._budget.updated(headers)
            self._heard = True
            self._state.notify_all()

    def pause(self, seconds: float) -> None:
        """Start no request for ``seconds`` (the server said so, with 429 and Retry-After)."""
        with self._state:
            self._paused_until = max(self._paused_until, self._clock.monotonic() + seconds)

    @contextlib.contextmanager
    def backing_off(self) -> Iterator[None]:
        """While a request is backing off, the others go one at a time."""
        with self._state:
            self._backing_off += 1
        try:
            yield
        finally:
            with self._state:
                self._backing_off -= 1
                self._state.notify_all()


class _PacedAdapter(HTTPAdapter):
    """The transport, starting each request on the governor's pace as late as it can: after
    the cache lookup, right before the connection is used, so the server sees the pace."""

    def __init__(self, governor: Governor, pool_maxsize: int) -> None:
        super().__init__(pool_maxsize=pool_maxsize)
        self._governor = governor

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        self._governor.pace()
        return super().send(request, *args, **kwargs)


class Retry(Exception):
    """A failure worth another attempt: its description and any Retry-After (seconds);
    ``abandoned`` when the server may still be working on the request we gave up on."""

    def __init__(
        self,
        problem: str,
        retry_after: float | None = None,
        rate_limited: bool = False,
        abandoned: bool = False,
    ):
        super().__init__(problem)
        self.problem = problem
        self.retry_after = retry_after
        self.rate_limited = rate_limited
        self.abandoned = abandoned


def user_agent(contact: str | None = None) -> str:
    """A descriptive User-Agent, as the services' etiquette asks: who we are, how to reach us."""
    urls = metadata.metadata("casekg").get_all("Project-URL") or []
    details = [url.split(",", 1)[-1].strip() for url in urls[:1]]
    if contact:
        details.append(f"mailto:{contact}")
    said = f" ({'; '.join(details)})" if details else ""
    return f"casekg/{__version__}{said} python-requests/{requests.__version__}"


def one_line(text: str, limit: int = 200) -> str:
    """``text`` as one short line for an error message: tags and line breaks gone, cut."""
    flat = " ".join(re.sub(r"<[^>]*>", " ", text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def cut_value(value: str, limit: int = MAX_VALUE_CHARS) -> str:
    """A query value no longer than ``limit`` characters, cut at a word boundary if one is
    near (the service answers the start of a long text as well as the whole)."""
    if len(value) <= limit:
        return value
    head = value[:limit]
    space = head.rfind(" ")
    return head[:space] if space > limit // 2 else head


class PoliteClient:
    """The shared client machinery: session, cache, governor, retries, offline, errors.

    Thread-safe: many threads may share one client; the governor bounds what they send.
    Subclasses set ``service`` (its name in messages), ``error`` / ``unavailable`` (the
    exception classes), ``url_option`` (where the user sets the base URL) and ``start``
    (the budget until the first answer tells), and parse answers in the ``parse`` callable
    given to ``get``.
    """

    service = "the service"
    error: type[ServiceError] = ServiceError
    unavailable: type[ServiceUnavailable] = ServiceUnavailable
    url_option = "the API URL option"

    def __init__(
        self,
        base_url: str,
        cache: Path,
        *,
        start: Budget,
        contact: str | None = None,
        offline: bool = False,
        clock: Clock | None = None,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
        headroom: float = 0.95,
        max_concurrency: int = 16,
        cached_codes: tuple[int, ...] = (200, 404),
        hidden_parameters: tuple[str, ...] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        split = urllib.parse.urlsplit(base_url.strip())
        if split.scheme not in ("http", "https") or not split.hostname:
            raise InputError(f"{self.service} API URL {base_url!r} is not an http(s) URL")
        self.base_url = base_url.strip().rstrip("/")
        self.max_concurrency = max_concurrency
        self._clock = clock or SystemClock()
        self._retry = retry or RetryPolicy()
        self._rng = rng or random.Random()
        self._hidden = hidden_parameters
        self.governor = Governor(start, self._clock, headroom=headroom, ceiling=max_concurrency)
        self._unavailable = "offline mode (--offline or KG_OFFLINE)" if offline else None
        self._host_lock = threading.Lock()
        self._host_resolved = False
        self._session = self._open_session(cache, cached_codes)
        self._session.headers["User-Agent"] = user_agent(contact)
        self._session.headers["Accept"] = "application/json"
        self._session.headers.update(headers or {})

    def _open_session(
        self, cache: Path, cached_codes: tuple[int, ...]
    ) -> requests_cache.CachedSession:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            session = requests_cache.CachedSession(
                str(cache),
                backend="sqlite",
                wal=True,
                expire_after=requests_cache.NEVER_EXPIRE,
                allowable_codes=cached_codes,
                allowable_methods=("GET",),
                ignored_parameters=(*requests_cache.DEFAULT_IGNORED_PARAMS, *self._hidden),
                match_headers=False,
                key_fn=self._anonymous_key,
                cache_control=False,
            )
        except OSError as exc:
            raise InputError(f"cannot open the {self.service} cache at {cache}: {exc}") from exc
        adapter = _PacedAdapter(self.governor, pool_maxsize=self.max_concurrency)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def close(self) -> None:
        self._session.close()  # type: ignore[no-untyped-call]  # requests-cache lacks the hint

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def unavailable_reason(self) -> str | None:
        """Why uncached answers cannot be had (offline, unreachable), or None when they can."""
        return self._unavailable

    def url_of(self, path: str, params: Mapping[str, str]) -> str:
        """The URL a request stands for, as the graph records it (hidden parameters out)."""
        shown = {name: cut_value(value) for name, value in params.items()}
        return requests.Request("GET", self.base_url + path, params=shown).prepare().url or ""

    def get(
        self,
        path: str,
        params: Mapping[str, str],
        parse: Callable[[requests.Response, str], T],
        *,
        extra: Mapping[str, str] | None = None,
    ) -> T:
        """The parsed answer to GET ``path?params`` (plus ``extra`` parameters that do not
        change the answer, e.g. a mailto), from the cache when it is there."""
        url = self.url_of(path, params)
        asked = {name: cut_value(value) for name, value in {**params, **(extra or {})}.items()}
        request = self._session.prepare_request(
            requests.Request("GET", self.base_url + path, params=asked)
        )
        key = self._session.cache.create_key(request)
        cached = self._session.cache.get_response(key)
        if cached is not None:
            with contextlib.suppress(Retry):
                return parse(cached, url)
            self._session.cache.delete(key)
        if self._unavailable is not None:
            raise self.unavailable(
                f"{url} is not cached and {self.service} is not asked: {self._unavailable}"
            )
        return self._fetch(request, key, url, parse)

    def _fetch(
        self,
        request: requests.PreparedRequest,
        key: str,
        url: str,
        parse: Callable[[requests.Response, str], T],
    ) -> T:
        environment = self._session.merge_environment_settings(request.url, {}, None, None, None)
        timeout = (self._retry.connect_timeout, self._retry.read_timeout)
        problem = ""
        with contextlib.ExitStack() as backoff:
            for attempt in range(self._retry.attempts):
                try:
                    with self.governor.slot():
                        response = self._send(request, timeout, environment)
                    self.governor.observe(response.headers)
                    try:
                        return parse(response, url)
                    except Retry:
                        if response.status_code == 200:
                            self._session.cache.delete(key)  # never keep a broken answer
                        raise
                except Retry as failure:
                    problem = failure.problem
                    if attempt + 1 == self._retry.attempts:
                        break
                    if attempt == 0:
                        backoff.enter_context(self.governor.backing_off())
                    self.wait(failure, attempt)
        raise self.error(
            f"{self.service} at {self.base_url} did not answer {url} after "
            f"{self._retry.attempts} attempts (last: {problem})"
        )

    def _send(
        self,
        request: requests.PreparedRequest,
        timeout: tuple[float, float],
        environment: Mapping[str, Any],
    ) -> requests.Response:
        if self._unavailable is not None:  # another thread found the host dead meanwhile
            raise self.unavailable(f"{self.service} is unreachable: {self._unavailable}")
        self._check_host(timeout[0])
        try:
            return self._session.send(
                request, timeout=timeout, allow_redirects=False, **environment
            )
        except requests.ConnectTimeout as exc:
            raise self._unreachable(f"no connection within {timeout[0]} s") from exc
        except requests.ConnectionError as exc:
            reason = getattr(exc.args[0], "reason", None) if exc.args else None
            if isinstance(reason, NewConnectionError):
                raise self._unreachable(_short(reason)) from exc
            raise Retry(f"connection broken: {_short(exc)}") from exc
        except requests.Timeout as exc:
            raise Retry(f"no answer within {timeout[1]} s", abandoned=True) from exc
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            raise Retry(f"truncated answer: {_short(exc)}") from exc

    def _check_host(self, timeout: float) -> None:
        """Resolve the API host once, giving DNS no longer than the connect timeout.

        Without a network, a resolver that never answers can hold every request for tens of
        seconds before the lookup fails; this bounds the whole client's wait to one timeout.
        """
        with self._host_lock:
            if self._unavailable is not None:
                raise self.unavailable(f"{self.service} is unreachable: {self._unavailable}")
            if self._host_resolved:
                return
            split = urllib.parse.urlsplit(self.base_url)
            host = split.hostname or ""
            outcome: list[OSError | None] = []

            def lookup() -> None:
                try:
                    socket.getaddrinfo(host, split.port, type=socket.SOCK_STREAM)
                    outcome.append(None)
                except OSError as exc:
                    outcome.append(exc)

            resolver = threading.Thread(target=lookup, name="http-dns", daemon=True)
            resolver.start()
            resolver.join(timeout)
            if not outcome:
                raise self._unreachable(f"no DNS answer for {host} within {timeout} s")
            if outcome[0] is not None:
                raise self._unreachable(f"cannot resolve {host}: {outcome[0]}")
            self._host_resolved = True

    def _unreachable(self, why: str) -> ServiceUnavailable:
        """Give up on the network for this client's life: retrying a dead host only hangs."""
        self._unavailable = f"cannot connect to {self.base_url} ({why})"
        return self.unavailable(f"{self.service} is unreachable: {self._unavailable}")

    def retrieved_at(self, response: requests.Response) -> datetime:
        """When the answer was fetched (the cache keeps the time of the first fetch)."""
        created = getattr(response, "created_at", None)
        return created if isinstance(created, datetime) else self._clock.now()

    def check_status(self, response: requests.Response, url: str) -> None:
        """Raise for what is not a 200: ``Retry`` on 429/5xx, an error on redirects and the
        rest (a 404 the caller handles before)."""
        status = response.status_code
        if status == 200:
            return
        if status == 429 or status >= 500:
            raise Retry(
                f"{status} {response.reason}",
                retry_after=self.retry_after(response.headers.get("Retry-After")),
                rate_limited=status == 429,
            )
        if 300 <= status < 400:
            raise self.error(
                f"{url} redirected to {response.headers.get('Location', '?')}; casekg follows "
                f"no redirects (point {self.url_option} at the API itself)"
            )
        raise self.error(
            f"{self.service} refused {url}: {status} {response.reason}: {one_line(response.text)}"
        )

    def retry_after(self, value: str | None) -> float | None:
        if value is None:
            return None
        if value.strip().isdigit():
            return float(value.strip())
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - self._clock.now()).total_seconds())

    def wait(self, failure: Retry, attempt: int) -> None:
        """Back off: Retry-After when given, else full jitter on an exponential ceiling.

        After a read timeout the server still counts the abandoned request against our
        concurrency; an instant retry would run beside it and be refused. So the wait is
        at least the read timeout: the server gets as long again to finish it."""
        if failure.retry_after is not None:
            if failure.retry_after > self._retry.backoff_cap:
                raise self.error(
                    f"{self.service} at {self.base_url} asks to wait {failure.retry_after:.0f} s "
                    f"({failure.problem}), longer than the {self._retry.backoff_cap:.0f} s cap"
                )
            delay = failure.retry_after
        else:
            ceiling = min(self._retry.backoff_cap, self._retry.backoff_base * 2**attempt)
            delay = self._rng.uniform(0, ceiling)
            if failure.abandoned:
                delay = max(delay, self._retry.read_timeout)
        if failure.rate_limited:
            self.governor.pause(delay)
        self._clock.sleep(delay)

    def _anonymous_key(self, request: requests_cache.AnyRequest, **options: Any) -> str:
        """The cache key of a request without its hidden parameters (who asks, a token):
        they do not change the answer."""
        split = urllib.parse.urlsplit(request.url or "")
        query = [
            (name, value)
            for name, value in urllib.parse.parse_qsl(split.query, keep_blank_values=True)
            if name not in self._hidden
        ]
        anonymous = requests.Request(
            request.method, split._replace(query=urllib.parse.urlencode(query)).geturl()
        )
        return requests_cache.create_key(anonymous.prepare(), **options)


_Self = TypeVar("_Self", bound=PoliteClient)


def _short(exc: BaseException) -> str:
    text = str(exc)
    match = re.search(r"\[Errno -?\d+\] ([^')\"]+)|Failed to resolve '[^']+'", text)
    return match[0] if match else one_line(text, 160)
