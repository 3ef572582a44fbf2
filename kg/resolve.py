"""Resolving references to Crossref works: the client asks, the matcher decides.

A DOI written in the string is checked for syntax and confirmed with ``/works/{doi}``;
any other reference is searched with ``query.bibliographic`` (the whole string, several
rows) and the matcher validates the candidates. Duplicates are asked once, results keep
the input order, and the batch says in one line which references could not be checked and
why: Crossref not to be asked (offline, unreachable) and the answer not cached, Crossref
failing after its retries, or the resolution deadline passed before the answer came.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import re
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from kg import matching
from kg.crossref import CrossrefClient, CrossrefError, CrossrefUnavailable, cache_path
from kg.doi import InvalidDoi, normalize_doi, written_doi
from kg.errors import InputError
from kg.matching import Resolution
from kg.references import ParsedReference, parse_reference
from kg.settings import Settings

logger = logging.getLogger(__name__)

SEARCH_ROWS = 5
"""Candidates per search: Crossref suggests two (a tie between them means ambiguous); a few
more let the matcher see a close second behind a lower-ranked right answer."""
MAX_QUERY_CHARACTERS = 1000
"""A citation longer than this is cut before it is sent: the longest real references are a
few hundred characters; a 100 KB "citation" is a parsing accident, and Crossref answers it
with an error page."""


Progress = Callable[[], object]
Unchecked = Literal["unavailable", "failed", "late"]
"""Why a reference could not be checked: Crossref not to be asked and the answer not
cached; Crossref failing after the retries; the resolution deadline passed first."""


class Deadline:
    """The time one command may spend resolving, over all its batches: only the time spent
    inside ``running`` counts, so a build's ingest and annotation do not use it up."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._left = seconds

    @contextlib.contextmanager
    def running(self) -> Iterator[float]:
        """The monotonic instant this batch must stop at; the time it takes is spent."""
        started = time.monotonic()
        try:
            yield started + max(self._left, 0.0)
        finally:
            self._left -= time.monotonic() - started


@dataclass(frozen=True)
class Batch:
    """The resolutions of a batch, in input order, and what could not be checked."""

    resolutions: list[Resolution]
    unavailable: tuple[int, ...] = ()  # positions not looked up: offline and not cached
    notice: str | None = None  # one line saying what could not be checked and why
    unchecked: tuple[int, ...] = ()  # every position left unchecked, whatever the reason
    offline: bool = False  # the user asked for no network (--offline)

    @property
    def nothing_answered(self) -> bool:
        """Crossref could not be asked and the cache knew none of the inputs."""
        return bool(self.resolutions) and len(self.unavailable) == len(self.resolutions)

    @property
    def incomplete(self) -> bool:
        """Some references could not be checked, and not because the user said --offline:
        the command finishes, with exit status 5."""
        return bool(self.unchecked) and not self.offline


def open_client(settings: Settings) -> CrossrefClient:
    """The Crossref client of the settings; a cache file that is not a database (damaged, or
    some other file in its place) is named as the problem, not left to a traceback."""
    try:
        return CrossrefClient.from_settings(settings)
    except sqlite3.DatabaseError as exc:
        raise InputError(
            f"the Crossref cache {cache_path(settings)} is damaged ({exc}): delete it (it only "
            "holds answers that can be asked again) or give another --cache-dir"
        ) from exc


def resolve_references(
    references: Sequence[ParsedReference],
    settings: Settings,
    *,
    client: CrossrefClient | None = None,
    progress: Progress | None = None,
) -> list[Resolution]:
    """Resolve a document's references; what could not be checked is logged once."""
    batch = resolve_batch(references, settings, client=client, progress=progress)
    if batch.notice:
        logger.warning(batch.notice)
    return batch.resolutions


def resolve_citations(
    citations: Sequence[str],
    settings: Settings,
    *,
    client: CrossrefClient | None = None,
    progress: Progress | None = None,
) -> Batch:
    """Resolve raw citation strings (parsed first, so the matcher can weigh their fields)."""
    references = [parse_reference(citation) for citation in citations]
    return resolve_batch(references, settings, client=client, progress=progress)


