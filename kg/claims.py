"""Claims: what the report says links an etiology, a mechanism, a condition, a sign, an outcome.

Rules (general, over the concept mentions of one sentence):

- Concepts take part by category, ranked along the causal chain: etiology (0) -> mechanism
  (1) -> condition (2) -> imaging sign or outcome (3). Anatomy, modalities, lab tests and
  organisms do not.
- Cue phrases split the sentence into groups of mentions. A cue links the group before it
  (the nearest non-empty one; for the narrow cues "from", "in cases of", "in patients with"
  only its last mention, and "from" only with an etiology as the cause: "damage from
  sepsis", not "separate calcification from scar"; for a cue coordinated with the one
  before by "and"/"or", that cue's left group) with the group right after it.
  Separators ("despite", "although", "based on") end a group without linking. A sentence
  opening with "It"/"This" (not "It is believed that") takes the first ranked concept of
  the sentence before as its left group.
- A terminology concept links only by the words beside the cue: connecting words, a list
  it stands in with other concepts ("due to therapy, infection, renal failure"), a
  relative clause ("amyloidosis was detected which might have contributed to"), or as the
  subject of the clause whose verb is the cue ("In general, X in Y ... is often related to
  complications due to Z"). "Y in patients with X" between terminology concepts says where
  Y occurs: an association, not a cause; so does "Y in X" ("pancytopenia in disseminated
  histoplasmosis"). An imaging sign a terminology names as a test ("LVEF") is a measured
  quantity and takes no part.
- The cause is the lower-ranked concept; between equal ranks only a causal cue orients.
  The predicate follows the categories and the cue: effect an outcome -> increasesRiskOf;
  effect an imaging sign -> manifestsAs (evidential or causal cues only: "suggest",
  "might be", "due to"); temporal cues ("observed after") -> associatedWith, etiology to
  condition only; association cues -> associatedWith; causal cues -> causes. Concepts one
  broader than the other make no claim.
- A sentence framed "With regard to / In <mechanism>, ..." relates every etiology or
  mechanism after its first cue to that mechanism (causes; contributesTo between
  mechanisms).
- Kind: the authors' interpretation when the sentence is in their voice (we, our, "this
  case"), in the
  case presentation or a figure caption; otherwise background literature. Hedged when the
  sentence hedges (might, possible, believe, suggest...).
- Cited references: the markers in the evidence sentence, in the clauses that hold the
  claim's concepts ("... [4], although Z can also contribute [5]"). A background sentence without
  markers takes those of the nearest earlier sentence of the same paragraph that has
  some, as long as every sentence between is unmarked background too and the passage
  continues that sentence: it announces what follows ("two mechanisms participate (2-4).
  With regard to metastatic ...") or the sentence opens by continuing it ("Moreover", "In
  X, ..."). Otherwise the sentence is a statement of its own and cites nothing.
  A reviewed citation scope (kg.curation) extends a marker over the sentences it quotes.
- CiTO function of the cited references: cito:citesAsEvidence for background claims,
  cito:obtainsSupportFrom for the authors' interpretation, unless curated otherwise.
- The curation file adds claims the rules cannot read, and rejects rule claims a reviewer
  found wrong; a curated claim replaces a rule claim on the same concepts and sentence.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from kg.concepts import Concept, Vocabulary
from kg.curation import AssertionKind, CuratedClaim, Curation, Predicate, load_curation
from kg.document import CitationMarker, Document, Sentence, Span
from kg.facts import case_account, with_terms
from kg.mentions import ConceptMention
from kg.rdf.namespaces import CONCEPT
from kg.sentences import (
    LocalMention,
    ancestors,
    is_authors_voice,
    is_case_section,
    local_mentions,
    text_offset,
)
from kg.terminology.sources import CLINICAL_FINDING

Modality = Literal["causal", "association", "evidential", "risk", "temporal"]
RANKS = {"etiology": 0, "mechanism": 1, "condition": 2, "imaging-sign": 3, "outcome": 3}
CueKind = Literal["causal", "forward", "association", "risk", "evidential", "temporal"]
Offer = Callable[[LocalMention, LocalMention, Predicate, str, Modality, bool], None]


@dataclass(frozen=True)
class Claim:
    """A reified statement of the report, with its evidence and the references it cites.

    ``citation_sentences`` are the sentences whose markers gave ``cited_references``
    (the evidence sentence itself, or the one a background passage inherits them from).
    """

    subject: str
    predicate: Predicate
    object: str
    kind: AssertionKind
    hedged: bool
    sentence_index: int
    evidence: str
    span: Span
    evidence_sentences: tuple[int, ...]
    cited_references: tuple[int, ...]
    citation_sentences: tuple[int, ...]
    citation_function: str | None
    cue: str
    curated: bool = False
    note: str = ""
    modality: Modality = "causal"
    """What the sentence asserts of the link: "causal" ("causes", "leads to"),
    "association" ("associated with", "relevant to"), "evidential" ("suggest"), "risk",
    "temporal" ("observed after"). Only a causal one gives ``causes``."""
    negated: bool = False
    """The sentence denies the link ("is not associated with")."""
    hedge_cue: str | None = None
    """The word that hedges the sentence ("might"), kept as provenance."""
    shared_references: tuple[int, ...] = ()
    """References whose markers cover this claim together with others of its sentence or
    passage, without the text saying which supports which: the attribution is shared."""


@dataclass(frozen=True)
class _Link:
    """What one sentence says links a cause and an effect, and the words that say it."""

    cause: LocalMention
    effect: LocalMention
    predicate: Predicate
    cue: str
    modality: Modality
    negated: bool


@dataclass(frozen=True)
class _Cue:
    kind: CueKind
    backward: bool
    narrow: bool
    start: int
    end: int
    text: str


_CUES: tuple[tuple[CueKind, bool, bool, str], ...] = (
    ("causal", True, True, r"in\s+(?:cases|patients|the\s+setting|the\s+context)\s+(?:of|with)"),
    ("causal", True, True, r"from"),
    (
        "causal",
        True,
        False,
        r"due\s+to|owing\s+to|attribut(?:ed|able)\s+to|caused\s+by|secondary\s+to|"
        r"result(?:s|ed|ing)?\s+from|aris(?:e|es|ing)\s+from|induced\s+by|"
        r"complications?\s+(?:of|following|after)|sequelae?\s+(?:of|to)",
    ),
    (
        "forward",
        False,
        False,
        r"caus(?:e|es|ed|ing)(?!\s+by)|lead(?:s|ing)?\s+to|led\s+to|result(?:s|ed)?\s+in|"
        r"contribut(?:e|es|ed|ing)\s+to|participat(?:e|es|ed|ing)\s+in",
    ),
    (
        "association",
        False,
        False,
        r"(?:in\s+)?associat(?:ed|ion)\s+with|related\s+to|relevant\s+to|linked\s+(?:to|with)|"
        r"correlat(?:ed|es)\s+with",
    ),
    ("risk", False, False, r"risks?\s+of|predispos(?:e|es|ing)\s+to"),
    (
        "evidential",
        False,
        False,
        r"suggest(?:s|ed|ing|ive\s+of)?|indicat(?:e|es|ed|ing|ive\s+of)|consistent\s+with|"
        r"compatible\s+with|represent(?:s|ed|ing)?|(?:might|may|could)\s+be",
    ),
    (
        "temporal",
        True,
        False,
        r"(?:observed|seen|noted|develop(?:s|ed)?|occur(?:s|red|ring)?)\s+after|"
        r"(?:after|following)(?:\s+recovery\s+from)?",
    ),
)
_CUE_RE = [
    (kind, backward, narrow, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE))
    for kind, backward, narrow, pattern in _CUES
]
_SEPARATOR = re.compile(
    r"\b(?:despite|although|though|whereas|but|however|regardless\s+of|based\s+on|"
    r"even\s+(?:in|with|though))\b",
    re.IGNORECASE,
)
_COORDINATED = re.compile(r"^[\s,]*(?:and|or)\b[\w\s-]{0,30}$", re.IGNORECASE)
_FRAME = re.compile(
    r"^(?:with\s+regard\s+to|regarding|as\s+for|as\s+to|concerning|in|for)\s+(?:the\s+)?",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"^(?:it|this|these|they)\b", re.IGNORECASE)
_EXPLETIVE = re.compile(
    r"^it\s+(?:is|was|has\s+been)\s+(?:\w+\s+)?(?:believed|thought|known|accepted|reported|"
    r"suggested|possible|likely|unclear|important|necessary|noteworthy|recommended)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(?:might|may|could|possibl[ey]|probabl[ey]|speculat\w*|believe[ds]?|likely|perhaps|"
    r"suggest\w*|presum\w*|not\s+certain)\b",
    re.IGNORECASE,
)
_COMBINED = re.compile(r"\b(?:combin(?:ed|ation)|mixed|dual|both)\b", re.IGNORECASE)
_CLAIM_NEGATION = re.compile(r"\b(?:not|never|neither|nor)\b", re.IGNORECASE)
_STRENGTH: dict[Predicate, int] = {
    "causes": 5,
    "contributesTo": 4,
    "manifestsAs": 3,
    "increasesRiskOf": 2,
    "associatedWith": 1,
    "detectedBy": 0,
}


def extract_claims(
    document: Document,
    mentions: Sequence[ConceptMention],
    vocabulary: Vocabulary,
    curation: Curation | None = None,
) -> tuple[Claim, ...]:
    """The claims of a document: rule claims, less rejected ones, plus curated claims.

    ``curation`` defaults to the document's curation file (kg.curation), if it has one.
    """
    if curation is None:
        curation = load_curation(document, concepts={c.key for c in vocabulary.concepts.values()})
    local = with_terms(
        document, local_mentions(document, mentions, vocabulary), mentions, _term_category
    )
    citations = _Citations(document, curation)
    measured = {
        (m.sentence_index, m.start)
        for m in mentions
        if m.category in _MEASURED and m.identifier is None
    }
    claims: list[Claim] = []
    for sentence in document.sentences:
        ranked = [
            m
            for m in local[sentence.index]
            if _rank(m) is not None
            and not (
                "imaging-sign" in m.categories
                and (sentence.index, sentence.source_span(m.start, m.end).start) in measured
            )
        ]
        links = _sentence_pairs(document, sentence, ranked, local, vocabulary)
        claims += _sentence_claims(sentence, links, citations)
    rejected = {
        (vocabulary.concept(r.subject).iri, vocabulary.concept(r.object).iri, index)
        for r in curation.rejections
        for index in r.quote.sentence_indexes
    }
    curated = [_curated(document, c, vocabulary, citations) for c in curation.claims]
    dropped = rejected | {(c.subject, c.object, c.sentence_index) for c in curated}
    kept = [c for c in claims if (c.subject, c.object, c.sentence_index) not in dropped]
    supported = _apply_supports(curation, vocabulary, [*kept, *curated])
    return tuple(sorted(supported, key=lambda c: (c.sentence_index, c.span.start)))


_MEASURED = frozenset({"lab-test"})
"""An imaging sign whose words a terminology names as a test ("LVEF": a quantity an
examination measures, not a sign it shows) is no cause nor effect: "fever and ... ejection
fraction (LVEF) depression due to" never makes the ejection fraction cause the fever."""


