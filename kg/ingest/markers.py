"""In-text citation markers: which words of a sentence point at which references.

Numbered styles, as text copied from a PDF or a web page has them:

* brackets and parentheses with numbers, lists and ranges: ``(1, 2)``, ``[3-5; 7]``;
* superscripts: Unicode (``disease¹²``, ``¹⁻³``), ``^{1,2}`` markup, or plain digits glued
  to the word they follow once the superscript is lost (``fibers1;``, ``disease1,2,5-7.``);
* ``1)`` and ``2-5)`` (common in Japanese journals).

A candidate is a marker only when every number it denotes is in the reference list, and
never when it is part of a value, a date, a volume/issue (``14(1):95``), a figure or table
label (``Fig. 2``, ``Table1``), a unit (``m²``, ``10⁹/L``), a word with digits (``HbA1c``)
or an enumeration (``(1) fever, (2) cough``). A marker that could still be something else
(digits glued after a comma, ``1)`` after a space) is kept and marked ``ambiguous``.

Author-year styles: ``(Smith et al., 2019; Lee 2020a)`` and ``Smith and Lee (2019)``, each
cited work its own marker, linked by first author's family name and year (and the year's
letter, the second author or "et al." when they tell candidates apart); a citation that
fits more than one reference denotes them all and is marked ``ambiguous``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kg.document import CitationMarker, RawReference, Sentence
from kg.references import ParsedReference, parse_reference

_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPT_DIGITS + "⁻", "0123456789-")
_RANGE = r"[-\u2010-\u2013]"
_ITEM = rf"\d{{1,3}}(?:\s*{_RANGE}\s*\d{{1,3}})?"
_LIST = rf"{_ITEM}(?:\s*[,;]\s*{_ITEM})*"
_TIGHT_LIST = rf"\d{{1,3}}(?:{_RANGE}\d{{1,3}})?(?:,\d{{1,3}}(?:{_RANGE}\d{{1,3}})?)*"
_BRACKETED = re.compile(rf"\((?P<paren>{_LIST})\)|\[(?P<square>{_LIST})\]")
_SUPERSCRIPT = re.compile(
    rf"[{_SUPERSCRIPT_DIGITS}]+(?:\s?[,⁻\u2010-\u2013-]\s?[{_SUPERSCRIPT_DIGITS}]+)*"
    rf"|\^\{{(?P<markup>{_LIST})\}}"
)
_GLUED = re.compile(rf"(?<=[^\W\d_])(?P<content>{_TIGHT_LIST})(?![.,]?\d)(?=[\s.,;:)\]]|$)")
_AFTER_PUNCTUATION = re.compile(
    rf"(?<=[^\W\d_][.,;:])(?P<content>{_TIGHT_LIST})(?![.,]?\d)(?=[\s,;]|\.(?:\s|$)|$)"
)
_CLOSING_PAREN = re.compile(rf"(?<![\d(\[\w.,])(?P<content>{_TIGHT_LIST})\)")
_GLUED_PAREN = re.compile(rf"(?<=[^\W\d_])(?P<content>{_TIGHT_LIST})\)")
_LABELS = frozenset(
    [
        "fig",
        "figs",
        "figure",
        "figures",
        "table",
        "tables",
        "panel",
        "panels",
        "supplement",
        "suppl",
        "appendix",
        "eq",
        "equation",
        "chapter",
        "section",
        "video",
        "videos",
        "movie",
        "movies",
        "file",
        "files",
        "box",
        "boxes",
        "scheme",
        "schemes",
        "chart",
        "vol",
        "volume",
        "no",
        "number",
        "page",
        "pages",
    ]
)
"""Words whose number is a label even when glued to it ("Figure2", "Table1")."""
_LABEL_WORDS = _LABELS | frozenset(
    [
        "case",
        "cases",
        "patient",
        "patients",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "type",
        "types",
        "grade",
        "grades",
        "stage",
        "stages",
        "class",
        "phase",
        "lead",
        "leads",
        "step",
        "steps",
        "group",
        "groups",
        "arm",
        "version",
        "score",
        "level",
        "levels",
        "cycle",
        "cycles",
        "dose",
        "doses",
        "visit",
        "visits",
        "trial",
        "item",
        "items",
        "part",
        "parts",
        "model",
        "models",
        "series",
    ]
)
"""Words a spaced number counts or labels ("day 3)", "Patient 2", "stage 4")."""
_UNITS = frozenset(
    [
        "m",
        "cm",
        "mm",
        "km",
        "nm",
        "um",
        "μm",
        "µm",
        "in",
        "ft",
        "m2",
        "kg",
        "g",
        "mg",
        "l",
        "ml",
        "dl",
        "s",
        "ms",
        "h",
    ]
)
_WORD_BEFORE = re.compile(r"([^\W\d_][\w\-'\u2019]*)\W{0,2}$")


@dataclass(frozen=True)
class MarkerMatch:
    """A marker found in a text: ``text[start:end]``, what it denotes, whether it is sure."""

    start: int
    end: int
    numbers: tuple[int, ...]
    ambiguous: bool = False


def reference_numbers(content: str, reference_count: int) -> tuple[int, ...]:
    """The numbers a list such as ``1,2,5-7`` or ``¹⁻³`` denotes, in order; empty when any
    is outside ``1..reference_count`` or a range runs backwards."""
    content = content.translate(_FROM_SUPERSCRIPT)
    numbers: list[int] = []
    for part in re.split(r"[,;]", content):
        bounds = [int(value) for value in re.split(_RANGE, part.strip()) if value.strip()]
        if not bounds:
            return ()
        low, high = bounds[0], bounds[-1]
        if not 1 <= low <= high <= reference_count:
            return ()
        numbers.extend(range(low, high + 1))
    return tuple(dict.fromkeys(numbers))


def numbered_markers(text: str, reference_count: int) -> list[MarkerMatch]:
    """Numbered markers in one sentence, in order, none overlapping."""
    if reference_count < 1:
        return []
    found = sorted(_candidates(text, reference_count), key=lambda m: (m.start, -m.end))
    kept: list[MarkerMatch] = []
    for match in found:
        if not kept or match.start >= kept[-1].end:
            kept.append(match)
    return kept


def _candidates(text: str, count: int) -> Iterator[MarkerMatch]:
    enumerated = _enumeration_items(text)
    for match in _BRACKETED.finditer(text):
        content = match["paren"] or match["square"]
        if _is_value(text, match.start(), match.end()) or match.start() in enumerated:
            continue
        yield from _checked(match.start(), match.end(), content, count)
    for match in _SUPERSCRIPT.finditer(text):
        before = text[: match.start()]
        if before[-1:].isdigit() or _word_before(before) in _UNITS:
            continue
        content = match["markup"] or match.group()
        yield from _checked(match.start(), match.end(), content, count)
    for match in _GLUED.finditer(text):
        if _glued_word(text, match.start()):
            yield from _checked(match.start(), match.end(), match["content"], count)
    for match in _AFTER_PUNCTUATION.finditer(text):
        if _glued_word(text, match.start() - 1, after_punctuation=True):
            after_et_al = text.endswith("et al.", 0, match.start())
            yield from _checked(
                match.start(), match.end(), match["content"], count, ambiguous=not after_et_al
            )
    for pattern in (_CLOSING_PAREN, _GLUED_PAREN):
        for match in pattern.finditer(text):
            if _open_parentheses(text, match.start()) or match.start() in enumerated:
                continue
            glued = pattern is _GLUED_PAREN
            if glued and not _glued_word(text, match.start()):
                continue
            if not glued and _word_before(text[: match.start()]) in _LABEL_WORDS:
                continue
            yield from _checked(
                match.start(), match.end(), match["content"], count, ambiguous=not glued
            )


_ITEM_NUMBER = re.compile(r"(?<![\w.,])\(?(\d{1,2})\)(?=\s+[^\W\d_])")


def _enumeration_items(text: str) -> set[int]:
    """Starts of ``(1) fever, (2) cough`` / ``1) fever and 2) cough``: items numbered 1, 2,
    ... in order, each followed by a word, or a lone ``(1)`` opening the sentence."""
    items = list(_ITEM_NUMBER.finditer(text))
    starts: set[int] = set()
    expected = 1
    run: list[int] = []
    for item in items:
        if int(item[1]) == expected:
            run.append(item.start())
            expected += 1
        elif int(item[1]) == 1:
            run, expected = [item.start()], 2
    if len(run) >= 2:
        starts.update(run)
    if items and items[0].start() == 0:
        starts.add(0)
    return starts


def _checked(
    start: int, end: int, content: str, count: int, *, ambiguous: bool = False
) -> Iterator[MarkerMatch]:
    numbers = reference_numbers(content, count)
    if numbers:
        yield MarkerMatch(start, end, numbers, ambiguous)


def _word_before(before: str) -> str:
    """The word just before a position (across a space or a period), lower case."""
    match = _WORD_BEFORE.search(before.rstrip())
    return match.group(1).lower().rstrip(".") if match else ""


def _glued_word(text: str, at: int, *, after_punctuation: bool = False) -> bool:
    """Whether the letters before ``at`` are a word a superscript could follow: three or
    more letters ending in a lower-case one, no digits, not a label such as "Figure"."""
    end = at
    start = end
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] in "-'\u2019"):
        start -= 1
    word = text[start:end].strip("-'\u2019")
    if start > 0 and (text[start - 1].isdigit() or text[start - 1] == "_"):
        return False
    if after_punctuation and word.lower() == "al":
        return True
    return (
        len(word) >= 3
        and word[-1].islower()
        and word.lower() not in _LABELS
        and word.lower() not in _UNITS
    )


def _is_value(text: str, start: int, end: int) -> bool:
    """A bracketed number that is part of something else: ``14(1):95`` (issue), ``f(2)``,
    ``Figure (2)``."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before.isdigit() or after.isdigit() or after == ":" or after.isalpha():
        return True
    if before.isalpha() and not _glued_word(text, start):
        return True
    return _word_before(text[:start]) in _LABEL_WORDS