def resolve_batch(
    references: Sequence[ParsedReference],
    settings: Settings,
    *,
    client: CrossrefClient | None = None,
    progress: Progress | None = None,
    deadline: Deadline | None = None,
) -> Batch:
    """Resolve each distinct reference once, in parallel within the server's limits, until
    the deadline (``settings.resolve_deadline`` unless a command shares one)."""
    unique: dict[str, ParsedReference] = {}
    for reference in references:
        unique.setdefault(_key(reference), reference)
    own_client = client is None
    crossref = client or open_client(settings)
    clock = deadline or Deadline(settings.resolve_deadline)
    try:
        with clock.running() as ends:
            outcomes = _run(crossref, unique, progress, ends)
        _answer_late_from_cache(outcomes, unique, settings)
        reason = crossref.unavailable_reason
    finally:
        if own_client:
            crossref.close()
    resolutions: list[Resolution] = []
    why: dict[int, Unchecked] = {}
    for position, reference in enumerate(references):
        resolution, unchecked = outcomes[_key(reference)]
        resolutions.append(replace(resolution, input=reference.raw))
        if unchecked is not None:
            why[position] = unchecked
    notice = _notice(why, references, resolutions, reason=reason, deadline=clock.seconds)
    return Batch(
        resolutions,
        tuple(p for p, kind in why.items() if kind == "unavailable"),
        notice,
        tuple(why),
        offline=settings.offline,
    )


Outcome = tuple[Resolution, Unchecked | None]


def _run(
    client: CrossrefClient,
    unique: dict[str, ParsedReference],
    progress: Progress | None,
    ends: float,
) -> dict[str, Outcome]:
    """Resolve on worker threads whose number follows the governor's adaptive limit, until
    every reference is answered or ``ends`` (monotonic) comes.

    One worker more than the requests allowed in flight keeps the connection slots busy;
    more would only queue in the governor and crowd the interpreter lock with matching,
    which delays the paced requests and bunches them at the server. The workers are daemon
    threads: at the deadline the command moves on without them, and a request still waiting
    for a server that does not answer can neither hold the command nor its exit.
    """
    outcomes: dict[str, Outcome] = {}
    answers: queue.Queue[tuple[str, Outcome | BaseException]] = queue.Queue()
    waiting = iter(unique.items())
    running = 0

    def work(key: str, reference: ParsedReference) -> None:
        try:
            answers.put((key, _resolve_one(client, reference)))
        except BaseException as exc:  # a bug: handed to the command's thread to raise
            answers.put((key, exc))

    while True:
        while running <= client.governor.capacity and time.monotonic() < ends:
            key, reference = next(waiting, (None, None))
            if key is None or reference is None:
                break
            threading.Thread(
                target=work, args=(key, reference), name="resolve", daemon=True
            ).start()
            running += 1
        if not running:
            break
        try:
            key, answer = answers.get(timeout=max(ends - time.monotonic(), 0.0))
        except queue.Empty:
            break  # the deadline: whatever is still running is left behind
        running -= 1
        if isinstance(answer, BaseException):
            raise answer
        outcomes[key] = answer
        if progress is not None:
            progress()
    for key, reference in unique.items():
        if key not in outcomes:
            outcomes[key] = (
                _error(reference, "not checked: the resolution deadline passed"),
                "late",
            )
    return outcomes


def _answer_late_from_cache(
    outcomes: dict[str, Outcome], unique: dict[str, ParsedReference], settings: Settings
) -> None:
    """References the deadline left unasked may have their answers in the cache already (a
    run before this one got them): those are resolved after all, without the network."""
    late = [key for key, (_, unchecked) in outcomes.items() if unchecked == "late"]
    if not late:
        return
    with open_client(replace(settings, offline=True)) as cache:
        for key in late:
            resolution, unchecked = _resolve_one(cache, unique[key])
            if unchecked is None:
                outcomes[key] = (resolution, None)


def _key(reference: ParsedReference) -> str:
    return " ".join(reference.raw.split())


def reference_doi(reference: ParsedReference) -> str | None:
    """The DOI the reference gives, normalised; InvalidDoi when it announces a malformed one."""
    if reference.doi:
        return normalize_doi(reference.doi)
    return written_doi(reference.raw)


