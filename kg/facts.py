"""Case facts: the patient, microbiology, laboratory values, imaging measurements, timeline.

Rules read the reflowed sentences and the vocabulary's concept mentions; nothing here knows
one report. What the rules do:

- Patient: the first sentence giving an age ("a 51-year-old male"); comorbidities are the
  etiology/condition mentions after "with (underlying | a history of ...)", the presentation
  the words after "complaining of / presented with", the setting the words after
  "admitted to".
- Microbiology: organisms (vocabulary organisms, else *italic* or binomial names) in a
  sentence about a culture, with the specimen ("blood culture").
- Quantities: every number with a known unit (kg.quantities). Its analyte or quantity is the
  nearest lab-test or imaging-sign mention before it (a finding such as "hypocalcemia" is
  read as the lab test whose label shares its stem, "calcium"); a reference range after it
  in the same item is its normal range, and the high/low flag is computed from the two.
  Lab tests (or concentration/count units with no concept) are LabResults; imaging signs
  are Measurements, named by their broadest imaging-sign concept ("decreased T1
  relaxation time" is a native T1), located by "at the ..." and attributed to the modality
  of their sentence, else to the examination the timeline is describing, else to the first
  modality named in the nearest earlier sentence of the same section (the sentence's
  subject: "A native T1 map shows ...").
  The same value reported again (results, caption, discussion) is one fact, its first
  sentence the anchor, the others listed. Vital signs (a rate per minute, a body
  temperature, a blood pressure, a size of the body: height, weight) are Measurements with
  no modality, whatever terminology names their test; where a value's name leaves open
  whether a laboratory or an imaging examination gave it, the examination its sentence
  names decides (``_kind_by_examination``); a pressure written "120/70 mmHg" is its
  systolic and its diastolic value. A test's abbreviation and a bare number after it
  ("INR 1.2,") is a stated result.
- Values are read in the case's own account only (``case_account``): its case sections, or,
  in a document that names none, the sections telling of a patient, each only when it tells
  of one patient more than of patients in the plural and of studies; a research article's
  methods and a review's "Clinical presentation" give none. Outside a case report's case
  sections, captions and sentences naming the patient or the case give values; any other
  (a discussion's) only says again a value of the case ("native T1 values above 1100 ms
  indicate edema", "earlier studies reported 2.5 mm" give none). A value stated as a range
  ("6-8 ng/mL") is at least its lower and at most its upper end; a "respectively" list
  gives each value to its item, or none at all.
- Timeline (case-presentation sections): see kg.timeline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal, TypedDict, TypeVar

from kg.concepts import Concept, Vocabulary
from kg.document import Document, Sentence, Span
from kg.mentions import ConceptMention
from kg.quantities import (
    NUMBER,
    Comparator,
    Quantity,
    ReferenceRange,
    Unit,
    find_quantities,
    find_ranges,
    parse_unit,
)
from kg.sentences import (
    SCHEME_PREFIX,
    LocalMention,
    ancestors,
    is_authors_voice,
    is_case_section,
    local_mention,
    local_mentions,
    text_offset,
)
from kg.timeexpr import TimeExpression, find_time_expressions
from kg.timeline import (
    TimelineEvent,
    admission_setting,
    case_sentences,
    current_examinations,
    extract_timeline,
)

Flag = Literal["high", "low", "normal", "unknown"]
Sex = Literal["male", "female"]


@dataclass(frozen=True)
class Term:
    """Words of the report and the vocabulary concept they name, when there is one."""

    text: str
    concept: str | None = None


@dataclass(frozen=True)
class Diagnosis:
    """A condition the report says was diagnosed or treated in this illness."""

    term: Term
    cue: str
    sentence_index: int
    span: Span


@dataclass(frozen=True)
class Patient:
    age_years: int | None
    sex: Sex | None
    comorbidities: tuple[Term, ...]
    presentation: tuple[Term, ...]
    admitted_to: str | None
    sentence_index: int
    span: Span
    diagnoses: tuple[Diagnosis, ...] = ()


@dataclass(frozen=True)
class Microbiology:
    organism: Term
    specimen: str | None
    sentence_index: int
    span: Span


@dataclass(frozen=True)
class LabResult:
    """A laboratory value; ``value`` is None when the report gives only a bound.

    ``comparator`` is ">" for "over 1000 pg/mL" (then ``lower_bound`` is 1000).
    ``flag`` is computed from the value (or bound) and the range the report gives, and is
    "unknown" when it gives none.
    """

    analyte: Term
    comparator: Comparator
    value: Decimal | None
    lower_bound: Decimal | None
    upper_bound: Decimal | None
    unit: str
    ucum: str
    range_low: Decimal | None
    range_high: Decimal | None
    flag: Flag
    qualifier: str | None
    sentence_index: int
    span: Span
    also_reported_in: tuple[int, ...] = ()
    flag_cue: str | None = None
    """The words that state the flag ("elevated", "leukocytosis") when the report gives no
    range to compute it from."""
    time: TimeExpression | None = None
    """When, as the value's own sentence gives it (kg.timeexpr); None when it gives none."""


@dataclass(frozen=True)
class Measurement:
    """An imaging measurement or a vital sign: ``quantity`` is what was measured,
    ``described_as`` the sign the report reads in it when narrower ("decreased T1 relaxation
    time"); a blood pressure written "120/70 mmHg" is two, ``qualifier`` "systolic" and
    "diastolic"."""

    quantity: Term
    described_as: str | None
    comparator: Comparator
    value: Decimal | None
    lower_bound: Decimal | None
    upper_bound: Decimal | None
    unit: str
    ucum: str
    range_low: Decimal | None
    range_high: Decimal | None
    flag: Flag
    qualifier: str | None
    location: str | None
    modality: Term | None
    sentence_index: int
    span: Span
    also_reported_in: tuple[int, ...] = ()
    time: TimeExpression | None = None
    """When, as the value's own sentence gives it; None when it gives none."""

    vital_sign: bool = False
    """A vital sign measured at the bedside (heart rate, blood pressure, body temperature),
    not on an imaging examination: it has no ``modality``."""


@dataclass(frozen=True)
class StatedResult:
    """A test's result the report states in words or as a bare number, with no unit
    ("renal function was normal", "blood cultures were negative", "pH of 7.45"): the words
    are kept as written; ``flag`` is what they say of it, when they say it."""

    test: Term
    result: str
    flag: Flag
    sentence_index: int
    span: Span


