"""The reference list of a plain-text case report: numbered or not, entries as printed.

Numbered lists ("1. ", "[1] ", "1) ") run while the numbers follow on; a line that does
not start the next number continues the entry above. An unnumbered list (author-year
documents: Harvard, APA, Vancouver without numbers) has one entry per block, or, in a
block of many lines, a new entry wherever a line that starts with a name ("Smith, J.",
"Smith AB,", "World Health Organization (2020)") follows a line that ends one (a period,
a closing parenthesis, a DOI or a link); entries are numbered in reading order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from kg.document import RawReference, Span
from kg.ingest.layout import Block, Flow
from kg.references import opens_with_organisation

HEADING = re.compile(
    r"^(?:\d{1,2}\.?\s+)?(?:references?(?:\s+(?:list|cited))?|bibliography|literature(?:\s+cited)?"
    r"|works\s+cited|cited\s+literature|sources)\s*:?$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^(?:\[(?P<bracketed>\d{1,4})\]\s*|(?P<number>\d{1,4})[.)]?\s+)(?=\S)")
_NAME_START = re.compile(
    r"^(?:(?:van|von|de|der|den|da|di|del|la|le|du|dos|al|el)\s+)*[A-Z][\w'\u2019\-]+"
    r"(?:\s+[A-Z][\w'\u2019\-]+)?(?:,\s*|\s+)(?:[A-Z]\.?[\s,.\-]?){1,3}"
)
_ENTRY_END = re.compile(r"(?:[.)\]]|\b10\.\d{4,9}/\S+|https?://\S+)\s*$")
_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}[a-z]?\b")

FlowMaker = Callable[[Iterable[Span]], Flow]


@dataclass(frozen=True)
class ReferenceList:
    entries: tuple[RawReference, ...]
    numbered: bool
    end: int
    """The index of the first block after the list."""


def read_reference_list(
    blocks: Sequence[Block], at: int, flow: FlowMaker, stop: Callable[[Block], bool]
) -> ReferenceList:
    """The entries after the heading at ``blocks[at - 1]``; ``stop`` tells a block that
    ends an unnumbered list (a heading, back matter)."""
    numbered, after = _numbered(blocks, at, flow)
    if numbered:
        return ReferenceList(tuple(numbered), True, after)
    unnumbered, after = _unnumbered(blocks, at, flow, stop)
    return ReferenceList(tuple(unnumbered), False, after)


def _entry_number(text: str) -> tuple[int, int] | None:
    match = _NUMBERED.match(text)
    if match is None:
        return None
    return int(match["bracketed"] or match["number"]), match.end()


def _numbered(blocks: Sequence[Block], at: int, flow: FlowMaker) -> tuple[list[RawReference], int]:
    entries: list[tuple[int, Flow]] = []
    while at < len(blocks):
        block = blocks[at]
        head = _entry_number(block.first)
        expected = entries[-1][0] + 1 if entries else 1
        if head is None or head[0] != expected:
            break
        for line in block.lines:
            entry = _entry_number(line.text)
            if entry and (not entries or entry[0] == entries[-1][0] + 1):
                span = Span(line.span.start + entry[1], line.span.end)
                entries.append((entry[0], flow([span])))
            else:
                entries[-1][1].extend(line.span)
        at += 1
    return [RawReference(number, f.text, f.span) for number, f in entries], at


def _unnumbered(
    blocks: Sequence[Block], at: int, flow: FlowMaker, stop: Callable[[Block], bool]
) -> tuple[list[RawReference], int]:
    entries: list[Flow] = []
    while at < len(blocks):
        block = blocks[at]
        if stop(block) or not _YEAR.search(block.text):
            break
        previous = ""
        for number, line in enumerate(block.lines):
            starts = number == 0 or (
                _ENTRY_END.search(previous) is not None
                and (_NAME_START.match(line.text) or opens_with_organisation(line.text))
            )
            if starts:
                entries.append(flow([line.span]))
            else:
                entries[-1].extend(line.span)
            previous = line.text
        at += 1
    return [RawReference(n, f.text, f.span) for n, f in enumerate(entries, start=1)], at
