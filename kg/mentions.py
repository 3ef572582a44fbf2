"""Concept mentions: where the report names a vocabulary concept, down to the character.

Each mention keeps its sentence and its source range, with the exact words and a little
context before and after (the W3C Web Annotation text-quote selector), so the graph can
point at the words even after the file's layout noise has been reflowed away.

Each mention carries its ConText (kg.context): negated, uncertain, someone else's (family
history) or past history, with the trigger words kept. A mention is kept either way —
"no pleural effusion" is still a statement about pleural effusion — and the context lets
facts and queries tell presence from absence. Modalities and anatomy are never negated:
"not seen on chest CT" denies the finding, not the CT.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kg.context import PLAIN, Context, mention_context
from kg.document import Document, Sentence
from kg.terminology.sources import CLINICAL_FINDING
from kg.vocabulary import ConceptMatcher, Knowledge, LabelMatch

QUOTE_CONTEXT = 32
# Naming a modality or a body part states no finding, so there is nothing to negate.
UNNEGATABLE_SCHEMES = ("modality", "anatomy")


@dataclass(frozen=True)
class TextQuote:
    """One contiguous run of source text: ``source[start:end] == exact``, with context."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class ConceptMention:
    """A concept named in the report.

    ``quotes`` is one run of source text, or several when the words were split by a page
    block (a figure, a running header) that ingest reflowed away.
    """

    concept: str
    label: str
    sentence_index: int
    text: str
    """The words as the sentence reads them, page furniture and hyphenation removed."""
    quotes: tuple[TextQuote, ...]
    context: Context = PLAIN
    identifier: str | None = None
    """For a standard terminology term (``concept`` its IRI), the identifier the
    terminology gives it ("HP:0001945"); None for a concept of the domain vocabulary."""
    category: str | None = None
    """For a terminology term, the kind of mention ("phenotype", "disorder", "lab-test",
    "procedure", "sign"); for a domain concept (its categories are its schemes), the kind
    of the terminology term its words name too, if any ("cardiomyopathy": phenotype)."""

    @property
    def negated(self) -> bool:
        return self.context.negated

    @property
    def start(self) -> int:
        return self.quotes[0].start

    @property
    def end(self) -> int:
        return self.quotes[-1].end


def find_mentions(document: Document, knowledge: Knowledge) -> tuple[ConceptMention, ...]:
    """Every concept mention in the document's sentences, in reading order: the domain
    vocabulary's concepts, then the terminology terms in the words they leave."""
    matcher, vocabulary = knowledge.matcher, knowledge.vocabulary
    unnegatable = {c.iri for scheme in UNNEGATABLE_SCHEMES for c in vocabulary.in_scheme(scheme)}
    kinds = _domain_kinds(knowledge)
    located: list[tuple[ConceptMention, int, int]] = []
    for sentence in document.sentences:
        text = sentence.text
        domain = matcher.find(text)
        domain = sorted([*domain, *_elided(text, domain, matcher)], key=lambda m: m.start)
        terms = knowledge.terminology.find(text) if knowledge.terminology else []
        for match in domain:
            same = [t for t in terms if t.start < match.end and match.start < t.end]
            kind = (
                max(same, key=lambda t: t.end - t.start).term.category
                if same
                else kinds.get(match.concept)
            )
            located.append(
                (
                    ConceptMention(
                        concept=match.concept,
                        label=match.label,
                        sentence_index=sentence.index,
                        text=text[match.start : match.end],
                        quotes=text_quotes(document.source, sentence, match.start, match.end),
                        context=mention_context(
                            text, match.start, match.end, finding=match.concept not in unnegatable
                        ),
                        category=kind,
                    ),
                    match.start,
                    match.end,
                )
            )
        for term in terms:
            if any(term.start < d.end and d.start < term.end for d in domain):
                continue
            if _GENUS.search(text, 0, term.start):
                continue  # "M. tuberculosis" names the organism, not the disease
            if term.term.category == "lab-test" and _GIVEN.search(text, 0, term.start):
                continue  # "started on quetiapine fumarate": a drug given, not an analyte
            if term.term.category != "procedure" and _names_a_scale(text, term.start, term.end):
                continue  # "Glasgow Coma Scale": the scale's name, no coma
            located.append(
                (
                    ConceptMention(
                        concept=term.iri,
                        label=term.term.label,
                        sentence_index=sentence.index,
                        text=term.form,
                        quotes=text_quotes(document.source, sentence, term.start, term.end),
                        context=mention_context(
                            text, term.start, term.end, finding=term.term.category != "procedure"
                        ),
                        identifier=term.term.curie,
                        category=term.term.category,
                    ),
                    term.start,
                    term.end,
                )
            )
    located = _shortened(document, located)
    found = [m for m, _, _ in located] + _abbreviated(document, located, unnegatable)
    found.sort(key=lambda m: (m.sentence_index, m.start))
    return tuple(found)