def _term_category(mention: ConceptMention) -> str | None:
    """A terminology's disease, phenotype or named finding takes part in claims as a
    condition (HPO, MONDO, DICOM's SNOMED CT findings); a finding named by a head word
    alone ("lesion"), tests and procedures do not."""
    if mention.identifier is None or mention.identifier == CLINICAL_FINDING[0]:
        return None
    if mention.category in ("disorder", "phenotype", "sign"):
        return "condition"  # a disease, a phenotype, a finding DICOM names ("haemorrhage")
    return None


def _rank(mention: LocalMention) -> int | None:
    ranks = [RANKS[c] for c in mention.categories if c in RANKS]
    return min(ranks) if ranks else None


def _category(mention: LocalMention) -> str:
    return min((c for c in mention.categories if c in RANKS), key=lambda c: RANKS[c])


def _cues(text: str) -> list[_Cue]:
    found: list[_Cue] = []
    for kind, backward, narrow, pattern in _CUE_RE:
        for match in pattern.finditer(text):
            found.append(_Cue(kind, backward, narrow, match.start(), match.end(), match.group()))
    found.sort(key=lambda c: (c.start, c.start - c.end))
    kept: list[_Cue] = []
    for cue in found:
        if not kept or cue.start >= kept[-1].end:
            kept.append(cue)
        elif cue.end - cue.start > kept[-1].end - kept[-1].start and cue.start == kept[-1].start:
            kept[-1] = cue
    return kept


