"""Times relative to admission, as case reports write them.

"On the sixth day of hospitalization" is day 6, "one day before admission" day -1, "was
admitted" day 0, "in three months" at follow-up about day 90. A small word table rather than
a number-words library: only day counts and ordinals occur, and spans must stay exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

TimeUnit = Literal["hour", "day", "week", "month", "year"]

_CARDINALS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
}
# Days per unit; weeks and longer are stated loosely, so days derived from them are estimates.
_DAYS: dict[TimeUnit, int] = {"hour": 0, "day": 1, "week": 7, "month": 30, "year": 365}
_ISO: dict[TimeUnit, str] = {"hour": "H", "day": "D", "week": "W", "month": "M", "year": "Y"}


def _alternatives(words: dict[str, int]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_CARDINAL = rf"(?:\d+|{_alternatives(_CARDINALS)})"
_ORDINAL = (
    rf"(?:\d+(?:st|nd|rd|th)|(?:twenty|thirty)-(?:{_alternatives(_ORDINALS)})"
    rf"|{_alternatives(_ORDINALS)})"
)
_UNIT = r"(?P<unit>hour|day|week|month|year)s?"
_ADMISSION = r"(?:the\s+|his\s+|her\s+)?(?:admission|hospitali[sz]ation|presentation)"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "ordinal day",
        re.compile(
            rf"\b(?:on\s+)?(?:the\s+)?(?P<n>{_ORDINAL})\s+(?:hospital\s+)?day"
            rf"\s+(?:of|after|post[- ]?)\s*{_ADMISSION}",
            re.IGNORECASE,
        ),
    ),
    (
        "day number",
        re.compile(
            rf"\b(?:on\s+)?(?:hospital\s+day|HD|day)\s*#?\s*(?P<n>\d+)\b"
            rf"(?:\s*(?:post[- ]?admission|after\s+admission|of\s+{_ADMISSION}))?",
            re.IGNORECASE,
        ),
    ),
    (
        "relative to admission",
        re.compile(
            rf"\b(?P<n>{_CARDINAL})[\s-]+{_UNIT}\s+"
            rf"(?P<direction>before|prior\s+to|after|following|post)\s+{_ADMISSION}",
            re.IGNORECASE,
        ),
    ),
    (
        "follow-up after",
        re.compile(
            rf"\b(?:in|after|at|within)\s+(?P<n>{_CARDINAL})\s+{_UNIT}"
            rf"(?:\s+(?:later|of\s+follow[- ]?up))?",
            re.IGNORECASE,
        ),
    ),
    (
        "follow-up visit",
        re.compile(
            rf"\b(?P<n>{_CARDINAL})[\s-]+{_UNIT}[\s-]+(?:follow[- ]?up|later)",
            re.IGNORECASE,
        ),
    ),
    (
        "admission",
        re.compile(
            r"\b(?:was|were|is)\s+(?:urgently\s+|emergently\s+)?admitted\b"
            r"|\b(?:on|at|upon)\s+admission\b|\bpresented\s+to\s+(?:the|our)\b",
            re.IGNORECASE,
        ),
    ),
)
_FOLLOW_UP_CUE = re.compile(r"\bfollow[- ]?up\b|\blater\b", re.IGNORECASE)


@dataclass(frozen=True)
class TimeExpression:
    """Where words place something in time, counted from admission.

    ``offset`` is an xsd:duration from admission as the report states it ("-P1D", "P6D",
    "P3M"); ``day`` is that offset in days (approximate for weeks, months, years).
    """

    text: str
    start: int
    end: int
    day: int
    offset: str
    approximate: bool
    follow_up: bool


def _count(word: str) -> int:
    word = word.lower()
    if word.isdigit():
        return int(word)
    if word in _CARDINALS:
        return _CARDINALS[word]
    digits = re.match(r"\d+", word)
    if digits:
        return int(digits.group())
    if "-" in word:
        tens, ones = word.split("-", 1)
        return _CARDINALS[tens] + _ORDINALS[ones]
    return _ORDINALS[word]


def _duration(amount: int, unit: TimeUnit) -> str:
    sign = "-" if amount < 0 else ""
    time = "T" if unit == "hour" else ""
    return f"{sign}P{time}{abs(amount)}{_ISO[unit]}"


def _days(amount: int, unit: TimeUnit) -> tuple[int, bool]:
    if unit == "hour":
        return amount // 24 if amount >= 0 else -((-amount) // 24), amount % 24 != 0
    return amount * _DAYS[unit], unit != "day"


def find_time_expressions(text: str) -> list[TimeExpression]:
    """Every time expression relative to admission in ``text``, left to right.

    A bare "in three months" counts as follow-up only where the text speaks of follow-up
    or of "later"; otherwise it is not a point on the admission timeline.
    """
    found: list[TimeExpression] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            expression = _expression(kind, match, text)
            if expression is not None:
                found.append(expression)
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda e: e.start)


def _expression(kind: str, match: re.Match[str], text: str) -> TimeExpression | None:
    start, end, words = match.start(), match.end(), match.group()
    if kind == "admission":
        return TimeExpression(words, start, end, 0, "P0D", False, False)
    amount = _count(match["n"])
    if kind in ("ordinal day", "day number"):
        return TimeExpression(words, start, end, amount, _duration(amount, "day"), False, False)
    unit: TimeUnit = match["unit"].lower()  # type: ignore[assignment]
    if kind == "relative to admission":
        if match["direction"].lower().startswith(("before", "prior")):
            amount = -amount
        day, approximate = _days(amount, unit)
        return TimeExpression(words, start, end, day, _duration(amount, unit), approximate, False)
    if kind == "follow-up after" and not _FOLLOW_UP_CUE.search(text):
        return None
    day, approximate = _days(amount, unit)
    return TimeExpression(words, start, end, day, _duration(amount, unit), approximate, True)
