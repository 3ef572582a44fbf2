"""Deciding which Crossref work, if any, a reference string denotes.

Pure: a parsed reference and Crossref work messages in, a scored and explained
``Resolution`` out. No HTTP (that is kg.crossref), no RDF (kg.rdf.crossref).

The method is Crossref's search-based matching with validation (SBMV, Tkaczyk): the search
engine proposes candidates for the whole string, then each candidate is checked against the
string with a generalised Jaccard similarity over the evidence it can be checked on
(numbers: year with half credit for one year off, volume, issue, pages with abbreviated
ranges expanded, numbers in titles; the first author's family name; title; journal or its
abbreviation; the share of the string's words the record explains), numbers left over in
the string counting against it. A wrong DOI is worse than none, so on top of the score a
match must be *identified* (its title, its first author, or journal + volume + page found,
and the string mostly explained by it) and clear of any close second.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from typing import Any, Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from kg.doi import DOI_IN_TEXT, find_doi
from kg.references import ParsedReference

Status = Literal["matched", "ambiguous", "unmatched", "error"]
Work = dict[str, Any]

# Thresholds, chosen by `bench/calibrate_matcher.py` on the dev half of the generated dev set
# through the local Crossref-compatible server and the real client: the values maximising F1
# with precision >= 0.99 there (dev P 0.997, R 0.983); on the test half, end to end,
# P 1.000, R 0.982, F1 0.991 (bench/RESULTS.md, "Matcher calibration").
MATCH_MIN_SCORE = 0.76
"""A candidate's validation score must reach this to be matched."""
TIE_MARGIN = 0.03
"""A different work scoring within this of the best makes the reference ambiguous."""
CANDIDATE_MIN_SCORE = 0.0
"""Search relevance per character of the string below which a candidate is not validated
(SBMV's candidate filter, 0.4 on Crossref's Solr-era scores; calibration found no value
above 0 that helps once candidates are validated)."""
COVERAGE_MIN = 0.6
"""Share of the string's words a candidate must explain to be matched at all."""
COVERAGE_MIN_WITHOUT_TITLE = 0.9
"""... when its title is not found in the string (styles without titles, or another work
by the same author): then only author, numbers and journal speak for it."""

# Fixed by construction, not calibrated: what counts as "found".
TITLE_MATCH = 0.8
"""Title similarity from which the title counts as found (typos and subtitles allowed)."""
AUTHOR_MATCH = 0.85
"""Name similarity from which the first author counts as found (one typo allowed)."""
CONFIRM_TITLE_MIN = 0.6
"""Below this title similarity a record reached through a written DOI contradicts the string."""

# Weights of the evidence items in the generalised Jaccard similarity.
TITLE_WEIGHT = 2.0
AUTHOR_WEIGHT = 1.0
NUMBER_WEIGHT = 1.0
CONTAINER_WEIGHT = 1.0
COVERAGE_WEIGHT = 2.0
LEFTOVER_WEIGHT = 0.5
"""What each number of the string that the candidate does not explain costs."""
LONG_TITLE = 40
"""Characters from which a title is specific enough to be looked for anywhere in a string."""


@dataclass(frozen=True)
class Thresholds:
    """The calibrated decision thresholds (the module constants unless calibrating)."""

    match_min_score: float = MATCH_MIN_SCORE
    tie_margin: float = TIE_MARGIN
    candidate_min_score: float = CANDIDATE_MIN_SCORE
    coverage_min: float = COVERAGE_MIN
    coverage_min_without_title: float = COVERAGE_MIN_WITHOUT_TITLE


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Resolution:
    """What the matcher decided for one reference string, and why."""

    input: str
    doi: str | None
    score: float
    status: Status
    reasons: tuple[str, ...] = ()
    work: Work | None = None
    source_url: str | None = None
    retrieved_at: datetime | None = None

    @property
    def title(self) -> str | None:
        """Title of the matched work, markup removed."""
        return work_title(self.work) if self.work else None

    @property
    def container(self) -> str | None:
        """Journal / book / proceedings title of the matched work."""
        return first_text(self.work, "container-title") if self.work else None

    @property
    def year(self) -> int | None:
        """Publication year of the matched work."""
        return work_year(self.work) if self.work else None


# --------------------------------------------------------------------------- text


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


_TAG_LIKE = re.compile(r"</?[a-zA-Z][\w:.-]*(\s[^<>]*)?/?>")


def strip_markup(text: str) -> str:
    """Plain text of a Crossref title: tags (<i>, <sub>, MathML, <scp>) and entities removed,
    whitespace collapsed. Some publishers deposit escaped markup (``&lt;scp&gt;``), so a
    second pass runs when the first one leaves tags behind."""
    for _ in range(2):
        extractor = _TextExtractor()
        extractor.feed(text)
        extractor.close()
        text = "".join(extractor.parts)
        if not _TAG_LIKE.search(text):
            break
    return " ".join(text.split())