_GENUS = re.compile(r"(?<![\w.])[A-Z]\.\s?$")
"""A genus abbreviated before a word ("M. tuberculosis"): the words name a species."""


_GIVEN = re.compile(
    r"\b(?:started\s+on|treated\s+with|(?:therapy|treatment)\s+with|given|administered|"
    r"(?:administration|infusion)\s+of)\s+(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)
"""Words that say what follows was given to the patient: an analyte's name there is a
drug's ("chelation therapy with EDTA")."""


_SCALE_AFTER = re.compile(
    r"(?:\s*\([^()]{1,12}\))?\s+(?:scale|score|index|classification|criteria)\b", re.IGNORECASE
)
_CAPITALISED_BEFORE = re.compile(r"\b[A-Z][\w'-]*\s+(?:for\s+)?$")


def _names_a_scale(text: str, start: int, end: int) -> bool:
    """A finding's words inside the name of a scale or score ("Glasgow Coma Scale", "Model
    for End-Stage Liver Disease (MELD) score", "Beighton hypermobility scale"): an
    eponym or a capitalised name, then the scale's head word."""
    if not _SCALE_AFTER.match(text, end):
        return False
    return text[start].isupper() or bool(_CAPITALISED_BEFORE.search(text, 0, start))


def _domain_kinds(knowledge: Knowledge) -> dict[str, str]:
    """The kind of each domain concept that one of its labels names in the terminology
    too ("left ventricular ejection fraction", a label of LVEF: a LOINC procedure)."""
    if knowledge.terminology is None:
        return {}
    kinds: dict[str, str] = {}
    for concept in knowledge.vocabulary.concepts.values():
        for label in concept.labels:
            term = knowledge.terminology.named(label)
            if term is not None:
                kinds[concept.iri] = term.category
                break
    return kinds


_DEFINED = re.compile(r"\s*\((?P<short>[A-Za-z][A-Za-z0-9-]{1,9})\)")


_PREPOSITION = re.compile(r"^(?:in|of|for|with|on|to|at|by|from)$", re.IGNORECASE)


def _abbreviates(short: str, before: str, mention: ConceptMention) -> bool:
    """Whether ``short`` abbreviates the mention's words, or them and the words just before
    ("acute myocardial infarction (AMI)", "transesophageal echocardiography (TEE)"): the
    short form begins with the first letter of one of them. Not when a preposition stands
    among the words before: the mention is then not the head of what the short form
    stands for ("Response Evaluation Criteria In Solid Tumors (RECIST)" is no tumor)."""
    if short[0].lower() == mention.text[0].lower():
        return True
    leading = before.split()[-(len(short) - 1) :] if len(short) > 1 else []
    for position, word in enumerate(leading):
        if word[:1].lower() == short[0].lower():
            return not any(_PREPOSITION.match(w) for w in leading[position:])
    return False


def _abbreviated(
    document: Document, located: list[tuple[ConceptMention, int, int]], unnegatable: set[str]
) -> list[ConceptMention]:
    """Mentions of the abbreviations the report defines: a concept named and its short
    form in parentheses after it ("small cell lung cancer (SCLC)", "left ventricular
    ejection fraction (LVEF)") names that concept wherever the short form stands, in its
    own letter case (a plural "s" allowed). The short form must begin with the first letter
    of the words it abbreviates and have two capitals at least."""
    defined: dict[str, ConceptMention] = {}
    sentences = {s.index: s for s in document.sentences}
    for mention, mention_start, mention_end in located:
        text = sentences[mention.sentence_index].text
        after = _DEFINED.match(text, mention_end)
        if after is None:
            continue
        short = after.group("short")
        if sum(c.isupper() for c in short) >= 2 and _abbreviates(
            short, text[:mention_start], mention
        ):
            defined.setdefault(short, mention)
    if not defined:
        return []
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, defined)) + r")s?\b")
    taken: dict[int, list[tuple[int, int]]] = {}
    for mention, start, end in located:
        taken.setdefault(mention.sentence_index, []).append((start, end))
    added: list[ConceptMention] = []
    for sentence in document.sentences:
        spans = taken.get(sentence.index, [])
        for match in pattern.finditer(sentence.text):
            start, end = match.span()
            if any(start < b and a < end for a, b in spans):
                continue
            template = defined[match.group(1)]
            finding = template.category != "procedure" and template.concept not in unnegatable
            added.append(
                replace(
                    template,
                    sentence_index=sentence.index,
                    text=match.group(),
                    quotes=text_quotes(document.source, sentence, start, end),
                    context=mention_context(sentence.text, start, end, finding=finding),
                )
            )
    return added


