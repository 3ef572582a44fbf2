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
from dataclasses import dataclass, replace

from kg.doi import ANNOUNCED_DOI, find_doi


@dataclass(frozen=True)
class PersonName:
    family: str
    initials: str = ""
    suffix: str = ""  # "Jr", "Sr", "III"
    organisation: bool = False
    """An organisation printed where the authors go ("World Health Organization"): its
    whole name is in ``family``, and it is written as an organisation, not a person."""


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
    kind: str = "article"
    """What the string cites: "article" (in a journal), "chapter" (in a book), "book",
    "conference" (a paper in proceedings) or "web" (a page with a link)."""
    container: str | None = None
    """The book a chapter is in, or the proceedings a conference paper is in (never the
    reference's own title)."""
    editors: tuple[PersonName, ...] = ()
    """The editors of the book a chapter is in ("In: Abbas AK, Aster JC, editors.")."""
    publisher: str | None = None
    place: str | None = None
    """Where the publisher published it ("Philadelphia" of "Philadelphia: Elsevier")."""
    url: str | None = None


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

    text = _unglued(text)
    url_match = _URL.search(text)
    url = url_match.group().rstrip(".,;") if url_match else None
    doi_match = ANNOUNCED_DOI.search(text)
    doi = find_doi(doi_match.group(1)) if doi_match else None
    if doi_match:
        text = (text[: doi_match.start()] + text[doi_match.end() :]).strip()
    text = _TRAILER.sub("", text).strip()
    if url:
        text = text.replace(url, "").strip()

    author_year = _author_year(text)
    if author_year is not None:
        return _with_kind(replace(author_year, raw=raw, number=number, doi=doi), text, url)
    authors, et_al, rest = _authors(text)
    group = None if authors else _GROUP_AUTHOR_FIRST.match(text)
    if group:
        authors, rest = (PersonName(group["name"], organisation=True),), text[group.end() :]
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
    parsed = ParsedReference(
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
    return _with_kind(parsed, text, url)


_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)
_GLUED_YEAR = re.compile(r"(?<=\b(?:1[89]|20)\d{2})(?=[A-Z][a-z])")
_GLUED_VOLUME = re.compile(r"(?<=[a-z])(?=\d{1,4}\s*(?:\(\w+\))?\s*:\s*[A-Za-z]?\d)")


def _unglued(text: str) -> str:
    """Years and volumes some publishers print against the next or previous word
    ("Falush D. 2007Inference of …", "Genetics175:1251-1266") set apart."""
    return _GLUED_VOLUME.sub(" ", _GLUED_YEAR.sub(" ", text))


_AUTHOR_YEAR = re.compile(
    r"^(?P<authors>[^()]{2,800}?)[\s.,]*"
    r"(?:\((?P<paren>(?:1[5-9]|20)\d{2})[a-z]?(?:,[^)]*)?\)|(?P<bare>(?:1[5-9]|20)\d{2})[a-z]?(?=\.?\s))"
    r"[.,:]?\s*(?P<rest>.*)$"
)
_APA_AUTHOR = re.compile(
    r"\s*(?:&\s*|and\s+)?(?P<family>[^\W\d_][\w'\u2019\- ]*?),\s*"
    r"(?P<initials>(?:[A-Z]\.?\s?-?\s?){1,4})(?:\s*(?P<suffix>Jr|Sr|II|III|IV)\.?)?\s*(?P<end>,|&|and\b|$)"
)
_CONTAINER_LOCATOR = re.compile(
    r"^(?P<journal>.+?)[,.]?\s+(?P<volume>\d{1,5})\s*(?:\((?P<issue>[^()]*)\))?\s*[,:]\s*"
    rf"(?:pp?\.?\s*)?(?P<pages>{_PAGE}(?:\s*[-\u2013]\s*{_PAGE})?)\.?$"
)
_IN_BOOK = re.compile(
    r"^In:?\s+(?P<editors>.*?)(?:,?\s*\(?\b(?:eds?|editors?)\b\.?\)?[.,]?)\s+(?P<rest>.*)$",
    re.IGNORECASE,
)