def _sentence_pairs(
    document: Document,
    sentence: Sentence,
    ranked: list[LocalMention],
    local: dict[int, list[LocalMention]],
    vocabulary: Vocabulary,
) -> dict[tuple[str, str], _Link]:
    text = sentence.text
    cues = _cues(text)
    pairs: dict[tuple[str, str], _Link] = {}

    def offer(
        cause: LocalMention,
        effect: LocalMention,
        predicate: Predicate,
        cue: str,
        modality: Modality,
        negated: bool,
    ) -> None:
        if _related(vocabulary, cause.concept, effect.concept):
            return
        key = (cause.concept.iri, effect.concept.iri)
        if key not in pairs or _STRENGTH[predicate] > _STRENGTH[pairs[key].predicate]:
            pairs[key] = _Link(cause, effect, predicate, cue, modality, negated)

    breaks = sorted(
        [(c.start, c.end, c) for c in cues]
        + [(m.start(), m.end(), None) for m in _SEPARATOR.finditer(text)],
        key=lambda b: b[0],
    )
    bounds = [0, *(end for _, end, _ in breaks)]
    stops = [*(start for start, _, _ in breaks), len(text)]
    groups = [
        [m for m in ranked if begin <= m.start and m.end <= stop]
        for begin, stop in zip(bounds, stops, strict=True)
    ]
    lefts: list[list[LocalMention]] = []
    for position, (start, _, cue) in enumerate(breaks):
        left = groups[position]
        previous = breaks[position - 1][2] if position else None
        if cue is None:
            left = []
        elif previous is not None and left and _COORDINATED.match(text[left[-1].end : start]):
            left = lefts[position - 1]
        elif not left:
            nonempty = [g for g in groups[:position] if g]
            left = nonempty[-1] if nonempty else _antecedent(document, sentence, local)
        if cue is not None and cue.narrow:
            left = left[-1:]
        lefts.append(left)
        if cue is not None:
            for a in left:
                for b in groups[position + 1]:
                    _pair(text, a, b, cue, cues, offer, ranked)
    _frame(text, ranked, cues, offer)
    for first, second in itertools.pairwise(ranked):
        # "Pancytopenia in disseminated histoplasmosis": where the one occurs, the other
        terms = _is_term(first) and _is_term(second) and not (first.negated or second.negated)
        if terms and _OCCURS_IN.fullmatch(text[first.end : second.start]):
            offer(first, second, "associatedWith", "in", "association", False)
    return pairs