def _open_parentheses(text: str, at: int) -> bool:
    return text.count("(", 0, at) > text.count(")", 0, at)


# --- author-year ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CitedKey:
    """What an author-year citation can be matched on, read from one reference."""

    number: int
    family: str
    year: int
    suffix: str
    second_family: str
    author_count: int
    et_al: bool
    organisation: str = ""
    """The first author's name as printed when it is an organisation ("World Health
    Organization"), cited by its whole name."""


_YEAR = r"(?:1[89]|20)\d{2}"
_PARENTHETICAL = re.compile(rf"\((?P<inner>[^()]*?\b{_YEAR}[a-z]?\b[^()]*)\)")
# a particle may be capitalised ("De Lucca", "Van Dyke"): it is part of the family name
_NAMES = (
    r"(?:(?:[Vv]an|[Vv]on|[Dd]e|[Dd]er|[Dd]en|[Dd]a|[Dd]i|[Dd]el|[Ll]e|[Ll]a)\s)*"
    r"[A-Z][\w'\u2019\-]++"
)
_CITED = re.compile(
    rf"(?P<first>{_NAMES})"
    rf"(?:\s+(?P<etal>et\s+al\.?)|\s*(?:,\s*)?(?:and|&)\s+(?P<second>{_NAMES}))?"
    rf",?\s+(?P<years>{_YEAR}[a-z]?(?:\s*,\s*{_YEAR}[a-z]?)*)"
)
_NARRATIVE = re.compile(
    rf"\b(?P<first>{_NAMES})"
    rf"(?:\s+(?P<etal>et\s+al\.?)|\s+(?:and|&)\s+(?P<second>{_NAMES}))?"
    rf",?\s*\((?P<years>{_YEAR}[a-z]?(?:\s*,\s*{_YEAR}[a-z]?)*)\)"
)
# eLife also prints a bare narrative citation: "as described in Turro et al., 2006."
_BARE_ET_AL = re.compile(
    rf"\b(?P<first>{_NAMES})\s+(?P<etal>et\s+al\.?),?\s+"
    rf"(?P<years>{_YEAR}[a-z]?(?:\s*,\s*{_YEAR}[a-z]?)*)(?![\w\-])(?P<second>)"
)
_YEAR_WITH_SUFFIX = re.compile(rf"\b({_YEAR})([a-z]?)\b")


