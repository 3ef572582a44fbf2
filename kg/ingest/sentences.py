"""Sentence boundaries in reflowed text: not after abbreviations, initials or "p. 4"."""

from __future__ import annotations

import re
from collections.abc import Iterator

_NEXT_CHARACTER = re.compile(r"\s*(\S)")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s+\S)")
_NOT_SENTENCE_ENDS = frozenset(
    {
        "fig",
        "figs",
        "e.g",
        "i.e",
        "vs",
        "al",
        "cf",
        "dr",
        "approx",
        "ca",
        "resp",
        "eq",
        "ref",
        "refs",
        "vol",
        "pp",
        "jr",
        "sr",
        "st",
        "etc",
        "suppl",
        "min",
        "max",
    }
)
_BEFORE_NUMBER = frozenset({"no", "nos", "p"})


def sentence_ranges(text: str) -> Iterator[tuple[int, int]]:
    """Sentence ranges in reflowed text, not breaking after abbreviations or initials."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        following = _NEXT_CHARACTER.match(text, match.end())
        next_char = following.group(1) if following else ""
        if next_char.islower():
            continue
        if text[match.start()] == "." and not _ends_sentence(text, match.start(), next_char):
            continue
        yield from _trimmed(text, start, match.end())
        start = match.end()
    yield from _trimmed(text, start, len(text))


def _ends_sentence(text: str, period: int, next_char: str) -> bool:
    word_start = period
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:period].lstrip("([\"'\u201c\u2018")
    if word.lower() in _NOT_SENTENCE_ENDS:
        return False
    if word.lower() in _BEFORE_NUMBER and next_char.isdigit():
        return False
    return not (len(word) == 1 and word.isupper())


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end