_OCCURS_IN = re.compile(r"\s+in\s+(?:(?:the|a|an)\s+)?", re.IGNORECASE)
"""A condition named in another ("pancytopenia in disseminated histoplasmosis"): the one
occurs in the other, an association between two terminology concepts."""


def _pair(
    text: str,
    a: LocalMention,
    b: LocalMention,
    cue: _Cue,
    cues: list[_Cue],
    offer: Offer,
    ranked: list[LocalMention],
) -> None:
    rank_a, rank_b = _rank(a), _rank(b)
    if rank_a is None or rank_b is None or a.concept.iri == b.concept.iri:
        return
    beside = (_beside(text, a, cue, ranked) or _subject(text, a, cue, cues)) and _beside(
        text, b, cue, ranked
    )
    if not beside and (_is_term(a) or _is_term(b)):
        return
    # The weakest link between the two words decides: "calcification relevant to the
    # sequelae of sepsis" states an association, though "sequelae of" alone is causal.
    first, second = (a, b) if a.start < b.start else (b, a)
    between = [c for c in cues if first.end <= c.start and c.end <= second.start]
    kind = cue.kind
    if kind in ("causal", "forward") and any(c.kind == "association" for c in between):
        kind = "association"
    if cue.narrow and cue.text.lower().startswith("in ") and (_is_term(a) or _is_term(b)):
        # "bleeding in patients with multiple myeloma": where it occurs, not what causes it
        kind = "association"
    if kind in ("causal", "forward") and not cue.narrow:
        # "X leads to Y", "Y resulted from X": the words orient the link, whatever the
        # concepts' ranks ("rhabdomyolysis may lead to acute kidney injury").
        cause, effect = (b, a) if cue.backward else (a, b)
    elif rank_a == rank_b:
        if kind == "association" and rank_a == RANKS["condition"]:
            # two diseases or phenotypes "associated with" each other: no direction is
            # stated, so in the order written (processes of one rank link by cause only)
            cause, effect = first, second
        elif kind not in ("causal", "forward"):
            return
        else:
            cause, effect = (b, a) if cue.backward else (a, b)
    else:
        cause, effect = (a, b) if rank_a < rank_b else (b, a)
    if cue.text.lower() == "from" and _category(cause) != "etiology":
        return
    predicate = _predicate(_category(cause), _category(effect), kind)
    if predicate is None:
        return
    # "due to a combined mechanism of metastatic and dystrophic calcification": each
    # mechanism contributes, none is the whole cause.
    combined = _COMBINED.search(text, min(cue.end, cause.start), cause.start)
    if predicate == "causes" and _category(cause) == "mechanism" and combined:
        predicate = "contributesTo"
    negated = bool(_CLAIM_NEGATION.search(text, first.end, max(first.end, cue.start)))
    offer(cause, effect, predicate, cue.text, _modality(kind), negated)


