"""Reference strings parsed into bibliographic fields (Vancouver/NLM first).

Hand-written on purpose: the Python reference parsers on PyPI either read other styles
(refparse: Web of Science, Scopus, CSSCI), need a service (GROBID, FreeCite, CERMINE; Java
or HTTP) or a trained model (anystyle is Ruby). Vancouver/NLM strings as printed in
radiology journals are regular enough for a small grammar:

    Family AB, Family C Jr, et al. Title. *Journal* Year;Volume(Issue):Pages[. doi:…]

(the journal may be wrapped in markdown asterisks or end with a period). The parser reads
the authors from the front and the locator (year, volume, issue, pages) from the back, so a
title with colons, commas or semicolons survives. A locator that is a single value
("9:47", "17:Q32") is an article number; a range is first/last page, abbreviated ranges
("1425-37") expanded. It never raises: a string it cannot read keeps its ``raw`` text and
whatever fields it did find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.doi import ANNOUNCED_DOI, find_doi


@dataclass(frozen=True)
class PersonName:
    family: str
    initials: str = ""
    suffix: str = ""  # "Jr", "Sr", "III"


@dataclass(frozen=True)
class ParsedReference:
    """One reference's fields; any field the string does not give is ``None`` or empty."""

    raw: str
    number: int | None = None
    authors: tuple[PersonName, ...] = ()
    et_al: bool = False
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    volume: str | None = None
    issue: str | None = None
    first_page: str | None = None
    last_page: str | None = None
    article_number: str | None = None
    doi: str | None = None


_NUMBER = re.compile(r"^\s*\[?(\d{1,4})[.\])]\s+")
_TRAILER = re.compile(
    r"""\s*(?:
        \bEpub\b
      | \bPMID:?\s*\d | \bPMCID:?\s*PMC\d
      | \bAvailable\ from\b
      | \[?\b(?i:accessed|cited)\b\s*:?\s*(?:\d|[A-Z][a-z]+\.?\s+\d)
    ).*$""",
    re.DOTALL | re.VERBOSE,
)
"""What follows the locator in NLM strings (e-pub date, PubMed ids, access dates); matched
by its shape, so a surname such as "Pmid" or a title word such as "cited" stays."""
_AUTHOR = re.compile(
    r"\s*(?P<family>[^\W\d_][^,.;:()]*?)\s+(?P<initials>[A-Z](?:-?[A-Z]){0,3})"
    r"(?:\s+(?P<suffix>Jr|Sr|II|III|IV|2nd|3rd)\.?)?\s*(?P<end>[,.]|$)"
)
_ET_AL = re.compile(r"\s*et\s+al\b\.?", re.IGNORECASE)
_PAGE = r"[A-Za-z]{0,3}\d+[A-Za-z0-9]*"
_LOCATOR = re.compile(
    r"(?P<year>(?:1[5-9]|20)\d{2})[a-z]?"
    r"(?:\s+[A-Z][a-z]{2,8}\.?(?:[-/][A-Z][a-z]{2,8}\.?)?(?:\s+\d{1,2})?)?"
    r"(?:\s*;\s*(?P<volume>[^\s(:;.]+)?\s*(?:\((?P<issue>[^()]*)\))?"
    rf"(?:\s*:\s*(?P<pages>{_PAGE}(?:\s*[-\u2013]\s*{_PAGE})?))?)?"
    r"\s*\.?\s*$"
)
_YEAR = re.compile(r"\b(?:1[5-9]|20)\d{2}\b")


def parse_reference(raw: str, number: int | None = None) -> ParsedReference:
    """Parse one reference string; never raises on odd input, returns what it could read."""
    text = " ".join(raw.split())
    leading = _NUMBER.match(text)
    if leading:
        number = number if number is not None else int(leading.group(1))
        text = text[leading.end() :]

    doi_match = ANNOUNCED_DOI.search(text)
    doi = find_doi(doi_match.group(1)) if doi_match else None
    if doi_match:
        text = (text[: doi_match.start()] + text[doi_match.end() :]).strip()
    text = _TRAILER.sub("", text).strip()

    authors, et_al, rest = _authors(text)
    locator = _LOCATOR.search(rest)
    fields: dict[str, str | None] = {}
    if locator:
        fields = _locator_fields(locator)
        rest = rest[: locator.start()]
    title, journal = _title_and_journal(rest, has_locator=locator is not None)

    year_text = locator.group("year") if locator else None
    if year_text is None:
        found = _YEAR.search(text)
        year_text = found.group() if found else None
    return ParsedReference(
        raw=raw,
        number=number,
        authors=authors,
        et_al=et_al,
        title=title,
        journal=journal,
        year=int(year_text) if year_text else None,
        volume=fields.get("volume"),
        issue=fields.get("issue"),
        first_page=fields.get("first_page"),
        last_page=fields.get("last_page"),
        article_number=fields.get("article_number"),
        doi=doi,
    )


def _authors(text: str) -> tuple[tuple[PersonName, ...], bool, str]:
    """Authors from the front of the string, up to the period that closes the list."""
    authors: list[PersonName] = []
    position = 0
    while True:
        et_al = _ET_AL.match(text, position)
        if et_al and authors:
            return tuple(authors), True, text[et_al.end() :].lstrip(" .,")
        match = _AUTHOR.match(text, position)
        if match is None:
            break

        authors.append(
            PersonName(
                family=match["family"].strip(),
                initials=match["initials"],
                suffix=match["suffix"] or "",
            )
        )
        position = match.end()
        if match["end"] != ",":
            return tuple(authors), False, text[position:].lstrip()
    closing = text.find(". ", position)
    if authors and closing >= 0:
        return tuple(authors), False, text[closing + 2 :]
    return (), False, text


def _locator_fields(match: re.Match[str]) -> dict[str, str | None]:
    fields: dict[str, str | None] = {
        "volume": match["volume"],
        "issue": (match["issue"] or "").strip() or None,
    }
    pages = match["pages"]
    if pages:
        parts = [part.strip() for part in re.split(r"[-\u2013]", pages)]
        if len(parts) == 2:
            fields["first_page"] = parts[0]
            fields["last_page"] = _expand_last_page(parts[0], parts[1])
        else:
            fields["article_number"] = parts[0]
    return fields


def _expand_last_page(first: str, last: str) -> str:
    """``1425-37`` → ``1437``, ``e426-7`` → ``e427``: abbreviated ends take the first's head."""
    head = re.match(r"^([A-Za-z]*)(\d+)$", first)
    if head is None or not last.isdigit() or len(last) >= len(head.group(2)):
        return last
    digits = head.group(2)
    return head.group(1) + digits[: len(digits) - len(last)] + last


def _title_and_journal(rest: str, has_locator: bool) -> tuple[str | None, str | None]:
    rest = rest.strip()
    if rest.rstrip(" .").endswith("*"):
        inner = rest.rstrip(" .").rstrip("*")
        opening = inner.rfind("*")
        if opening >= 0:
            journal = inner[opening + 1 :].strip()
            return _clean_title(inner[:opening]), journal or None
    if not has_locator:
        first = re.split(r"(?<=[.?!])\s+", rest, maxsplit=1)[0]
        return _clean_title(first), None
    body = rest.rstrip(" .")
    cut = max(body.rfind(". "), body.rfind("? "), body.rfind("! "))
    if cut < 0:
        return None, body or None
    journal = body[cut + 2 :].strip()
    return _clean_title(body[: cut + 1]), journal or None


def _clean_title(text: str) -> str | None:
    title = text.replace("*", "").strip()
    title = re.sub(r"\s*\.$", "", title).strip()
    return title or None
