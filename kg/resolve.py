"""Resolving references to Crossref works: the client asks, the matcher decides.

A DOI written in the string is checked for syntax and confirmed with ``/works/{doi}``;
any other reference is searched with ``query.bibliographic`` (the whole string, several
rows) and the matcher validates the candidates. Duplicates are asked once, results keep
the input order, and when Crossref cannot be asked the batch says once which references
were left unresolved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace

from kg import matching
from kg.crossref import CrossrefClient, CrossrefError, CrossrefUnavailable
from kg.doi import InvalidDoi, normalize_doi, written_doi
from kg.matching import Resolution
from kg.references import ParsedReference, parse_reference
from kg.settings import Settings

logger = logging.getLogger(__name__)

SEARCH_ROWS = 5
"""Candidates per search: Crossref suggests two (a tie between them means ambiguous); a few
more let the matcher see a close second behind a lower-ranked right answer."""


Progress = Callable[[], object]


@dataclass(frozen=True)
class Batch:
    """The resolutions of a batch, in input order, and what Crossref could not be asked."""

    resolutions: list[Resolution]
    unavailable: tuple[int, ...] = ()  # positions not looked up: offline and not cached
    notice: str | None = None  # one line saying so, for the user

    @property
    def nothing_answered(self) -> bool:
        """Crossref could not be asked and the cache knew none of the inputs."""
        return bool(self.resolutions) and len(self.unavailable) == len(self.resolutions)


def resolve_references(
    references: Sequence[ParsedReference],
    settings: Settings,
    *,
    client: CrossrefClient | None = None,
    progress: Progress | None = None,
) -> list[Resolution]:
    """Resolve a document's references; what Crossref could not be asked is logged once."""
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
) -> Batch:
    """Resolve each distinct reference once, in parallel within the server's limits."""
    unique: dict[str, ParsedReference] = {}
    for reference in references:
        unique.setdefault(_key(reference), reference)
    own_client = client is None
    crossref = client or CrossrefClient.from_settings(settings)
    try:
        outcomes = _run(crossref, unique, progress)
        reason = crossref.unavailable_reason
    finally:
        if own_client:
            crossref.close()
    resolutions: list[Resolution] = []
    unavailable: list[int] = []
    for position, reference in enumerate(references):
        resolution, was_unavailable = outcomes[_key(reference)]
        resolutions.append(replace(resolution, input=reference.raw))
        if was_unavailable:
            unavailable.append(position)
    notice = _notice(reason, [references[i] for i in unavailable], len(references))
    return Batch(resolutions, tuple(unavailable), notice)


def _run(
    client: CrossrefClient, unique: dict[str, ParsedReference], progress: Progress | None
) -> dict[str, tuple[Resolution, bool]]:
    """Resolve in a thread pool whose work in progress follows the governor's adaptive limit.

    One task more than the requests allowed in flight keeps the connection slots busy; more
    would only queue in the governor and crowd the interpreter lock with matching, which
    delays the paced requests and bunches them at the server.
    """
    outcomes: dict[str, tuple[Resolution, bool]] = {}
    queue = iter(unique.items())
    with ThreadPoolExecutor(client.max_concurrency + 1, thread_name_prefix="resolve") as pool:
        running: dict[Future[tuple[Resolution, bool]], str] = {}
        while True:
            while len(running) <= client.governor.capacity:
                key, reference = next(queue, (None, None))
                if key is None or reference is None:
                    break
                running[pool.submit(_resolve_one, client, reference)] = key
            if not running:
                return outcomes
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                outcomes[running.pop(future)] = future.result()
                if progress is not None:
                    progress()


def _key(reference: ParsedReference) -> str:
    return " ".join(reference.raw.split())


def reference_doi(reference: ParsedReference) -> str | None:
    """The DOI the reference gives, normalised; InvalidDoi when it announces a malformed one."""
    if reference.doi:
        return normalize_doi(reference.doi)
    return written_doi(reference.raw)


def _resolve_one(client: CrossrefClient, reference: ParsedReference) -> tuple[Resolution, bool]:
    """The resolution, and whether it is missing because Crossref could not be asked."""
    try:
        return _lookup(client, reference), False
    except CrossrefUnavailable:
        why = f"not looked up: {client.unavailable_reason} and not in the cache"
        return _error(reference, why), True
    except (InvalidDoi, CrossrefError) as exc:
        return _error(reference, str(exc)), False


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
    reply = client.search(reference.raw, rows=SEARCH_ROWS)
    candidates = (reply.message or {}).get("items", [])
    return matching.choose(
        reference, candidates, source_url=reply.url, retrieved_at=reply.retrieved_at
    )


def _error(reference: ParsedReference, reason: str) -> Resolution:
    return Resolution(reference.raw, None, 0.0, "error", (reason,))


def _notice(reason: str | None, missing: Sequence[ParsedReference], total: int) -> str | None:
    """One line naming what could not be resolved, and why."""
    if not missing:
        return None
    distinct = list({_key(reference): reference for reference in missing}.values())
    names = [
        f"[{reference.number}]" if reference.number is not None else _shorten(reference.raw)
        for reference in distinct
    ]
    listed = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    return (
        f"Crossref not asked ({reason}); {len(missing)} of {total} references were not in "
        f"the cache and are left unresolved: {listed}"
    )


def _shorten(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")