_CONNECTING = re.compile(
    r"^(?:[\s,()]|\b(?:and|or|is|are|was|were|be|been|being|may|might|can|could|often|also|"
    r"not|frequently|commonly|considered|thought|to|have|has|had|the|a|an|this|its|their)\b)*$",
    re.IGNORECASE,
)


def _is_term(mention: LocalMention) -> bool:
    """A standard terminology's concept (HPO, MONDO), not one of the domain vocabulary."""
    return not mention.concept.iri.startswith(str(CONCEPT))


_RELATIVE = re.compile(r"^\s*(?:(?:was|were|is|are)\s+\w+ed\s*)?,?\s*(?:which|that)\b", re.I)
"""A relative clause after a concept ("amyloidosis was detected which might have
contributed to"): the concept is what the clause's verb says of."""
_LISTED = re.compile(
    r"^(?:\s*(?:(?:the|an?)\s+)?(?:[\w-]+(?:\s+[\w-]+)?)?\s*,\s*(?:and\s+|or\s+)?)+$", re.I
)
"""Items of a list before a concept after the cue ("due to therapy, infection, renal
failure"): each item is what the cue links, named by a concept or not."""
_LIST_WORDS = re.compile(r"^[\s,;()]*(?:(?:and|or|as\s+well\s+as)\b[\s,;()]*)*$", re.IGNORECASE)
_OPENING = re.compile(r"^(?:[A-Z][\w-]*(?:\s+[\w-]+){0,2}\s*,\s*)?(?:the\s+)?$")
"""The start of a clause before its subject: nothing, or a short opening phrase and a
comma ("In general, ")."""
_COPULA = re.compile(
    r"\b(?:is|are|was|were)(?:\s+(?:not|often|also|always|sometimes|thus|\w+ly))*\s+$",
    re.IGNORECASE,
)
_NOUN_PHRASE = re.compile(r"^\s*(?:(?:the|an?)\s+)?[\w-]+(?:\s+[\w-]+)?\s*$", re.IGNORECASE)


def _beside(text: str, mention: LocalMention, cue: _Cue, ranked: list[LocalMention]) -> bool:
    """The mention stands next to the cue, or in a list that does ("X and Y are associated
    with Z", "due to therapy, infection, renal failure"), or is what a relative clause
    with the cue says of: only connecting words and other concepts between them. A
    terminology concept links only by the words around it, not across a sentence's other
    findings."""
    low, high = (mention.end, cue.start) if mention.end <= cue.start else (cue.end, mention.start)
    gap = list(text[low:high])
    others = [o for o in ranked if low <= o.start and o.end <= high]
    for other in others:
        gap[other.start - low : other.end - low] = " " * (other.end - other.start)
    between = "".join(gap)
    if others:
        # the mention must be in a list with the concepts between ("X and Y are associated
        # with"), not their subject ("bleeding are thrombocytopenia secondary to")
        if mention.end <= cue.start:
            listed = between[: max(o.end for o in others) - low]
        else:
            listed = between[min(o.start for o in others) - low :]
        if not _LIST_WORDS.match(listed):
            return False
    if mention.end <= cue.start:
        relative = _RELATIVE.match(between)
        between = between[relative.end() :] if relative else between
    elif _LISTED.match(between):
        return True
    return _CONNECTING.match(between) is not None


def _subject(text: str, mention: LocalMention, cue: _Cue, cues: list[_Cue]) -> bool:
    """The mention is the subject of the clause whose verb is the cue, or whose verb's
    object the cue goes on from: it opens the clause, and a copula stands before that
    verb ("In general, bleeding diathesis in multiple myeloma ... is often related to
    complications due to infection"). Whatever qualifies the subject between them (a
    place, a participle) does not break the link."""
    if mention.end > cue.start or not _OPENING.match(text[: mention.start]):
        return False
    for verb in cues:
        if verb.start < mention.end or verb.start > cue.start:
            continue
        if _COPULA.search(text, mention.end, verb.start):
            return verb is cue or bool(_NOUN_PHRASE.match(text[verb.end : cue.start]))
    return False