def _author_year(text: str) -> ParsedReference | None:
    """Harvard/APA strings: authors, then the year ("(2019)." or "2019."), then the title,
    then the journal with its locator or "In: editors, eds. Book. Place: Publisher"."""
    match = _AUTHOR_YEAR.match(text)
    if match is None:
        return None
    authors, et_al = _author_list(match["authors"])
    organisation = match["authors"].strip(" .,")
    if not authors and _GROUP_NAME.fullmatch(organisation):
        authors = (PersonName(organisation, organisation=True),)
    if not authors:
        return None
    year = int(match["paren"] or match["bare"])
    rest = match["rest"].strip()
    quoted = re.match(
        r"^[\"'\u2018\u201c](?P<title>.+?)[\"'\u2019\u201d][.,]?\s*(?P<rest>.*)$", rest
    )
    if quoted:
        title, tail = quoted["title"], quoted["rest"]
    else:
        cut = re.search(r"[.?!](?:\s+|$)", rest)
        title, tail = (
            (rest[: cut.start() + (cut.group()[0] != ".")], rest[cut.end() :])
            if cut
            else (rest, "")
        )
    fields: dict[str, str | None] = {}
    journal = None
    tail = tail.strip()
    located = _CONTAINER_LOCATOR.match(tail.rstrip(" ."))
    if located and not _IN_BOOK.match(tail):
        journal = located["journal"].replace("*", "").strip(" ,.")
        fields = _locator_fields(located)
    elif tail and not _IN_BOOK.match(tail) and not re.search(r"\bpp?\.?\s*\d", tail):
        journal = tail.split(". ")[0].replace("*", "").strip(" ,.") or None
    return ParsedReference(
        raw=text,
        authors=authors,
        et_al=et_al,
        title=_clean_title(title),
        journal=journal,
        year=year,
        volume=fields.get("volume"),
        issue=fields.get("issue"),
        first_page=fields.get("first_page"),
        last_page=fields.get("last_page"),
        article_number=fields.get("article_number"),
    )


_GROUP_NAME = re.compile(
    r"(?=[A-Z])[^.:;(),\d]{0,100}?\b(?:Organi[sz]ation|Association|Society|Institutes?"
    r"|Cent(?:er|re)s?|Foundation|Agency|Department|Ministry|College|Committee|Council|Board"
    r"|Administration|Group|Consortium|Federation|Academy|Commission|Office|Network"
    r"|Collaborat\w*|Services?|Alliance|Coalition|Union|Registry|Program(?:me)?|Task Force)"
    r"\b[^.:;(),\d]{0,80}?"
)
_GROUP_AUTHOR_FIRST = re.compile(rf"^(?P<name>{_GROUP_NAME.pattern})\.\s+(?=[A-Z\d])")
"""An organisation printed where the authors go ("World Health Organization. Global
tuberculosis report 2020. Geneva: …"): it is the author, and the title is the sentence after
it. Known by the words organisations are named with, so a title printed first stays a title."""

_GROUP_AUTHOR_OPENS = re.compile(rf"^(?:{_GROUP_NAME.pattern})(?:\.\s|\s*\(\s*(?:1[89]|20)\d\d)")


def opens_with_organisation(line: str) -> bool:
    """Whether a line starts a reference by an organisation ("Centers for Disease Control
    and Prevention (2020). …"): where a list without numbers has a new entry though no
    person's name opens it."""
    return _GROUP_AUTHOR_OPENS.match(line) is not None


_GROUP_AUTHOR_LAST = re.compile(
    r"(?<=\w),\s*[A-Z][^,]*?\s(?:Consortium|Group|Collaborat\w*|Investigators|Network|Committee)"
    r"\b[^,]*$"
)
"""A group named after the people ("McQuilton P, Thurmond J, FlyBase Consortium"): the
people are the authors that citations name."""


