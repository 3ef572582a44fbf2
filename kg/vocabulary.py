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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from kg.errors import InputError
from kg.rdf.namespaces import CONCEPT
from kg.settings import ONTOLOGY_DIR

VOCABULARY_PATH = ONTOLOGY_DIR / "vocabulary.ttl"

_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014")
# American spelling -> British spelling, applied to every label that contains the former.
_SPELLING_VARIANTS = (
    ("emia", "aemia"),
    ("edema", "oedema"),
    ("leuko", "leuco"),
    ("hemo", "haemo"),
    ("ization", "isation"),
)


@dataclass(frozen=True)
class Concept:
    """One vocabulary concept with what the matcher and the queries need of it."""

    iri: str
    pref_label: str
    schemes: tuple[str, ...]
    labels: tuple[str, ...]
    broader: tuple[str, ...] = ()
    exact_matches: tuple[str, ...] = ()
    close_matches: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The concept's local name in the concept namespace ("sepsis", "lvef")."""
        return self.iri.removeprefix(str(CONCEPT))


@dataclass(frozen=True)
class Vocabulary:
    concepts: Mapping[str, Concept]
    schemes: Mapping[str, str]

    def concept(self, key_or_iri: str) -> Concept:
        """A concept by its key ("sepsis") or full IRI; raises InputError naming it if unknown."""
        iri = key_or_iri if key_or_iri.startswith(str(CONCEPT)) else str(CONCEPT[key_or_iri])
        try:
            return self.concepts[iri]
        except KeyError:
            raise InputError(f"no concept {key_or_iri!r} in the vocabulary") from None

    def in_scheme(self, scheme_key: str) -> tuple[Concept, ...]:
        """The concepts of one category ("etiology", "mechanism", "imaging-sign", ...)."""
        iri = str(CONCEPT[f"scheme/{scheme_key}"])
        return tuple(c for c in self.concepts.values() if iri in c.schemes)


def load_vocabulary(path: Path = VOCABULARY_PATH) -> Vocabulary:
    """Read the concepts of a SKOS Turtle file; a broken file is an InputError naming it."""
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many parser error types; all mean bad Turtle
        raise InputError(f"cannot read vocabulary {path}: {exc}") from exc
    concepts: dict[str, Concept] = {}
    for subject in sorted(set(graph.subjects(RDF.type, SKOS.Concept)), key=str):
        pref = [str(o) for o in graph.objects(subject, SKOS.prefLabel)]
        english = [
            str(o)
            for o in graph.objects(subject, SKOS.prefLabel)
            if getattr(o, "language", None) == "en"
        ]
        labels = [
            *pref,
            *(str(o) for o in graph.objects(subject, SKOS.altLabel)),
            *(str(o) for o in graph.objects(subject, SKOS.hiddenLabel)),
        ]
        concepts[str(subject)] = Concept(
            iri=str(subject),
            pref_label=(english or pref or [str(subject)])[0],
            schemes=_sorted_iris(graph.objects(subject, SKOS.inScheme)),
            labels=tuple(sorted(set(labels))),
            broader=_sorted_iris(graph.objects(subject, SKOS.broader)),
            exact_matches=_sorted_iris(graph.objects(subject, SKOS.exactMatch)),
            close_matches=_sorted_iris(graph.objects(subject, SKOS.closeMatch)),
        )
    schemes = {
        str(s): str(graph.value(s, SKOS.prefLabel) or s)
        for s in graph.subjects(RDF.type, SKOS.ConceptScheme)
    }
    return Vocabulary(concepts=concepts, schemes=schemes)


def _sorted_iris(nodes: Iterable[object]) -> tuple[str, ...]:
    return tuple(sorted(str(n) for n in nodes if isinstance(n, URIRef)))


@functools.cache
def default_vocabulary() -> Vocabulary:
    """The bundled vocabulary, read once per process."""
    return load_vocabulary()


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
    return "".join(_fold_char(c) for c in text)


def _fold_char(char: str) -> str:
    if char in _DASHES or char.isspace():
        return " "
    lower = char.lower()
    return lower if len(lower) == 1 else char


def _fold_dashes(text: str) -> str:
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
                                    _fold_dashes(variant) if is_abbreviation(label) else None
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
            if sensitive is not None and _fold_dashes(text[start:end]) != sensitive:
                continue
            yield LabelMatch(concept=form.concept, label=form.label, start=start, end=end)


@functools.cache
def default_matcher() -> ConceptMatcher:
    """The matcher of the bundled vocabulary, built once per process."""
    return ConceptMatcher(default_vocabulary())