def cited_keys(references: Sequence[ParsedReference], raws: Sequence[str]) -> list[CitedKey]:
    """One key per reference that names a first author and a year."""
    keys = []
    for number, (reference, raw) in enumerate(zip(references, raws, strict=True), start=1):
        if not reference.authors or reference.year is None:
            continue
        suffix = ""
        for match in _YEAR_WITH_SUFFIX.finditer(raw):
            if int(match[1]) == reference.year:
                suffix = match[2]
                break
        second = reference.authors[1].family if len(reference.authors) > 1 else ""
        keys.append(
            CitedKey(
                number=reference.number or number,
                family=_fold(reference.authors[0].family),
                year=reference.year,
                suffix=suffix,
                second_family=_fold(second),
                author_count=len(reference.authors),
                et_al=reference.et_al,
                organisation=reference.authors[0].family
                if reference.authors[0].organisation
                else "",
            )
        )
    return keys


def author_year_markers(text: str, keys: Sequence[CitedKey]) -> list[MarkerMatch]:
    """Author-year citations in one sentence, each cited work its own marker."""
    if not keys:
        return []
    found: list[MarkerMatch] = []
    inside, narrative = _patterns(frozenset(k.organisation for k in keys if k.organisation))
    for group in _PARENTHETICAL.finditer(text):
        offset = group.start("inner")
        for pattern in inside:
            for cited in pattern.finditer(group["inner"]):
                if not any(m.start <= offset + cited.start() < m.end for m in found):
                    found.extend(_linked(cited, keys, offset))
    for pattern in narrative:
        for cited in pattern.finditer(text):
            if not any(m.start <= cited.start() < m.end for m in found):
                found.extend(_linked(cited, keys, 0))
    return sorted(found, key=lambda m: m.start)