def fold(text: str) -> str:
    """Lower-case words without accents, separated by single spaces, for comparing strings."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", bare.casefold()).split())


_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_ARXIV = re.compile(r"\barxiv:\s*\S+", re.IGNORECASE)
_BRACKETED = re.compile(r"\[[^\]]*\]")
_ENUMERATION = re.compile(r"^\s*[\[(]?\d{1,4}[\])\].:]?\s+(?=\D)")
_RANGE = re.compile(
    r"(?<![\w.])([a-z]?)(\d+)\s*[-\u2010-\u2015\u2212]+\s*([a-z]?)(\d+)(?!\w)", re.IGNORECASE
)


def _expand_range(match: re.Match[str]) -> str:
    """'1425-37' -> '1425-1437': citations abbreviate the last page."""
    first_prefix, first, last_prefix, last = match.groups()
    if len(last) < len(first) and not last_prefix and int(first[-len(last) :]) < int(last):
        last = first[: len(first) - len(last)] + last
    return f"{first_prefix}{first}-{last_prefix or first_prefix}{last}"


_GLUED_YEAR = re.compile(r"\b((?:1[5-9]|20)\d\d)(?=[A-Z][a-z])")
"""A year printed against the title's first word: "2007Inference"."""
_GLUED_VOLUME = re.compile(r"\b([A-Z][a-z]{2,})(?=\d)")
"""A volume printed against the journal's last word: "Genetics175:1251"."""


def unglue(text: str) -> str:
    """A space where some publishers print none between a year and the title, or a journal
    and its volume ("2007Inference", "Genetics175:1251"), so each is read as itself."""
    return _GLUED_VOLUME.sub(r"\1 ", _GLUED_YEAR.sub(r"\1 ", text))


def clean_reference(raw: str) -> str:
    """The string as evidence: DOIs, URLs, arXiv ids, [bracketed] parts and the list number
    removed (SBMV does the same), glued numbers set apart, abbreviated page ranges
    expanded."""
    text = _URL.sub(" ", raw)
    text = DOI_IN_TEXT.sub(" ", text)
    text = re.sub(r"\bdoi\s*:?\s*", " ", text, flags=re.IGNORECASE)
    text = _ARXIV.sub(" ", text)
    text = _BRACKETED.sub(" ", text)
    text = _ENUMERATION.sub("", text)
    return _RANGE.sub(_expand_range, unglue(text))


def _numbers(folded: str) -> list[str]:
    return [t for t in folded.split() if any(c.isdigit() for c in t)]


def _canonical_number(token: str) -> str:
    """'009' and '9' are the same volume; 'e0033693' keeps its letters."""
    stripped = token.lstrip("0")
    return stripped if stripped.isdigit() else token


_SEGMENT_BREAK = re.compile(
    r"(?<=[.?!])\s+|[\u201c\u201d\u201e\"\u00ab\u00bb()\[\]]|\s[-\u2013\u2014]\s"
)


def segments(text: str) -> list[str]:
    """The string cut where styles put field boundaries (sentence ends, quotes, brackets),
    folded: a title is one or a few consecutive segments."""
    return [f for f in (fold(part) for part in _SEGMENT_BREAK.split(text)) if f]


# --------------------------------------------------------------------------- work fields


def first_text(work: Work, key: str) -> str | None:
    """The first value of a Crossref list field (titles come as lists), markup removed."""
    value = work.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    return strip_markup(str(value)) or None if value else None


def work_title(work: Work) -> str | None:
    """The work's title (the first Crossref gives), markup removed."""
    return first_text(work, "title")


def _date_year(work: Work, key: str) -> int | None:
    parts = (work.get(key) or {}).get("date-parts") or []
    if parts and parts[0] and parts[0][0] is not None:
        return int(parts[0][0])
    return None


def work_year(work: Work) -> int | None:
    """The year a work was published: issued, else print, else online, else created."""
    for key in ("issued", "published-print", "published-online", "published", "created"):
        year = _date_year(work, key)
        if year is not None:
            return year
    return None


def _work_years(work: Work) -> list[int]:
    """Every publication year a citation may legitimately give (print vs online first)."""
    keys = ("issued", "published-print", "published-online", "published")
    return sorted({y for y in (_date_year(work, k) for k in keys) if y is not None})


def first_author_family(work: Work) -> str | None:
    """Family name (or organisation name) of the work's first author."""
    authors = work.get("author") or []
    first = next((a for a in authors if a.get("sequence") == "first"), None)
    first = first or (authors[0] if authors else None)
    name = (first.get("family") or first.get("name")) if first else None
    return str(name) if name else None


def _work_pages(work: Work) -> tuple[str | None, str | None]:
    page = work.get("page") or work.get("article-number")
    if not page:
        return None, None
    tokens = fold(_RANGE.sub(_expand_range, str(page))).split()
    if not tokens:
        return None, None
    last = _canonical_number(tokens[-1]) if len(tokens) > 1 else None
    return _canonical_number(tokens[0]), last


def _doi(work: Work) -> str:
    return str(work.get("DOI", "")).lower()


# --------------------------------------------------------------------------- record kinds

