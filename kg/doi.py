"""DOIs: the one module that knows what a DOI looks like and how it is written.

Every reader of DOIs (ingest's front matter, the reference parser, the resolver, the
matcher, the Crossref client, IRIs) goes through here, so a DOI printed as
``https://doi.org/10.1371/JOURNAL.PONE.0033693.`` and one given as ``doi:10.1371/…`` end
as the same key. DOIs are case-insensitive; the canonical form is lower case.
"""

from __future__ import annotations

import re
import urllib.parse

from kg.errors import InputError

# Crossref's pattern for modern DOIs, widened to any non-space suffix: old Wiley SICI
# DOIs carry <, > and # (crossref.org blog "DOIs and matching regular expressions").
_WHOLE_DOI = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/\S+$")
_RESOLVER_PREFIX = re.compile(
    r"^(?:https?://(?:dx\.)?doi\.org/|doi\s*:?\s*|urn:doi:)", re.IGNORECASE
)
DOI_IN_TEXT = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+", re.IGNORECASE)
"""A bare DOI anywhere in running text (it ends at white space or a quote/angle bracket)."""
ANNOUNCED_DOI = re.compile(
    r"(?:\bdoi\s*:?\s*|\bhttps?://(?:dx\.)?doi\.org/|\bdoi\.org/)(10\.\d{4,9}/[^\s\"<>]+)",
    re.IGNORECASE,
)
"""A DOI the text announces as one ("doi:", "DOI ", a doi.org link); group 1 is the DOI."""
_ANNOUNCEMENT = re.compile(r"(?:\bdoi\s*:\s*|\bdoi\.org/)(\S+)", re.IGNORECASE)
"""Whatever follows "doi:" or "doi.org/", DOI or not: a string that announces a DOI means it."""
_TRAILING = ".,;:]}>'\""


class InvalidDoi(InputError):
    """A string meant as a DOI that is not one."""


def normalize_doi(text: str) -> str:
    """The DOI in canonical form (no resolver prefix, lower case), or InvalidDoi saying why."""
    doi = _RESOLVER_PREFIX.sub("", text.strip())
    doi = _strip_trailing(urllib.parse.unquote(doi))
    if not _WHOLE_DOI.match(doi):
        raise InvalidDoi(
            f"{text.strip()[:200]!r} is not a DOI (expected 10.<registrant>/<suffix>, "
            "e.g. 10.1371/journal.pone.0033693)"
        )
    return doi.lower()


def find_doi(text: str | None) -> str | None:
    """The first DOI written anywhere in ``text``, canonical, or None when there is none."""
    if not text:
        return None
    announced = ANNOUNCED_DOI.search(text)
    found = announced.group(1) if announced else None
    if found is None:
        bare = DOI_IN_TEXT.search(text)
        found = bare.group(0) if bare else None
    if found is None:
        return None
    try:
        return normalize_doi(found)
    except InvalidDoi:
        return None


def written_doi(text: str) -> str | None:
    """The DOI a citation string gives, canonical; None when it gives none, and InvalidDoi
    when it announces one ("doi:", a doi.org link) that is malformed."""
    announced = _ANNOUNCEMENT.search(text)
    if announced:
        return normalize_doi(announced[1])
    return find_doi(text)


def _strip_trailing(doi: str) -> str:
    """Punctuation that ends the sentence, not the DOI; a ")" only when it closes nothing."""
    while doi:
        if doi[-1] in _TRAILING or (doi.endswith(")") and doi.count(")") > doi.count("(")):
            doi = doi[:-1]
        else:
            break
    return doi