@functools.cache
def _patterns(
    organisations: frozenset[str],
) -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    """The citation patterns inside parentheses and in running text, an organisation's
    whole name first ("World Health Organization, 2020"): made once per reference list,
    not once per sentence."""
    if not organisations:
        return (_CITED,), (_NARRATIVE, _BARE_ET_AL)
    forms = {form for name in organisations for form in (name, *_acronyms(name))}
    longest_first = sorted(forms, key=len, reverse=True)
    names = "|".join(r"\s+".join(map(re.escape, name.split())) for name in longest_first)
    years = rf"(?P<years>{_YEAR}[a-z]?(?:\s*,\s*{_YEAR}[a-z]?)*)"
    named = rf"\b(?P<first>{names})(?P<etal>)(?P<second>)"
    return (
        (re.compile(rf"{named},?\s+{years}"), _CITED),
        (re.compile(rf"{named},?\s*\({years}\)"), _NARRATIVE, _BARE_ET_AL),
    )


def _acronyms(organisation: str) -> tuple[str, ...]:
    """What an organisation is cited by in short: the initials of its capitalised words
    ("WHO" for World Health Organization), or their first three or more when the short
    name leaves the last words out ("CDC" for Centers for Disease Control and Prevention)."""
    initials = "".join(word[0] for word in organisation.split() if word[:1].isupper())
    if len(initials) < 2:
        return ()
    return tuple(initials[:end] for end in range(len(initials), min(3, len(initials)) - 1, -1))


def _named(key: CitedKey, first: str) -> bool:
    if key.family == first:
        return True
    return bool(key.organisation) and first in {_fold(a) for a in _acronyms(key.organisation)}


def _linked(cited: re.Match[str], keys: Sequence[CitedKey], offset: int) -> Iterator[MarkerMatch]:
    first = _fold(cited["first"])
    second = _fold(cited["second"] or "")
    years = [y.strip() for y in cited["years"].split(",")]
    numbers: list[int] = []
    ambiguous = False
    for year_text in years:
        year, suffix = int(year_text[:4]), year_text[4:]
        candidates = [k for k in keys if _named(k, first) and k.year == year]
        for kept in (
            [k for k in candidates if k.suffix == suffix],
            [k for k in candidates if not second or k.second_family == second],
            [k for k in candidates if (k.et_al or k.author_count > 2) == bool(cited["etal"])],
        ):
            narrower = [k for k in kept if k in candidates]
            if narrower:
                candidates = narrower
        ambiguous = ambiguous or len(candidates) > 1
        numbers.extend(k.number for k in candidates)
    if numbers:
        yield MarkerMatch(
            offset + cited.start(), offset + cited.end(), tuple(dict.fromkeys(numbers)), ambiguous
        )


def _fold(name: str) -> str:
    """A family name compared without case, accents or spaces ("Müller" = "Muller")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if c.isalnum()).lower()


def citation_markers(
    sentences: Sequence[Sentence], references: Sequence[RawReference], *, numbered: bool
) -> tuple[CitationMarker, ...]:
    """Every marker of every sentence: numbered ones against a numbered list, author-year
    ones against an unnumbered list."""
    if not references:
        return ()
    if numbered:
        count = max(reference.number for reference in references)

        def find(text: str) -> list[MarkerMatch]:
            return numbered_markers(text, count)
    else:
        parsed = [parse_reference(raw.text, raw.number) for raw in references]
        keys = cited_keys(parsed, [raw.text for raw in references])

        def find(text: str) -> list[MarkerMatch]:
            return author_year_markers(text, keys)

    markers = []
    for sentence in sentences:
        for match in find(sentence.text):
            markers.append(
                CitationMarker(
                    content=sentence.text[match.start : match.end],
                    reference_numbers=match.numbers,
                    sentence_index=sentence.index,
                    span=sentence.source_span(match.start, match.end),
                    ambiguous=match.ambiguous,
                )
            )
    return tuple(markers)