NOTICE_TYPES = frozenset(
    {
        "correction",
        "erratum",
        "retraction",
        "withdrawal",
        "expression_of_concern",
        "removal",
        "clarification",
        "addendum",
        "partial_retraction",
    }
)
_NOTICE_TITLE = re.compile(
    r"^\s*(author\s+correction|publisher\s+correction|correction|corrigendum|corrigenda|"
    r"erratum|errata|retraction(\s+note)?|retracted|expression\s+of\s+concern|"
    r"notice\s+of\s+retraction|withdrawn|addendum)\b",
    re.IGNORECASE,
)
_NOTICE_IN_STRING = re.compile(
    r"\b(correction|corrigendum|corrigenda|erratum|errata|retraction|retracted|"
    r"expression of concern|addendum)\b",
    re.IGNORECASE,
)
_RESPONSE_TITLE = re.compile(
    r"^\W*(?P<kind>(?:author(?:s|s'|'s|\u2019s)?\s+)?repl(?:y|ies)|in\s+reply|response\s+to|"
    r"rejoinder|comments?\s+on|commentary\s+on|re\s*:|letter\s+to\s+the\s+editor|"
    r"editorial|editor(?:'s|\u2019s|s)?\s+note|publisher(?:'s|\u2019s)?\s+note|"
    r"current\s+comment)\b"
    r"|(?:[-\u2010-\u2015]\s*(?P<reply>reply)|[\u2013\u2014:]\s*(?P<answer>response|rejoinder))"
    r"\W*$",
    re.IGNORECASE,
)
"""Titles of replies, comments and editorials ("Reply to: Comment on “…”", "Genital Powder
Use and Ovarian Cancer—Reply", "Editorial"), which often repeat the title they answer; a
trailing "response" only after a dash or colon, not in "dose-response"."""
RESPONSE_RELATIONS = frozenset({"is-reply-to", "is-comment-on"})
"""Crossref relations that make a record a reply to, or comment on, another work."""
_RESPONSE_WORDS = re.compile(r"\b(repl(?:y|ies)|rejoinder|comments?\s+on)\b", re.IGNORECASE)
_PEER_REVIEW = re.compile(
    r"\b(review\s+for|decision\s+letter\s+for|author\s+response\s+for)\b", re.IGNORECASE
)
_BOOK_REVIEW_TITLE = re.compile(
    r"\b(edited\s+)?by\s+[A-Z][^.]*\.\s.*\b(pp?\.|pages)\s*[\divxlc]|\$\s?\d+\.\d\d|\b\d+\s*pp\."
)
_REVIEW_IN_STRING = re.compile(r"\b(book\s+)?review(ed)?\b", re.IGNORECASE)
_CHAPTER_MARKER = re.compile(r"(?:^|[.?!,;]\s*)In:?\s+\S", re.MULTILINE)
BOOK_TYPES = frozenset({"book", "monograph", "edited-book", "reference-book", "book-set"})
CHAPTER_TYPES = frozenset({"book-chapter", "book-section", "book-part", "reference-entry"})
UNCITED_TYPES = frozenset({"component", "journal", "journal-volume", "journal-issue"})
"""Parts of an article (figures, tables) and whole journals or issues, which share the
journal's words with every article in it: never what a reference cites."""


def is_notice(work: Work) -> bool:
    """A correction, erratum or retraction notice about another work."""
    for update in work.get("update-to") or []:
        target = str(update.get("DOI", "")).lower()
        if update.get("type") in NOTICE_TYPES and target != _doi(work):
            return True
    return bool(_NOTICE_TITLE.match(work_title(work) or ""))


def response_kind(work: Work) -> str | None:
    """What makes the record a reply, comment or editorial rather than a research article
    (its Crossref relation, or the words of its title), or None."""
    relations = sorted(RESPONSE_RELATIONS & set(work.get("relation") or {}))
    if relations:
        return relations[0].replace("-", " ")
    found = _RESPONSE_TITLE.search(work_title(work) or "")
    if found is None:
        return None
    kind = found.group("kind") or found.group("reply") or found.group("answer")
    return " ".join(kind.casefold().split())


def cites_a_response(raw: str) -> bool:
    """Whether the string itself cites a reply, comment or editorial: one of its parts reads
    like such a title, or it names a reply or comment."""
    parts = _SEGMENT_BREAK.split(raw)
    return any(_RESPONSE_TITLE.search(part.strip()) for part in parts if part) or bool(
        _RESPONSE_WORDS.search(raw)
    )


def is_peer_review(work: Work) -> bool:
    """A referee report, decision letter or author response about another work."""
    title = work_title(work) or ""
    return work.get("type") == "peer-review" or bool(_PEER_REVIEW.match(title))


def is_book_review(work: Work) -> bool:
    """A journal's review of a book, whose title repeats the book's title, editor and price."""
    return bool(_BOOK_REVIEW_TITLE.search(work_title(work) or ""))


def _excluded(work: Work, raw: str) -> str | None:
    """Why a candidate cannot be the cited work whatever its score, or None."""
    doi = _doi(work)
    kind = work.get("type")
    if kind in UNCITED_TYPES:
        return f"{doi} is a {kind} record, not a citable work"
    if is_notice(work) and not _NOTICE_IN_STRING.search(raw):
        return f"{doi} is a correction/retraction notice, not the work cited"
    if is_peer_review(work) and not _PEER_REVIEW.search(raw):
        return f"{doi} is a peer review of another work"
    response = response_kind(work)
    if response is not None and not cites_a_response(raw):
        return f"{doi} is a reply, comment or editorial ({response}), not the work cited"
    if kind in BOOK_TYPES and _CHAPTER_MARKER.search(raw):
        return f"{doi} is the whole book; the string cites a part of it"
    return None


# --------------------------------------------------------------------------- journals

_STOP_WORDS = frozenset(
    {
        "of",
        "the",
        "and",
        "for",
        "in",
        "on",
        "a",
        "an",
        "de",
        "der",
        "des",
        "du",
        "la",
        "le",
        "et",
        "und",
        "fur",
        "y",
    }
)


