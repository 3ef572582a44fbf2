"""The SKOS vocabulary (ontology/vocabulary.ttl) and the concept matcher built from it.

The matcher finds vocabulary labels in free text, so it works on any English case report:
every prefLabel, altLabel and hiddenLabel, plus the variants writers use without thinking —
plural of the last word ("calcifications", "foci"), hyphen or space ("mid-wall", "mid wall"),
British spelling ("oedema", "hypocalcaemia"), any letter case — except abbreviations
("LV", "CT", "CK-MB", "TnI"), which must match their case so that "ct" or "Lv" in a word
salad do not count. Matches respect word boundaries and the longest match wins
("pre-enhanced liver CT" over "CT", "diffuse myocardial calcification" over "calcification").

Why pyahocorasick: one automaton scans a sentence once for all ~730 label variants and
reports every candidate, overlapping ones included, so "longest match wins" is decided on
all of them; a regular-expression alternation of the same labels reports no overlaps and
still scans the seed about twice as slowly (bench/bench_matcher.py). Case and hyphens are
folded before the scan by a same-length mapping, so automaton offsets are text offsets
with no translation table.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import ahocorasick

from kg.concepts import Vocabulary
from kg.document import Document
from kg.rdf.vocabulary import read_vocabulary
from kg.settings import CORPUS_DIR, ONTOLOGY_DIR

if TYPE_CHECKING:
    from kg.terminology.index import Terminology

VOCABULARY_PATH = ONTOLOGY_DIR / "vocabulary.ttl"

_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014")
# American spelling -> British spelling, applied to every label that contains the former.
_SPELLING_VARIANTS = (
    ("emia", "aemia"),
    ("edema", "oedema"),
    ("leuko", "leuco"),
    ("hemo", "haemo"),
    ("ization", "isation"),
    ("ized", "ised"),
)


@dataclass(frozen=True)
class LabelMatch:
    """A vocabulary label found in a text: ``text[start:end]`` names ``concept``."""

    concept: str
    label: str
    start: int
    end: int


@dataclass(frozen=True)
class _Form:
    concept: str
    label: str
    case_sensitive_form: str | None
    open_right: bool


def fold(text: str) -> str:
    """Lower-case, dashes and whitespace to one space — same length, so offsets carry over."""
    return text.translate(_FOLDED)


class _FoldTable(dict[int, str]):
    """``str.translate``'s table for ``fold``, filled in as characters are first seen (one
    call per character made matching a 1 MB text slow, bench/RESULTS.md)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in _DASHES or char.isspace():
            folded = " "
        else:
            lower = char.lower()
            folded = lower if len(lower) == 1 else char
        self[code] = folded
        return folded


_FOLDED = _FoldTable()


def fold_dashes(text: str) -> str:
    return "".join(" " if c in _DASHES or c.isspace() else c for c in text)


def is_abbreviation(label: str) -> bool:
    """One word with two or more capitals ("LV", "CK-MB", "TnI", "bSSFP"): matched by case."""
    return " " not in label and sum(c.isupper() for c in label) >= 2


def _is_hangul(char: str) -> bool:
    return unicodedata.name(char, "").startswith("HANGUL")


def surface_forms(label: str) -> tuple[str, ...]:
    """The label and the variants a writer may use for it: plural, British spelling."""
    if is_abbreviation(label):
        return (label,)
    forms = [label]
    for american, british in _SPELLING_VARIANTS:
        if american in label and british not in label:
            forms.append(label.replace(american, british))
    return tuple(dict.fromkeys(f for form in forms for f in (form, _plural(form))))


def _plural(label: str) -> str:
    """English plural of the last word; the label itself when it has none to give."""
    head, _, last = label.rpartition(" ")
    if len(last) < 3 or not last.isalpha() or not last.islower():
        return label
    if last.endswith("us"):
        plural = last[:-2] + "i"
    elif last.endswith("is"):
        plural = last[:-2] + "es"
    elif last.endswith("s"):
        return label
    elif last.endswith(("x", "ch", "sh")):
        plural = last + "es"
    elif last.endswith("y") and last[-2] not in "aeiou":
        plural = last[:-1] + "ies"
    else:
        plural = last + "s"
    return f"{head} {plural}" if head else plural


