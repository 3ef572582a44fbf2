"""The case timeline: admission and imaging examinations, in days relative to admission.

Rules, applied clause by clause to the case-presentation sections in reading order:

- A clause is a sentence, or a part of one split at "; " and ", which" (a non-restrictive
  "which" clause usually tells of another examination: "..., which was not seen on chest
  CT one day before admission").
- Its time is the first time expression in it (kg.timeexpr). A clause that names an
  examination and speaks of follow-up without a time of its own is a follow-up whose day
  the report does not give ("There was no change ... in follow-up chest CT" after "In
  three months, ..."): a time is never borrowed from another sentence.
- "was admitted" makes the admission event (day 0) with the setting it names.
- Each modality mention makes an examination event at that time; the same modality on the
  same day is one event. A modality with no time joins the examination being described when
  both belong to the same family (same broadest modality: Doppler joins the TTE); otherwise
  it is an examination whose day the report does not give — ``day`` stays None and
  ``note`` says so; nothing is guessed. Such undated examinations are only read from a
  section that presents the case: without one (a report whose headings ingest could not
  tell), an examination named without a time may be the abstract or the discussion
  speaking, so only dated ones count.
- Findings of an examination are the imaging-sign, condition, mechanism and outcome
  mentions of its clause, absent when negated. A clause of the form ", which was not
  seen on ..." with no findings of its own has the previous clause's findings, absent.
  A sentence with no modality and no time that names an imaging sign goes on describing
  the current examination (the LVEF after "The initial TTE ...").
- Sentences in the authors' voice ("We speculated ...") interpret rather than report, and
  are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Literal

from kg.concepts import Vocabulary
from kg.document import Document, Sentence, Span
from kg.sentences import LocalMention, is_authors_voice, is_case_section, top_concept
from kg.timeexpr import TimeExpression, find_time_expressions

FINDING_CATEGORIES = frozenset({"imaging-sign", "condition", "mechanism", "outcome"})
UNDATED = "day not stated in the report"

_CLAUSE_SPLIT = re.compile(r";\s+|,\s*(?=which\b)")
_FOLLOW_UP = re.compile(r"\bfollow[- ]?up\b", re.IGNORECASE)
_NEGATED_CLAUSE = re.compile(r"^which\b.*\b(?:not|no|never)\b", re.IGNORECASE)
_ELSEWHERE = re.compile(
    r"\boutside\s+(?:the|our)\s+hospital\b|\b(?:another|other|outside|referring|local)\s+"
    r"(?:hospital|institution|center|centre|clinic)\b",
    re.IGNORECASE,
)
_SETTING = re.compile(
    r"\b(?:admitted|presented|transferred)\s+to\s+(?:the\s+|our\s+)?(?P<where>.+?)"
    r"(?=\s+(?:with|for|because|due|on|after|in)\b|[,.;]|$)",
    re.IGNORECASE,
)
_ADMITTED = re.compile(r"\badmitted\b|\bpresented\s+to\b", re.IGNORECASE)


@dataclass(frozen=True)
class EventFinding:
    """What an examination showed, or showed to be absent."""

    concept: str
    text: str
    present: bool
    sentence_index: int
    span: Span
    uncertain: bool = False
    cues: tuple[str, ...] = ()
    """The context words that deny it or make it uncertain (kg.context)."""


@dataclass(frozen=True)
class TimelineEvent:
    """An event at a day relative to admission (None when the report gives none).

    ``offset`` is the time as an xsd:duration from admission ("-P1D", "P6D", "P3M");
    ``approximate`` marks a day derived from weeks, months or years.
    """

    kind: Literal["admission", "examination"]
    label: str
    modality: str | None
    modality_text: str | None
    day: int | None
    approximate: bool
    offset: str | None
    time_expression: str | None
    follow_up: bool
    performed_elsewhere: bool
    setting: str | None
    findings: tuple[EventFinding, ...]
    sentence_index: int
    span: Span
    described_in: tuple[int, ...]
    note: str | None = None


@dataclass
class _Draft:
    kind: Literal["admission", "examination"]
    label: str
    modality: LocalMention | None
    time: TimeExpression | None
    performed_elsewhere: bool
    setting: str | None
    sentence: Sentence
    clause: tuple[int, int]
    findings: list[EventFinding] = field(default_factory=list)
    described_in: list[int] = field(default_factory=list)
    follow_up: bool = False

    def add(self, sentence: Sentence, findings: list[EventFinding]) -> None:
        known = {(f.concept, f.present) for f in self.findings}
        self.findings.extend(f for f in findings if (f.concept, f.present) not in known)
        if sentence.index not in self.described_in:
            self.described_in.append(sentence.index)

    def event(self) -> TimelineEvent:
        time = self.time
        start, end = self.clause
        return TimelineEvent(
            kind=self.kind,
            label=self.label,
            modality=self.modality.concept.iri if self.modality else None,
            modality_text=self.modality.text if self.modality else None,
            day=time.day if time else None,
            approximate=time.approximate if time else False,
            offset=time.offset if time else None,
            time_expression=time.text if time else None,
            follow_up=time.follow_up if time else self.follow_up,
            performed_elsewhere=self.performed_elsewhere,
            setting=self.setting,
            findings=tuple(self.findings),
            sentence_index=self.sentence.index,
            span=Span(self.sentence.source_offset(start), self.sentence.source_offset(end)),
            described_in=tuple(self.described_in),
            note=None if time else UNDATED,
        )


def case_sentences(document: Document) -> list[Sentence]:
    """The sentences that present the case; when no section heading says which, every
    sentence but the figure captions (which repeat what the text tells)."""
    case = [s for s in document.sentences if is_case_section(s.section)]
    if case:
        return case
    return [s for s in document.sentences if not re.match(r"fig", s.section, re.IGNORECASE)]


def extract_timeline(
    document: Document, local: dict[int, list[LocalMention]], vocabulary: Vocabulary
) -> tuple[TimelineEvent, ...]:
    """The events of the case, in the order the report tells them."""
    drafts: list[_Draft] = []
    current: _Draft | None = None
    sectioned = any(is_case_section(s.section) for s in document.sentences)
    for sentence in case_sentences(document):
        if is_authors_voice(sentence.text):
            continue
        previous_findings: list[EventFinding] = []
        for start, end in _clauses(sentence.text):
            clause = sentence.text[start:end]
            mentions = [m for m in local[sentence.index] if start <= m.start < end]
            findings = _findings(sentence, mentions)
            if not findings and _NEGATED_CLAUSE.match(clause):
                findings = [_absent(f) for f in previous_findings]
            previous_findings = findings
            times = [
                t
                for t in find_time_expressions(clause)
                if not (t.day == 0 and _ADMITTED.search(t.text))
            ]
            modalities = _distinct([m for m in mentions if "modality" in m.categories])
            if _ADMITTED.search(clause) and not any(d.kind == "admission" for d in drafts):
                drafts.append(
                    _Draft(
                        "admission",
                        "admission",
                        None,
                        TimeExpression("admitted", start, end, 0, "P0D", False, False),
                        False,
                        admission_setting(clause),
                        sentence,
                        (start, end),
                        described_in=[sentence.index],
                    )
                )
            time = times[0] if times else None
            untimed_follow_up = time is None and bool(_FOLLOW_UP.search(clause))
            if modalities and (time is not None or sectioned):
                for modality in modalities:
                    current = _examination(
                        drafts, current, modality, time, sentence, (start, end), clause, vocabulary
                    )
                    current.follow_up = current.follow_up or untimed_follow_up
                    current.add(sentence, findings)
            elif time is None and current is not None and _describes_imaging(mentions):
                current.add(sentence, findings)
    return tuple(d.event() for d in drafts)


def admission_setting(text: str) -> str | None:
    """Where the patient was admitted ("the emergency department"), as the words give it."""
    setting = _SETTING.search(text)
    return setting.group("where") if setting else None


def current_examinations(
    document: Document, timeline: tuple[TimelineEvent, ...]
) -> dict[int, TimelineEvent]:
    """For each sentence that describes an examination, that examination."""
    return {
        index: event
        for event in timeline
        if event.kind == "examination"
        for index in event.described_in
    }


def _clauses(text: str) -> list[tuple[int, int]]:
    bounds = [0, *(m.end() for m in _CLAUSE_SPLIT.finditer(text)), len(text)]
    return [(a, b) for a, b in pairwise(bounds) if b > a]


def _distinct(mentions: list[LocalMention]) -> list[LocalMention]:
    seen: set[str] = set()
    kept = []
    for mention in mentions:
        if mention.concept.iri not in seen:
            seen.add(mention.concept.iri)
            kept.append(mention)
    return kept


def _findings(sentence: Sentence, mentions: list[LocalMention]) -> list[EventFinding]:
    return [
        EventFinding(
            concept=m.concept.iri,
            text=m.text,
            present=not m.negated,
            sentence_index=sentence.index,
            span=sentence.source_span(m.start, m.end),
            uncertain=m.context.uncertain,
            cues=m.context.cues,
        )
        for m in mentions
        if m.categories & FINDING_CATEGORIES
        and "modality" not in m.categories
        and m.context.experiencer == "patient"
    ]


def _absent(finding: EventFinding) -> EventFinding:
    return replace(finding, present=False)


def _describes_imaging(mentions: list[LocalMention]) -> bool:
    return any("imaging-sign" in m.categories for m in mentions)


def _examination(
    drafts: list[_Draft],
    current: _Draft | None,
    modality: LocalMention,
    time: TimeExpression | None,
    sentence: Sentence,
    clause: tuple[int, int],
    text: str,
    vocabulary: Vocabulary,
) -> _Draft:
    family = top_concept(vocabulary, modality.concept).iri
    if time is None:
        if (
            current is not None
            and current.modality is not None
            and (top_concept(vocabulary, current.modality.concept).iri == family)
        ):
            return current
    else:
        for draft in drafts:
            if (
                draft.kind == "examination"
                and draft.modality is not None
                and draft.modality.concept.iri == modality.concept.iri
                and draft.time is not None
                and draft.time.day == time.day
            ):
                return draft
    elsewhere = _ELSEWHERE.search(text)
    draft = _Draft(
        "examination",
        modality.text,
        modality,
        time,
        elsewhere is not None,
        elsewhere.group() if elsewhere else None,
        sentence,
        clause,
    )
    drafts.append(draft)
    return draft