def _resolve_one(client: CrossrefClient, reference: ParsedReference) -> Outcome:
    """The resolution, and why it is missing if Crossref could not be asked or failed."""
    try:
        return _lookup(client, reference), None
    except CrossrefUnavailable:
        why = f"not checked: {client.unavailable_reason} and not in the cache"
        return _error(reference, why), "unavailable"
    except CrossrefError as exc:
        return _error(reference, f"not checked: {_failure_of(exc)}"), "failed"
    except InvalidDoi as exc:
        return _error(reference, _one_line(str(exc))), None


def _lookup(client: CrossrefClient, reference: ParsedReference) -> Resolution:
    if not reference.raw.strip():
        return _error(reference, "empty citation")
    doi = reference_doi(reference)
    if doi is not None:
        reply = client.get_work(doi)
        if reply.message is not None:
            return matching.confirm_doi(
                reference,
                reply.message,
                doi=doi,
                source_url=reply.url,
                retrieved_at=reply.retrieved_at,
            )
        searched = _search(client, reference)
        why = f"DOI {doi} is not known to Crossref ({reply.url}); searched the string instead"
        return replace(searched, reasons=(why, *searched.reasons))
    return _search(client, reference)


def _search(client: CrossrefClient, reference: ParsedReference) -> Resolution:
    reply = client.search(query_text(reference.raw), rows=SEARCH_ROWS)
    candidates = (reply.message or {}).get("items", [])
    return matching.choose(
        reference, candidates, source_url=reply.url, retrieved_at=reply.retrieved_at
    )


def _error(reference: ParsedReference, reason: str) -> Resolution:
    return Resolution(reference.raw, None, 0.0, "error", (reason,))


def query_text(raw: str) -> str:
    """The citation as sent to Crossref: whitespace collapsed, cut at a word boundary when
    longer than any real reference (the matcher still sees the whole string)."""
    text = " ".join(raw.split())
    if len(text) <= MAX_QUERY_CHARACTERS:
        return text
    cut = text[:MAX_QUERY_CHARACTERS]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


_MARKUP = re.compile(r"<[^>]*>")


def _one_line(text: str, width: int = 300) -> str:
    """An error as one short line: no markup (a server's HTML error page), no line breaks."""
    flat = " ".join(_MARKUP.sub(" ", text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


_LAST_PROBLEM = re.compile(r"\(last: ([^)]*)\)")


def _notice(
    why: dict[int, Unchecked],
    references: Sequence[ParsedReference],
    resolutions: Sequence[Resolution],
    *,
    reason: str | None,
    deadline: float,
) -> str | None:
    """One line counting what could not be checked, by cause, and naming the references."""
    if not why:
        return None
    counts = Counter(why.values())
    causes: list[str] = []
    if counts["unavailable"]:
        causes.append(f"{counts['unavailable']} not in the cache and Crossref not asked ({reason})")
    if counts["failed"]:
        problems = Counter(
            _failure(resolutions[position]) for position, kind in why.items() if kind == "failed"
        )
        common = ", ".join(problem for problem, _ in problems.most_common(3))
        causes.append(f"{counts['failed']} failed at Crossref after retries ({common})")
    if counts["late"]:
        causes.append(f"{counts['late']} not answered within the {deadline:g} s deadline")
    distinct = list({_key(references[p]): references[p] for p in why}.values())
    names = [
        f"[{reference.number}]" if reference.number is not None else _shorten(reference.raw)
        for reference in distinct
    ]
    listed = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    return (
        f"{len(why)} of {len(references)} references could not be checked and are left "
        f"unresolved: {'; '.join(causes)}: {listed}"
    )


def _failure_of(error: CrossrefError) -> str:
    """A Crossref failure in one short line: the last problem after the retries, without the
    URL asked (a long citation makes a long URL)."""
    text = str(error)
    last = _LAST_PROBLEM.search(text)
    if last:
        return f"Crossref did not answer after its retries (last: {_one_line(last.group(1), 120)})"
    return _one_line(text, 280)


def _failure(resolution: Resolution) -> str:
    """The short cause of a Crossref failure ("503 Service Unavailable", "no answer within
    30.0 s"), for counting alike failures together."""
    reason = resolution.reasons[0] if resolution.reasons else ""
    found = _LAST_PROBLEM.search(reason)
    return found.group(1) if found else _one_line(reason.removeprefix("not checked: "), 60)


def _shorten(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")
