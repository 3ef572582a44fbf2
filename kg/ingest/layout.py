"""Layout and reflow: a text file read as blank-line separated blocks of trimmed lines, and
flows that assemble prose from source spans across line and page breaks, rejoining words
a line-end hyphen split (see the package docstring for the rules)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kg.document import Span

_WORD = re.compile(r"[^\W\d_]+")
_HYPHENATED = re.compile(r"\b([^\W\d_]+)-([^\W\d_]+)\b")


@dataclass(frozen=True)
class Line:
    span: Span
    text: str


@dataclass(frozen=True)
class Block:
    lines: tuple[Line, ...]

    @property
    def span(self) -> Span:
        return Span(self.lines[0].span.start, self.lines[-1].span.end)

    @property
    def first(self) -> str:
        return self.lines[0].text

    @property
    def text(self) -> str:
        return join_lines(line.text for line in self.lines)


def join_lines(lines: Iterable[str]) -> str:
    """Lines of a metadata block as one string; a line ending in "-" or "/" runs on."""
    joined = ""
    for line in lines:
        joined += line if not joined or joined.endswith(("-", "/")) else " " + line
    return joined


def read_blocks(source: str) -> list[Block]:
    """Runs of non-blank lines, each line trimmed (a line of spaces counts as blank)."""
    blocks: list[Block] = []
    current: list[Line] = []
    position = 0
    for raw in source.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = position + len(raw) - len(raw.lstrip())
            current.append(Line(Span(start, start + len(stripped)), stripped))
        elif current:
            blocks.append(Block(tuple(current)))
            current = []
        position += len(raw) + 1
    if current:
        blocks.append(Block(tuple(current)))
    return blocks


@dataclass(frozen=True)
class Lexicon:
    """How the document writes its words: the evidence for telling soft hyphens apart."""

    hyphenated: frozenset[str]
    counts: Counter[str]

    @classmethod
    def of(cls, source: str) -> Lexicon:
        return cls(
            frozenset(f"{a}-{b}".lower() for a, b in _HYPHENATED.findall(source)),
            Counter(word.lower() for word in _WORD.findall(source)),
        )

    def soft_hyphen(self, before: str, after: str) -> bool:
        """Whether ``before`` (ending in "-") and ``after`` are one word split at a line end."""
        left = re.search(r"([^\W\d_]+)-$", before)
        right = _WORD.match(after)
        if left is None or right is None or not right.group()[0].islower():
            return False
        first, second = left.group(1).lower(), right.group().lower()
        if f"{first}-{second}" in self.hyphenated:
            return False
        if self.counts[first + second]:
            return True
        return self.counts[second] < 2


@dataclass
class Flow:
    """Text assembled from source spans, with what was put between them."""

    source: str
    lexicon: Lexicon
    spans: list[Span] = field(default_factory=list)
    joins: list[str] = field(default_factory=list)

    def extend(self, span: Span) -> None:
        if not self.spans:
            self.spans.append(span)
            return
        previous = self.spans[-1]
        before = self.source[previous.start : previous.end]
        after = self.source[span.start : span.end]
        if len(before) > 1 and before.endswith("-") and before[-2].isalpha():
            if self.lexicon.soft_hyphen(before, after):
                self.spans[-1] = Span(previous.start, previous.end - 1)
            self.joins.append("")
        else:
            self.joins.append(" ")
        self.spans.append(span)

    @property
    def text(self) -> str:
        return self.layout()[0]

    def layout(self) -> tuple[str, list[int]]:
        """The assembled text and the text offset where each span starts."""
        parts: list[str] = []
        starts: list[int] = []
        position = 0
        for number, span in enumerate(self.spans):
            if number:
                parts.append(self.joins[number - 1])
                position += len(self.joins[number - 1])
            starts.append(position)
            parts.append(self.source[span.start : span.end])
            position += span.end - span.start
        return "".join(parts), starts

    def cut(
        self, starts: Sequence[int], start: int, end: int
    ) -> tuple[tuple[Span, ...], tuple[str, ...]]:
        """Source segments and joins of the text range ``[start, end)``."""
        segments: list[Span] = []
        joins: list[str] = []
        number = max(bisect_right(starts, start) - 1, 0)
        while number < len(self.spans) and starts[number] < end:
            span = self.spans[number]
            position = starts[number]
            low, high = max(start, position), min(end, position + span.end - span.start)
            if low < high:
                if segments:
                    joins.append(self.joins[number - 1])
                segments.append(Span(span.start + low - position, span.start + high - position))
            number += 1
        return tuple(segments), tuple(joins)

    @property
    def span(self) -> Span:
        return Span(self.spans[0].start, self.spans[-1].end)

    @property
    def last(self) -> str:
        """The text of the last piece: enough to tell whether the flow ends a sentence."""
        return self.source[self.spans[-1].start : self.spans[-1].end]


def terminated(text: str) -> bool:
    return re.search(r"[.!?][\"'\u201d\u2019)\]]*$", text) is not None
