"""The reviewed curation file of a document: what the claim rules cannot decide.

One TOML file per document, ``<document name>.curation.toml`` beside it in the corpus. It may
add claims and widen the scope of a citation marker; each entry quotes the report, and the
loader refuses a file whose quotes are not in the text, so a curated fact still points at
the words it rests on. The code that reads documents stays general; what is particular to
one report lives here, reviewed, in the open.

File format::

    [[claim]]
    subject = "calcium-deposits"        # concept key (local name in the concept scheme)
    predicate = "manifestsAs"           # causes | contributesTo | manifestsAs | ...
    object = "short-t1"
    kind = "authors' interpretation"    # or "background literature"
    quote = "the short T1 value of calcium"   # must occur in the report (whitespace-folded)
    hedged = true                       # optional, default false
    function = "obtainsSupportFrom"     # optional CiTO function for the cited references
    note = "why a rule cannot read it"  # optional

    [[citation_scope]]                  # markers inside the quote cover every sentence in it
    quote = "Possible differential causes ... are needed (6-8)."
    reason = "the closing marker covers the list in the sentence before it"

    [[citation_support]]                # which of a sentence's shared references supports
    subject = "sarcoidosis"             # which of its claims, where the reviewer can tell
    object = "diffuse-myocardial-calcification"
    reference = 7
    quote = "in cases of sarcoidosis"
    reason = "reference 7 is a review of cardiac sarcoidosis"

    [[reject]]                          # a rule claim from the quoted sentence that is wrong
    subject = "acute-renal-failure"
    object = "dystrophic-calcification"
    quote = "Our case of acute myocardial calcification"
    reason = "the sentence pairs renal failure with the metastatic mechanism"
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Collection
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any, Literal, cast, get_args

from kg.document import Document, Span
from kg.errors import InputError
from kg.settings import CORPUS_DIR

AssertionKind = Literal["authors' interpretation", "background literature"]
Predicate = Literal[
    "causes", "contributesTo", "manifestsAs", "increasesRiskOf", "associatedWith", "detectedBy"
]
# The CiTO citation functions a claim may give its cited references (shared/reference).
CITATION_FUNCTIONS = frozenset(
    {
        "cites",
        "citesAsEvidence",
        "discusses",
        "usesMethodIn",
        "citesForInformation",
        "citesAsAuthority",
        "citesAsDataSource",
        "citesAsRelated",
        "obtainsBackgroundFrom",
        "obtainsSupportFrom",
        "usesConclusionsFrom",
        "usesDataFrom",
        "confirms",
        "supports",
        "agreesWith",
        "disagreesWith",
        "extends",
        "reviews",
        "critiques",
    }
)


@dataclass(frozen=True)
class Quote:
    """Where a quoted passage sits: the sentences it spans and its source range."""

    text: str
    sentence_indexes: tuple[int, ...]
    span: Span


@dataclass(frozen=True)
class CuratedClaim:
    subject: str
    predicate: Predicate
    object: str
    kind: AssertionKind
    quote: Quote
    hedged: bool = False
    function: str | None = None
    note: str = ""


@dataclass(frozen=True)
class CitationScope:
    """A marker that covers more than its own sentence, by a reviewer's decision."""

    quote: Quote
    reason: str


@dataclass(frozen=True)
class Rejection:
    """A claim the rules read from the quoted sentence that a reviewer found wrong."""

    subject: str
    object: str
    quote: Quote
    reason: str


@dataclass(frozen=True)
class CitationSupport:
    """A reviewer's reading of which shared reference supports which claim of a sentence."""

    subject: str
    object: str
    reference: int
    quote: Quote
    reason: str


@dataclass(frozen=True)
class Curation:
    path: Path | None = None
    claims: tuple[CuratedClaim, ...] = ()
    citation_scopes: tuple[CitationScope, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    supports: tuple[CitationSupport, ...] = ()


def curation_path(document: Document, directory: Path = CORPUS_DIR) -> Path:
    """Where the curation file of a document lives."""
    return directory / f"{document.name}.curation.toml"


def load_curation(
    document: Document, path: Path | None = None, concepts: Collection[str] | None = None
) -> Curation:
    """The curation of ``document`` (empty when it has no file), every quote checked.

    ``concepts``, when given, are the concept keys the vocabulary knows; a claim naming
    another is an error.
    """
    path = curation_path(document) if path is None else path
    if not path.exists():
        return Curation()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"{path}: unreadable curation file: {error}") from error
    unknown = set(data) - {"claim", "citation_scope", "citation_support", "reject", "document"}
    if unknown:
        raise InputError(f"{path}: unknown table(s) {', '.join(sorted(unknown))}")
    if data.get("document", document.name) != document.name:
        raise InputError(f"{path}: curation is for {data['document']!r}, not {document.name!r}")
    claims = tuple(
        _claim(entry, document, path, concepts, number)
        for number, entry in enumerate(_entries(data, "claim", path), start=1)
    )
    scopes = tuple(
        CitationScope(
            _quote(document, _text(entry, "quote", path, f"citation_scope {number}"), path),
            _text(entry, "reason", path, f"citation_scope {number}"),
        )
        for number, entry in enumerate(_entries(data, "citation_scope", path), start=1)
    )
    rejections = tuple(
        _rejection(entry, document, path, concepts, number)
        for number, entry in enumerate(_entries(data, "reject", path), start=1)
    )
    supports = tuple(
        _support(entry, document, path, concepts, number)
        for number, entry in enumerate(_entries(data, "citation_support", path), start=1)
    )
    return Curation(path, claims, scopes, rejections, supports)