def _content_words(folded: str) -> list[str]:
    return [w for w in folded.split() if w not in _STOP_WORDS]


def _abbreviates_word(short: str, word: str) -> bool:
    if word.startswith(short):
        return True
    if not short or short[0] != word[0]:
        return False
    letters = iter(word)
    return all(c in letters for c in short)


def abbreviates(abbreviation: str, title: str) -> bool:
    """Whether ``abbreviation`` is an ISO 4 / NLM style abbreviation of ``title``: each
    abbreviated word is a prefix of the next content word (``J Cardiovasc Comput Tomogr`` for
    Journal of Cardiovascular Computed Tomography), or a contraction whose letters appear in
    order in it (``Natl``)."""
    short = _content_words(fold(abbreviation))
    full = _content_words(fold(title))
    if not short or len(short) != len(full):
        return False
    return all(_abbreviates_word(a, w) for a, w in zip(short, full, strict=True))


def _container_names(work: Work) -> list[str]:
    names = [
        fold(strip_markup(str(name)))
        for key in ("container-title", "short-container-title")
        for name in work.get(key) or []
    ]
    return [n for n in names if n]


def container_in_string(work: Work, folded_string: str) -> bool:
    """Whether the string names the work's journal (or book, or proceedings), in full or
    abbreviated."""
    names = _container_names(work)
    padded = f" {folded_string} "
    if any(f" {name} " in padded for name in names):
        return True
    words = folded_string.split()
    for name in names:
        size = len(_content_words(name))
        for length in range(max(1, size - 1), size + 3):
            for start in range(len(words) - length + 1):
                if abbreviates(" ".join(words[start : start + length]), name):
                    return True
    return False


# --------------------------------------------------------------------------- evidence