def _modality(kind: CueKind) -> Modality:
    return "causal" if kind == "forward" else kind


def _predicate(cause: str, effect: str, kind: CueKind) -> Predicate | None:
    if effect == "outcome":
        if kind == "association":
            return "associatedWith"
        return "increasesRiskOf" if kind not in ("evidential", "temporal") else None
    if kind == "risk":
        return None
    if effect == "imaging-sign":
        if cause in ("mechanism", "condition") and kind in ("evidential", "causal", "forward"):
            return "manifestsAs"
        return None
    if kind == "evidential":
        return None
    if kind == "temporal":
        return "associatedWith" if cause == "etiology" and effect == "condition" else None
    if kind == "association":
        return "associatedWith"
    return "contributesTo" if cause == effect == "mechanism" else "causes"


def _frame(text: str, ranked: list[LocalMention], cues: list[_Cue], offer: Offer) -> None:
    frame = _FRAME.match(text)
    if frame is None or not cues:
        return
    topic = next((m for m in ranked if m.start == frame.end()), None)
    if topic is None or not re.match(r"\s*,", text[topic.end :]):
        return
    topic_rank = _rank(topic)
    if topic_rank is None or _category(topic) not in ("mechanism", "condition"):
        return
    for mention in ranked:
        rank = _rank(mention)
        if mention.start < cues[0].end or rank is None or rank > topic_rank:
            continue
        if mention.concept.iri == topic.concept.iri:
            continue
        same = _category(mention) == _category(topic)
        predicate: Predicate = "contributesTo" if same else "causes"
        modality: Modality = "causal"
        # "With regard to X, ... are associated with ... Y": the frame states no more than
        # the weakest cue between them.
        if any(c.kind == "association" and c.end <= mention.start for c in cues):
            predicate, modality = "associatedWith", "association"
        offer(mention, topic, predicate, text[: frame.end()].strip(), modality, False)


def _related(vocabulary: Vocabulary, a: Concept, b: Concept) -> bool:
    """One concept is broader than the other: "focal myocardial calcification" and its kind."""
    return a in ancestors(vocabulary, b) or b in ancestors(vocabulary, a)


def _antecedent(
    document: Document, sentence: Sentence, local: dict[int, list[LocalMention]]
) -> list[LocalMention]:
    """What "It" at the start of a sentence refers to: the first concept of the one before."""
    if not _PRONOUN.match(sentence.text) or _EXPLETIVE.match(sentence.text):
        return []
    before = _previous_in_paragraph(document, sentence)
    if before is None:
        return []
    ranked = [m for m in local[before.index] if _rank(m) is not None]
    return ranked[:1]


def _previous_in_paragraph(document: Document, sentence: Sentence) -> Sentence | None:
    position = document.sentences.index(sentence)
    if position == 0:
        return None
    before = document.sentences[position - 1]
    if before.section != sentence.section:
        return None
    if "\n\n" in document.source[before.end : sentence.start]:
        return None
    return before


_THIS_CASE = re.compile(
    r"\b(?:this|the\s+present(?:ing|ed)?|the\s+reported)\s+(?:case|patient)\b", re.IGNORECASE
)
"""The authors speaking of their own case without "we" ("This case illustrates ...")."""


def assertion_kind(sentence: Sentence) -> AssertionKind:
    """Whose voice a sentence is in: the authors' (about their case) or the literature's."""
    if (
        is_authors_voice(sentence.text)
        or _THIS_CASE.search(sentence.text)
        or is_case_section(sentence.section)
        or sentence.section.lower().startswith("fig")
    ):
        return "authors' interpretation"
    return "background literature"