def _entries(data: dict[str, Any], table: str, path: Path) -> list[dict[str, Any]]:
    entries = data.get(table, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InputError(f"{path}: {table} must be an array of tables ([[{table}]])")
    return entries


def _text(entry: dict[str, Any], key: str, path: Path, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{path}: {where}: {key!r} must be a non-empty string")
    return value


def _claim(
    entry: dict[str, Any],
    document: Document,
    path: Path,
    concepts: Collection[str] | None,
    number: int,
) -> CuratedClaim:
    where = f"claim {number}"
    known = {"subject", "predicate", "object", "kind", "quote", "hedged", "function", "note"}
    subject, obj = _subject_object(entry, path, where, known, concepts)
    predicate = _text(entry, "predicate", path, where)
    if predicate not in get_args(Predicate):
        raise InputError(f"{path}: {where}: unknown predicate {predicate!r}")
    kind = _text(entry, "kind", path, where)
    if kind not in get_args(AssertionKind):
        raise InputError(f"{path}: {where}: kind must be one of {get_args(AssertionKind)}")
    function = entry.get("function")
    if function is not None and function not in CITATION_FUNCTIONS:
        raise InputError(f"{path}: {where}: {function!r} is not a CiTO citation function")
    hedged = entry.get("hedged", False)
    if not isinstance(hedged, bool):
        raise InputError(f"{path}: {where}: 'hedged' must be true or false")
    return CuratedClaim(
        subject=subject,
        predicate=cast(Predicate, predicate),
        object=obj,
        kind=cast(AssertionKind, kind),
        quote=_quote(document, _text(entry, "quote", path, where), path),
        hedged=hedged,
        function=function,
        note=str(entry.get("note", "")),
    )


def _rejection(
    entry: dict[str, Any],
    document: Document,
    path: Path,
    concepts: Collection[str] | None,
    number: int,
) -> Rejection:
    where = f"reject {number}"
    subject, obj = _subject_object(
        entry, path, where, {"subject", "object", "quote", "reason"}, concepts
    )
    return Rejection(
        subject,
        obj,
        _quote(document, _text(entry, "quote", path, where), path),
        _text(entry, "reason", path, where),
    )


def _support(
    entry: dict[str, Any],
    document: Document,
    path: Path,
    concepts: Collection[str] | None,
    number: int,
) -> CitationSupport:
    where = f"citation_support {number}"
    known = {"subject", "object", "reference", "quote", "reason"}
    subject, obj = _subject_object(entry, path, where, known, concepts)
    reference = entry.get("reference")
    if not isinstance(reference, int) or isinstance(reference, bool) or reference < 1:
        raise InputError(f"{path}: {where}: 'reference' must be a reference number")
    return CitationSupport(
        subject,
        obj,
        reference,
        _quote(document, _text(entry, "quote", path, where), path),
        _text(entry, "reason", path, where),
    )


def _subject_object(
    entry: dict[str, Any],
    path: Path,
    where: str,
    known: set[str],
    concepts: Collection[str] | None,
) -> tuple[str, str]:
    """The concept keys an entry relates, once its keys are all ``known`` ones."""
    if set(entry) - known:
        raise InputError(f"{path}: {where}: unknown key(s) {', '.join(sorted(set(entry) - known))}")
    subject = _text(entry, "subject", path, where)
    obj = _text(entry, "object", path, where)
    for key in (subject, obj):
        if concepts is not None and key not in concepts:
            raise InputError(f"{path}: {where}: unknown concept {key!r}")
    return subject, obj


def _quote(document: Document, quote: str, path: Path) -> Quote:
    """Find a quote in the reflowed sentences (any run of whitespace matches any other)."""
    pattern = re.compile(r"\s+".join(re.escape(word) for word in quote.split()))
    starts = list(accumulate((len(s.text) + 1 for s in document.sentences), initial=0))
    text = " ".join(s.text for s in document.sentences)
    hits = list(pattern.finditer(text))
    if not hits:
        raise InputError(f"{path}: quote not found in {document.name}: {quote!r}")
    if len(hits) > 1:
        raise InputError(
            f"{path}: quote occurs {len(hits)} times in {document.name}, lengthen it: {quote!r}"
        )
    hit = hits[0]
    first = bisect_right(starts, hit.start()) - 1
    last = bisect_right(starts, hit.end() - 1) - 1
    begin, end = document.sentences[first], document.sentences[last]
    span = Span(
        begin.source_offset(hit.start() - starts[first]),
        end.source_offset(hit.end() - starts[last]),
    )
    indexes = tuple(document.sentences[i].index for i in range(first, last + 1))
    return Quote(hit.group(), indexes, span)