@dataclass(frozen=True)
class CaseFacts:
    patient: Patient | None = None
    microbiology: tuple[Microbiology, ...] = ()
    labs: tuple[LabResult, ...] = ()
    measurements: tuple[Measurement, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    results: tuple[StatedResult, ...] = ()


def abnormal_flag(
    number: Decimal, comparator: Comparator, low: Decimal | None, high: Decimal | None
) -> Flag:
    """Where a value, or a bound on it, stands against a reference range."""
    if low is None and high is None:
        return "unknown"
    if comparator == "=":
        if high is not None and number > high:
            return "high"
        if low is not None and number < low:
            return "low"
        return "normal"
    if comparator in (">", ">="):
        beyond = high is not None and (number >= high if comparator == ">" else number > high)
        return "high" if beyond else "unknown"
    below = low is not None and (number <= low if comparator == "<" else number < low)
    return "low" if below else "unknown"


def extract_case_facts(
    document: Document,
    mentions: Sequence[ConceptMention],
    vocabulary: Vocabulary,
) -> CaseFacts:
    """The case facts of a document, each anchored to its sentence and words."""
    local = local_mentions(document, mentions, vocabulary)
    timeline = extract_timeline(document, local, vocabulary)
    named = with_terms(document, local, mentions, _is_test)
    examined = with_terms(document, named, mentions, _is_imaging)
    examinations = current_examinations(document, timeline)
    findings = _finding_spans(document, mentions, local)
    case = case_account(document)
    sectioned = any(is_case_section(document.sentences[i].section) for i in case)
    labs: list[LabResult] = []
    measurements: list[Measurement] = []
    results: list[StatedResult] = []
    others: set[int] = set()
    for sentence in document.sentences:
        if sentence.index not in case and not sectioned:
            continue  # a research article's methods: a buffer, a confidence level, no patient
        if sentence.index not in case and not _of_the_case(sentence):
            others.add(sentence.index)
        found = named[sentence.index]
        respective = _respective(sentence, examined[sentence.index])
        own_account = sentence.index in case
        readings = _readings(
            sentence, found, vocabulary, findings[sentence.index], own_account, respective
        )
        readings = _paired_readings(readings, respective, vocabulary)
        unaligned = None if respective else _VALUE_LIST.search(sentence.text)
        if unaligned is not None:
            # "sodium, potassium and chloride were 128, 3.2 and 95 mmol/L, respectively",
            # with a test no term names: which value is whose is not known, so none is read
            # (never "potassium 95 mmol/L")
            values = unaligned.span("values")
            readings = [r for r in readings if not values[0] <= r.quantity.start < values[1]]
        time = own_time(sentence) if readings else None
        for reading in (one for read in readings for one in _systolic_diastolic(read)):
            imaged = _names_imaging(sentence.text, reading, examined[sentence.index])
            examined_kind = _kind_by_examination(reading, imaged)
            own_kind = examined_kind.kind == reading.kind
            reading = examined_kind
            if _is_vital_sign(reading) or (not imaged and _is_body_measure(reading)):
                vital = _measurement(sentence, reading, None, vocabulary, time)
                measurements.append(replace(vital, vital_sign=True))
            elif reading.kind == "lab":
                labs.append(_lab(sentence, reading, time))
            else:
                modality = (
                    _modality(document, local, sentence, reading, examinations)
                    if (reading.mention is not None and own_kind) or imaged
                    else None  # "PTT of 47 sec, ... and the chest X-ray": no examination's
                )
                measurements.append(_measurement(sentence, reading, modality, vocabulary, time))
        if own_account:
            stated = examined[sentence.index]
            own = _stated_results(sentence, stated, readings, vocabulary, respective)
            unnamed = _unnamed_results(sentence, own, readings, findings[sentence.index])
            if unaligned is not None:
                listed = sentence.source_span(*unaligned.span("values"))
                own = [r for r in own if not listed.start < r.span.end <= listed.end]
                unnamed = [r for r in unnamed if not listed.start < r.span.end <= listed.end]
            results += own + unnamed
    labs, measurements = _said_again(labs, others), _said_again(measurements, others)
    patient = _patient(document, local)
    if patient is not None:
        patient = replace(patient, diagnoses=tuple(_diagnoses(document, local)))
    return CaseFacts(
        patient=patient,
        microbiology=tuple(_microbiology(document, local)),
        labs=tuple(_merge_repeats(labs)),
        measurements=tuple(_merge_repeats(measurements)),
        timeline=timeline,
        results=tuple(results),
    )


F = TypeVar("F", LabResult, Measurement)

_A_PATIENT_DESCRIBED = re.compile(
    r"\b\d{1,3}[- ](?:year|yr)s?[- ]old\s+(?:[\w-]+\s+){0,3}?(?:man|woman|male|female|boy|girl|"
    r"patient|child|infant|gentleman|lady)\b|"
    r"(?<!\bor )\b(?-i:[Ss]he|[Hh]e|[Hh]is|[Hh]er|[Hh]im)\b(?!\s+or\b)",
    re.IGNORECASE,
)
"""One person told of: described ("a 58-year-old man") or by a pronoun ("she", not "his
or her", nor the "HE" of a haematoxylin-eosin stain)."""
_TELLS_OF_A_PATIENT = re.compile(
    rf"{_A_PATIENT_DESCRIBED.pattern}|\b(?:the|our|this)\s+patient\b(?!\s+(?:population|"
    r"groups?|cohorts?|samples?)\b)",
    re.IGNORECASE,
)
_SPEAKS_OF_MANY = re.compile(
    r"\b(?:patients|subjects|participants|cohorts?|case\s+series|meta-analys[ie]s)\b|"
    r"\b(?:this|our|the\s+present|the\s+current|previous|prior|earlier|recent|other|several|"
    r"many|some|few|large|retrospective|prospective|randomi[sz]ed|multicent(?:er|re)|"
    r"observational|population-based)\s+(?:[\w-]+\s+)?stud(?:y|ies)\b|"
    r"\bstud(?:y|ies)\s+(?:have\s+|has\s+)?(?:reported|found|showed|shown|demonstrated|"
    r"suggested|described|included|enrolled)\b|\bwere\s+(?:enrolled|recruited)\b|\bn\s*=\s*\d",
    re.IGNORECASE,
)


_CAPTION = re.compile(r"^(?:Fig(?:ure)?|Table)\b", re.IGNORECASE)
_THIS_CASE = re.compile(r"\b(?:this|our|the\s+present)\s+case\b", re.IGNORECASE)


def _of_the_case(sentence: Sentence) -> bool:
    """Whether a sentence outside a case report's case sections still tells of its case: a
    figure's or a table's caption, or a sentence naming the patient or the case ("In our
    patient, the native T1 of 1150 ms ..."), never one on other studies or patients."""
    text = sentence.text
    if _SPEAKS_OF_MANY.search(text):
        return False
    return bool(
        _CAPTION.match(sentence.section)
        or _TELLS_OF_A_PATIENT.search(text)
        or _THIS_CASE.search(text)
    )


def case_account(document: Document) -> frozenset[int]:
    """The sentences that tell the case: its case sections ("Case presentation"), or, in a
    document that has none, the sections telling of a patient ("a 58-year-old man", "the
    patient", "she"). A section counts only when it tells of one patient more than of many
    ("patients", "a recent study", "a cohort"; a case section's heading counts as one
    telling of one patient): a research article's "Patient selection", a review's
    "Clinical presentation" and an introduction saying "the patient is imaged supine"
    beside "earlier studies" give none, their values being other people's (a survey's
    confidence level, a buffer's 1 %, "earlier studies 2.5 mm"). In a document speaking of
    many more often than of one (a study, a review), only a person described or named by a
    pronoun ("a 72-year-old woman", "she") tells of one, and a heading counts for nothing:
    a study's "Clinical data" saying "the patient was placed supine" is no case."""
    study = sum(bool(_SPEAKS_OF_MANY.search(s.text)) for s in document.sentences) > sum(
        bool(_TELLS_OF_A_PATIENT.search(s.text)) for s in document.sentences
    )
    telling = _A_PATIENT_DESCRIBED if study else _TELLS_OF_A_PATIENT
    one: dict[str, int] = {}
    many: dict[str, int] = {}
    for sentence in document.sentences:
        section = sentence.section
        one[section] = one.get(section, 0) + bool(telling.search(sentence.text))
        many[section] = many.get(section, 0) + bool(_SPEAKS_OF_MANY.search(sentence.text))
    told = {
        section
        for section in one
        if one[section] + (is_case_section(section) and not study) > many[section]
    }
    titled = {section for section in told if is_case_section(section)}
    return frozenset(s.index for s in document.sentences if s.section in (titled or told))


_RESULT_WORDS = (
    r"within\s+(?:the\s+|their\s+)?(?:normal|reference)\s+(?:limits|ranges?|intervals?)|"
    r"in\s+(?:the\s+)?normal\s+ranges?|"
    r"no\s+(?:\w+\s+)?(?:abnormalit(?:y|ies)|findings|(?:interval\s+)?changes?)|"
    r"(?:complete|partial)\s+response|"
    r"normal|abnormal|negative|positive|elevated|increased|decreased|reduced|low|high|raised|"
    r"unremarkable|prolonged|absent|present|improved|good|poor|stable|intact|deteriorated|"
    r"normali[sz]ed|preserved|impaired|depressed|diminished|subnormal|"
    r"ris(?:ing|en)|rose|fell|fallen|falling|dropped|declined|worsen(?:ed|ing)|"
    r"deteriorating|improving|stabili[sz]ed|uneventful|uncomplicated|satisfactory"
)
"""Words stating a result: a value judged ("normal", "elevated", "within normal limits"),
or its course ("rising", "worsened", "stabilized")."""
_ADVERBS = (
    r"(?:\s+(?:also|still|all|both|again|slightly|mildly|moderately|markedly|severely|"
    r"significantly|very|highly|completely|persistently|otherwise|entirely|grossly|"
    r"eventually|gradually|rapidly|quickly|further|found\s+to\s+be|around|about|"
    r"approximately|nearly))*"
)
_TO_A_NUMBER = (
    r"(?:(?:was|were|had|has)\s+)?(?:rose|risen|fell|fallen|dropped|increased|decreased|"
    r"improved|declined|down|up|normali[sz]ed|deteriorated)(?:\s+(?:up|down))?"
    rf"(?:\s+from\s+(?:{NUMBER})(?![\w/%]))?\s+to"
)
"""A course to a value: "rose to 190/130", "was down to 88/56", "had dropped to 18"."""
_RESULT_AFTER = re.compile(
    r"(?:\s+(?:levels?|counts?|tests?|values?|results?|scores?|\([^()]{1,12}\)))?"
    rf"(?:(?:\s*(?:{_TO_A_NUMBER}|was|were|is|are|remained|returned|came\s+back|of|:|=)"
    rf"{_ADVERBS}\s+|,?\s+(?=\d{{2,3}}/\d{{2,3}}\b)|\s*\((?=(?:{NUMBER})\s*[;)])|"
    rf"\s+(?=(?!(?:19|20)\d\d\b)(?:{NUMBER})\s*(?:[,;)]|\.(?!\d)|\band\b|$)))"
    rf"(?P<number>(?:{NUMBER})(?:/(?:{NUMBER}))?(?:\s?mm\s?Hg)?)(?![\w/%]|\.\d|\s*(?:{NUMBER}))|"
    r"(?:\s*(?:was|were|is|are|had|has|have|remained|(?:returned|came\s+back)(?:\s+to)?|:|"
    r"(?P<shown>showed|revealed|demonstrated|yielded|found)(?:\s+(?:an?|the))?))?"
    rf"{_ADVERBS}\s+"
    rf"(?P<words>(?:not\s+|no\s+longer\s+)?(?:{_RESULT_WORDS}))\b)",
    re.IGNORECASE,
)


_QUALIFIES = re.compile(
    r"\s+(?!(?:findings?|results?|appearances?|and|or|in|at|on|with|for)\b)[A-Za-z]"
)
_STATED_TESTS = frozenset({"lab-test", "modality"})
"""What a result is stated of: a test, or an imaging examination ("the CT was normal")."""
_RESULT_BEFORE = re.compile(
    rf"(?P<words>{_RESULT_WORDS}|(?:increase|decrease|rise|fall|elevation|reduction|"
    r"improvement|normali[sz]ation|worsening)s?(?=\s+(?:in|of)\b))"
    r"(?:\s+(?:levels?|values?|concentrations?))?"
    r"(?:\s+(?:to|for|of|in))?(?:\s+(?:the|his|her|their|serum|plasma|blood|urine|urinary))*\s+$",
    re.IGNORECASE,
)
_LIST_BETWEEN = re.compile(r"^\s*(?:\([^()]*\)\s*)?(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+)$")
_LATER_IN_CLAUSE = re.compile(
    r"(?:(?!\b(?:showed|shows|revealed|reveals|demonstrated|and|but|while|whereas|which|"
    r"that|was|were|is|are|remained)\b)[^.;:,()])*?"
    r"\b(?:was|were|is|are|remained)\s+(?:(?:all|also|both|still)\s+)?"
    rf"(?P<words>{_RESULT_WORDS})\b(?!\s+(?:for|to|with|by|of|on|in)\b)",
    re.IGNORECASE,
)
"""The verb of the clause a test's name opens, further on ("Brain ultrasound performed at
age 5 days was normal"): matched from the name's end (no "^": a pattern's "^" never
matches at a later position), within its clause, past no other verb or clause."""


def _stated_results(
    sentence: Sentence,
    found: list[LocalMention],
    readings: list[_Reading],
    vocabulary: Vocabulary,
    respective: list[tuple[LocalMention, int, int]],
) -> list[StatedResult]:
    """Results a test's clause states in words or as a bare number, where no value with a
    unit is read for it: right after its name ("... was normal", "... of 7.45",
    "... 120/80"), right before it ("normal sinus rhythm", "positive for p16"), or shared
    by the list it stands in ("CRP, ESR and ferritin were normal", "negative for CK20, p63
    and EGFR")."""
    text = sentence.text
    valued = {r.mention.start for r in readings if r.mention is not None}
    paired = {test.start: (text[start:end], start, end) for test, start, end in respective}
    tests = [
        next((t for t, _, _ in respective if t.start == m.start), m)
        for m in found
        if m.categories & (_STATED_TESTS | {"imaging-sign"})
        and m.start not in valued
        and not any(t.start < m.start < t.end for t, _, _ in respective)
    ]
    stated: list[tuple[str, int, int] | None] = []
    numbers_only = {n for n, m in enumerate(tests) if not m.categories & _STATED_TESTS}
    for number, mention in enumerate(tests):
        if mention.start in paired:
            stated.append(paired[mention.start])
            continue
        after = _RESULT_AFTER.match(text, mention.end)
        if number in numbers_only:
            # an imaging sign's own number ("LVEF of 0.20"); its words are findings
            if after is None or not after.group("number"):
                stated.append(None)
            else:
                stated.append((after["number"], after.start("number"), after.end("number")))
            continue
        normal = None
        if after is not None and after.group("shown") and _QUALIFIES.match(text, after.end()):
            # "showed impaired relaxation": the word is the finding's, not the test's; but
            # "showed normal coronary arteries" states the test's result, with what was normal
            normal = _NORMAL_WHAT.match(text, after.start("words"))
            after = after if normal else None
        before = _RESULT_BEFORE.search(text, max(0, mention.start - 40), mention.start)
        if normal is not None:
            stated.append((normal.group(), normal.start(), normal.end()))
        elif after is not None:
            name = "number" if after.group("number") else "words"
            stated.append((after.group(name), after.start(name), after.end(name)))
        elif before is not None:
            stated.append((before.group("words"), before.start("words"), before.end("words")))
        else:
            stated.append(None)
    for _ in range(len(tests)):  # a list shares its result, from either end
        for number in range(len(tests) - 1):
            left, right = tests[number], tests[number + 1]
            if {number, number + 1} & numbers_only:
                continue
            if not _LIST_BETWEEN.match(text[left.end : right.start]):
                continue
            shared_left, shared_right = stated[number], stated[number + 1]
            if shared_left is None and shared_right is not None and _shared(shared_right):
                stated[number] = shared_right
            elif shared_right is None and shared_left is not None and _shared(shared_left):
                stated[number + 1] = shared_left
    for number, mention in enumerate(tests):
        if stated[number] is None and number not in numbers_only:
            later = _LATER_IN_CLAUSE.match(text, mention.end)
            if later is not None:
                stated[number] = (later.group("words"), later.start("words"), later.end("words"))
    results: list[StatedResult] = []
    for mention, result in zip(tests, stated, strict=True):
        if result is None:
            continue
        words, start, end = result
        flagged = _STATED_RE.fullmatch(words) or _STATED_RE.fullmatch(words.split()[0])
        flag: Flag = _flag(flagged.lastgroup) if flagged and flagged.lastgroup else "unknown"
        concept = mention.concept.iri if mention.concept.iri in vocabulary.concepts else None
        listed = mention.start in paired
        more = _numbers_after(text, end) if words[:1].isdigit() and not listed else []
        for value, value_start, value_end in [(words, start, end), *more]:
            results.append(
                StatedResult(
                    test=Term(mention.text, concept),
                    result=value,
                    flag=flag,
                    sentence_index=sentence.index,
                    span=sentence.source_span(
                        min(value_start, mention.start), max(value_end, mention.end)
                    ),
                )
            )
    return results


_MORE_NUMBERS = re.compile(
    rf"(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?P<number>(?:{NUMBER})(?:/(?:{NUMBER}))?)"
    r"(?![\w/%]|\.\d|,\d)"
)


def _numbers_after(text: str, end: int) -> list[tuple[str, int, int]]:
    """The numbers listed after a test's first one, each another value of it ("Apgar
    scores were 2, 6, and 7")."""
    found: list[tuple[str, int, int]] = []
    while (more := _MORE_NUMBERS.match(text, end)) is not None:
        found.append((more["number"], more.start("number"), more.end("number")))
        end = more.end()
    return found


_FINDING_KINDS = frozenset(
    {"disorder", "sign", "phenotype", "condition", "etiology", "mechanism", "imaging-sign"}
)


def _finding_spans(
    document: Document,
    mentions: Sequence[ConceptMention],
    local: dict[int, list[LocalMention]],
) -> dict[int, list[tuple[int, int]]]:
    """Per sentence, the offsets of the words naming a finding or a disorder: what is
    found, never a test a result is stated of ("the tumor was positive")."""
    sentences = {s.index: s for s in document.sentences}
    spans: dict[int, list[tuple[int, int]]] = {index: [] for index in sentences}
    for mention in mentions:
        if mention.category in _FINDING_KINDS:
            sentence = sentences[mention.sentence_index]
            start = text_offset(sentence, mention.start)
            spans[sentence.index].append((start, text_offset(sentence, mention.end - 1) + 1))
    for index, found in local.items():
        spans[index] += [(m.start, m.end) for m in found if m.categories & _FINDING_KINDS]
    return spans


_SUBJECT_RESULT = re.compile(
    r"\s+(?:was|were|is|are|remained|appeared|seems\s+to\s+be|(?:returned|came\s+back)\s+to)"
    r"(?:\s+(?:also|still|all|both|entirely|completely|grossly|otherwise|again|quite|"
    r"markedly|severely|mildly|moderately|slightly|significantly|qualitatively|highly|very|"
    r"persistently|extremely|"
    r"found\s+to\s+be))*\s+"
    r"(?P<words>within\s+(?:the\s+|their\s+)?(?:normal|reference)\s+(?:limits|ranges?|intervals?)|"
    r"normal|abnormal|negative|positive|unremarkable|intact|uneventful|uncomplicated|"
    r"elevated|raised|increased|decreased|reduced|higher|lower|prolonged|absent|preserved|"
    r"impaired|stable|improved|good|poor|satisfactory|equal|reactive|tumou?r-free|"
    r"adequate|inadequate|slow|restricted|limited|appropriate|oriented|symmetric(?:al)?|"
    r"deteriorated|worse|better|"
    rf"(?:{NUMBER})(?:/(?:{NUMBER}))?(?:\s?%)?(?![\w/-]|\.\d|,\d))"
    r"(?:\b|(?<=%))(?!\s+(?:for|to|with|by|of|on|that)\b)",
    re.IGNORECASE,
)
"""A clause stating a result of its subject: "Speech was normal", "the MELD score was 11"."""
_SUBJECT_COURSE = re.compile(
    r"\s+(?:(?:has|had|have)\s+)?(?:(?:\w+ly|further|also|then|subsequently)\s+)?"
    r"(?P<words>improved|worsened|deteriorated|stabili[sz]ed|normali[sz]ed|declined|"
    r"did\s+not\s+(?:improve|change|recover))\b"
    r"(?=\s*(?:[,.;:]|$|\b(?:and|but|after|with|over|during|on|in|by|within|gradually|"
    r"slowly|rapidly|significantly|markedly|again|thereafter)\b))",
    re.IGNORECASE,
)
"""A clause whose verb states its subject's course ("his clinical status improved", "her
respiratory status immediately stabilized"); not a verb with an object ("improved the
symptoms") nor a course to a value (read with the value)."""
_OF_A_NUMBER = re.compile(
    rf"\s*(?:\bof|:|=)\s+(?P<words>(?:{NUMBER})(?:/(?:{NUMBER}))?)"
    r"(?=\s*(?:[,;)]|\.(?!\d)|\band\b|$))",
    re.IGNORECASE,
)
"""A bare number a name is given "of" ("a Glasgow Coma Scale score of 15", "a
standardized uptake value of 7.94"): that name's value, with no unit."""
_ABBREVIATED_TEST_NUMBER = re.compile(
    r"(?<![\w/(-])(?P<name>[A-Za-z][a-z]?[A-Z][A-Za-z0-9]*)\s+"
    rf"(?P<words>(?:{NUMBER}))(?=\s*(?:[,;)]|\.(?!\d)|\band\b|$))"
)
"""A test's abbreviation and the bare number right after it, ending an item ("INR 1.2,",
"pH 7.31 and"): that test's value, with no unit. An abbreviation holds a capital after its
first letter or two ("INR", "pH", "HbA1c"), which no word of prose does ("Day 3", "Table
1"); one in parentheses defines a word and is no item's name ("day (POD) 3")."""
_A_MOMENT_BEFORE = re.compile(
    r"\b(?:on|at|by|until|till|from|since|after|before|during|through)\s+$", re.IGNORECASE
)
_PHRASE_CUT = re.compile(
    r"\b(?:a|an|the|his|her|their|its|in|of|with|for|to|at|on|by|from|showed|revealed|"
    r"demonstrated|had|has|was|were|is|are)\s+",
    re.IGNORECASE,
)
"""Words after which a noun phrase begins: the last one starts the name of a value."""
_PASSIVE = re.compile(r"\b(?:was|were|is|are|be|been|being)$", re.IGNORECASE)
_NOUN_PHRASE_START = re.compile(r".*\b(?:his|her|their|its|the)\s+", re.IGNORECASE)
_NORMAL_WHAT = re.compile(
    r"(?:normal|unremarkable)(?:\s+(?!(?:and|with|in|on|at|of|for|but|except)\b)[A-Za-z][\w-]*)"
    r"{1,4}?(?=\s*(?:[,.;:()]|\b(?:and|with|in|on|at|of|for|but|except)\b|$))",
    re.IGNORECASE,
)
"""A normal state a test showed, with what was normal ("normal coronary arteries")."""
_AS_WAS = re.compile(
    r"\b(?P<words>normal|unremarkable|negative|positive|intact|within\s+normal\s+limits)"
    r"(?:\s*\([^()]*\))?,?\s+as\s+(?:was|were|is|are)\s+(?P<items>[^.;:]+?)"
    r"(?=\s*(?:[.;:]|,\s|$)|\s+(?:on|in|at|from|during|after|before|with|for)\b)",
    re.IGNORECASE,
)
"""A result shared by what an inverted clause adds ("... were negative, as were stool
cultures")."""
_BEFORE_NAME = re.compile(
    r"\b(?P<words>normal|abnormal|elevated|increased|decreased|reduced|low|high|raised|"
    r"stable|subnormal|impaired|preserved|prolonged|slow|good|poor)\s+"
    r"(?P<name>(?:[A-Za-z][\w/-]*\s+){0,3}?(?:levels?|counts?|function|size|volumes?|"
    r"pressures?|rate|time|intervals?|ratio|index|score|activity|concentrations?|sounds|flow|"
    r"saturation|uptake|markers?|velocity|fraction|control))\b",
    re.IGNORECASE,
)
"""A result word before what it judges, named by a measurement's head word ("normal LV
function", "reduced breath sounds", "a prolonged PR interval")."""
_SIGN = re.compile(
    r"(?P<name>[A-Za-z][\w/-]*(?:\s+[A-Za-z0-9][\w/-]*){0,5}?)(?:\s*\([^()]{1,20}\))?\s*"
    r"\((?P<words>\+{1,3}|-|\u2212)\)"
)
"""A marker followed by its sign ("CD31 (+)", "human epidermal growth factor receptor 2
(HER-2) (+)")."""
_SUBJECT_START = re.compile(
    r"[;:()\[\]]|\b(?:but|while|whereas|however|although|though|because|since|which|that|"
    r"when|after|before|as|if)\b",
    re.IGNORECASE,
)
_ABBREVIATION = re.compile(r"(?<=\w )\([A-Za-z][\w-]{0,11}\)(?= \w)")
"""An abbreviation defined inside a name ("Child-Pugh (CP) score"): no clause boundary."""
_SUBJECT_ITEM = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+")
_DETERMINERS = re.compile(
    r"^(?:(?:the|a|an|his|her|their|its|this|these|those|all|both|other|further|repeat|"
    r"repeated|subsequent|initial|also|then|now|including|such\s+as|notably|especially|"
    r"namely|(?:the\s+)?patient['\u2019]s)\s+)+",
    re.IGNORECASE,
)
_NOT_A_SUBJECT = re.compile(
    r"^(?:on|in|at|after|during|for|with|by|from|to|upon|there|it|he|she|they|we|this|"
    r"which|who|patient|patients|man|woman|boy|girl|child|infant|baby|neonate|mother|"
    r"father|family|case|diagnosis|treatment|therapy|surgery|operation|procedure|dose|"
    r"dosage|age|duration|day|days|furthermore|moreover|however|additionally|thereafter|"
    r"subsequently|finally|overall|interestingly|therefore|thus|here|then|any|increased|"
    r"decreased|elevated|reduced|low|high|normal|abnormal)\b(?!-)|"
    r"^(?:largest|smallest|first|second|third|last|latter|former|rest|remainder|levels?|"
    r"values?|results?|one|both|all|time)$|"
    r"\b(?:patient|he|she|they|it|time|doses?|dosage|cycles?|total|n)$|^\w+ly$|^\w+ing\s",
    re.IGNORECASE,
)
"""Words that name no test a result is stated of: a preposition's phrase, a person, the
illness's management, a sentence adverb, a judgement's own word, a bare anaphor."""


_MARKERS = re.compile(
    r"(?P<words>(?:(?:strongly|focally|diffusely|weakly|also)\s+)*(?:positive|negative)|"
    r"positivity|negativity|immunoreactivity|(?:positive|negative)\s+(?:staining|"
    r"immunoreactivity|expression)|resistant|susceptible)(?:\s+staining)?\s+(?:for|to)\s+"
    r"(?P<items>[^.;:]+?)(?=\s*(?:[.;:]|$|,?\s+(?:and|but|while|whereas|with|which|"
    r"whereas)\s+(?:(?:strongly|focally|diffusely|weakly)\s+)?(?:positive|negative|"
    r"resistant|susceptible|was|were|is|are|the|a|an)\b|,?\s+(?:but|while|whereas|which|"
    r"suggest\w*|consistent|confirm\w*|indicat\w*)\b))",
    re.IGNORECASE,
)
"""A stain's result and the list of markers it is stated for ("positive for CK7, TTF-1,
and p63", "negative to CK20, p63, and EGFR"), and an isolate's susceptibility to each drug
of a list ("resistant to clindamycin, linezolid, and oxacillin")."""
_RESULTED_LIST = re.compile(
    r"\b(?P<words>elevated|increased|raised|high|low|decreased|reduced)\s+"
    r"(?:(?:serum|plasma|blood|urine|urinary)\s+)?(?:levels?\s+of\s+(?:the\s+)?)?"
    r"(?P<items>[A-Za-z0-9][^.;:]*?)(?=\s*(?:[.;:]|$|,?\s+(?:but|while|whereas|which|with|"
    r"without|were|was|is|are|in|on|at|after|during|despite|compatible|due|secondary|"
    r"suggest\w*|consistent|however|showed|revealed|demonstrated)\b))",
    re.IGNORECASE,
)
"""A result word and the list of what it judges ("elevated 3-methylglutaconate and
3-methylglutarate", "elevated levels of C reactive protein, lactate dehydrogenase (LDH),
and soluble interleukin-2 receptor"): where the word's result is stated of a test of the
list, each other item shares it."""
_A_MEASURED_VALUE = re.compile(r"\d[\d.,]*\s*(?:%|[µμ]\w*|m?mol|[mnpµ]?g\b|[mnpµ]?g/|U/|IU)")
"""A number with a unit, as written: a list holding one lists values, not names."""
_NOT_AN_ITEM = re.compile(r"^\d|\b(?:derangements?|abnormalit\w+|disorders?|changes|findings)$")
"""A list item that is a value or a finding, not a test the list's result word judges."""
_GRADED = re.compile(
    r"\b(?P<name>(?:[A-Z][\w'-]*\s+(?:(?:for|of|and)\s+)?){0,5}(?:\([A-Z][\w-]{1,11}\)\s+)?"
    r"(?:function(?:al)?\s+|performance\s+)?(?:class|stage|"
    r"grade|status|scores?))\s+(?:(?:was|is|of)\s+)?(?P<words>(?:I{1,3}|IV|V)(?:[A-C]\d?)?|"
    r"\d{1,2}(?:\s*(?:,\s*|and\s+)\d{1,2})*)(?![\w%/-]|\.\d|\s*(?:%|mg|cm|mm|kg|g\b|years?|"
    r"months?|weeks?|days?|hours?|cycles?))",
)
"""A graded state and its grade: "NYHA functional class III", "clinical stage IVB", "Apgar
scores 9 and 10", "ECOG performance status was 2", "Model for End-Stage Liver Disease (MELD)
score was 11" (the name the abbreviation is defined for is the score's)."""


def _unnamed_results(
    sentence: Sentence,
    stated: list[StatedResult],
    readings: list[_Reading],
    findings: list[tuple[int, int]],
) -> list[StatedResult]:
    """Results stated of what no terminology names, kept as written with no concept:
    a clause's subject, each item of a list of them ("The postoperative course was
    uneventful", "Haemogram, renal, liver and thyroid function tests were normal"), and
    the markers a stain is positive or negative for ("positive for CK7, TTF-1 and p63");
    never a finding ("the tumor was positive") nor the patient."""
    text = sentence.text
    taken = [
        (r.mention.start, r.mention.end) if r.mention else (r.start, r.quantity.start)
        for r in readings
    ]
    for result in stated:
        local = text_offset(sentence, result.span.start)
        found = text.find(result.test.text, local)
        taken.append((found, found + len(result.test.text)))
    results: list[StatedResult] = []
    opened = _ABBREVIATION.sub(lambda a: " " + a.group()[1:-1] + " ", text)
    for match in _SUBJECT_RESULT.finditer(text):
        starts = [b.end() for b in _SUBJECT_START.finditer(opened, 0, match.start())]
        items = _items(text, starts[-1] if starts else 0, match.start())
        if match.group("words")[:1].isdigit() or match.group("words")[:1] == ".":
            # a number is its subject's own, never a list's, nor a value read with its unit
            if any(r.quantity.start == match.start("words") for r in readings):
                continue
            items = items[-1:]
        own = _results_of(sentence, items, match, taken, findings, subject=True)
        if own and match.group("words")[:1].isdigit():
            first = own[0]
            own += [
                replace(
                    first,
                    result=value,
                    span=Span(first.span.start, sentence.source_span(start, end).end),
                )
                for value, start, end in _numbers_after(text, match.end("words"))
            ]
        results += own
    for match in _OF_A_NUMBER.finditer(text):
        if any(r.quantity.start <= match.start("words") < r.quantity.end for r in readings):
            continue
        starts = [b.end() for b in _SUBJECT_START.finditer(opened, 0, match.start())]
        items = _items(text, starts[-1] if starts else 0, match.start())[-1:]
        cuts = [c.end() for c in _PHRASE_CUT.finditer(text, *items[0])] if items else []
        if cuts:
            items = [(cuts[-1], items[0][1])]  # "resulting in a Glasgow Coma Scale score"
        results += _results_of(sentence, items, match, taken, findings, subject=True)
    for match in _ABBREVIATED_TEST_NUMBER.finditer(text):
        if any(r.quantity.start <= match.start("words") < r.quantity.end for r in readings):
            continue
        if _A_MOMENT_BEFORE.search(text, 0, match.start()):
            continue  # "on POD 3,", "until HD 5": a day's number, no test's value
        item = [(match.start("name"), match.end("name"))]
        results += _results_of(sentence, item, match, taken, findings, subject=False)
    for match in _SUBJECT_COURSE.finditer(text):
        if _PASSIVE.search(text, 0, match.start()):
            continue  # "was improved": the copula's clause, read above
        starts = [b.end() for b in _SUBJECT_START.finditer(text, 0, match.start())]
        start = _items(text, starts[-1] if starts else 0, match.start())[-1][0]
        phrase = _NOUN_PHRASE_START.match(text, start, match.start())
        subject = [(phrase.end() if phrase else start, match.start())]
        results += _results_of(sentence, subject, match, taken, findings, subject=True)
    # a marker a stain is stated for keeps that result beside its own value ("negative for
    # Syn and Ki-67 (20%)": Ki-67 is negative, and its index 20%)
    valued = [
        (r.start, r.quantity.start)
        for r in readings
        if r.mention is None and r.kind == "measurement"
    ]
    marked = [span for span in taken if span not in valued]
    for match in _MARKERS.finditer(text):
        blank = _blank_parentheses(text)
        items = _items(blank, match.start("items"), match.end("items"))
        results += _results_of(sentence, items, match, marked, findings, subject=False)
    for match in _RESULTED_LIST.finditer(text):
        blank = _blank_parentheses(text)
        items = _items(blank, match.start("items"), match.end("items"))
        said = [r for r in [*stated, *results] if r.result == match.group("words")]
        judged = [
            any(r.span.start <= sentence.source_span(a, b).start < r.span.end for r in said)
            for a, b in items
        ]
        listed_values = (
            _A_MEASURED_VALUE.search(text, match.start("items"), match.end()) is not None
        )
        if len(items) < 2 or not any(judged) or listed_values:
            continue  # a list whose named test the word judges, no value: the others share it
        rest = [
            (a, b)
            for (a, b), done in zip(items, judged, strict=True)
            if not done and not _NOT_AN_ITEM.search(text[a:b].strip())
        ]
        results += _results_of(sentence, rest, match, marked, findings, subject=False)
    for match in _AS_WAS.finditer(text):
        blank = _blank_parentheses(text)
        items = _items(blank, match.start("items"), match.end("items"))
        results += _results_of(sentence, items, match, taken, findings, subject=False)
    for match in _BEFORE_NAME.finditer(text):
        # a finding naming the abnormal value itself ("prolonged PR interval", HPO) is read
        # as its measurement's result; any other finding is no measurement
        others = [(a, b) for a, b in findings if a != match.start()]
        item = [(match.start("name"), match.end("name"))]
        results += _results_of(sentence, item, match, taken, others, subject=False)
    for match in _GRADED.finditer(text):
        if any(r.quantity.start <= match.start("words") < r.quantity.end for r in readings):
            continue
        name = _DETERMINERS.sub("", match.group("name"))
        start = match.start("name") + match.group("name").find(name)
        name = " ".join(_ABBREVIATION.sub("", name).split())  # "... Disease (MELD) score"
        for grade in re.finditer(r"\b(?!and\b)\w+", match.group("words")):
            span = sentence.source_span(start, match.start("words") + grade.end())
            said = [*stated, *results]
            if any(r.result == grade.group() and r.span.end == span.end for r in said):
                continue  # "the MELD score was 11", read as its subject's result already
            results.append(StatedResult(Term(name), grade.group(), "unknown", sentence.index, span))
    signed = "(+" in text or "(-" in text or "(\u2212" in text
    for match in _SIGN.finditer(text) if signed else ():
        start = match.start("name")
        separator = list(re.finditer(r"[,;:]|\band\b", text[:start]))
        item = [(start, match.end("name"))]
        if not separator or text[separator[-1].end() : start].strip() == "":
            results += _results_of(sentence, item, match, taken, findings, subject=False)
    return results


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The offsets of the items of a list between two offsets."""
    items: list[tuple[int, int]] = []
    position = start
    for separator in [*_SUBJECT_ITEM.finditer(text, start, end), None]:
        stop = separator.start() if separator else end
        items.append((position, stop))
        position = separator.end() if separator else stop
    return items


def _results_of(
    sentence: Sentence,
    items: list[tuple[int, int]],
    match: re.Match[str],
    taken: list[tuple[int, int]],
    findings: list[tuple[int, int]],
    subject: bool,
) -> list[StatedResult]:
    text = sentence.text
    words = match.group("words")
    flagged = _STATED_RE.fullmatch(words)
    flag: Flag = _flag(flagged.lastgroup) if flagged and flagged.lastgroup else "unknown"
    results: list[StatedResult] = []
    for start, end in items:
        blank = _blank_parentheses(text[start:end])
        stripped = _DETERMINERS.sub("", blank.strip()).strip()
        start += blank.find(stripped)
        end = start + len(stripped)
        stripped = " ".join(stripped.split())  # "Child-Pugh (CP) score": "Child-Pugh score"
        if subject and len(stripped.split()) > 4 and " of " in stripped:
            if any(a < end and start < b for a, b in findings):
                continue  # "Signs of right-sided heart failure were absent": a finding's
            stripped = stripped.split(" of ")[0]  # "Motor skills of the hands"
            end = start + len(stripped)
        if not stripped or len(stripped.split()) > (4 if subject else 6):
            continue
        if _NOT_A_SUBJECT.search(stripped) or (subject and re.search(r"\d", stripped)):
            continue  # a marker may hold digits ("CK7"), a subject not ("2 days")
        if _A_VALUE.fullmatch(stripped):
            continue  # a value ("protein, 511 mg/dL") names no test
        if any(a < end and start < b for a, b in [*findings, *taken]):
            continue
        span = (min(start, match.start("words")), max(end, match.end("words")))
        results.append(
            StatedResult(
                test=Term(stripped),
                result=words,
                flag=flag,
                sentence_index=sentence.index,
                span=sentence.source_span(*span),
            )
        )
    return results


_A_VALUE = re.compile(r"[<>≤≥]?\s*\d[\d.,]*\s*[^\s\d]*")
"""A number, with its unit if any ("511 mg/dL"): a value, never a test's name ("25-OH
vitamin D" is a name)."""


def _shared(result: tuple[str, int, int]) -> bool:
    """A result in words is shared along a list ("CRP and ESR were normal"); a number is
    one test's own ("On examination, blood pressure 155/100" is not the examination's)."""
    return not result[0][:1].isdigit()


_RESPECTIVELY = re.compile(
    r"\b(?:was|were|is|are|of|measured)\s+(?P<values>[^;:]+?),?\s+respectively\b",
    re.IGNORECASE,
)
_ITEM_VERB = re.compile(
    r"\s+(?:(?:had|has|have|was|were|is|are)\s+)?(?:\w+ly\s+)?(?:\w+ed|rose|risen|fell|fallen)$",
    re.IGNORECASE,
)
"""The verb that ends a list's last item ("free carnitine levels had increased")."""
_SIDES = frozenset({"left", "right", "both", "bilateral", "upper", "lower"})
_LISTED_VALUE = (
    rf"[<>\u2264\u2265]?\s*(?:{NUMBER})(?:/(?:{NUMBER}))?(?:\s?[^\s,;()]+)?(?:\s*\([^()]*\))?"
)
"""One value of a listed series, as written: a number, its unit, what it adds in parentheses."""
_VALUE_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_BEFORE_VERB = re.compile(
    r"^\s*(?:(?:levels?|values?|counts?|concentrations?|scores?)\s*)?(?:\([^()]*\)\s*)?$"
)
_RESPECTIVE_TESTS = _STATED_TESTS | {"imaging-sign"}


def _respective(
    sentence: Sentence, found: list[LocalMention]
) -> list[tuple[LocalMention, int, int]]:
    """Tests listed before a list of as many values closed by "respectively" ("blood
    pressure, pulse rate, and respiratory rate were 174/127 mm Hg, 88/min, and 22/min,
    respectively"), each with its value's offsets; nothing when the counts differ."""
    text = sentence.text
    match = _RESPECTIVELY.search(text)
    if match is None:
        return []
    before = sorted(
        (m for m in found if m.categories & _RESPECTIVE_TESTS and m.end <= match.start()),
        key=lambda m: m.start,
    )
    chain: list[LocalMention] = []
    for mention in reversed(before):
        if not chain:
            if _BEFORE_VERB.match(text[mention.end : match.start()]):
                chain.append(mention)
            continue
        if mention.end <= chain[-1].start and not text[mention.end : chain[-1].start].strip():
            last = chain[-1]  # "hemoglobin A1c levels": one test named by two terms
            chain[-1] = replace(last, start=mention.start, text=text[mention.start : last.end])
        elif mention.end <= chain[-1].start and _LIST_BETWEEN.match(
            text[mention.end : chain[-1].start]
        ):
            chain.append(mention)
        elif mention.end <= chain[-1].start:
            break
    chain.reverse()
    values: list[tuple[int, int]] = []
    start = match.start("values")
    for separator in _VALUE_SEPARATOR.finditer(text, start, match.end("values")):
        values.append((start, separator.start()))
        start = separator.end()
    values.append((start, match.end("values")))
    if len(chain) >= 2 and len(values) == len(chain):
        return [(test, a, b) for test, (a, b) in zip(chain, values, strict=True)]
    return _respective_items(text, found)


_VALUE_LIST = re.compile(
    rf"(?P<verb>\b(?:was|were|is|are|of|to|measured|indicated)\s+)?(?<![\w.,/-])"
    rf"(?P<values>{_LISTED_VALUE}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+){_LISTED_VALUE})+)"
    r",?\s+respectively\b",
    re.IGNORECASE,
)
"""The list of values a "respectively" closes, and the verb before it."""


_A_STIMULUS = re.compile(
    r"\s+(?:to|after|following|in\s+response\s+to)\s+(?![\w\s-]*\bratio\b)", re.IGNORECASE
)
"""What a test's value answers, after its name ("cortisol to insulin-induced
hypoglycaemia"): no part of the name (an "albumin to creatinine ratio" is one name)."""


def _respective_items(text: str, found: list[LocalMention]) -> list[tuple[LocalMention, int, int]]:
    """The values of a "respectively" list paired with the items of the list before its
    verb, from the end, where not every test is a term ("sodium, potassium and chloride
    were 128, 3.2 and 95 mmol/L"; "the levels of carcinoembryonic antigen, alpha
    fetoprotein, and carbohydrate antigen 19-9 indicated 3.6 ng/mL, 26.7 ng/mL, and 8.1
    U/mL"): a term inside an item names it, else its own words do."""
    match = _VALUE_LIST.search(text)
    if match is None:
        return []
    values = _items(text, match.start("values"), match.end("values"))
    starts = [b.end() for b in _SUBJECT_START.finditer(text, 0, match.start())]
    items = _items(text, starts[-1] if starts else 0, match.start())[-len(values) :]
    if len(items) != len(values):
        return []
    tests: list[LocalMention] = []
    for start, end in items:
        inside = [m for m in found if start <= m.start and m.end <= end]
        words = _ITEM_VERB.sub("", _name_words(_blank_parentheses(text[start:end])))
        if words.lower() in _SIDES:
            return []  # "the left, right, and total lungs": one test at several sites
        if inside and (
            text[start:end].rstrip().endswith(inside[-1].text)
            or _A_STIMULUS.match(text, inside[-1].end, end)
        ):
            tests.append(inside[-1])  # a term names the item ("alpha fetoprotein")
        elif words and len(words.split()) <= 4 and not _NOT_A_SUBJECT.search(words):
            at = text.find(words, start)
            concept = Concept(iri="", pref_label=words, schemes=(), labels=(words,))
            tests.append(
                LocalMention(concept, at, at + len(words), words, False, frozenset({"lab-test"}))
            )
        else:
            return []
    return [(test, a, b) for test, (a, b) in zip(tests, values, strict=True)]


def _paired_readings(
    readings: list[_Reading],
    respective: list[tuple[LocalMention, int, int]],
    vocabulary: Vocabulary,
) -> list[_Reading]:
    """Values of a "respectively" list read as the values of the tests in the same order."""
    paired: list[_Reading] = []
    for reading in readings:
        test = next((t for t, a, b in respective if a <= reading.quantity.start < b), None)
        if test is None:
            paired.append(reading)
        elif test.categories & {"lab-test", "imaging-sign"}:
            kind: Literal["lab", "measurement"] = (
                "lab" if "lab-test" in test.categories else "measurement"
            )
            known = test.concept.iri in vocabulary.concepts
            name = Term(test.text, test.concept.iri if known else None)
            paired.append(replace(reading, kind=kind, name=name, mention=test, start=test.start))
    return paired


_NOT_A_TEST = ("SCT:363679005", "DCM:")
"""Procedures that give no value: imaging ("CT scan", "...graphy") and DICOM modalities."""


def _is_test(mention: ConceptMention) -> str | None:
    """A terminology's test or observation ("blood pressure", "platelet count", "renal
    function") is read as a lab test: what a value beside it measures (lab tests and
    LOINC observations are local mentions already)."""
    identifier = mention.identifier
    if identifier is None or mention.category != "procedure":
        return None
    if identifier.startswith(_NOT_A_TEST) or identifier.startswith("LOINC:"):
        return None
    return "lab-test"


def _is_imaging(mention: ConceptMention) -> str | None:
    """A terminology's imaging procedure or modality ("angiography", "US") is an
    examination a result can be stated of."""
    identifier = mention.identifier
    if identifier is not None and identifier.startswith(_NOT_A_TEST):
        return "modality"
    return None


def with_terms(
    document: Document,
    local: dict[int, list[LocalMention]],
    mentions: Sequence[ConceptMention],
    kind: Callable[[ConceptMention], str | None],
) -> dict[int, list[LocalMention]]:
    """The local mentions plus the terminology mentions ``kind`` gives a category (a
    vocabulary scheme's key) for, each then read as a concept of that category."""
    sentences = {s.index: s for s in document.sentences}
    named = {index: list(found) for index, found in local.items()}
    for mention in mentions:
        category = kind(mention)
        if category is None:
            continue
        sentence = sentences[mention.sentence_index]
        concept = Concept(
            iri=mention.concept,
            pref_label=mention.label,
            schemes=(SCHEME_PREFIX + category,),
            labels=(mention.label,),
        )
        named[sentence.index].append(
            local_mention(sentence, mention, concept, frozenset({category}))
        )
    for found in named.values():
        found.sort(key=lambda m: m.start)
    return named


# --- patient -------------------------------------------------------------------------------

_AGE = re.compile(r"\b(\d{1,3})[- ](?:year|yr)s?[- ]old\b|\baged\s+(\d{1,3})\b", re.IGNORECASE)
_SEX = re.compile(r"\b(male|man|boy|gentleman|female|woman|girl|lady)\b", re.IGNORECASE)
_HISTORY = re.compile(
    r"\bwith\s+(?:an?\s+)?(?:underlying|(?:known|past|previous|prior)\s+|"
    r"(?:past\s+)?(?:medical\s+)?history\s+of|background\s+of|pre-?existing)",
    re.IGNORECASE,
)
_PRESENTATION = re.compile(
    r"\b(?:complaining\s+of|complaints?\s+of|"
    r"(?:present(?:ed|ing|s)|admitted|came)\s+(?:to\s+(?:the\s+|our\s+)?[\w\s-]+?\s+)?with|"
    r"chief\s+complaint\s+of|admitted\s+for)\s+(?P<what>.+?)"
    r"(?=\s+(?:and\s+)?(?:was|were|who|to|after|since|for)\b|[,.;]|$)",
    re.IGNORECASE,
)
_FEMALE = {"female", "woman", "girl", "lady"}


def _patient(document: Document, local: dict[int, list[LocalMention]]) -> Patient | None:
    for sentence in _case_first(document):
        age = _AGE.search(sentence.text)
        if age is None:
            continue
        text = sentence.text
        sex_match = _SEX.search(text, age.end())
        sex: Sex | None = None
        if sex_match:
            sex = "female" if sex_match.group(1).lower() in _FEMALE else "male"
        presentation = _PRESENTATION.search(text)
        history = _HISTORY.search(text)
        cut = presentation.start() if presentation else len(text)
        comorbidities: list[Term] = []
        if history:
            comorbidities = [
                Term(m.text, m.concept.iri)
                for m in local[sentence.index]
                if history.end() <= m.start < cut
                and m.categories & {"etiology", "condition"}
                and m.context.experiencer == "patient"
                and not m.negated
            ]
            if not comorbidities:
                comorbidities = [Term(text[history.end() : cut].strip(" ,"))]
        presented: list[Term] = []
        if presentation:
            inside = [
                Term(m.text, m.concept.iri)
                for m in local[sentence.index]
                if presentation.start("what") <= m.start < presentation.end("what")
                and not m.negated
            ]
            presented = inside or [Term(presentation.group("what"))]
        return Patient(
            age_years=int(age.group(1) or age.group(2)),
            sex=sex,
            comorbidities=tuple(comorbidities),
            presentation=tuple(presented),
            admitted_to=admission_setting(text),
            sentence_index=sentence.index,
            span=Span(sentence.start, sentence.end),
        )
    return None


_DIAGNOSIS = re.compile(
    r"\b(?:diagnos(?:ed|is)\s+(?:of|with|as)|(?:was|were)\s+diagnosed|"
    r"(?:final|clinical|definitive)\s+diagnosis(?:\s+(?:of|was))?|"
    r"(?:treatment|treated|hospitali[sz]ation|admission)\s+(?:for|due\s+to|because\s+of))\b",
    re.IGNORECASE,
)
_UNCERTAIN_DIAGNOSIS = re.compile(
    r"\b(?:rule\s+out|ruled\s+out|suspect\w*|possible|probable|differential|exclude\w*)\b",
    re.IGNORECASE,
)


def _diagnoses(document: Document, local: dict[int, list[LocalMention]]) -> list[Diagnosis]:
    """Conditions the case sections say were diagnosed ("was diagnosed with", "diagnosis
    of") or treated ("required inpatient treatment due to"): the mentions after the cue in
    its clause, unless negated or only suspected."""
    found: list[Diagnosis] = []
    seen: set[str] = set()
    for sentence in case_sentences(document):
        if is_authors_voice(sentence.text):
            continue
        for cue in _DIAGNOSIS.finditer(sentence.text):
            stop = _clause_end(sentence.text, cue.end())
            if _UNCERTAIN_DIAGNOSIS.search(sentence.text, max(0, cue.start() - 30), stop):
                continue
            for mention in local[sentence.index]:
                if not cue.end() <= mention.start < stop or _not_the_patients_own(mention):
                    continue
                if not mention.categories & {"etiology", "condition"}:
                    continue
                if mention.concept.iri in seen:
                    continue
                seen.add(mention.concept.iri)
                found.append(
                    Diagnosis(
                        Term(mention.text, mention.concept.iri),
                        cue.group(),
                        sentence.index,
                        sentence.source_span(mention.start, mention.end),
                    )
                )
    return found


def _not_the_patients_own(mention: LocalMention) -> bool:
    """Denied, only suspected, or a relative's: no diagnosis of this patient."""
    context = mention.context
    return context.negated or context.uncertain or context.experiencer != "patient"


def _case_first(document: Document) -> list[Sentence]:
    case = [s for s in document.sentences if is_case_section(s.section)]
    return case + [s for s in document.sentences if not is_case_section(s.section)]


# --- microbiology --------------------------------------------------------------------------

_CULTURE = re.compile(
    r"\b(?P<specimen>blood|urine|sputum|wound|stool|tissue|pleural\s+fluid|"
    r"cerebrospinal\s+fluid|CSF|bile|ascitic\s+fluid)?\s*cultures?\b",
    re.IGNORECASE,
)
_ITALIC = re.compile(r"\*(?P<name>[A-Z][a-z]+(?:\s+[a-z]+)?)\*")
_BINOMIAL = re.compile(
    r"\b(?P<name>[A-Z][a-z]{2,}aceae|[A-Z][a-z]+\s+(?!and\b|or\b|were\b|was\b|in\b|on\b|"
    r"from\b|with\b|is\b|are\b)[a-z]{3,}|[A-Z]\.\s?[a-z]{3,})\b"
)


def _microbiology(document: Document, local: dict[int, list[LocalMention]]) -> list[Microbiology]:
    found: list[Microbiology] = []
    for sentence in document.sentences:
        culture = _CULTURE.search(sentence.text)
        if culture is None:
            continue
        specimen = culture.group("specimen").lower() if culture.group("specimen") else None
        names: list[tuple[int, int, Term]] = [
            (m.start, m.end, Term(m.text, m.concept.iri))
            for m in local[sentence.index]
            if "organism" in m.categories
        ]
        for pattern in (_ITALIC, _BINOMIAL):
            for match in pattern.finditer(sentence.text):
                start, end = match.span("name")
                if all(end <= s or start >= e for s, e, _ in names) and not _is_sentence_start(
                    sentence.text, start, pattern
                ):
                    names.append((start, end, Term(match.group("name"))))
        for start, end, term in sorted(names, key=lambda n: n[0]):
            found.append(
                Microbiology(
                    organism=term,
                    specimen=specimen,
                    sentence_index=sentence.index,
                    span=sentence.source_span(start, end),
                )
            )
    return found


def _is_sentence_start(text: str, start: int, pattern: re.Pattern[str]) -> bool:
    """A capitalised first word is no sign of a Latin name (only italics are, there)."""
    return pattern is _BINOMIAL and not text[:start].strip(" *")


# --- quantities ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    kind: Literal["lab", "measurement"]
    name: Term
    mention: LocalMention | None
    quantity: Quantity
    reference: ReferenceRange | None
    qualifier: str | None
    start: int
    end: int
    head: str
    tail: str


_QUALIFIER = re.compile(
    r"\b(average|mean|median|peak|maximum|minimum|nadir|initial|baseline|lowest|highest)\b",
    re.IGNORECASE,
)
_ITEM_BREAK = re.compile(
    r"[,;:]|\b(?:and|or|including|showed|revealed|with|of|were|was|remained)\b", re.IGNORECASE
)
_EVALUATIVE = re.compile(
    r"^(?:(?:the|a|an|his|her|their|elevated|increased|decreased|raised|reduced|low|high|"
    r"markedly|mildly|slightly|very|abnormal|serum|plasma)\s+)+",
    re.IGNORECASE,
)
_ANALYTE_CATEGORIES = frozenset({"lab-test", "imaging-sign", "condition", "mechanism"})


def _readings(
    sentence: Sentence,
    found: list[LocalMention],
    vocabulary: Vocabulary,
    findings: list[tuple[int, int]],
    own_account: bool,
    respective: list[tuple[LocalMention, int, int]],
) -> list[_Reading]:
    """The values of a sentence with their names; one no term names only in the case's own
    account (``own_account``)."""
    text = sentence.text
    ranges = find_ranges(text)
    quantities = find_quantities(text, ranges)
    readings: list[_Reading] = []
    boundary = 0
    for number, quantity in enumerate(quantities):
        following = quantities[number + 1].start if number + 1 < len(quantities) else len(text)
        reference = next(
            (
                r
                for r in ranges
                if quantity.end <= r.start < following and ")" not in text[quantity.end : r.start]
            ),
            None,
        )
        head_end = quantity.start
        opened = text.rfind("(", boundary, quantity.start)
        if opened > text.rfind(")", boundary, quantity.start):
            head_end = opened
        blank = _blank_parentheses(text[:head_end])
        named = [
            m
            for m in found
            if m.categories & _ANALYTE_CATEGORIES
            and not _NEXT_ITEM.search(blank, m.end)
            and not _OWN_NUMBER.match(blank, m.end)
        ]
        candidates = [m for m in named if boundary <= m.start and m.end <= head_end] or [
            m for m in named if head_end <= m.start and m.end <= quantity.start
        ]
        listed = [t for t, a, b in respective if a <= quantity.start < b]
        if listed:
            candidates = listed  # the test a "respectively" list gives this value to
        end = reference.end if reference else quantity.end
        centile = _CENTILE.match(text, end)
        if centile is not None:
            end = centile.end()
        tail_end = _clause_end(text, end)
        reading = _reading(
            text, quantity, reference, candidates, vocabulary, boundary, head_end, end, tail_end
        )
        vital = _vital_finding(text, quantity, boundary, head_end)
        if vital is not None:
            # "tachycardia (120 beats per minute)": the finding's own vital sign, its words
            # the value's name
            reading = _Reading(
                kind="measurement",
                name=Term(vital.group(0)),
                mention=None,
                quantity=quantity,
                reference=reference,
                qualifier=None,
                start=vital.start(),
                end=end,
                head=text[vital.start() : quantity.start],
                tail=text[end:tail_end],
            )
        course = _course_from(text, readings, quantity) if not candidates else None
        if course is not None:
            # "decreased from 19 mmHg to 8 mmHg": the value the course reaches is the same
            # test's, the words from its name to the new value
            reading = replace(
                course,
                quantity=quantity,
                reference=reference,
                end=end,
                tail=text[end:tail_end],
                qualifier=None,
            )
        if (
            reading is not None
            and reading.mention is None
            and vital is None
            and (
                not own_account
                or (
                    reading.kind == "measurement"
                    and any(reading.start < b and a < quantity.start for a, b in findings)
                )
            )
        ):
            # a value no term names is read in the case's own account only (not a methods
            # section's buffer, "10 mM"), and a measure never as a finding's ("atrial
            # fibrillation of 80/min")
            reading = None
        if reading is not None:
            readings.append(reading)
        boundary = end
    return readings


_VITAL_FINDINGS = {
    "/min": re.compile(r"\b(?:tachy|brady)(?:cardi|pn[oe]?)\w*", re.IGNORECASE),
    "Cel": re.compile(r"\b(?:febrile|fever|pyrexi\w*|hypotherm\w*|hypertherm\w*)", re.IGNORECASE),
    "mm[Hg]": re.compile(r"\bhypo?tensi\w*|\bhypertensi\w*", re.IGNORECASE),
}
"""Findings that are a vital sign out of its range, by the unit of the vital sign: a rate
(tachycardia, tachypnoea), a body temperature (fever), a blood pressure (hypotension)."""


def _vital_finding(
    text: str, quantity: Quantity, boundary: int, head_end: int
) -> re.Match[str] | None:
    """The finding a vital sign's value is given of in parentheses right after it ("vital
    signs showed tachycardia (120 beats per minute) and hypotension (85/55 mmHg)", "fever
    (between 38 and 40 °C)"), when the finding is of that vital sign."""
    finding = _VITAL_FINDINGS.get(quantity.unit.ucum)
    if finding is None or head_end == quantity.start or text[head_end] != "(":
        return None
    if text[head_end + 1 : quantity.start].strip(" ,:").lower() not in ("", "between", "up to"):
        return None
    found = [
        m
        for m in finding.finditer(text, boundary, head_end)
        if not text[m.end() : head_end].strip()
    ]
    return found[-1] if found else None


_FROM_TO = re.compile(
    r"\s*(?:(?:before|after|during|on|off|without|with)\s+[^\d,;()]{1,40}?\s+)?to\s*$",
    re.IGNORECASE,
)
_FROM = re.compile(r"\bfrom\s*$", re.IGNORECASE)


def _course_from(text: str, readings: list[_Reading], quantity: Quantity) -> _Reading | None:
    """The reading a course starts from, when ``quantity`` is where it goes ("creatinine
    increased from 2.5 mg/dL to 5.5 mg/dL"): the value right before, after "from", and
    only "to" between them, or the first value's circumstance and "to" ("decreased from
    115 mmol/l before ivacaftor to 40 mmol/l"), in the same unit."""
    if not readings:
        return None
    previous = readings[-1]
    if not _FROM.search(text, 0, previous.quantity.start):
        return None
    if not _FROM_TO.match(text[previous.end : quantity.start]):
        return None
    return previous if previous.quantity.unit.ucum == quantity.unit.ucum else None


_CENTILE = re.compile(
    r"\s*\(\s*(?:[<>≤≥]\s*)?\d+(?:st|nd|rd|th)\s+(?:percentile|centile)s?\s*\)", re.IGNORECASE
)
"""A value's centile given after it ("2,330 g (<10th percentile)"): part of the value's words."""
_OWN_NUMBER = re.compile(
    rf"(?:\s*\([^()]{{1,12}}\))?\s+(?:{NUMBER})(?![\w/%]|\.\d)\s*(?:,|;|\band\b)", re.IGNORECASE
)
"""A name's own bare number, then the next item: "sodium 130, potassium 3.1 and chloride
98 mmol/L" gives potassium 3.1 (a stated result), never the chloride's 98 mmol/L."""
_NEXT_ITEM = re.compile(
    r",\s+(?:and\s+|or\s+)?(?!(?:measured|obtained|taken|drawn|checked|repeated|tested|was|were)\b)"
    r"[A-Za-z]"
)
"""Another item of a list begins: a name before it is not what a later value measures
("negative for CK 5/6, Syn, cgA, and Ki-67 (20%)" gives CK no value); a clause on when it
was measured is no item ("Her hemoglobin, measured on arrival, was 6.2 g/dL")."""


def _clause_end(text: str, start: int) -> int:
    stop = re.compile(r"[.;]\s|[.;]$|,\s")
    match = stop.search(text, start)
    return match.start() if match else len(text)


def _reading(
    text: str,
    quantity: Quantity,
    reference: ReferenceRange | None,
    candidates: list[LocalMention],
    vocabulary: Vocabulary,
    boundary: int,
    head_end: int,
    end: int,
    tail_end: int,
) -> _Reading | None:
    mention = candidates[-1] if candidates else None
    defined = [
        c
        for c in candidates[:-1]
        if mention is not None
        and c.concept.iri == mention.concept.iri
        and re.fullmatch(r"\s*\(\s*", text[c.end : mention.start])
    ]
    if defined:
        mention = defined[-1]  # "ejection fraction (EF) of 20%": the name the report defines
    concept: Concept | None = None
    kind: Literal["lab", "measurement"] | None = None
    if mention is not None:
        if "lab-test" in mention.categories:
            concept, kind = mention.concept, "lab"
        elif "imaging-sign" in mention.categories:
            concept, kind = mention.concept, "measurement"
        else:
            concept = analyte_of_finding(vocabulary, mention.concept)
            kind = "lab" if concept is not None else None
    if mention is not None and _reported_after(text, mention.end, head_end):
        # "Biochemical tests revealed a low total protein at 6.5 g/dL": what the test
        # revealed is the value's name, not the test that revealed it
        mention, concept, kind = None, None, None
    item_start = mention.start if mention else _item_start(text, boundary, head_end)
    if kind is None:
        if quantity.unit.kind in ("concentration", "count", "pressure"):
            kind, mention = "lab", None
        elif quantity.unit.kind in _UNNAMED_MEASURES:
            kind, mention = "measurement", None  # "length 47 cm", "QTc 584 ms"
        else:
            return None
    if kind == "lab" and mention is not None and not _measures(mention.text, quantity):
        molar = _MOLAR_IN_LOWER_CASE.get(quantity.unit.ucum)
        if molar is None or "lab-test" not in mention.categories:
            return None
        # "ammonia 277 μm", "lactate 27 mm": an analyte has no length; the molar unit
        # written in lower case (µM, mM)
        quantity = replace(quantity, unit=Unit(quantity.unit.text, molar, "concentration"))
    if mention is not None:
        known = concept is not None and concept.iri in vocabulary.concepts
        name = Term(mention.text, concept.iri if concept and known else None)
    else:
        words = _subject_words(text[item_start:head_end])
        for linked in reversed(list(_LINKED.finditer(text, boundary, head_end))):
            # "pCO2 of 3.55 kPa", "albumin was low at 2.7 g/dL", "fibrinogen was normal
            # with a value of 194 mg/dL", "LDH: 980 U/L": the subject before the link is the name
            if words or _subject_words(text[linked.end() : head_end]):
                break
            item_start = _item_start(text, boundary, linked.start())
            while item_start < linked.start() and text[item_start] in " ,(":
                item_start += 1
            words = _name_words(text[item_start : linked.start()])
        after = _PERSON_AND_VERB.match(words)
        if after is not None:
            # "He needed variable PIPs between 25 and 45 cm H2O", "The patient had tidal
            # volumes (Vt) of 6-7 mL/kg": the person and the verb are no part of the name
            words = words[after.end() :]
            item_start = text.find(words, item_start)
        words = _TRAILING_VERB.sub("", words)
        if not words or len(_TRAILING_ABBREVIATION.sub("", words).split()) > 4:
            return None
        if _A_PRONOUN.search(words) or words.split()[0].lower() in _CIRCUMSTANCES:
            return None  # "the urinary one", "before ivacaftor": no test's name
        if _A_VALUE.fullmatch(words):
            return None
        if len(words.split()) == 1 and _VERB_FORM.fullmatch(words) and not words.isupper():
            return None  # "markedly raised, reaching 8,500 ng/mL": a verb names no test
        if kind == "measurement" and not _names_a_measure(words, quantity):
            return None
        name = Term(_without_unit(words))
    if quantity.diastolic is not None and not _A_PRESSURE.search(name.text):
        return None  # "peak/mean gradient of 38/22 mmHg": two measures, not one pressure's
    clause_start = _clause_start(text, boundary, item_start)
    qualifier = _QUALIFIER.search(text, clause_start, quantity.start)
    return _Reading(
        kind=kind,
        name=name,
        mention=mention,
        quantity=quantity,
        reference=reference,
        qualifier=qualifier.group(1).lower() if qualifier else None,
        start=min(item_start, quantity.start),
        end=end,
        head=text[clause_start : quantity.start],
        tail=text[end:tail_end],
    )


_A_PRESSURE = re.compile(r"pressure|\b[SD]?BP\b|tensi(?:on|ve)\b", re.IGNORECASE)
"""The name of a pressure, whose two values over one unit are systolic and diastolic."""
_PERSON_AND_VERB = re.compile(
    r"(?:(?:(?:the|a|an)\s+)?(?:he|she|they|we|patient|child|infant|man|woman|boy|girl)\s+"
    r"(?:\w+\s+)?(?:had|has|have|needed|required|showed|developed|received|\w+ed)|"
    r"(?:had|has|have|needed|required|showed|developed|received)|"
    r"\w+ing\s+(?:a|an|the))\s+(?=\S)",
    re.IGNORECASE,
)
"""A person and a verb, or the verb alone, before a value's name, or a participle and an
article ("yielding an MIC of >32 mg/liter"): the name is the words after them."""
_TRAILING_VERB = re.compile(
    r"\s+(?:oscillated|ranged|varied|fluctuated|remained|measured|(?:achiev|reach|attain|"
    r"exceed)(?:es|s|ed))$"
)
"""A verb after a value's name ("his PIPs oscillated between 15 and 45 cm H2O", "erlotinib
(150 mg daily) achieves 3000 nM")."""
_A_PRONOUN = re.compile(r"\b(?:one|ones)$", re.IGNORECASE)
"""A name's last word a pronoun for a name said before ("the urinary one was 419.7 μg/L"):
what it stands for is not read."""
_MOLAR_IN_LOWER_CASE = {"mm": "mmol/L", "um": "umol/L"}
"""Lengths whose symbols, in lower case, are the molar concentrations mM and µM."""
_UNNAMED_MEASURES = frozenset({"percent", "time", "length", "volume", "rate", "mass"})
"""Units of a value whose name no terminology gives that is still read, as a measurement
of the words before it; a length or a weight only where those words name one."""
_TRAILING_ABBREVIATION = re.compile(r"\s*\([A-Za-z][\w-]{0,9}\)$")
_VERB_FORM = re.compile(r"\w+ed|\w+ing", re.IGNORECASE)
_NO_MEASURE_NAMES = frozenset(
    re.findall(r"\w+", "that which who this these those it they sister brother much many more less")
)
"""Single words that name no measure: a relative, a person, a quantity word."""


def _names_a_measure(words: str, quantity: Quantity) -> bool:
    """Whether the words before a value no terminology names can be what it measures: a
    noun phrase ("length", "armspan", "collagen/ADP closure time", "mean corpuscular
    volume (MCV)"), never a verb's words ("drained", "remained prolonged", "born at term
    weighing"), a relative or a person ("during which", "his sister"), a number, a
    finding's name, or a length or weight the words do not name."""
    name = _TRAILING_ABBREVIATION.sub("", words)
    tokens = name.split()
    if not tokens or not name[:1].isalpha() or re.search(r"[()\[\]]", name):
        return False
    if any(re.search(r"\d", t) for t in tokens[1:]) or _VERB_FORM.fullmatch(tokens[-1]):
        return False  # "drained", "remained prolonged", "cell lines harboring L858R"
    if any(t.lower() in ("higher", "lower", "than") for t in tokens):
        return False  # "higher than in goats": a comparison
    if len(tokens) == 1 and tokens[0].lower() in _NOT_A_NAME | _NO_MEASURE_NAMES:
        return False
    return not _NOT_A_SUBJECT.search(tokens[0]) and _measures(name, quantity)


_MEASURES: dict[str, re.Pattern[str]] = {
    "temperature": re.compile(r"temp|fever|pyrexi", re.IGNORECASE),
    "length": re.compile(
        r"length|height|circumference|span|size|diameter|thickness|distance|depth|width|"
        r"stature",
        re.IGNORECASE,
    ),
}
_WEIGHED = re.compile(r"weigh|mass", re.IGNORECASE)


def _measures(name: str, quantity: Quantity) -> bool:
    """Whether a test's name can be what a value in this unit measures: a temperature, a
    length or a weight in grams is only the value of a test named for one ("glucose" is
    never 37 °C, "citrate" never 0.2 g: the incubation and the recipe's)."""
    pattern = _MEASURES.get(quantity.unit.kind)
    if quantity.unit.ucum in ("g", "kg", "mg"):
        pattern = _WEIGHED
    return pattern is None or pattern.search(name) is not None


def _without_unit(words: str) -> str:
    """A name without the unit or the time a table row gives after it ("Triglycerides
    (mg/dL)", "Urea (Day 2)": the time is the value's, kg.facts.own_time)."""
    after = re.search(r"\s*\(([^()]+)\)$", words)
    if after is None:
        return words
    inside = after.group(1).strip()
    times = find_time_expressions(inside)
    timed = len(times) == 1 and len(times[0].text) == len(inside)
    return words[: after.start()] if timed or parse_unit(inside) else words


_LINKED = re.compile(r"\b(?:of|was|were|is|are|remained)\b|:", re.IGNORECASE)
"""What links a name to its value: a verb, "of", or a colon ("Lactate dehydrogenase: 980 U/L",
a table's row); "remained" as "was" ("her QTc remained prolonged (600 msec)")."""
_NOT_A_NAME = frozenset(
    re.findall(
        r"\w+",
        """at to from of with by in on into for as than a an the was were is are be been being
    value values level levels result results reading readings measurement measurements
    measured noted found recorded reported about approximately around nearly almost
    estimated numerous many several few some any normal abnormal unremarkable increasing
    decreasing rising falling""",
    )
)
"""Words that name no test: a value's prepositions, linking verbs and generic nouns ("low
at", "a value of", "to"); a name made only of them is no name."""
_CIRCUMSTANCES = frozenset(
    re.findall(r"\w+", "before after during since until without daily weekly twice once")
)
"""A first word telling when or how often, not what: "before ivacaftor", "daily" (a dose's)."""
_REPORTING = re.compile(
    r"\b(?:showed|shows|showing|revealed|reveals|revealing|demonstrated|demonstrating|"
    r"confirmed|identified|disclosed)\b|:(?=\s)",
    re.IGNORECASE,
)
"""A reporting verb, or a colon after a heading's words ("Vital signs: BP 140/90 mmHg")."""


def _name_words(text: str) -> str:
    """A value's name from the words before it: evaluative words and what names no test
    stripped from both ends ("a low total protein at" -> "total protein"); "" if none.
    Words too many for a name end at their last preposition or article ("except for a
    carcinoembryonic antigen (CEA) level" -> "carcinoembryonic antigen (CEA)")."""
    words = _EVALUATIVE.sub("", text.strip(" ,(")).strip().split()
    while words and _names_nothing(words[0]):
        words = _EVALUATIVE.sub("", " ".join(words[1:])).split()
    while words and _names_nothing(words[-1]):
        words.pop()
    if len(_TRAILING_ABBREVIATION.sub("", " ".join(words)).split()) > 4:
        cuts = [n for n, word in enumerate(words) if word.lower() in _FUNCTION_WORDS]
        if cuts:
            words = words[cuts[-1] + 1 :]
    name = " ".join(words)
    while name.count(")") > name.count("("):
        name = name[: name.rindex(")")] + name[name.rindex(")") + 1 :]  # "(IC50) is": "IC50"
    return name.strip()


def _subject_words(text: str) -> str:
    """The name words, none when they only state a result ("APTT was prolonged to 53.5
    seconds": the subject before "was" names the value)."""
    words = _name_words(text)
    return "" if _COURSE_ONLY.fullmatch(words) else words


_FUNCTION_WORDS = frozenset(
    re.findall(
        r"\w+",
        "at to from of with by in on into for as than a an the was were is are be been "
        "being except",
    )
)
_COURSE_ONLY = re.compile(
    r"(?:prolonged|shortened|elevated|increased|decreased|raised|reduced|rose|risen|fell|"
    r"fallen|dropped|declined|improved|deteriorated|high|low)",
    re.IGNORECASE,
)
"""A result's words standing where the name would: the name is the clause's subject."""


def _names_nothing(word: str) -> bool:
    """An abbreviation in capitals names a test even when it spells a word ("BE")."""
    return word.lower() in _NOT_A_NAME and not word.isupper()


def _reported_after(text: str, end: int, head_end: int) -> bool:
    """Whether a reporting verb after a test's name introduces another name for the value
    ("tests revealed a low total protein at 6.5 g/dL")."""
    verbs = list(_REPORTING.finditer(text, end, head_end))
    return bool(verbs) and bool(_name_words(text[verbs[-1].end() : head_end]))


def _item_start(text: str, boundary: int, head_end: int) -> int:
    breaks = list(_ITEM_BREAK.finditer(text, boundary, head_end))
    return breaks[-1].end() if breaks else boundary


def _clause_start(text: str, boundary: int, item_start: int) -> int:
    breaks = list(re.finditer(r"[,;:]", text[boundary:item_start]))
    return boundary + breaks[-1].end() if breaks else boundary


def analyte_of_finding(vocabulary: Vocabulary, finding: Concept) -> Concept | None:
    """The lab test a finding names ("hypocalcemia" -> serum calcium), by the shared stem.

    "hypo-/hyper-" and "-emia/-osis/-penia" are stripped; the lab test whose label has a word
    beginning with the rest (at least four letters) is the analyte.
    """
    word = finding.pref_label.lower().split()[-1]
    stem = re.sub(r"^(?:hypo|hyper)", "", word)
    stem = re.sub(r"(?:a?emia|osis|penia|philia)$", "", stem)
    if len(stem) < 4 or stem == word:
        return None
    for concept in vocabulary.in_scheme("lab-test"):
        for label in concept.labels:
            if any(w.lower().startswith(stem) for w in label.split()):
                return concept
    return None


def _lab(sentence: Sentence, reading: _Reading, time: TimeExpression | None) -> LabResult:
    value = _reported_value(reading.quantity, reading.reference)
    cue: str | None = None
    if value["flag"] == "unknown":
        stated = stated_flag(sentence.text, reading)
        if stated is not None:
            value["flag"], cue = stated
    return LabResult(
        analyte=reading.name,
        **value,
        qualifier=reading.qualifier,
        sentence_index=sentence.index,
        span=sentence.source_span(reading.start, reading.end),
        flag_cue=cue,
        time=time,
    )


def own_time(sentence: Sentence) -> TimeExpression | None:
    """The time a sentence gives its values: its one time expression ("On hospital day 3,
    creatinine was 5.1 mg/dL"). A sentence with none gives none, and one with several does
    not say which is whose; a time is never borrowed from another sentence."""
    times = find_time_expressions(sentence.text)
    return times[0] if len(times) == 1 else None


_STATED = (
    (
        "high",
        r"elevat\w*|increas\w*|raised|high|higher|abnormally\s+high|above\s+normal|"
        r"positive",
    ),
    (
        "low",
        r"decreas\w*|reduc\w*|low|lower|depressed|diminished|below\s+normal|deficit|deficien\w*",
    ),
    ("normal", r"within\s+(?:the\s+)?normal\s+(?:limits|range)|normal|unremarkable|WNL"),
)
_STATED_RE = re.compile(
    "|".join(f"(?P<{flag}>\\b(?:{words})\\b)" for flag, words in _STATED), re.IGNORECASE
)
_LIST_BREAK = re.compile(r"[;:.]|\b(?:but|whereas|while|although|however)\b", re.IGNORECASE)
_FINDING_HIGH = re.compile(r"^hyper|(?:cytosis|philia|megaly)$", re.IGNORECASE)
_FINDING_LOW = re.compile(r"^hypo|penia$", re.IGNORECASE)


def stated_flag(text: str, reading: _Reading) -> tuple[Flag, str] | None:
    """The flag the words give a value, when they give one: its finding's name
    ("leukocytosis", "hypocalcemia"), a word after it in its clause ("was elevated"), or the
    nearest evaluative word before it in its list ("elevated troponin I (...) and CK-MB
    (...)") unless another value stands between them, ranges in parentheses left aside."""
    if reading.mention is not None and "lab-test" not in reading.mention.categories:
        word = reading.mention.text.split()[-1]
        if _FINDING_HIGH.search(word):
            return "high", reading.mention.text
        if _FINDING_LOW.search(word):
            return "low", reading.mention.text
    after = _STATED_RE.search(_own_items(_blank_parentheses(reading.tail, numbered=True)))
    if after is not None and after.lastgroup is not None:
        return _flag(after.lastgroup), after.group()
    before = _blank_parentheses(text[: reading.quantity.start])
    breaks = list(_LIST_BREAK.finditer(before))
    start = breaks[-1].end() if breaks else 0
    stated = list(_STATED_RE.finditer(before, start))
    if stated and stated[-1].lastgroup is not None:
        if find_quantities(before[stated[-1].end() :]):
            return None  # "Ferritin was elevated at 12,400 ng/mL, and LDH was 890 U/L"
        if _FROM.search(before, stated[-1].end()):
            return None  # "increased from 2.5 mg/dL": the course's start, not a high value
        return _flag(stated[-1].lastgroup), stated[-1].group()
    return None


_COORDINATED = re.compile(
    r"\b(?:and|or|but|whereas|while)\s+(?!(?:was|were|is|are|remained|had|has|then|thus)\b)",
    re.IGNORECASE,
)
"""A conjunction after a value opens the next item ("1.2 mg/dL and a white blood cell count
within normal limits", "(2.2 mg/dL) and albumin deficit"), unless a verb goes on with the
value's own clause ("and was elevated"): a cue after it is that item's, not the value's."""


def _own_items(tail: str) -> str:
    """The words after a value up to the next coordinated item."""
    other = _COORDINATED.search(tail)
    return tail[: other.start()] if other else tail


def _flag(name: str) -> Flag:
    return "high" if name == "high" else "low" if name == "low" else "normal"


def _blank_parentheses(text: str, numbered: bool = False) -> str:
    """The text with what stands in parentheses blanked out (same length); with
    ``numbered``, only parentheses holding a number (a range: "(normal value: <0.5)", whose
    "normal" names the range, not the result; "(normal)" alone stays)."""
    out = list(text)
    depth = opened = 0
    for index, char in enumerate(text):
        if char == "(":
            opened = index if depth == 0 else opened
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0 and (not numbered or re.search(r"\d", text[opened:index])):
                out[opened : index + 1] = " " * (index + 1 - opened)
    if depth and (not numbered or re.search(r"\d", text[opened:])):
        out[opened:] = " " * (len(text) - opened)
    return "".join(out)


class _ReportedValue(TypedDict):
    """The fields LabResult and Measurement share: a value, or a bound, against its range."""

    comparator: Comparator
    value: Decimal | None
    lower_bound: Decimal | None
    upper_bound: Decimal | None
    unit: str
    ucum: str
    range_low: Decimal | None
    range_high: Decimal | None
    flag: Flag


def _reported_value(quantity: Quantity, reference: ReferenceRange | None) -> _ReportedValue:
    low, high = _comparable_range(quantity, reference)
    if quantity.low is not None:
        # a value stated as a range ("6-8 ng/mL"): at least its lower end, at most its upper
        below = abnormal_flag(quantity.number, "<=", low, high)
        above = abnormal_flag(quantity.low, ">=", low, high)
        return _ReportedValue(
            comparator=">=",
            value=None,
            lower_bound=quantity.low,
            upper_bound=quantity.number,
            unit=quantity.unit.text,
            ucum=quantity.unit.ucum,
            range_low=reference.low if reference else None,
            range_high=reference.high if reference else None,
            flag="low" if below == "low" else "high" if above == "high" else "unknown",
        )
    return _ReportedValue(
        comparator=quantity.comparator,
        value=quantity.number if quantity.comparator == "=" else None,
        lower_bound=quantity.number if quantity.comparator in (">", ">=") else None,
        upper_bound=quantity.number if quantity.comparator in ("<", "<=") else None,
        unit=quantity.unit.text,
        ucum=quantity.unit.ucum,
        range_low=reference.low if reference else None,
        range_high=reference.high if reference else None,
        flag=abnormal_flag(quantity.number, quantity.comparator, low, high),
    )


def _comparable_range(
    quantity: Quantity, reference: ReferenceRange | None
) -> tuple[Decimal | None, Decimal | None]:
    """The range limits, unless the range is stated in another unit than the value."""
    if reference is None or (
        reference.unit
        and reference.unit.ucum != quantity.unit.ucum
        and reference.unit.text != quantity.unit.text  # "27 mm (normal range 0.5-2.4 mm)"
    ):
        return None, None
    return reference.low, reference.high


_LOCATION = re.compile(
    r"\bat\s+the\s+(?P<where>[^,.;()]+?)(?=\s+(?:was|is|were|are|measured)\b|\s*[,.;()]|\s*$)",
    re.IGNORECASE,
)


def _measurement(
    sentence: Sentence,
    reading: _Reading,
    modality: Term | None,
    vocabulary: Vocabulary,
    time: TimeExpression | None,
) -> Measurement:
    name, described_as = reading.name, None
    if reading.mention is not None:
        measured = _measured_quantity(vocabulary, reading.mention.concept)
        if measured.iri != reading.mention.concept.iri:
            described_as = reading.mention.concept.iri
        known = measured.iri in vocabulary.concepts  # a terminology's test is named by its words
        name = Term(reading.mention.text, measured.iri if known else None)
    location = _LOCATION.search(reading.head) or _LOCATION.search(reading.tail)
    return Measurement(
        quantity=name,
        described_as=described_as,
        **_reported_value(reading.quantity, reading.reference),
        qualifier=reading.qualifier,
        location=location.group("where").strip() if location else None,
        modality=modality,
        sentence_index=sentence.index,
        span=sentence.source_span(reading.start, reading.end),
        time=time,
    )


_VITAL_SIGN_UNITS = frozenset({"/min", "Cel"})
_BLOOD_PRESSURE = re.compile(
    r"\bblood\s+pressure|\barterial\s+pressure|\bBP\b|\bMAP\b|\bsystolic|\bdiastolic",
    re.IGNORECASE,
)


def _is_vital_sign(reading: _Reading) -> bool:
    """A value of the body measured at the bedside, whatever terminology names its test:
    a rate per minute (heart, pulse, breathing), a body temperature, a blood pressure in
    mmHg (not a blood gas's partial pressure, "PaO2 60 mmHg", which is a lab's)."""
    unit = reading.quantity.unit.ucum
    return unit in _VITAL_SIGN_UNITS or (
        unit == "mm[Hg]"
        and (
            _BLOOD_PRESSURE.search(reading.name.text) is not None
            or _VITAL_FINDINGS[unit].fullmatch(reading.name.text) is not None
        )
    )  # "hypotension (85/55 mmHg)", never "pulmonary hypertension 75 mm Hg"


_BODY_MEASURE = re.compile(
    r"\b(?:height|stature|arm\s?span|head\s+circumference|(?:body\s+|birth\s*)?weight)\b",
    re.IGNORECASE,
)


def _is_body_measure(reading: _Reading) -> bool:
    """A size of the whole body measured at the bedside (height, arm span, head
    circumference, weight), with vital signs as in HL7 FHIR's vital-signs profile; with no
    imaging examination named before it (an aneurysm's height on CT is an imaging one's)."""
    unit = reading.quantity.unit
    return (unit.kind == "length" or unit.ucum in ("g", "kg")) and bool(
        _BODY_MEASURE.search(reading.name.text)
    )


def _systolic_diastolic(reading: _Reading) -> list[_Reading]:
    """A pressure written systolic over diastolic ("blood pressure 120/70 mmHg", "PA
    pressure 45/20 mmHg") as two measurements, its systolic and its diastolic value, each
    qualified so; any other reading as it is."""
    quantity = reading.quantity
    if quantity.diastolic is None:
        return [reading]
    return [
        replace(
            reading,
            kind="measurement",
            quantity=replace(quantity, number=number, diastolic=None),
            qualifier=qualifier,
        )
        for number, qualifier in ((quantity.number, "systolic"), (quantity.diastolic, "diastolic"))
    ]


def _names_imaging(text: str, reading: _Reading, examined: list[LocalMention]) -> bool:
    """Whether a value's sentence names an imaging examination before it ("Echocardiography
    revealed ... end diastolic diameter was 7 cm"; not "CVP was 16 cmH2O and 2D
    echocardiogram revealed ..."), outside the value's own name ("EXTEM clotting time (CT)
    228 s": the abbreviation of a clotting time, no computed tomography)."""
    name = text.find(reading.name.text, reading.start, reading.quantity.start)
    within = range(name, name + len(reading.name.text)) if name >= 0 else range(0)
    return any(
        "modality" in m.categories and m.start < reading.quantity.start and m.start not in within
        for m in examined
    )


_IMAGED_UNITS = frozenset({"pressure"})
"""Units of what an imaging examination measures where a laboratory's may be measured in
them too: a gradient or a pressure estimated on echocardiography (a fraction may be a
blood count's: "neutrophils 50%"; a length is never a laboratory's)."""
_TESTED_UNITS = frozenset({"percent", "time"})
"""Units of a value no terminology names that, with no imaging examination named, are a
laboratory's: a fraction of blood or cells ("HbA1c 5.9%", "allele burden 44.9%"), a
clotting or closure time ("PFA closure time 195 seconds"); a time in milliseconds is an
electrocardiogram's interval ("QTc 584 ms"), no laboratory's."""


def _kind_by_examination(reading: _Reading, imaged: bool) -> _Reading:
    """A value's kind by the examination its sentence names, where its name leaves it open:
    a length is a measurement ("end diastolic diameter was 7 cm": a terminology's test,
    SNOMED CT's generic diagnostic procedure), so is a pressure in a sentence naming an
    imaging examination ("echocardiography showed ... a maximum gradient of 30 mmHg"); an
    unnamed fraction or time in a sentence naming none is a laboratory's. A terminology's
    imaging sign ("ejection fraction") keeps its kind. A measurement made so takes the
    modality its sentence names, none from an earlier sentence."""
    unit = reading.quantity.unit.kind
    if reading.kind == "lab" and (unit == "length" or (imaged and unit in _IMAGED_UNITS)):
        return replace(reading, kind="measurement")
    if reading.kind == "measurement" and reading.mention is None and not imaged:
        ucum = reading.quantity.unit.ucum
        if (unit in _TESTED_UNITS and ucum != "ms") or ucum == "fL":
            return replace(reading, kind="lab")  # a femtolitre: a blood cell's volume
    return reading


def _measured_quantity(vocabulary: Vocabulary, concept: Concept) -> Concept:
    """The broadest imaging-sign concept above a sign: what a number of it measures."""
    within = [c for c in ancestors(vocabulary, concept) if c.schemes == concept.schemes]
    return within[-1] if within else concept


def _modality(
    document: Document,
    local: dict[int, list[LocalMention]],
    sentence: Sentence,
    reading: _Reading,
    examinations: dict[int, TimelineEvent],
) -> Term | None:
    own = [m for m in local[sentence.index] if "modality" in m.categories]
    if own:
        before = [m for m in own if m.start < reading.quantity.start]
        chosen = (before or own)[-1]
        return Term(chosen.text, chosen.concept.iri)
    event = examinations.get(sentence.index)
    if event is not None and event.modality is not None:
        return Term(event.modality_text or "", event.modality)
    for earlier in reversed(document.sentences[: sentence.index]):
        if earlier.section != sentence.section:
            break
        modalities = [m for m in local[earlier.index] if "modality" in m.categories]
        if modalities:
            return Term(modalities[0].text, modalities[0].concept.iri)
    return None


def quantified(fact: LabResult | Measurement) -> tuple[Term, Decimal | None]:
    """What a fact quantifies and the number it states (its value, else the bound given)."""
    name = fact.analyte if isinstance(fact, LabResult) else fact.quantity
    return name, fact.value if fact.value is not None else fact.lower_bound or fact.upper_bound


def _said_again(facts: list[F], others: set[int]) -> list[F]:
    """The facts, less those of sentences telling of neither the case nor its patient (a
    discussion, an introduction) that do not say again a value of the case ("the native T1
    relaxation time (1335 ms) was not so high" stays, as the case's value said again;
    "native T1 values above 1100 ms indicate edema [1]" and "earlier studies reported 2.5
    mm" go: the literature's values)."""
    own = {(fact.ucum, quantified(fact)[1]) for fact in facts if fact.sentence_index not in others}
    return [
        fact
        for fact in facts
        if fact.sentence_index not in others or (fact.ucum, quantified(fact)[1]) in own
    ]


def _repeats(facts: Sequence[LabResult | Measurement]) -> dict[int, list[int]]:
    """Position of the first statement of each fact -> later sentences that say it again."""
    first: dict[tuple[object, ...], int] = {}
    repeats: dict[int, list[int]] = {}
    for position, fact in enumerate(facts):
        name, number = quantified(fact)
        key = (name.concept or name.text.lower(), fact.comparator, number, fact.ucum)
        if key not in first:
            first[key] = position
            repeats[position] = []
        elif fact.sentence_index not in (facts[first[key]].sentence_index, *repeats[first[key]]):
            repeats[first[key]].append(fact.sentence_index)
    return repeats


def _merge_repeats(facts: list[F]) -> list[F]:
    """One fact per quantity, value and unit; later sentences saying it again are listed."""
    return [
        replace(facts[position], also_reported_in=tuple(later))
        for position, later in _repeats(facts).items()
    ]