class _Citations:
    """The references each sentence's claims cite, by the rules in the module docstring."""

    def __init__(self, document: Document, curation: Curation) -> None:
        self.document = document
        self.account = case_account(document)
        self.markers: dict[int, list[CitationMarker]] = {}
        for marker in document.markers:
            self.markers.setdefault(marker.sentence_index, []).append(marker)
        self.scoped: dict[int, list[CitationMarker]] = {}
        for scope in curation.citation_scopes:
            inside = [
                m
                for m in document.markers
                if scope.quote.span.start <= m.span.start and m.span.end <= scope.quote.span.end
            ]
            for index in scope.quote.sentence_indexes:
                self.scoped.setdefault(index, []).extend(inside)

    def kind(self, sentence: Sentence) -> AssertionKind:
        """Whose voice a sentence is in; the case's own account is the authors' even where
        no heading names it (a text that opens with the case and has no sections)."""
        if sentence.index in self.account:
            return "authors' interpretation"
        return assertion_kind(sentence)

    def own(self, sentence: Sentence) -> list[CitationMarker]:
        """The markers that stand in the sentence itself."""
        return list(self.markers.get(sentence.index, []))

    def passage(self, sentence: Sentence) -> list[CitationMarker]:
        """Markers from elsewhere that cover the sentence: those of the background passage it
        continues, and those a reviewed citation scope extends over it."""
        markers: list[CitationMarker] = []
        if sentence.index not in self.markers and (self.kind(sentence) == "background literature"):
            markers = self._inherited(sentence)
        own = {id(m) for m in self.own(sentence)}
        return markers + [m for m in self.scoped.get(sentence.index, []) if id(m) not in own]

    def _inherited(self, sentence: Sentence) -> list[CitationMarker]:
        current = _previous_in_paragraph(self.document, sentence)
        while current is not None:
            if current.index in self.markers:
                if not (_ANNOUNCES.search(current.text) or _CONTINUES.match(sentence.text)):
                    return []  # a new statement of its own, citing nothing
                return list(self.markers[current.index])
            if self.kind(current) != "background literature":
                return []
            current = _previous_in_paragraph(self.document, current)
        return []


_ANNOUNCES = re.compile(
    r"\b(?:two|three|four|five|six|several|various|different|the\s+following)\s+"
    r"(?:[\w-]+\s+){0,2}?[\w-]+s\b|:\s*$",
    re.IGNORECASE,
)
"""A marked sentence that announces what the next ones detail ("two pathophysiologic
mechanisms participate (2-4)"): its references cover the passage it opens."""
_CONTINUES = re.compile(
    r"(?:With\s+regard\s+to|Regarding|As\s+for|In\s+(?!general\b)[\w -]+,|Moreover|"
    r"Furthermore|In\s+addition|Similarly|Likewise)\b",
    re.IGNORECASE,
)
"""A sentence that opens by continuing the one before ("With regard to metastatic
calcification, ..."): it goes on with the passage, and with its references."""


def _numbers(markers: Sequence[CitationMarker]) -> tuple[int, ...]:
    return tuple(sorted({n for m in markers for n in m.reference_numbers}))


def _function(kind: AssertionKind, references: tuple[int, ...]) -> str | None:
    if not references:
        return None
    return "citesAsEvidence" if kind == "background literature" else "obtainsSupportFrom"


_ADJACENT = re.compile(r"^[\s,;:]*$")


def _sentence_claims(
    sentence: Sentence, links: dict[tuple[str, str], _Link], citations: _Citations
) -> list[Claim]:
    """The claims of one sentence, each with the references its own words cite.

    A marker right after a mention ("sarcoidosis (7), rheumatoid arthritis (8)") supports
    the claims of that mention alone. The sentence's other markers support every claim
    when the sentence makes one claim or cites one reference; when it makes several claims
    and cites several references, the text does not say which supports which, so the
    references are shared. Markers inherited from the passage are always shared.
    """
    kind = citations.kind(sentence)
    markers = citations.own(sentence)
    mentions = {id(m): m for link in links.values() for m in (link.cause, link.effect)}
    adjacent: dict[int, list[CitationMarker]] = {}
    pool: list[CitationMarker] = []
    for marker in markers:
        at = text_offset(sentence, marker.span.start)
        owner = next(
            (
                key
                for key, mention in mentions.items()
                if mention.end <= at and _ADJACENT.match(sentence.text[mention.end : at])
            ),
            None,
        )
        if owner is None:
            pool.append(marker)
        else:
            adjacent.setdefault(owner, []).append(marker)
    if len(adjacent) < 2:
        # One marker after the last item of a list closes the list, not the item.
        pool, adjacent = markers, {}
    shared_pool = len(links) > 1 and len(_numbers(pool)) > 1
    passage = citations.passage(sentence)
    hedge = _HEDGE.search(sentence.text)
    claims: list[Claim] = []
    for (subject, obj), link in links.items():
        mine = [*adjacent.get(id(link.cause), []), *adjacent.get(id(link.effect), [])]
        if not shared_pool:
            mine += [m for m in pool if _in_clauses(sentence, m, link)]
        own = _numbers(mine)
        others = [*passage, *(pool if shared_pool else [])]
        claims.append(
            Claim(
                subject=subject,
                predicate=link.predicate,
                object=obj,
                kind=kind,
                hedged=hedge is not None,
                sentence_index=sentence.index,
                evidence=sentence.text,
                span=Span(sentence.start, sentence.end),
                evidence_sentences=(sentence.index,),
                cited_references=own,
                citation_sentences=tuple(sorted({m.sentence_index for m in [*mine, *others]})),
                citation_function=_function(kind, own),
                cue=link.cue,
                modality=link.modality,
                negated=link.negated,
                hedge_cue=hedge.group() if hedge else None,
                shared_references=tuple(n for n in _numbers(others) if n not in own),
            )
        )
    return claims


