"""Annotation: the clinical knowledge of one document, each piece anchored to its words.

``annotate`` is the one stage after ingest and reference parsing that reads the text for
meaning. It gathers concept mentions (kg.mentions, from the SKOS vocabulary), the case
facts and the claims into one ``Annotations`` value that kg.rdf.annotations turns into the
document's annotations graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kg.claims import Claim, extract_claims
from kg.document import Document
from kg.facts import CaseFacts, extract_case_facts
from kg.mentions import ConceptMention, find_mentions
from kg.references import ParsedReference
from kg.terminology.sources import Source
from kg.vocabulary import Knowledge


@dataclass(frozen=True)
class Annotations:
    """Everything annotation found in one document."""

    mentions: tuple[ConceptMention, ...] = ()
    facts: CaseFacts = field(default_factory=CaseFacts)
    claims: tuple[Claim, ...] = ()
    terminologies: tuple[Source, ...] = ()
    """The standard terminologies (and their releases) the mentions were linked with."""


def annotate(
    document: Document, references: Sequence[ParsedReference], knowledge: Knowledge
) -> Annotations:
    """Read the document's clinical knowledge (mentions, case facts, claims) with
    ``knowledge`` and the document's own overlay on it."""
    knowledge = knowledge.for_document(document)
    mentions = find_mentions(document, knowledge)
    return Annotations(
        mentions=mentions,
        facts=extract_case_facts(document, mentions, knowledge.vocabulary),
        claims=extract_claims(document, mentions, knowledge.vocabulary),
        terminologies=knowledge.terminology.sources if knowledge.terminology else (),
    )