class ConceptMatcher:
    """Finds vocabulary concepts in text: word-bounded, longest match first."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        forms: dict[str, _Form] = {}
        # Explicit labels first, so a generated variant never shadows another concept's label.
        for generated in (False, True):
            for concept in vocabulary.concepts.values():
                for label in concept.labels:
                    variants = surface_forms(label)
                    for variant in variants[1:] if generated else variants[:1]:
                        key = fold(variant)
                        if key.strip() and key not in forms:
                            forms[key] = _Form(
                                concept=concept.iri,
                                label=label,
                                case_sensitive_form=(
                                    fold_dashes(variant) if is_abbreviation(label) else None
                                ),
                                open_right=_is_hangul(variant[-1]),
                            )
        self._automaton = ahocorasick.Automaton()
        for key, entry in forms.items():
            self._automaton.add_word(key, (len(key), entry))
        self._automaton.make_automaton()
        self.size = len(forms)

    def find(self, text: str) -> list[LabelMatch]:
        """Every concept named in ``text``, in reading order, overlaps resolved longest-first."""
        candidates = sorted(self._candidates(text), key=lambda m: (m.start - m.end, m.start))
        taken: list[LabelMatch] = []
        for match in candidates:
            if all(match.end <= t.start or match.start >= t.end for t in taken):
                taken.append(match)
        return sorted(taken, key=lambda m: m.start)

    def _candidates(self, text: str) -> Iterator[LabelMatch]:
        folded = fold(text)
        for last, (length, form) in self._automaton.iter(folded):
            start, end = last + 1 - length, last + 1
            if start > 0 and text[start - 1].isalnum():
                continue
            if end < len(text) and text[end].isalnum() and not form.open_right:
                continue
            sensitive = form.case_sensitive_form
            if sensitive is not None and fold_dashes(text[start:end]) != sensitive:
                continue
            yield LabelMatch(concept=form.concept, label=form.label, start=start, end=end)


@dataclass(frozen=True)
class Knowledge:
    """What the annotation stage reads text with: the domain vocabulary and its matcher.

    It is an explicit input of annotation (kg.annotate): the build loads it once
    (``load_knowledge``) and a document's overlay (``for_document``) adds the wording
    particular to that document.
    """

    vocabulary: Vocabulary
    matcher: ConceptMatcher
    paths: tuple[Path, ...]
    terminology: Terminology | None = None
    """Standard terminologies (kg.terminology) for what the domain vocabulary does not name."""

    def for_document(self, document: Document, directory: Path = CORPUS_DIR) -> Knowledge:
        """This knowledge with the document's overlay, ``<name>.vocabulary.ttl`` beside its
        curation file (its own wording and typos), when it has one."""
        overlay = overlay_path(document, directory)
        if not overlay.exists():
            return self
        return replace(_knowledge((*self.paths, overlay)), terminology=self.terminology)


def overlay_path(document: Document, directory: Path = CORPUS_DIR) -> Path:
    """Where the vocabulary overlay of a document lives."""
    return directory / f"{document.name}.vocabulary.ttl"


def load_knowledge(path: Path = VOCABULARY_PATH, *, terminology: bool = True) -> Knowledge:
    """The vocabulary at ``path`` and its matcher, read and built once per process, with the
    compiled standard terminologies (kg.terminology) unless ``terminology`` is False."""
    knowledge = _knowledge((path,))
    if not terminology:
        return knowledge
    from kg.terminology.index import load_terminology

    return replace(knowledge, terminology=load_terminology())


@functools.cache
def _knowledge(paths: tuple[Path, ...]) -> Knowledge:
    vocabulary = read_vocabulary(*paths)
    return Knowledge(vocabulary, ConceptMatcher(vocabulary), paths)