_CLAUSE_SEPARATOR = re.compile(r";|\b(?:although|though|whereas|while|but|however)\b", re.I)


def _in_clauses(sentence: Sentence, marker: CitationMarker, link: _Link) -> bool:
    """Whether a marker stands in the clauses that hold the claim's two concepts: "X is
    caused by Y [4], although Z can also contribute [5]" cites 4 for X and Y, not 5."""
    text = sentence.text
    at = text_offset(sentence, marker.span.start)
    first = min(link.cause.start, link.effect.start)
    last = max(link.cause.end, link.effect.end)
    before = [m.end() for m in _CLAUSE_SEPARATOR.finditer(text, 0, first)]
    after = _CLAUSE_SEPARATOR.search(text, last)
    return (before[-1] if before else 0) <= at < (after.start() if after else len(text))


def _apply_supports(curation: Curation, vocabulary: Vocabulary, claims: list[Claim]) -> list[Claim]:
    """A reviewer's word on which shared reference supports which claim: the reference
    becomes that claim's own, and leaves the shared references of the claims it was
    shared with."""
    result = list(claims)
    for support in curation.supports:
        subject = vocabulary.concept(support.subject).iri
        obj = vocabulary.concept(support.object).iri
        indexes = set(support.quote.sentence_indexes)
        for position, claim in enumerate(result):
            if claim.sentence_index not in indexes:
                continue
            if support.reference not in (*claim.shared_references, *claim.cited_references):
                continue
            shared = tuple(n for n in claim.shared_references if n != support.reference)
            if (claim.subject, claim.object) == (subject, obj):
                own = tuple(sorted({*claim.cited_references, support.reference}))
                result[position] = replace(
                    claim,
                    cited_references=own,
                    shared_references=shared,
                    citation_function=claim.citation_function or _function(claim.kind, own),
                )
            else:
                result[position] = replace(claim, shared_references=shared)
    return result


def _curated(
    document: Document, curated: CuratedClaim, vocabulary: Vocabulary, citations: _Citations
) -> Claim:
    own: set[int] = set()
    shared: set[int] = set()
    sources: set[int] = set()
    by_index = {s.index: s for s in document.sentences}
    for index in curated.quote.sentence_indexes:
        sentence = by_index[index]
        markers = citations.own(sentence)
        passage = citations.passage(sentence)
        own.update(_numbers(markers))
        shared.update(_numbers(passage))
        sources.update(m.sentence_index for m in [*markers, *passage])
    references = tuple(sorted(own))
    hedge = _HEDGE.search(curated.quote.text)
    return Claim(
        subject=vocabulary.concept(curated.subject).iri,
        predicate=curated.predicate,
        object=vocabulary.concept(curated.object).iri,
        kind=curated.kind,
        hedged=curated.hedged,
        sentence_index=curated.quote.sentence_indexes[0],
        evidence=curated.quote.text,
        span=curated.quote.span,
        evidence_sentences=curated.quote.sentence_indexes,
        cited_references=references,
        citation_sentences=tuple(sorted(sources)),
        citation_function=curated.function or _function(curated.kind, references),
        cue="curation",
        curated=True,
        note=curated.note,
        modality=_curated_modality(curated.predicate),
        hedge_cue=hedge.group() if hedge and curated.hedged else None,
        shared_references=tuple(sorted(shared - own)),
    )


def _curated_modality(predicate: Predicate) -> Modality:
    if predicate == "associatedWith":
        return "association"
    if predicate == "increasesRiskOf":
        return "risk"
    if predicate == "manifestsAs":
        return "evidential"
    return "causal"
