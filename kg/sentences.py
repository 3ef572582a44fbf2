"""Concept mentions seen from inside their sentence, with the concept's categories.

Mentions carry source offsets (what the graph points at); the fact and claim rules read a
sentence's reflowed text, so they need the same mentions in sentence-text offsets, and the
category (vocabulary scheme) of each concept to decide what role it can play, and to know
whose voice a sentence is in (its section, the authors' "we").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kg.concepts import Concept, Vocabulary
from kg.context import PLAIN, Context
from kg.document import Document, Sentence
from kg.mentions import ConceptMention
from kg.rdf.namespaces import CONCEPT

SCHEME_PREFIX = str(CONCEPT["scheme/"])

_AUTHORS_VOICE = re.compile(r"\b(?:we|our|us)\b", re.IGNORECASE)


@dataclass(frozen=True)
class LocalMention:
    """A mention with ``start``/``end`` in its sentence's text and its concept's categories."""

    concept: Concept
    start: int
    end: int
    text: str
    negated: bool
    categories: frozenset[str]
    context: Context = PLAIN

    @property
    def key(self) -> str:
        return self.concept.key


def categories(concept: Concept) -> frozenset[str]:
    """The category keys of a concept ("etiology", "lab-test", ...): its schemes' local names."""
    return frozenset(s.removeprefix(SCHEME_PREFIX) for s in concept.schemes)


def text_offset(sentence: Sentence, source_offset: int) -> int:
    """The inverse of ``Sentence.source_offset`` for characters the sentence kept."""
    joins = sentence.joins or (" ",) * (len(sentence.segments) - 1)
    position = 0
    for number, segment in enumerate(sentence.segments):
        if segment.start <= source_offset < segment.end:
            return position + source_offset - segment.start
        position += segment.end - segment.start
        if source_offset == segment.end and number == len(sentence.segments) - 1:
            return position
        if number < len(joins):
            position += len(joins[number])
    raise ValueError(f"source offset {source_offset} is not in sentence {sentence.index}")


def local_mentions(
    document: Document, mentions: Iterable[ConceptMention], vocabulary: Vocabulary
) -> dict[int, list[LocalMention]]:
    """Mentions grouped by sentence index, in reading order, in sentence-text offsets."""
    sentences = {s.index: s for s in document.sentences}
    grouped: dict[int, list[LocalMention]] = {index: [] for index in sentences}
    for mention in mentions:
        sentence = sentences[mention.sentence_index]
        if mention.identifier is None:
            concept = vocabulary.concept(mention.concept)
        elif mention.category == "lab-test" or mention.identifier.startswith("LOINC:"):
            concept = _test_concept(mention)
        else:
            continue  # other terminology terms: facts and claims reason over domain concepts
        grouped[sentence.index].append(
            local_mention(sentence, mention, concept, categories(concept))
        )
    for found in grouped.values():
        found.sort(key=lambda m: m.start)
    return grouped


def local_mention(
    sentence: Sentence, mention: ConceptMention, concept: Concept, kinds: frozenset[str]
) -> LocalMention:
    """``mention`` read as ``concept`` of the categories ``kinds``, in its sentence's text."""
    start = text_offset(sentence, mention.start)
    end = text_offset(sentence, mention.end - 1) + 1
    return LocalMention(
        concept=concept,
        start=start,
        end=end,
        text=sentence.text[start:end],
        negated=mention.negated,
        categories=kinds,
        context=mention.context,
    )


def _test_concept(mention: ConceptMention) -> Concept:
    """A terminology's lab test or observation, seen as a lab-test concept by the fact rules
    (its IRI is the terminology's, not the vocabulary's: facts name it by its words)."""
    return Concept(
        iri=mention.concept,
        pref_label=mention.label,
        schemes=(SCHEME_PREFIX + "lab-test",),
        labels=(mention.label,),
    )


def ancestors(vocabulary: Vocabulary, concept: Concept) -> list[Concept]:
    """The concept's broader concepts, nearest first, each once."""
    seen: dict[str, Concept] = {}
    frontier: Sequence[str] = concept.broader
    while frontier:
        following: list[str] = []
        for iri in frontier:
            if iri not in seen and iri in vocabulary.concepts:
                seen[iri] = vocabulary.concepts[iri]
                following.extend(vocabulary.concepts[iri].broader)
        frontier = following
    return list(seen.values())


def top_concept(vocabulary: Vocabulary, concept: Concept) -> Concept:
    """The broadest concept above ``concept`` (itself when it has none)."""
    chain = ancestors(vocabulary, concept)
    tops = [c for c in chain if not c.broader]
    return tops[0] if tops else concept


def is_case_section(title: str) -> bool:
    """Sections that present the case ("CASE REPORT", "Case presentation", "Clinical course")."""
    return bool(
        re.search(r"\bcase\b|\bclinical\b|\bpatient\b|\bhistory\b", title, re.IGNORECASE)
    ) and not re.search(r"\bdiscussion\b|\babstract\b", title, re.IGNORECASE)


def is_authors_voice(text: str) -> bool:
    """Sentences in which the authors speak ("We speculated ...") interpret the case."""
    return bool(_AUTHORS_VOICE.search(text))