@dataclass
class Evidence:
    """The checked items of one candidate; its similarity is ``support / total``."""

    kind: str = ""
    support: float = 0.0
    total: float = 0.0
    reasons: list[str] = field(default_factory=list)
    author_credit: float | None = None
    title_credit: float | None = None
    coverage: float = 1.0
    located: set[str] = field(default_factory=set)
    """Which of journal, year, volume and a distinctive first page the string gives."""
    contradictions: list[Contradiction] = field(default_factory=list)
    """Numbers the string states that the record has otherwise."""

    def add(self, weight: float, credit: float, reason: str) -> None:
        self.support += weight * credit
        self.total += weight
        self.reasons.append(reason)

    @property
    def score(self) -> float:
        return round(self.support / self.total, 4) if self.total else 0.0

    def unidentified(self, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str | None:
        """Why this evidence does not single out the work, or None when it does."""
        if self.coverage < thresholds.coverage_min:
            return f"it explains only {self.coverage:.0%} of the string's words"
        title_found = (self.title_credit or 0.0) >= TITLE_MATCH
        author_found = (self.author_credit or 0.0) >= AUTHOR_MATCH
        located = self.located >= {"journal", "volume", "page"}
        if not (title_found or author_found or located):
            return "neither its title, its first author nor its journal, volume and page are found"
        if not title_found and self.coverage < thresholds.coverage_min_without_title:
            return f"its title is not found and it explains {self.coverage:.0%} of the words"
        if self.kind in CHAPTER_TYPES and not title_found and "page" not in self.located:
            return "the string names the book, not this part of it"
        return None


def _author_credit(reference: ParsedReference, family: str, folded_string: str) -> float:
    """How well the candidate's first author matches the start of the string (where every
    style puts the first author, after initials in IEEE) or the parsed first author."""
    target = fold(family)
    if not target:
        return 0.0
    size = len(target.split())
    head = folded_string.split()[: 6 + size]
    windows = [" ".join(head[i : i + size]) for i in range(len(head) - size + 1)]
    best = max((fuzz.ratio(target, w) / 100 for w in windows), default=0.0)
    if reference.authors:
        best = max(best, fuzz.ratio(target, fold(reference.authors[0].family)) / 100)
    return best if best >= 0.75 else 0.0


def _title_credit(reference: ParsedReference, work: Work, cleaned: str) -> float:
    """Similarity of the candidate's title (with or without subtitle) to the title the string
    gives: the parsed title, or the best run of up to four consecutive segments. Comparing
    whole segments keeps a short title ("Citizen Science") from matching inside a longer one;
    a long title is also looked for anywhere, for run-on strings."""
    title = fold(work_title(work) or "")
    subtitle = fold(first_text(work, "subtitle") or "")
    variants = [t for t in (title, f"{title} {subtitle}".strip()) if t]
    if not variants:
        return 0.0
    parts = segments(cleaned)
    windows = [
        " ".join(parts[i:j])
        for i in range(len(parts))
        for j in range(i + 1, min(i + 5, len(parts) + 1))
    ]
    if reference.title:
        windows.append(fold(reference.title))
    best = max((fuzz.ratio(v, w) / 100 for v in variants for w in windows), default=0.0)
    folded = fold(cleaned)
    for variant in variants:
        if LONG_TITLE <= len(variant) <= len(folded):
            best = max(best, fuzz.partial_ratio(variant, folded) / 100)
    return best


# Words of a reference string that are style, not content: they need no explaining.
_STYLE_WORDS = frozenset(
    {
        *("vol", "vols", "volume", "no", "nos", "number", "pp", "page", "pages"),
        *("eds", "editor", "editors", "edn", "edition", "et", "al"),
        *("in", "and", "the", "of", "for", "with", "from", "by", "on", "at", "to", "as", "or"),
        *("an", "is", "are", "be", "its", "into", "via"),
        *("accessed", "available", "online", "retrieved", "http", "https", "www", "doi", "org"),
        *("pmid", "pmcid", "epub", "ahead", "print"),
    }
)


@dataclass(frozen=True)
class Vocabulary:
    """The words a candidate can explain a string with: its title's, everything else's
    (people, with their initials, publisher, event, journal) and its journal's apart
    (journals are abbreviated by contraction as well as truncation)."""

    title: frozenset[str]
    other: frozenset[str]
    journal: frozenset[str]
    everything: frozenset[str]

    @classmethod
    def of(cls, work: Work) -> Vocabulary:
        titles: list[str] = []
        for key in ("title", "subtitle", "original-title", "short-title"):
            value = work.get(key) or []
            titles.extend(
                strip_markup(str(t)) for t in ([value] if isinstance(value, str) else value)
            )
        others: list[str] = [str(work.get("publisher") or ""), str(work.get("group-title") or "")]
        others.append(str((work.get("event") or {}).get("name") or ""))
        for key in ("author", "editor"):
            for person in work.get(key) or []:
                given = str(person.get("given") or "")
                others.extend(
                    (given, str(person.get("family") or ""), str(person.get("name") or ""))
                )
                others.append("".join(word[0] for word in fold(given).split()))  # "RCK"
        journal = frozenset(w for name in _container_names(work) for w in name.split())
        title_words = frozenset(w for text in titles for w in fold(text).split())
        other_words = frozenset(w for text in others for w in fold(text).split()) | journal
        return cls(title_words, other_words, journal, title_words | other_words)

    def explains(self, word: str, *, with_title: bool = True) -> bool:
        words = self.everything if with_title else self.other
        if word in words or any(v.startswith(word) for v in words):
            return True
        if any(_abbreviates_word(word, v) for v in self.journal):
            return True
        return len(word) >= 5 and any(
            fuzz.ratio(word, v) >= 80 for v in words if abs(len(v) - len(word)) <= 2
        )


def content_words(folded_string: str) -> list[str]:
    """The words of a string that say what it cites (not style words, numbers, initials)."""
    return [
        w for w in folded_string.split() if len(w) >= 3 and w.isalpha() and w not in _STYLE_WORDS
    ]


def coverage(vocabulary: Vocabulary, words: Sequence[str]) -> tuple[float, list[str]]:
    """Share of the string's content words the candidate explains (its authors, title,
    journal or its abbreviation, publisher), and the words left unexplained: a string about
    another work is mostly words the candidate does not have."""
    if not words:
        return 1.0, []
    missing = [w for w in words if not vocabulary.explains(w)]
    return 1 - len(missing) / len(words), missing


def _take(pool: Counter[str], token: str) -> bool:
    key = _canonical_number(token)
    if pool[key] > 0:
        pool[key] -= 1
        return True
    return False


def validate(reference: ParsedReference, work: Work) -> Evidence:
    """Check one candidate work against the reference (see the module docstring)."""
    cleaned = clean_reference(reference.raw)
    folded = fold(cleaned)
    pool: Counter[str] = Counter(_canonical_number(t) for t in _numbers(folded))
    evidence = Evidence(kind=str(work.get("type") or ""))
    _check_author(evidence, reference, work, folded)
    _check_year(evidence, reference, work, pool)
    _check_numbers(evidence, reference, work, pool)
    vocabulary = Vocabulary.of(work)
    words = content_words(folded)
    if work_title(work):
        credit = _title_credit(reference, work, cleaned)
        evidence.title_credit = credit
        # A string every word of which the record explains without its title has no title
        # (styles without titles): there is nothing to compare, so no credit and no cost.
        untitled = all(vocabulary.explains(w, with_title=False) for w in words)
        if credit >= TITLE_MATCH or not untitled:
            evidence.add(TITLE_WEIGHT, credit, f"title similarity {credit:.2f}")
        else:
            evidence.reasons.append("the string gives no title to compare")
    share, missing = coverage(vocabulary, words)
    evidence.coverage = share
    unexplained = f" (not: {', '.join(missing[:5])}{'...' if len(missing) > 5 else ''})"
    evidence.add(
        COVERAGE_WEIGHT,
        share,
        f"record explains {share:.0%} of the string's words{unexplained if missing else ''}",
    )
    if _container_names(work):
        found = container_in_string(work, folded)
        name = first_text(work, "short-container-title") or first_text(work, "container-title")
        evidence.add(
            CONTAINER_WEIGHT,
            1.0 if found else 0.0,
            f"journal {name} {'matches' if found else 'not found'}",
        )
        if found:
            evidence.located.add("journal")
    evidence.contradictions = contradictions(reference, work, cleaned)
    leftover = sorted(t for t, n in pool.items() for _ in range(n))
    if leftover:
        evidence.total += LEFTOVER_WEIGHT * len(leftover)
        evidence.reasons.append(f"numbers not explained by the record: {', '.join(leftover)}")
    return evidence


def _check_author(evidence: Evidence, reference: ParsedReference, work: Work, folded: str) -> None:
    family = first_author_family(work)
    if not family:
        return
    credit = _author_credit(reference, family, folded)
    evidence.author_credit = credit
    verdict = "matches" if credit >= AUTHOR_MATCH else ("nearly matches" if credit else "not found")
    evidence.add(AUTHOR_WEIGHT, credit, f"first author {family} {verdict}")


def _check_year(
    evidence: Evidence, reference: ParsedReference, work: Work, pool: Counter[str]
) -> None:
    years = _work_years(work)
    if not years:
        return
    credit = 1.0 if any(_take(pool, str(y)) for y in years) else 0.0
    if not credit and any(_take(pool, str(y - 1)) or _take(pool, str(y + 1)) for y in years):
        credit = 0.5
    shown = work_year(work)
    if credit == 1.0:
        evidence.located.add("year")
        reason = f"year {shown} matches"
    elif credit == 0.5:
        reason = f"year {shown} is one year off"
    elif reference.year is not None:
        reason = f"year {reference.year} differs: {shown}"
    else:
        reason = f"year {shown} not in string"
    evidence.add(NUMBER_WEIGHT, credit, reason)


def _check_numbers(
    evidence: Evidence, reference: ParsedReference, work: Work, pool: Counter[str]
) -> None:
    """Volume, issue, pages and numbers in titles, each found in the string or not."""
    volume = str(work.get("volume") or "")
    if _numbers(fold(volume)):
        if all(_take(pool, t) for t in _numbers(fold(volume))):
            evidence.add(NUMBER_WEIGHT, 1.0, f"volume {volume} matches")
            evidence.located.add("volume")
        elif reference.volume:
            evidence.add(NUMBER_WEIGHT, 0.0, f"volume {reference.volume} differs: {volume}")
        else:
            evidence.add(NUMBER_WEIGHT, 0.0, f"volume {volume} not in string")
    issue = str(work.get("issue") or "")
    # Many styles leave the issue out: it can only add support, never cost.
    if _numbers(fold(issue)) and all(_take(pool, t) for t in _numbers(fold(issue))):
        evidence.add(NUMBER_WEIGHT, 1.0, f"issue {issue} matches")
    first_page, last_page = _work_pages(work)
    if first_page:
        if _take(pool, first_page):
            evidence.add(NUMBER_WEIGHT, 1.0, f"first page {first_page} matches")
            if first_page != "1":
                evidence.located.add("page")
        elif reference.first_page or reference.article_number:
            cited = reference.first_page or reference.article_number
            evidence.add(NUMBER_WEIGHT, 0.0, f"first page {cited} differs: {first_page}")
        else:
            evidence.add(NUMBER_WEIGHT, 0.0, f"first page {first_page} not in string")
        if last_page and last_page != first_page and _take(pool, last_page):
            evidence.add(NUMBER_WEIGHT, 1.0, f"last page {last_page} matches")
    for text in (work_title(work), first_text(work, "container-title")):
        for token in _numbers(fold(text or "")):
            if _take(pool, token):
                evidence.add(NUMBER_WEIGHT, 1.0, f"number {token} in title matches")


# --------------------------------------------------------------------------- contradictions


@dataclass(frozen=True)
class Contradiction:
    """A year, volume or first page the string states and the record has otherwise."""

    field: str
    stated: str
    recorded: str

    def __str__(self) -> str:
        return f"{self.field} {self.stated} differs: {self.recorded}"

    @property
    def slip(self) -> bool:
        """One digit changed, dropped or swapped with its neighbour in a number of three
        digits or more: a typing slip (in shorter ones it makes another volume or page)."""
        return (
            min(len(self.stated), len(self.recorded)) >= SLIP_MIN_DIGITS
            and OSA.distance(self.stated, self.recorded) <= 1
        )


_STATED_YEAR = re.compile(r"\(((?:1[5-9]|20)\d\d)[a-z]?\)")
_STATED_VOLUME = (
    re.compile(r"\bvol(?:ume)?\.?\s*(\d+)\b", re.IGNORECASE),
    re.compile(r"(?<![\d.])(\d{1,5})\s*\([^()]{1,15}\)\s*[:,]"),
    re.compile(r"(?<![\d.])(\d{1,5})\s*:\s*[a-z]?\d", re.IGNORECASE),
)
_STATED_PAGE = (
    re.compile(r"\bpp?\.\s*([a-z]?\d+)", re.IGNORECASE),
    re.compile(r"(?<![\d.])\d{1,5}\s*(?:\([^()]{1,15}\))?\s*:\s*([a-z]?\d+)", re.IGNORECASE),
    re.compile(r"(?<![\d.])\d{1,5}\s*\([^()]{1,15}\)\s*,\s*([a-z]?\d+)", re.IGNORECASE),
)
YEAR_TOLERANCE = 1
"""Years apart a citation may give without contradicting the record (print vs online)."""
SLIP_MIN_DIGITS = 3


def _stated(patterns: Iterable[re.Pattern[str]], text: str) -> str | None:
    for pattern in patterns:
        found = pattern.search(text)
        if found:
            return _canonical_number(found.group(1).casefold())
    return None


def _stated_page(reference: ParsedReference, cleaned: str) -> str | None:
    """The first page (or article number) the string gives: parsed, after "p."/"pp.", after
    "volume:", else the first number of its last page range."""
    parsed = reference.first_page or reference.article_number
    if parsed:
        return _canonical_number(parsed.casefold())
    stated = _stated(_STATED_PAGE, cleaned)
    if stated:
        return stated
    ranges = [
        m
        for m in _RANGE.finditer(cleaned)
        if int(m.group(2)) < int(m.group(4)) and not _is_year(m.group(2))
    ]
    return _canonical_number(ranges[-1].group(2)) if ranges else None


def _is_year(token: str) -> bool:
    return len(token) == 4 and 1500 <= int(token) < 2100


def _stated_year(
    reference: ParsedReference, work: Work, cleaned: str, free: set[str]
) -> str | None:
    """The year the string gives: parsed or in parentheses, standing alone among its numbers
    (not in "e0171550"), not a page, page range or volume, not a number of the record's
    title ("Post-1500 population flows")."""
    ranged = {n for m in _RANGE.finditer(cleaned) for n in (m.group(2), m.group(4))}
    titled = set(_numbers(fold(work_title(work) or "")))
    stated = [str(reference.year)] if reference.year else []
    stated += _STATED_YEAR.findall(cleaned)
    for year in stated:
        if year in free and _is_year(year) and year not in ranged | titled:
            return year
    return None


def contradictions(reference: ParsedReference, work: Work, cleaned: str) -> list[Contradiction]:
    """The year, volume and first page the string states where the record has another one
    and the record's own value appears nowhere in the string (so a misread number in a
    title cannot contradict)."""
    present = {_canonical_number(t) for t in _numbers(fold(cleaned))}
    found: list[Contradiction] = []
    page = _stated_page(reference, cleaned)
    stated_volume = reference.volume or _stated(_STATED_VOLUME, cleaned)
    years = _work_years(work)
    year = _stated_year(reference, work, cleaned, present - {page, stated_volume})
    if years and year is not None:
        near = any(abs(int(year) - y) <= YEAR_TOLERANCE for y in years)
        if not near and not any(str(y) in present for y in years):
            found.append(Contradiction("year", str(year), str(work_year(work))))
    volume = _numbers(fold(str(work.get("volume") or "")))
    if volume and stated_volume and not all(_canonical_number(t) in present for t in volume):
        stated_volume = _canonical_number(fold(stated_volume))
        if stated_volume not in {_canonical_number(t) for t in volume}:
            found.append(Contradiction("volume", stated_volume, " ".join(volume)))
    first_page, _ = _work_pages(work)
    article = _canonical_number(fold(str(work.get("article-number") or ""))) or None
    recorded = {p for p in (first_page, article) if p}
    if page and recorded and first_page != "1" and not recorded & present and page not in recorded:
        found.append(Contradiction("first page", page, first_page or article or ""))
    return found


OVERWHELMING_TITLE = 0.95
"""Title similarity from which, with the first author and two more numbers agreeing, a
single slip in one number does not stop a match."""


def overlooked(evidence: Evidence) -> str | None:
    """Why a contradiction is let pass (one slip against overwhelming agreement), or None."""
    if len(evidence.contradictions) != 1:
        return None
    (contradiction,) = evidence.contradictions
    agreeing = sorted(evidence.located - {contradiction.field.split()[-1]})
    if (
        contradiction.slip
        and (evidence.title_credit or 0.0) >= OVERWHELMING_TITLE
        and (evidence.author_credit or 0.0) >= AUTHOR_MATCH
        and len(agreeing) >= 2
    ):
        agree = ", ".join(["title", "first author", *agreeing[:-1]]) + f" and {agreeing[-1]}"
        return f"accepted despite {contradiction}: one digit off, and {agree} agree"
    return None


def contradicted(candidate_doi: str, evidence: Evidence) -> str | None:
    """Why the numbers the string states rule the candidate out, or None."""
    if not evidence.contradictions or overlooked(evidence):
        return None
    listed = "; ".join(str(c) for c in evidence.contradictions)
    return f"{candidate_doi} contradicts the string ({listed}): a wrong DOI is worse than none"


# --------------------------------------------------------------------------- decisions


@dataclass(frozen=True)
class Candidate:
    """A search result with its evidence, and the note that sets it aside if it cannot be
    the cited work."""

    work: Work
    evidence: Evidence
    excluded: str | None = None
    relevance: float | None = None  # search score per character of the string

    @property
    def doi(self) -> str:
        return _doi(self.work)

    @property
    def score(self) -> float:
        return self.evidence.score


def rank(reference: ParsedReference, candidates: Iterable[Work]) -> list[Candidate]:
    """Every distinct candidate validated against the reference, best score first; the ones
    that cannot be the cited work (notices, peer reviews, figures...) carry why."""
    ranked: list[Candidate] = []
    seen: set[str] = set()
    raw = reference.raw
    for work in candidates:
        doi = _doi(work)
        if not doi or doi in seen:
            continue
        seen.add(doi)
        score = work.get("score")
        relevance = float(score) / len(raw) if isinstance(score, int | float) and raw else None
        evidence = validate(reference, work)
        excluded = _excluded(work, raw) or contradicted(doi, evidence)
        forgiven = overlooked(evidence)
        if forgiven:
            evidence.reasons.append(forgiven)
        if (
            excluded is None
            and is_book_review(work)
            and not _REVIEW_IN_STRING.search(raw)
            and (evidence.author_credit or 0.0) < AUTHOR_MATCH
        ):
            excluded = f"{doi} is a review of the book, not the book"
        ranked.append(Candidate(work, evidence, excluded, relevance))
    ranked.sort(key=lambda c: (c.excluded is not None, -c.score))
    return ranked


def decide(
    reference: ParsedReference,
    ranked: Sequence[Candidate],
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    source_url: str | None = None,
    retrieved_at: datetime | None = None,
) -> Resolution:
    """The resolution for validated candidates: ``matched`` only when the best one scores
    above the threshold, is identified, and no other work comes within the tie margin.
    An unmatched resolution scores 0 (the score is the given DOI's; the reasons keep the
    best candidate's)."""
    raw = reference.raw

    def resolution(
        status: Status,
        score: float,
        reasons: Iterable[str],
        doi: str | None = None,
        work: Work | None = None,
    ) -> Resolution:
        return Resolution(raw, doi, score, status, tuple(reasons), work, source_url, retrieved_at)

    if not ranked:
        return resolution("unmatched", 0.0, ["no candidates found"])
    notes: list[str] = []
    viable: list[Candidate] = []
    for candidate in ranked:
        relevance = candidate.relevance
        if candidate.excluded:
            notes.append(candidate.excluded)
        elif relevance is not None and relevance < thresholds.candidate_min_score:
            notes.append(f"{candidate.doi} search score too low ({relevance:.2f} per character)")
        else:
            viable.append(candidate)
    if not viable:
        return resolution("unmatched", 0.0, [*notes, "no candidate left to validate"])
    best = viable[0]
    reasons = best.evidence.reasons
    if best.score < thresholds.match_min_score:
        why = (
            f"best candidate {best.doi} scores {best.score:.2f}, "
            f"below {thresholds.match_min_score:.2f}"
        )
        return resolution("unmatched", 0.0, [why, *reasons, *notes])
    weak = best.evidence.unidentified(thresholds)
    if weak is not None:
        why = f"best candidate {best.doi} (score {best.score:.2f}) is not identified: {weak}"
        return resolution("unmatched", 0.0, [why, *reasons, *notes])
    runner = next((c for c in viable[1:] if c.doi != best.doi), None)
    if runner is not None and best.score - runner.score <= thresholds.tie_margin:
        why = f"tie: {best.doi} scores {best.score:.2f} and {runner.doi} scores {runner.score:.2f}"
        return resolution("ambiguous", best.score, [why, *reasons, *notes])
    return resolution("matched", best.score, [*reasons, *notes], best.doi, best.work)


def choose(
    reference: ParsedReference,
    candidates: Sequence[Work],
    *,
    source_url: str | None = None,
    retrieved_at: datetime | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Resolution:
    """Pick the work a reference string denotes among search candidates, or refuse."""
    return decide(
        reference,
        rank(reference, candidates),
        thresholds=thresholds,
        source_url=source_url,
        retrieved_at=retrieved_at,
    )


def confirm_doi(
    reference: ParsedReference,
    work: Work | None,
    *,
    doi: str | None = None,
    source_url: str | None = None,
    retrieved_at: datetime | None = None,
) -> Resolution:
    """Check the record a DOI written in the string points to against the rest of the string.

    A DOI Crossref does not know gives ``unmatched``. A record whose first author, year and
    title contradict the string is flagged ``ambiguous`` with no DOI: a mistyped DOI usually
    lands on some other real work, and a wrong DOI is worse than none.
    """
    written = find_doi(doi or reference.doi or reference.raw)
    raw = reference.raw
    if work is None:
        return Resolution(
            raw,
            None,
            0.0,
            "unmatched",
            (f"DOI {written} not found at Crossref",),
            source_url=source_url,
            retrieved_at=retrieved_at,
        )
    found = _doi(work)
    cleaned = clean_reference(raw)
    rest = fold(cleaned)
    checks: list[tuple[bool, str]] = []
    family = first_author_family(work)
    if family and re.search(r"[^\W\d_]{2}", rest):
        credit = _author_credit(reference, family, rest)
        ok = credit >= AUTHOR_MATCH
        checks.append((ok, f"first author {family} {'matches' if ok else 'not found'}"))
    years = _work_years(work)
    cited = {int(t) for t in _numbers(rest) if t.isdigit() and len(t) == 4 and 1500 < int(t) < 2100}
    if years and cited:
        near = any(abs(y - c) <= 1 for y in years for c in cited)
        checks.append((near, f"year {work_year(work)} {'matches' if near else 'not in string'}"))
    if work_title(work) and len(rest.split()) >= 4:
        credit = _title_credit(reference, work, cleaned)
        checks.append((credit >= CONFIRM_TITLE_MIN, f"title similarity {credit:.2f}"))
    failures = [reason for ok, reason in checks if not ok]
    if checks and (len(failures) >= 2 or len(failures) == len(checks)):
        why = f"DOI {found} points to a record that contradicts the string"
        return Resolution(
            raw,
            None,
            0.0,
            "ambiguous",
            (why, *(r for _, r in checks)),
            source_url=source_url,
            retrieved_at=retrieved_at,
        )
    score = round(1 - len(failures) / (len(checks) + 1), 4)
    reasons = (f"DOI {found} confirmed at Crossref", *(r for _, r in checks))
    return Resolution(raw, found, score, "matched", reasons, work, source_url, retrieved_at)