_SHORT_BEFORE = re.compile(
    r"(?:^|[,;:(]\s*|\b(?:a|an|the|of|to|with|and|or|in|for|by|from|his|her|their|its|no|"
    r"without|had|has|have|was|were|is|are)\s+)$",
    re.IGNORECASE,
)
"""What may stand before a term's shortened repeat: a function word or the clause's start,
not a word that would qualify it differently ("small cell carcinoma")."""


def _shortened(
    document: Document, located: list[tuple[ConceptMention, int, int]]
) -> list[tuple[ConceptMention, int, int]]:
    """A disease or phenotype the report has named in three words or more, repeated later
    by its last two or more ("spinal cord compression", then "cord compression"): the
    repeat names the same term, where no other term names those words (a finding named
    by its head word alone, "compression", gives way to it)."""
    tails: dict[str, tuple[ConceptMention, int]] = {}
    for mention, _, mention_end in located:
        words = mention.text.split()
        if mention.identifier and mention.category in ("disorder", "phenotype"):
            for size in range(2, len(words)):
                tails.setdefault(" ".join(words[-size:]).lower(), (mention, mention_end))
    if not tails:
        return located
    pattern = re.compile(
        r"\b(" + "|".join(map(re.escape, sorted(tails, key=len, reverse=True))) + r")\b",
        re.IGNORECASE,
    )
    by_sentence: dict[int, list[tuple[ConceptMention, int, int]]] = {}
    for item in located:
        by_sentence.setdefault(item[0].sentence_index, []).append(item)
    result: list[tuple[ConceptMention, int, int]] = []
    for sentence in document.sentences:
        own = by_sentence.get(sentence.index, [])
        for match in pattern.finditer(sentence.text):
            start, end = match.span()
            template, template_end = tails[match.group(1).lower()]
            if (template.sentence_index, template_end) > (sentence.index, start):
                continue
            if not _SHORT_BEFORE.search(sentence.text, 0, start):
                continue
            overlapping = [m for m in own if m[1] < end and start < m[2]]
            if any(m[0].identifier != CLINICAL_FINDING[0] for m in overlapping):
                continue
            own = [m for m in own if m not in overlapping]
            repeat = replace(
                template,
                sentence_index=sentence.index,
                text=match.group(),
                quotes=text_quotes(document.source, sentence, start, end),
                context=mention_context(sentence.text, start, end, finding=True),
            )
            own.append((repeat, start, end))
        result += own
    return result


_COORDINATED_MODIFIER = re.compile(r"\b(?P<word>[A-Za-z][\w-]*)\s+(?:and|or|and/or)\s+$")


def _elided(text: str, domain: list[LabelMatch], matcher: ConceptMatcher) -> list[LabelMatch]:
    """Concepts named by a modifier whose head the next words share: "metastatic and
    dystrophic calcification" names metastatic calcification too ("acute and chronic renal
    disease"). The mention is the modifier's words alone."""
    found: list[LabelMatch] = []
    for match in domain:
        head = text[match.start : match.end].split(maxsplit=1)
        if len(head) < 2:
            continue
        modifier = _COORDINATED_MODIFIER.search(text, 0, match.start)
        if modifier is None:
            continue
        start, end = modifier.span("word")
        if any(start < d.end and d.start < end for d in domain):
            continue
        candidate = f"{modifier.group('word')} {head[1]}"
        named = matcher.find(candidate)
        whole = len(named) == 1 and named[0].end - named[0].start == len(candidate)
        if whole and named[0].concept != match.concept:
            found.append(LabelMatch(named[0].concept, named[0].label, start, end))
    return found


def text_quotes(source: str, sentence: Sentence, start: int, end: int) -> tuple[TextQuote, ...]:
    """The source runs behind ``sentence.text[start:end]``, split only where page furniture
    (more than a line break or a hyphenation) lies between two segments."""
    runs: list[tuple[int, int]] = []
    joins = sentence.joins or (" ",) * (len(sentence.segments) - 1)
    position = 0
    for number, segment in enumerate(sentence.segments):
        length = segment.end - segment.start
        low, high = max(start, position), min(end, position + length)
        if low < high:
            run = (segment.start + low - position, segment.start + high - position)
            if runs and source[runs[-1][1] : run[0]].strip() in ("", "-"):
                runs[-1] = (runs[-1][0], run[1])
            else:
                runs.append(run)
        position += length + (len(joins[number]) if number < len(joins) else 0)
    return tuple(
        TextQuote(
            start=a,
            end=b,
            exact=source[a:b],
            prefix=source[max(0, a - QUOTE_CONTEXT) : a],
            suffix=source[b : b + QUOTE_CONTEXT],
        )
        for a, b in runs
    )