def _author_list(text: str) -> tuple[tuple[PersonName, ...], bool]:
    """ "Smith, J., & Lee, K." (APA/Harvard) or "Smith J, Lee K" (Vancouver), all of it."""
    text = text.strip().rstrip(",")
    et_al = bool(re.search(r"\bet\s+al\b\.?$", text))
    text = re.sub(r",?\s*\bet\s+al\b\.?$", "", text).strip()
    text = _GROUP_AUTHOR_LAST.sub("", text)
    for pattern in (_APA_AUTHOR, _AUTHOR):
        names: list[PersonName] = []
        position = 0
        while position < len(text):
            found = pattern.match(text, position)
            if found is None or found.end() == position:
                break
            names.append(
                PersonName(
                    found["family"].strip(),
                    re.sub(r"[\s.\-]", "", found["initials"]),
                    found["suffix"] or "",
                )
            )
            position = found.end()
            position += len(text[position:]) - len(text[position:].lstrip(" ,&"))
            if text.startswith("and ", position):
                position += 4
        if names and position >= len(text.rstrip(". ")):
            return tuple(names), et_al
    return (), False


def _with_kind(parsed: ParsedReference, text: str, url: str | None) -> ParsedReference:
    """Book chapters, books, conference papers and web pages, from the words they print."""
    after_title = text
    if parsed.title and parsed.title in text:
        after_title = text[text.index(parsed.title) + len(parsed.title) :].lstrip(" .,")
    pages = _BOOK_PAGES.search(after_title)
    if pages:
        parsed = replace(
            parsed,
            first_page=parsed.first_page or pages["first"],
            last_page=parsed.last_page or _expand_last_page(pages["first"], pages["last"]),
        )
    in_book = _IN_BOOK.match(after_title)
    if in_book or after_title.startswith(("In:", "In ")):
        rest = in_book["rest"] if in_book else re.sub(r"^In:?\s+", "", after_title)
        container = re.split(r"(?<!\bvol)(?<!\bno)\.\s|;", rest)[0].strip(" .")
        imprint = _imprint(rest[len(container) :])
        conference = _CONFERENCE.search(container) is not None
        return replace(
            parsed,
            kind="conference" if conference else "chapter",
            journal=None,
            container=container or None,
            editors=_author_list(in_book["editors"])[0] if in_book else (),
            publisher=imprint.publisher,
            place=imprint.place,
            url=url,
        )
    if _CONFERENCE.search(after_title):
        return replace(parsed, kind="conference", container=parsed.journal, journal=None, url=url)
    if url and (parsed.journal is None or _WEB.search(text)):
        return _web_page(parsed, after_title, url)
    imprint = _imprint(after_title)
    if imprint.publisher and parsed.volume is None:
        return replace(
            parsed,
            kind="book",
            journal=None,
            publisher=imprint.publisher,
            place=imprint.place,
            url=url,
        )
    return replace(parsed, url=url)


def _web_page(parsed: ParsedReference, after_title: str, url: str) -> ParsedReference:
    """A page with a link; an organisation printed where the authors go is its author."""
    title, authors = parsed.title, parsed.authors
    if not authors and title and ". " in title:
        organisation, title = title.split(". ", 1)
        if not re.search(r"\d", organisation) and len(organisation.split()) <= 8:
            authors = (PersonName(organisation, organisation=True),)
        else:
            title = parsed.title
    title = re.sub(r"\s*\[Internet\]", "", title or "").strip() or None
    imprint = _imprint(after_title)
    return replace(
        parsed,
        kind="web",
        authors=authors,
        title=title,
        journal=None,
        publisher=imprint.publisher,
        place=imprint.place,
        url=url,
    )


_CONFERENCE = re.compile(
    r"\b(?:Proceedings|Proc\.|Conference|Symposium|Congress|Meeting|Workshop)\b"
)
_WEB = re.compile(r"\[Internet\]|Available (?:from|at)|accessed|cited", re.IGNORECASE)
_BOOK_PAGES = re.compile(r"\bpp?\.?\s*(?P<first>\d+)\s*[-\u2013]\s*(?P<last>\d+)")


_PUBLISHER = re.compile(
    r"(?:^|[.]\s+)(?P<place>[A-Z][\w .,'-]{1,60}?):\s*"
    r"(?P<name>[A-Z][^;:.]{1,80}?)(?:[;,.]|\s+(?:1[5-9]|20)\d{2})"
)


@dataclass(frozen=True)
class _Imprint:
    publisher: str | None = None
    place: str | None = None


def _imprint(text: str) -> _Imprint:
    """The publisher and its place from "Place: Publisher" (neither if not there)."""
    match = _PUBLISHER.search(text)
    if match is None:
        return _Imprint()
    return _Imprint(match["name"].strip(), match["place"].strip())


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
